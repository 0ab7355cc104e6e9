// The encoder against the independent table rounder (Support/TableRounder.swift) at every
// boundary class of every registered format: representable values, midpoints and their binary64
// neighbours, quarter points (for sr), the overflow threshold, far beyond max, the subnormal
// boundaries, tiny values, zeros, infinities and NaNs, under every rounding mode and overflow
// policy. Specs/formats.md §4 is the contract.

import Testing
@testable import Octet
import OctetExact

/// One input of the boundary sweep. `full` inputs run under every mode × policy; the others run
/// under every mode with the policy rotating over the modes, so each still meets every policy.
/// Policies only matter out of range: every class near max and beyond, near zero and the
/// subnormal boundaries, zeros, infinities and NaNs is `full`; negatives into unsigned formats
/// are `full` at those magnitudes and rotate in between.
struct BoundaryInput: CustomStringConvertible {
    let x: ExactValue
    let full: Bool
    var description: String { x.description }
}

enum BoundaryInputs {
    /// Positive magnitudes of the grid, extended by the virtual successor (floats) or to
    /// max magnitude + 1 (integers).
    static func grid(_ t: TableRounder) -> [Rational] {
        if let i = t.format.integerLayout {
            let top = max(-i.minValue, i.maxValue) + 1
            return (0 ... top).map { Rational($0) }
        }
        return t.magnitudes + [t.successor]
    }

    static func inputs(for t: TableRounder) -> [BoundaryInput] {
        let h = ExactHelp.self
        let grid = grid(t)
        let maxV = t.maxValue
        var mags: [(Rational, Bool)] = []

        // The ends of the grid run under every policy: from the predecessor of max upwards, and
        // the first two positive values (the subnormal boundaries are added explicitly below).
        let firstPositive = grid.firstIndex { $0.signum > 0 }!
        let lowFull = grid[min(firstPositive + 1, grid.count - 1)]
        let highFull = grid[max(grid.count - 3, 0)]
        func isFullMagnitude(_ a: Rational) -> Bool {
            a >= highFull || a <= lowFull
        }
        func add(_ a: Rational, full: Bool = false) {
            guard a.signum > 0 else { return }
            mags.append((a, full || isFullMagnitude(a)))
        }
        // Representable values (and the successor).
        for g in grid { add(g) }
        // Midpoints ± one binary64 ulp; quarter points (ν = ¼, ¾) exactly and ± one binary64 ulp,
        // where floor(ν·2^N) changes for sr with N = 2 and 3; just inside each neighbour.
        for i in 0 ..< grid.count - 1 {
            let lo = grid[i], hi = grid[i + 1]
            let d = hi - lo
            let mid = lo + d * h.frac(1, 2)
            add(mid); add(mid - h.ulp64(mid)); add(mid + h.ulp64(mid))
            for q in [lo + d * h.frac(1, 4), lo + d * h.frac(3, 4)] {
                add(q); add(q - h.ulp64(q)); add(q + h.ulp64(q))
            }
            add(lo + d * h.pow2(-60)); add(hi - d * h.pow2(-60))
        }
        // Overflow threshold: midpoint of max and successor ± one ulp (also in the loop above).
        let threshold = (maxV + t.successor) * h.frac(1, 2)
        add(threshold, full: true)
        add(threshold - h.ulp64(threshold), full: true)
        add(threshold + h.ulp64(threshold), full: true)
        // Far beyond max.
        add(maxV * Rational(2), full: true)
        add(t.successor * Rational(2), full: true)
        add(h.pow2(200), full: true)
        add(h.pow2(200) + Rational(1), full: true)
        // Subnormal / bottom boundaries.
        let smallestPositive = t.magnitudes.first { $0.signum > 0 }!
        add(smallestPositive, full: true)
        let halfSmallest = smallestPositive * h.frac(1, 2)
        add(halfSmallest, full: true)
        add(halfSmallest - h.ulp64(halfSmallest), full: true)
        add(halfSmallest + h.ulp64(halfSmallest), full: true)
        add(smallestPositive * h.frac(1, 4), full: true)
        add(smallestPositive * h.frac(3, 4), full: true)
        add(smallestPositive - h.ulp64(smallestPositive), full: true)
        if let mn = t.minNormal {
            add(mn, full: true)
            add(mn - h.ulp64(mn) * h.frac(1, 2), full: true)  // just below min normal
            add(mn + h.ulp64(mn), full: true)
            if let largestSub = t.magnitudes.last(where: { $0 < mn && $0.signum > 0 }) {
                add(largestSub, full: true)
                add((largestSub + mn) * h.frac(1, 2), full: true)
            }
        }
        // Tiny values.
        add(h.pow2(-300), full: true)
        add(h.pow2(-1074), full: true)
        add(h.frac(1, 3) * h.pow2(-200), full: true)

        // Deduplicate (many points coincide across classes), keeping "full" if any copy has it.
        var seen: [Rational: Int] = [:]
        var unique: [(Rational, Bool)] = []
        for (a, f) in mags {
            if let i = seen[a] { if f { unique[i].1 = true } } else { seen[a] = unique.count; unique.append((a, f)) }
        }
        var out: [BoundaryInput] = []
        for (a, f) in unique {
            out.append(BoundaryInput(x: .number(a), full: f))
            // Negatives into unsigned formats are out of range at the bottom: policy-sensitive,
            // but rotation covers them; the small and large ones are full anyway.
            out.append(BoundaryInput(x: .number(-a), full: f))
        }
        for n in [false, true] {
            out.append(BoundaryInput(x: .zero(negative: n), full: true))
            out.append(BoundaryInput(x: .infinity(negative: n), full: true))
            out.append(BoundaryInput(x: .nan(negative: n), full: true))
        }
        return out
    }
}

/// Checks the documented meaning of the flags on one conversion (a sanity check; codes are the
/// main contract). Returns a description of the problem, or nil.
func flagsProblem(_ t: TableRounder, _ x: ExactValue, _ e: Encoded) -> String? {
    let f = e.flags
    let result = t.format.value(ofCode: e.code)
    // invalid ⇔ a number became NaN.
    if f.contains(.invalid) != (!x.isNaN && result.isNaN) { return "invalid flag \(f.spelled) for result \(result)" }
    // inexact ⇔ the value changed (NaN to NaN exact, Inf to Inf exact, ±0 equal).
    if !result.isNaN {
        let changed: Bool
        switch (x, result) {
        case (.nan, _): changed = true
        case (.infinity(let a), .infinity(let b)): changed = a != b
        case (.infinity, _), (_, .infinity): changed = true
        default: changed = x.rational! != result.rational!
        }
        if f.contains(.inexact) != changed { return "inexact flag \(f.spelled) for result \(result)" }
    } else if x.isNaN && f.contains(.inexact) {
        return "NaN to NaN raised inexact"
    }
    guard case .number(let r) = x else {
        if f.contains(.overflow) || f.contains(.underflow) { return "overflow/underflow on a non-number: \(f.spelled)" }
        return nil
    }
    // overflow: never when the value is strictly inside the range; always far beyond max.
    if t.isStrictlyInRange(r) && f.contains(.overflow) { return "overflow flag inside the range" }
    if !t.isInteger && (t.isSigned || !r.isNegative) && r.magnitude >= t.successor && !f.contains(.overflow) {
        return "no overflow flag at \(r)"
    }
    // underflow ⇔ a non-zero value below the smallest normal was rounded inexactly (floats,
    // values in the format's sign range).
    if let mn = t.minNormal, t.isSigned || !r.isNegative {
        let expect = r.magnitude < mn && f.contains(.inexact)
        if f.contains(.underflow) != expect { return "underflow flag \(f.spelled), expected \(expect ? "" : "no ")underflow" }
    }
    return nil
}

@Suite("Encoder vs table rounder at boundaries")
struct RoundingBoundaryTests {
    @Test("every boundary class, every mode × policy", arguments: FormatRegistry.all.map(\.name))
    func boundaries(name: String) throws {
        let format = TableRounders.format(named: name)
        let table = TableRounders.byName[name]!
        let inputs = BoundaryInputs.inputs(for: table)
        let policies = OverflowPolicy.allCases
        var mismatches: [String] = []
        var flagIssues: [String] = []
        var compared = 0
        for (i, input) in inputs.enumerated() {
            let prepared = table.prepare(input.x)
            for (j, variant) in RoundingVariant.all.enumerated() {
                let ps = input.full ? policies : [policies[(i + j) % policies.count]]
                for p in ps {
                    compared += 1
                    let (got, encoded) = CodeOutcome.encoderWithFlags(format, input.x, variant, p)
                    let want = CodeOutcome.table(table, prepared, variant, p)
                    if got != want {
                        mismatches.append("\(name) x=\(input.x) \(variant) \(p.rawValue): encoder \(got), expected \(want)")
                    }
                    if variant.random == nil, let e = encoded, let problem = flagsProblem(table, input.x, e) {
                        flagIssues.append("\(name) x=\(input.x) \(variant) \(p.rawValue) → \(format.hex(e.code)): \(problem)")
                    }
                }
            }
        }
        #expect(compared > 0)
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(compared) disagree; first: \(mismatches.prefix(20).joined(separator: "\n"))")
        #expect(flagIssues.isEmpty, "\(flagIssues.count) flag problems; first: \(flagIssues.prefix(20).joined(separator: "\n"))")
    }
}

/// The worked examples of Specs/formats.md, checked against both the encoder and the table
/// rounder (so the table rounder is anchored to the text, not only to the encoder).
@Suite("Specification examples")
struct SpecificationExampleTests {
    struct Example: CustomStringConvertible, Sendable {
        let format: String
        let value: String
        let mode: RoundingMode
        let policy: OverflowPolicy
        let random: (count: Int, value: UInt64)?
        /// The expected code, or nil when the conversion must be refused.
        let code: Int?
        init(_ format: String, _ value: String, _ mode: RoundingMode, _ policy: OverflowPolicy, _ code: Int?) {
            self.format = format; self.value = value; self.mode = mode; self.policy = policy
            self.random = nil; self.code = code
        }
        init(_ format: String, _ value: String, _ code: Int?) {
            self.init(format, value, .rne, .saturate, code)
        }
        init(_ format: String, _ value: String, sr: (Int, UInt64), _ code: Int?) {
            self.format = format; self.value = value; self.mode = .sr; self.policy = .saturate
            self.random = sr; self.code = code
        }
        var description: String { "\(format) \(value) \(mode.rawValue) \(policy.rawValue) → \(code.map { String($0, radix: 16) } ?? "error")" }
    }

    static let examples: [Example] = [
        // §4.2: overflow is decided after rounding; ties at max + ½ulp go to max only when even.
        Example("float8_e4m3fn", "464", 0x7E),
        Example("float8_e4m3fn", "480", .rne, .nonsaturate, 0x7F),
        Example("float8_e4m3fn", "480", .rne, .saturate, 0x7E),
        Example("float8_e5m2", "61440", .rne, .nonsaturate, 0x7C),
        Example("float8_e5m2", "61440", .rne, .saturate, 0x7B),
        Example("float8_e5m2", "61439", .rne, .nonsaturate, 0x7B),
        Example("binary8p4se", "232", 0x7E),                         // 224
        // §4.2: E8M0 ties go to the even code (code = exponent field, 2^0 is 0x7F).
        Example("float8_e8m0fnu", "3", 0x80), Example("float8_e8m0fnu", "1.5", 0x80),
        Example("float8_e8m0fnu", "6", 0x82), Example("float8_e8m0fnu", "12", 0x82),
        Example("float8_e8m0fnu", "3", .rna, .saturate, 0x81), Example("float8_e8m0fnu", "12", .rna, .saturate, 0x83),
        Example("float8_e8m0fnu", "3", .rup, .saturate, 0x81), Example("float8_e8m0fnu", "3", .rtz, .saturate, 0x80),
        // §4.5: E8M0 zero and negatives: NaN non-saturating, 2^-127 saturating.
        Example("float8_e8m0fnu", "0", .rne, .nonsaturate, 0xFF), Example("float8_e8m0fnu", "0", .rne, .saturate, 0x00),
        Example("float8_e8m0fnu", "-1", .rne, .nonsaturate, 0xFF), Example("float8_e8m0fnu", "-1", .rne, .saturate, 0x00),
        Example("float8_e8m0fnu", "-1", .rtz, .nonsaturate, 0x00),   // toward zero: lo instead of NaN
        Example("float8_e8m0fnu", "-inf", .rtz, .nonsaturate, 0xFF),
        Example("float8_e8m0fnu", "-inf", .rne, .propagate, 0xFF),
        Example("float8_e8m0fnu", "0x1p-200", .rdown, .nonsaturate, 0x00), // positive below the smallest value
        // §4.3: zeros.
        Example("float8_e4m3fn", "-0", 0x80), Example("float8_e4m3fnuz", "-0", 0x00),
        Example("float8_e4m3fn", "-0x1p-100", 0x80), Example("binary8p4sf", "-0x1p-100", 0x00),
        Example("binary8p4uf", "-0x1p-100", .rne, .nonsaturate, 0x00),   // rounds to zero: +0
        Example("binary8p4uf", "-0x1p-100", .rdown, .nonsaturate, 0xFF), // does not: out of range
        // §4.1: NaN.
        Example("float8_e5m2", "nan", 0x7E), Example("float8_e5m2", "-nan", 0xFE),
        Example("float8_e4m3", "nan", 0x7C), Example("float8_e4m3", "-nan", 0xFC),
        Example("float8_e3m4", "nan", 0x78), Example("float8_e3m4", "-nan", 0xF8),
        Example("float8_e4m3fn", "nan", 0x7F), Example("float8_e4m3fn", "-nan", 0xFF),
        Example("float8_e4m3fnuz", "-nan", 0x80), Example("binary8p4se", "nan", 0x80),
        Example("binary8p4ue", "-nan", 0xFF),
        Example("float4_e2m1fn", "nan", nil), Example("float6_e2m3fn", "-nan", nil), Example("int8", "nan", nil),
        // §4.4: policies for ±Inf and finite overflow; directed and rto refinements.
        Example("float8_e5m2", "inf", .rne, .saturate, 0x7B), Example("float8_e5m2", "inf", .rne, .propagate, 0x7C),
        Example("float8_e4m3fn", "inf", .rne, .propagate, 0x7F), Example("float8_e4m3fn", "-inf", .rne, .ovfinf, 0xFE),
        Example("float4_e2m1fn", "inf", .rne, .nonsaturate, 0x7),
        Example("float8_e5m2", "1e6", .rtz, .nonsaturate, 0x7B), Example("float8_e5m2", "-1e6", .rup, .nonsaturate, 0xFB),
        Example("float8_e5m2", "-1e6", .rdown, .nonsaturate, 0xFC), Example("float8_e5m2", "1e6", .rdown, .ovfinf, 0x7B),
        Example("float8_e5m2", "1e6", .rto, .nonsaturate, 0x7B),     // Inf 0x7C is even
        Example("binary8p4se", "1e6", .rto, .nonsaturate, 0x7F),     // Inf 0x7F odd, max 0x7E even
        Example("binary8p4se", "-1e6", .rto, .ovfinf, 0xFF),
        Example("binary8p4ue", "1e6", .rto, .ovfinf, 0xFD),          // Inf 0xFE even
        Example("float8_e4m3fn", "1e6", .rne, .ovfinf, 0x7E),        // no Inf: max
        // §4.6: integers.
        Example("int8", "127.5", 0x7F), Example("int8", "2.5", 0x02), Example("int8", "-2.5", .rna, .saturate, 0xFD),
        Example("int8", "-inf", .rne, .nonsaturate, 0x80), Example("uint4", "-3", .rne, .nonsaturate, 0x0),
        Example("int4", "3.5", .rto, .saturate, 0x3), Example("int4", "2.5", .rto, .saturate, 0x3),
        // §4.2: sr with ν = ½ at 1 + 1/16 in E4M3 (spacing 1/8).
        Example("float8_e4m3fn", "1.0625", sr: (1, 0), 0x38), Example("float8_e4m3fn", "1.0625", sr: (1, 1), 0x39),
        Example("float8_e4m3fn", "1.03125", sr: (2, 2), 0x38), Example("float8_e4m3fn", "1.03125", sr: (2, 3), 0x39),
    ]

    @Test("worked examples", arguments: examples)
    func example(_ e: Example) throws {
        let format = try FormatRegistry.named(e.format)
        let table = TableRounder(format)
        let x = try ValueParser.parse(e.value)
        let variant = RoundingVariant(mode: e.mode, random: try e.random.map { try StochasticBits(count: $0.count, value: $0.value) })
        let want: CodeOutcome = e.code.map { .code($0) } ?? .refused
        #expect(CodeOutcome.encoder(format, x, variant, e.policy) == want, "encoder")
        #expect(CodeOutcome.table(table, x, variant, e.policy) == want, "table rounder")
    }
}

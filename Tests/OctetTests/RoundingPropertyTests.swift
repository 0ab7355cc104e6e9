// Random exact inputs, checked against the independent table rounder and against properties that
// follow from Specs/formats.md §4: agreement under every mode × policy, monotonicity, the result
// being a neighbour, round-to-odd parity, and exact stochastic-rounding frequencies.
//
// Two drivers share the checks: PropertyBased (fresh seeds every run, shrinking on failure) and
// a deterministic SplitMix64 sweep with a fixed seed, so CI always covers the same inputs too.

import Testing
@testable import Octet
import OctetExact
import PropertyBased

/// The raw material of a random rational: numerator and denominator bits, where in the format's
/// exponent range it lands, and its sign. Kept as plain integers so PropertyBased can shrink it.
struct RandomRationalSpec: Sendable, CustomStringConvertible {
    var numeratorWords: [UInt64]
    var numeratorBits: Int      // 1…200
    var denominatorWords: [UInt64]
    var denominatorBits: Int    // 1…200
    var position: Int           // 0…1_000_000: where between the low and high exponent
    var negative: Bool
    var shape: Int              // 0: dyadic with few bits (ties, grid points); 1: dyadic; 2, 3: any

    var description: String {
        "spec(n: \(numeratorWords) \(numeratorBits)b, d: \(denominatorWords) \(denominatorBits)b, pos \(position), neg \(negative), shape \(shape))"
    }

    static func bigInt(_ words: [UInt64], bits: Int) -> BigInt {
        var v = BigInt(0)
        for w in words { v = (v << 64) + BigInt(w) }
        v = v >> (64 * words.count - bits)          // keep the top `bits` bits
        let top = BigInt(1) << (bits - 1)
        return v.magnitudeBit(bits - 1) ? v : v + top  // exactly `bits` bits long
    }

    /// The value for a format: its binade spans from well below the smallest positive value to
    /// well above max.
    func value(for t: TableRounder) -> Rational {
        var nBits = numeratorBits
        if shape == 0 { nBits = (numeratorBits - 1) % 6 + 1 }
        let n = Self.bigInt(numeratorWords, bits: nBits)
        let d = shape <= 1 ? BigInt(1) : Self.bigInt(denominatorWords, bits: denominatorBits)
        let r = Rational(numerator: n, denominator: d)!
        let smallest = t.magnitudes.first { $0.signum > 0 }!
        let low = smallest.floorLog2 - 12
        let high = t.maxValue.floorLog2 + 12
        let target = low + Int((Int64(high - low) * Int64(position)) / 1_000_000)
        let scaled = r.timesPowerOfTwo(target - r.floorLog2)
        return negative ? -scaled : scaled
    }

    static func random<G: RandomNumberGenerator>(using g: inout G) -> RandomRationalSpec {
        RandomRationalSpec(
            numeratorWords: (0 ..< 4).map { _ in g.next() },
            numeratorBits: Int.random(in: 1 ... 200, using: &g),
            denominatorWords: (0 ..< 4).map { _ in g.next() },
            denominatorBits: Int.random(in: 1 ... 200, using: &g),
            position: Int.random(in: 0 ... 1_000_000, using: &g),
            negative: Bool.random(using: &g),
            shape: Int.random(in: 0 ... 3, using: &g))
    }
}

/// The checks of this file for one input x and a second input y (for monotonicity).
enum RoundingProperties {
    static let formatNames = [
        "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e8m0fnu", "float4_e2m1fn",
        "binary8p1se", "binary8p4se", "binary8p5ue", "int8", "uint4", "float8_e3m4", "hifloat8", "float8_ue4m3",
    ]

    /// All problems found for x (and the pair x, y).
    static func problems(_ format: Format, _ t: TableRounder, x: Rational, y: Rational) -> [String] {
        var out: [String] = []
        let ex = ExactValue(x)
        let prepared = t.prepare(ex)
        // (a) encoder == table rounder, every mode × policy.
        for v in RoundingVariant.all {
            for p in OverflowPolicy.allCases {
                let got = CodeOutcome.encoder(format, ex, v, p)
                let want = CodeOutcome.table(t, prepared, v, p)
                if got != want { out.append("(a) \(format.name) x=\(x) \(v) \(p.rawValue): encoder \(got), expected \(want)") }
            }
        }
        // (b) monotonicity for each mode with fixed random bits, every policy: x ≤ y ⇒ value(x) ≤ value(y).
        let (lo, hi) = x <= y ? (x, y) : (y, x)
        for v in RoundingVariant.all where v.random == nil || v.random!.count == 3 {
            for p in OverflowPolicy.allCases {
                guard case .code(let a) = CodeOutcome.encoder(format, ExactValue(lo), v, p),
                      case .code(let b) = CodeOutcome.encoder(format, ExactValue(hi), v, p),
                      let va = t.orderedValue(ofCode: a), let vb = t.orderedValue(ofCode: b) else { continue }
                if vb < va { out.append("(b) \(format.name) \(v) \(p.rawValue): \(lo) → \(va) but \(hi) → \(vb)") }
            }
        }
        guard !x.isZero else { return out }
        let a = x.magnitude
        let sign = x.isNegative ? -1 : 1
        let inRange = t.isStrictlyInRange(x)
        let bracket = t.bracket(a)
        for v in RoundingVariant.all {
            guard case .code(let c) = CodeOutcome.encoder(format, ex, v, .saturate) else {
                out.append("\(format.name) x=\(x) \(v): encoder refused a number")
                continue
            }
            let result = format.value(ofCode: c)
            if inRange {
                // (c) one of the two neighbours (with x's sign; zero may carry either sign).
                let allowed: [Rational]
                switch bracket {
                case .exact(let e): allowed = [e]
                case .between(let l, let h, _, _): allowed = [l, h]
                default: allowed = []
                }
                if let r = result.rational, allowed.contains(where: { $0 * Rational(sign) == r }) {
                } else {
                    out.append("(c) \(format.name) x=\(x) \(v): \(result) is not a neighbour of x")
                }
                // (d) rto gives an odd code when inexact.
                if v.mode == .rto, case .between = bracket, c & 1 == 0 {
                    out.append("(d) \(format.name) x=\(x) rto: even code \(format.hex(c)) for an inexact value")
                }
            } else if !t.isInteger, t.isSigned || !x.isNegative, a > t.maxValue {
                // (c) beyond max under saturate: ±max.
                let want = x.isNegative ? t.negMaxCode! : t.maxCode
                if c != want { out.append("(c) \(format.name) x=\(x) \(v) saturate: \(format.hex(c)), expected ±max") }
            }
        }
        // (e) sr frequencies: over all 2^N values of R exactly floor(ν·2^N) round up.
        if inRange, case .between(let l, let h, let nu, _) = bracket {
            let hiValue = h * Rational(sign)
            for n in 1 ... 6 {
                var ups = 0
                for r in 0 ..< (1 << n) {
                    let bits = try! StochasticBits(count: n, value: UInt64(r))
                    if case .code(let c) = CodeOutcome.encoder(format, ex, RoundingVariant(mode: .sr, random: bits), .saturate),
                       format.value(ofCode: c).rational == hiValue {
                        ups += 1
                    }
                }
                let want = nu.timesPowerOfTwo(n).floor
                if BigInt(ups) != want {
                    out.append("(e) \(format.name) x=\(x) (between \(ExactValue(l)) and \(ExactValue(h))) N=\(n): \(ups) round up, expected \(want)")
                }
            }
        }
        return out
    }

    /// A second input near x (same neighbours, often) or independent.
    static func partner(_ x: Rational, _ other: Rational, _ k: Int) -> Rational {
        switch k % 3 {
        case 0: return other
        case 1: return x + x.magnitude * ExactHelp.pow2(-(k % 9) - 2)
        default: return x - x.magnitude * ExactHelp.pow2(-(k % 9) - 2)
        }
    }
}

@Suite("Rounding properties on random exact values")
struct RoundingPropertyTests {
    @Test("PropertyBased: random rationals", arguments: RoundingProperties.formatNames)
    func randomRationals(name: String) async {
        let format = TableRounders.format(named: name)
        let table = TableRounders.byName[name]!
        let spec = zip(
            Gen.uint64().array(of: 4), Gen.int(in: 1 ... 200),
            Gen.uint64().array(of: 4), Gen.int(in: 1 ... 200),
            Gen.int(in: 0 ... 1_000_000), Gen.bool, Gen.int(in: 0 ... 3)
        ).map { t in
            RandomRationalSpec(numeratorWords: t.0, numeratorBits: t.1, denominatorWords: t.2, denominatorBits: t.3,
                               position: t.4, negative: t.5, shape: t.6)
        }
        await propertyCheck(count: 60, input: spec, spec, Gen.int(in: 0 ... 1000)) { sx, sy, k in
            let x = sx.value(for: table)
            let y = RoundingProperties.partner(x, sy.value(for: table), k)
            let problems = RoundingProperties.problems(format, table, x: x, y: y)
            #expect(problems.isEmpty, "\(problems.count) problems; first: \(problems.prefix(10).joined(separator: "\n"))")
        }
    }

    @Test("seeded sweep: random rationals", arguments: RoundingProperties.formatNames)
    func seededSweep(name: String) throws {
        let format = TableRounders.format(named: name)
        let table = TableRounders.byName[name]!
        // Fixed seed per format: CI covers the same inputs every run.
        var rng = SplitMix64(seed: 0x0C7E_7000 ^ UInt64(RoundingProperties.formatNames.firstIndex(of: name)!))
        var problems: [String] = []
        for k in 0 ..< 150 {
            let x = RandomRationalSpec.random(using: &rng).value(for: table)
            let other = RandomRationalSpec.random(using: &rng).value(for: table)
            problems += RoundingProperties.problems(format, table, x: x, y: RoundingProperties.partner(x, other, k))
        }
        #expect(problems.isEmpty, "\(problems.count) problems; first: \(problems.prefix(10).joined(separator: "\n"))")
    }
}

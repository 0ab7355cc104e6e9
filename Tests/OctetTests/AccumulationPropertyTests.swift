// Specs/accumulation.md §2 on generated vectors: the float accumulators against Swift's own
// Float / Float16 arithmetic (and a bit-level bfloat16) in the same order, the Kulisch register
// against an Int128 fixed-point sum, and the truncated model against an Int128 re-implementation.
//
// Two kinds of runs: `propertyCheck` with custom generators (random seeds; a failure shrinks to a
// minimal vector and prints the seed), and deterministic sweeps from `Octet.SplitMix64` with fixed
// seeds, so CI always runs the same vectors too.
//
// Why the references are exact:
// - FP8 × FP8 products have ≤ 8 significand bits and lie in 2^-32 … 2^32, so `Float(a) * Float(b)`
//   is the exact product and `Float16(a) * Float16(b)` its binary16 RNE (Swift's Float16 ops are
//   correctly rounded: computed in binary32, whose 24 bits ≥ 2·11 + 2 make double rounding harmless).
// - binary16 fused steps `round(acc + a·b)`: acc + a·b is a sum of multiples of 2^-32 below 2^21
//   unless it overflows anyway, so it is exact in Double; `AccRef.half` rounds a Double to
//   binary16 via round-to-odd binary32 (exact RNE).
// - bfloat16: `AccRef.bf16` rounds Float bits to nearest even; the sum of two bfloat16 values in
//   Float is rounded once more harmlessly (24 ≥ 2·8 + 1, Figueroa). Fused bfloat16 steps add an
//   8-bit accumulator and an ≤ 8-bit product in Double (53 ≥ 2·8 + 1: harmless again), then
//   round to odd into Float and to nearest even into bfloat16.
// - binary32 fused sequential uses `Float.addingProduct` (fmaf, one rounding).

import Testing
import PropertyBased
@testable import Octet
import OctetExact

// MARK: - Vectors

/// A dot-product input: codes of A and B, and (for Kulisch) how many bits to take from the
/// register that would just hold the run.
struct AccDotCase: Sendable, CustomStringConvertible {
    var a: [Int]
    var b: [Int]
    var slack = 0

    var description: String {
        "n=\(a.count) a=[\(a.map(AccRef.hex).joined(separator: ","))] b=[\(b.map(AccRef.hex).joined(separator: ","))]"
            + (slack != 0 ? " slack=\(slack)" : "")
    }

    /// Smaller vectors first (halves, then one element fewer), then simpler codes (a pair
    /// replaced by the unit pair). Every candidate is strictly smaller, so shrinking terminates.
    func shrinks(unitA: Int, unitB: Int) -> [AccDotCase] {
        var out: [AccDotCase] = []
        let n = a.count
        func with(_ a: [Int], _ b: [Int]) -> AccDotCase { AccDotCase(a: a, b: b, slack: slack) }
        if n > 1 {
            out.append(with(Array(a[..<(n / 2)]), Array(b[..<(n / 2)])))
            out.append(with(Array(a[(n / 2)...]), Array(b[(n / 2)...])))
            out.append(with(Array(a.dropLast()), Array(b.dropLast())))
            out.append(with(Array(a.dropFirst()), Array(b.dropFirst())))
            if n <= 48 {
                for i in 1 ..< n - 1 {
                    var x = a, y = b
                    x.remove(at: i)
                    y.remove(at: i)
                    out.append(with(x, y))
                }
            }
        }
        var simplified = 0
        for i in 0 ..< n where simplified < 24 && (a[i] != unitA || b[i] != unitB) {
            var x = a, y = b
            x[i] = unitA
            y[i] = unitB
            out.append(with(x, y))
            simplified += 1
        }
        return out
    }
}

/// Codes of one format sorted into the kinds the generators mix.
struct AccPalette: Sendable {
    let name: String
    let values: [Double]
    let finite: [Int]
    let huge: [Int]
    let tiny: [Int]
    let unit: [Int]
    let zeros: [Int]
    let specials: [Int]
    let pow2: [Int: Int]      // exponent → code of +2^exponent
    let negate: [Int: Int]    // code → code of the negated value

    init(_ name: String) {
        self.name = name
        let v = AccRef.values(name)!
        values = v
        let codes = Array(v.indices)
        finite = codes.filter { v[$0].isFinite }
        let nonzero = finite.filter { v[$0] != 0 }.sorted { abs(v[$0]) < abs(v[$1]) }
        tiny = Array(nonzero.prefix(6))
        huge = Array(nonzero.suffix(6))
        unit = finite.filter { abs(v[$0]) == 1 }
        zeros = finite.filter { v[$0] == 0 }
        specials = codes.filter { !v[$0].isFinite }
        var byBits: [UInt64: Int] = [:]
        for c in finite { byBits[v[c].bitPattern] = c }
        var neg: [Int: Int] = [:], p2: [Int: Int] = [:]
        for c in finite {
            if let m = byBits[(-v[c]).bitPattern] { neg[c] = m }
            if v[c] > 0 && v[c].significandBitPattern == 0 { p2[Int(v[c].exponent)] = c }
        }
        negate = neg
        pow2 = p2
    }
}

enum AccGen {
    static func int<R: RandomNumberGenerator>(_ r: ClosedRange<Int>, _ rng: inout R) -> Int { Int.random(in: r, using: &rng) }

    /// Mostly short vectors, some up to 4096.
    static func length<R: RandomNumberGenerator>(_ rng: inout R, max: Int) -> Int {
        let n: Int
        switch int(0 ... 15, &rng) {
        case 0 ... 7: n = int(1 ... 8, &rng)
        case 8 ... 11: n = int(9 ... 64, &rng)
        case 12 ... 13: n = int(65 ... 512, &rng)
        case 14: n = int(513 ... 2048, &rng)
        default: n = int(2049 ... 4096, &rng)
        }
        return min(n, max)
    }

    static func mix<R: RandomNumberGenerator>(_ p: AccPalette, _ rng: inout R) -> Int {
        switch int(0 ... 19, &rng) {
        case 0 ... 2: return p.huge.randomElement(using: &rng)!
        case 3 ... 5: return p.tiny.randomElement(using: &rng)!
        case 6 ... 8: return p.unit.randomElement(using: &rng)!
        case 9: return p.zeros.randomElement(using: &rng) ?? p.finite.randomElement(using: &rng)!
        case 10 ... 12: return p.pow2.values.sorted().randomElement(using: &rng)!
        default: return p.finite.randomElement(using: &rng)!
        }
    }

    /// One vector pair: uniform codes, a palette mix, cancellation (x then −x), a huge product
    /// followed by a long run of tiny ones, ties at the accumulator's precision, or specials.
    static func make<R: RandomNumberGenerator>(_ rng: inout R, _ pa: AccPalette, _ pb: AccPalette,
                                               specials: Bool, maxLength: Int = 4096) -> AccDotCase {
        let n = length(&rng, max: maxLength)
        var a: [Int] = [], b: [Int] = []
        let scenario = int(0 ... (specials ? 5 : 4), &rng)
        switch scenario {
        case 0:
            for _ in 0 ..< n { a.append(pa.finite.randomElement(using: &rng)!); b.append(pb.finite.randomElement(using: &rng)!) }
        case 1:
            for _ in 0 ..< n { a.append(mix(pa, &rng)); b.append(mix(pb, &rng)) }
        case 2:
            let m = (n + 1) / 2
            for _ in 0 ..< m { a.append(mix(pa, &rng)); b.append(mix(pb, &rng)) }
            for i in 0 ..< n - m { a.append(pa.negate[a[i]] ?? a[i]); b.append(b[i]) }
            if int(0 ... 1, &rng) == 1 {   // shuffle the pairs
                for i in stride(from: n - 1, to: 0, by: -1) {
                    let j = int(0 ... i, &rng)
                    a.swapAt(i, j)
                    b.swapAt(i, j)
                }
            }
        case 3:
            a.append(pa.huge.randomElement(using: &rng)!)
            b.append(pb.huge.randomElement(using: &rng)!)
            for _ in 1 ..< max(n, 1) {
                a.append(pa.tiny.randomElement(using: &rng)!)
                b.append(int(0 ... 1, &rng) == 0 ? pb.tiny.randomElement(using: &rng)! : pb.unit.randomElement(using: &rng)!)
            }
            if n > 2 && int(0 ... 1, &rng) == 1 { a[n - 1] = pa.negate[a[0]] ?? a[0]; b[n - 1] = b[0] }
        case 4:
            // Build 2^t (t = 8, 11, 24: where 1 is half an ulp of bfloat16, binary16, binary32)
            // from equal power-of-two products, then add ±1, ±1/2, ±2 terms.
            let t = [8, 11, 24].randomElement(using: &rng)!
            let ea = pa.pow2.keys.sorted(), eb = pb.pow2.keys.sorted()
            var best: (Int, Int)?
            for x in ea { for y in eb where x + y <= t { if best == nil || x + y > best!.0 + best!.1 { best = (x, y) } } }
            if let (x, y) = best {
                let count = min(1 << min(t - x - y, 20), max(n / 2, 1))
                for _ in 0 ..< count { a.append(pa.pow2[x]!); b.append(pb.pow2[y]!) }
            }
            while a.count < n {
                let e = [-1, 0, 0, 0, 1].randomElement(using: &rng)!
                var ca = pa.pow2[e] ?? pa.unit.first!, cb = pb.pow2[0] ?? pb.unit.first!
                if int(0 ... 2, &rng) == 0 { ca = pa.negate[ca] ?? ca }
                if int(0 ... 5, &rng) == 0 { cb = pb.negate[cb] ?? cb }
                a.append(ca)
                b.append(cb)
            }
        default:
            for _ in 0 ..< n { a.append(mix(pa, &rng)); b.append(mix(pb, &rng)) }
            for _ in 0 ... int(0 ... 1, &rng) {
                let i = int(0 ... n - 1, &rng)
                if int(0 ... 1, &rng) == 0, let s = pa.specials.randomElement(using: &rng) { a[i] = s }
                else if let s = pb.specials.randomElement(using: &rng) { b[i] = s }
            }
        }
        return AccDotCase(a: a, b: b, slack: int(-3 ... 1, &rng))
    }

    static func generator(_ pa: AccPalette, _ pb: AccPalette, specials: Bool, maxLength: Int = 4096) -> Generator<AccDotCase, [AccDotCase]> {
        Generator(run: { rng in
            var s = Octet.SplitMix64(seed: rng.next())
            return make(&s, pa, pb, specials: specials, maxLength: maxLength)
        }, shrink: { $0.shrinks(unitA: pa.unit.first!, unitB: pb.unit.first!) })
    }
}

// MARK: - Float accumulators in Swift arithmetic

enum AccFloatRef {
    static func pairwise<T>(_ t: ArraySlice<T>, _ add: (T, T) -> T) -> T {
        if t.count == 1 { return t.first! }
        let mid = t.startIndex + (t.count + 1) / 2
        return add(pairwise(t[..<mid], add), pairwise(t[mid...], add))
    }

    static func lanes<T>(_ t: [T], _ l: Int, zero: T, _ add: (T, T) -> T) -> T {
        var lane = (0 ..< l).map { j in stride(from: j, to: t.count, by: l).reduce(zero) { add($0, t[$1]) } }
        if l & (l - 1) == 0 {
            var w = l
            while w > 1 {
                w /= 2
                for j in 0 ..< w { lane[j] = add(lane[j], lane[j + w]) }
            }
            return lane[0]
        }
        return lane.dropFirst().reduce(lane[0], add)
    }

    /// binary16 pairwise with exact leaves: a node rounds the exact sum of its children.
    static func pairwiseFused16(_ p: ArraySlice<Double>) -> Float16 {
        if p.count == 1 { return AccRef.half(p.first!) }
        let mid = p.startIndex + (p.count + 1) / 2
        let l = mid - p.startIndex == 1 ? p[p.startIndex] : Double(pairwiseFused16(p[..<mid]))
        let r = p.endIndex - mid == 1 ? p[mid] : Double(pairwiseFused16(p[mid...]))
        return AccRef.half(l + r)
    }

    /// The reference value of each model (as a Double: every accumulator value is one exactly).
    static func value(_ model: String, _ x: [Double], _ y: [Double]) -> Double {
        let n = x.count
        let f32 = (0 ..< n).map { Float(x[$0]) * Float(y[$0]) }
        let f16 = (0 ..< n).map { Float16(x[$0]) * Float16(y[$0]) }
        let bf = f32.map(AccRef.bf16)
        let exact = (0 ..< n).map { x[$0] * y[$0] }
        let add32: (Float, Float) -> Float = { $0 + $1 }
        let add16: (Float16, Float16) -> Float16 = { $0 + $1 }
        let addBF: (Float, Float) -> Float = { AccRef.bf16($0 + $1) }
        switch model {
        case "fp32:sequential": return Double(f32.reduce(0, add32))
        case "fp32:pairwise": return n == 0 ? 0 : Double(pairwise(f32[...], add32))
        case "fp32:lanes8": return Double(lanes(f32, 8, zero: 0, add32))
        case "fp32:lanes3": return Double(lanes(f32, 3, zero: 0, add32))
        case "fp32:sequential,fused":
            var acc: Float = 0
            for i in 0 ..< n { acc = acc.addingProduct(Float(x[i]), Float(y[i])) }
            return Double(acc)
        case "fp16:sequential": return Double(f16.reduce(0, add16))
        case "fp16:pairwise": return n == 0 ? 0 : Double(pairwise(f16[...], add16))
        case "fp16:lanes4": return Double(lanes(f16, 4, zero: 0, add16))
        case "fp16:sequential,fused":
            var acc: Float16 = 0
            for p in exact { acc = AccRef.half(Double(acc) + p) }
            return Double(acc)
        case "fp16:pairwise,fused": return n == 0 ? 0 : Double(pairwiseFused16(exact[...]))
        case "bf16:sequential": return Double(bf.reduce(0, addBF))
        case "bf16:pairwise": return n == 0 ? 0 : Double(pairwise(bf[...], addBF))
        case "bf16:sequential,fused":
            var acc: Float = 0
            for p in exact { acc = AccRef.bf16(AccRef.floatRTO(Double(acc) + p)) }
            return Double(acc)
        default: preconditionFailure("no reference for \(model)")
        }
    }

    static let models = ["fp32:sequential", "fp32:pairwise", "fp32:lanes8", "fp32:lanes3", "fp32:sequential,fused",
                         "fp16:sequential", "fp16:pairwise", "fp16:lanes4", "fp16:sequential,fused", "fp16:pairwise,fused",
                         "bf16:sequential", "bf16:pairwise", "bf16:sequential,fused"]

    /// Directed roundings, for inputs whose running sums are exact in Double (float8_e4m3fn:
    /// multiples of 2^-18 below 2^30). Products are exact in binary32 and binary16 except where
    /// binary16 overflows, which `directed` handles.
    static func directedValue(_ model: String, _ x: [Double], _ y: [Double]) -> Double {
        let n = x.count
        switch model {
        case "fp32:sequential,rounding=rtz", "fp32:sequential,rounding=rup":
            let mode: RoundingMode = model.hasSuffix("rtz") ? .rtz : .rup
            var acc: Float = 0
            for i in 0 ..< n {
                let p = x[i] * y[i]
                let t = AccRef.directed(Float(p), exact: p, mode)
                let s = Double(acc) + Double(t)
                acc = AccRef.directed(Float(s), exact: s, mode)
            }
            return Double(acc)
        case "fp16:sequential,rounding=rtz", "fp16:sequential,rounding=rup":
            let mode: RoundingMode = model.hasSuffix("rtz") ? .rtz : .rup
            var acc: Float16 = 0
            for i in 0 ..< n {
                let p = x[i] * y[i]
                let t = AccRef.directed(AccRef.half(p), exact: p, mode)
                let s = Double(acc) + Double(t)
                acc = AccRef.directed(AccRef.half(s), exact: s, mode)
            }
            return Double(acc)
        default: preconditionFailure("no reference for \(model)")
        }
    }

    static let directedModels = ["fp32:sequential,rounding=rtz", "fp32:sequential,rounding=rup",
                                 "fp16:sequential,rounding=rtz", "fp16:sequential,rounding=rup"]
}

// MARK: - Int128 fixed point: the exact sum, Kulisch overflow, the truncated model

enum AccFixedRef {
    /// Units of 2^lsb of every product, or nil if a product is not finite.
    static func units(_ c: AccDotCase, _ pa: AccPalette, _ pb: AccPalette, lsb: Int) -> [Int128]? {
        var out: [Int128] = []
        for i in c.a.indices {
            let p = pa.values[c.a[i]] * pb.values[c.b[i]]
            guard p.isFinite else { return nil }
            let k = p / AccRef.pow2(lsb)
            guard let u = Int128(exactly: k) else { return nil }
            out.append(u)
        }
        return out
    }

    /// Bits of a two's complement register that holds k.
    static func bitsFor(_ k: Int128) -> Int {
        let m = k >= 0 ? k : -k - 1
        return (Int128.bitWidth - m.leadingZeroBitCount) + 1
    }

    /// The library's dyadic as units of 2^lsb.
    static func units(of d: Dyadic, lsb: Int) -> Int128? {
        guard d.exponent >= lsb, let s = Int128(d.significand.description) else { return nil }
        return s << (d.exponent - lsb)
    }

    // The truncated model for float8_e4m3fn × float8_e4m3fn, in units of 2^-18.
    static let e4 = AccRefLayout(signed: true, e: 4, m: 3, bias: 7, specials: .fn)

    /// Binade exponent of an e4m3fn code: field − 7, or emin = −6 for subnormals.
    static func binade(_ code: Int) -> Int {
        let field = (code >> 3) & 0xF
        return field == 0 ? -6 : field - 7
    }

    static func floorLog2(_ k: Int128) -> Int { Int128.bitWidth - 1 - k.magnitude.leadingZeroBitCount }

    /// Rounds toward zero to `precision` significant bits.
    static func truncateToPrecision(_ s: Int128, _ precision: Int) -> Int128 {
        let m = s.magnitude
        let length = UInt128.bitWidth - m.leadingZeroBitCount
        guard length > precision else { return s }
        let cut = length - precision
        let r = Int128((m >> cut) << cut)
        return s < 0 ? -r : r
    }

    static func truncated(_ c: AccDotCase, g: Int, n: Int, precision: Int, promote: Int?) -> Double {
        let unitExp = -18
        let u = c.a.indices.map { Int128(e4.decode(c.a[$0]) * 512) * Int128(e4.decode(c.b[$0]) * 512) }
        let ex = c.a.indices.map { binade(c.a[$0]) + binade(c.b[$0]) }
        var acc: Int128 = 0
        var outer: Float = 0
        var start = 0, since = 0
        while start < u.count {
            let end = min(start + g, u.count)
            var emax: Int? = acc == 0 ? nil : floorLog2(acc) + unitExp
            for i in start ..< end where u[i] != 0 { emax = max(emax ?? ex[i], ex[i]) }
            if let emax {
                let cut = emax - n - unitExp
                func tr(_ x: Int128) -> Int128 {
                    guard cut > 0 else { return x }
                    let m = (x.magnitude >> cut) << cut
                    return x < 0 ? -Int128(m) : Int128(m)
                }
                var s = tr(acc)
                for i in start ..< end { s += tr(u[i]) }
                acc = truncateToPrecision(s, precision)
            }
            since += end - start
            start = end
            if let k = promote, since >= k || start == u.count {
                outer = outer + Float(Double(acc) * AccRef.pow2(unitExp))
                acc = 0
                since = 0
            }
        }
        return promote == nil ? Double(acc) * AccRef.pow2(unitExp) : Double(outer)
    }

    /// (spelling, G, N, precision of F with rtz, promote)
    static let truncatedModels: [(String, Int, Int, Int, Int?)] = [
        ("truncated:hopper-fp8", 32, 13, 14, nil), ("truncated:deepseek-v3", 32, 13, 14, 128),
        ("truncated:blackwell-fp8", 32, 25, 24, nil), ("truncated:volta-fp16", 4, 23, 24, nil),
        ("truncated:g2n3", 2, 3, 24, nil), ("truncated:g8n5,promote=16", 8, 5, 24, 16), ("truncated:g3n6,out=bf16", 3, 6, 8, nil),
    ]
}

// MARK: - The tests

@Suite struct AccumulationPropertyTests {
    static let binary32 = try! FormatRegistry.named("binary32")
    static let palettes: [String: AccPalette] = Dictionary(uniqueKeysWithValues:
        ["float8_e4m3fn", "float8_e5m2", "int8", "int4", "fp8_e5m2", "fp8_e2m5"].map { ($0, AccPalette($0)) })
    static let floatPairs = [("float8_e4m3fn", "float8_e4m3fn"), ("float8_e5m2", "float8_e5m2"), ("float8_e4m3fn", "float8_e5m2")]
    /// (A, B, lsb, width for one term): Specs/accumulation.md §2.1's table minus its 12 carry bits.
    static let kulischPairs: [(String, String, Int, Int)] = [
        ("int8", "int8", 0, 16), ("float8_e4m3fn", "float8_e4m3fn", -18, 37), ("float8_e5m2", "float8_e5m2", -32, 65),
        ("float8_e4m3fn", "float8_e5m2", -25, 51), ("fp8_e5m2", "fp8_e5m2", -34, 67), ("int8", "int4", 0, 12),
        ("fp8_e2m5", "fp8_e2m5", -12, 17),
    ]

    // MARK: Float models

    /// Every float model on one vector: the accumulated value and the binary32 output code.
    static func checkFloatModels(_ c: AccDotCase, _ an: String, _ bn: String, models: [String] = AccFloatRef.models,
                                 reference: (String, [Double], [Double]) -> Double = AccFloatRef.value) throws {
        let pa = palettes[an]!, pb = palettes[bn]!
        let fa = try FormatRegistry.named(an), fb = try FormatRegistry.named(bn)
        let x = c.a.map { pa.values[$0] }, y = c.b.map { pb.values[$0] }
        for m in models {
            let want = reference(m, x, y)
            let r = try Dot.compute(c.a, fa, c.b, fb, model: try AccumulatorModel.parse(m), output: binary32, overflow: .ovfinf)
            let got = AccRef.exactDouble(r.accumulated)
            let code = want.isNaN ? 0x7FC0_0000 : Int(Float(want).bitPattern)
            guard AccRef.same(got, want), r.output.code == code else {
                // one issue per vector, so that shrinking (which re-runs this) stays cheap
                Issue.record("\(m): want \(want) (\(AccRef.hex(code))), got \(String(describing: got)) (\(AccRef.hex(r.output.code)))")
                return
            }
        }
    }

    @Test("float accumulators agree bit for bit with Swift Float/Float16/bfloat16 in the same order (property)",
          arguments: floatPairs)
    func floatModelsProperty(_ an: String, _ bn: String) async {
        let gen = AccGen.generator(Self.palettes[an]!, Self.palettes[bn]!, specials: true)
        await propertyCheck(count: 12, input: gen) { c in
            try Self.checkFloatModels(c, an, bn)
        }
    }

    @Test("float accumulators: deterministic seeded sweep", arguments: floatPairs)
    func floatModelsSeeded(_ an: String, _ bn: String) throws {
        var rng = Octet.SplitMix64(seed: 0xF10A7 &+ UInt64(an.count * 31 + bn.count))
        let pa = Self.palettes[an]!, pb = Self.palettes[bn]!
        for i in 0 ..< 24 {
            let c = AccGen.make(&rng, pa, pb, specials: i % 4 == 3)
            try Self.checkFloatModels(c, an, bn)
        }
        // Fixed shapes: every length around the lane and pairwise boundaries, and one long run.
        for n in [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 4096] {
            let a = (0 ..< n).map { _ in AccGen.mix(pa, &rng) }, b = (0 ..< n).map { _ in AccGen.mix(pb, &rng) }
            try Self.checkFloatModels(AccDotCase(a: a, b: b), an, bn)
        }
    }

    @Test("directed rounding in float accumulators (e4m3fn inputs, exact Double sums)")
    func directedRounding() async throws {
        let p = Self.palettes["float8_e4m3fn"]!
        await propertyCheck(count: 12, input: AccGen.generator(p, p, specials: false, maxLength: 1024)) { c in
            try Self.checkFloatModels(c, "float8_e4m3fn", "float8_e4m3fn", models: AccFloatRef.directedModels,
                                      reference: AccFloatRef.directedValue)
        }
        var rng = Octet.SplitMix64(seed: 0xD1EC7ED)
        for _ in 0 ..< 12 {
            try Self.checkFloatModels(AccGen.make(&rng, p, p, specials: false, maxLength: 1024), "float8_e4m3fn", "float8_e4m3fn",
                                      models: AccFloatRef.directedModels, reference: AccFloatRef.directedValue)
        }
    }

    // MARK: Kulisch

    /// `kulisch` = `exact` (value and output code), the exact sum = my Int128 sum, and
    /// `kulisch:W` overflows exactly at the first term whose running sum needs more than W bits.
    static func checkKulisch(_ c: AccDotCase, _ an: String, _ bn: String, lsb: Int, width1: Int) throws {
        let pa = palettes[an]!, pb = palettes[bn]!
        let fa = try FormatRegistry.named(an), fb = try FormatRegistry.named(bn)
        let exact = try Dot.compute(c.a, fa, c.b, fb, model: .exact, output: binary32)
        let kulisch = try Dot.compute(c.a, fa, c.b, fb, model: .kulisch(nil), output: binary32)
        #expect(kulisch == exact)
        // V = ⌈log2 n⌉, the smallest V with 2^V ≥ n
        var v = 0
        while (1 << v) < c.a.count { v += 1 }
        #expect(Dot.register(for: nil, fa, fb, terms: c.a.count) == KulischRegister(width: width1 + v, lsbExponent: lsb))
        guard let u = AccFixedRef.units(c, pa, pb, lsb: lsb) else { return }
        var k: Int128 = 0
        var need = 2, firstOver: [Int: Int] = [:]   // width → first index that needs more
        for (i, t) in u.enumerated() {
            k += t
            let b = AccFixedRef.bitsFor(k)
            if b > need {
                for w in need ..< b { firstOver[w] = i }
                need = b
            }
        }
        // the exact value
        let got = try #require(exact.accumulated.dyadic)
        #expect(AccFixedRef.units(of: got, lsb: lsb) == k, "exact sum: want \(k) · 2^\(lsb)")
        if k == 0 {
            let allNegZero = c.a.indices.allSatisfy { (pa.values[c.a[$0]] * pb.values[c.b[$0]]).sign == .minus }
            #expect(exact.accumulated == .finite(.zero, negativeZero: allNegZero && !c.a.isEmpty))
        } else if k.magnitude < (1 << 53) {
            let d = Double(k) * AccRef.pow2(lsb)
            #expect(exact.output.code == Int(Float(d).bitPattern), "binary32 of \(d)")
        }
        // the derived register is never too small: need ≤ W(n)
        #expect(need <= width1 + v)
        // kulisch:W with W = need + slack
        let w = max(2, need + c.slack)
        let model = try AccumulatorModel.parse("kulisch:\(w)")
        if w >= need {
            #expect(try Dot.compute(c.a, fa, c.b, fb, model: model, output: binary32) == exact)
        } else {
            let i = try #require(firstOver[w])
            #expect(throws: DotError.kulisch(.overflow(index: i, width: w))) {
                try Dot.compute(c.a, fa, c.b, fb, model: model, output: binary32)
            }
        }
    }

    @Test("kulisch equals exact; kulisch:W overflows at the right term (property)", arguments: [0, 1, 2, 3])
    func kulischProperty(_ pair: Int) async {
        let (an, bn, lsb, w1) = Self.kulischPairs[pair]
        await propertyCheck(count: 12, input: AccGen.generator(Self.palettes[an]!, Self.palettes[bn]!, specials: false)) { c in
            try Self.checkKulisch(c, an, bn, lsb: lsb, width1: w1)
        }
    }

    @Test("kulisch: deterministic seeded sweep over every pair")
    func kulischSeeded() throws {
        var rng = Octet.SplitMix64(seed: 0x4B_0115C)
        for (an, bn, lsb, w1) in Self.kulischPairs {
            let pa = Self.palettes[an]!, pb = Self.palettes[bn]!
            for _ in 0 ..< 10 { try Self.checkKulisch(AccGen.make(&rng, pa, pb, specials: false), an, bn, lsb: lsb, width1: w1) }
            // the worst case for n = 2^V terms: every product the largest, one sign: fits exactly.
            let big = pa.huge.max { abs(pa.values[$0]) < abs(pa.values[$1]) }!
            let bigB = pb.huge.max { abs(pb.values[$0]) < abs(pb.values[$1]) }!
            for n in [1, 2, 64, 4096] {
                try Self.checkKulisch(AccDotCase(a: Array(repeating: big, count: n), b: Array(repeating: bigB, count: n), slack: -1),
                                      an, bn, lsb: lsb, width1: w1)
            }
        }
    }

    // MARK: Truncated

    static func checkTruncated(_ c: AccDotCase) throws {
        let e4 = try FormatRegistry.named("float8_e4m3fn")
        for (m, g, n, precision, promote) in AccFixedRef.truncatedModels {
            let r = try Dot.compute(c.a, e4, c.b, e4, model: try AccumulatorModel.parse(m), output: binary32)
            let want = AccFixedRef.truncated(c, g: g, n: n, precision: precision, promote: promote)
            guard AccRef.same(AccRef.exactDouble(r.accumulated), want) else {
                Issue.record("\(m): want \(want), got \(r.accumulated)")
                return
            }
        }
    }

    @Test("truncated presets agree with an Int128 re-implementation (property and seeded)")
    func truncatedAgainstReference() async throws {
        let p = Self.palettes["float8_e4m3fn"]!
        await propertyCheck(count: 12, input: AccGen.generator(p, p, specials: false)) { c in
            try Self.checkTruncated(c)
        }
        var rng = Octet.SplitMix64(seed: 0x7_2C_A7ED)
        for _ in 0 ..< 16 { try Self.checkTruncated(AccGen.make(&rng, p, p, specials: false)) }
    }
}

import Foundation
import Testing
import PropertyBased
import Octet
import OctetExact
import OctetKernels
import OctetKernelsBridge

/// The FP8 multiply-accumulate kernels against the reference:
/// - `octet_dot_fp8_f32` vs `Dot.compute(…, model: fp32:lanes32, output: binary32, rne, ovfinf)`,
///   compared bit for bit (any NaN for NaN);
/// - `octet_dot_fp8_exact` vs `Dot.compute(…, model: .exact)` and `.kulisch(nil)`: the returned
///   (hi, lo)·2^lsb, the special outcome and the sign of zero; its `path` must be the accumulator
///   the doc comment derives from the verified Kulisch width (53: binary64, 63: int64, 127: int128),
///   and the sweeps must reach all three;
/// - `octet_mx_dot` vs `MXQuantizer.dot(…, output: binary32, rne, ovfinf)`.
/// Formats: E4M3 (fn and fnuz), E5M2 (OCP and the paper's fnuz), E3M4 (IEEE-like and fnuz), E2M5,
/// and mixed E4M3 × E5M2 both ways; property checks with shrinking and seeded sweeps over lengths
/// 0 … 65,536, unaligned starts, boundary-weighted codes (max, min subnormal, ±0, NaN, ±Inf,
/// cancelling x and −x).
@Suite struct FP8MAC {
    static let pairs: [(String, String)] = [
        ("float8_e4m3fn", "float8_e4m3fn"), ("float8_e4m3fnuz", "float8_e4m3fnuz"),
        ("float8_e5m2", "float8_e5m2"), ("fp8_e5m2", "fp8_e5m2"),
        ("float8_e3m4", "float8_e3m4"), ("fp8_e3m4", "fp8_e3m4"), ("fp8_e2m5", "fp8_e2m5"),
        ("float8_e4m3fn", "float8_e5m2"), ("float8_e5m2", "float8_e4m3fn"),
    ]
    static let pairNames: [String] = pairs.map { "\($0.0)×\($0.1)" }
    static func formats(_ pair: String) -> (Format, Format) {
        let p = pair.split(separator: "×").map(String.init)
        return (KernelTest.format(p[0]), KernelTest.format(p[1]))
    }

    static let lanes32 = try! AccumulatorModel.parse("fp32:lanes32")

    // MARK: Codes

    struct Codes {
        let layout: FloatFormat
        var finiteEdges: [UInt8] {
            let l = layout
            var e: [UInt8] = [UInt8(l.maxFiniteMagnitude), 1, 0]
            if l.signed { e += [UInt8(l.signBit | l.maxFiniteMagnitude), UInt8(l.signBit | 1)] }
            if l.hasNegativeZero { e.append(UInt8(l.signBit)) }
            return e
        }
        var specials: [UInt8] {
            (0 ..< layout.codeCount).filter { if case .finite = layout.classify($0) { return false } else { return true } }.map(UInt8.init)
        }
        func negated(_ c: UInt8) -> UInt8 {
            guard layout.signed, Int(c) & layout.magnitudeMask != 0 else { return c }
            return c ^ UInt8(layout.signBit)
        }
        func isSpecial(_ c: UInt8) -> Bool { if case .finite = layout.classify(Int(c)) { return false } else { return true } }
        /// A random finite code, with probability 1/4 an edge (max, min subnormal, ±0).
        func finite(_ rng: inout SplitMix) -> UInt8 {
            if rng.next() % 4 == 0 { return finiteEdges[Int(rng.next() % UInt64(finiteEdges.count))] }
            while true {
                let c = UInt8(truncatingIfNeeded: rng.next())
                if !isSpecial(c) { return c }
            }
        }
    }

    static func codes(_ f: Format) -> Codes { Codes(layout: f.floatLayout!) }

    // MARK: Reference and kernels

    static func referenceF32(_ fa: Format, _ a: [UInt8], _ fb: Format, _ b: [UInt8]) -> UInt32 {
        let r = try! Dot.compute(a.map(Int.init), fa, b.map(Int.init), fb, model: lanes32, output: KernelTest.binary32,
                                 rounding: .rne, overflow: .ovfinf)
        return UInt32(r.output.code)
    }

    static func referenceExact(_ fa: Format, _ a: [UInt8], _ fb: Format, _ b: [UInt8]) -> Operand {
        let r = try! Dot.compute(a.map(Int.init), fa, b.map(Int.init), fb, model: .exact, output: KernelTest.binary32,
                                 rounding: .rne, overflow: .ovfinf)
        let k = try! Dot.compute(a.map(Int.init), fa, b.map(Int.init), fb, model: .kulisch(nil), output: KernelTest.binary32,
                                 rounding: .rne, overflow: .ovfinf)
        #expect(k.accumulated == r.exact, "the kulisch model with the derived register must equal exact")
        return r.exact
    }

    static func operand(_ s: octet_exact_sum) -> Operand {
        switch s.special {
        case 1: return .nan
        case 2: return .infinity(negative: false)
        case 3: return .infinity(negative: true)
        default:
            let k = Kernels.int128(s)
            return .finite(Dyadic(BigInt(k), exponent: Int(s.lsb_exponent)), negativeZero: s.negative_zero != 0)
        }
    }

    static func expectedPath(_ fa: Format, _ fb: Format, _ n: Int) -> Int32 {
        let w = KulischDerivation.derive(fa, fb, termsLog2: Dot.termsLog2(n)).register.width
        return w <= 53 ? 53 : w <= 63 ? 63 : 127
    }

    /// Runs the three kernels on both paths and compares; returns the exact kernel's path.
    @discardableResult
    static func check(_ fa: Format, _ fb: Format, _ a: [UInt8], _ b: [UInt8], offA: Int, offB: Int, f32: Bool = true,
                      _ log: inout MismatchLog) -> Int32 {
        var pa = KernelTest.plan(fa, .rne, .saturate), pb = KernelTest.plan(fb, .rne, .saturate)
        let n = a.count
        let exact = referenceExact(fa, a, fb, b)
        let expectF32 = f32 ? referenceF32(fa, a, fb, b) : 0
        var path: Int32 = 0
        for scalar in [false, true] {
            var got32: Float = 0
            var sum = octet_exact_sum()
            withOffsetBuffer(a, offset: offA) { ba in
                withOffsetBuffer(b, offset: offB) { bb in
                    func run() {
                        if f32 { got32 = octet_dot_fp8_f32(&pa, &pb, ba.baseAddress, bb.baseAddress, n) }
                        sum = octet_dot_fp8_exact(&pa, &pb, ba.baseAddress, bb.baseAddress, n)
                    }
                    if scalar { Kernels.withScalarPaths(run) } else { run() }
                }
            }
            let where_ = "\(fa.name)×\(fb.name) n \(n) offsets \(offA)/\(offB) \(scalar ? "scalar" : "dispatched")"
            if f32 {
                let g = got32.bitPattern
                let bothNaN = got32.isNaN && Float(bitPattern: expectF32).isNaN
                if !bothNaN && g != expectF32 {
                    log.record("dot_fp8_f32 \(where_): \(KernelTest.hex(g, 8)) (\(got32)), reference \(KernelTest.hex(expectF32, 8)) (\(Float(bitPattern: expectF32))); a \(a.prefix(8).map { KernelTest.hex($0) }) b \(b.prefix(8).map { KernelTest.hex($0) })")
                }
            }
            let k = operand(sum)
            if k != exact {
                log.record("dot_fp8_exact \(where_) path \(sum.path): \(k.exactValue) (hi \(sum.hi) lo \(sum.lo) lsb \(sum.lsb_exponent) special \(sum.special) -0 \(sum.negative_zero)), reference \(exact.exactValue); a \(a.prefix(8).map { KernelTest.hex($0) }) b \(b.prefix(8).map { KernelTest.hex($0) })")
            }
            if sum.special == 0 {
                let p = expectedPath(fa, fb, n)
                if sum.path != p { log.record("dot_fp8_exact \(where_): path \(sum.path), the derived width asks for \(p)") }
                path = sum.path
            }
        }
        return path
    }

    // MARK: Property checks

    /// One element pair: a selector (0–35: finite codes from the two raw bytes, 36–37: edge codes
    /// (max, min subnormal, ±0), 38: max · max, 39/40: a NaN/Inf code in a/b when the vector
    /// allows specials) and two raw bytes; shrinking moves toward selector 0 and small codes, and
    /// drops pairs.
    static let element = zip(Gen.int(in: 0 ... 40), Gen.uint8(), Gen.uint8())

    static func materialise(_ fa: Format, _ fb: Format, _ raw: [(Int, UInt8, UInt8)], cancel: Bool, specials: Bool) -> ([UInt8], [UInt8]) {
        let ca = codes(fa), cb = codes(fb)
        var a: [UInt8] = [], b: [UInt8] = []
        for (s, x, y) in raw {
            var rng = SplitMix(seed: UInt64(x) << 8 | UInt64(y))
            var u = x, v = y
            if ca.isSpecial(u) { u = ca.finite(&rng) }
            if cb.isSpecial(v) { v = cb.finite(&rng) }
            switch s {
            case 36, 37: u = ca.finiteEdges[Int(x) % ca.finiteEdges.count]; v = cb.finiteEdges[Int(y) % cb.finiteEdges.count]
            case 38: u = ca.finiteEdges[0]; v = cb.finiteEdges[0]      // max · max
            case 39: if specials && !ca.specials.isEmpty { u = ca.specials[Int(x) % ca.specials.count] }
            case 40: if specials && !cb.specials.isEmpty { v = cb.specials[Int(y) % cb.specials.count] }
            default: break
            }
            a.append(u); b.append(v)
        }
        if cancel {   // append the same terms negated: the exact sum cancels to 0
            a += a
            b += b.prefix(raw.count).map { cb.negated($0) }
        }
        return (a, b)
    }

    @Test(.shrinking, arguments: Self.pairNames)
    func propertyAgainstReference(pair: String) async {
        let (fa, fb) = Self.formats(pair)
        await propertyCheck(count: 40, input: Self.element.array(of: 0 ... 200), zip(Gen.bool(0.2), Gen.bool(0.2)),
                            zip(Gen.int(in: 0 ... 31), Gen.int(in: 0 ... 31))) { raw, flags, off in
            let (a, b) = Self.materialise(fa, fb, raw, cancel: flags.0, specials: flags.1)
            var log = MismatchLog("\(pair) property")
            Self.check(fa, fb, a, b, offA: off.0, offB: off.1, &log)
            log.finish()
            #expect(log.count == 0)
        }
    }

    // MARK: Deterministic sweeps

    /// Lengths 0…70 and around the vector widths and the path switches (4096/4097 for the mixed
    /// pair), random and boundary-weighted codes, a few specials, cancelling halves; and 65,536
    /// for the exact kernel (once per pair) with max·max everywhere.
    @Test(arguments: Self.pairNames)
    func seededSweep(pair: String) {
        let (fa, fb) = Self.formats(pair)
        let ca = Self.codes(fa), cb = Self.codes(fb)
        var rng = SplitMix(seed: UInt64(pair.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
        var log = MismatchLog("\(pair) sweep")
        var paths = Set<Int32>()
        let lengths = Array(0 ... 70) + [95, 96, 97, 127, 128, 129, 255, 256, 257, 1023, 1024, 1025, 4095, 4096, 4097]
        for n in lengths {
            let offA = Int(rng.next() % 32), offB = Int(rng.next() % 32)
            var a = (0 ..< n).map { _ in ca.finite(&rng) }, b = (0 ..< n).map { _ in cb.finite(&rng) }
            paths.insert(Self.check(fa, fb, a, b, offA: offA, offB: offB, &log))
            if n > 0 && n <= 70 {
                // a special at a random position
                if !ca.specials.isEmpty {
                    var a2 = a
                    a2[Int(rng.next() % UInt64(n))] = ca.specials[Int(rng.next() % UInt64(ca.specials.count))]
                    Self.check(fa, fb, a2, b, offA: offA, offB: offB, &log)
                }
                // all ±max, and ±0 / -0 only
                a = (0 ..< n).map { _ in rng.next() % 2 == 0 ? ca.finiteEdges[0] : ca.negated(ca.finiteEdges[0]) }
                b = (0 ..< n).map { _ in rng.next() % 2 == 0 ? cb.finiteEdges[0] : cb.negated(cb.finiteEdges[0]) }
                Self.check(fa, fb, a, b, offA: offA, offB: offB, &log)
                let zeros = ca.finiteEdges.filter { Int($0) & ca.layout.magnitudeMask == 0 }
                a = (0 ..< n).map { _ in zeros[Int(rng.next() % UInt64(zeros.count))] }
                Self.check(fa, fb, a, b, offA: offA, offB: offB, &log)
                // cancellation: x·y then x·(−y)
                let h = (0 ..< n).map { _ in ca.finite(&rng) }, k = (0 ..< n).map { _ in cb.finite(&rng) }
                Self.check(fa, fb, h + h, k + k.map { cb.negated($0) }, offA: offA, offB: offB, &log)
            }
        }
        // Long: 65,536 terms of max·max (the largest sum the exact kernel's width covers at this
        // n), and random codes; the binary32 kernel too, for the first pair only (the reference's
        // lanes model is slow in debug builds).
        let n = 65536
        let maxA = [UInt8](repeating: ca.finiteEdges[0], count: n), maxB = [UInt8](repeating: cb.finiteEdges[0], count: n)
        paths.insert(Self.check(fa, fb, maxA, maxB, offA: 1, offB: 7, f32: false, &log))
        let ra = (0 ..< n).map { _ in ca.finite(&rng) }, rb = (0 ..< n).map { _ in cb.finite(&rng) }
        paths.insert(Self.check(fa, fb, ra, rb, offA: 13, offB: 0, f32: pair == Self.pairNames[0], &log))
        log.finish()
        #expect(log.count == 0)
        // Each path the width calls for at some length was taken.
        let expected = Set([0, 1, 4096, 4097, 65536].map { Self.expectedPath(fa, fb, $0) })
        #expect(expected.isSubset(of: paths), "paths taken \(paths.sorted()), expected \(expected.sorted())")
    }

    /// Beyond 2^16 terms E4M3 needs more than 53 bits (W = 37 + ⌈log2 n⌉): the dispatched path
    /// adds binary64 runs of 2^16 terms into the int64 register; the scalar path uses the int64
    /// register directly. 2^17 + 77 terms: two full runs and a partial one.
    @Test(arguments: ["float8_e4m3fn", "float8_e4m3fnuz"])
    func exactBeyondOneBinary64Run(name: String) {
        let f = KernelTest.format(name)
        let c = Self.codes(f)
        var rng = SplitMix(seed: 0xE4)
        var log = MismatchLog("\(name) exact, 2^17 + 77 terms")
        let n = (1 << 17) + 77
        let a = (0 ..< n).map { _ in c.finite(&rng) }, b = (0 ..< n).map { _ in c.finite(&rng) }
        #expect(Self.check(f, f, a, b, offA: 3, offB: 0, f32: false, &log) == 63)
        let maxA = [UInt8](repeating: c.finiteEdges[0], count: n)
        #expect(Self.check(f, f, maxA, maxA, offA: 0, offB: 5, f32: false, &log) == 63)
        log.finish()
        #expect(log.count == 0)
    }

    /// Every finite (a, b) code pair once, in code order and grouped by the product's residue below
    /// the split grid of the exact kernel's binary32 route (so that lanes add the same residue
    /// many times over, the worst case for its hi/lo sums), and with b negated where a is odd (a
    /// sum that cancels). Both kernels, both paths, against the reference.
    @Test(arguments: Self.pairNames)
    func everyProductOnce(pair: String) {
        let (fa, fb) = Self.formats(pair)
        let ca = Self.codes(fa), cb = Self.codes(fb)
        let finiteA = (0 ..< fa.floatLayout!.codeCount).map(UInt8.init).filter { !ca.isSpecial($0) }
        let finiteB = (0 ..< fb.floatLayout!.codeCount).map(UInt8.init).filter { !cb.isSpecial($0) }
        var a: [UInt8] = [], b: [UInt8] = []
        for x in finiteA { for y in finiteB { a.append(x); b.append(y) } }
        var log = MismatchLog("\(pair) every product")
        Self.check(fa, fb, a, b, offA: 0, offB: 0, f32: false, &log)
        // Sort the pairs by |a·b| modulo 2^20 units of the smallest product, then by magnitude.
        // (Binary64 holds every FP8 value and product exactly; code 1 is each format's smallest.)
        let binary64 = KernelTest.format("binary64")
        func double(_ f: Format, _ c: UInt8) -> Double {
            Double(bitPattern: UInt64(bitPattern: Int64(try! binary64.encode(f.value(ofCode: Int(c)), rounding: .rne, overflow: .ovfinf).code)))
        }
        let unit = double(fa, 1) * double(fb, 1)
        let keys = zip(a, b).map { (x, y) -> (Double, Double) in
            let u: Double = abs(double(fa, x) * double(fb, y)) / unit
            let residue: Double = u.truncatingRemainder(dividingBy: 1_048_576.0)
            return (residue, u)
        }
        let order = (0 ..< a.count).sorted { (i: Int, j: Int) -> Bool in
            let (ri, ui) = keys[i], (rj, uj) = keys[j]
            return ri != rj ? ri > rj : ui > uj
        }
        Self.check(fa, fb, order.map { a[$0] }, order.map { b[$0] }, offA: 5, offB: 2, f32: false, &log)
        let signed = zip(a, b).map { $0.0 & 1 == 1 ? cb.negated($0.1) : $0.1 }
        Self.check(fa, fb, a, signed, offA: 1, offB: 3, f32: false, &log)
        log.finish()
        #expect(log.count == 0)
    }

    /// Every registered signed 8-bit float format the exact kernel supports (Kulisch width for
    /// 2^16 terms at most 127), paired with itself: every finite code pair once, against the
    /// reference — the formats beyond the nine pairs above (P3109, E4M3 with Inf, B11 FNUZ, …) take
    /// whichever route their widths select.
    @Test func everyProductOnceEveryFormat() {
        let formats = FormatRegistry.all.filter { f in
            guard let l = f.floatLayout, l.signed, l.bits == 8 else { return false }
            return KulischDerivation.derive(f, f, termsLog2: 16).register.width <= 127
        }
        #expect(formats.count >= 10)
        var log = MismatchLog("every product, every format")
        for f in formats {
            let c = Self.codes(f)
            let finite = (0 ..< f.floatLayout!.codeCount).map(UInt8.init).filter { !c.isSpecial($0) }
            var a: [UInt8] = [], b: [UInt8] = []
            for x in finite { for y in finite { a.append(x); b.append(y) } }
            Self.check(f, f, a, b, offA: 3, offB: 1, f32: false, &log)
            // The binary32 kernel on 1,000 of those pairs, in a scattered order.
            let pick = (0 ..< 1000).map { ($0 &* 7919) % a.count }
            Self.check(f, f, pick.map { a[$0] }, pick.map { b[$0] }, offA: 0, offB: 5, f32: true, &log)
        }
        log.finish()
        #expect(log.count == 0)
    }

    @Test func allThreeExactPathsAreCovered() {
        let e4 = KernelTest.format("float8_e4m3fn"), e5 = KernelTest.format("float8_e5m2")
        #expect(Self.expectedPath(e4, e4, 65536) == 53)
        #expect(Self.expectedPath(e4, e5, 4096) == 63)
        #expect(Self.expectedPath(e4, e5, 4097) == 127)
        #expect(Self.expectedPath(e5, e5, 1) == 127)
        #expect(Self.expectedPath(KernelTest.format("fp8_e5m2"), KernelTest.format("fp8_e5m2"), 2) == 127)
    }

    // MARK: MX block dot

    static let mxPairs: [(String, String)] = [
        ("float8_e4m3fn", "float8_e4m3fn"), ("float8_e5m2", "float8_e5m2"), ("float8_e4m3fn", "float8_e5m2"),
        ("float6_e2m3fn", "float6_e2m3fn"), ("float6_e3m2fn", "float6_e3m2fn"), ("float4_e2m1fn", "float4_e2m1fn"),
        ("float4_e2m1fn", "float8_e4m3fn"),
    ]

    @Test func mxDotAgainstMXQuantizer() throws {
        var rng = SplitMix(seed: 0x3D)
        var log = MismatchLog("mx_dot")
        let scaleEdges = [0, 1, 126, 127, 128, 200, 253, 254, 255]
        for (na, nb) in Self.mxPairs {
            let fa = KernelTest.format(na), fb = KernelTest.format(nb)
            let qa = try MXQuantizer(element: fa), qb = try MXQuantizer(element: fb)
            var pa = KernelTest.plan(fa, .rne, .saturate), pb = KernelTest.plan(fb, .rne, .saturate)
            let ca = Self.codes(fa), cb = Self.codes(fb)
            for n in [0, 1, 2, 7, 31, 32, 33, 64, 100] {
                for trial in 0 ..< 12 {
                    let sa = trial < 4 ? scaleEdges[Int(rng.next() % 9)] : Int(rng.next() % 256)
                    let sb = trial < 4 ? scaleEdges[Int(rng.next() % 9)] : Int(rng.next() % 256)
                    var a = (0 ..< n).map { _ in ca.finite(&rng) }, b = (0 ..< n).map { _ in cb.finite(&rng) }
                    if trial == 5 && n > 0 && !ca.specials.isEmpty { a[0] = ca.specials[Int(rng.next() % UInt64(ca.specials.count))] }
                    if trial == 6 && n > 0 {   // cancellation
                        a = Array(a.prefix(n / 2)); a += a; b = Array(b.prefix(n / 2)); b += b.map { cb.negated($0) }
                        if a.count < n { a.append(0); b.append(0) }
                    }
                    if trial == 7 { b = b.map { cb.negated($0) }; a = a.map { Int($0) & ca.layout.magnitudeMask == 0 ? $0 : 0 } }   // ±0 products
                    let expected = UInt32(try qa.dot(MXBlock(scaleCode: sa, elements: a.map(Int.init)), MXBlock(scaleCode: sb, elements: b.map(Int.init)),
                                                     other: qb, output: KernelTest.binary32, rounding: .rne, overflow: .ovfinf).code)
                    for scalar in [false, true] {
                        var got: Float = 0
                        withOffsetBuffer(a, offset: n % 5) { ba in
                            withOffsetBuffer(b, offset: 3) { bb in
                                let run = { got = octet_mx_dot(&pa, &pb, UInt8(sa), UInt8(sb), ba.baseAddress, bb.baseAddress, n) }
                                if scalar { Kernels.withScalarPaths(run) } else { run() }
                            }
                        }
                        let e = Float(bitPattern: expected)
                        if !(e.isNaN && got.isNaN) && got.bitPattern != expected {
                            log.record("\(na)×\(nb) n \(n) scales \(sa)/\(sb) \(scalar ? "scalar" : "dispatched"): \(KernelTest.floatBits(got)) (\(got)), reference \(KernelTest.hex(expected, 8)) (\(e)); a \(a.prefix(6).map { KernelTest.hex($0) }) b \(b.prefix(6).map { KernelTest.hex($0) })")
                        }
                    }
                }
            }
        }
        log.finish()
        #expect(log.count == 0)
    }
}

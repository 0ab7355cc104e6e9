// Specs/accumulation.md §2.1 (issue 12): the Kulisch register is the smallest two's-complement
// register holding the signed range of the sums, [2^V · min a·b, 2^V · max a·b] in LSB units — not
// the bit length of 2^V · max |a·b| plus a sign bit, which is one bit too wide when the largest
// magnitude is a power of two reached only by a negative product (int8 × uint1: −128 … 127).
//
// Every expected width here is computed without the derivation under test: values are decoded by
// the test (plain Int for integers, `AccRef` for floats), and products and sums are enumerated.

import Foundation
import Testing
@testable import Octet
import OctetExact

extension AccRef {
    /// The smallest W with −2^(W−1) ≤ u ≤ 2^(W−1) − 1, for an integer-valued Double u.
    static func twosComplementWidth(_ u: Double) -> Int {
        precondition(u.isFinite && u == u.rounded(.towardZero), "\(u) is not an integer")
        if u == 0 { return 1 }
        if u > 0 { return Int(u.exponent) + 2 }   // bit length + sign
        // −m needs bitlength(m − 1) + 1 bits: log2(m) + 1 for a power of two, else bitlength(m) + 1.
        let m = -u
        return m.significandBitPattern == 0 ? Int(m.exponent) + 1 : Int(m.exponent) + 2
    }

    /// The same for an Int.
    static func twosComplementWidth(_ k: Int) -> Int {
        let bitLength = { (x: Int) in Int.bitWidth - x.leadingZeroBitCount }
        return k >= 0 ? bitLength(k) + 1 : bitLength(~k) + 1   // ~k = −k − 1
    }
}

enum KulRef {
    /// The values of an N-bit two's-complement or unsigned integer.
    static func intValues(bits: Int, signed: Bool) -> [Int] {
        signed ? Array(-(1 << (bits - 1)) ... (1 << (bits - 1)) - 1) : Array(0 ... (1 << bits) - 1)
    }

    /// The smallest and largest sum of up to `terms` products, by brute force: the set of sums of
    /// exactly k products is built from that of k − 1 by adding every product to every sum.
    static func sumRange(products: [Int], terms: Int) -> (min: Int, max: Int) {
        let p = Set(products)
        var reach: Set<Int> = [0]
        var lo = 0, hi = 0   // the empty sum: the register starts at 0
        for _ in 0 ..< terms {
            var next = Set<Int>()
            for s in reach { for q in p { next.insert(s + q) } }
            reach = next
            lo = min(lo, reach.min()!)
            hi = max(hi, reach.max()!)
        }
        return (lo, hi)
    }

    /// Every finite value of a format, decoded by the test: `AccRef` for the registered ≤ 8-bit
    /// formats, the integer ranges for `int<N>`/`uint<N>`, and the §2 layouts of binary16/bfloat16.
    static func values(_ name: String) -> [Double]? {
        if let v = AccRef.values(name) { return v.filter(\.isFinite) }
        for (prefix, signed) in [("uint", false), ("int", true)] where name.hasPrefix(prefix) {
            guard let n = Int(name.dropFirst(prefix.count)), (1 ... 16).contains(n) else { return nil }
            return intValues(bits: n, signed: signed).map(Double.init)
        }
        let wide: [String: AccRefLayout] = [
            "binary16": .init(signed: true, e: 5, m: 10, bias: 15, specials: .ieee),
            "bfloat16": .init(signed: true, e: 8, m: 7, bias: 127, specials: .ieee),
        ]
        guard let l = wide[name] else { return nil }
        return (0 ..< (1 << l.bits)).map(l.decode).filter(\.isFinite)
    }

    /// Per-format facts: smallest and largest value, largest magnitude, smallest 2-adic valuation
    /// of a non-zero value.
    struct Facts { let lo: Double, hi: Double, maxAbs: Double, val: Int }
    static func facts(_ values: [Double]) -> Facts {
        let nz = values.filter { $0 != 0 }
        return Facts(lo: values.min()!, hi: values.max()!, maxAbs: nz.map(abs).max()!, val: nz.map(AccRef.valuation).min()!)
    }

    /// The pairs the checks below cover: every registered format of ≤ 8 bits and the parametric
    /// integers of 1…8 bits, all pairs; and 16-bit formats times 1-bit ones, both ways — the pairs
    /// `octet kulisch` enumerates (at most 2^17 code pairs).
    static let narrowNames: [String] = {
        var names = FormatRegistry.all.filter { $0.bits <= 8 }.map(\.name)
        for n in 1 ... 8 { for p in ["int", "uint"] where !names.contains("\(p)\(n)") { names.append("\(p)\(n)") } }
        return names
    }()
    static let pairs: [(String, String)] = {
        var p: [(String, String)] = []
        for a in narrowNames { for b in narrowNames { p.append((a, b)) } }
        for w in ["int16", "binary16", "bfloat16"] { for n in ["int1", "uint1"] { p += [(w, n), (n, w)] } }
        return p
    }()
}

@Suite struct KulischSignedRangeTests {
    static let terms = [1, 2, 3, 4096]

    /// (N, the minimal widths of int<N> × uint1 for 1, 2, 3 and 4096 terms). The old derivation gave
    /// one bit more in every case: 2/3/4/14, 5/6/7/17, 9/10/11/21.
    static let uint1Rows: [(Int, [Int])] = [(1, [1, 2, 3, 13]), (4, [4, 5, 6, 16]), (8, [8, 9, 10, 20])]

    @Test("int1/int4/int8 × uint1: the register is the smallest holding every sum (brute force)", arguments: uint1Rows)
    func intTimesUint1(_ bits: Int, _ widths: [Int]) throws {
        let a = try FormatRegistry.named("int\(bits)"), b = try FormatRegistry.named("uint1")
        let xs = KulRef.intValues(bits: bits, signed: true), ys = KulRef.intValues(bits: 1, signed: false)
        #expect(Set(a.operandTable.compactMap { $0.dyadic?.rational }) == Set(xs.map { Rational($0) }))
        #expect(Set(b.operandTable.compactMap { $0.dyadic?.rational }) == Set(ys.map { Rational($0) }))
        var products: [Int] = []
        for x in xs { for y in ys { products.append(x * y) } }
        #expect(products.min()! == xs.min()! && products.max()! == xs.max()!)   // −2^(N−1) … 2^(N−1) − 1
        for (t, want) in zip(Self.terms, widths) {
            // 1–3 terms: every sum enumerated; 4096: the closed form t·min, t·max of the products.
            let (lo, hi) = t <= 3 ? KulRef.sumRange(products: products, terms: t) : (t * products.min()!, t * products.max()!)
            let minimal = max(AccRef.twosComplementWidth(lo), AccRef.twosComplementWidth(hi))
            #expect(minimal == want, "int\(bits) × uint1, \(t) terms: sums \(lo) … \(hi)")
            let v = Dot.termsLog2(t)
            let d = KulischDerivation.derive(a, b, termsLog2: v)
            // For 3 terms the register is derived for 2^⌈log2 3⌉ = 4; here 4 terms need no more bits.
            #expect(d.register.width == minimal, "int\(bits) × uint1, \(t) terms: W \(d.register.width), sums \(lo) … \(hi) need \(minimal)")
            #expect(d.register.lsbExponent == 0)
            #expect(d.minProduct == Rational(products.min()!) && d.maxProduct == Rational(products.max()!))
            #expect(KulischDerivation.enumerate(a, b, termsLog2: v) == d)
            // The old rule, bit length of 2^V · max |a·b| plus a sign bit, is one bit wider.
            #expect(AccRef.twosComplementWidth(products.map(abs).max()! << v) == minimal + 1)
            // The register holds t copies of either extreme product; one bit less does not.
            let low = Array(repeating: Operand.finite(Dyadic(products.min()!), negativeZero: false), count: t)
            let high = Array(repeating: Operand.finite(Dyadic(products.max()!), negativeZero: false), count: t)
            for run in [low, high] {
                #expect(throws: Never.self) { try d.register.accumulate(run) }
            }
            if d.register.width >= 2 {
                let narrow = KulischRegister(width: d.register.width - 1, lsbExponent: 0)
                let fails = [low, high].filter { run in (try? narrow.accumulate(run)) == nil }
                #expect(!fails.isEmpty, "int\(bits) × uint1, \(t) terms: \(narrow.width) bits hold both extremes")
            }
        }
        if bits == 8 {
            // The numbers: 4096 × [−128·1, 127·1] = [−524288, 520192] → 20 bits (−2^19 … 2^19 − 1).
            #expect(4096 * products.min()! == -524_288 && 4096 * products.max()! == 520_192)
            #expect(-(1 << 19) <= -524_288 && 520_192 <= (1 << 19) - 1 && 520_192 > (1 << 18) - 1)
        }
    }

    @Test("int16 × uint1: minimal, and enumerated (2^17 code pairs, within the cap)")
    func int16TimesUint1() throws {
        let a = try FormatRegistry.named("int16"), b = try FormatRegistry.named("uint1")
        // Every code pair, by the test's own decoding: the products are −32768 … 32767.
        var lo = Int.max, hi = Int.min
        for x in KulRef.intValues(bits: 16, signed: true) { for y in [0, 1] { lo = min(lo, x * y); hi = max(hi, x * y) } }
        #expect(lo == -32768 && hi == 32767)
        for (t, want) in zip(Self.terms, [16, 17, 18, 28]) {
            // One term: the sums are the products; t terms: they span t·lo … t·hi.
            let minimal = max(AccRef.twosComplementWidth(t * lo), AccRef.twosComplementWidth(t * hi))
            #expect(minimal == want, "\(t) terms")
            #expect(KulischDerivation.derive(a, b, termsLog2: Dot.termsLog2(t)).register.width == minimal, "\(t) terms")
        }
        // `octet kulisch` enumerates pairs of at most `enumerationLimit` code pairs, so its
        // enumerated_width_bits is no longer null here (it was: only ≤ 8-bit formats were enumerated).
        #expect(KulischDerivation.enumerationSize(a, b) == 1 << 17)
        #expect(KulischDerivation.enumerationSize(a, b) <= KulischDerivation.enumerationLimit)
        let e = KulischDerivation.enumerate(a, b, termsLog2: 12)
        #expect(e == KulischDerivation.derive(a, b, termsLog2: 12))
        #expect(e.register.width == 28 && e.minProduct == Rational(-32768) && e.maxProduct == Rational(32767))
        // Wider pairs stay beyond the cap (binary16 × binary16: 2^32 code pairs).
        let h = try FormatRegistry.named("binary16")
        #expect(KulischDerivation.enumerationSize(h, h) > KulischDerivation.enumerationLimit)
    }

    /// For every covered pair and V ∈ {0, 1, 2, 12}: the derived width is the minimal one for the
    /// signed range (the four products of the formats' extremes — a·b is bilinear), never wider than
    /// the old rule, and narrower by exactly one bit precisely when the largest magnitude is a power of
    /// two reached only by a negative product.
    @Test("every covered pair: minimal for the signed range, never wider than before")
    func everyPairNeverWider() throws {
        var facts: [String: KulRef.Facts] = [:]
        for n in Set(KulRef.pairs.flatMap { [$0.0, $0.1] }) {
            facts[n] = KulRef.facts(try #require(KulRef.values(n), "\(n)"))
        }
        var bad: [String] = [], narrower = Set<String>()
        for (an, bn) in KulRef.pairs {
            let a = facts[an]!, b = facts[bn]!
            let fa = try FormatRegistry.named(an), fb = try FormatRegistry.named(bn)
            let corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
            let (lo, hi) = (corners.min()!, corners.max()!)
            let lsb = a.val + b.val
            for v in [0, 1, 2, 12] {
                let scale = AccRef.pow2(v - lsb)
                let minimal = max(AccRef.twosComplementWidth(lo * scale), AccRef.twosComplementWidth(hi * scale))
                let old = AccRef.twosComplementWidth(a.maxAbs * b.maxAbs * scale)
                let negativeOnlyPowerOfTwo = -lo > hi && (-lo).significandBitPattern == 0
                let d = KulischDerivation.derive(fa, fb, termsLog2: v)
                if d.register.width != minimal || d.register.lsbExponent != lsb || old - minimal != (negativeOnlyPowerOfTwo ? 1 : 0)
                    || d.minProduct != AccRef.rational(lo) || d.maxProduct != AccRef.rational(hi) {
                    bad.append("\(an) × \(bn) V=\(v): W \(d.register.width), minimal \(minimal), old \(old)")
                }
                if minimal < old { narrower.insert("\(an) × \(bn)") }
            }
        }
        #expect(bad.isEmpty, "\(bad.count) cases, e.g. \(bad.prefix(5))")
        // The narrower pairs are int × uint1 and int × an unsigned float whose top value is a power of two.
        for p in ["int8 × uint1", "int4 × uint1", "int1 × uint1", "uint1 × int8", "int16 × uint1", "int8 × float8_e8m0fnu"] {
            #expect(narrower.contains(p), "\(p)")
        }
        for p in ["int8 × int8", "int8 × uint8", "uint1 × uint1", "float8_e4m3fn × float8_e5m2", "float8_e8m0fnu × float8_e8m0fnu"] {
            #expect(!narrower.contains(p), "\(p)")
        }
    }

    static let exhaustive = ProcessInfo.processInfo.environment["OCTET_EXHAUSTIVE"] == "1"

    /// The same pairs with every product enumerated (no corner argument): about 2.6·10^8 products.
    @Test("every covered pair, every product: the derived width is minimal and sufficient",
          .enabled(if: exhaustive, "set OCTET_EXHAUSTIVE=1 to enumerate every product of every pair"))
    func everyPairEveryProduct() throws {
        var values: [String: [Double]] = [:]
        for n in Set(KulRef.pairs.flatMap { [$0.0, $0.1] }) { values[n] = Array(Set(try #require(KulRef.values(n)))) }
        var bad: [String] = []
        for (an, bn) in KulRef.pairs {
            let xs = values[an]!, ys = values[bn]!
            var lo = Double.infinity, hi = -Double.infinity, lsb = Int.max
            for x in xs {
                for y in ys {
                    let p = x * y   // exact: ≤ 11 + 11 significant bits
                    lo = min(lo, p)
                    hi = max(hi, p)
                    if p != 0 { lsb = min(lsb, AccRef.valuation(p)) }
                }
            }
            let fa = try FormatRegistry.named(an), fb = try FormatRegistry.named(bn)
            for v in [0, 12] {
                let scale = AccRef.pow2(v - lsb)
                let minimal = max(AccRef.twosComplementWidth(lo * scale), AccRef.twosComplementWidth(hi * scale))
                let r = KulischDerivation.derive(fa, fb, termsLog2: v).register
                if r.width != minimal || r.lsbExponent != lsb { bad.append("\(an) × \(bn) V=\(v): W \(r.width) lsb \(r.lsbExponent), want \(minimal) lsb \(lsb)") }
            }
        }
        #expect(bad.isEmpty, "\(bad.count) cases, e.g. \(bad.prefix(5))")
    }
}

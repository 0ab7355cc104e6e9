// Specs/accumulation.md §1 (exact products, sums, mul/add/fma) and §2.1 (the Kulisch derivation).
//
// Every expected value here is computed WITHOUT the code under test:
// - codes are decoded by `AccRefLayout.decode`, written from the table of Specs/formats.md §2.2
//   (sign/exponent/mantissa fields, bias, special encodings), into Swift `Double`s;
// - products of two values of ≤ 8-bit formats (≤ 8 significand bits each, exponents within
//   2^±254) are exact in `Double`, so `x * y` is the exact product, with IEEE's rules for NaN, Inf
//   and signed zeros — the rules §1 states;
// - results in binary32/binary64/binary16/bfloat16 come from Swift's own correctly rounded
//   conversions and arithmetic (`Float(Double)`, `Float16(Float)`, `Float.addingProduct`), or from
//   the small bit-level helpers below (bfloat16 RNE on Float bits, round-to-odd), never from
//   `Format.encode`;
// - Kulisch registers are derived by an independent enumeration over the Double values (largest
//   product, smallest product, smallest 2-adic valuation) and compared with the paper's table.

import Testing
@testable import Octet
import OctetExact

// MARK: - Independent reference (shared by the Accumulation*Tests files)

enum AccRefSpecials: Sendable { case ieee, fn, fnuz, p3109e, nanTop, infNanTop, none }

/// A float layout as Specs/formats.md §2 describes it, decoded without the library.
struct AccRefLayout: Sendable {
    let signed: Bool
    let e: Int
    let m: Int
    let bias: Int
    var subnormals = true
    let specials: AccRefSpecials

    var bits: Int { (signed ? 1 : 0) + e + m }

    func decode(_ code: Int) -> Double {
        let magBits = e + m
        let negative = signed && (code >> magBits) & 1 == 1
        let mag = code & ((1 << magBits) - 1)
        let ef = mag >> m, mf = mag & ((1 << m) - 1)
        let allOnes = (1 << magBits) - 1
        let inf = negative ? -Double.infinity : Double.infinity
        switch specials {
        case .ieee: if ef == (1 << e) - 1 { return mf == 0 ? inf : .nan }
        case .fn: if mag == allOnes { return .nan }
        case .fnuz: if negative && mag == 0 { return .nan }
        case .p3109e:
            if negative && mag == 0 { return .nan }
            if mag == allOnes { return inf }
        case .nanTop: if code == allOnes { return .nan }
        case .infNanTop:
            if code == allOnes { return .nan }
            if code == allOnes - 1 { return .infinity }
        case .none: break
        }
        let sig: Int, exp: Int
        if subnormals && ef == 0 { (sig, exp) = (mf, 1 - bias - m) } else { (sig, exp) = (mf | (1 << m), ef - bias - m) }
        let v = Double(sign: .plus, exponent: exp, significand: Double(sig))
        return negative ? -v : v
    }
}

enum AccRef {
    /// Specs/formats.md §2.2, typed in again by hand.
    static let layouts: [String: AccRefLayout] = {
        var t: [String: AccRefLayout] = [
            "float8_e4m3fn": .init(signed: true, e: 4, m: 3, bias: 7, specials: .fn),
            "float8_e5m2": .init(signed: true, e: 5, m: 2, bias: 15, specials: .ieee),
            "float8_e4m3fnuz": .init(signed: true, e: 4, m: 3, bias: 8, specials: .fnuz),
            "float8_e5m2fnuz": .init(signed: true, e: 5, m: 2, bias: 16, specials: .fnuz),
            "float8_e4m3b11fnuz": .init(signed: true, e: 4, m: 3, bias: 11, specials: .fnuz),
            "float8_e4m3": .init(signed: true, e: 4, m: 3, bias: 7, specials: .ieee),
            "float8_e3m4": .init(signed: true, e: 3, m: 4, bias: 3, specials: .ieee),
            "float8_e8m0fnu": .init(signed: false, e: 8, m: 0, bias: 127, subnormals: false, specials: .nanTop),
            "float6_e2m3fn": .init(signed: true, e: 2, m: 3, bias: 1, specials: .none),
            "float6_e3m2fn": .init(signed: true, e: 3, m: 2, bias: 3, specials: .none),
            "float4_e2m1fn": .init(signed: true, e: 2, m: 1, bias: 1, specials: .none),
            // Scale formats of issue 13: CUTLASS float_ue4m3_t, ml_dtypes float8_e5m3fnu, en_dtypes float4_e1m2.
            "float8_ue4m3": .init(signed: false, e: 4, m: 3, bias: 7, specials: .nanTop),
            "float8_e5m3fnu": .init(signed: false, e: 5, m: 3, bias: 15, specials: .nanTop),
            "float4_e1m2": .init(signed: true, e: 1, m: 2, bias: 1, specials: .none),
            "binary4p2sf": .init(signed: true, e: 2, m: 1, bias: 2, specials: .fnuz),
            "fp8_e2m5": .init(signed: true, e: 2, m: 5, bias: 2, specials: .fnuz),
            "fp8_e3m4": .init(signed: true, e: 3, m: 4, bias: 4, specials: .fnuz),
            "fp8_e4m3": .init(signed: true, e: 4, m: 3, bias: 8, specials: .fnuz),
            "fp8_e5m2": .init(signed: true, e: 5, m: 2, bias: 16, specials: .fnuz),
        ]
        for p in 1...7 {
            t["binary8p\(p)se"] = .init(signed: true, e: 8 - p, m: p - 1, bias: 1 << (7 - p), specials: .p3109e)
            t["binary8p\(p)sf"] = .init(signed: true, e: 8 - p, m: p - 1, bias: 1 << (7 - p), specials: .fnuz)
        }
        for p in 1...8 {
            t["binary8p\(p)ue"] = .init(signed: false, e: 9 - p, m: p - 1, bias: 1 << (8 - p), specials: .infNanTop)
            t["binary8p\(p)uf"] = .init(signed: false, e: 9 - p, m: p - 1, bias: 1 << (8 - p), specials: .nanTop)
        }
        return t
    }()

    /// Two's complement / unsigned integers (formats.md §3).
    static let integers: [String: (bits: Int, signed: Bool)] = [
        "int8": (8, true), "uint8": (8, false), "int4": (4, true), "uint4": (4, false), "int2": (2, true), "uint2": (2, false),
    ]

    /// The decoded value of every code of a registered format, by my own decoding.
    static func values(_ name: String) -> [Double]? {
        if let l = layouts[name] { return (0 ..< (1 << l.bits)).map(l.decode) }
        if name == "hifloat8" { return (0 ..< 256).map(ScaleFormatPeerTests.hif8Paper) }   // tapered: the paper's fields
        if let i = integers[name] {
            return (0 ..< (1 << i.bits)).map { c in Double(i.signed && c >= 1 << (i.bits - 1) ? c - (1 << i.bits) : c) }
        }
        return nil
    }

    /// Names of every float format of the registry with at most 8 bits (the formats §1 covers).
    static let narrowFloatNames: [String] = FormatRegistry.all.filter { $0.floatLayout != nil && $0.bits <= 8 }.map(\.name)

    static func pow2(_ k: Int) -> Double { Double(sign: .plus, exponent: k, significand: 1) }

    /// The library's operand as a Double, when it is exactly representable (nil otherwise).
    static func exactDouble(_ o: Operand) -> Double? {
        switch o {
        case .nan: return .nan
        case .infinity(let n): return n ? -.infinity : .infinity
        case .finite(let d, let nz):
            if d.isZero { return nz ? -0.0 : 0.0 }
            guard d.significand.bitLength <= 53, let s = d.significand.asInt else { return nil }
            return Double(sign: .plus, exponent: d.exponent, significand: Double(s))
        }
    }

    /// Same IEEE datum: both NaN, or the same bits (so +0 ≠ −0).
    static func same(_ x: Double?, _ y: Double) -> Bool {
        guard let x else { return false }
        return (x.isNaN && y.isNaN) || x.bitPattern == y.bitPattern
    }

    /// 2-adic valuation of a non-zero finite Double.
    static func valuation(_ x: Double) -> Int {
        let sig = x.significandBitPattern
        if x.isSubnormal { return -1074 + sig.trailingZeroBitCount }
        return Int(x.exponent) - (sig == 0 ? 0 : 52 - sig.trailingZeroBitCount)
    }

    /// The exact rational value of a finite Double (built from its bits).
    static func rational(_ x: Double) -> Rational {
        if x == 0 { return .zero }
        let v = valuation(x)
        let k = x / pow2(v)   // an odd integer, exact
        return Rational(BigInt(Int(k)), timesTwoToThe: v)
    }

    // MARK: Rounding helpers (independent of Format.encode)

    /// Round to odd into Float: of the two Floats around d, the one with an odd last bit.
    /// RTO to 24 bits followed by RNE to ≤ 22 bits is a correct RNE (no double-rounding error).
    static func floatRTO(_ d: Double) -> Float {
        var f = Float(d)
        if f.isFinite, Double(f) != d, f.bitPattern & 1 == 0 {
            f = Double(f) < d ? f.nextUp : f.nextDown
        }
        return f
    }

    /// binary16 RNE of a Double (via round-to-odd binary32; Float16(Float) is correctly rounded).
    static func half(_ d: Double) -> Float16 { Float16(floatRTO(d)) }

    /// bfloat16 RNE from Float bits (overflow carries into Inf), returned as the Float it equals.
    static func bf16(_ f: Float) -> Float {
        if f.isNaN { return f }
        let b = f.bitPattern
        return Float(bitPattern: (b &+ 0x7FFF &+ ((b >> 16) & 1)) & 0xFFFF_0000)
    }

    /// bfloat16 with a directed mode, from an exactly known Float (truncation of the bit pattern).
    static func bf16(_ f: Float, _ mode: RoundingMode) -> Float {
        if mode == .rne || !f.isFinite { return bf16(f) }
        let b = f.bitPattern
        let truncated = b & 0xFFFF_0000
        let inexact = b & 0xFFFF != 0
        let negative = f.sign == .minus
        let away: Bool
        switch mode {
        case .rup: away = inexact && !negative
        case .rdown: away = inexact && negative
        default: away = false
        }
        return Float(bitPattern: away ? truncated &+ 0x10000 : truncated)
    }

    /// Turns the RNE result `h` of the exact value `d` into the result of a directed mode: RNE is
    /// one of the two neighbours of d, so at most one step toward d fixes it.
    static func directed<T: BinaryFloatingPoint>(_ h: T, exact d: Double, _ mode: RoundingMode) -> T {
        guard d.isFinite, !h.isNaN else { return h }
        let hv = Double(h)
        if hv == d { return h }
        switch mode {
        case .rtz: return abs(hv) > abs(d) ? (hv > 0 ? h.nextDown : h.nextUp) : h
        case .rup: return hv < d ? h.nextUp : h
        case .rdown: return hv > d ? h.nextDown : h
        default: return h
        }
    }

    static func hex(_ x: Int) -> String { "0x" + String(x, radix: 16, uppercase: true) }
}

// MARK: - Exhaustive products and the Kulisch register of each pair

@Suite struct AccumulationProductTests {
    /// Compares every product of two formats with the Double product of my decoded values, and
    /// checks that every finite product is an integer multiple of 2^lsb inside the 1-term register.
    static func checkAllProducts(_ an: String, _ bn: String) throws {
        let fa = try FormatRegistry.named(an), fb = try FormatRegistry.named(bn)
        let va = try #require(AccRef.values(an), "no reference layout for \(an)")
        let vb = try #require(AccRef.values(bn), "no reference layout for \(bn)")
        #expect(va.count == fa.codeCount && vb.count == fb.codeCount)
        let oa = fa.operandTable, ob = fb.operandTable
        let reg = KulischDerivation.derive(fa, fb, termsLog2: 0).register
        let top = AccRef.pow2(reg.width - 1)
        var bad: [String] = [], outside: [String] = []
        var badCount = 0, outsideCount = 0
        for i in 0 ..< va.count {
            for j in 0 ..< vb.count {
                let want = va[i] * vb[j]   // exact: ≤ 16 significant bits, exponent within ±508
                let got = AccRef.exactDouble(ExactArithmetic.multiply(oa[i], ob[j]))
                if !AccRef.same(got, want) {
                    badCount += 1
                    if bad.count < 5 { bad.append("\(AccRef.hex(i))×\(AccRef.hex(j)): want \(want) got \(String(describing: got))") }
                }
                if want.isFinite && want != 0 {
                    let k = want / AccRef.pow2(reg.lsbExponent)   // exact scaling
                    if k != k.rounded(.towardZero) || k < -top || k >= top {
                        outsideCount += 1
                        if outside.count < 5 { outside.append("\(AccRef.hex(i))×\(AccRef.hex(j)) = \(want)") }
                    }
                }
            }
        }
        #expect(badCount == 0, "\(an) × \(bn): \(badCount) wrong products, e.g. \(bad)")
        #expect(outsideCount == 0, "\(an) × \(bn): \(outsideCount) products outside \(reg), e.g. \(outside)")
    }

    /// My own enumeration: (lsb, W, max |a·b|, min |a·b| > 0) for 2^v terms.
    static func expectedRegister(_ an: String, _ bn: String, v: Int) throws -> (lsb: Int, width: Int, maxAbs: Double, minAbs: Double) {
        let va = try #require(AccRef.values(an)).filter { $0.isFinite && $0 != 0 }
        let vb = try #require(AccRef.values(bn)).filter { $0.isFinite && $0 != 0 }
        var maxAbs = 0.0, minAbs = Double.infinity, lsb = Int.max
        var lo = Double.infinity, hi = -Double.infinity   // signed extremes (zero products included below)
        for x in va {
            for y in vb {
                lo = min(lo, x * y)
                hi = max(hi, x * y)
                let p = abs(x * y)
                maxAbs = max(maxAbs, p)
                minAbs = min(minAbs, p)
                lsb = min(lsb, AccRef.valuation(p))
            }
        }
        let zeroA = try #require(AccRef.values(an)).contains(0), zeroB = try #require(AccRef.values(bn)).contains(0)
        if zeroA || zeroB {
            lo = min(lo, 0)
            hi = max(hi, 0)
        }
        // The derivation's other route: lsb = log2(min|a| · min|b|), a power of two.
        let minA = va.map(abs).min()!, minB = vb.map(abs).min()!
        #expect(AccRef.valuation(minA * minB) == lsb && (minA * minB).significandBitPattern == 0)
        #expect(minAbs == minA * minB)
        // W = the smallest two's-complement width holding 2^v · lo / 2^lsb and 2^v · hi / 2^lsb
        // (Specs/accumulation.md §2.1); max/2^lsb is an integer ≥ 1.
        let units = maxAbs / AccRef.pow2(lsb)
        #expect(units == units.rounded(.towardZero))
        let width = max(AccRef.twosComplementWidth(lo * AccRef.pow2(v - lsb)), AccRef.twosComplementWidth(hi * AccRef.pow2(v - lsb)))
        return (lsb, width, maxAbs, minAbs)
    }

    static func checkDerivation(_ an: String, _ bn: String) throws {
        let fa = try FormatRegistry.named(an), fb = try FormatRegistry.named(bn)
        let derived = KulischDerivation.derive(fa, fb, termsLog2: 0)
        let enumerated = KulischDerivation.enumerate(fa, fb, termsLog2: 0)
        #expect(derived == enumerated, "\(an) × \(bn): derive \(derived) ≠ enumerate \(enumerated)")
        for v in [0, 1, 12] {
            let want = try expectedRegister(an, bn, v: v)
            let d = v == 0 ? derived : KulischDerivation.derive(fa, fb, termsLog2: v)
            #expect(d.termsLog2 == v)
            #expect(d.register.lsbExponent == want.lsb, "\(an) × \(bn) V=\(v): lsb")
            #expect(d.register.width == want.width, "\(an) × \(bn) V=\(v): width \(d.register.width), want \(want.width)")
            #expect(d.register.msbExponent == want.lsb + want.width - 1)
            #expect(d.maxAbsProduct == AccRef.rational(want.maxAbs))
            #expect(d.minAbsProduct == AccRef.rational(want.minAbs))
        }
    }

    @Test("every registered float format of ≤ 8 bits has a reference layout")
    func referenceCoversRegistry() {
        #expect(AccRef.narrowFloatNames.count >= 40)
        for name in AccRef.narrowFloatNames {
            let f = try? FormatRegistry.named(name)
            #expect(AccRef.layouts[name]?.bits == f?.bits, "\(name)")
        }
    }

    @Test("all products of a format with itself are exact and fit the 1-term Kulisch register; derive == enumerate",
          arguments: AccRef.narrowFloatNames)
    func selfProducts(_ name: String) throws {
        try Self.checkAllProducts(name, name)
        try Self.checkDerivation(name, name)
    }

    @Test("mixed and integer pairs: exact products, register containment, derive == enumerate",
          arguments: [("float8_e4m3fn", "float8_e5m2"), ("float8_e5m2", "float8_e4m3fn"), ("int8", "int8"), ("int8", "int4"),
                      ("uint8", "int8"), ("float8_e4m3fn", "int8"), ("fp8_e2m5", "float8_e8m0fnu"), ("uint4", "float4_e2m1fn")])
    func mixedProducts(_ a: String, _ b: String) throws {
        try Self.checkAllProducts(a, b)
        try Self.checkDerivation(a, b)
    }

    /// Every pair of registered formats of ≤ 8 bits (52² pairs): running `enumerate` on all of
    /// them would take minutes, so `derive` is checked against my per-format enumeration instead:
    /// over all products of two code tables, max |a·b| = max |a| · max |b|, min |a·b| > 0 =
    /// min |a| · min |b|, the smallest 2-adic valuation is the sum of the two smallest, and the
    /// most negative and most positive products are among the four products of the extremes.
    @Test("derive for every pair of registered ≤ 8-bit formats, against per-format enumeration")
    func deriveAllPairs() throws {
        let names = FormatRegistry.all.filter { $0.bits <= 8 }.map(\.name)
        #expect(names.count >= 46)
        var facts: [String: (maxAbs: Double, minAbs: Double, val: Int, lo: Double, hi: Double)] = [:]
        for n in names {
            let finite = try #require(AccRef.values(n), "\(n)").filter(\.isFinite)
            let v = finite.filter { $0 != 0 }
            facts[n] = (v.map(abs).max()!, v.map(abs).min()!, v.map(AccRef.valuation).min()!, finite.min()!, finite.max()!)
        }
        var bad: [String] = []
        for an in names {
            for bn in names {
                let a = facts[an]!, b = facts[bn]!
                let lsb = a.val + b.val
                // The signed product range: a·b is bilinear, so its extremes are at the corners.
                let corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
                let scale = AccRef.pow2(12 - lsb)
                let width = max(AccRef.twosComplementWidth(corners.min()! * scale), AccRef.twosComplementWidth(corners.max()! * scale))
                let d = KulischDerivation.derive(try FormatRegistry.named(an), try FormatRegistry.named(bn), termsLog2: 12)
                if d.register != KulischRegister(width: width, lsbExponent: lsb)
                    || d.maxAbsProduct != AccRef.rational(a.maxAbs * b.maxAbs) || d.minAbsProduct != AccRef.rational(a.minAbs * b.minAbs) {
                    bad.append("\(an) × \(bn): \(d.register), want W \(width) lsb \(lsb)")
                }
            }
        }
        #expect(bad.isEmpty, "\(bad.count) pairs, e.g. \(bad.prefix(5))")
    }

    @Test("§1 product rules spelled out: NaN, Inf·0, signs of zeros and infinities")
    func productSpecialRules() throws {
        let e5 = try FormatRegistry.named("float8_e5m2"), e4 = try FormatRegistry.named("float8_e4m3fn")
        func mul(_ a: Int, _ fa: Format, _ b: Int, _ fb: Format) -> Operand { ExactArithmetic.multiply(fa.operand(ofCode: a), fb.operand(ofCode: b)) }
        // e5m2: 0x7C +Inf, 0xFC −Inf, 0x7E NaN, 0x00 +0, 0x80 −0, 0x3C 1, 0xC0 −2. e4m3fn: 0x7F NaN, 0x80 −0.
        #expect(mul(0x7C, e5, 0x00, e5) == .nan)
        #expect(mul(0x80, e5, 0xFC, e5) == .nan)
        #expect(mul(0x7C, e5, 0x80, e4) == .nan)
        #expect(mul(0x7E, e5, 0x3C, e5) == .nan)
        #expect(mul(0x7F, e4, 0x7C, e5) == .nan)           // NaN wins over Inf
        #expect(mul(0x7C, e5, 0xC0, e5) == .infinity(negative: true))
        #expect(mul(0xFC, e5, 0xFC, e5) == .infinity(negative: false))
        #expect(mul(0xFC, e5, 0x01, e4) == .infinity(negative: true))   // Inf × tiny positive
        #expect(mul(0x80, e4, 0x00, e5) == .finite(.zero, negativeZero: true))   // −0 · +0 = −0
        #expect(mul(0x80, e4, 0x80, e5) == .finite(.zero, negativeZero: false))  // −0 · −0 = +0
        #expect(mul(0x00, e4, 0xC0, e5) == .finite(.zero, negativeZero: true))   // +0 · −2 = −0
        #expect(mul(0x3C, e5, 0x38, e4) == .finite(Dyadic(1), negativeZero: false))
        // NaN results of arithmetic are positive
        #expect(ExactArithmetic.multiply(.nan, .finite(Dyadic(1), negativeZero: false)).exactValue == .nan(negative: false))
    }

    @Test("the paper's register widths for 2^12 terms (Specs/accumulation.md §2.1 table)")
    func paperTable() throws {
        let rows: [(String, String, lsb: Int, width: Int)] = [
            ("int8", "int8", 0, 28), ("fp8_e2m5", "fp8_e2m5", -12, 29), ("fp8_e3m4", "fp8_e3m4", -14, 35),
            ("fp8_e4m3", "fp8_e4m3", -20, 49), ("fp8_e5m2", "fp8_e5m2", -34, 79), ("float8_e4m3fn", "float8_e4m3fn", -18, 49),
            ("float8_e5m2", "float8_e5m2", -32, 77), ("float8_e4m3fn", "float8_e5m2", -25, 63),
            ("fp8-e4", "fp8-e4", -20, 49),   // alias
        ]
        for (a, b, lsb, w) in rows {
            let d = KulischDerivation.derive(try FormatRegistry.named(a), try FormatRegistry.named(b), termsLog2: Dot.termsLog2(4096))
            #expect(d.register.width == w, "\(a) × \(b)")
            #expect(d.register.lsbExponent == lsb, "\(a) × \(b)")
            #expect(d.register.msbExponent == lsb + w - 1)
        }
        // The two notes under the table: int8's (−128)² = 2^14 needs 15 magnitude bits, and FP8-E4's
        // product span 2^-20 … 57600 needs 36 magnitude bits + sign = 37 before the 12 carry bits.
        let i8 = try FormatRegistry.named("int8")
        #expect(KulischDerivation.derive(i8, i8, termsLog2: 0).maxAbsProduct == Rational(16384))
        let e4 = try FormatRegistry.named("fp8_e4m3")
        let e4d = KulischDerivation.derive(e4, e4, termsLog2: 0)
        #expect(e4d.register.width == 37)
        #expect(e4d.maxAbsProduct == Rational(57600))
        #expect(e4d.minAbsProduct == Rational(BigInt(1), timesTwoToThe: -20))
    }

    @Test("Dot.termsLog2 is ⌈log2 n⌉ and the width grows with it")
    func termsLog2() throws {
        let cases: [(Int, Int)] = [(0, 0), (1, 0), (2, 1), (3, 2), (4, 2), (5, 3), (4095, 12), (4096, 12), (4097, 13), (1 << 20, 20)]
        for (n, v) in cases { #expect(Dot.termsLog2(n) == v, "n = \(n)") }
        let f = try FormatRegistry.named("float8_e4m3fn")
        #expect(KulischDerivation.derive(f, f, termsLog2: 13).register.width == 50)
        #expect(KulischDerivation.derive(f, f, termsLog2: 0).register.width == 37)
    }

    @Test("changing a format moves the register")
    func widthMoves() throws {
        func reg(_ a: String, _ b: String, v: Int = 12) throws -> KulischRegister {
            KulischDerivation.derive(try FormatRegistry.named(a), try FormatRegistry.named(b), termsLog2: v).register
        }
        // A larger bias halves every value twice over in a product: lsb and msb move down by 2,
        // the span (width) stays. bias=8: min subnormal 2^-10, max 240 → lsb −20, W 49.
        let b8 = try reg("e4m3:bias=8,specials=fnuz", "e4m3:bias=8,specials=fnuz")
        let b9 = try reg("e4m3:bias=9,specials=fnuz", "e4m3:bias=9,specials=fnuz")
        #expect(b8 == KulischRegister(width: 49, lsbExponent: -20))
        #expect(b9 == KulischRegister(width: 49, lsbExponent: -22))
        #expect(b9.msbExponent == b8.msbExponent - 2)
        // e4m3fn vs e5m2: 49 vs 77 bits.
        #expect(try reg("float8_e4m3fn", "float8_e4m3fn").width == 49)
        #expect(try reg("float8_e5m2", "float8_e5m2").width == 77)
        // Specials alone move max: IEEE E4M3 (max 240, product 57600 < 2^16) vs fn (max 448,
        // product 200704 < 2^18): 16 + 18 + 12 + 1 = 47 vs 18 + 18 + 12 + 1 = 49; lsb both −18.
        let ieee = try reg("e4m3:specials=ieee", "e4m3:specials=ieee")
        #expect(ieee == KulischRegister(width: 47, lsbExponent: -18))
        #expect(try reg("e4m3:specials=fn", "e4m3:specials=fn") == KulischRegister(width: 49, lsbExponent: -18))
        // And the enumeration agrees on the parametric spellings too.
        for s in ["e4m3:bias=9,specials=fnuz", "e4m3:specials=ieee", "e3m2:specials=none,bias=5"] {
            let f = try FormatRegistry.named(s)
            #expect(KulischDerivation.derive(f, f, termsLog2: 3) == KulischDerivation.enumerate(f, f, termsLog2: 3), "\(s)")
        }
    }
}

// MARK: - Operations.mul / add / fma against Swift's IEEE arithmetic

@Suite struct AccumulationOperationTests {
    static let e4 = try! FormatRegistry.named("float8_e4m3fn")
    static let e5 = try! FormatRegistry.named("float8_e5m2")
    static let f16 = try! FormatRegistry.named("binary16")
    static let bf16 = try! FormatRegistry.named("bfloat16")
    static let f32 = try! FormatRegistry.named("binary32")
    static let f64 = try! FormatRegistry.named("binary64")
    static let i8 = try! FormatRegistry.named("int8")
    static let ve4 = AccRef.values("float8_e4m3fn")!
    static let ve5 = AccRef.values("float8_e5m2")!
    static let vi8 = AccRef.values("int8")!
    static let positiveNaN32 = 0x7FC0_0000

    /// The expected binary32 code of a Float: positive quiet NaN for any NaN (§1).
    static func code32(_ x: Float) -> Int { x.isNaN ? positiveNaN32 : Int(x.bitPattern) }
    static func code64(_ x: Double) -> Int { x.isNaN ? 0x7FF8_0000_0000_0000 : Int(Int64(bitPattern: x.bitPattern)) }
    static func code16(_ x: Float16) -> Int { x.isNaN ? 0x7E00 : Int(x.bitPattern) }
    static func codeBF(_ x: Float) -> Int { x.isNaN ? 0x7FC0 : Int(x.bitPattern >> 16) }

    @Test("mul: every float8_e4m3fn × float8_e5m2 pair into binary32, binary64 (exact) and binary16 (each mode)")
    func mulExhaustive() throws {
        var bad: [String] = []
        for a in 0 ..< 256 {
            for b in 0 ..< 256 {
                let p = Self.ve4[a] * Self.ve5[b]   // exact, and exact in Float (≤ 7 bits, 2^-25 … 2^25)
                let r32 = try Operations.mul(a, Self.e4, b, Self.e5, into: Self.f32, overflow: .ovfinf).code
                if r32 != Self.code32(Float(p)) { bad.append("f32 \(a)×\(b)") }
                let r64 = try Operations.mul(a, Self.e4, b, Self.e5, into: Self.f64, overflow: .ovfinf).code
                if r64 != Self.code64(p) { bad.append("f64 \(a)×\(b)") }
                for mode in [RoundingMode.rne, .rtz, .rup, .rdown] {
                    let want = AccRef.directed(Float16(Float(p)), exact: p, mode)
                    let got = try Operations.mul(a, Self.e4, b, Self.e5, into: Self.f16, rounding: mode, overflow: .ovfinf).code
                    if got != Self.code16(want) { bad.append("f16 \(mode) \(AccRef.hex(a))×\(AccRef.hex(b)): want \(AccRef.hex(Self.code16(want))) got \(AccRef.hex(got))") }
                }
            }
        }
        #expect(bad.isEmpty, "\(bad.count) mismatches, e.g. \(bad.prefix(5))")
    }

    @Test("mul: int8 × int8 into bfloat16 (14-bit products really round) and float8_e4m3fn × int8 into binary16")
    func mulRoundingMixed() throws {
        var bad: [String] = []
        for a in 0 ..< 256 {
            for b in 0 ..< 256 {
                let p = Float(Self.vi8[a] * Self.vi8[b])   // exact integer ≤ 2^14
                for mode in [RoundingMode.rne, .rtz, .rup, .rdown] {
                    let got = try Operations.mul(a, Self.i8, b, Self.i8, into: Self.bf16, rounding: mode, overflow: .ovfinf).code
                    let want = Self.codeBF(AccRef.bf16(p, mode))
                    if got != want { bad.append("bf16 \(mode) \(Self.vi8[a])×\(Self.vi8[b]): want \(AccRef.hex(want)) got \(AccRef.hex(got))") }
                }
                let q = Self.ve4[a] * Self.vi8[b]   // 12-bit products, exact in Float
                for mode in [RoundingMode.rne, .rtz, .rup, .rdown] {
                    let got = try Operations.mul(a, Self.e4, b, Self.i8, into: Self.f16, rounding: mode, overflow: .ovfinf).code
                    let want = Self.code16(AccRef.directed(Float16(Float(q)), exact: q, mode))
                    if got != want { bad.append("f16 \(mode) \(AccRef.hex(a))×\(Self.vi8[b]): want \(AccRef.hex(want)) got \(AccRef.hex(got))") }
                }
            }
        }
        #expect(bad.isEmpty, "\(bad.count) mismatches, e.g. \(bad.prefix(5))")
        // Spot checks worked by hand: 127·127 = 16129 = 0b11111100000001 → bf16 (8 bits) RNE 16128;
        // rup 16192; −128·127 = −16256 = −127·2^7, exact.
        #expect(try Operations.mul(127, Self.i8, 127, Self.i8, into: Self.bf16).code == 0x467C)   // 16128 = 1.96875·2^13
        #expect(try Operations.mul(127, Self.i8, 127, Self.i8, into: Self.bf16, rounding: .rup).code == 0x467D)
        #expect(try Operations.mul(0x80, Self.i8, 127, Self.i8, into: Self.bf16).code == 0xC67E)
    }

    @Test("mul: overflow policies on Inf products, positive NaNs, int outputs")
    func mulSpecials() throws {
        // +Inf (e5m2 0x7C) × 1 (e4m3fn 0x38): the default policy is saturate → max binary32.
        #expect(try Operations.mul(0x7C, Self.e5, 0x38, Self.e4, into: Self.f32).code == 0x7F7F_FFFF)
        #expect(try Operations.mul(0x7C, Self.e5, 0x38, Self.e4, into: Self.f32, overflow: .ovfinf).code == 0x7F80_0000)
        #expect(try Operations.mul(0x7C, Self.e5, 0xB8, Self.e4, into: Self.f32, overflow: .nonsaturate).code == 0xFF80_0000)
        // Inf · 0 = NaN, always the positive quiet NaN, whatever the operand signs.
        #expect(try Operations.mul(0xFC, Self.e5, 0x00, Self.e4, into: Self.f32).code == Self.positiveNaN32)
        #expect(try Operations.mul(0x7C, Self.e5, 0x80, Self.e4, into: Self.e4).code == 0x7F)
        #expect(try Operations.mul(0x7C, Self.e5, 0x80, Self.e4, into: Self.e5).code == 0x7E)
        // a negative NaN input still gives the positive NaN (float8_e4m3fn output: 0x7F)
        #expect(try Operations.mul(0xFF, Self.e4, 0x38, Self.e4, into: Self.e4).code == 0x7F)
        #expect(try Operations.mul(0xFF, Self.e4, 0xB8, Self.e4, into: Self.f16).code == 0x7E00)
        // −0 · +0 = −0, −0 · −0 = +0
        #expect(try Operations.mul(0x80, Self.e4, 0x00, Self.e5, into: Self.f32).code == 0x8000_0000)
        #expect(try Operations.mul(0x80, Self.e4, 0x80, Self.e5, into: Self.f32).code == 0)
        #expect(try Operations.mul(0x80, Self.e4, 0x00, Self.e5, into: Self.e4).code == 0x80)
        // int8 × int8 into int32: (−128)·(−128) = 16384 = 0x4000; −128·127 = −16256 = 0xFFFFC080
        let i32 = try FormatRegistry.named("int32")
        #expect(try Operations.mul(0x80, Self.i8, 0x80, Self.i8, into: i32).code == 0x4000)
        #expect(try Operations.mul(0x80, Self.i8, 0x7F, Self.i8, into: i32).code == 0xFFFF_C080)
        // NaN into a format without NaN is refused (formats.md §4.1), not a code
        #expect(throws: EncodeError.self) { try Operations.mul(0x7F, Self.e4, 0x38, Self.e4, into: i32) }
    }

    /// §1 zero rule for exactly zero sums of two terms (IEEE 754 §6.3): zeros of one sign keep it;
    /// otherwise +0, except rdown: −0.
    static func expectedZeroSum(_ x: Double, _ y: Double, _ mode: RoundingMode) -> Double {
        if x == 0 && y == 0 && x.sign == y.sign { return x }
        return mode == .rdown ? -0.0 : 0.0
    }

    @Test("add: every float8_e4m3fn + float8_e5m2 pair into binary32 (4 modes), binary64 and binary16")
    func addExhaustive() throws {
        var bad: [String] = []
        for a in 0 ..< 256 {
            for b in 0 ..< 256 {
                let x = Self.ve4[a], y = Self.ve5[b]
                var s = x + y   // exact: spans 2^15.8 … 2^-16, 32 bits
                for mode in [RoundingMode.rne, .rtz, .rup, .rdown] {
                    if s == 0 {
                        s = Self.expectedZeroSum(x, y, mode)
                    }
                    let want = Self.code32(AccRef.directed(Float(s), exact: s, mode))
                    let got = try Operations.add(a, Self.e4, b, Self.e5, into: Self.f32, rounding: mode, overflow: .ovfinf).code
                    if got != want { bad.append("f32 \(mode) \(AccRef.hex(a))+\(AccRef.hex(b)): want \(AccRef.hex(want)) got \(AccRef.hex(got))") }
                }
                s = x + y
                let g64 = try Operations.add(a, Self.e4, b, Self.e5, into: Self.f64, overflow: .ovfinf).code
                if g64 != Self.code64(s) { bad.append("f64 \(a)+\(b)") }
                let g16 = try Operations.add(a, Self.e4, b, Self.e5, into: Self.f16, overflow: .ovfinf).code
                if g16 != Self.code16(AccRef.half(s)) { bad.append("f16 \(AccRef.hex(a))+\(AccRef.hex(b))") }
            }
        }
        #expect(bad.isEmpty, "\(bad.count) mismatches, e.g. \(bad.prefix(5))")
    }

    @Test("add: signed zeros, x − x, Inf − Inf")
    func addSpecials() throws {
        func add(_ a: Int, _ b: Int, _ mode: RoundingMode = .rne) throws -> Int {
            try Operations.add(a, Self.e4, b, Self.e5, into: Self.f32, rounding: mode, overflow: .ovfinf).code
        }
        // e4m3fn: 0x00 +0, 0x80 −0, 0x38 1, 0xB8 −1; e5m2: 0x00 +0, 0x80 −0, 0x3C 1, 0xBC −1, 0x7C +Inf, 0xFC −Inf
        #expect(try add(0x80, 0x80) == 0x8000_0000)            // −0 + −0 = −0
        #expect(try add(0x80, 0x80, .rdown) == 0x8000_0000)
        #expect(try add(0x80, 0x80, .rup) == 0x8000_0000)
        #expect(try add(0x00, 0x80) == 0)                      // +0 + −0 = +0
        #expect(try add(0x80, 0x00, .rtz) == 0)
        #expect(try add(0x00, 0x80, .rdown) == 0x8000_0000)    // … and −0 under rdown
        #expect(try add(0x38, 0xBC) == 0)                      // x − x = +0
        #expect(try add(0xB8, 0x3C, .rup) == 0)
        #expect(try add(0x38, 0xBC, .rdown) == 0x8000_0000)    // … and −0 under rdown
        #expect(try add(0x38, 0x7C) == 0x7F80_0000)
        #expect(try add(0x80, 0xFC) == 0xFF80_0000)
        // Inf − Inf = NaN: a positive NaN, whatever the order
        let infE5 = 0x7C, ninfE5 = 0xFC
        #expect(try Operations.add(infE5, Self.e5, ninfE5, Self.e5, into: Self.f32).code == Self.positiveNaN32)
        #expect(try Operations.add(ninfE5, Self.e5, infE5, Self.e5, into: Self.e5).code == 0x7E)
        // NaN + anything
        #expect(try Operations.add(0xFF, Self.e4, 0x7C, Self.e5, into: Self.f32).code == Self.positiveNaN32)
        // n-term sums through the exact model: all −0 → −0; empty → +0 (rne)
        let nz = ExactArithmetic.sum([.finite(.zero, negativeZero: true), .finite(.zero, negativeZero: true), .finite(.zero, negativeZero: true)])
        #expect(nz == .finite(.zero, negativeZero: true))
        let mixed = ExactArithmetic.sum([.finite(.zero, negativeZero: true), .finite(.zero, negativeZero: false), .finite(.zero, negativeZero: true)])
        #expect(mixed == .finite(.zero, negativeZero: false))
        #expect(ExactArithmetic.sum([]) == .finite(.zero, negativeZero: false))
        let cancel = ExactArithmetic.sum([.finite(Dyadic(3), negativeZero: false), .finite(Dyadic(-1), negativeZero: false),
                                          .finite(Dyadic(-2), negativeZero: false)], rounding: .rdown)
        #expect(cancel == .finite(.zero, negativeZero: true))
        #expect(ExactArithmetic.sum([.infinity(negative: false), .finite(Dyadic(1), negativeZero: false), .infinity(negative: true)]) == .nan)
        #expect(ExactArithmetic.sum([.infinity(negative: true), .finite(Dyadic(1), negativeZero: false)]) == .infinity(negative: true))
        #expect(ExactArithmetic.sum([.infinity(negative: true), .nan]) == .nan)
    }

    /// IEEE 754 §6.3, which Specs/accumulation.md §1 cites for its zero rule: "x + x … ha[s] the
    /// sign of x", so +0 + +0 = +0 in every mode, rdown included; and §1 says an empty sum is +0.
    @Test("zero-sum signs under rdown: IEEE 754 §6.3 and the empty sum")
    func zeroSumSignUnderRdown() throws {
        let code = try Operations.add(0x00, Self.e4, 0x00, Self.e5, into: Self.f32, rounding: .rdown).code
        #expect(code == 0)
        #expect(ExactArithmetic.sum([], rounding: .rdown) == .finite(.zero, negativeZero: false))
        let r = try Dot.compute([], Self.e4, [], Self.e4, model: .exact, output: Self.f32, rounding: .rdown)
        #expect(r.output.code == 0)
    }

    @Test("fma: one rounding — all e4m3fn × e5m2 pairs with a set of binary32 addends, and a seeded sweep")
    func fmaAgainstSwift() throws {
        let addends: [Float] = [-0.0, 1, -0x1p-25, 0x1.000002p0, -.infinity]
        var bad: [String] = []
        for c in addends {
            let cc = Int(c.bitPattern)
            for a in 0 ..< 256 {
                for b in 0 ..< 256 {
                    let want = Float(c).addingProduct(Float(Self.ve4[a]), Float(Self.ve5[b]))   // fmaf: one rounding
                    let got = try Operations.fma(a, Self.e4, b, Self.e5, cc, Self.f32, into: Self.f32, overflow: .ovfinf).code
                    if got != Self.code32(want) { bad.append("\(AccRef.hex(a))×\(AccRef.hex(b))+\(c): want \(AccRef.hex(Self.code32(want))) got \(AccRef.hex(got))") }
                }
            }
        }
        #expect(bad.isEmpty, "\(bad.count) mismatches, e.g. \(bad.prefix(5))")
        // Seeded: random binary32 addends (most near −a·b, so the sum cancels), into binary32 and
        // into binary64 (where a·b + c needs more than 53 bits and Double's fma rounds once).
        var rng = Octet.SplitMix64(seed: 0xACC_F3A)
        bad = []
        for _ in 0 ..< 12_000 {
            let a = Int(rng.next() & 0xFF), b = Int(rng.next() & 0xFF)
            let p = Self.ve4[a] * Self.ve5[b]
            let c: Float
            switch rng.next() % 4 {
            case 0: c = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            case 1: c = p.isFinite ? -Float(p) * (1 + Float(Int(rng.next() % 64) - 32) * 0x1p-23) : 1
            case 2: c = Float(sign: rng.next() & 1 == 0 ? .plus : .minus, exponent: Int(rng.next() % 300) - 150, significand: 1 + Float(rng.next() % 1024) * 0x1p-10)
            default: c = -Float(p)
            }
            let cc = Int(c.bitPattern)
            let w32 = Float(c).addingProduct(Float(Self.ve4[a]), Float(Self.ve5[b]))
            let g32 = try Operations.fma(a, Self.e4, b, Self.e5, cc, Self.f32, into: Self.f32, overflow: .ovfinf).code
            if g32 != Self.code32(w32) { bad.append("f32 \(AccRef.hex(a))×\(AccRef.hex(b))+\(c)") }
            let w64 = Double(c).addingProduct(Self.ve4[a], Self.ve5[b])
            let g64 = try Operations.fma(a, Self.e4, b, Self.e5, cc, Self.f32, into: Self.f64, overflow: .ovfinf).code
            if g64 != Self.code64(w64) { bad.append("f64 \(AccRef.hex(a))×\(AccRef.hex(b))+\(c)") }
        }
        #expect(bad.isEmpty, "\(bad.count) mismatches, e.g. \(bad.prefix(5))")
    }

    @Test("fma: rounding once differs from rounding the product first; signed zeros; Inf·0; Inf − Inf")
    func fmaSpecials() throws {
        // Worked by hand. Into binary16 (ulp(1) = 2^-10): a = 1.875 (e4m3fn 0x3F), b = 2^-11
        // (e5m2 0x10), c = 1 (e5m2 0x3C): 1 + 1.875·2^-11 is above the tie 1 + 2^-11 → 1 + 2^-10 = 0x3C01.
        #expect(try Operations.fma(0x3F, Self.e4, 0x10, Self.e5, 0x3C, Self.e5, into: Self.f16).code == 0x3C01)
        // Into float8_e4m3fn (ulp(1) = 2^-3): a = 1.125 (0x39), b = 2^-4 (e5m2 0x2C), c = 1 (0x38):
        // 1 + 0.0703125 is above the tie 1.0625 → 1.125 = 0x39.
        #expect(try Operations.fma(0x39, Self.e4, 0x2C, Self.e5, 0x38, Self.e4, into: Self.e4).code == 0x39)
        // One rounding, not two: a·b = 2^-9 · 2^-16 = 2^-25 (e4m3fn 0x01 × e5m2 0x01), c = 3·2^-24
        // (binary16 0x0003). Exact 3.5·2^-24, a tie between 3·2^-24 and 4·2^-24 → even 4·2^-24 = 0x0004.
        // Rounding the product first would give 2^-25 → 0 (tie to even) and then 0x0003.
        #expect(try Operations.fma(0x01, Self.e4, 0x01, Self.e5, 0x0003, Self.f16, into: Self.f16).code == 0x0004)
        #expect(try Operations.mul(0x01, Self.e4, 0x01, Self.e5, into: Self.f16).code == 0x0000)
        // Signed zeros: −0·+0 + −0 = −0; −0·+0 + +0 = +0; 1·x − x = +0 (rne) / −0 (rdown).
        #expect(try Operations.fma(0x80, Self.e4, 0x00, Self.e5, 0x80, Self.e4, into: Self.f32).code == 0x8000_0000)
        #expect(try Operations.fma(0x80, Self.e4, 0x00, Self.e5, 0x00, Self.e4, into: Self.f32).code == 0)
        #expect(try Operations.fma(0x38, Self.e4, 0x40, Self.e5, 0xC0, Self.e4, into: Self.f32).code == 0)          // 1·2 − 2
        #expect(try Operations.fma(0x38, Self.e4, 0x40, Self.e5, 0xC0, Self.e4, into: Self.f32, rounding: .rdown).code == 0x8000_0000)
        // Inf·0 + 1 = NaN; Inf·1 + (−Inf) = NaN; NaN + Inf = NaN; (−Inf)·2 + 5 = −Inf
        #expect(try Operations.fma(0x7C, Self.e5, 0x00, Self.e4, 0x38, Self.e4, into: Self.f32).code == Self.positiveNaN32)
        #expect(try Operations.fma(0x7C, Self.e5, 0x38, Self.e4, 0xFC, Self.e5, into: Self.f32).code == Self.positiveNaN32)
        #expect(try Operations.fma(0xFC, Self.e5, 0x40, Self.e4, 0x7C, Self.e5, into: Self.f32, overflow: .ovfinf).code == Self.positiveNaN32)
        #expect(try Operations.fma(0xFC, Self.e5, 0x40, Self.e4, 0x52, Self.e4, into: Self.f32, overflow: .ovfinf).code == 0xFF80_0000)
    }
}

// Format facts, typed in by hand from the sourced reference (`../shared/reference/formats.md`
// §3.1–3.4, plus the P3109 v4.0 family rules of §3.2 and the paper formats of Specs/formats.md
// §2.2), NOT generated from the registry. Every registered format has one row; the tests compare
// each row with `Format.facts` and with `FormatRegistry.named`. The last part checks the bit-exact
// vectors of reference §8 under the Octet options that reproduce each library (Specs §6).
//
// Everything here is `private` so that it cannot collide with other files of the test target.

import Testing
@testable import Octet
import OctetExact

// MARK: - Exact literals, written independently of OctetExact's parser

/// An exact value written as text: `448`, `-0.015625`, `2^-9`, `1.5*2^31`, `-1.75*2^15`, `253/128`.
private func exact(_ text: String) -> Rational {
    var s = Substring(text)
    var negative = false
    if s.first == "-" { negative = true; s = s.dropFirst() }
    let r: Rational
    if let star = s.firstIndex(of: "*") {
        let tail = s[s.index(after: star)...]
        precondition(tail.hasPrefix("2^"), "bad literal \(text)")
        r = decimal(s[..<star]) * pow2(Int(tail.dropFirst(2))!)
    } else if s.hasPrefix("2^") {
        r = pow2(Int(s.dropFirst(2))!)
    } else if let slash = s.firstIndex(of: "/") {
        r = Rational(numerator: BigInt(String(s[..<slash]))!, denominator: BigInt(String(s[s.index(after: slash)...]))!)!
    } else {
        r = decimal(s)
    }
    return negative ? -r : r
}

/// `D[.D][eN]`, exactly.
private func decimal(_ text: Substring) -> Rational {
    var s = text
    var scale = Rational(1)
    if let e = s.firstIndex(of: "e") {
        let n = Int(s[s.index(after: e)...])!
        let p = Rational(BigInt.power(10, abs(n)))
        scale = n >= 0 ? p : Rational(numerator: BigInt(1), denominator: BigInt.power(10, -n))!
        s = s[..<e]
    }
    let parts = s.split(separator: ".", omittingEmptySubsequences: false)
    let fraction = parts.count > 1 ? String(parts[1]) : ""
    let digits = String(parts[0]) + fraction
    return Rational(numerator: BigInt(digits)!, denominator: BigInt.power(10, fraction.count))! * scale
}

private func pow2(_ e: Int) -> Rational { Rational(BigInt(1), timesTwoToThe: e) }

/// The exact value of a float32, read from its bits here (not through OctetExact's IEEE decoder).
private func f32(_ x: Float) -> ExactValue {
    precondition(x.isFinite && x != 0)
    let bits = x.bitPattern
    let e = Int((bits >> 23) & 0xFF), frac = Int(bits & 0x7F_FFFF)
    let significand = e == 0 ? frac : frac | 0x80_0000
    let r = Rational(BigInt(significand), timesTwoToThe: (e == 0 ? 1 : e) - 127 - 23)
    return .number(bits >> 31 == 1 ? -r : r)
}

/// The exact value of a float64, read from its bits.
private func f64(_ x: Double) -> ExactValue {
    precondition(x.isFinite && x != 0)
    let bits = x.bitPattern
    let e = Int((bits >> 52) & 0x7FF), frac = Int(bits & 0xF_FFFF_FFFF_FFFF)
    let significand = e == 0 ? frac : frac | (1 << 52)
    let r = Rational(BigInt(significand), timesTwoToThe: (e == 0 ? 1 : e) - 1023 - 52)
    return .number(bits >> 63 == 1 ? -r : r)
}

/// `inf`, `-inf`, `nan`, `-nan`, `0`, `-0`, or an `exact` literal.
private func value(_ text: String) -> ExactValue {
    switch text {
    case "inf": return .infinity(negative: false)
    case "-inf": return .infinity(negative: true)
    case "nan": return .nan(negative: false)
    case "-nan": return .nan(negative: true)
    case "0": return .zero(negative: false)
    case "-0": return .zero(negative: true)
    default: return .number(exact(text))
    }
}

// MARK: - The table

private struct FactRow: Sendable, CustomTestStringConvertible {
    let name: String
    /// Other spellings confirmed by the reference (ml_dtypes / MLIR / gfloat / ONNX type names,
    /// matched case-insensitively), plus the paper aliases of Specs §2.2.
    let aliases: [String]
    let bits: Int
    let signBits: Int
    let exponentBits: Int?
    let mantissaBits: Int?
    let bias: Int?
    let inf: [Int]
    let nan: [Int]
    let negativeZero: Bool
    let max: String
    let minFinite: String
    let minNormal: String?
    let minSubnormal: String?

    var testDescription: String { name }
}

private func float(_ name: String, _ aliases: [String] = [], bits: Int, s: Int, e: Int, m: Int, bias: Int,
                   inf: [Int] = [], nan: [Int], negZero: Bool, max: String, minFinite: String? = nil,
                   minNormal: String, minSub: String?) -> FactRow {
    FactRow(name: name, aliases: aliases, bits: bits, signBits: s, exponentBits: e, mantissaBits: m, bias: bias,
            inf: inf, nan: nan, negativeZero: negZero, max: max,
            minFinite: minFinite ?? (s == 1 ? "-" + max : "0"), minNormal: minNormal, minSubnormal: minSub)
}

private func integer(_ name: String, _ aliases: [String] = [], bits: Int, signed: Bool, min: String, max: String) -> FactRow {
    FactRow(name: name, aliases: aliases, bits: bits, signBits: signed ? 1 : 0, exponentBits: nil, mantissaBits: nil,
            bias: nil, inf: [], nan: [], negativeZero: false, max: max, minFinite: min, minNormal: nil, minSubnormal: nil)
}

private let facts: [FactRow] = [
    // §3.1 fixed formats.
    float("float8_e4m3fn", ["ocp_e4m3", "f8E4M3FN", "FLOAT8E4M3FN"], bits: 8, s: 1, e: 4, m: 3, bias: 7,
          nan: [0x7F, 0xFF], negZero: true, max: "448", minNormal: "0.015625", minSub: "2^-9"),
    float("float8_e5m2", ["ocp_e5m2", "f8E5M2", "FLOAT8E5M2"], bits: 8, s: 1, e: 5, m: 2, bias: 15,
          inf: [0x7C, 0xFC], nan: [0x7D, 0x7E, 0x7F, 0xFD, 0xFE, 0xFF], negZero: true,
          max: "57344", minNormal: "2^-14", minSub: "2^-16"),
    float("float8_e4m3fnuz", ["f8E4M3FNUZ", "FLOAT8E4M3FNUZ"], bits: 8, s: 1, e: 4, m: 3, bias: 8,
          nan: [0x80], negZero: false, max: "240", minNormal: "2^-7", minSub: "2^-10"),
    float("float8_e5m2fnuz", ["f8E5M2FNUZ", "FLOAT8E5M2FNUZ"], bits: 8, s: 1, e: 5, m: 2, bias: 16,
          nan: [0x80], negZero: false, max: "57344", minNormal: "2^-15", minSub: "2^-17"),
    float("float8_e4m3b11fnuz", ["float8_e4m3b11", "f8E4M3B11FNUZ"], bits: 8, s: 1, e: 4, m: 3, bias: 11,
          nan: [0x80], negZero: false, max: "30", minNormal: "2^-10", minSub: "2^-13"),
    float("float8_e4m3", ["f8E4M3"], bits: 8, s: 1, e: 4, m: 3, bias: 7,
          inf: [0x78, 0xF8], nan: Array(0x79...0x7F) + Array(0xF9...0xFF), negZero: true,
          max: "240", minNormal: "2^-6", minSub: "2^-9"),
    float("float8_e3m4", ["f8E3M4"], bits: 8, s: 1, e: 3, m: 4, bias: 3,
          inf: [0x70, 0xF0], nan: Array(0x71...0x7F) + Array(0xF1...0xFF), negZero: true,
          max: "15.5", minNormal: "0.25", minSub: "2^-6"),
    // E8M0: unsigned, no zero, no subnormals; the smallest value 2^-127 (0x00) is also the "min normal".
    float("float8_e8m0fnu", ["f8E8M0FNU", "ocp_e8m0", "FLOAT8E8M0"], bits: 8, s: 0, e: 8, m: 0, bias: 127,
          nan: [0xFF], negZero: false, max: "2^127", minFinite: "2^-127", minNormal: "2^-127", minSub: nil),
    float("float6_e2m3fn", ["f6E2M3FN", "ocp_e2m3"], bits: 6, s: 1, e: 2, m: 3, bias: 1,
          nan: [], negZero: true, max: "7.5", minNormal: "1", minSub: "0.125"),
    float("float6_e3m2fn", ["f6E3M2FN", "ocp_e3m2"], bits: 6, s: 1, e: 3, m: 2, bias: 3,
          nan: [], negZero: true, max: "28", minNormal: "0.25", minSub: "0.0625"),
    float("float4_e2m1fn", ["f4E2M1FN", "ocp_e2m1", "FLOAT4E2M1"], bits: 4, s: 1, e: 2, m: 1, bias: 1,
          nan: [], negZero: true, max: "6", minNormal: "1", minSub: "0.5"),
    // Scale formats (issue 13). UE4M3: CUTLASS float_ue4m3_t, "Range: [0:448]", NaN = exponent and
    // mantissa all ones; UE5M3: ml_dtypes 0.7.0 finfo(float8_e5m3fnu).max = 114688, tiny 2^-14,
    // smallest_subnormal 2^-17; E1M2: en_dtypes 0.0.4 finfo(float4_e1m2).max = 1.75, tiny 1, 0.25.
    float("float8_ue4m3", ["ue4m3", "float_ue4m3"], bits: 7, s: 0, e: 4, m: 3, bias: 7,
          nan: [0x7F], negZero: false, max: "448", minNormal: "2^-6", minSub: "2^-9"),
    float("float8_e5m3fnu", ["ue5m3", "e5m3fnu"], bits: 8, s: 0, e: 5, m: 3, bias: 15,
          nan: [0xFF], negZero: false, max: "114688", minNormal: "2^-14", minSub: "2^-17"),
    float("float4_e1m2", ["e1m2", "float4_e1m2fn"], bits: 4, s: 1, e: 1, m: 2, bias: 1,
          nan: [], negZero: true, max: "1.75", minNormal: "1", minSub: "0.25"),
    // HiF8 (arXiv:2409.16626 §2): tapered, so no single exponent/mantissa width or bias. Max = exponent
    // +15 with mantissa 0; ±Inf = exponent +15 with mantissa 1; NaN at the -0 code; the smallest
    // normal 2^-15 (D = 4, exponent −15), the smallest denormal 2^(1−23).
    FactRow(name: "hifloat8", aliases: ["hif8"], bits: 8, signBits: 1, exponentBits: nil, mantissaBits: nil, bias: nil,
            inf: [0x6F, 0xEF], nan: [0x80], negativeZero: false, max: "2^15", minFinite: "-2^15",
            minNormal: "2^-15", minSubnormal: "2^-22"),

    // §3.2 P3109 v4.0, K = 8. Signed: E = 8-P, M = P-1, bias 2^(7-P), NaN 0x80, Extended ±Inf 0x7F/0xFF.
    float("binary8p1se", ["Binary8p1se"], bits: 8, s: 1, e: 7, m: 0, bias: 64, inf: [0x7F, 0xFF], nan: [0x80],
          negZero: false, max: "2^62", minNormal: "2^-63", minSub: nil),
    float("binary8p1sf", ["Binary8p1sf"], bits: 8, s: 1, e: 7, m: 0, bias: 64, nan: [0x80],
          negZero: false, max: "2^63", minNormal: "2^-63", minSub: nil),
    float("binary8p2se", ["Binary8p2se"], bits: 8, s: 1, e: 6, m: 1, bias: 32, inf: [0x7F, 0xFF], nan: [0x80],
          negZero: false, max: "2^31", minNormal: "2^-31", minSub: "2^-32"),
    float("binary8p2sf", ["Binary8p2sf"], bits: 8, s: 1, e: 6, m: 1, bias: 32, nan: [0x80],
          negZero: false, max: "1.5*2^31", minNormal: "2^-31", minSub: "2^-32"),
    float("binary8p3se", ["Binary8p3se"], bits: 8, s: 1, e: 5, m: 2, bias: 16, inf: [0x7F, 0xFF], nan: [0x80],
          negZero: false, max: "49152", minNormal: "2^-15", minSub: "2^-17"),
    float("binary8p3sf", ["Binary8p3sf"], bits: 8, s: 1, e: 5, m: 2, bias: 16, nan: [0x80],
          negZero: false, max: "57344", minNormal: "2^-15", minSub: "2^-17"),
    float("binary8p4se", ["Binary8p4se"], bits: 8, s: 1, e: 4, m: 3, bias: 8, inf: [0x7F, 0xFF], nan: [0x80],
          negZero: false, max: "224", minNormal: "2^-7", minSub: "2^-10"),
    float("binary8p4sf", ["Binary8p4sf"], bits: 8, s: 1, e: 4, m: 3, bias: 8, nan: [0x80],
          negZero: false, max: "240", minNormal: "2^-7", minSub: "2^-10"),
    float("binary8p5se", ["Binary8p5se"], bits: 8, s: 1, e: 3, m: 4, bias: 4, inf: [0x7F, 0xFF], nan: [0x80],
          negZero: false, max: "15", minNormal: "2^-3", minSub: "2^-7"),
    float("binary8p5sf", ["Binary8p5sf"], bits: 8, s: 1, e: 3, m: 4, bias: 4, nan: [0x80],
          negZero: false, max: "15.5", minNormal: "2^-3", minSub: "2^-7"),
    float("binary8p6se", ["Binary8p6se"], bits: 8, s: 1, e: 2, m: 5, bias: 2, inf: [0x7F, 0xFF], nan: [0x80],
          negZero: false, max: "3.875", minNormal: "0.5", minSub: "2^-6"),
    float("binary8p6sf", ["Binary8p6sf"], bits: 8, s: 1, e: 2, m: 5, bias: 2, nan: [0x80],
          negZero: false, max: "3.9375", minNormal: "0.5", minSub: "2^-6"),
    float("binary8p7se", ["Binary8p7se"], bits: 8, s: 1, e: 1, m: 6, bias: 1, inf: [0x7F, 0xFF], nan: [0x80],
          negZero: false, max: "1.96875", minNormal: "1", minSub: "2^-6"),
    float("binary8p7sf", ["Binary8p7sf"], bits: 8, s: 1, e: 1, m: 6, bias: 1, nan: [0x80],
          negZero: false, max: "1.984375", minNormal: "1", minSub: "2^-6"),

    // Unsigned: E = 9-P, M = P-1, bias 2^(8-P), NaN 0xFF, Extended +Inf 0xFE.
    float("binary8p1ue", ["Binary8p1ue"], bits: 8, s: 0, e: 8, m: 0, bias: 128, inf: [0xFE], nan: [0xFF],
          negZero: false, max: "2^125", minNormal: "2^-127", minSub: nil),
    float("binary8p1uf", ["Binary8p1uf"], bits: 8, s: 0, e: 8, m: 0, bias: 128, nan: [0xFF],
          negZero: false, max: "2^126", minNormal: "2^-127", minSub: nil),
    float("binary8p2ue", ["Binary8p2ue"], bits: 8, s: 0, e: 7, m: 1, bias: 64, inf: [0xFE], nan: [0xFF],
          negZero: false, max: "1.5*2^62", minNormal: "2^-63", minSub: "2^-64"),
    float("binary8p2uf", ["Binary8p2uf"], bits: 8, s: 0, e: 7, m: 1, bias: 64, nan: [0xFF],
          negZero: false, max: "2^63", minNormal: "2^-63", minSub: "2^-64"),
    float("binary8p3ue", ["Binary8p3ue"], bits: 8, s: 0, e: 6, m: 2, bias: 32, inf: [0xFE], nan: [0xFF],
          negZero: false, max: "1.25*2^31", minNormal: "2^-31", minSub: "2^-33"),
    float("binary8p3uf", ["Binary8p3uf"], bits: 8, s: 0, e: 6, m: 2, bias: 32, nan: [0xFF],
          negZero: false, max: "1.5*2^31", minNormal: "2^-31", minSub: "2^-33"),
    float("binary8p4ue", ["Binary8p4ue"], bits: 8, s: 0, e: 5, m: 3, bias: 16, inf: [0xFE], nan: [0xFF],
          negZero: false, max: "53248", minNormal: "2^-15", minSub: "2^-18"),
    float("binary8p4uf", ["Binary8p4uf"], bits: 8, s: 0, e: 5, m: 3, bias: 16, nan: [0xFF],
          negZero: false, max: "57344", minNormal: "2^-15", minSub: "2^-18"),
    float("binary8p5ue", ["Binary8p5ue"], bits: 8, s: 0, e: 4, m: 4, bias: 8, inf: [0xFE], nan: [0xFF],
          negZero: false, max: "232", minNormal: "2^-7", minSub: "2^-11"),
    float("binary8p5uf", ["Binary8p5uf"], bits: 8, s: 0, e: 4, m: 4, bias: 8, nan: [0xFF],
          negZero: false, max: "240", minNormal: "2^-7", minSub: "2^-11"),
    float("binary8p6ue", ["Binary8p6ue"], bits: 8, s: 0, e: 3, m: 5, bias: 4, inf: [0xFE], nan: [0xFF],
          negZero: false, max: "15.25", minNormal: "2^-3", minSub: "2^-8"),
    float("binary8p6uf", ["Binary8p6uf"], bits: 8, s: 0, e: 3, m: 5, bias: 4, nan: [0xFF],
          negZero: false, max: "15.5", minNormal: "2^-3", minSub: "2^-8"),
    float("binary8p7ue", ["Binary8p7ue"], bits: 8, s: 0, e: 2, m: 6, bias: 2, inf: [0xFE], nan: [0xFF],
          negZero: false, max: "3.90625", minNormal: "0.5", minSub: "2^-7"),
    float("binary8p7uf", ["Binary8p7uf"], bits: 8, s: 0, e: 2, m: 6, bias: 2, nan: [0xFF],
          negZero: false, max: "3.9375", minNormal: "0.5", minSub: "2^-7"),
    // binary8p8ue is not in the reference table; derived by hand from the v4.0 rules (§3.2):
    // K = 8, P = 8 unsigned → E = 1, M = 7, bias 2^(8-8) = 1; NaN 0xFF, +Inf 0xFE, so the largest
    // finite code is 0xFD = 1.1111101b: exponent field 1 → 2^0 · (1 + 125/128) = 253/128 = 1.9765625.
    // Min normal 2^(1-1) = 1; min subnormal 2^(1-1-7) = 2^-7.
    float("binary8p8ue", ["Binary8p8ue"], bits: 8, s: 0, e: 1, m: 7, bias: 1, inf: [0xFE], nan: [0xFF],
          negZero: false, max: "253/128", minNormal: "1", minSub: "2^-7"),
    float("binary8p8uf", ["Binary8p8uf"], bits: 8, s: 0, e: 1, m: 7, bias: 1, nan: [0xFF],
          negZero: false, max: "1.984375", minNormal: "1", minSub: "2^-7"),
    // P3109 F4.
    float("binary4p2sf", ["Binary4p2sf"], bits: 4, s: 1, e: 2, m: 1, bias: 2, nan: [0x8],
          negZero: false, max: "3", minNormal: "0.5", minSub: "0.25"),

    // §3.4 / Specs §2.2: van Baalen et al. 2023 FP8-E2…E5: 1 + E + (7-E) bits, bias 2^(E-1),
    // subnormals, +0 only, 0x80 the single NaN, no Inf. Max = 0x7F = 2^(2^E-1-bias)·(2-2^-M).
    float("fp8_e2m5", ["fp8-e2", "FP8-E2"], bits: 8, s: 1, e: 2, m: 5, bias: 2, nan: [0x80],
          negZero: false, max: "3.9375", minNormal: "0.5", minSub: "2^-6"),
    float("fp8_e3m4", ["fp8-e3", "FP8-E3"], bits: 8, s: 1, e: 3, m: 4, bias: 4, nan: [0x80],
          negZero: false, max: "15.5", minNormal: "0.125", minSub: "2^-7"),
    float("fp8_e4m3", ["fp8-e4", "FP8-E4"], bits: 8, s: 1, e: 4, m: 3, bias: 8, nan: [0x80],
          negZero: false, max: "240", minNormal: "2^-7", minSub: "2^-10"),
    float("fp8_e5m2", ["fp8-e5", "FP8-E5"], bits: 8, s: 1, e: 5, m: 2, bias: 16, nan: [0x80],
          negZero: false, max: "57344", minNormal: "2^-15", minSub: "2^-17"),

    // §3.3 integers (ONNX INT8/UINT8/INT4/UINT4/INT2/UINT2 type names, ml_dtypes int4/uint4/int2/uint2).
    integer("int8", ["INT8"], bits: 8, signed: true, min: "-128", max: "127"),
    integer("uint8", ["UINT8"], bits: 8, signed: false, min: "0", max: "255"),
    integer("int4", ["INT4"], bits: 4, signed: true, min: "-8", max: "7"),
    integer("uint4", ["UINT4"], bits: 4, signed: false, min: "0", max: "15"),
    integer("int2", ["INT2"], bits: 2, signed: true, min: "-2", max: "1"),
    integer("uint2", ["UINT2"], bits: 2, signed: false, min: "0", max: "3"),
]

// MARK: - Facts

@Suite struct FormatFactsTests {
    @Test func everyRegisteredFormatHasARowAndViceVersa() {
        let registered = FormatRegistry.all.map(\.name)
        #expect(registered.count == facts.count)
        #expect(Set(registered).count == registered.count, "duplicate registered names")
        #expect(Set(registered) == Set(facts.map(\.name)))
    }

    @Test(arguments: facts)
    private func factsMatchTheReference(_ row: FactRow) throws {
        let f = try FormatRegistry.named(row.name)
        #expect(f.name == row.name)
        let facts = f.facts
        #expect(facts.name == row.name)
        #expect(facts.aliases == f.aliases)
        #expect(f.bits == row.bits)
        #expect(facts.bits == row.bits)
        #expect(f.codeCount == 1 << row.bits)
        #expect(facts.signBits == row.signBits)
        #expect(facts.exponentBits == row.exponentBits)
        #expect(facts.mantissaBits == row.mantissaBits)
        if let e = row.exponentBits, let m = row.mantissaBits {
            #expect(row.signBits + e + m == row.bits, "table row is inconsistent")
        }
        #expect(facts.bias == row.bias)
        #expect(facts.infinityCodes == row.inf)
        #expect(facts.nanCodes == row.nan)
        #expect(facts.hasNegativeZero == row.negativeZero)
        #expect(facts.maxFinite == ExactValue(exact(row.max)))
        #expect(facts.minFinite == ExactValue(exact(row.minFinite)))
        #expect(facts.minNormal == row.minNormal.map { ExactValue(exact($0)) })
        #expect(facts.minSubnormal == row.minSubnormal.map { ExactValue(exact($0)) })
        #expect(!facts.spec.isEmpty)
    }

    /// The special codes decode to what the row says, and -0 sits at the sign bit where it exists.
    @Test(arguments: facts)
    private func specialCodesDecode(_ row: FactRow) throws {
        let f = try FormatRegistry.named(row.name)
        for c in row.nan { #expect(try f.decode(c).isNaN, "code \(c)") }
        for c in row.inf {
            let negative = row.signBits == 1 && c >= 1 << (row.bits - 1)
            #expect(try f.decode(c) == .infinity(negative: negative), "code \(c)")
        }
        if row.signBits == 1 && row.exponentBits != nil {
            // The sign bit alone is -0 where the format has it, else the single NaN (FNUZ, P3109 signed).
            let signCode = 1 << (row.bits - 1)
            if row.negativeZero {
                #expect(try f.decode(signCode) == .zero(negative: true))
            } else {
                #expect(row.nan == [signCode])
                #expect(try f.decode(signCode).isNaN)
            }
        }
        // The largest finite value is decoded from exactly one positive code, and no finite code exceeds it.
        let max = ExactValue(exact(row.max))
        var hits = 0
        for c in f.codes {
            let v = f.value(ofCode: c)
            guard let r = v.rational else { continue }
            #expect(r <= exact(row.max) && exact(row.minFinite) <= r, "code \(c) = \(v) is outside the range")
            if v == max { hits += 1 }
        }
        #expect(hits == 1)
        #expect(throws: CodeRangeError.self) { try f.decode(1 << row.bits) }
        #expect(throws: CodeRangeError.self) { try f.decode(-1) }
    }

    @Test(arguments: facts)
    private func namesAndAliasesResolve(_ row: FactRow) throws {
        let f = try FormatRegistry.named(row.name)
        #expect(try FormatRegistry.named(row.name.uppercased()).name == row.name)
        let registeredAliases = Set(f.aliases.map { $0.lowercased() })
        for alias in row.aliases {
            #expect(try FormatRegistry.named(alias).name == row.name, "alias \(alias)")
            if alias.lowercased() != row.name.lowercased() {
                #expect(registeredAliases.contains(alias.lowercased()), "\(alias) is not listed among the aliases of \(row.name)")
            }
        }
    }

    /// Reference §3.1 / §3.4 / D8: formats with the same value set and encoding have the same layout;
    /// Specs §2.3: parametric spellings name the registered layouts.
    @Test(arguments: [
        ("float8_e4m3fnuz", "binary8p4sf"), ("float8_e5m2fnuz", "binary8p3sf"),
        ("fp8_e2m5", "binary8p6sf"), ("fp8_e3m4", "binary8p5sf"), ("fp8_e4m3", "float8_e4m3fnuz"),
        ("fp8_e5m2", "float8_e5m2fnuz"),
        ("e4m3:specials=fn", "float8_e4m3fn"), ("e5m2", "float8_e5m2"), ("e4m3", "float8_e4m3"),
        ("e3m4", "float8_e3m4"), ("e8m0:unsigned,nosubnormals,bias=127,specials=nan-top", "float8_e8m0fnu"),
        ("e4m3:bias=8,specials=fnuz", "fp8_e4m3"), ("e2m1:specials=none", "float4_e2m1fn"),
        ("e4m3:bias=8,specials=p3109e", "binary8p4se"), ("e5m3:unsigned,bias=16,specials=inf-nan-top", "binary8p4ue"),
    ])
    func sameLayout(_ a: String, _ b: String) throws {
        #expect(try FormatRegistry.named(a).kind == FormatRegistry.named(b).kind)
    }

    @Test func unknownNamesAreRefused() {
        for name in ["float8_e4m3fnx", "binary8p4", "fp8-e6", "int", "e4m3fnuzz", ""] {
            #expect(throws: FormatError.self, "\(name)") { try FormatRegistry.named(name) }
        }
    }
}

// MARK: - Bit-exact vectors (reference §8) under the matching Octet options

private struct Vector: Sendable, CustomTestStringConvertible {
    let format: String
    let label: String
    let input: ExactValue
    let rounding: RoundingMode
    let overflow: OverflowPolicy
    let code: Int
    var testDescription: String { "\(format) \(label) --rounding \(rounding.rawValue) --overflow \(overflow.rawValue) → 0x\(String(code, radix: 16, uppercase: true))" }
}

private func vec(_ format: String, _ input: String, _ code: Int, _ rounding: RoundingMode = .rne,
                 _ overflows: [OverflowPolicy] = [.saturate, .nonsaturate]) -> [Vector] {
    overflows.map { Vector(format: format, label: input, input: value(input), rounding: rounding, overflow: $0, code: code) }
}

/// A float32 input (reference §8: "Inputs are float32 unless noted").
private func vec32(_ format: String, _ x: Float, _ code: Int, _ rounding: RoundingMode = .rne,
                   _ overflows: [OverflowPolicy] = [.saturate, .nonsaturate]) -> [Vector] {
    overflows.map { Vector(format: format, label: "f32(\(x))", input: f32(x), rounding: rounding, overflow: $0, code: code) }
}

private let vectors: [Vector] = {
    var v: [Vector] = []
    // E4M3FN: ml_dtypes = nonsaturate, ONNX saturate=1 = saturate.
    let e4 = "float8_e4m3fn"
    v += vec32(e4, 464.0, 0x7E)
    v += vec32(e4, 464.1, 0x7F, .rne, [.nonsaturate]) + vec32(e4, 464.1, 0x7E, .rne, [.saturate])
    v += vec32(e4, 1e6, 0x7F, .rne, [.nonsaturate]) + vec32(e4, 1e6, 0x7E, .rne, [.saturate])
    v += vec(e4, "inf", 0x7F, .rne, [.nonsaturate]) + vec(e4, "inf", 0x7E, .rne, [.saturate])
    v += vec(e4, "-inf", 0xFF, .rne, [.nonsaturate]) + vec(e4, "-inf", 0xFE, .rne, [.saturate])
    v += vec(e4, "nan", 0x7F) + vec(e4, "-nan", 0xFF) + vec(e4, "-0", 0x80)
    v += vec(e4, "1.5", 0x3C) + vec(e4, "3", 0x44) + vec(e4, "-1", 0xB8)
    v += vec(e4, "2^-10", 0x00) + vec(e4, "0.75*2^-9", 0x01)

    // E5M2: the RNE tie at 61440 overflows (0x7B has the odd mantissa 11).
    let e5 = "float8_e5m2"
    v += vec(e5, "61439", 0x7B)
    v += vec(e5, "61440", 0x7C, .rne, [.nonsaturate]) + vec(e5, "61440", 0x7B, .rne, [.saturate])
    v += vec(e5, "nan", 0x7E)
    v += vec(e5, "inf", 0x7C, .rne, [.nonsaturate, .propagate]) + vec(e5, "inf", 0x7B, .rne, [.saturate])
    v += vec(e5, "1.5", 0x3E) + vec(e5, "3", 0x42)

    // E4M3FNUZ.
    let fnuz4 = "float8_e4m3fnuz"
    v += vec(fnuz4, "1.5", 0x44) + vec(fnuz4, "3", 0x4C) + vec(fnuz4, "-1", 0xC0) + vec(fnuz4, "-0", 0x00)
    v += vec(fnuz4, "nan", 0x80) + vec(fnuz4, "-nan", 0x80)
    for x in ["inf", "-inf", "1e6", "-1e6"] { v += vec(fnuz4, x, 0x80, .rne, [.nonsaturate]) }
    v += vec(fnuz4, "inf", 0x7F, .rne, [.saturate]) + vec(fnuz4, "-inf", 0xFF, .rne, [.saturate])

    // E5M2FNUZ.
    let fnuz5 = "float8_e5m2fnuz"
    v += vec(fnuz5, "1.5", 0x42) + vec(fnuz5, "3", 0x46) + vec(fnuz5, "-1", 0xC0)
    v += vec(fnuz5, "1e6", 0x7F, .rne, [.saturate])

    // E8M0: ml_dtypes = rna + nonsaturate (ties away); saturate gives 2^-127 for 0 and negatives.
    let e8 = "float8_e8m0fnu"
    v += vec(e8, "1.5", 0x80, .rna) + vec(e8, "3", 0x81, .rna) + vec(e8, "1e6", 0x93, .rna)
    v += vec32(e8, 1e-30, 0x1B, .rna)                       // 2^-100
    v += vec32(e8, 1.2 * 0x1p127, 0xFE, .rna)               // 2^127
    v += vec(e8, "0", 0xFF, .rna, [.nonsaturate]) + vec(e8, "-1", 0xFF, .rna, [.nonsaturate])
    v += vec(e8, "0", 0x00, .rna, [.saturate]) + vec(e8, "-1", 0x00, .rna, [.saturate])
    // gfloat / P3109 rne: ties to the even code (exponent field 128 for 2, 130 for 8).
    v += vec(e8, "3", 0x80, .rne) + vec(e8, "6", 0x82, .rne) + vec(e8, "12", 0x82, .rne) + vec(e8, "1.5", 0x80, .rne)
    // CUDA / ONNX round up and down.
    v += vec(e8, "1e6", 0x93, .rup) + vec(e8, "1.5", 0x80, .rup)
    v += vec(e8, "1e6", 0x92, .rdown) + vec(e8, "1.5", 0x7F, .rdown)

    // FP4 E2M1, saturating (no Inf or NaN, so nonsaturate also gives ±max).
    let fp4 = "float4_e2m1fn"
    v += vec32(fp4, 6.9, 0x7) + vec(fp4, "7", 0x7) + vec32(fp4, 7.1, 0x7) + vec(fp4, "24", 0x7) + vec(fp4, "inf", 0x7)
    v += vec(fp4, "-inf", 0xF) + vec(fp4, "1.5", 0x3) + vec(fp4, "3", 0x5) + vec(fp4, "0.25", 0x0) + vec(fp4, "0.375", 0x1)

    // FP6 maxima.
    v += vec("float6_e2m3fn", "7.5", 0x1F) + vec("float6_e3m2fn", "28", 0x1F)

    // P3109 (gfloat, and v4 §3.1): ovfinf is v4 SatNone.
    v += vec("binary8p4se", "232", 0x7E, .rne, [.ovfinf, .saturate, .nonsaturate])
    v += vec32("binary8p4se", 232.1, 0x7F, .rne, [.ovfinf])
    v += vec("binary8p4se", "2", 0x48)
    v += vec("binary8p4sf", "1e6", 0x7F, .rne, [.ovfinf, .saturate]) + vec("binary8p4sf", "1e6", 0x80, .rne, [.nonsaturate])

    // Integers: Octet rounds (rne) and saturates under every policy. (ml_dtypes instead truncates and
    // wraps — reference §4.4/D12 — which Octet deliberately does not reproduce.)
    v += vec("int4", "1.5", 0x2) + vec("int4", "-1.5", 0xE) + vec("int4", "2.5", 0x2)
    v += vec32("int4", 7.6, 0x7) + vec("int4", "8", 0x7) + vec("int4", "17", 0x7)
    v += vec("uint4", "300", 0xF) + vec("uint4", "-200", 0x0)
    return v
}()

extension FormatFactsTests {
    @Suite struct ReferenceVectors {
        @Test(arguments: vectors)
        private func vector(_ t: Vector) throws {
            let f = try FormatRegistry.named(t.format)
            let got = try f.encode(t.input, rounding: t.rounding, overflow: t.overflow)
            #expect(got.code == t.code, "got 0x\(String(got.code, radix: 16, uppercase: true))")
        }

        @Test func fp6MaximaDecode() throws {
            #expect(try FormatRegistry.named("float6_e2m3fn").decode(0x1F) == value("7.5"))
            #expect(try FormatRegistry.named("float6_e3m2fn").decode(0x1F) == value("28"))
            #expect(try FormatRegistry.named("float4_e2m1fn").decode(0x7) == value("6"))
            #expect(try FormatRegistry.named("binary8p4se").decode(0x48) == value("2"))
        }

        /// Formats without NaN refuse NaN (Specs §4.1), whatever the sign and policy.
        @Test(arguments: ["float4_e2m1fn", "float6_e2m3fn", "float6_e3m2fn", "int8", "uint4"])
        func nanIsRefusedWithoutANaNCode(_ name: String) throws {
            let f = try FormatRegistry.named(name)
            for x in [value("nan"), value("-nan")] {
                for p in OverflowPolicy.allCases {
                    #expect(throws: EncodeError.self) { try f.encode(x, rounding: .rne, overflow: p) }
                }
            }
        }

        /// ml_dtypes double rounding (reference §7, PR #401; D7): float64 −431.99999999999994 is just
        /// above −432, the midpoint of −416 and −448 in E4M3FN (binade 2^8, step 32). One rounding gives
        /// −416 = −1.625·2^8: sign 1, exponent field 8+7 = 15 = 1111b, mantissa 0.625·8 = 5 = 101b →
        /// 1 1111 101b = 0xFD. Rounding first to float32 gives exactly −432, a tie that goes to the even
        /// mantissa 110b, −448 = 0xFE, which is what the ml_dtypes array path returns.
        @Test func doubleRoundingExample() throws {
            let x = (-432.0).nextUp
            #expect(x == -431.99999999999994)
            let hex = String(x.bitPattern, radix: 16, uppercase: true)
            #expect(hex == "C07AFFFFFFFFFFFF")
            let parsed = try ValueParser.parse("f64:" + hex)
            #expect(parsed == f64(x))
            let e4 = try FormatRegistry.named("float8_e4m3fn")
            #expect(try e4.decode(0xFD) == value("-416"))
            #expect(try e4.decode(0xFE) == value("-448"))
            for p in [OverflowPolicy.nonsaturate, .saturate] {
                #expect(try e4.encode(parsed, rounding: .rne, overflow: p).code == 0xFD)
                // The float32 intermediate (what ml_dtypes NumPy casts do) ties to −448.
                #expect(try e4.encode(f32(Float(x)), rounding: .rne, overflow: p).code == 0xFE)
            }
        }
    }
}

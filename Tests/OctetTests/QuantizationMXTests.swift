// OCP MX block quantization (`MXQuantizer`): shared-exponent rules, saturation of block maxima,
// special blocks, MXINT8, and the block dot product, checked against `Specs/mx.md` and
// `../shared/reference/formats.md` §4.2 / D11 / D13, `verification.md` §11.3 (pytorch/ao#436,
// microsoft/microxcaling#4). Every expected scale and element code is derived by hand in the
// comments (element codes from the bit layouts: E4M3FN s.eeee.mmm bias 7, E5M2 s.eeeee.mm bias 15,
// E2M3 s.ee.mmm bias 1, E3M2 s.eee.mm bias 3, E2M1 s.ee.m bias 1, MXINT8 k/64 two's complement).
//
// Everything here is `private` so that it cannot collide with other files of the test target.

import Testing
@testable import Octet
import OctetExact

private func fmt(_ name: String) -> Format { try! FormatRegistry.named(name) }
private func val(_ text: String) -> ExactValue { try! ValueParser.parse(text) }
private func rat(_ text: String) -> Rational { val(text).rational! }
private func p2(_ k: Int) -> Rational { Rational(BigInt(1), timesTwoToThe: k) }
private let below = Rational.one - p2(-20)        // 1 − 2^-20
private let above = Rational.one + p2(-20)        // 1 + 2^-20

private func mx(_ element: String, _ rule: MXScaleRule = .floor, rounding: RoundingMode = .rne, blockSize: Int = 2,
                symmetricInt8: Bool = false) -> MXQuantizer {
    try! MXQuantizer(element: fmt(element), rule: rule, rounding: rounding, blockSize: blockSize, symmetricInt8: symmetricInt8)
}

/// The code of −v given the code of v: the sign bit for the float elements, two's complement for
/// MXINT8 (by hand, not through the library).
private func negated(_ code: Int, _ element: String) -> Int {
    switch element {
    case "int8": return (256 - code) & 0xFF
    case "float6_e2m3fn", "float6_e3m2fn": return code | 0x20
    case "float4_e2m1fn": return code | 0x8
    default: return code | 0x80
    }
}

/// The element maxima, typed in from the format tables (reference §3.1).
private let elementMax: [String: Rational] = [
    "float8_e4m3fn": Rational(448), "float8_e5m2": Rational(57344), "float6_e2m3fn": rat("7.5"),
    "float6_e3m2fn": Rational(28), "float4_e2m1fn": Rational(6), "int8": Rational(BigInt(127), timesTwoToThe: -6),
]

enum QuantizationMXWhere: String, CaseIterable { case on, below, above }

/// One row: block [a, −a] with a = 2^k · base · {1, 1 − 2^-20, 1 + 2^-20}. `e0` is the shared
/// exponent for k = 0 (every rule takes exact logarithms, so e(k) = e0 + k), `code` the element code
/// of +a, `neg` the code of −a where it is not simply the negation of `code`.
struct QuantizationMXRow: Sendable, CustomTestStringConvertible {
    let element: String
    let rule: MXScaleRule
    let atMax: Bool            // base = the element max instead of 1
    let position: QuantizationMXWhere
    let e0: Int
    let code: Int
    var neg: Int? = nil
    var testDescription: String { "\(element) \(rule) \(atMax ? "max" : "1")·\(position)" }
}

/// Blocks whose maximum is 2^k exactly, just below, and just above it.
///
/// Derivation (k = 0; floor: floor(log2 a) − emax; ceil: ceil(log2 a) − emax; rceil: ceil(log2(a/max));
/// even: floor(log2 rne_P(a)) − emax, and rne_P(1 ± 2^-20) = 1 for every P ≤ 8):
/// - rceil: max = 2^emax · m with 1 < m < 2, so a/max ∈ (2^(−emax−1), 2^−emax) for all three a → −emax.
/// - "below" under floor: e = −1 − emax, so a/2^e = 2^(emax+1)(1 − 2^-20), which rounds to
///   2^(emax+1) > max and saturates to ±max (the clipping of ao#436).
/// - "above" under ceil: e = 1 − emax, and a/2^e = 2^(emax−1)(1 + 2^-20) rounds to 2^(emax−1).
/// Element codes: 2^emax is E4M3 2^8 → e-field 15 → 0x78; E5M2 2^15 → e-field 30 → 0x78; E2M3 4 →
/// e-field 3 → 0x18; E3M2 16 → e-field 7 → 0x1C; E2M1 4 → e-field 3 → 0x6; MXINT8 1 → 64 = 0x40.
/// 2^(emax−1): E4M3 128 → 0x70; E5M2 2^14 → 0x74; E2M3 2 → 0x10; E3M2 8 → 0x18; E2M1 2 → 0x4;
/// MXINT8 1/2 → 32 = 0x20. ±max: E4M3 0x7E, E5M2 0x7B, E2M3 0x1F, E3M2 0x1F, E2M1 0x7, MXINT8 0x7F
/// (127/64) — but −a = −2(1 − 2^-20) gives −127.99… → −128 = 0x80, which MXINT8 allows (−2.0).
private let powerOfTwoRows: [QuantizationMXRow] = {
    var rows: [QuantizationMXRow] = []
    let table: [(String, Int, Int, Int, Int)] = [
        // element, emax, code(2^emax), code(max), code(2^(emax−1))
        ("float8_e4m3fn", 8, 0x78, 0x7E, 0x70),
        ("float8_e5m2", 15, 0x78, 0x7B, 0x74),
        ("float6_e2m3fn", 2, 0x18, 0x1F, 0x10),
        ("float6_e3m2fn", 4, 0x1C, 0x1F, 0x18),
        ("float4_e2m1fn", 2, 0x6, 0x7, 0x4),
        ("int8", 0, 0x40, 0x7F, 0x20),
    ]
    for (el, emax, top, mx, half) in table {
        for rule in MXScaleRule.allCases {
            rows.append(QuantizationMXRow(element: el, rule: rule, atMax: false, position: .on, e0: -emax, code: top))
        }
        rows.append(QuantizationMXRow(element: el, rule: .floor, atMax: false, position: .below, e0: -1 - emax, code: mx,
                        neg: el == "int8" ? 0x80 : nil))
        for rule in [MXScaleRule.ceil, .rceil, .even] {
            rows.append(QuantizationMXRow(element: el, rule: rule, atMax: false, position: .below, e0: -emax, code: top))
        }
        rows.append(QuantizationMXRow(element: el, rule: .floor, atMax: false, position: .above, e0: -emax, code: top))
        rows.append(QuantizationMXRow(element: el, rule: .ceil, atMax: false, position: .above, e0: 1 - emax, code: half))
        rows.append(QuantizationMXRow(element: el, rule: .rceil, atMax: false, position: .above, e0: -emax, code: top))
        rows.append(QuantizationMXRow(element: el, rule: .even, atMax: false, position: .above, e0: -emax, code: top))
    }
    return rows
}()

/// RCEIL around the element max: a = max·2^k exactly → e = k; max·(1 − 2^-20) → e = k (a/max < 1,
/// log2 ∈ (−1, 0)), element rounds back up to max; max·(1 + 2^-20) → e = k + 1, element
/// max/2·(1 + 2^-20) rounds to max/2: E4M3 224 = 1.75·2^7 → 0 1110 110 = 0x76; E5M2 28672 =
/// 1.75·2^14 → 0 11101 11 = 0x77; E2M3 3.75 = 1.875·2 → 0 10 111 = 0x17; E3M2 14 = 1.75·8 →
/// 0 110 11 = 0x1B; E2M1 3 = 1.5·2 → 0 10 1 = 0x5; MXINT8 63.5(1 + 2^-20) → 64 = 0x40.
private let rceilMaxRows: [QuantizationMXRow] = {
    let table: [(String, Int, Int)] = [
        ("float8_e4m3fn", 0x7E, 0x76), ("float8_e5m2", 0x7B, 0x77), ("float6_e2m3fn", 0x1F, 0x17),
        ("float6_e3m2fn", 0x1F, 0x1B), ("float4_e2m1fn", 0x7, 0x5), ("int8", 0x7F, 0x40),
    ]
    return table.flatMap { el, mx, half in [
        QuantizationMXRow(element: el, rule: .rceil, atMax: true, position: .on, e0: 0, code: mx),
        QuantizationMXRow(element: el, rule: .rceil, atMax: true, position: .below, e0: 0, code: mx),
        QuantizationMXRow(element: el, rule: .rceil, atMax: true, position: .above, e0: 1, code: half),
    ] }
}()

@Suite("Quantization MX: shared exponents")
struct QuantizationMXScaleTests {
    @Test("block max on, just below and just above a power of two", arguments: powerOfTwoRows + rceilMaxRows)
    func boundaries(row: QuantizationMXRow) throws {
        let q = mx(row.element, row.rule)
        for k in [0, 5, -3] {
            let base = row.atMax ? elementMax[row.element]! : Rational.one
            let factor: Rational = row.position == .on ? .one : row.position == .below ? below : above
            let a = base * factor * p2(k)
            let b = try q.quantize([ExactValue(a), ExactValue(-a)])
            #expect(b.scaleCode == row.e0 + k + 127, "k = \(k)")
            #expect(q.sharedExponent(amax: a) == row.e0 + k, "k = \(k)")
            #expect(b.elements == [row.code, row.neg ?? negated(row.code, row.element)], "k = \(k)")
        }
    }

    @Test("the spec's FP4 example: amax 7.99 under floor saturates, under rceil it does not")
    func specExample() throws {
        // floor: e = floor(log2 7.99) − 2 = 0 → 0x7F; 7.99 → rounds to 8 > 6 → 6 = 0x7.
        #expect(try mx("float4_e2m1fn", .floor).quantize([val("7.99"), val("0")]) == MXBlock(scaleCode: 0x7F, elements: [0x7, 0x0]))
        // rceil: e = ceil(log2(7.99/6)) = 1 → 0x80; 3.995 → 4 (spacing 1 in [2, 4)) = 0 11 0 = 0x6.
        #expect(try mx("float4_e2m1fn", .rceil).quantize([val("7.99"), val("0")]) == MXBlock(scaleCode: 0x80, elements: [0x6, 0x0]))
    }

    @Test("EVEN rounds amax to the element precision first")
    func evenRule() throws {
        // E4M3 (P = 4), amax 1.9375 = 1 + 15/16: in [1, 2) the P = 4 spacing is 1/8; tie between 1.875
        // (t = 15, odd) and 2 → 2 → even: e = 1 − 8 = −7 → 0x78; element 1.9375·128 = 248: tie
        // between 240 (m = 7) and 256 → 256 = 0x78.
        #expect(try mx("float8_e4m3fn", .even).quantize([val("1.9375"), val("0")]).scaleCode == 0x78)
        #expect(try mx("float8_e4m3fn", .even).quantize([val("1.9375"), val("0")]).elements == [0x78, 0x00])
        // floor: e = −8 → 0x77; 1.9375·256 = 496 → rounds to 512 > 448 → 0x7E.
        #expect(try mx("float8_e4m3fn", .floor).quantize([val("1.9375"), val("0")]) == MXBlock(scaleCode: 0x77, elements: [0x7E, 0x00]))
        // ceil: e = 1 − 8 = −7 → 0x78; rceil: ceil(log2(1.9375/448)) = ceil(−7.85) = −7 → 0x78.
        #expect(try mx("float8_e4m3fn", .ceil).quantize([val("1.9375"), val("0")]).scaleCode == 0x78)
        #expect(try mx("float8_e4m3fn", .rceil).quantize([val("1.9375"), val("0")]).scaleCode == 0x78)
        // amax 1.9: rne_4(1.9) = 1.875 (1.9 − 1.875 = 0.025 < 1/16) → e = −8 → 0x77; 1.9·256 = 486.4
        // → 480 (nearer than 512) > 448 → saturates: EVEN does not avoid every clip.
        #expect(try mx("float8_e4m3fn", .even).quantize([val("1.9"), val("0")]) == MXBlock(scaleCode: 0x77, elements: [0x7E, 0x00]))
        // E2M1 (P = 2), amax 1.75: spacing 1/2 in [1, 2), tie 1.5 (t = 3, odd) / 2 → 2 → e = 1 − 2 = −1
        // → 0x7E; element 3.5: tie 3 (m = 1) / 4 → 4 = 0x6. floor: e = −2 → 0x7D, 7 → tie 6/8 → 8 → 6 = 0x7.
        #expect(try mx("float4_e2m1fn", .even).quantize([val("1.75"), val("0")]) == MXBlock(scaleCode: 0x7E, elements: [0x6, 0x0]))
        #expect(try mx("float4_e2m1fn", .floor).quantize([val("1.75"), val("0")]) == MXBlock(scaleCode: 0x7D, elements: [0x7, 0x0]))
        // E2M1 amax 1.7 → rne_2 = 1.5 → e = −2 → 0x7D; 6.8 → 6 (spacing 2 in [4, 8)) = 0x7.
        #expect(try mx("float4_e2m1fn", .even).quantize([val("1.7"), val("0")]) == MXBlock(scaleCode: 0x7D, elements: [0x7, 0x0]))
        // MXINT8 (7 magnitude bits), amax 2 − 2^-8: spacing 2^-6 in [1, 2), nearer 2 → e = 1 → 0x80;
        // element (2 − 2^-8)/2·64 = 63.875 → 64 = 0x40. floor: e = 0 → 127.75 → 128 → 127 = 0x7F.
        let a = ExactValue(Rational(2) - p2(-8))
        #expect(try mx("int8", .even).quantize([a, val("0")]) == MXBlock(scaleCode: 0x80, elements: [0x40, 0x00]))
        #expect(try mx("int8", .floor).quantize([a, val("0")]) == MXBlock(scaleCode: 0x7F, elements: [0x7F, 0x00]))
    }

    @Test("RCEIL vs OCP ceil (ao#2035): amax 150 with E4M3")
    func rceilVsCeil() throws {
        // E4M3: rceil e = ceil(log2(150/448)) = ceil(−1.58) = −1 → 126 = 0x7E; ceil: ceil(log2 150) − 8
        // = 8 − 8 = 0 → 127 = 0x7F (the reference's "126 under RCEIL vs 127 under OCP-ceil").
        // Elements: 150·2 = 300 → spacing 32 in [256, 512): 288 vs 320, 300 nearer 288 = 0 1111 001
        // = 0x79; 150 → spacing 16 in [128, 256): 144 vs 160, 150 nearer 144 = 0 1110 001 = 0x71.
        #expect(try mx("float8_e4m3fn", .rceil).quantize([val("150"), val("-1")]) == MXBlock(scaleCode: 0x7E, elements: [0x79, 0xC0]))
        #expect(try mx("float8_e4m3fn", .ceil).quantize([val("150"), val("-1")]) == MXBlock(scaleCode: 0x7F, elements: [0x71, 0xB8]))
        // (−1·2 = −2 = 1 1000 000 = 0xC0; −1 = 1 0111 000 = 0xB8.)
    }

    @Test("the exponent range: e > 127 gives the NaN scale, e < −127 clamps to −127")
    func exponentRange() throws {
        let e4 = mx("float8_e4m3fn")
        // 2^135: e = 135 − 8 = 127 → 0xFE, element 2^8 = 0x78; 2^136: e = 128 → NaN scale, codes 0.
        #expect(try e4.quantize([ExactValue(p2(135)), val("0")]) == MXBlock(scaleCode: 0xFE, elements: [0x78, 0x00]))
        #expect(try e4.quantize([ExactValue(p2(136)), val("1")]) == MXBlock(scaleCode: 0xFF, elements: [0, 0]))
        #expect(e4.sharedExponent(amax: p2(136)) == nil)
        #expect(e4.sharedExponent(amax: p2(1000)) == nil)
        // ceil: 2^135(1 + 2^-20) → ceil(log2) = 136 → 128 → NaN scale; rceil: 448·2^127 → 127 (0xFE,
        // element 448 = 0x7E); 448·2^127·(1 + 2^-20) → 128 → NaN.
        #expect(try mx("float8_e4m3fn", .ceil).quantize([ExactValue(p2(135) * above), val("0")]).scaleCode == 0xFF)
        #expect(try mx("float8_e4m3fn", .rceil).quantize([ExactValue(Rational(448) * p2(127)), val("0")]) == MXBlock(scaleCode: 0xFE, elements: [0x7E, 0x00]))
        #expect(try mx("float8_e4m3fn", .rceil).quantize([ExactValue(Rational(448) * p2(127) * above), val("0")]).scaleCode == 0xFF)
        // E2M1 (emax 2): 2^129 → 127; 2^130 → NaN.
        #expect(try mx("float4_e2m1fn").quantize([ExactValue(p2(129)), val("0")]).scaleCode == 0xFE)
        #expect(try mx("float4_e2m1fn").quantize([ExactValue(p2(130)), val("0")]).scaleCode == 0xFF)
        // A NaN scale decodes every element to NaN.
        #expect(e4.value(scaleCode: 0xFF, element: 0x38).isNaN)
        #expect(e4.value(scaleCode: 0xFF, element: 0x00).isNaN)

        let e5 = mx("float8_e5m2")
        // E5M2 (emax 15): 2^-112 → e = −127 exactly → 0x00, element 2^15 = 0x78.
        #expect(try e5.quantize([ExactValue(p2(-112)), val("0")]) == MXBlock(scaleCode: 0x00, elements: [0x78, 0x00]))
        // 2^-113 → e = −128 → clamped to −127; element 2^-113/2^-127 = 2^14 = 0 11101 00 = 0x74.
        #expect(try e5.quantize([ExactValue(p2(-113)), val("0")]) == MXBlock(scaleCode: 0x00, elements: [0x74, 0x00]))
        // 2^-130 → e = −145 → −127; element 2^-3 = 0 01100 00 = 0x30; −2^-131 → −2^-4 = 1 01011 00 = 0xAC.
        #expect(try e5.quantize([ExactValue(p2(-130)), ExactValue(-p2(-131))]) == MXBlock(scaleCode: 0x00, elements: [0x30, 0xAC]))
        #expect(e5.sharedExponent(amax: p2(-130)) == -127)
        // E4M3: 2^-140 → −127; 2^-13 is below half the smallest subnormal 2^-9 → +0.
        #expect(try e4.quantize([ExactValue(p2(-140)), val("0")]) == MXBlock(scaleCode: 0x00, elements: [0x00, 0x00]))
        // Decoding: 0x00 is 2^-127; 0x30 under it is 2^-3·2^-127 = 2^-130.
        #expect(e5.value(scaleCode: 0x00, element: 0x30) == ExactValue(p2(-130)))
    }
}

@Suite("Quantization MX: blocks")
struct QuantizationMXBlockTests {
    @Test("clipping under floor: ao#436 (E5M2, 127.9999) and microxcaling#4 (E4M3, 957 → 896)")
    func clipping() throws {
        // ao#436: floor(log2 127.9999) = 6 → e = 6 − 15 = −9 → code 118 = 0x76. 127.9999·2^9 =
        // 65535.9488: spacing 2^13 in [2^15, 2^16) → rounds to 2^16 > 57344 → saturates to 57344 =
        // 0 11110 11 = 0x7B (−: 0xFB). Decoded: 57344·2^-9 = 112.
        let e5 = mx("float8_e5m2")
        let b = try e5.quantize([val("127.9999"), val("-127.9999")])
        #expect(b == MXBlock(scaleCode: 0x76, elements: [0x7B, 0xFB]))
        #expect(e5.value(scaleCode: b.scaleCode, element: b.elements[0]) == val("112"))
        // rceil: ceil(log2(127.9999/57344)) = ceil(−8.807) = −8 → 0x77; 127.9999·256 = 32767.97 →
        // spacing 4096 in [16384, 32768) → 32768 = 2^15 = 0x78 → decodes to 128.
        let r = try mx("float8_e5m2", .rceil).quantize([val("127.9999"), val("0")])
        #expect(r == MXBlock(scaleCode: 0x77, elements: [0x78, 0x00]))
        #expect(mx("float8_e5m2", .rceil).value(scaleCode: 0x77, element: 0x78) == val("128"))

        // microxcaling#4: floor(log2 957) = 9 → e = 9 − 8 = 1 → 0x80. 957/2 = 478.5: spacing 32 in
        // [256, 512), between 448 (m = 6) and 480 (m = 7), nearer 480 > 448 → saturates to 448 = 0x7E.
        // Decoded: 2·448 = 896. The second element 1/2 = 0.5 = 0 0110 000 = 0x30.
        let e4 = mx("float8_e4m3fn")
        let c = try e4.quantize([val("957"), val("1")])
        #expect(c == MXBlock(scaleCode: 0x80, elements: [0x7E, 0x30]))
        #expect(e4.value(scaleCode: 0x80, element: 0x7E) == val("896"))
        // rceil: ceil(log2(957/448)) = ceil(1.095) = 2 → 0x81; 957/4 = 239.25 → spacing 16 in [128, 256)
        // → 240 = 0 1110 111 = 0x77 → decodes to 960; 1/4 = 0 0101 000 = 0x28.
        #expect(try mx("float8_e4m3fn", .rceil).quantize([val("957"), val("1")]) == MXBlock(scaleCode: 0x81, elements: [0x77, 0x28]))
        #expect(e4.value(scaleCode: 0x81, element: 0x77) == val("960"))
        // even: rne_4(957) = 960 (spacing 64 in [512, 1024)) → floor log2 = 9 → same as floor.
        #expect(try mx("float8_e4m3fn", .even).quantize([val("957"), val("1")]) == MXBlock(scaleCode: 0x80, elements: [0x7E, 0x30]))
        // ceil: ceil(log2 957) − 8 = 2 → same as rceil here.
        #expect(try mx("float8_e4m3fn", .ceil).quantize([val("957"), val("1")]) == MXBlock(scaleCode: 0x81, elements: [0x77, 0x28]))
    }

    @Test("all-zero blocks get e = −127 (0x00)")
    func allZero() throws {
        // Element zeros keep their sign where the element has −0: E4M3 −0 = 0x80, E2M1 −0 = 0x8.
        #expect(try mx("float8_e4m3fn").quantize([val("0"), val("-0")]) == MXBlock(scaleCode: 0x00, elements: [0x00, 0x80]))
        #expect(try mx("float4_e2m1fn").quantize([val("-0"), val("0")]) == MXBlock(scaleCode: 0x00, elements: [0x8, 0x0]))
        #expect(try mx("int8").quantize([val("0"), val("-0")]) == MXBlock(scaleCode: 0x00, elements: [0x00, 0x00]))
        for rule in MXScaleRule.allCases {
            #expect(mx("float8_e5m2", rule).sharedExponent(amax: .zero) == -127)
            #expect(try mx("float6_e3m2fn", rule).quantize([val("0"), val("0")]).scaleCode == 0x00)
        }
        #expect(mx("float8_e4m3fn").value(scaleCode: 0x00, element: 0x00) == val("0"))
    }

    @Test("a block with NaN or ±Inf gets the NaN scale 0xFF and element codes 0")
    func nanAndInf() throws {
        for el in ["float8_e4m3fn", "float8_e5m2", "float6_e2m3fn", "float6_e3m2fn", "float4_e2m1fn", "int8"] {
            for rule in MXScaleRule.allCases {
                let q = mx(el, rule)
                for bad in ["nan", "-nan", "inf", "-inf"] {
                    #expect(try q.quantize([val("1"), val(bad)]) == MXBlock(scaleCode: 0xFF, elements: [0, 0]), "\(el) \(rule) \(bad)")
                    #expect(try q.quantize([val(bad), val("0")]) == MXBlock(scaleCode: 0xFF, elements: [0, 0]), "\(el) \(rule) \(bad)")
                }
            }
        }
    }

    @Test("MXINT8: −2.0 (0x80) is allowed; symmetricInt8 clamps to −127/64 (D11)")
    func mxint8() throws {
        // Block [−(2 − 2^-10), 1/2, 2 − 2^-10, −1/64] under floor: amax < 2 → e = 0 → 0x7F.
        // −(2 − 2^-10)·64 = −127.9375 → −128 = 0x80 (−2.0); with symmetricInt8 → −127 = 0x81.
        // (1/2)·64 = 32 = 0x20; +127.9375 → 128 → 127 = 0x7F; −1/64 → −1 = 0xFF.
        let a = Rational(2) - p2(-10)
        let block = [ExactValue(-a), val("0.5"), ExactValue(a), val("-0.015625")]
        let gf = mx("int8", blockSize: 4)
        #expect(try gf.quantize(block) == MXBlock(scaleCode: 0x7F, elements: [0x80, 0x20, 0x7F, 0xFF]))
        #expect(gf.value(scaleCode: 0x7F, element: 0x80) == val("-2"))
        #expect(gf.value(scaleCode: 0x80, element: 0x81) == val("-3.96875"))     // −127/64 · 2
        let ms = mx("int8", blockSize: 4, symmetricInt8: true)
        #expect(try ms.quantize(block) == MXBlock(scaleCode: 0x7F, elements: [0x81, 0x20, 0x7F, 0xFF]))
        // Rounding of elements: 1.5/64 → 1.5 → 2 (rne) = 0x02; 2.5/64 → 2 (rne) = 0x02, rna → 3.
        let small = [val("1"), val("0.0234375"), val("0.0390625"), val("0")]
        #expect(try gf.quantize(small).elements == [0x40, 0x02, 0x02, 0x00])
        #expect(try mx("int8", rounding: .rna, blockSize: 4).quantize(small).elements == [0x40, 0x02, 0x03, 0x00])
        // The MX integer element must be int8.
        #expect(throws: QuantizerError.self) { try MXQuantizer(element: fmt("int4")) }
        #expect(throws: QuantizerError.self) { try MXQuantizer(element: fmt("uint8")) }
    }

    @Test("element rounding: rne vs microxcaling's default half-away (D13)")
    func elementRounding() throws {
        // E2M1 [4, 1.25]: e = 2 − 2 = 0 → 0x7F; 4 = 0x6; 1.25: tie between 1.0 (m = 0) and 1.5 →
        // rne 1.0 = 0 01 0 = 0x2, rna 1.5 = 0x3.
        #expect(try mx("float4_e2m1fn").quantize([val("4"), val("1.25")]) == MXBlock(scaleCode: 0x7F, elements: [0x6, 0x2]))
        #expect(try mx("float4_e2m1fn", rounding: .rna).quantize([val("4"), val("1.25")]) == MXBlock(scaleCode: 0x7F, elements: [0x6, 0x3]))
        // rtz: 1.75 → 1.5 = 0x3 (rne gives 2 = 0x4).
        #expect(try mx("float4_e2m1fn", rounding: .rtz).quantize([val("4"), val("1.75")]).elements == [0x6, 0x3])
        #expect(try mx("float4_e2m1fn").quantize([val("4"), val("1.75")]).elements == [0x6, 0x4])
    }

    @Test("a default 32-element block")
    func fullBlock() throws {
        // Values 1…32 into E4M3 under floor: amax 32 → e = 5 − 8 = −3 → 124 = 0x7C; elements v·8.
        let q = try MXQuantizer(element: fmt("float8_e4m3fn"))
        #expect(q.blockSize == 32)
        let b = try q.quantize((1 ... 32).map { ExactValue(Rational($0)) })
        #expect(b.scaleCode == 0x7C)
        #expect(b.elements.count == 32)
        // 1 → 8 = 0 1010 000 = 0x50; 3 → 24 = 1.5·16 = 0 1011 100 = 0x5C; 17 → 136: tie between 128
        // (m = 0) and 144 → 128 = 0x70; 31 → 248: tie between 240 (m = 7) and 256 → 256 = 0x78;
        // 32 → 256 = 0x78.
        #expect(b.elements[0] == 0x50)
        #expect(b.elements[2] == 0x5C)
        #expect(b.elements[16] == 0x70)
        #expect(b.elements[30] == 0x78)
        #expect(b.elements[31] == 0x78)
        // Wrong sizes are refused.
        #expect(throws: QuantizerError.self) { try q.quantize([val("1")]) }
        #expect(throws: QuantizerError.self) { try MXQuantizer(element: fmt("float8_e4m3fn"), blockSize: 0) }
        #expect(throws: QuantizerError.self) { try MXQuantizer(element: fmt("float8_e4m3fn"), rounding: .sr) }
    }
}

@Suite("Quantization MX: dot product")
struct QuantizationMXDotTests {
    // A: X = 2^9 (0x88), [8 (0 1010 000 = 0x50), 2^-9 (0x01), 2^-9 (0x01)]
    // B: X = 2^9 (0x88), [16 (0 1011 000 = 0x58), 2^-8 (0x02), 2^-9 (0x01)]
    // Σ = 128 + 2^-17 + 2^-18 = 128 + 3·2^-18; × 2^18 = 2^25 + 3 = 33554435 (exact).
    // binary32 spacing at 2^25 is 4: 2^25 + 3 → 2^25 + 4 (one rounding) = 0x4C000001.
    // (Summing in binary32 from the big product would give 2^25: 2^25 + 2 ties to 2^25, + 1 lost.)
    static let a = MXBlock(scaleCode: 0x88, elements: [0x50, 0x01, 0x01])
    static let b = MXBlock(scaleCode: 0x88, elements: [0x58, 0x02, 0x01])

    @Test("exact value and one rounding into binary32")
    func oneRounding() throws {
        let q = mx("float8_e4m3fn", blockSize: 3)
        #expect(q.exactDot(Self.a, Self.b) == val("33554435"))
        #expect(try q.dot(Self.a, Self.b, output: fmt("binary32")).code == 0x4C00_0001)
        // Directed: rtz and rdown → 2^25 = 0x4C000000; rup → 0x4C000001.
        #expect(try q.dot(Self.a, Self.b, output: fmt("binary32"), rounding: .rtz).code == 0x4C00_0000)
        #expect(try q.dot(Self.a, Self.b, output: fmt("binary32"), rounding: .rdown).code == 0x4C00_0000)
        #expect(try q.dot(Self.a, Self.b, output: fmt("binary32"), rounding: .rup).code == 0x4C00_0001)
        // binary16: 2^25 + 3 > 65504 → saturate 0x7BFF; nonsaturate → +Inf 0x7C00.
        #expect(try q.dot(Self.a, Self.b, output: fmt("binary16")).code == 0x7BFF)
        #expect(try q.dot(Self.a, Self.b, output: fmt("binary16"), overflow: .nonsaturate).code == 0x7C00)
    }

    @Test("small hand example, mixed element formats, zero sums")
    func handExamples() throws {
        // A: X = 1, [1.5 (0x3C), 2 (0x40), −0.5 (0xB0), 0 (0x00)]; B: X = 2, [3 (0x44), 0.25 (0x28),
        // 1 (0x38), 448 (0x7E)]: Σ = 4.5 + 0.5 − 0.5 + 0 = 4.5, × 2 = 9 = binary32 0x41100000.
        let q = mx("float8_e4m3fn", blockSize: 4)
        let a = MXBlock(scaleCode: 0x7F, elements: [0x3C, 0x40, 0xB0, 0x00])
        let b = MXBlock(scaleCode: 0x80, elements: [0x44, 0x28, 0x38, 0x7E])
        #expect(q.exactDot(a, b) == val("9"))
        #expect(try q.dot(a, b, output: fmt("binary32")).code == 0x4110_0000)
        // Mixed: A E4M3 X = 1 [1.5 (0x3C), −2 (0xC0)] · B E2M1 X = 2 [6 (0x7), 0.5 (0x1)]:
        // (9 − 1)·2 = 16 = 0x41800000.
        let q4 = mx("float8_e4m3fn"), f4 = mx("float4_e2m1fn")
        let a2 = MXBlock(scaleCode: 0x7F, elements: [0x3C, 0xC0]), b2 = MXBlock(scaleCode: 0x80, elements: [0x7, 0x1])
        #expect(q4.exactDot(a2, b2, other: f4) == val("16"))
        #expect(try q4.dot(a2, b2, other: f4, output: fmt("binary32")).code == 0x4180_0000)
        // MXINT8: X = 2^-1 [64 (1.0), −128 (−2.0)] · X = 2^3 [32 (0.5), 1 (1/64)]:
        // (0.5 − 2/64)·2^2 = 1.875 = 0x3FF00000.
        let i8 = mx("int8")
        let a3 = MXBlock(scaleCode: 0x7E, elements: [0x40, 0x80]), b3 = MXBlock(scaleCode: 0x82, elements: [0x20, 0x01])
        #expect(i8.exactDot(a3, b3) == val("1.875"))
        #expect(try i8.dot(a3, b3, output: fmt("binary32")).code == 0x3FF0_0000)
        // Cancelling products: 1·1 + 1·(−1) = 0 → +0 under rne.
        let a4 = MXBlock(scaleCode: 0x7F, elements: [0x38, 0x38]), b4 = MXBlock(scaleCode: 0x7F, elements: [0x38, 0xB8])
        #expect(try q4.dot(a4, b4, output: fmt("binary32")).code == 0x0000_0000)
        #expect(q4.exactDot(a4, b4).rational == .zero)
    }

    @Test("a NaN scale on either side gives NaN")
    func nanScale() throws {
        let q = mx("float8_e4m3fn", blockSize: 3)
        let nanA = MXBlock(scaleCode: 0xFF, elements: Self.a.elements)
        let nanB = MXBlock(scaleCode: 0xFF, elements: [0, 0, 0])
        let b32 = fmt("binary32")
        #expect(q.exactDot(nanA, Self.b).isNaN)
        #expect(q.exactDot(Self.a, nanB).isNaN)
        #expect(try b32.value(ofCode: q.dot(nanA, Self.b, output: b32).code).isNaN)
        #expect(try b32.value(ofCode: q.dot(Self.a, nanB, output: b32).code).isNaN)
        #expect(try b32.value(ofCode: q.dot(nanA, nanB, output: b32).code).isNaN)
        // Blocks of different sizes are refused.
        #expect(throws: QuantizerError.self) { try q.dot(Self.a, MXBlock(scaleCode: 0x7F, elements: [0x38]), output: b32) }
    }
}

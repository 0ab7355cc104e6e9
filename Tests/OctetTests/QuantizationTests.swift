// Affine quantization (`Quantizer`) and FP8 → INT8 conversion (`FP8ToINT8`), checked against
// `Specs/quantization.md` §1–2 and the conventions of `../shared/reference/formats.md` §4.9 and
// D14/D15. Every expected code is derived by hand in the comment next to it, or computed here by an
// independent method: Swift's own `Float` arithmetic for the ONNX and PyTorch float32 conventions,
// plain `Int` division for the exact quotient, a bit-level decoder plus `Double` for FP8 coverage,
// and a separate rounding routine over `Rational` for the squared errors of `convert`.
//
// Everything here is `private` so that it cannot collide with other files of the test target.

import Testing
@testable import Octet
import OctetExact

// MARK: - Helpers

private func fmt(_ name: String) -> Format { try! FormatRegistry.named(name) }
private func val(_ text: String) -> ExactValue { try! ValueParser.parse(text) }
private func rat(_ text: String) -> Rational { val(text).rational! }
private func frac(_ n: Int, _ d: Int) -> Rational { Rational(numerator: BigInt(n), denominator: BigInt(d))! }

/// The exact value of a finite Float, read from its bits here (not through OctetExact's decoders).
private func exactOf(_ x: Float) -> Rational {
    if x == 0 { return .zero }
    let bits = x.bitPattern
    let e = Int((bits >> 23) & 0xFF), m = Int(bits & 0x7F_FFFF)
    let significand = e == 0 ? m : m | 0x80_0000
    let r = Rational(BigInt(significand), timesTwoToThe: (e == 0 ? 1 : e) - 150)
    return bits >> 31 == 1 ? -r : r
}

/// Integer value of an int8 / uint8 / int4 code (two's complement read by hand).
private func signedValue(_ code: Int, bits: Int) -> Int { code >= 1 << (bits - 1) ? code - (1 << bits) : code }

/// The code of integer v in an N-bit container (two's complement), by hand.
private func code(_ v: Int, bits: Int = 8) -> Int { v < 0 ? v + (1 << bits) : v }

private func quantize(_ x: String, to target: String, scale: Rational, zp: Int = 0, rounding: RoundingMode = .rne,
                      overflow: OverflowPolicy = .saturate, narrow: Bool = false,
                      arithmetic: ScaleArithmetic = .exact) throws -> Int {
    let q = try Quantizer(target: fmt(target), scale: scale, zeroPoint: zp, rounding: rounding,
                          overflow: overflow, narrow: narrow, arithmetic: arithmetic)
    return try q.quantize(val(x))
}

// MARK: - Integer targets: rounding, ranges, zero point

@Suite("Quantization: integer targets")
struct QuantizationIntegerTests {
    @Test("ties: rne (ONNX/PyTorch) vs rna (TFLite std::round)")
    func ties() throws {
        let one = Rational.one
        // 2.5 lies halfway between 2 and 3: rne picks the even 2, rna the one away from zero, 3.
        #expect(try quantize("2.5", to: "int8", scale: one) == 0x02)
        #expect(try quantize("2.5", to: "int8", scale: one, rounding: .rna) == 0x03)
        // 3.5: rne → 4 (even), rna → 4.
        #expect(try quantize("3.5", to: "int8", scale: one) == 0x04)
        #expect(try quantize("3.5", to: "int8", scale: one, rounding: .rna) == 0x04)
        // −2.5: rne → −2 = 0xFE, rna → −3 = 0xFD.
        #expect(try quantize("-2.5", to: "int8", scale: one) == 0xFE)
        #expect(try quantize("-2.5", to: "int8", scale: one, rounding: .rna) == 0xFD)
        // −0.5: rne → −0 → 0; rna → −1 = 0xFF.
        #expect(try quantize("-0.5", to: "int8", scale: one) == 0x00)
        #expect(try quantize("-0.5", to: "int8", scale: one, rounding: .rna) == 0xFF)
        // Through a scale: 1.25 / 0.5 = 2.5 (exactly) → 2 (rne), 3 (rna).
        #expect(try quantize("1.25", to: "int8", scale: rat("0.5")) == 0x02)
        #expect(try quantize("1.25", to: "int8", scale: rat("0.5"), rounding: .rna) == 0x03)
        // Not a tie: 2.5000001 → 3 in both; 0.1/0.04 = 2.5 exactly (decimal inputs are exact) → 2.
        #expect(try quantize("2.5000001", to: "int8", scale: one) == 0x03)
        #expect(try quantize("0.1", to: "int8", scale: rat("0.04")) == 0x02)
        // Directed modes: 2.7 rtz → 2, rup → 3; −2.7 rdown → −3 = 0xFD.
        #expect(try quantize("2.7", to: "int8", scale: one, rounding: .rtz) == 0x02)
        #expect(try quantize("2.7", to: "int8", scale: one, rounding: .rup) == 0x03)
        #expect(try quantize("-2.7", to: "int8", scale: one, rounding: .rdown) == 0xFD)
    }

    @Test("int8 full range −128…127 vs narrow −127…127")
    func int8Range() throws {
        let one = Rational.one
        // 127 and −128 are in range: codes 0x7F, 0x80.
        #expect(try quantize("127", to: "int8", scale: one) == 0x7F)
        #expect(try quantize("-128", to: "int8", scale: one) == 0x80)
        // 127.4 → 127; 127.5 → 128 (rne: 128 even) → saturates to 127.
        #expect(try quantize("127.4", to: "int8", scale: one) == 0x7F)
        #expect(try quantize("127.5", to: "int8", scale: one) == 0x7F)
        // −128.5 → −128 (rne) in range; −129 → saturates to −128.
        #expect(try quantize("-128.5", to: "int8", scale: one) == 0x80)
        #expect(try quantize("-129", to: "int8", scale: one) == 0x80)
        // Large values saturate: 1e30 → 127, −1e30 → −128 (also beyond int32 on the way).
        #expect(try quantize("1e30", to: "int8", scale: one) == 0x7F)
        #expect(try quantize("-1e30", to: "int8", scale: one) == 0x80)
        // ±Inf saturate to the ends.
        #expect(try quantize("inf", to: "int8", scale: one) == 0x7F)
        #expect(try quantize("-inf", to: "int8", scale: one) == 0x80)
        // Narrow: the most negative value is −127 = 0x81.
        #expect(try quantize("-128", to: "int8", scale: one, narrow: true) == 0x81)
        #expect(try quantize("-200", to: "int8", scale: one, narrow: true) == 0x81)
        #expect(try quantize("-inf", to: "int8", scale: one, narrow: true) == 0x81)
        #expect(try quantize("-127", to: "int8", scale: one, narrow: true) == 0x81)
        #expect(try quantize("200", to: "int8", scale: one, narrow: true) == 0x7F)
        #expect(try quantize("inf", to: "int8", scale: one, narrow: true) == 0x7F)
        // −127.5 rne → −128 → clamps to −127 under narrow, stays −128 without.
        #expect(try quantize("-127.5", to: "int8", scale: one, narrow: true) == 0x81)
        #expect(try quantize("-127.5", to: "int8", scale: one) == 0x80)
        let q = try Quantizer(target: fmt("int8"), scale: one, narrow: true)
        #expect(q.integerRange == -127 ... 127)
        #expect(try Quantizer(target: fmt("int8"), scale: one).integerRange == -128 ... 127)
    }

    @Test("uint8 and int4 ranges")
    func otherRanges() throws {
        let one = Rational.one
        // uint8: 0…255. −5 → 0; −0.4 → −0 → 0; 255.5 → 256 (rne) → 255; 300 → 255; −Inf → 0.
        #expect(try quantize("-5", to: "uint8", scale: one) == 0x00)
        #expect(try quantize("-0.4", to: "uint8", scale: one) == 0x00)
        #expect(try quantize("255.5", to: "uint8", scale: one) == 0xFF)
        #expect(try quantize("254.5", to: "uint8", scale: one) == 0xFE)   // tie → 254 (even)
        #expect(try quantize("300", to: "uint8", scale: one) == 0xFF)
        #expect(try quantize("inf", to: "uint8", scale: one) == 0xFF)
        #expect(try quantize("-inf", to: "uint8", scale: one) == 0x00)
        // int4: −8…7, codes are the low 4 bits. 7.4 → 7; 7.5 → 8 → 7; −8.5 → −8 (rne) = 0x8;
        // −9 → −8; −1 → 0xF; 3 → 0x3; ±Inf → 7 / −8.
        #expect(try quantize("7.4", to: "int4", scale: one) == 0x7)
        #expect(try quantize("7.5", to: "int4", scale: one) == 0x7)
        #expect(try quantize("-8.5", to: "int4", scale: one) == 0x8)
        #expect(try quantize("-9", to: "int4", scale: one) == 0x8)
        #expect(try quantize("-1", to: "int4", scale: one) == 0xF)
        #expect(try quantize("1.5", to: "int4", scale: rat("0.5")) == 0x3)
        #expect(try quantize("inf", to: "int4", scale: one) == 0x7)
        #expect(try quantize("-inf", to: "int4", scale: one) == 0x8)
        // int4 narrow: −7…7; −8 → −7 = 0x9.
        #expect(try quantize("-8", to: "int4", scale: one, narrow: true) == 0x9)
        // Narrow needs a signed target.
        #expect(throws: QuantizerError.self) { try Quantizer(target: fmt("uint8"), scale: one, narrow: true) }
    }

    @Test("NaN is an error, for every arithmetic")
    func nanIsAnError() throws {
        for a in ScaleArithmetic.allCases {
            let q = try Quantizer(target: fmt("int8"), scale: .one, arithmetic: a)
            #expect(throws: QuantizerError.encode(.nanNotRepresentable(format: "int8"))) { try q.quantize(.nan(negative: false)) }
            #expect(throws: QuantizerError.self) { try q.quantize(.nan(negative: true)) }
        }
    }

    @Test("the zero point is added after rounding")
    func zeroPointAfterRounding() throws {
        // uint8, s = 1, zp = 129, x = 2.5: round(2.5) = 2 (rne), + 129 = 131.
        // (Adding first would give round(131.5) = 132.)
        #expect(try quantize("2.5", to: "uint8", scale: .one, zp: 129) == 131)
        // int8, zp = −3, x = 3.5: round(3.5) = 4, − 3 = 1. (First: round(0.5) = 0.)
        #expect(try quantize("3.5", to: "int8", scale: .one, zp: -3) == 0x01)
        // int8, zp = 10, x = −0.5 under rna: round = −1, + 10 = 9. (First: round(9.5) = 10.)
        #expect(try quantize("-0.5", to: "int8", scale: .one, zp: 10, rounding: .rna) == 0x09)
        // Clamping comes after the zero point: 125 + 10 = 135 → 127; −125 + (−10) → −128.
        #expect(try quantize("125", to: "int8", scale: .one, zp: 10) == 0x7F)
        #expect(try quantize("-125", to: "int8", scale: .one, zp: -10) == 0x80)
        // uint8 zp 128 and x = −200 → −72 → 0 (saturates at the bottom, not wrapping).
        #expect(try quantize("-200", to: "uint8", scale: .one, zp: 128) == 0x00)
        // Infinities saturate to the ends whatever the zero point.
        #expect(try quantize("inf", to: "uint8", scale: .one, zp: 128) == 0xFF)
        #expect(try quantize("-inf", to: "uint8", scale: .one, zp: 128) == 0x00)
        // Dequantize: (q − zp)·s. uint8 code 131 with zp 129, s = 0.5 → 2·0.5 = 1.
        let q = try Quantizer(target: fmt("uint8"), scale: rat("0.5"), zeroPoint: 129)
        #expect(q.dequantize(131) == val("1"))
        #expect(q.dequantize(0) == val("-64.5"))     // (0 − 129)·0.5
        // int8 code 0x80 = −128 with zp −3, s = 2: (−128 + 3)·2 = −250.
        let q2 = try Quantizer(target: fmt("int8"), scale: Rational(2), zeroPoint: -3)
        #expect(q2.dequantize(0x80) == val("-250"))
    }

    @Test("invalid parameters are refused")
    func invalidParameters() throws {
        let int8 = fmt("int8")
        #expect(throws: QuantizerError.self) { try Quantizer(target: int8, scale: .zero) }
        #expect(throws: QuantizerError.self) { try Quantizer(target: int8, scale: Rational(-1)) }
        #expect(throws: QuantizerError.self) { try Quantizer(target: int8, scale: .one, zeroPoint: 128) }
        #expect(throws: QuantizerError.self) { try Quantizer(target: int8, scale: .one, zeroPoint: -129) }
        #expect(throws: QuantizerError.self) { try Quantizer(target: fmt("uint8"), scale: .one, zeroPoint: -1) }
        #expect(throws: QuantizerError.self) { try Quantizer(target: int8, scale: .one, rounding: .sr) }
        // The float32 conventions need a binary32 scale: 1/10 is not one; fl32(0.1) is.
        #expect(throws: QuantizerError.self) { try Quantizer(target: int8, scale: rat("0.1"), arithmetic: .onnx) }
        #expect(throws: QuantizerError.self) { try Quantizer(target: int8, scale: rat("0.1"), arithmetic: .pytorch) }
        _ = try Quantizer(target: int8, scale: rat("0.1"), arithmetic: .exact)
        _ = try Quantizer(target: int8, scale: exactOf(Float(0.1)), arithmetic: .onnx)
        // 2^200 is beyond binary32.
        #expect(throws: QuantizerError.self) { try Quantizer(target: int8, scale: rat("0x1p200"), arithmetic: .onnx) }
        // Floating targets take no zero point and no --narrow.
        #expect(throws: QuantizerError.self) { try Quantizer(target: fmt("float8_e4m3fn"), scale: .one, zeroPoint: 1) }
        #expect(throws: QuantizerError.self) { try Quantizer(target: fmt("float8_e4m3fn"), scale: .one, narrow: true) }
    }
}

// MARK: - ONNX vs PyTorch float32 conventions (D14)

/// Swift's own Float rounding rule for a mode.
private func swiftRule(_ m: RoundingMode) -> FloatingPointRoundingRule {
    switch m {
    case .rne: return .toNearestOrEven
    case .rna: return .toNearestOrAwayFromZero
    case .rtz: return .towardZero
    case .rup: return .up
    case .rdown: return .down
    default: fatalError("not used here")
    }
}

/// round(x / s) for Floats x, s computed exactly with Int division (no floating point at all).
private func exactRound(_ x: Float, _ s: Float, _ mode: RoundingMode) -> Int {
    func parts(_ f: Float) -> (m: Int, e: Int) {
        let b = f.bitPattern, e = Int((b >> 23) & 0xFF), m = Int(b & 0x7F_FFFF)
        return e == 0 ? (m, -149) : (m | 0x80_0000, e - 150)
    }
    if x == 0 { return 0 }
    let (mx, ex) = parts(abs(x)), (ms, es) = parts(s)
    let d = ex - es
    precondition(abs(d) < 36)
    let n = d >= 0 ? mx << d : mx, den = d >= 0 ? ms : ms << -d
    let t = n / den, r = n % den
    let negative = x < 0
    var up: Bool
    switch mode {
    case .rne: up = 2 * r > den || (2 * r == den && t % 2 == 1)
    case .rna: up = 2 * r >= den
    case .rtz: up = false
    case .rup: up = r > 0 && !negative
    case .rdown: up = r > 0 && negative
    default: fatalError()
    }
    if r == 0 { up = false }
    let mag = t + (up ? 1 : 0)
    return negative ? -mag : mag
}

@Suite("Quantization: ONNX vs PyTorch float32 arithmetic")
struct QuantizationFloat32ConventionTests {
    @Test("hand example: x = 2.25, s = fl32(0.3): ONNX 7, PyTorch 8, exact 7")
    func handExample() throws {
        // s = fl32(0.3) = 10066330·2^-25 = 0.300000011920928955078125.
        // exact: 2.25 / s = 7.49999970197677… < 7.5 → 7.
        // ONNX: fl32(7.4999997…): binary32 neighbours in [4, 8) are 2^-21 ≈ 4.77e-7 apart:
        //   7.49999952… (distance 1.8e-7) and 7.5 (distance 3.0e-7) → 7.49999952 → rne 7.
        // PyTorch: 1/s = 3.33333320…, fl32 → 3.33333325386 (spacing 2.38e-7 in [2, 4));
        //   2.25 · 3.33333325386 = 7.49999982119 → fl32 → 7.5 (distance 1.8e-7 vs 3.0e-7) → tie → 8.
        let s = Float(0.3), x = Float(2.25)
        #expect(exactOf(s) == Rational(BigInt(10066330), timesTwoToThe: -25))
        // Swift's Float agrees with the hand derivation:
        #expect((x / s).rounded(.toNearestOrEven) == 7)
        #expect((x * (1.0 as Float / s)).rounded(.toNearestOrEven) == 8)
        for (a, expected) in [(ScaleArithmetic.exact, 7), (.onnx, 7), (.pytorch, 8)] {
            let q = try Quantizer(target: fmt("int8"), scale: exactOf(s), arithmetic: a)
            #expect(try q.quantize(.number(exactOf(x))) == expected, "\(a)")
            #expect(try q.quantize(.number(-exactOf(x))) == code(-expected), "\(a) negative")
        }
    }

    @Test("brute force: the library reproduces each convention, and they disagree", arguments: [RoundingMode.rne, .rna, .rtz])
    func bruteForce(mode: RoundingMode) throws {
        let scales: [Float] = [0.3, 0.1, 0.7, 1.1, 0.03, 0.013, 3.7]
        let int8 = fmt("int8")
        var onnxVsPytorch = 0, onnxVsExact = 0, pytorchVsExact = 0, checked = 0
        for s in scales {
            let qs = try ScaleArithmetic.allCases.map { try Quantizer(target: int8, scale: exactOf(s), rounding: mode, arithmetic: $0) }
            for n in 0 ..< 40 {
                for half in [Float(0), 0.5] {
                    for sign in [Float(1), -1] {
                        // x/s lands on or next to an integer (half = 0) or a tie (half = 0.5).
                        let x = (sign * (Float(n) + half)) * s
                        let onnx = Int((x / s).rounded(swiftRule(mode)))
                        let pytorch = Int((x * (1.0 as Float / s)).rounded(swiftRule(mode)))
                        let exact = exactRound(x, s, mode)
                        if onnx != pytorch { onnxVsPytorch += 1 }
                        if onnx != exact { onnxVsExact += 1 }
                        if pytorch != exact { pytorchVsExact += 1 }
                        // Only the interesting cases, and a sample of the rest, go through the library.
                        guard onnx != pytorch || onnx != exact || pytorch != exact || n % 8 == 0 else { continue }
                        let xv = ExactValue(exactOf(x))
                        let got = try qs.map { try $0.quantize(xv) }
                        let want = [exact, onnx, pytorch].map { code(min(max($0, -128), 127)) }
                        #expect(got == want, "x = \(x) (\(exactOf(x))), s = \(s), mode \(mode): [exact, onnx, pytorch]")
                        checked += 1
                    }
                }
            }
        }
        // The conventions do disagree on concrete inputs (rtz on integers, nearest modes on ties).
        #expect(onnxVsPytorch > 0)
        #expect(onnxVsExact > 0)
        #expect(pytorchVsExact > 0)
        #expect(checked > 20)
    }

    @Test("float32 conventions: extremes")
    func extremes() throws {
        // ONNX: x / s overflows binary32 → +Inf → saturates to 127. 2^127 / 2^-149 = 2^276.
        let tiny = rat("0x1p-149")
        let onnx = try Quantizer(target: fmt("int8"), scale: tiny, arithmetic: .onnx)
        #expect(try onnx.quantize(val("0x1p127")) == 0x7F)
        #expect(try onnx.quantize(val("-0x1p127")) == 0x80)
        // ONNX: the quotient underflows to 0 in binary32: 2^-149 / 2^100... (s = 2^100):
        // fl32(2^-249) = 0 → 0.
        let big = try Quantizer(target: fmt("int8"), scale: rat("0x1p100"), arithmetic: .onnx)
        #expect(try big.quantize(val("0x1p-149")) == 0x00)
        #expect(try big.quantize(val("-0x1p-149")) == 0x00)
        // Inputs beyond binary32: fl32(1e40 / 1) = +Inf (ovfinf) → 127; the exact path also 127.
        let unit = try Quantizer(target: fmt("int8"), scale: .one, arithmetic: .onnx)
        #expect(try unit.quantize(val("1e40")) == 0x7F)
        #expect(try unit.quantize(val("inf")) == 0x7F)
        #expect(try unit.quantize(val("-inf")) == 0x80)
        // fl32 also rounds the quotient: 0x1.4000001p1 = 2.5 + 2^-27 rounds to 2.5 in binary32
        // (spacing 2^-22 in [2, 4)), then ties to 2 under onnx; exact gives 3.
        #expect(try unit.quantize(val("0x1.4000001p1")) == 0x02)
        #expect(try Quantizer(target: fmt("int8"), scale: .one).quantize(val("0x1.4000001p1")) == 0x03)
    }

    @Test("PyTorch convention with a reciprocal beyond binary32 (1/2^-149 = 2^149 → +Inf)")
    func pytorchReciprocalOverflow() throws {
        // PyTorch: inv = 1.0f / 2^-149 = +Inf in float32; x · Inf = ±Inf for x ≠ 0, which saturates
        // to the ends (spec: "±Inf saturate to the ends"); 0 · Inf = NaN, which is an error.
        let s: Float = Float(bitPattern: 1)           // 2^-149
        #expect((1.0 as Float / s).isInfinite)
        #expect((Float(1) * (1.0 as Float / s)) == .infinity)
        #expect((Float(-3) * (1.0 as Float / s)) == -.infinity)
        #expect((Float(0) * (1.0 as Float / s)).isNaN)
        let q = try Quantizer(target: fmt("int8"), scale: exactOf(s), arithmetic: .pytorch)
        #expect(try q.quantize(val("1")) == 0x7F)
        #expect(try q.quantize(val("-3")) == 0x80)
        #expect(try q.quantize(val("0x1p-149")) == 0x7F)     // 2^-149 · Inf = Inf (not 2^-149/2^-149 = 1)
        #expect(throws: QuantizerError.self) { try q.quantize(val("0")) }
        // ONNX on the same scale: fl32(1 / 2^-149) = fl32(2^149) = +Inf → 127, but fl32(2^-149 / 2^-149)
        // = 1 → 1, and 0 / s = 0 → 0.
        let o = try Quantizer(target: fmt("int8"), scale: exactOf(s), arithmetic: .onnx)
        #expect(try o.quantize(val("1")) == 0x7F)
        #expect(try o.quantize(val("0x1p-149")) == 0x01)
        #expect(try o.quantize(val("0")) == 0x00)
    }
}

// MARK: - Scale selection

@Suite("Quantization: scale selection")
struct QuantizationScaleSelectionTests {
    @Test("symmetric: amax/127, amax/127.5 (half range), floating targets amax/max")
    func symmetric() throws {
        let int8 = fmt("int8")
        // amax 254: 254/127 = 2; half range 254/127.5 = 508/255.
        #expect(Quantizer.symmetricScale(amax: Rational(254), target: int8) == Rational(2))
        #expect(Quantizer.symmetricScale(amax: Rational(254), target: int8, halfRange: true) == frac(508, 255))
        // amax 1: 1/127 and 2/255.
        #expect(Quantizer.symmetricScale(amax: .one, target: int8) == frac(1, 127))
        #expect(Quantizer.symmetricScale(amax: .one, target: int8, halfRange: true) == frac(2, 255))
        // int4: qmax 7 → amax 7 gives 1; half range (7 − (−8))/2 = 7.5 → 7/7.5 = 14/15.
        #expect(Quantizer.symmetricScale(amax: Rational(7), target: fmt("int4")) == .one)
        #expect(Quantizer.symmetricScale(amax: Rational(7), target: fmt("int4"), halfRange: true) == frac(14, 15))
        // E4M3FN max 448: amax 896 → 2; E2M1 max 6: amax 3 → 1/2.
        #expect(Quantizer.symmetricScale(amax: Rational(896), target: fmt("float8_e4m3fn")) == Rational(2))
        #expect(Quantizer.symmetricScale(amax: Rational(3), target: fmt("float4_e2m1fn")) == frac(1, 2))
        // amax 0 → no scale.
        #expect(Quantizer.symmetricScale(amax: .zero, target: int8) == nil)

        // With amax/127 the extremes map to ±127; with amax/127.5: −amax → −127.5 → −128 (rne, even)
        // is reachable, +amax → 127.5 → 128 → saturates to 127.
        let full = try Quantizer(target: int8, scale: Quantizer.symmetricScale(amax: Rational(254), target: int8)!)
        #expect(try full.quantize(val("254")) == 0x7F)
        #expect(try full.quantize(val("-254")) == 0x81)
        let half = try Quantizer(target: int8, scale: Quantizer.symmetricScale(amax: Rational(254), target: int8, halfRange: true)!)
        #expect(try half.quantize(val("-254")) == 0x80)
        #expect(try half.quantize(val("254")) == 0x7F)
        // 1 / (508/255) = 255/508 = 0.50196… → 1.
        #expect(try half.quantize(val("1")) == 0x01)
    }

    @Test("asymmetric parameters: hand examples")
    func asymmetric() throws {
        let uint8 = fmt("uint8"), int8 = fmt("int8")
        // [−1, 3] → uint8: s = 4/255; min/s = −255/4 = −63.75 → rne −64 → zp = 0 − (−64) = 64.
        let u = try #require(Quantizer.asymmetricParameters(min: Rational(-1), max: Rational(3), target: uint8))
        #expect(u.scale == frac(4, 255))
        #expect(u.zeroPoint == 64)
        // The ends: −1/s = −63.75 → −64 + 64 = 0; 3/s = 191.25 → 191 + 64 = 255; 0 → 64 exactly.
        let qu = try Quantizer(target: uint8, scale: u.scale, zeroPoint: u.zeroPoint)
        #expect(try qu.quantize(val("-1")) == 0)
        #expect(try qu.quantize(val("3")) == 255)
        #expect(try qu.quantize(val("0")) == 64)
        #expect(qu.dequantize(64) == val("0"))
        // Same range into int8: zp = −128 − (−64) = −64.
        let i = try #require(Quantizer.asymmetricParameters(min: Rational(-1), max: Rational(3), target: int8))
        #expect(i.scale == frac(4, 255))
        #expect(i.zeroPoint == -64)
        // The range is widened to include 0: [2, 6] → [0, 6], s = 6/255 = 2/85, zp = 0.
        let w = try #require(Quantizer.asymmetricParameters(min: Rational(2), max: Rational(6), target: uint8))
        #expect(w.scale == frac(2, 85))
        #expect(w.zeroPoint == 0)
        // All negative: [−6, −2] → [−6, 0]: s = 6/255, min/s = −255 → zp = 255.
        let n = try #require(Quantizer.asymmetricParameters(min: Rational(-6), max: Rational(-2), target: uint8))
        #expect(n.scale == frac(2, 85))
        #expect(n.zeroPoint == 255)
        // Ties in min/s round to even: [−1, 509] → s = 510/255 = 2, min/s = −0.5 → −0 → zp 0.
        let t1 = try #require(Quantizer.asymmetricParameters(min: Rational(-1), max: Rational(509), target: uint8))
        #expect(t1.scale == Rational(2))
        #expect(t1.zeroPoint == 0)
        // [−1, 169] → s = 170/255 = 2/3, min/s = −1.5 → −2 (even) → zp 2.
        let t2 = try #require(Quantizer.asymmetricParameters(min: Rational(-1), max: Rational(169), target: uint8))
        #expect(t2.scale == frac(2, 3))
        #expect(t2.zeroPoint == 2)
        // int4: [−1, 2] → s = 3/15 = 1/5, min/s = −5 → zp = −8 + 5 = −3.
        let f = try #require(Quantizer.asymmetricParameters(min: Rational(-1), max: Rational(2), target: fmt("int4")))
        #expect(f.scale == frac(1, 5))
        #expect(f.zeroPoint == -3)
        // No range: constant zero input; floating targets: nil.
        #expect(Quantizer.asymmetricParameters(min: .zero, max: .zero, target: uint8) == nil)
        #expect(Quantizer.asymmetricParameters(min: Rational(-1), max: .one, target: fmt("float8_e4m3fn")) == nil)
    }
}

// MARK: - Floating targets ("flexible bias")

@Suite("Quantization: floating targets with a scale")
struct QuantizationFloatTargetTests {
    @Test("E4M3FN with s = 2: x/s encoded with rne and saturate")
    func e4m3() throws {
        let q = try Quantizer(target: fmt("float8_e4m3fn"), scale: Rational(2))
        // 3/2 = 1.5 = 2^0·1.5: exponent field 7, mantissa 4 → 0 0111 100 = 0x3C.
        #expect(try q.quantize(val("3")) == 0x3C)
        // 17/2 = 8.5: in [8, 16) the spacing is 1, tie between 8 (m = 0, even) and 9 → 8 = 0 1010 000 = 0x50.
        #expect(try q.quantize(val("17")) == 0x50)
        #expect(try q.quantize(val("-17")) == 0xD0)
        // 19/2 = 9.5: tie between 9 (m = 1, odd) and 10 → 10 = 0 1010 010 = 0x52.
        #expect(try q.quantize(val("19")) == 0x52)
        // 1000/2 = 500 > 448 → saturates to 448 = 0x7E; −1000 → 0xFE; +Inf → 0x7E.
        #expect(try q.quantize(val("1000")) == 0x7E)
        #expect(try q.quantize(val("-1000")) == 0xFE)
        #expect(try q.quantize(val("inf")) == 0x7E)
        // NaN → the fn NaN with its sign: 0x7F.
        #expect(try q.quantize(val("nan")) == 0x7F)
        // A subnormal: 2^-9·2 = 2^-8 → 2^-9 = min subnormal 0x01. −0 → 0x80.
        #expect(try q.quantize(val("0x1p-8")) == 0x01)
        #expect(try q.quantize(val("-0")) == 0x80)
        // rna on the 8.5 tie → 9 = 0x51.
        let rna = try Quantizer(target: fmt("float8_e4m3fn"), scale: Rational(2), rounding: .rna)
        #expect(try rna.quantize(val("17")) == 0x51)
        // nonsaturate: 500 → NaN 0x7F (E4M3FN has no Inf).
        let ns = try Quantizer(target: fmt("float8_e4m3fn"), scale: Rational(2), overflow: .nonsaturate)
        #expect(try ns.quantize(val("1000")) == 0x7F)
        // Dequantize: value(q)·s. 0x3C = 1.5 → 3; 0x7E = 448 → 896; 0x80 = −0 stays −0.
        #expect(q.dequantize(0x3C) == val("3"))
        #expect(q.dequantize(0x7E) == val("896"))
        #expect(q.dequantize(0x80) == .zero(negative: true))
    }

    @Test("a non-power-of-two scale and other floating targets")
    func otherScales() throws {
        // s = 3: 1/3 in [1/4, 1/2), spacing 2^-5; (1/3)·32 = 10.67 → 11 → 11/32 = 0.34375:
        // exponent field 5, mantissa 3 → 0 0101 011 = 0x2B.
        let q = try Quantizer(target: fmt("float8_e4m3fn"), scale: Rational(3))
        #expect(try q.quantize(val("1")) == 0x2B)
        #expect(q.dequantize(0x2B) == val("1.03125"))        // 11/32 · 3 = 33/32
        // E2M1 with s = 1/2: 2.5 / (1/2) = 5 → tie between 4 (m = 0) and 6 (m = 1) → 4 = 0x6;
        // 3.5 → 7 → saturates to 6 = 0x7; −0.75 → −1.5 = 0xB.
        let f4 = try Quantizer(target: fmt("float4_e2m1fn"), scale: frac(1, 2))
        #expect(try f4.quantize(val("2.5")) == 0x6)
        #expect(try f4.quantize(val("3.5")) == 0x7)
        #expect(try f4.quantize(val("-0.75")) == 0xB)
        // FP4 has no NaN: NaN is an error.
        #expect(throws: QuantizerError.self) { try f4.quantize(val("nan")) }
        // E5M2 with s = 1/4 and overflow = nonsaturate: 2^14 · 4 = 2^16 > 57344 → +Inf = 0x7C.
        let f5 = try Quantizer(target: fmt("float8_e5m2"), scale: frac(1, 4), overflow: .nonsaturate)
        #expect(try f5.quantize(val("16384")) == 0x7C)
        // Under onnx arithmetic: s = fl32(0.3), x = 2.25 → fl32 quotient 7.4999995 → E4M3 7.5 (= 0x4F).
        let o = try Quantizer(target: fmt("float8_e4m3fn"), scale: exactOf(Float(0.3)), arithmetic: .onnx)
        #expect(try o.quantize(.number(Rational(BigInt(9), timesTwoToThe: -2))) == 0x4F)
    }
}

// MARK: - FP8 → INT8

/// An independent decoder of the paper's FP8 and the OCP fn formats from bits (Double values).
private func decodeAll(exponentBits e: Int, mantissaBits m: Int, bias: Int, fnuz: Bool) -> [Double] {
    var out: [Double] = []
    for c in 0 ..< 256 {
        let s = c >> 7, ef = (c >> m) & ((1 << e) - 1), mf = c & ((1 << m) - 1)
        if fnuz && c == 0x80 { continue }                                  // the only NaN
        if !fnuz && (c & 0x7F) == 0x7F { continue }                        // fn NaNs
        let mag = ef == 0 ? Double(mf) / Double(1 << m) * pow2(1 - bias) : (1 + Double(mf) / Double(1 << m)) * pow2(ef - bias)
        if mag == 0 { continue }
        out.append(s == 1 ? -mag : mag)
    }
    return out
}
private func pow2(_ k: Int) -> Double { k >= 0 ? Double(1 << k) : 1 / Double(1 << -k) }

/// Exact codes and range fraction (as a Double) at scale 2^k, by brute force.
private func bruteCoverage(_ values: [Double], k: Int) -> (exact: Int, fraction: Double) {
    let s = pow2(k)
    func isExact(_ v: Double) -> Bool { let q = v / s; return q == q.rounded() && q >= -128 && q <= 127 }
    let exact = values.filter(isExact).count
    let positives = Set(values.filter { $0 > 0 }).sorted()
    let present = Set(values), top = positives.last!
    var t: Double?
    for v in positives.reversed() {
        guard isExact(v), !present.contains(-v) || isExact(-v) else {
            return (exact, t.map { (top - $0) / top } ?? 0)
        }
        t = v
    }
    return (exact, 1)
}

@Suite("Quantization: FP8 to INT8")
struct QuantizationFP8ToINT8Tests {
    @Test("bestCoverage(fp8_e4m3): scale 2, threshold 16, fraction 14/15")
    func bestE4() throws {
        // fp8_e4m3: bias 8, max 2^7·1.875 = 240. Under scale 2 a value is exact iff it is an even
        // integer of magnitude ≤ 254 (k' ≤ 127). From 16 up every value is a multiple of its ulp
        // ≥ 2 (ulp in [16, 32) is 2^4·2^-3 = 2) and ≤ 240; 15 (= 8·1.875, ulp 1) is odd, so not
        // exact: t = 16, fraction (240 − 16)/240 = 14/15.
        // Exact codes: positive even integers: [2,4): 2; [4,8): 4, 6; [8,16): 8, 10, 12, 14;
        // [16,32), [32,64), [64,128), [128,240]: 8 each → 1 + 2 + 4 + 32 = 39, ×2 signs = 78.
        // Finite non-zero codes: 256 − zero (0x00) − NaN (0x80) = 254.
        let c = FP8ToINT8.bestCoverage(of: fmt("fp8_e4m3"))
        #expect(c.scaleExponent == 1)
        #expect(c.threshold == Rational(16))
        #expect(c.rangeFraction == frac(14, 15))
        #expect(c.exactCodes == 78)
        #expect(c.finiteCodes == 254)
        // Neighbours are worse: scale 4 (k = 2) stops at 32 (30 = 16·1.875 is not a multiple of 4)
        // → 208/240 = 13/15; scale 1 (k = 0) cannot hold 128…240 at all → 0.
        let k2 = FP8ToINT8.coverage(of: fmt("fp8_e4m3"), scaleExponent: 2)
        #expect(k2.threshold == Rational(32))
        #expect(k2.rangeFraction == frac(13, 15))
        #expect(FP8ToINT8.coverage(of: fmt("fp8_e4m3"), scaleExponent: 0).rangeFraction == .zero)
    }

    @Test("coverage matches a brute-force count (Double arithmetic on bit-decoded values)",
          arguments: [("fp8_e4m3", 4, 3, 8, true), ("fp8_e5m2", 5, 2, 16, true), ("fp8_e3m4", 3, 4, 4, true),
                      ("float8_e4m3fn", 4, 3, 7, false)])
    func bruteForce(name: String, e: Int, m: Int, bias: Int, fnuz: Bool) throws {
        let values = decodeAll(exponentBits: e, mantissaBits: m, bias: bias, fnuz: fnuz)
        let f = fmt(name)
        var bestK = 0, best = (exact: -1, fraction: -1.0)
        for k in -20 ... 16 {
            let b = bruteCoverage(values, k: k)
            let c = FP8ToINT8.coverage(of: f, scaleExponent: k)
            #expect(c.exactCodes == b.exact, "\(name) k = \(k)")
            #expect(c.finiteCodes == values.count, "\(name)")
            let fr = Double(c.rangeFraction.numerator.description)! / Double(c.rangeFraction.denominator.description)!
            #expect(abs(fr - b.fraction) < 1e-12, "\(name) k = \(k): \(c.rangeFraction) vs \(b.fraction)")
            if b.fraction > best.fraction || (b.fraction == best.fraction && b.exact > best.exact) { best = b; bestK = k }
        }
        let c = FP8ToINT8.bestCoverage(of: f)
        #expect(c.scaleExponent == bestK, "\(name)")
        #expect(c.exactCodes == best.exact, "\(name)")
    }

    @Test("convert minmax: s = amax/127, codes and exact squared error by hand")
    func minmax() throws {
        // amax 254 → s = 2. 254/2 = 127; −127/2 = −63.5 → −64 (even) = 0xC0; 1/2 = 0.5 → 0;
        // 3/2 = 1.5 → 2. Errors: 0, (−127 + 128)² = 1, 1² = 1, (3 − 4)² = 1 → 3.
        let c = try #require(FP8ToINT8.convert([Rational(254), Rational(-127), .one, Rational(3)], choice: .minmax))
        #expect(c.scale == Rational(2))
        #expect(c.codes == [0x7F, 0xC0, 0x00, 0x02])
        #expect(c.squaredError == Rational(3))
        // All zero: nothing to derive.
        #expect(FP8ToINT8.convert([.zero, .zero], choice: .minmax) == nil)
        #expect(FP8ToINT8.convert([], choice: .mse) == nil)
    }

    @Test("convert mse: the best of 100 clipping thresholds, never worse than minmax",
          arguments: [
            // FP8-E4 values where clipping pays: the reference search picks i = 1, c = 0.99·192.
            (["-36", "-3/512", "-72", "5/32", "-192", "-96", "60", "7/256"], 1),
            // An outlier too far to clip profitably: i = 0, mse = minmax.
            (["240", "-13", "7.5", "0.375", "3.25", "-1.125", "20", "52", "-2.75", "0.0625"], 0),
          ])
    func mse(texts: [String], expectedI: Int) throws {
        let values = texts.map(rat)
        let mm = try #require(FP8ToINT8.convert(values, choice: .minmax))
        let ms = try #require(FP8ToINT8.convert(values, choice: .mse))
        #expect(ms.squaredError <= mm.squaredError)
        // Independent reference: rne by floor, clamp to −128…127, exact error, ties keep larger c.
        func rne(_ r: Rational) -> Int {
            let t = r.floor, d = r - Rational(t)
            let half = frac(1, 2)
            let ti = Int(t.description)!
            return d > half || (d == half && ti % 2 != 0) ? ti + 1 : ti
        }
        func err(_ s: Rational) -> (Rational, [Int]) {
            var e = Rational.zero, codes: [Int] = []
            for v in values {
                let q = min(max(rne(v.divided(by: s)!), -128), 127)
                codes.append(code(q))
                let d = v - Rational(q) * s
                e = e + d * d
            }
            return (e, codes)
        }
        let amax = values.map(\.magnitude).max()!
        let (mmErr, mmCodes) = err(amax.divided(by: Rational(127))!)
        #expect(mm.scale == amax.divided(by: Rational(127))!)
        #expect(mm.squaredError == mmErr)
        #expect(mm.codes == mmCodes)
        var bestS = Rational.zero, bestErr: Rational?, bestI = -1
        for i in 0 ..< 100 {
            let s = (amax * frac(100 - i, 100)).divided(by: Rational(127))!
            let (e, _) = err(s)
            if bestErr == nil || e < bestErr! { bestErr = e; bestS = s; bestI = i }
        }
        #expect(bestI == expectedI)
        #expect(ms.scale == bestS)
        #expect(ms.squaredError == bestErr)
        #expect(ms.codes == err(bestS).1)
        if expectedI > 0 { #expect(ms.squaredError < mm.squaredError) }
    }

    @Test("convert mse: a single value")
    func mseSingle() throws {
        // A single value: no clipping beats c = amax (error 0).
        let one = try #require(FP8ToINT8.convert([Rational(5)], choice: .mse))
        #expect(one.scale == frac(5, 127))
        #expect(one.squaredError == .zero)
    }
}

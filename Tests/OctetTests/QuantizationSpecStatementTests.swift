// Statements of Specs/quantization.md §1 (scale selection) and Specs/mx.md §1 (the precision of
// the `even` rule) that issue 12 found missing or wrong: each is checked in the code, and the spec
// is checked to state it. Expected values are worked out by hand or with plain integer arithmetic.

import Foundation
import Testing
@testable import Octet
import OctetExact

private func fmt(_ name: String) -> Format { try! FormatRegistry.named(name) }
private func val(_ text: String) -> ExactValue { try! ValueParser.parse(text) }
private func frac(_ n: Int, _ d: Int) -> Rational { Rational(numerator: BigInt(n), denominator: BigInt(d))! }
private func p2(_ k: Int) -> Rational { Rational(BigInt(1), timesTwoToThe: k) }

@Suite struct QuantizationSpecStatements {
    static func spec(_ file: String) -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("Specs/\(file)"), encoding: .utf8)) ?? ""
    }

    @Test("quantization §1: symmetric s = amax / qmax with qmax = 2^(b−1) − 1 signed, 2^b − 1 unsigned")
    func symmetricScaleSignedAndUnsigned() throws {
        // The documented example: `octet quantize --to uint8 --symmetric` on `1 -2`: amax = 2,
        // s = 2/255; 1/s = 127.5 → 128 (rne) = 0x80; −2/s = −255 saturates to 0.
        let u8 = fmt("uint8"), i8 = fmt("int8")
        let s = try #require(Quantizer.symmetricScale(amax: Rational(2), target: u8))
        #expect(s == frac(2, 255))
        let q = try Quantizer(target: u8, scale: s)
        #expect(try q.quantize(val("1")) == 0x80)
        #expect(try q.quantize(val("-2")) == 0x00)
        // Signed: 2^(b−1) − 1 (int8 127, int4 7); unsigned: 2^b − 1 (uint8 255, uint4 15).
        #expect(Quantizer.symmetricScale(amax: Rational(2), target: i8) == frac(2, 127))
        #expect(Quantizer.symmetricScale(amax: Rational(7), target: fmt("int4")) == .one)
        #expect(Quantizer.symmetricScale(amax: Rational(15), target: fmt("uint4")) == .one)
        // half-range: (2^b − 1)/2 for both (127.5 for int8 and uint8).
        #expect(Quantizer.symmetricScale(amax: Rational(2), target: u8, halfRange: true) == frac(4, 255))
        #expect(Quantizer.symmetricScale(amax: Rational(2), target: i8, halfRange: true) == frac(4, 255))
        // Floating targets: amax / max, half-range ignored.
        let e4 = fmt("float8_e4m3fn")
        #expect(Quantizer.symmetricScale(amax: Rational(2), target: e4) == frac(1, 224))
        #expect(Quantizer.symmetricScale(amax: Rational(2), target: e4, halfRange: true) == frac(1, 224))
        // narrow does not change the scale, only the saturation range.
        let narrow = try Quantizer(target: i8, scale: frac(2, 127), narrow: true)
        #expect(try narrow.quantize(val("-2.1")) == 0x81)

        let text = Self.spec("quantization.md")
        #expect(text.contains("`2^b − 1` for unsigned ones (255 for uint8)"))
        #expect(text.contains("`octet quantize --to uint8 --symmetric` on `1 -2`"))
        #expect(text.contains("`s = 2/255`"))
        #expect(!text.contains("(`qmax = 2^(b−1) − 1`: 127 for int8)"))   // the old, signed-only statement
    }

    @Test("quantization §1: asymmetric s = (hi − lo) / (2^b − 1), zp = qmin − round_rne(lo / s), signed and unsigned")
    func asymmetricSignedAndUnsigned() throws {
        // On `1 -2`: lo = −2, hi = 1, s = 3/255 = 1/85, lo/s = −170: int8 zp = −128 + 170 = 42,
        // uint8 zp = 0 + 170 = 170.
        let i8 = try #require(Quantizer.asymmetricParameters(min: Rational(-2), max: .one, target: fmt("int8")))
        #expect(i8.scale == frac(1, 85) && i8.zeroPoint == 42)
        let u8 = try #require(Quantizer.asymmetricParameters(min: Rational(-2), max: .one, target: fmt("uint8")))
        #expect(u8.scale == frac(1, 85) && u8.zeroPoint == 170)
        // The range is widened to include 0: [3, 5] → [0, 5], s = 5/255 = 1/51, zp = qmin.
        let pos = try #require(Quantizer.asymmetricParameters(min: Rational(3), max: Rational(5), target: fmt("uint8")))
        #expect(pos.scale == frac(1, 51) && pos.zeroPoint == 0)
        #expect(Quantizer.asymmetricParameters(min: .one, max: Rational(2), target: fmt("float8_e4m3fn")) == nil)
        let text = Self.spec("quantization.md")
        #expect(text.contains("`s = 3/255 = 1/85`, `zp = −128 + 170 = 42`"))
    }

    @Test("mx §1: under `even`, MXINT8 rounds amax to P = 7 significant bits")
    func mxint8EvenPrecision() throws {
        let even = try MXQuantizer(element: fmt("int8"), rule: .even, blockSize: 1)
        let floor = try MXQuantizer(element: fmt("int8"), rule: .floor, blockSize: 1)
        // Boundaries that tell P = 7 from P = 6 and P = 8 in [1, 2):
        // 2 − 2^−7 = 1.1111111b is the P = 7 tie (127/64 odd → up to 2): e = 1 (P = 8 would keep 0);
        // 2 − 2^−6 = 1.111111b is exact at P = 7: e = 0 (P = 6 would round it up to 2: e = 1);
        // 2 − 2^−8 rounds up at P = 7: e = 1 (exact at P = 8: e = 0).
        #expect(even.sharedExponent(amax: Rational(2) - p2(-7)) == 1)
        #expect(even.sharedExponent(amax: Rational(2) - p2(-7) - p2(-12)) == 0)
        #expect(even.sharedExponent(amax: Rational(2) - p2(-6)) == 0)
        #expect(even.sharedExponent(amax: Rational(2) - p2(-8)) == 1)
        // The reason for P = 7: `even` takes floor's e + 1 exactly when floor's scaled maximum
        // amax/2^⌊log2 amax⌋ · 64 rounds (rne) to 128, beyond 127/64. With amax = k/2^12 · 2^j,
        // k = 4096…8191, that scaled maximum is k/64, which rounds to 128 iff k ≥ 8160 (127.5 is a
        // tie to the even 128).
        for j in [-20, -1, 0, 3] {
            for k in 4096 ..< 8192 {
                let amax = Rational(BigInt(k), timesTwoToThe: j - 12)
                let ef = try #require(floor.sharedExponent(amax: amax)), ee = try #require(even.sharedExponent(amax: amax))
                #expect(ef == j, "k \(k) j \(j)")
                #expect(ee == ef + (k >= 8160 ? 1 : 0), "k \(k) j \(j): even \(ee), floor \(ef)")
            }
        }
        // The spec's example: amax = 2 − 2^−8: floor e = 0, 127.75 → 128 → 127 (0x7F); even e = 1,
        // 63.875 → 64 (0x40).
        let a = ExactValue(Rational(2) - p2(-8))
        #expect(try floor.quantize([a]) == MXBlock(scaleCode: 0x7F, elements: [0x7F]))
        #expect(try even.quantize([a]) == MXBlock(scaleCode: 0x80, elements: [0x40]))

        let text = Self.spec("mx.md")
        #expect(text.contains("**For MXINT8, P = 7.**"))
        #expect(text.contains("(E4M3 4, E5M2 3, E2M3 4, E3M2 3, E2M1 2)"))
    }
}

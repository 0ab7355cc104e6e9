// Octet's side of the peer bugs that Scripts/peers/peers.py records in Specs/peers.md ("Named cases"
// under onnx and gfloat, and the disagreement classes they belong to). Each expected code is derived in
// the comment next to it from the operator's or format's definition, not from Octet's code: the code of
// an integer is its two's complement byte, written out by hand; the largest FP4/FP6 value and its code
// come from the field layout (sign | exponent | mantissa, bias) of the OCP MX formats.
//
// Everything here is `private` so that it cannot collide with other files of the test target.

import Testing
@testable import Octet
import OctetExact

private func peerFormat(_ name: String) -> Format { try! FormatRegistry.named(name) }
private func peerValue(_ text: String) -> ExactValue { try! ValueParser.parse(text) }

// MARK: - ONNX 1.19.1 reference QuantizeLinear: rint(x / y_scale) cast to int32 before the clip

/// onnx.reference's QuantizeLinear computes `np.rint(x / y_scale).astype(np.int32)`, adds the zero point
/// in int32 and clips afterwards; the float → int32 cast of ±Inf, NaN and |x| ≥ 2^31 gives INT32_MIN on
/// x86-64, so +Inf and 3e9 come out as −128 (int8) and 0 (uint8). The operator's own definition is
/// `y = saturate((x / y_scale) + y_zero_point)` with saturation to [−128, 127] for int8 and [0, 255] for
/// uint8 (onnx Operators.md, QuantizeLinear; formats reference §4.7), which is what Octet implements
/// (Specs/quantization.md §1: q = clamp(round(x / s) + zp), ±Inf saturate to the ends, NaN is an error).
@Suite("Peer bugs: ONNX QuantizeLinear (Octet's side)")
struct PeerBugQuantizeLinearTests {
    /// Octet's `octet quantize --to F --scale 1 --zero-point ZP --arithmetic onnx`, as peers.py runs it.
    private func q(_ x: String, _ target: String, zp: Int = 0, arithmetic: ScaleArithmetic = .onnx) throws -> Int {
        let quantizer = try Quantizer(target: peerFormat(target), scale: .one, zeroPoint: zp, rounding: .rne,
                                      arithmetic: arithmetic)
        return try quantizer.quantize(peerValue(x))
    }

    @Test("int8, y_scale 1, zero point 0: +Inf and everything ≥ 2^31 saturate to 127, not −128")
    func int8Top() throws {
        // saturate(+Inf / 1 + 0) = 127, the top of [−128, 127]: code 0x7F (ONNX's evaluator: 0x80).
        #expect(try q("inf", "int8") == 0x7F)
        // 3e9 = 3000000000 is a binary32 (5859375 · 2^9); 3e9 / 1 > 127 → 127 = 0x7F (ONNX: 0x80).
        #expect(try q("3000000000", "int8") == 0x7F)
        #expect(try q("f32:4F32D05E", "int8") == 0x7F)
        // 2^31 = 2147483648 (also what 2^31 − 1 becomes as a FLOAT): > 127 → 0x7F (ONNX: 0x80).
        #expect(try q("2147483648", "int8") == 0x7F)
        #expect(try q("f32:4F000000", "int8") == 0x7F)
        // 2^31 − 1 exactly (only reachable with the exact arithmetic, it is not a binary32) → 0x7F.
        #expect(try q("2147483647", "int8", arithmetic: .exact) == 0x7F)
        // The largest binary32 below 2^31, 2147483520, fits int32; ONNX agrees here: 0x7F.
        #expect(try q("f32:4EFFFFFF", "int8") == 0x7F)
        // 1e38 as a binary32 (9860761 · 2^103) → 0x7F (ONNX: 0x80).
        #expect(try q("f32:7E967699", "int8") == 0x7F)
    }

    @Test("int8, zero point 0: −Inf and everything ≤ −2^31 saturate to −128 (ONNX agrees)")
    func int8Bottom() throws {
        // saturate(−Inf) = −128, two's complement 256 − 128 = 0x80. INT32_MIN clipped is −128 too.
        #expect(try q("-inf", "int8") == 0x80)
        #expect(try q("-3000000000", "int8") == 0x80)
        #expect(try q("-2147483648", "int8") == 0x80)
        #expect(try q("-2147483647", "int8", arithmetic: .exact) == 0x80)
    }

    @Test("int8 and uint8 near the ends of the range: round half to even, then saturate")
    func int8Ties() throws {
        // 127.5 → 128 (the even neighbour of 127 and 128) → saturate 127 = 0x7F.
        #expect(try q("127.5", "int8") == 0x7F)
        // −127.5 → −128 (even) = 0x80; 128.5 → 128 (even) → 127; −128.5 → −128 (even) = 0x80.
        #expect(try q("-127.5", "int8") == 0x80)
        #expect(try q("128.5", "int8") == 0x7F)
        #expect(try q("-128.5", "int8") == 0x80)
        // −0.5 → −0 (even) → 0 = 0x00; 2.5 → 2 (even).
        #expect(try q("-0.5", "int8") == 0x00)
        #expect(try q("2.5", "int8") == 0x02)
        // uint8: 255.5 → 256 (even) → saturate 255 = 0xFF; 127.5 → 128 = 0x80; −0.5 → 0.
        #expect(try q("255.5", "uint8") == 0xFF)
        #expect(try q("127.5", "uint8") == 0x80)
        #expect(try q("-0.5", "uint8") == 0x00)
    }

    @Test("uint8, zero point 0: +Inf and everything ≥ 2^31 saturate to 255, not 0")
    func uint8Top() throws {
        // saturate(+Inf) = 255, the top of [0, 255]: 0xFF (ONNX's evaluator: 0x00).
        #expect(try q("inf", "uint8") == 0xFF)
        #expect(try q("3000000000", "uint8") == 0xFF)
        #expect(try q("2147483648", "uint8") == 0xFF)
        #expect(try q("f32:7E967699", "uint8") == 0xFF)
        // Negative values saturate to 0 on both sides.
        #expect(try q("-inf", "uint8") == 0x00)
        #expect(try q("-3000000000", "uint8") == 0x00)
    }

    @Test("int4 and uint4: +Inf saturates to the top (7, 15), not the bottom")
    func fourBit() throws {
        // int4 range [−8, 7]: +Inf → 7 = 0x7 (ONNX: 0x8 = −8); uint4 [0, 15]: +Inf → 15 = 0xF (ONNX: 0).
        #expect(try q("inf", "int4") == 0x7)
        #expect(try q("3000000000", "int4") == 0x7)
        #expect(try q("inf", "uint4") == 0xF)
    }

    @Test("the zero point is added to the exact integer, without int32 wrap-around")
    func zeroPointNoWrap() throws {
        // uint8, zp 200: 2147483520 + 200 = 2147483720 > 255 → 255 = 0xFF (ONNX wraps the int32 sum to a
        // negative number and clips it to 0x00).
        #expect(try q("f32:4EFFFFFF", "uint8", zp: 200) == 0xFF)
        // uint8, zp 200: +Inf → 255 = 0xFF (ONNX: INT32_MIN + 200 → 0x00); 100 + 200 = 300 → 255.
        #expect(try q("inf", "uint8", zp: 200) == 0xFF)
        #expect(try q("100", "uint8", zp: 200) == 0xFF)
        // int8, zp −100: −Inf → −128 = 0x80 and −3e9 − 100 → −128 = 0x80 (ONNX: INT32_MIN − 100 wraps to
        // 2147483548 → 127 = 0x7F); 100 − 100 = 0.
        #expect(try q("-inf", "int8", zp: -100) == 0x80)
        // int8, zp −100: −2^31 fits int32 exactly, but −2^31 − 100 does not: ONNX's int32 sum wraps to
        // 2147483548 → 0x7F; the exact sum is far below −128 → 0x80.
        #expect(try q("-2147483648", "int8", zp: -100) == 0x80)
        #expect(try q("-3000000000", "int8", zp: -100) == 0x80)
        #expect(try q("100", "int8", zp: -100) == 0x00)
    }

    @Test("NaN has no integer value: Octet refuses it (ONNX's evaluator gives INT32_MIN, clipped)")
    func nanIsRefused() throws {
        // ONNX gives 0x80 (int8), 0x00 (uint8) and, with int8 zero point −100, 0x7F. An integer format has
        // no NaN, and saturate(NaN) is undefined; Octet reports an error instead of inventing a code.
        for (target, zp) in [("int8", 0), ("uint8", 0), ("uint8", 200), ("int8", -100)] {
            #expect(throws: QuantizerError.encode(.nanNotRepresentable(format: target))) {
                try q("nan", target, zp: zp)
            }
            #expect(throws: QuantizerError.encode(.nanNotRepresentable(format: target))) {
                try q("f32:FFC00000", target, zp: zp)
            }
        }
    }
}

// MARK: - gfloat 0.5.2: FP4/FP6 overflow with sat=False raises ValueError

/// gfloat's `round_float(fi, x, mode, sat=False)` raises `ValueError: No Infs or NaNs in format
/// ocp_e2m1, and sat=False` for 7.0, 100.0 or ±Inf into OCP FP4 E2M1 (likewise E2M3, E3M2). The
/// conversion is defined: these formats have neither Inf nor NaN, and OCP MX element conversion
/// saturates to ±max (formats reference §4.2 and §5; P3109 v4 SatNone in a format without Inf gives
/// ±max too). Specs/formats.md §4.4: `nonsaturate` gives "±Inf if the format has it, else NaN, else
/// ±max", `ovfinf` "±Inf if the format has it, else ±max", and `saturate`/`propagate` ±max.
///
/// E2M1 (sign | 2 exponent bits | 1 mantissa bit, bias 1): the largest value has exponent field 11 and
/// mantissa 1, 2^(3 − 1) · 1.5 = 6, code 0b0111 = 0x7; −6 is 0b1111 = 0xF. E2M3 (bias 1): exponent 11,
/// mantissa 111: 2^2 · 1.875 = 7.5, code 0b011111 = 0x1F, −7.5 = 0x3F. E3M2 (bias 3): exponent 111,
/// mantissa 11: 2^4 · 1.75 = 28, code 0x1F, −28 = 0x3F.
@Suite("Peer bugs: gfloat FP4/FP6 overflow with sat=False (Octet's side)")
struct PeerBugGfloatFP4Tests {
    private func e(_ x: String, _ format: String, _ rounding: RoundingMode = .rne,
                   _ overflow: OverflowPolicy = .nonsaturate) throws -> Int {
        try peerFormat(format).encode(peerValue(x), rounding: rounding, overflow: overflow).code
    }

    @Test("E2M1, rne, nonsaturate (gfloat TiesToEven, sat=False): 7, 100, ±Inf give ±6")
    func e2m1Nonsaturate() throws {
        // 7 lies between 6 and the next grid point 8 (spacing 2 in [4, 8)): the tie goes to 8 (even
        // mantissa), beyond max 6, so it overflows → +max 6 = 0x7. gfloat raises ValueError.
        #expect(try e("7", "float4_e2m1fn") == 0x7)
        #expect(try e("100", "float4_e2m1fn") == 0x7)
        #expect(try e("inf", "float4_e2m1fn") == 0x7)
        #expect(try e("-7", "float4_e2m1fn") == 0xF)
        #expect(try e("-100", "float4_e2m1fn") == 0xF)
        #expect(try e("-inf", "float4_e2m1fn") == 0xF)
        // 6.5 rounds to 6 under rne (below the midpoint 7): no overflow, gfloat agrees (0x7).
        #expect(try e("6.5", "float4_e2m1fn") == 0x7)
    }

    @Test("E2M1, every overflow policy gives ±6: the format has neither Inf nor NaN")
    func e2m1EveryPolicy() throws {
        for policy in OverflowPolicy.allCases {
            #expect(try e("7", "float4_e2m1fn", .rne, policy) == 0x7, "\(policy)")
            #expect(try e("inf", "float4_e2m1fn", .rne, policy) == 0x7, "\(policy)")
            #expect(try e("-inf", "float4_e2m1fn", .rne, policy) == 0xF, "\(policy)")
            #expect(try e("-100", "float4_e2m1fn", .rne, policy) == 0xF, "\(policy)")
        }
    }

    @Test("E2M1, directed modes with sat=False: the result is ±6 wherever gfloat raises")
    func e2m1Directed() throws {
        // rup (gfloat TowardPositive): 6.5 > 6 rounds up to 8 > max → overflow → 6 = 0x7 (gfloat raises).
        #expect(try e("6.5", "float4_e2m1fn", .rup) == 0x7)
        #expect(try e("7", "float4_e2m1fn", .rup) == 0x7)
        // rtz (TowardZero): 100 truncates beyond max, and a mode rounding toward zero gives ±max, never
        // Inf or NaN (Specs/formats.md §4.4) → 6 (gfloat agrees); +Inf is out of range whatever the mode →
        // +max 6 (gfloat raises even here).
        #expect(try e("100", "float4_e2m1fn", .rtz) == 0x7)
        #expect(try e("inf", "float4_e2m1fn", .rtz) == 0x7)
        // rdown (TowardNegative): −7 → −8 beyond −max → −6 = 0xF (gfloat raises); 7 → 6 (agrees).
        #expect(try e("-7", "float4_e2m1fn", .rdown) == 0xF)
        #expect(try e("7", "float4_e2m1fn", .rdown) == 0x7)
        // rna (TiesToAway): 7 is a tie → away → 8 → overflow → 6 (gfloat raises).
        #expect(try e("7", "float4_e2m1fn", .rna) == 0x7)
    }

    @Test("E2M3 and E3M2 (FP6), rne, nonsaturate: 100 and ±Inf give ±max")
    func fp6() throws {
        #expect(try e("100", "float6_e2m3fn") == 0x1F)   // 7.5
        #expect(try e("inf", "float6_e2m3fn") == 0x1F)
        #expect(try e("-inf", "float6_e2m3fn") == 0x3F)  // −7.5
        #expect(try e("100", "float6_e3m2fn") == 0x1F)   // 28
        #expect(try e("inf", "float6_e3m2fn") == 0x1F)
        #expect(try e("-inf", "float6_e3m2fn") == 0x3F)  // −28
    }

    @Test("the codes are ±max: decoding them gives 6 / −6, 7.5, 28")
    func codesAreMax() throws {
        // Ties the hand-derived codes above to the values: 0x7 = 6, 0xF = −6 (E2M1); 0x1F = 7.5 (E2M3);
        // 0x1F = 28 (E3M2).
        #expect(peerFormat("float4_e2m1fn").value(ofCode: 0x7) == peerValue("6"))
        #expect(peerFormat("float4_e2m1fn").value(ofCode: 0xF) == peerValue("-6"))
        #expect(peerFormat("float6_e2m3fn").value(ofCode: 0x1F) == peerValue("7.5"))
        #expect(peerFormat("float6_e3m2fn").value(ofCode: 0x1F) == peerValue("28"))
    }
}

// Specs/accumulation.md §2: the accumulator models, on hand-derived cases.
//
// Every expected value below is worked out in the comment next to it, from the decoded values
// of the codes (float8_e4m3fn: 0x38 = 1, 0xB8 = −1, 0x3E = 1.75, 0x34 = 0.75, 0x30 = 0.5,
// 0x24 = 0.1875, 0x20 = 0.125, 0x18 = 0.0625, 0x50 = 8, 0x58 = 16, 0x7E = 448, 0x07 = 7·2^-9,
// 0x03 = 3·2^-9, 0x01 = 2^-9, 0x80 = −0; float8_e5m2: 0x3C = 1, 0x6C = 2^12, 0xEC = −2^12,
// 0x7B = 57344, 0x7C = +Inf, 0xFC = −Inf, 0x7E = NaN, 0x02 = 2^-15, 0x01 = 2^-16).

import Testing
@testable import Octet
import OctetExact

private let e4 = try! FormatRegistry.named("float8_e4m3fn")
private let e5 = try! FormatRegistry.named("float8_e5m2")
private let i8 = try! FormatRegistry.named("int8")
private let binary32 = try! FormatRegistry.named("binary32")
private let binary16 = try! FormatRegistry.named("binary16")

/// Σ a·b under `model` into binary32 (rne, ovfinf, so Inf stays Inf).
private func dot(_ model: String, _ a: [Int], _ af: Format, _ b: [Int], _ bf: Format,
                 rounding: RoundingMode = .rne) throws -> DotResult {
    try Dot.compute(a, af, b, bf, model: try AccumulatorModel.parse(model), output: binary32, rounding: rounding, overflow: .ovfinf)
}

/// The model's value before the final rounding, as a Double (nil if not representable).
private func acc(_ model: String, _ a: [Int], _ af: Format, _ b: [Int], _ bf: Format) throws -> Double? {
    AccRef.exactDouble(try dot(model, a, af, b, bf).accumulated)
}

private func bits(_ x: Float) -> Int { Int(x.bitPattern) }

@Suite struct AccumulationModelParseTests {
    @Test("spellings of §2 parse into the documented models")
    func spellings() throws {
        #expect(try AccumulatorModel.parse("exact") == .exact)
        #expect(try AccumulatorModel.parse("EXACT") == .exact)
        #expect(try AccumulatorModel.parse("kulisch") == .kulisch(nil))
        #expect(try AccumulatorModel.parse("kulisch:40") == .kulisch(KulischRegister(width: 40, lsbExponent: Int.min)))
        #expect(try AccumulatorModel.parse("kulisch:40:-18") == .kulisch(KulischRegister(width: 40, lsbExponent: -18)))
        let f16 = try FormatRegistry.named("binary16"), bf = try FormatRegistry.named("bfloat16")
        #expect(try AccumulatorModel.parse("fp32:sequential") == .float(FloatAccumulator(format: binary32, order: .sequential)))
        #expect(try AccumulatorModel.parse("fp32:pairwise") == .float(FloatAccumulator(format: binary32, order: .pairwise)))
        #expect(try AccumulatorModel.parse("fp32:lanes8") == .float(FloatAccumulator(format: binary32, order: .lanes(8))))
        #expect(try AccumulatorModel.parse("fp16:sequential,fused") == .float(FloatAccumulator(format: f16, order: .sequential, fused: true)))
        #expect(try AccumulatorModel.parse("bf16:pairwise,fused,rounding=rtz,overflow=saturate")
                == .float(FloatAccumulator(format: bf, order: .pairwise, fused: true, rounding: .rtz, overflow: .saturate)))
        #expect(try AccumulatorModel.parse("float8_e4m3fn:lanes3") == .float(FloatAccumulator(format: e4, order: .lanes(3))))
        // defaults: rne, ovfinf
        guard case .float(let f) = try AccumulatorModel.parse("binary32:sequential") else { Issue.record("not a float model"); return }
        #expect(f.rounding == .rne && f.overflow == .ovfinf && !f.fused)
    }

    @Test("truncated presets and g<G>n<N> spellings")
    func truncatedSpellings() throws {
        func t(_ s: String) throws -> TruncatedAccumulator {
            guard case .truncated(let t) = try AccumulatorModel.parse(s) else { throw ModelError("x", "not truncated") }
            return t
        }
        let rows: [(String, g: Int, n: Int, mantissa: Int, promote: Int?)] = [
            ("truncated:hopper-fp8", 32, 13, 13, nil), ("truncated:ada-fp8", 32, 13, 13, nil),
            ("truncated:deepseek-v3", 32, 13, 13, 128), ("truncated:blackwell-fp8", 32, 25, 23, nil),
            ("truncated:volta-fp16", 4, 23, 23, nil),
        ]
        for (s, g, n, m, k) in rows {
            let x = try t(s)
            #expect(x.groupSize == g && x.fractionBits == n && x.promoteEvery == k && x.accumulatorRounding == .rtz, "\(s)")
            let layout = try #require(x.accumulatorFormat.floatLayout)
            // binary32's exponent (8 bits, bias 127), IEEE specials, m fraction bits
            #expect(layout.exponentBits == 8 && layout.bias == 127 && layout.mantissaBits == m && layout.specials == .ieee, "\(s)")
        }
        let custom = try t("truncated:g2n3,out=bf16,rounding=rne,promote=4")
        #expect(custom.groupSize == 2 && custom.fractionBits == 3 && custom.promoteEvery == 4 && custom.accumulatorRounding == .rne)
        #expect(custom.accumulatorFormat == (try FormatRegistry.named("bfloat16")))
        let plain = try t("truncated:g4n10")
        #expect(plain.accumulatorFormat == binary32 && plain.accumulatorRounding == .rtz && plain.promoteEvery == nil)
    }

    @Test("malformed spellings are refused with a ModelError", arguments: [
        "", "kulisch:1", "kulisch:abc", "kulisch:40:x", "fp32", "fp32:zigzag", "nosuchformat:sequential", "fp32:lanes0",
        "fp32:lanes4097", "fp32:lanesx", "fp32:sequential,rounding=sr", "fp32:sequential,bogus", "fp32:sequential,overflow=wrap",
        "truncated", "truncated:bogus", "truncated:g3n3,promote=4", "truncated:g0n3", "truncated:g2n3,out=nosuch",
        "truncated:g2n3,rounding=sr", "truncated:g2n3,promote=0", "truncated:g2",
    ])
    func refused(_ spelling: String) {
        #expect(throws: ModelError.self) { try AccumulatorModel.parse(spelling) }
    }
}

@Suite struct AccumulationKulischTests {
    @Test("int8: 4096 × (−128)·(−128) = 2^26 needs the derived 28 bits; 27 overflow at the last term")
    func int8NeedsTwentyEight() throws {
        let n = 4096
        let a = Array(repeating: 0x80, count: n)   // −128
        let r = try dot("kulisch", a, i8, a, i8)
        // 4096 · 16384 = 2^26, exact in binary32: 0x4C800000
        #expect(r.accumulated == .finite(Dyadic(1 << 26), negativeZero: false))
        #expect(r.output.code == bits(0x1p26))
        #expect(r == (try dot("exact", a, i8, a, i8)))
        // W = 27 holds k < 2^26: the running sum reaches 2^26 at term 4095 (0-based).
        #expect(throws: DotError.kulisch(.overflow(index: 4095, width: 27))) { try dot("kulisch:27", a, i8, a, i8) }
        // A symmetric int8 ([−127, 127]) fits 27 bits: 4096 · 16129 = 66064384 < 2^26.
        let s = Array(repeating: 0x7F, count: n)
        #expect(try dot("kulisch:27", s, i8, s, i8).output.code == bits(66_064_384))
    }

    @Test("the register never wraps: the first exit is reported even if the sum comes back")
    func neverWraps() throws {
        // int8 products 16129, 16129, −16129, −16129 (127·127, 127·127, −127·127, −127·127).
        // W = 15 holds −16384 … 16383: after term 0 the sum 16129 fits; after term 1, 32258 does
        // not. A wrapping register would end at 0, the right answer — it must be an error.
        let a = [0x7F, 0x7F, 0x81, 0x81], b = [0x7F, 0x7F, 0x7F, 0x7F]
        #expect(throws: DotError.kulisch(.overflow(index: 1, width: 15))) { try dot("kulisch:15", a, i8, b, i8) }
        #expect(try dot("kulisch:16", a, i8, b, i8).accumulated == .finite(.zero, negativeZero: false))
        // Two's complement bounds, W = 15: the top 16383 = 127·127 + 127·2 is held, one more is not.
        #expect(try acc("kulisch:15", [0x7F, 0x7F], i8, [0x7F, 0x02], i8) == 16383)
        #expect(throws: DotError.kulisch(.overflow(index: 2, width: 15))) { try dot("kulisch:15", [0x7F, 0x7F, 0x01], i8, [0x7F, 0x02, 0x01], i8) }
        // The bottom −16384 = −128·127 − 128 is held, one less is not.
        #expect(try acc("kulisch:15", [0x80, 0x80], i8, [0x7F, 0x01], i8) == -16384)
        #expect(throws: DotError.kulisch(.overflow(index: 2, width: 15))) { try dot("kulisch:15", [0x80, 0x80, 0xFF], i8, [0x7F, 0x01, 0x01], i8) }
    }

    @Test("kulisch:W uses the derived LSB; kulisch:W:LSB uses both; products below the LSB are an error")
    func givenRegisters() throws {
        // e4m3fn: derived lsb 2^-18. kulisch:30 holds |k| < 2^29 units = 2^11 = 2048; the product
        // 2^-9·2^-9 = 2^-18 is one unit (no belowLSB error), 448·448 = 200704 does not fit.
        #expect(try acc("kulisch:30", [0x01, 0x01], e4, [0x01, 0x81], e4) == 0)
        #expect(try acc("kulisch:30", [0x01], e4, [0x01], e4) == 0x1p-18)
        #expect(throws: DotError.kulisch(.overflow(index: 0, width: 30))) { try dot("kulisch:30", [0x7E], e4, [0x7E], e4) }
        // LSB 2^-5 given: 1·1 is fine, 2^-9·1 (term 1) is not a multiple of 2^-5.
        #expect(throws: DotError.kulisch(.belowLSB(index: 1, lsbExponent: -5))) { try dot("kulisch:40:-5", [0x38, 0x01], e4, [0x38, 0x38], e4) }
        #expect(try acc("kulisch:40:-5", [0x38, 0x30], e4, [0x38, 0x30], e4) == 1.25)
        // kulisch:8:0 with int8: −128 … 127 units of 1.
        #expect(try acc("kulisch:8:0", [0x7F], i8, [0x01], i8) == 127)
        #expect(throws: DotError.kulisch(.overflow(index: 0, width: 8))) { try dot("kulisch:8:0", [0x40], i8, [0x02], i8) }
    }

    @Test("signed zeros and specials follow the exact model")
    func zerosAndSpecials() throws {
        // all −0 products (−0 · 1) → −0, as exact (and not the register's unsigned 0)
        let nz = try dot("kulisch", [0x80, 0x80, 0x80], e4, [0x38, 0x38, 0x38], e4)
        #expect(nz.accumulated == .finite(.zero, negativeZero: true))
        #expect(nz.output.code == 0x8000_0000)
        // 1 − 1 = +0; under rdown −0 (IEEE's exact-cancellation rule)
        #expect(try dot("kulisch", [0x38, 0xB8], e4, [0x38, 0x38], e4).output.code == 0)
        let rd = try dot("kulisch", [0x38, 0xB8], e4, [0x38, 0x38], e4, rounding: .rdown)
        #expect(rd.accumulated == .finite(.zero, negativeZero: true))
        #expect(rd.output.code == 0x8000_0000)
        // Inf and NaN take no register bits: even a 2-bit register gives the IEEE special sum.
        #expect(try acc("kulisch:2", [0x7C, 0x3C], e5, [0x3C, 0x3C], e5) == .infinity)
        #expect(try acc("kulisch", [0x7C, 0xFC], e5, [0x3C, 0x3C], e5)!.isNaN)
        #expect(try acc("kulisch", [0x7C], e5, [0x00], e5)!.isNaN)   // Inf·0
        #expect(try dot("kulisch", [0x7C, 0xFC], e5, [0x3C, 0x3C], e5).output.code == 0x7FC0_0000)
    }
}

@Suite struct AccumulationFloatModelTests {
    // e5m2 products: 0x6C·0x6C = 2^24, 0xEC·0x6C = −2^24, 0x3C·0x3C = 1, 0x00·0x3C = 0.
    static let big = (0x6C, 0x6C), negBig = (0xEC, 0x6C), one = (0x3C, 0x3C), zero = (0x00, 0x3C)
    static func vec(_ xs: [(Int, Int)]) -> ([Int], [Int]) { (xs.map(\.0), xs.map(\.1)) }

    @Test("binary32 orders on [2^24, 1, −2^24, 1]: sequential 1, pairwise 1, lanes4 2 (folded), lanes3 0, lanes2 2")
    func ordersCancel() throws {
        let (a, b) = Self.vec([Self.big, Self.one, Self.negBig, Self.one])
        // sequential: 2^24 + 1 → tie, even → 2^24; − 2^24 → 0; + 1 → 1.
        #expect(try acc("fp32:sequential", a, e5, b, e5) == 1)
        #expect(try acc("fp32:lanes1", a, e5, b, e5) == 1)
        // pairwise: (2^24 + 1 → 2^24) + (−2^24 + 1 = −16777215, exact) = 1.
        #expect(try acc("fp32:pairwise", a, e5, b, e5) == 1)
        // lanes4: one term per lane, folded: lane0 = 2^24 + (−2^24) = 0, lane1 = 1 + 1 = 2; 0 + 2 = 2.
        #expect(try acc("fp32:lanes4", a, e5, b, e5) == 2)
        // lanes2: lane0 = 2^24 + (−2^24) = 0, lane1 = 1 + 1 = 2; 0 + 2 = 2.
        #expect(try acc("fp32:lanes2", a, e5, b, e5) == 2)
        // lanes3 (not a power of two: sequential reduction): lane0 = 2^24 + 1 → 2^24, lane1 = 1,
        // lane2 = −2^24; (2^24 + 1 → 2^24) + (−2^24) = 0. (A tree (l0 + l2) + l1 would give 1.)
        #expect(try acc("fp32:lanes3", a, e5, b, e5) == 0)
        #expect(try acc("exact", a, e5, b, e5) == 2)
    }

    @Test("binary32 orders on [1, 2^24, 1, 1]: sequential 2^24, pairwise 2^24+2, lanes8 2^24+2, lanes3 2^24+4")
    func ordersTies() throws {
        let (a, b) = Self.vec([Self.one, Self.big, Self.one, Self.one])
        // sequential: 1 + 2^24 = 2^24 + 1 → tie → 2^24 (even); + 1 → 2^24; + 1 → 2^24.
        #expect(try acc("fp32:sequential", a, e5, b, e5) == 0x1p24)
        // pairwise: (1 + 2^24 → 2^24) + (1 + 1 = 2) = 2^24 + 2.
        #expect(try acc("fp32:pairwise", a, e5, b, e5) == 0x1p24 + 2)
        // lanes8, n = 4: lanes 4…7 are +0; fold by 4 changes nothing; fold by 2: lane0 = 1 + 1 = 2,
        // lane1 = 2^24 + 1 → 2^24; fold by 1: 2 + 2^24 = 2^24 + 2.
        #expect(try acc("fp32:lanes8", a, e5, b, e5) == 0x1p24 + 2)
        // lanes3: lane0 = 1 + 1 = 2 (terms 0, 3), lane1 = 2^24, lane2 = 1; 2 + 2^24 = 2^24 + 2;
        // + 1 = 2^24 + 3 → tie between 2^24 + 2 (odd significand) and 2^24 + 4 (even) → 2^24 + 4.
        #expect(try acc("fp32:lanes3", a, e5, b, e5) == 0x1p24 + 4)
        // rounding=rtz: every tie goes down: 2^24. rounding=rup: 1 + 2^24 → 2^24 + 2; + 1 → 2^24 + 4;
        // + 1 → 2^24 + 6.
        #expect(try acc("fp32:sequential,rounding=rtz", a, e5, b, e5) == 0x1p24)
        #expect(try acc("fp32:sequential,rounding=rup", a, e5, b, e5) == 0x1p24 + 6)
        #expect(try acc("exact", a, e5, b, e5) == 0x1p24 + 3)
        // The final rounding of the exact model into binary32 is separate: 2^24 + 3 → 2^24 + 4.
        #expect(try dot("exact", a, e5, b, e5).output.code == bits(0x1p24 + 4))
    }

    @Test("lanes8 folds halves (j with j+4), not adjacent pairs")
    func lanesFoldHalves() throws {
        // [2^24, 1, 0, 0, −2^24, 1, 0, 0]: lanes8 folds lane0 = 2^24 + (−2^24) = 0, lane1 = 1 + 1 = 2,
        // then 0 + 0, 2 + 0, then 0 + 2 = 2. Adjacent pairs would give (2^24 + 1 → 2^24) + … = 1.
        let (a, b) = Self.vec([Self.big, Self.one, Self.zero, Self.zero, Self.negBig, Self.one, Self.zero, Self.zero])
        #expect(try acc("fp32:lanes8", a, e5, b, e5) == 2)
        #expect(try acc("fp32:sequential", a, e5, b, e5) == 1)
        #expect(try acc("fp32:pairwise", a, e5, b, e5) == 1)
    }

    @Test("binary16 fused vs unfused: products below binary16's range")
    func fusedHalf() throws {
        // e4m3fn 0x03 · e5m2 0x02 = 3·2^-9 · 2^-15 = 3·2^-24 (a binary16 subnormal, exact);
        // e4m3fn 0x01 · e5m2 0x01 = 2^-9 · 2^-16 = 2^-25 (half the smallest subnormal).
        let a = [0x03, 0x01], b = [0x02, 0x01]
        // unfused: 2^-25 rounds (tie, even) to 0 before the addition: 3·2^-24.
        #expect(try acc("fp16:sequential", a, e4, b, e5) == 3 * 0x1p-24)
        #expect(try acc("fp16:pairwise", a, e4, b, e5) == 3 * 0x1p-24)
        // fused: round(3·2^-24 + 2^-25) = round(3.5·2^-24) → tie → 4·2^-24 = 2^-22.
        #expect(try acc("fp16:sequential,fused", a, e4, b, e5) == 0x1p-22)
        #expect(try acc("fp16:pairwise,fused", a, e4, b, e5) == 0x1p-22)
        #expect(try dot("fp16:sequential,fused", a, e4, b, e5).output.code == 0x3480_0000)
        #expect(try acc("exact", a, e4, b, e5) == 3.5 * 0x1p-24)
        // [2^-25, 2^-25]: pairwise fused rounds the exact sum of two leaves: 2^-24; sequential fused
        // rounds 0 + 2^-25 → 0 twice; unfused products are 0.
        let c = [0x01, 0x01]
        #expect(try acc("fp16:pairwise,fused", c, e4, c, e5) == 0x1p-24)
        #expect(try acc("fp16:sequential,fused", c, e4, c, e5) == 0)
        #expect(try acc("fp16:sequential", c, e4, c, e5) == 0)
        #expect(try acc("fp16:lanes2,fused", c, e4, c, e5) == 0)   // each lane: round(0 + 2^-25) = 0
        // a one-term vector is rounded once: 0x03 · 0x01 = 1.5·2^-24 → tie → 2·2^-24 = 2^-23
        #expect(try acc("fp16:pairwise,fused", [0x03], e4, [0x01], e5) == 0x1p-23)
        // binary32 holds every FP8 × FP8 product: fused changes nothing there
        #expect(try acc("fp32:sequential,fused", a, e4, b, e5) == 3.5 * 0x1p-24)
        #expect(try acc("fp32:sequential", a, e4, b, e5) == 3.5 * 0x1p-24)
    }

    @Test("bfloat16 and binary16 accumulators round to their own precision")
    func bf16Precision() throws {
        // e4m3fn [16·16, 1·1, 1·1] = [256, 1, 1]: bfloat16 (8 bits) has ulp 2 at 256: 256 + 1 → tie →
        // 256 (even), twice. binary16 (11 bits) keeps 258.
        let a = [0x58, 0x38, 0x38], b = [0x58, 0x38, 0x38]
        #expect(try acc("bf16:sequential", a, e4, b, e4) == 256)
        // pairwise: ⌈3/2⌉ = 2: (256 + 1 → 256) + 1 → 256.
        #expect(try acc("bf16:pairwise", a, e4, b, e4) == 256)
        #expect(try acc("fp16:sequential", a, e4, b, e4) == 258)
        #expect(try acc("bfloat16:sequential,fused", a, e4, b, e4) == 256)
        // int8 products (up to 14 bits) are rounded into bfloat16 (ulp 64 at 2^13) unless fused.
        // [32·1, 127·127]: unfused: 127·127 = 16129 → 16128 (252·64); 32 + 16128 = 16160 = 252.5·64
        // → tie → even 16128. Fused: round(32 + 16129) = round(16161) → above the tie → 253·64 = 16192.
        let c = [0x20, 0x7F], d = [0x01, 0x7F]
        #expect(try acc("bf16:sequential", c, i8, d, i8) == 16128)
        #expect(try acc("bf16:sequential,fused", c, i8, d, i8) == 16192)
        #expect(try acc("bf16:pairwise,fused", c, i8, d, i8) == 16192)
        #expect(try acc("exact", c, i8, d, i8) == 16161)
        // Also FP8 × FP8 when the product has more than 8 bits: float8_e3m4 (5-bit significands).
        // 0x04 = 2^-4, 0x08 = 2^-3 (subnormals: 2^-2 · m/16), 0x3F = 1.9375. Products: 2^-7 and
        // 1.9375² = 3.75390625 = 961·2^-8 (10 bits). bfloat16 ulp at 2 is 2^-6.
        // unfused: 3.75390625 → 3.75 (0.25 ulp below the tie); 2^-7 + 3.75 = 3.75 + ½ulp → tie →
        // even 3.75 (mantissa 1.1110000). fused: round(2^-7 + 3.75390625) = 3.75 + ¾ulp → 3.765625.
        let e3 = try FormatRegistry.named("float8_e3m4")
        let g = [0x04, 0x3F], h = [0x08, 0x3F]
        #expect(try acc("bf16:sequential", g, e3, h, e3) == 3.75)
        #expect(try acc("bf16:sequential,fused", g, e3, h, e3) == 3.765625)
        #expect(try acc("fp32:sequential", g, e3, h, e3) == 3.76171875)
        #expect(try acc("fp32:sequential,fused", g, e3, h, e3) == 3.76171875)
    }

    @Test("overflow and specials in float accumulators")
    func overflowAndSpecials() throws {
        // e4m3fn 448·448 = 200704 > 65504: binary16 with ovfinf makes it +Inf; +Inf − 1 = +Inf.
        let a = [0x7E, 0xB8], b = [0x7E, 0x38]
        #expect(try acc("fp16:sequential", a, e4, b, e4) == .infinity)
        #expect(try dot("fp16:sequential", a, e4, b, e4).output.code == 0x7F80_0000)
        // overflow=saturate: the product becomes 65504; 65504 − 1 = 65503 → 65504 (ulp 32).
        #expect(try acc("fp16:sequential,overflow=saturate", a, e4, b, e4) == 65504)
        // rounding=rtz never overflows to Inf: 200704 → 65504; then 65504 − 1 = 65503 → 65472 (toward 0).
        #expect(try acc("fp16:sequential,rounding=rtz", a, e4, b, e4) == 65472)
        // +Inf + (−Inf) = NaN (positive NaN out); NaN stays NaN
        #expect(try acc("fp32:pairwise", [0x7C, 0xFC], e5, [0x3C, 0x3C], e5)!.isNaN)
        #expect(try dot("fp32:lanes8", [0x7C, 0xFC], e5, [0x3C, 0x3C], e5).output.code == 0x7FC0_0000)
        #expect(try acc("bf16:sequential", [0x7E], e5, [0x3C], e5)!.isNaN)
        #expect(try acc("fp16:sequential,fused", [0x7C], e5, [0x00], e5)!.isNaN)   // Inf·0
        // a format without Inf as the accumulator: e4m3fn saturates at 448 under ovfinf
        #expect(try acc("float8_e4m3fn:sequential", [0x7E, 0x7E], e4, [0x38, 0x38], e4) == 448)
        // an e4m3fn accumulator rounds every step: 1 + 2^-4 → tie → 1 (even), twice; exact 1.125
        let c = [0x38, 0x18, 0x18], d = [0x38, 0x38, 0x38]
        #expect(try acc("float8_e4m3fn:sequential", c, e4, d, e4) == 1)
        #expect(try acc("exact", c, e4, d, e4) == 1.125)
        #expect(try Dot.compute(c, e4, d, e4, model: .exact, output: e4).output.code == 0x39)
    }

    @Test("signed zeros and empty vectors")
    func zeros() throws {
        // sequential starts from +0: an all −0 vector gives +0; pairwise and exact give −0.
        let a = [0x80, 0x80, 0x80], b = [0x38, 0x38, 0x38]
        #expect(try dot("fp32:sequential", a, e4, b, e4).accumulated == .finite(.zero, negativeZero: false))
        #expect(try dot("fp32:lanes4", a, e4, b, e4).accumulated == .finite(.zero, negativeZero: false))
        #expect(try dot("fp32:pairwise", a, e4, b, e4).accumulated == .finite(.zero, negativeZero: true))
        #expect(try dot("fp16:pairwise,fused", a, e4, b, e4).accumulated == .finite(.zero, negativeZero: true))
        #expect(try dot("exact", a, e4, b, e4).accumulated == .finite(.zero, negativeZero: true))
        #expect(try dot("fp32:pairwise", [0x80], e4, [0x38], e4).accumulated == .finite(.zero, negativeZero: true))
        // empty: +0 for every model
        for m in ["exact", "kulisch", "fp32:sequential", "fp32:pairwise", "fp32:lanes8", "fp16:pairwise,fused", "truncated:hopper-fp8"] {
            let r = try dot(m, [], e4, [], e4)
            #expect(r.accumulated == .finite(.zero, negativeZero: false), "\(m)")
            #expect(r.output.code == 0, "\(m)")
        }
        #expect(throws: DotError.lengthMismatch(2, 1)) { try dot("exact", [0x38, 0x38], e4, [0x38], e4) }
    }
}

@Suite struct AccumulationTruncatedTests {
    @Test("g2n3: terms truncated to 2^(emax−3) per group of 2")
    func g2n3Basic() throws {
        // products: 1.75·1 = 1.75 (e 0+0 = 0), 0.75·0.125 = 0.09375 (e −1−3 = −4), 1·1 = 1 (e 0),
        // 0.75·0.125 = 0.09375 (e −4).
        // group 1: emax 0, cut 2^-3: 1.75 stays, 0.09375 → 0; C = 1.75.
        // group 2: C = 1.75 (e 0), emax 0, cut 2^-3: 1.75 + 1 + 0 = 2.75. Exact: 2.9375.
        let a = [0x3E, 0x34, 0x38, 0x34], b = [0x38, 0x20, 0x38, 0x20]
        #expect(try acc("truncated:g2n3", a, e4, b, e4) == 2.75)
        #expect(try acc("exact", a, e4, b, e4) == 2.9375)
        #expect(try dot("truncated:g2n3", a, e4, b, e4).output.code == bits(2.75))
        // g4n3 (one group): emax 0, cut 2^-3: 1.75 + 0 + 1 + 0 = 2.75 as well; g2n4: cut 2^-4:
        // 0.09375 → 0.0625 each: group 1: 1.8125; group 2: C 1.8125 + 1 + 0.0625 = 2.875.
        #expect(try acc("truncated:g4n3", a, e4, b, e4) == 2.75)
        #expect(try acc("truncated:g2n4", a, e4, b, e4) == 2.875)
    }

    @Test("a product's exponent is ea + eb, not renormalised")
    func productExponent() throws {
        // 1.75·1.75 = 3.0625 has exponent 0 + 0 = 0 (significand 3.0625 ∈ [0, 4)); 1·0.1875 has
        // exponent 0 + (−3) = −3. emax = 0, cut 2^-3: 3.0625 → 3.0, 0.1875 → 0.125: 3.125.
        // (Renormalised, emax would be 1, cut 2^-2: 3.0 + 0 = 3.0.) Exact 3.25.
        let a = [0x3E, 0x38], b = [0x3E, 0x24]
        #expect(try acc("truncated:g2n3", a, e4, b, e4) == 3.125)
        // truncation is toward zero: −1·0.1875 → −0.125 (not −0.25): 3.0 − 0.125 = 2.875.
        #expect(try acc("truncated:g2n3", [0x3E, 0xB8], e4, b, e4) == 2.875)
        // C is a term too: a following group of zero products truncates C = 3.125 (e 1) to
        // multiples of 2^(1−3): 3.0.
        #expect(try acc("truncated:g2n3", [0x3E, 0x38, 0x00, 0x00], e4, [0x3E, 0x24, 0x38, 0x38], e4) == 3.0)
    }

    @Test("subnormal operands keep e = emin")
    func subnormalBinade() throws {
        // 0x07 = 7·2^-9 = 0.875·2^-6 (subnormal: e = emin = −6), 0x01 = 2^-9 (e −6); times 1 (e 0).
        // emax = −6, g2n1: cut 2^-7: 7·2^-9 = 1.75·2^-7 → 2^-7; 2^-9 → 0. Sum 2^-7.
        // (With e = floor(log2) = −7 and −9: cut 2^-8: 3·2^-8 + 0 = 0.01171875.) Exact 2^-6.
        #expect(try acc("truncated:g2n1", [0x07, 0x01], e4, [0x38, 0x38], e4) == 0x1p-7)
        #expect(try acc("exact", [0x07, 0x01], e4, [0x38, 0x38], e4) == 0x1p-6)
    }

    @Test("the group sum is rounded into F with its rounding")
    func accumulatorRounding() throws {
        // 1·1 = 1 (e 0) + 0.1875·0.0625 = 1.5·2^-7 (e −3−4 = −7); cut 2^-10 keeps both:
        // 1 + 3·2^-8. bfloat16 (ulp 2^-7 at 1): rtz → 1 + 2^-7; rne: 1.5 ulp, tie → even 1 + 2^-6.
        let a = [0x38, 0x24], b = [0x38, 0x18]
        #expect(try acc("truncated:g2n10,out=bf16", a, e4, b, e4) == 1 + 0x1p-7)
        #expect(try acc("truncated:g2n10,out=bf16,rounding=rne", a, e4, b, e4) == 1 + 0x1p-6)
        #expect(try acc("truncated:g2n10", a, e4, b, e4) == 1 + 3 * 0x1p-8)
        // binary16 F: 57344·57344 = 3288334336 overflows; rtz gives max 65504, rne gives +Inf.
        #expect(try acc("truncated:g2n10,out=binary16", [0x7B], e5, [0x7B], e5) == 65504)
        #expect(try acc("truncated:g2n10,out=binary16,rounding=rne", [0x7B], e5, [0x7B], e5) == .infinity)
    }

    @Test("promote=K: C goes to a binary32 accumulator every K products")
    func promotion() throws {
        // [8·1, 0·1, 0.5·1, 0.5·1], g2n3.
        // No promotion: group 1 C = 8 (e 3); group 2: emax 3, cut 2^0: 0.5 → 0, C = 8.
        // promote=2: outer = 8, C = 0; group 2: emax −1, cut 2^-4: C = 1; at the end outer = 9.
        // promote=4: the reset comes after group 2, too late: 8.
        let a = [0x50, 0x00, 0x30, 0x30], b = [0x38, 0x38, 0x38, 0x38]
        #expect(try acc("truncated:g2n3", a, e4, b, e4) == 8)
        #expect(try acc("truncated:g2n3,promote=2", a, e4, b, e4) == 9)
        #expect(try acc("truncated:g2n3,promote=4", a, e4, b, e4) == 8)
    }

    @Test("NaN and Inf products give the IEEE special sum")
    func specials() throws {
        #expect(try acc("truncated:hopper-fp8", [0x7C, 0x3C], e5, [0x3C, 0x3C], e5) == .infinity)
        #expect(try acc("truncated:hopper-fp8", [0xFC, 0x3C], e5, [0x3C, 0x3C], e5) == -.infinity)
        #expect(try acc("truncated:deepseek-v3", [0x7C, 0xFC], e5, [0x3C, 0x3C], e5)!.isNaN)
        #expect(try acc("truncated:g2n3", [0x7C], e5, [0x00], e5)!.isNaN)
        #expect(try acc("truncated:blackwell-fp8", [0x7E, 0x3C], e5, [0x3C, 0x3C], e5)!.isNaN)
        #expect(try dot("truncated:volta-fp16", [0x7C, 0xFC], e5, [0x3C, 0x3C], e5).output.code == 0x7FC0_0000)
    }

    @Test("hopper-fp8 loses what blackwell-fp8 keeps")
    func presetsSmoke() throws {
        // 448·448 = 200704 = 1.53125·2^17 with product exponent 8 + 8 = 16; then 31 × 1·1.
        // hopper-fp8: emax 16, cut 2^(16−13) = 8: every 1 → 0; 200704 is a multiple of 8: C = 200704.
        // Exact: 200735. blackwell-fp8: cut 2^-9: nothing lost, 200735 fits binary32. volta-fp16:
        // groups of 4, N = 23: cut ≤ 2^-6: exact.
        let a = [0x7E] + Array(repeating: 0x38, count: 31)
        #expect(try acc("truncated:hopper-fp8", a, e4, a, e4) == 200704)
        #expect(try acc("truncated:ada-fp8", a, e4, a, e4) == 200704)
        #expect(try acc("exact", a, e4, a, e4) == 200735)
        #expect(try acc("truncated:blackwell-fp8", a, e4, a, e4) == 200735)
        #expect(try acc("truncated:volta-fp16", a, e4, a, e4) == 200735)
        #expect(try dot("truncated:hopper-fp8", a, e4, a, e4).output.code != (try dot("exact", a, e4, a, e4)).output.code)
        // The e8m13 accumulator (14 bits, rtz): 200704 + 8·1 = 200712 = 0b110001000000001000 has
        // 15 significant bits; cut 2^3 keeps the 8, the rounding into e8m13 (ulp 16 at 2^17) drops it.
        #expect(try acc("truncated:hopper-fp8", [0x7E, 0x50], e4, [0x7E, 0x38], e4) == 200704)
        #expect(try acc("truncated:blackwell-fp8", [0x7E, 0x50], e4, [0x7E, 0x38], e4) == 200712)
        // deepseek-v3: 448·448 then 255 × 1·1 (256 products). Products 0…127: C = 200704 (the ones
        // are cut: emax 16 then 17); promoted: outer = 200704, C = 0. Products 128…255: group 5:
        // emax 0, C = 32; groups 6–8: cut 2^(5−13) … exact: C = 128. Outer 200704 + 128 = 200832.
        // hopper-fp8 keeps 200704; exact 200959.
        let d = [0x7E] + Array(repeating: 0x38, count: 255)
        #expect(try acc("truncated:deepseek-v3", d, e4, d, e4) == 200832)
        #expect(try acc("truncated:hopper-fp8", d, e4, d, e4) == 200704)
        #expect(try acc("exact", d, e4, d, e4) == 200959)
    }
}

/// §2.5: the initial value C (D = A·B + C). Values from the header's code table.
@Suite struct InitialValueTests {
    @Test("c= parses into the model with its value; NaN, non-dyadic values and c= twice are refused")
    func spellings() throws {
        #expect(try AccumulatorModel.parse("exact,c=+0") == .initialized(.exact, .zero(negative: false)))
        #expect(try AccumulatorModel.parse("exact,c=-0") == .initialized(.exact, .zero(negative: true)))
        #expect(try AccumulatorModel.parse("fp32:sequential,fused,c=0x1p-3")
                == .initialized(.float(FloatAccumulator(format: binary32, order: .sequential, fused: true)), .number(Rational(BigInt(1), timesTwoToThe: -3))))
        for bad in ["exact,c=nan", "exact,c=0.1", "exact,c=", "exact,c=+0,c=-0", "exact,c=1/3"] {
            #expect(throws: ModelError.self, "\(bad)") { try AccumulatorModel.parse(bad) }
        }
    }

    @Test("an all −0 dot is −0 under exact and +0 under exact,c=+0; every model takes C")
    func zeroSign() throws {
        // (−0)·1 + (−0)·1: every product is −0
        let a = [0x80, 0x80], b = [0x38, 0x38]
        #expect(try dot("exact", a, e4, b, e4).output.code == 0x8000_0000)
        #expect(try dot("exact,c=+0", a, e4, b, e4).output.code == 0)
        #expect(try dot("exact,c=-0", a, e4, b, e4).output.code == 0x8000_0000)
        #expect(try dot("kulisch,c=+0", a, e4, b, e4).output.code == 0)
        #expect(try dot("fp32:sequential,c=-0", a, e4, b, e4).output.code == 0x8000_0000)   // −0 + −0 + −0
        #expect(try dot("fp32:sequential", a, e4, b, e4).output.code == 0)                  // starts from +0
        #expect(try dot("truncated:g4n26,c=+0", a, e4, b, e4).output.code == 0)
    }

    @Test("a non-zero C is added once: 1·1.75 + 0.5 = 2.25; lanes start lane 0 from C")
    func nonZero() throws {
        for m in ["exact", "kulisch", "fp32:sequential", "fp32:pairwise", "fp32:lanes4", "truncated:g4n26"] {
            let r = try dot("\(m),c=0.5", [0x38], e4, [0x3E], e4)
            #expect(r.output.code == bits(2.25), "\(m)")
            #expect(r.exact.exactValue == .number(Rational(numerator: BigInt(9), denominator: BigInt(4))!), "\(m)")
        }
        // binary16 accumulator, C = 2048: 2048 + 1 = 2049 is not a binary16 (spacing 2 above 2048),
        // a tie that rounds to even 2048; twice: 2048 again (sequential). Exact: 2050.
        let f16seq = try Dot.compute([0x38, 0x38], e4, [0x38, 0x38], e4, model: try AccumulatorModel.parse("fp16:sequential,c=2048"),
                                     output: binary32, rounding: .rne, overflow: .ovfinf)
        #expect(f16seq.output.code == bits(2048))
        #expect(try dot("exact,c=2048", [0x38, 0x38], e4, [0x38, 0x38], e4).output.code == bits(2050))
        // lanes2 with C = 2048 in lane 0: lane 0 = 2048 + 1 → 2048, lane 1 = 1; 2048 + 1 → 2048 in binary16
        let lanes = try Dot.compute([0x38, 0x38], e4, [0x38, 0x38], e4, model: try AccumulatorModel.parse("fp16:lanes2,c=2048"),
                                    output: binary32, rounding: .rne, overflow: .ovfinf)
        #expect(lanes.output.code == bits(2048))
        // pairwise: (1 + 1) = 2, then 2048 + 2 = 2050 exactly representable (spacing 2)
        let pw = try Dot.compute([0x38, 0x38], e4, [0x38, 0x38], e4, model: try AccumulatorModel.parse("fp16:pairwise,c=2048"),
                                 output: binary32, rounding: .rne, overflow: .ovfinf)
        #expect(pw.output.code == bits(2050))
    }
}

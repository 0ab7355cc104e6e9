// The model's widths come from the reference: the Kulisch derivation (checked against
// enumeration of every product) and the exact grids. Changing a format moves them, and the gates.

import Octet
import OctetExact
import OctetHardware
import Testing

@Suite struct DerivedWidths {
    static func datapath(_ a: String, _ acc: String, _ b: String? = nil) throws -> MACDatapath {
        try MACDatapath.build(MACConfiguration(try MACOperand.named(a), try MACOperand.named(b ?? a), try AccumulatorSpec.named(acc)))
    }

    /// FX+12 widths: int8 28 (two's complement, (−128)² = 2^14), the paper's symmetric INT8 27,
    /// E2 29, E3 35, E4 49 (the paper's text says "INT37": that is the exact product), E5 79;
    /// OCP E4M3FN 49, E5M2 77. Each equals the reference's derivation and its enumeration.
    @Test(arguments: [("int8", 28), ("int8:symmetric", 27), ("fp8_e2m5", 29), ("fp8_e3m4", 35), ("fp8_e4m3", 49),
                      ("fp8_e5m2", 79), ("float8_e4m3fn", 49), ("float8_e5m2", 77)])
    func kulischWidthsFromTheReference(_ name: String, _ width: Int) throws {
        let op = try MACOperand.named(name)
        let derived = KulischDerivation.derive(op.derivationFormat, op.derivationFormat, termsLog2: 12)
        #expect(derived == KulischDerivation.enumerate(op.derivationFormat, op.derivationFormat, termsLog2: 12))
        #expect(derived.register.width == width)
        let d = try Self.datapath(name, "fx+12")
        #expect(d.width("accumulator") == width)
        #expect(d.components.contains { $0.name == "accumulator register" && $0.width == width && $0.gates == 6 * width })
    }

    /// Figure 2's widths: S = 9 − E for the paper's FP8-EX (8 for INT8), P = 2S − 1, shift range
    /// 2(2^E − 2), exact product P + k (E4: 9 + 28 = 37, the paper's "INT37").
    /// The gate model sizes a multiplier from one significand width: a tapered format (HiF8)
    /// is refused by name, as Specs/formats.md §2.4 says.
    @Test func taperedOperandIsRefused() {
        #expect {
            _ = try MACOperand.named("hifloat8")
        } throws: { ($0 as? HardwareError).map { "\($0)".contains("tapered") } ?? false }
    }

    @Test func figure2Widths() throws {
        for (name, s, e) in [("int8:symmetric", 8, 0), ("fp8_e2m5", 7, 2), ("fp8_e3m4", 6, 3), ("fp8_e4m3", 5, 4), ("fp8_e5m2", 4, 5)] {
            let op = try MACOperand.named(name)
            #expect(op.significandWidth == s && op.exponentWidth == e, "\(name)")
            let d = try Self.datapath(name, "fx+12")
            let k = e == 0 ? 0 : 2 * ((1 << e) - 2)
            #expect(d.width("product") == 2 * s - 1)
            #expect(d.width("shift_range") == k)
            #expect(d.width("exact_product") == 2 * s - 1 + k)
        }
        #expect(try Self.datapath("fp8_e4m3", "fx+12").width("exact_product") == 37)
    }

    /// The symmetric INT8 is derived from the sign-magnitude twin e1m6:bias=1,specials=fnuz,
    /// whose exact grid is {−127 … 127} · 2^−6.
    @Test func symmetricTwinGrid() throws {
        for bits in [2, 4, 8] {
            let op = try MACOperand.named("int\(bits):symmetric")
            let m = (1 << (bits - 1)) - 1
            #expect(op.grid == (-m ... m).map { Rational($0) })
            #expect(op.exponentCount == 1 && op.significandWidth == bits)
        }
        #expect(try MACOperand.named("int8").grid.count == 256)
    }

    /// A changed format moves the width and the gate count.
    @Test func changingTheFormatMovesWidthAndGates() throws {
        // The paper's E5 (all 31 exponents finite) → OCP E5M2 (the top exponent is Inf/NaN).
        let paper = try Self.datapath("fp8_e5m2", "fx+12"), ocp = try Self.datapath("float8_e5m2", "fx+12")
        #expect(paper.width("accumulator") == 79 && ocp.width("accumulator") == 77)
        #expect(ocp.width("shift_range") == 58 && paper.width("shift_range") == 60)
        #expect(ocp.total < paper.total)
        // E4M3 with IEEE specials: 14 exponents instead of 15.
        let ieee = try Self.datapath("e4m3:bias=8,specials=ieee", "fx+12"), e4 = try Self.datapath("fp8_e4m3", "fx+12")
        #expect(ieee.width("accumulator") == 47 && e4.width("accumulator") == 49)
        #expect(ieee.total < e4.total)
        // One more mantissa bit: a wider multiplier and product.
        let e4m4 = try Self.datapath("e4m4:bias=8,specials=fnuz", "fx+12")
        #expect(e4m4.width("product") == 11 && e4m4.width("accumulator") == 51 && e4m4.mpy > e4.mpy)
        // Two's-complement INT8 instead of the symmetric one: one more product bit.
        let int8 = try Self.datapath("int8", "fx+12"), sym = try Self.datapath("int8:symmetric", "fx+12")
        #expect(int8.width("accumulator") == 28 && sym.width("accumulator") == 27 && int8.total == sym.total + 13)
        // The accumulator format drives S_A and E_A: bfloat16 (E_A 8, S_A 9) vs binary16 (5, 12).
        let bf16 = try Self.datapath("fp8_e4m3", "bf16"), fp16 = try Self.datapath("fp8_e4m3", "fp16")
        #expect(bf16.width("accumulator_significand") == 9 && fp16.width("accumulator_significand") == 12)
        #expect(bf16.total != fp16.total)
    }

    /// Widths versus V: the register is the exact product plus V bits, as derived.
    @Test func widthsVersusV() throws {
        for name in ["int8:symmetric", "fp8_e4m3", "float8_e5m2"] {
            let op = try MACOperand.named(name)
            var last = 0.0
            for v in [0, 4, 8, 12, 16, 20, 24, 32] {
                let d = try Self.datapath(name, "fx+\(v)")
                let w = KulischDerivation.derive(op.derivationFormat, op.derivationFormat, termsLog2: v).register.width
                #expect(d.width("accumulator") == w && w == d.width("exact_product")! + v)
                #expect(d.total > last)
                last = d.total
            }
        }
    }

    /// Beyond the paper: INT32 accumulators, W4A8, MX blocks.
    @Test func beyondThePaper() throws {
        // ../shared/reference/paper.md §4.4: widening the 27-bit accumulator to 32 bits adds
        // 5 flip-flops and 5 incrementer bits, ≈772 gates.
        #expect(try Self.datapath("int8:symmetric", "int32").total == 772)
        #expect(try Self.datapath("int8", "int32").total == 776)
        let w4a8 = try Self.datapath("int4", "fx+12", "int8")
        #expect(w4a8.width("exact_product") == 12 && w4a8.width("accumulator") == 24)
        #expect(w4a8.mpy == Double(4 * 8 + 3 * 7 * 7 + 3 * 3))
        let mx = try Self.datapath("float8_e4m3fn", "mx32:fp32")
        #expect(mx.width("block_accumulator") == 37 + 5)
        #expect(mx.components.contains { $0.sharedBy == 32 })
        let perProduct = mx.components.filter { $0.sharedBy == 1 }.reduce(0) { $0 + $1.gates }
        let perBlock = mx.components.filter { $0.sharedBy == 32 }.reduce(0) { $0 + $1.gates }
        #expect(abs(mx.total - (Double(perProduct) + Double(perBlock) / 32)) < 1e-9)
        #expect(mx.total < (try Self.datapath("float8_e4m3fn", "fp32")).total)
        #expect(throws: HardwareError.self) { try Self.datapath("fp8_e4m3", "int32") }
        #expect(throws: HardwareError.self) { try MACOperand.named("fp8_e4m3:symmetric") }
    }

    /// Figure 2b's constraints are reported where the paper's FP16 bars break them.
    @Test func constraintNotes() throws {
        #expect(try Self.datapath("int8:symmetric", "fp16").notes.contains { $0.contains("S_A = 12 < P = 15") })
        #expect(try Self.datapath("fp8_e5m2", "fp16").notes.contains { $0.contains("exceed fp16") })
        #expect(try Self.datapath("fp8_e4m3", "fp32").notes.isEmpty)
    }
}

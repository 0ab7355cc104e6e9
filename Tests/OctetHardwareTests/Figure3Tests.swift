// The paper's Figure 3 reproduced from the Appendix B costs and the verified widths
// (Specs/hardware.md §4): the targets of issue 6 against the digitized values of
// ../shared/reference/paper.md §6.1.

import Octet
import OctetHardware
import Testing

@Suite struct Figure3Reproduction {
    static let rows = Figure3.paperRows()

    static func row(_ input: String, _ acc: String) -> AreaRow {
        rows.first { $0.datapath.configuration.a.name == input && $0.datapath.configuration.accumulator.name == acc }!
    }

    /// Every fixed-point (Kulisch, FX+12) bar within 1 % of the digitized total. The INT8 bar is
    /// 118 px = 719.5 gates tall (the table says 719); the Appendix B formulas give 727 — 8×8
    /// multiplier 428 + 15-bit adder 101 + 27 flip-flops 162 + 12-bit incrementer 36 — which is
    /// 1.1 % above 719 and is the baseline the paper's own "53 %" needs (1110 / 727 = 1.527). For
    /// that one bar the bound adds the figure's stated zero-line uncertainty of 0.5 px (3 gates);
    /// no constant of the model is fitted to it.
    @Test func fixedPointBarsWithinOnePercent() {
        for (i, name) in Figure3.inputNames.enumerated() {
            let r = Self.row(name, "fx+12")
            let paper = Double(Figure3.digitized[i][0].total)
            let zeroLine = i == 0 ? 0.5 * 500 / 82 : 0
            #expect(abs(r.datapath.total - paper) <= 0.01 * paper + zeroLine,
                    "\(r.label): model \(r.datapath.total), paper \(paper)")
        }
        #expect(Self.row("int8:symmetric", "fx+12").datapath.total == 727)
    }

    @Test func floatingPointBarsWithinThreePercent() {
        for (i, name) in Figure3.inputNames.enumerated() {
            for (j, acc) in ["fp16", "fp32"].enumerated() {
                let r = Self.row(name, acc)
                let paper = Double(Figure3.digitized[i][j + 1].total)
                #expect(abs(r.datapath.total / paper - 1) <= 0.03, "\(r.label): model \(r.datapath.total), paper \(paper)")
            }
        }
    }

    @Test func headlineRatios() {
        let base = Self.row("int8:symmetric", "fx+12").datapath.total
        let fp16 = Self.row("fp8_e4m3", "fp16").datapath.total / base
        let fp32 = Self.row("fp8_e4m3", "fp32").datapath.total / base
        #expect(abs(fp16 - 1.53) <= 0.02, "E4 → FP16 / INT8 = \(fp16)")
        #expect(abs(fp32 - 2.83) <= 0.05, "E4 → FP32 / INT8 = \(fp32)")
        #expect(Self.row("fp8_e4m3", "fp16").ratio == fp16)
    }

    /// The paper's reading of the figure: the fixed-point accumulator is cheapest from INT8 up to
    /// FP8-E3, FP8-E4 "almost breaks even", and FP8-E5 needs the floating-point accumulator.
    @Test func paperConclusionsHold() {
        for name in ["int8:symmetric", "fp8_e2m5", "fp8_e3m4"] {
            #expect(Self.row(name, "fx+12").datapath.total < Self.row(name, "fp16").datapath.total)
        }
        let fx = Self.row("fp8_e4m3", "fx+12").datapath.total, fp = Self.row("fp8_e4m3", "fp16").datapath.total
        #expect(abs(fx / fp - 1) < 0.05)
        #expect(Self.row("fp8_e5m2", "fx+12").datapath.total > Self.row("fp8_e5m2", "fp16").datapath.total)
    }

    /// A regression guard on the parts (the paper's segments are only digitized to ±3 gates and
    /// its floating-point datapath is not specified): each part within 5 % or 20 gates.
    @Test func partsCloseToTheFigure() {
        for (i, name) in Figure3.inputNames.enumerated() {
            for (j, acc) in Figure3.accumulatorNames.enumerated() {
                let d = Self.row(name, acc).datapath, p = Figure3.digitized[i][j]
                for (model, paper) in [(d.mpy, p.mpy), (d.alignadd, p.alignadd), (d.normacc, p.normacc)] {
                    #expect(abs(model - Double(paper)) <= max(20, 0.05 * Double(paper)), "\(name) \(acc): \(model) vs \(paper)")
                }
            }
        }
    }

    /// The reconstruction of the fixed-point bars in ../shared/reference/paper.md §6.3, part by part.
    @Test func fixedPointPartsMatchTheReconstruction() {
        let expected: [(String, Double, Double, Double)] = [
            ("int8:symmetric", 428, 101, 198), ("fp8_e2m5", 329, 332, 210), ("fp8_e3m4", 243, 409, 246),
            ("fp8_e4m3", 173, 562, 330), ("fp8_e5m2", 119, 879, 510),
        ]
        for (name, mpy, alignadd, normacc) in expected {
            let d = Self.row(name, "fx+12").datapath
            #expect(d.mpy == mpy && d.alignadd == alignadd && d.normacc == normacc, "\(name): \(d.mpy) \(d.alignadd) \(d.normacc)")
        }
    }

    @Test func partsAreTheSumOfTheComponents() {
        for r in Self.rows + Figure3.beyondRows() {
            let d = r.datapath
            #expect(abs(d.mpy + d.alignadd + d.normacc - d.total) < 1e-9)
            #expect(!d.components.isEmpty)
            for c in d.components { #expect(c.gates >= 0 && c.sharedBy >= 1, "\(r.label): \(c.name)") }
        }
    }
}

@Suite struct AppendixBPrimitives {
    @Test func unitCosts() {
        #expect(GateCost.fullAdder == 7)
        #expect(GateCost.flipFlop == 6)
        #expect(GateCost.adder(15) == 101)
        #expect(GateCost.incrementer(12) == 36)
        #expect(GateCost.register(27) == 162)
    }

    /// Examples of ../shared/reference/paper.md §10: 8×8 428, 4×4 88, 5×5 149.
    @Test func multipliers() {
        for (n, gates) in [(8, 428), (4, 88), (5, 149)] {
            #expect(GateCost.partialProducts(n, n) + GateCost.partialProductReduction(n, n) == gates)
        }
        // Rectangular: the narrower operand gives the rows.
        #expect(GateCost.partialProductReduction(4, 8) == 3 * 7 * 7 + 3 * 3)
        #expect(GateCost.partialProductReduction(8, 4) == GateCost.partialProductReduction(4, 8))
    }

    @Test func shifters() {
        // E4's product alignment: 9-bit « [0,28] widen = 7·5·3 + 28·4.
        #expect(GateCost.shiftLeftWiden(9, range: 28) == 217)
        #expect(GateCost.shiftLeft(14, range: 13) == 14 * 4 * 3 - 13 * 2)
        #expect(GateCost.shiftRightSigned(27, range: 26) == 26 * 5 * 3)
        #expect(GateCost.shiftLeftWiden(15, range: 0) == 0)
    }

    @Test func leadingZeroCounter() {
        let expected = [1: 0, 2: 1, 3: 5, 4: 6, 8: 19, 15: 47, 16: 48, 28: 96, 32: 109]
        for (n, gates) in expected { #expect(GateCost.leadingZeroCounter(n) == gates, "LZC(\(n))") }
        #expect(GateCost.ceilLog2(1) == 0 && GateCost.ceilLog2(29) == 5 && GateCost.ceilLog2(32) == 5)
    }
}

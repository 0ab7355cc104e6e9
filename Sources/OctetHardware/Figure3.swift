import Octet

/// A digitized bar of Figure 3 (van Baalen et al. 2023, arXiv v1; the paper prints no numbers:
/// the values are measured from the figure's drawing commands, ±3 gates per segment, ±6 per
/// total; `../shared/reference/paper.md` §6.1).
public struct DigitizedBar: Sendable, Hashable {
    public let mpy: Int
    public let alignadd: Int
    public let normacc: Int
    public let total: Int
}

/// One row of `octet area`: a priced configuration, its section, and the paper's value if any.
public struct AreaRow: Sendable {
    public enum Section: String, Sendable { case paper, beyond }
    public let section: Section
    /// The paper's label ("E4 → FP16") for paper rows, a description for the others.
    public let label: String
    public let datapath: MACDatapath
    public let paper: DigitizedBar?
    /// Total / the paper's INT8 → FX+12 total (the same model).
    public let ratio: Double
}

public enum Figure3 {
    /// The paper's five input formats in Figure 3's order; INT8 is the symmetric INT8 (±127)
    /// whose 15-bit product the paper uses.
    public static let inputNames = ["int8:symmetric", "fp8_e2m5", "fp8_e3m4", "fp8_e4m3", "fp8_e5m2"]
    public static let inputLabels = ["INT8", "E2", "E3", "E4", "E5"]
    public static let accumulatorNames = ["fx+12", "fp16", "fp32"]
    public static let accumulatorLabels = ["FX+12", "FP16", "FP32"]

    /// Digitized Figure 3, indexed [input][accumulator] in the orders above.
    public static let digitized: [[DigitizedBar]] = [
        [DigitizedBar(mpy: 421, alignadd: 104, normacc: 195, total: 719),
         DigitizedBar(mpy: 445, alignadd: 591, normacc: 360, total: 1396),
         DigitizedBar(mpy: 445, alignadd: 1085, normacc: 799, total: 2329)],
        [DigitizedBar(mpy: 329, alignadd: 335, normacc: 207, total: 872),
         DigitizedBar(mpy: 335, alignadd: 579, normacc: 360, total: 1274),
         DigitizedBar(mpy: 335, alignadd: 1073, normacc: 799, total: 2207)],
        [DigitizedBar(mpy: 244, alignadd: 409, normacc: 244, total: 896),
         DigitizedBar(mpy: 250, alignadd: 573, normacc: 360, total: 1183),
         DigitizedBar(mpy: 250, alignadd: 1067, normacc: 799, total: 2116)],
        [DigitizedBar(mpy: 171, alignadd: 567, normacc: 329, total: 1067),
         DigitizedBar(mpy: 183, alignadd: 567, normacc: 360, total: 1110),
         DigitizedBar(mpy: 183, alignadd: 1055, normacc: 805, total: 2043)],
        [DigitizedBar(mpy: 122, alignadd: 878, normacc: 506, total: 1506),
         DigitizedBar(mpy: 128, alignadd: 567, normacc: 354, total: 1049),
         DigitizedBar(mpy: 128, alignadd: 1049, normacc: 805, total: 1982)],
    ]

    /// The paper's headline ratios: FP8-E4 → 16-bit needs 53 % more gates than INT8, → 32-bit 183 %.
    public static let headlineE4FP16 = 1.53
    public static let headlineE4FP32 = 2.83

    /// The configuration of bar [input][accumulator].
    public static func configuration(input i: Int, accumulator j: Int) -> MACConfiguration {
        let op = try! MACOperand.named(inputNames[i])
        return MACConfiguration(op, try! AccumulatorSpec.named(accumulatorNames[j]))
    }

    /// The paper's INT8 → FX+12 datapath: the ratio baseline.
    public static func baseline() -> MACDatapath { try! MACDatapath.build(configuration(input: 0, accumulator: 0)) }

    /// The 15 bars, in Figure 3's order (INT8 FX+12, FP16, FP32, then E2, …).
    public static func paperRows() -> [AreaRow] {
        let base = baseline().total
        var rows: [AreaRow] = []
        for i in inputNames.indices {
            for j in accumulatorNames.indices {
                let d = try! MACDatapath.build(configuration(input: i, accumulator: j))
                rows.append(AreaRow(section: .paper, label: "\(inputLabels[i]) → \(accumulatorLabels[j])", datapath: d,
                                    paper: digitized[i][j], ratio: d.total / base))
            }
        }
        return rows
    }

    /// "Beyond the paper": the same model on configurations the paper does not draw.
    public static func beyondRows() -> [AreaRow] {
        let base = baseline().total
        func row(_ label: String, _ a: String, _ b: String? = nil, _ acc: String) -> AreaRow {
            let x = try! MACOperand.named(a)
            let y = try! MACOperand.named(b ?? a)
            let d = try! MACDatapath.build(MACConfiguration(x, y, try! AccumulatorSpec.named(acc)))
            return AreaRow(section: .beyond, label: label, datapath: d, paper: nil, ratio: d.total / base)
        }
        var rows: [AreaRow] = [
            row("INT8 (two's complement) → FX+12", "int8", nil, "fx+12"),
            row("INT8 (two's complement) → INT32", "int8", nil, "int32"),
            row("INT8 (symmetric) → INT32", "int8:symmetric", nil, "int32"),
            row("W4A8 (INT4 × INT8) → FX+12", "int4", "int8", "fx+12"),
            row("W4A8 (INT4 × INT8) → INT32", "int4", "int8", "int32"),
        ]
        for (label, name) in [("OCP E4M3FN", "float8_e4m3fn"), ("OCP E5M2", "float8_e5m2"),
                              ("P3109 binary8p3se", "binary8p3se"), ("P3109 binary8p4se", "binary8p4se"),
                              ("P3109 binary8p5se", "binary8p5se")] {
            for acc in ["fx+12", "fp16", "fp32"] {
                rows.append(row("\(label) → \(acc.uppercased())", name, nil, acc))
            }
        }
        rows.append(row("E4 → BF16", "fp8_e4m3", nil, "bf16"))
        rows.append(row("OCP E4M3FN → BF16", "float8_e4m3fn", nil, "bf16"))
        for (label, name) in [("MXFP8 E4M3", "float8_e4m3fn"), ("MXFP8 E5M2", "float8_e5m2"), ("MXFP6 E2M3", "float6_e2m3fn"),
                              ("MXFP6 E3M2", "float6_e3m2fn"), ("MXFP4 E2M1", "float4_e2m1fn"), ("MXINT8", "int8")] {
            rows.append(row("\(label), E8M0 scale per 32 → FP32", name, nil, "mx32:fp32"))
        }
        for (label, name) in [("INT8 (symmetric)", "int8:symmetric"), ("E4", "fp8_e4m3"), ("OCP E4M3FN", "float8_e4m3fn"),
                              ("OCP E5M2", "float8_e5m2")] {
            for v in [0, 4, 8, 16, 20, 24, 32] {
                rows.append(row("\(label) → FX+\(v)", name, nil, "fx+\(v)"))
            }
        }
        return rows
    }

    /// Prices any configuration as a row of the same table.
    public static func customRow(_ c: MACConfiguration) throws(HardwareError) -> AreaRow {
        let d = try MACDatapath.build(c)
        return AreaRow(section: .beyond, label: "\(c.inputs)\(c.symmetric ? " (symmetric)" : "") → \(c.accumulator.name)",
                       datapath: d, paper: nil, ratio: d.total / baseline().total)
    }
}

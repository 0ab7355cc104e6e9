import ArgumentParser
import Foundation
import Octet
import OctetExact
import OctetHardware

struct AreaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "area",
        abstract: "MAC gate counts from the paper's Appendix B costs and verified datapath widths.",
        discussion: """
        Prices multiply-accumulate datapaths in 2-input-gate equivalents (van Baalen et al. 2023, \
        Figure 2 and Appendix B), with every width derived from the reference (Kulisch widths from \
        the same derivation as `octet kulisch`). Without --a/--acc: the 15 bars of the paper's \
        Figure 3 (section paper, with the digitized values), then further configurations (section \
        beyond). --a F [--b F] --acc ACC prices one configuration (F: a format name, int8:symmetric \
        for the paper's ±127 INT8; ACC: fx+V, int32, fp16, fp32, bf16, a float format, mx32:fp32). \
        --json prints an array of objects with section, label, inputs, a, b, symmetric, accumulator, \
        accumulator_bits, mpy, alignadd, normacc, total, ratio (to the paper's INT8 → FX+12 in this \
        model), paper (the digitized bar or null), deviation (total/paper − 1 or null), widths, \
        components (part, name, primitive, width, detail, gates, shared_by) and notes. --svg FILE \
        writes a stacked bar chart (Figure 3's bars, or the requested configuration). See \
        Specs/hardware.md.
        """)

    @Option(name: .customLong("a"), help: "First input format (with --acc).")
    var aFormat: String?
    @Option(name: .customLong("b"), help: "Second input format (default: the first).")
    var bFormat: String?
    @Option(name: .customLong("acc"), help: "Accumulator: fx+V, int32, fp16, fp32, bf16, a float format, mx32:fp32.")
    var accumulator: String?
    @Flag(help: "Print JSON.")
    var json = false
    @Option(name: .customLong("svg"), help: "Write a stacked bar chart to this file.")
    var svg: String?
    @Flag(help: "List every component of every row.")
    var components = false

    func validate() throws {
        if (aFormat == nil) != (accumulator == nil) { throw ValidationError("--a and --acc go together") }
        if bFormat != nil && aFormat == nil { throw ValidationError("--b needs --a and --acc") }
        if svg == "" { throw ValidationError("--svg needs a file name (got an empty path)") }
    }

    func run() throws {
        var rows: [AreaRow]
        var chartRows: [AreaRow]
        if let a = aFormat, let acc = accumulator {
            do {
                let x = try MACOperand.named(a)
                let y = try MACOperand.named(bFormat ?? a)
                rows = [try Figure3.customRow(MACConfiguration(x, y, try AccumulatorSpec.named(acc)))]
            } catch { throw CLIUsage(error.description) }
            chartRows = rows
        } else {
            chartRows = Figure3.paperRows()
            rows = chartRows + Figure3.beyondRows()
        }
        if let path = svg { try writeFile(path, HardwareCharts.area(chartRows)) }
        if json {
            print(JSON.array(rows.map(areaJSON)).rendered(indent: 0))
            return
        }
        var table = [["section", "configuration", "inputs", "acc", "acc bits", "mpy", "alignadd", "normacc", "total", "ratio", "paper", "Δ"]]
        for r in rows {
            let d = r.datapath
            table.append([
                r.section.rawValue, r.label, d.configuration.inputs + (d.configuration.symmetric ? " (sym)" : ""),
                d.configuration.accumulator.name, accumulatorBits(d).map(String.init) ?? "-",
                HardwareNumber.gates(d.mpy), HardwareNumber.gates(d.alignadd), HardwareNumber.gates(d.normacc),
                HardwareNumber.gates(d.total), HardwareNumber.ratio(r.ratio),
                r.paper.map { String($0.total) } ?? "-",
                r.paper.map { String(format: "%+.2f%%", (d.total / Double($0.total) - 1) * 100) } ?? "-",
            ])
        }
        printTable(table)
        print("")
        print("ratio: total / INT8 (symmetric, ±127) → FX+12 = \(HardwareNumber.gates(Figure3.baseline().total)) gates; paper: digitized Figure 3 (±3 gates per segment).")
        for r in rows where !r.datapath.notes.isEmpty {
            for n in r.datapath.notes { print("note: \(r.label): \(n)") }
        }
        if components {
            for r in rows {
                print("")
                print("\(r.label):")
                var t = [["part", "component", "primitive", "width", "detail", "gates"]]
                for c in r.datapath.components {
                    t.append([c.part.rawValue, c.name, c.primitive, String(c.width), c.detail,
                              c.sharedBy == 1 ? String(c.gates) : "\(c.gates)/\(c.sharedBy)"])
                }
                printTable(t)
            }
        }
    }

    func accumulatorBits(_ d: MACDatapath) -> Int? {
        switch d.configuration.accumulator {
        case .kulisch, .fixedPoint: return d.width("accumulator")
        case .float(let f): return f.bits
        case .mxBlock(_, _, let outer): return outer.bits
        }
    }

    func areaJSON(_ r: AreaRow) -> JSON {
        let d = r.datapath, c = d.configuration
        func num(_ x: Double) -> JSON { .number(HardwareNumber.gates(x)) }
        var paper = JSON.null, deviation = JSON.null
        if let p = r.paper {
            paper = .object([("mpy", .number(String(p.mpy))), ("alignadd", .number(String(p.alignadd))),
                             ("normacc", .number(String(p.normacc))), ("total", .number(String(p.total)))])
            deviation = .number(String(format: "%.4f", d.total / Double(p.total) - 1))
        }
        let widths = JSON.object(d.widths.map { ($0.name, JSON.number(String($0.bits))) })
        let components = JSON.array(d.components.map(componentJSON))
        var pairs: [(String, JSON)] = [
            ("section", .string(r.section.rawValue)),
            ("label", .string(r.label)),
            ("inputs", .string(c.inputs)),
            ("a", .string(c.a.format.name)),
            ("b", .string(c.b.format.name)),
            ("symmetric", .bool(c.symmetric)),
            ("accumulator", .string(c.accumulator.name)),
        ]
        pairs.append(("accumulator_bits", accumulatorBits(d).map { JSON.number(String($0)) } ?? .null))
        pairs += [("mpy", num(d.mpy)), ("alignadd", num(d.alignadd)), ("normacc", num(d.normacc)), ("total", num(d.total))]
        pairs.append(("ratio", .number(String(format: "%.4f", r.ratio))))
        pairs += [("paper", paper), ("deviation", deviation), ("widths", widths), ("components", components)]
        pairs.append(("notes", .array(d.notes.map { JSON.string($0) })))
        return .object(pairs)
    }

    func componentJSON(_ comp: HardwareComponent) -> JSON {
        .object([("part", .string(comp.part.rawValue)), ("name", .string(comp.name)),
                 ("primitive", .string(comp.primitive)), ("width", .number(String(comp.width))),
                 ("detail", .string(comp.detail)), ("gates", .number(String(comp.gates))),
                 ("shared_by", .number(String(comp.sharedBy)))])
    }
}

extension DataDistribution: ExpressibleByArgument {}

struct AccuracyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accuracy",
        abstract: "Bits of accuracy log2(σ/RMSE) of number formats at the MSE-optimal scale.",
        discussion: """
        Integrates the squared quantization error over every cell of the exact grid of a format \
        (its values from the reference; closed-form moments of the density, no sampling) and \
        minimizes it over the scale (van Baalen et al. 2023 §4.1, Figure 5). Distributions: \
        uniform, gaussian, laplace (all σ = 1), student-t3 (ν = 3, σ = √3). Without --format: the \
        15 bars of Figure 5 (section paper, with the digitized values), then further formats and \
        distributions (section beyond), then the FP8 → INT8 coverage of §4.5 (text only). \
        --format F (repeatable; int8:symmetric is the paper's INT8) and --distribution D \
        (repeatable, default all four) compute those instead. --json prints an array of objects \
        with section, format, symmetric, distribution, bits, paper (or null), clip_sigmas (the \
        optimal clipping point in units of σ), scale, rmse. --svg FILE writes a grouped bar chart.
        """)

    @Option(name: .customLong("format"), help: "A format to evaluate (repeatable).")
    var formats: [String] = []
    @Option(name: .customLong("distribution"), help: "uniform, gaussian, laplace, student-t3 (repeatable).")
    var distributions: [DataDistribution] = []
    @Flag(help: "Print JSON.")
    var json = false
    @Option(name: .customLong("svg"), help: "Write a grouped bar chart to this file.")
    var svg: String?

    func validate() throws {
        if svg == "" { throw ValidationError("--svg needs a file name (got an empty path)") }
        if formats.isEmpty && !distributions.isEmpty { throw ValidationError("--distribution needs --format") }
    }

    func run() throws {
        var rows: [AccuracyRow]
        var chartRows: [AccuracyRow]
        if formats.isEmpty {
            chartRows = AccuracyRow.paperRows()
            rows = chartRows + AccuracyRow.beyondRows()
        } else {
            let dists = distributions.isEmpty ? DataDistribution.allCases : distributions
            rows = []
            for name in formats {
                let op: MACOperand
                do { op = try MACOperand.named(name) } catch { throw CLIUsage(error.description) }
                guard op.format.isEnumerable else { throw CLIUsage("\(name): accuracy needs a format of at most 16 bits") }
                guard op.grid.count >= 2 else { throw CLIUsage("\(name) has fewer than two finite values") }
                for d in dists {
                    rows.append(AccuracyRow(section: .beyond, operand: op, distribution: d,
                                            result: QuantizationAccuracy.bits(op, d), paper: nil))
                }
            }
            chartRows = rows
        }
        if let path = svg { try writeFile(path, HardwareCharts.accuracy(chartRows)) }
        if json {
            print(JSON.array(rows.map { r in
                .object([
                    ("section", .string(r.section.rawValue)),
                    ("format", .string(r.operand.format.name)),
                    ("symmetric", .bool(r.operand.symmetric)),
                    ("distribution", .string(r.distribution.rawValue)),
                    ("bits", .number(String(format: "%.4f", r.result.bits))),
                    ("paper", r.paper.map { .number(String(format: "%.2f", $0)) } ?? .null),
                    ("clip_sigmas", .number(String(format: "%.6g", r.result.clipInSigmas))),
                    ("scale", .number(String(format: "%.6g", r.result.scale))),
                    ("rmse", .number(String(format: "%.6g", r.result.rmse))),
                ])
            }).rendered(indent: 0))
            return
        }
        var table = [["section", "format", "distribution", "bits", "paper", "Δ", "clip/σ"]]
        for r in rows {
            table.append([
                r.section.rawValue, r.operand.format.name + (r.operand.symmetric ? " (sym)" : ""), r.distribution.rawValue,
                HardwareNumber.bits(r.result.bits), r.paper.map(HardwareNumber.bits) ?? "-",
                r.paper.map { String(format: "%+.3f", r.result.bits - $0) } ?? "-",
                String(format: "%.4g", r.result.clipInSigmas),
            ])
        }
        printTable(table)
        guard formats.isEmpty else { return }
        print("")
        print("FP8 → INT8 (paper §4.5): the fraction of each format's range [0, max] that INT8 (−128…127) represents")
        print("exactly under the best power-of-two scale (FP8ToINT8.bestCoverage; paper: \"roughly 90 %\" for FP8-E4):")
        var t = [["format", "scale", "range fraction", "exactly representable codes"]]
        for name in ["fp8_e2m5", "fp8_e3m4", "fp8_e4m3", "fp8_e5m2", "float8_e4m3fn", "float8_e5m2"] {
            let f = try lookUpFormat(name)
            let c = FP8ToINT8.bestCoverage(of: f)
            let frac = c.rangeFraction
            let pct = Double(frac.numerator.toString())! / Double(frac.denominator.toString())! * 100
            t.append([name, "2^\(c.scaleExponent)", "\(frac) = \(String(format: "%.1f", pct)) %", "\(c.exactCodes) of \(c.finiteCodes)"])
        }
        printTable(t)
    }
}

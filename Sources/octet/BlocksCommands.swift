import ArgumentParser
import Octet
import OctetExact

// `octet blocks`: block-scaled tensor formats (BlockScheme in the library). This file parses
// lines and prints; quantization, dequantization and the arithmetic are the library's.

struct BlocksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blocks",
        abstract: "Block-scaled tensors: NVFP4, MX, FP8 block scaling, group-wise INT4/INT8 (Specs/blocks.md).",
        subcommands: [BlocksListCommand.self, BlocksQuantizeCommand.self, BlocksDequantizeCommand.self, BlocksDotCommand.self, BlocksGemmCommand.self])
}

extension BlockScheme.Packing: ExpressibleByArgument {}
extension BlockScheme.Profile: ExpressibleByArgument {}

struct SchemeOptions: ParsableArguments {
    @Option(help: "The block scheme (`octet blocks list`; other sizes: mxfp4_b16, nvfp4_b32, fp8_1x64, int4_g64_asym).")
    var scheme: String
    @Option(help: "MX schemes: the scale rule (floor, the OCP default; ceil; rceil; even).")
    var rule: MXScaleRule?
    @Option(help: "Whose arithmetic quantizes: exact (default), torchao, microxcaling, te, gptq, awq, llmcompressor (Specs/blocks.md §6; a profile first rounds inputs to binary32, as the library takes them).")
    var profile: BlockScheme.Profile = .exact

    func resolve() throws -> BlockScheme {
        do {
            var s = try BlockSchemes.named(scheme)
            if let rule { s = try s.with(rule: rule) }
            return try s.with(profile: profile)
        } catch let e as QuantizerError { throw CLIUsage("--scheme \(scheme): \(e.description)") }
    }
}

/// Hex of a scale or zero-point code of `f` (binary32 as 8 digits).
func hexCode(_ f: Format, _ c: Int) -> String { f.hex(c) }

/// Reads rows of values from standard input (comma- or blank-separated exact values, one row
/// per line; a blank line is an error, or ends a matrix when `blankEnds`).
func readValueRows(_ lines: inout InputLines, stopAtBlank: Bool = false) throws -> [[ExactValue]] {
    var rows: [[ExactValue]] = []
    while let (n, text) = lines.next() {
        let blank = LineSplit.withBytes(text) { LineSplit.isBlankLine($0) }
        if blank {
            if stopAtBlank && !rows.isEmpty { break }
            throw blankLineError(n, needs: "one row of the tensor")
        }
        var row: [ExactValue] = []
        try LineSplit.withBytes(text) { b in
            try LineSplit.elements(b, 0 ..< b.count, blanks: true, position: "line \(n)") { _, r in row.append(try LineSplit.value(b, r)) }
        }
        rows.append(row)
    }
    return rows
}

func blockError(_ e: BlockError, lineOffset: Int = 0) -> CLIError {
    // rows are input lines (1-based) when the tensor starts on line 1
    if let r = e.row {
        return CLIError("line \(r + lineOffset)\(e.column.map { ", element \($0)" } ?? ""): \(e.message)")
    }
    return CLIError(e.message)
}

struct BlocksListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The registered block schemes.")
    func run() throws {
        print("scheme  element  block  scales  tensor-scale  zero-point")
        for s in BlockSchemes.all {
            var tensor = "–", zero = "–"
            if case .e4m3(true) = s.scaling { tensor = "binary32" }
            if case .integer(let z) = s.scaling, z != .symmetric { zero = z == .integer ? s.element.name : "binary32" }
            var scale = s.scaleFormat.name
            if case .mx(let r) = s.scaling { scale += " (\(r.rawValue))" }
            print("\(s.name)  \(s.mxInt8 ? "mxint8" : s.element.name)  \(s.blockRows)x\(s.blockCols)  \(scale)  \(tensor)  \(zero)")
        }
    }
}

struct BlocksQuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize a tensor (one row per line, comma- or blank-separated values) into element codes and scales.",
        discussion: """
        Blocks run along each row (1×k schemes; the last block of a row may be shorter); 2-D \
        schemes tile rows × columns and need rows of one length (edge tiles may be smaller). \
        Prints one line per row: `[tensor_scale=0xHHHHHHHH ]scales=S1,S2,… [zero_points=Z1,…] \
        codes=C1,C2,…` (scales of the row's blocks; a 2-D tile's scale on each of its rows), or \
        with --packed `packed=HEX…` (4-bit elements, --packing order) instead of codes. --json \
        prints {"scheme", "tensor_scale" (exact value or null), "tensor_scale_bits", "rows": \
        [{"scales", ["zero_points",] "codes"}]} with codes unpacked. A blank line is an error.
        """)
    @OptionGroup var options: SchemeOptions
    @Flag(help: "Print one JSON object.")
    var json = false
    @Flag(help: "Print the codes packed into bytes (4-bit elements).")
    var packed = false
    @Option(help: "With --packed: low-first (default), high-first or awq.")
    var packing: BlockScheme.Packing?

    func run() throws {
        let scheme = try options.resolve()
        if packed && scheme.element.bits != 4 { throw CLIUsage("--packed: \(scheme.name) has \(scheme.element.bits)-bit elements (packing is defined for 4-bit ones)") }
        if packing != nil && !packed { throw CLIUsage("--packing needs --packed") }
        var lines = InputLines()
        let rows = try readValueRows(&lines)
        guard !rows.isEmpty else { throw CLIError("no input: give the tensor on standard input, one row per line") }
        let t: BlockTensor
        do { t = try scheme.quantize(rows) } catch { throw blockError(error) }
        let sf = scheme.scaleFormat
        let zf: Format? = {
            if case .integer(let z) = scheme.scaling, z != .symmetric { return z == .integer ? scheme.element : sf }
            return nil
        }()
        if json {
            var s = "{\"scheme\": \"\(scheme.name)\", \"tensor_scale\": "
            if let ts = t.tensorScale {
                s += "\"\(BlockScheme.tensorScaleFormat.value(ofCode: Int(ts)))\", \"tensor_scale_bits\": \"\(hexCode(BlockScheme.tensorScaleFormat, Int(ts)))\""
            } else {
                s += "null, \"tensor_scale_bits\": null"
            }
            s += ", \"rows\": ["
            s += t.codes.indices.map { r in
                var o = "{\"scales\": [" + t.rowScales(r).map { "\"\(hexCode(sf, $0))\"" }.joined(separator: ", ") + "]"
                if let zf, let z = t.rowZeroPoints(r) { o += ", \"zero_points\": [" + z.map { "\"\(hexCode(zf, $0))\"" }.joined(separator: ", ") + "]" }
                o += ", \"codes\": [" + t.codes[r].map { "\"\(scheme.element.hex($0))\"" }.joined(separator: ", ") + "]}"
                return o
            }.joined(separator: ", ")
            print(s + "]}")
            return
        }
        for r in t.codes.indices {
            var line = ""
            if let ts = t.tensorScale { line += "tensor_scale=\(hexCode(BlockScheme.tensorScaleFormat, Int(ts))) " }
            line += "scales=" + t.rowScales(r).map { hexCode(sf, $0) }.joined(separator: ",")
            if let zf, let z = t.rowZeroPoints(r) { line += " zero_points=" + z.map { hexCode(zf, $0) }.joined(separator: ",") }
            if packed {
                let bytes: [UInt8]
                do { bytes = try t.packed(row: r, packing) } catch { throw CLIError(error.message) }
                line += " packed=" + bytes.map { b in (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true) }.joined()
            } else {
                line += " codes=" + t.codes[r].map { scheme.element.hex($0) }.joined(separator: ",")
            }
            print(line)
        }
    }
}

struct BlocksDequantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dequantize",
        abstract: "Exact values of quantized rows (the lines `octet blocks quantize` prints).",
        discussion: "Reads lines `[tensor_scale=T ]scales=… [zero_points=…] codes=…` and prints each row's exact values, comma-separated, one line per input line. Each line stands alone: it carries its blocks' scales.")
    @OptionGroup var options: SchemeOptions

    func run() throws {
        let full = try options.resolve()
        // each line carries its own row of scales: dequantize it as a one-row tensor of 1×k blocks
        let scheme: BlockScheme
        do {
            scheme = try BlockScheme(name: full.name, element: full.element, blockRows: 1, blockCols: full.blockCols, scaling: full.scaling,
                                     rounding: full.rounding, packing: full.packing, mxInt8: full.mxInt8)
        } catch { throw CLIUsage(error.description) }
        let sf = scheme.scaleFormat
        var lines = InputLines()
        while let (n, text) = lines.next() {
            var fields: [String: String] = [:]
            for f in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }) {
                guard let eq = f.firstIndex(of: "="), fields[String(f[..<eq])] == nil else {
                    throw CLIError("line \(n): expected key=value fields (tensor_scale, scales, zero_points, codes), got \(quoted(f))")
                }
                let key = String(f[..<eq])
                guard ["tensor_scale", "scales", "zero_points", "codes"].contains(key) else { throw CLIError("line \(n): unknown field '\(key)'") }
                fields[key] = String(f[f.index(after: eq)...])
            }
            guard let codesText = fields["codes"], let scalesText = fields["scales"] else { throw CLIError("line \(n): needs scales= and codes=") }
            func codes(_ text: String, _ f: Format, _ what: String) throws -> [Int] {
                var out: [Int] = []
                try LineSplit.withBytes(text) { b in
                    try LineSplit.elements(b, 0 ..< b.count, position: "line \(n)", of: what) { _, r in out.append(try LineSplit.code(b, r, f)) }
                }
                return out
            }
            let cs = try codes(codesText, scheme.element, "codes")
            let ss = try codes(scalesText, sf, "scales")
            let need = (cs.count + scheme.blockCols - 1) / scheme.blockCols
            guard ss.count == need else { throw CLIError("line \(n): \(cs.count) codes need \(need) scales (blocks of \(scheme.blockCols)), got \(ss.count)") }
            var zs: [Int]?
            if case .integer(let z) = scheme.scaling, z != .symmetric {
                guard let zt = fields["zero_points"] else { throw CLIError("line \(n): \(scheme.name) needs zero_points=") }
                zs = try codes(zt, z == .integer ? scheme.element : sf, "zero_points")
                guard zs!.count == need else { throw CLIError("line \(n): \(need) zero points needed, got \(zs!.count)") }
            } else if fields["zero_points"] != nil { throw CLIError("line \(n): \(scheme.name) has no zero points") }
            var ts: UInt32?
            if case .e4m3(true) = scheme.scaling {
                guard let tt = fields["tensor_scale"] else { throw CLIError("line \(n): \(scheme.name) needs tensor_scale=") }
                let c = try codes(tt, BlockScheme.tensorScaleFormat, "tensor_scale")
                guard c.count == 1 else { throw CLIError("line \(n): one tensor scale") }
                ts = UInt32(c[0])
            } else if fields["tensor_scale"] != nil { throw CLIError("line \(n): \(scheme.name) has no tensor scale") }
            let t = BlockTensor(scheme: scheme, columns: [cs.count], tensorScale: ts, scales: [ss], zeroPoints: zs.map { [$0] }, codes: [cs])
            print(t.dequantize()[0].map(\.description).joined(separator: ","))
        }
    }
}

struct BlockArithmeticOptions: ParsableArguments {
    @Option(name: .customLong("acc"), help: "Accumulator, any model of `octet mac`: exact, kulisch[:W[:LSB]], fp32:sequential, truncated:hopper-fp8, … (,c=VALUE for an initial C).")
    var acc: String = "exact"
    @Option(name: .customLong("out"), help: "Output format of each result.")
    var out: String = "binary32"
    @Option(help: "Rounding of the final conversion into --out.")
    var rounding: RoundingMode = .rne
    @Option(help: "Overflow policy of the final conversion.")
    var overflow: OverflowPolicy = .ovfinf

    func resolve() throws -> (AccumulatorModel, Format) {
        let m: AccumulatorModel
        do { m = try AccumulatorModel.parse(acc) } catch { throw CLIUsage("--acc \(acc): \(error.description)") }
        return (m, try lookUpFormat(out))
    }
}

struct BlocksDotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dot",
        abstract: "Block-scaled dot products: each line `X1,X2,… Y1,Y2,…` (values), both quantized by the scheme.",
        discussion: "Each vector is quantized as a one-row tensor (two-level schemes: its own tensor scale; 2-D schemes: blocks of one row of their tile), dequantized exactly, then Σ x_i·y_i under --acc and one rounding into --out. Prints `CODE VALUE` per line; a blank line is an error.")
    @OptionGroup var options: SchemeOptions
    @OptionGroup var arithmetic: BlockArithmeticOptions

    func run() throws {
        let scheme = try options.resolve()
        let (model, out) = try arithmetic.resolve()
        let row = try BlockScheme(name: scheme.name, element: scheme.element, blockRows: 1, blockCols: scheme.blockCols, scaling: scheme.scaling,
                                  rounding: scheme.rounding, packing: scheme.packing, mxInt8: scheme.mxInt8, profile: scheme.profile)
        var lines = InputLines()
        while let (n, text) = lines.next() {
            var vectors: [[ExactValue]] = []
            try LineSplit.withBytes(text) { b in
                let (ranges, count) = LineSplit.fields(b, limit: 2)
                guard count == 2 else { throw CLIError("line \(n): expected two comma-separated vectors X and Y, got \(counted(count, "field"))") }
                for (k, r) in ranges.enumerated() {
                    var v: [ExactValue] = []
                    try LineSplit.elements(b, r, position: "line \(n)", of: k == 0 ? "X" : "Y") { _, e in v.append(try LineSplit.value(b, e)) }
                    vectors.append(v)
                }
            }
            guard vectors[0].count == vectors[1].count else { throw CLIError("line \(n): X has \(vectors[0].count) values and Y \(vectors[1].count)") }
            let result = Self.dot(row, vectors[0], vectors[1], model, out, arithmetic.rounding, arithmetic.overflow)
            switch result {
            case .success(let e): print("\(out.hex(e.code)) \(out.value(ofCode: e.code))")
            case .failure(let e): throw CLIError("line \(n)\(e.column.map { ", element \($0)" } ?? ""): \(e.message)")
            }
        }
    }
}

extension BlocksDotCommand {
    static func dot(_ row: BlockScheme, _ xv: [ExactValue], _ yv: [ExactValue], _ model: AccumulatorModel, _ out: Format,
                    _ rounding: RoundingMode, _ overflow: OverflowPolicy) -> Result<Encoded, BlockError> {
        Result { () throws(BlockError) -> Encoded in
            try BlockArithmetic.dot(try row.quantize([xv]), row: 0, try row.quantize([yv]), row: 0, model: model, output: out,
                                    rounding: rounding, overflow: overflow)
        }
    }
}

struct BlocksGemmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "C = A·B of block-scaled A (M×K) and B (K×N): A's rows, a blank line, B's rows, on standard input.",
        discussion: "A is quantized with blocks along its rows (K), B with blocks along its columns (K): B is quantized as Bᵀ, so 2-D tiles cover K×N. Each C entry is the dot of a dequantized row and column under --acc, rounded once into --out. Prints M lines of N codes, comma-separated.")
    @OptionGroup var options: SchemeOptions
    @OptionGroup var arithmetic: BlockArithmeticOptions

    func run() throws {
        let scheme = try options.resolve()
        let (model, out) = try arithmetic.resolve()
        var lines = InputLines()
        let a = try readValueRows(&lines, stopAtBlank: true)
        let aLines = lines.number
        let b = try readValueRows(&lines)
        guard !a.isEmpty, !b.isEmpty else { throw CLIError("give A's rows, a blank line, then B's rows") }
        let k = a[0].count
        if let bad = a.firstIndex(where: { $0.count != k }) { throw CLIError("line \(bad + 1): A's rows differ in length (row 1 has \(k) values)") }
        guard b.count == k else { throw CLIError("A has \(k) columns but B has \(b.count) rows") }
        let n = b[0].count
        if let bad = b.firstIndex(where: { $0.count != n }) { throw CLIError("line \(aLines + bad + 1): B's rows differ in length") }
        let bt = (0 ..< n).map { j in b.map { $0[j] } }
        let rounding = arithmetic.rounding, overflow = arithmetic.overflow
        let result = Result { () throws(BlockError) -> [[Encoded]] in
            try BlockArithmetic.gemm(try scheme.quantize(a), try scheme.quantize(bt), model: model, output: out, rounding: rounding, overflow: overflow)
        }
        switch result {
        case .success(let c): for row in c { print(row.map { out.hex($0.code) }.joined(separator: ",")) }
        case .failure(let e): throw CLIError("\(e)")
        }
    }
}

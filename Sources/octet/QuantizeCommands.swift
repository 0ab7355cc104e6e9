import ArgumentParser
import Octet
import OctetExact

extension ScaleArithmetic: ExpressibleByArgument {}
extension MXScaleRule: ExpressibleByArgument {}

/// Reads whitespace-separated exact values per non-blank line, with the line numbers.
func readValueLines() throws -> [(line: Int, tokens: [String], values: [ExactValue])] {
    var out: [(Int, [String], [ExactValue])] = []
    var n = 0
    while let line = readLine() {
        n += 1
        let tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "," }).map(String.init)
        if tokens.isEmpty { continue }
        var values: [ExactValue] = []
        for t in tokens {
            do { values.append(try ValueParser.parse(t)) } catch { throw CLIError("line \(n): \(error.description)") }
        }
        out.append((n, tokens, values))
    }
    return out
}

func parseExact(_ text: String, what: String) throws -> Rational {
    let v: ExactValue
    do { v = try ValueParser.parse(text) } catch { throw CLIError("\(what): \(error.description)") }
    guard let r = v.rational else { throw CLIError("\(what): '\(text)' must be a finite number") }
    return r
}

struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize values to an integer or floating format with a scale.",
        discussion: """
        Input: one channel per line, values separated by spaces or commas (exact spellings). \
        Output: one line per input line, the codes separated by spaces; with --verbose each code is \
        followed by =VALUE, its dequantized exact value. The scale comes from --scale S (one for \
        all lines), --scales S1,S2,… (one per line: per-channel), or is derived: --symmetric \
        (s = amax/qmax, zp = 0; --half-range for PyTorch's amax/127.5) or --asymmetric (s = \
        (max−min)/(qmax−qmin), zp = qmin − round(min/s)), over all input or, with --per-channel, \
        per line. q = clamp(round(x/s) + zp) for integers (saturating; --narrow drops the most \
        negative value), q = encode(x/s) for floating targets. --arithmetic onnx computes x/s in \
        binary32; pytorch computes x · fl32(1/s) in binary32 (both need a binary32 scale). \
        The chosen scale and zero point are printed first as `# scale S zero_point Z` lines.
        """)

    @Option(name: .customLong("to"), help: "Target format (int8, uint8, int4, float8_e4m3fn, …).")
    var target: String
    @Option(help: "Per-tensor scale (an exact value).")
    var scale: String?
    @Option(help: "Per-channel scales, comma-separated, one per input line.")
    var scales: String?
    @Option(name: .customLong("zero-point"), help: "Zero point (integer targets).")
    var zeroPoint: Int = 0
    @Flag(help: "Derive a symmetric scale from the largest magnitude.")
    var symmetric = false
    @Flag(name: .customLong("half-range"), help: "With --symmetric: divide by (qmax−qmin)/2 (PyTorch observer).")
    var halfRange = false
    @Flag(help: "Derive scale and zero point from the minimum and maximum.")
    var asymmetric = false
    @Flag(name: .customLong("per-channel"), help: "Derive per line instead of over all input.")
    var perChannel = false
    @Flag(help: "Saturate integers to the symmetric range (e.g. −127…127).")
    var narrow = false
    @Option(help: "Rounding to integer / to the target (rne = ONNX, PyTorch; rna = TFLite).")
    var rounding: RoundingMode = .rne
    @Option(help: "Overflow policy for floating targets.")
    var overflow: OverflowPolicy = .saturate
    @Option(help: "How x/s is computed: exact, onnx, pytorch.")
    var arithmetic: ScaleArithmetic = .exact
    @Flag(help: "Print each code's dequantized value.")
    var verbose = false

    func validate() throws {
        let sources = [scale != nil, scales != nil, symmetric, asymmetric].filter { $0 }.count
        if sources != 1 { throw ValidationError("give exactly one of --scale, --scales, --symmetric, --asymmetric") }
        if perChannel && !(symmetric || asymmetric) { throw ValidationError("--per-channel goes with --symmetric or --asymmetric") }
        if halfRange && !symmetric { throw ValidationError("--half-range goes with --symmetric") }
        if zeroPoint != 0 && (symmetric || asymmetric) {
            throw ValidationError("--zero-point conflicts with --symmetric/--asymmetric, which derive the zero point")
        }
    }

    func run() throws {
        let f = try lookUpFormat(target)
        let lines = try readValueLines()
        func quantizer(_ s: Rational, _ zp: Int) throws -> Quantizer {
            do {
                return try Quantizer(target: f, scale: s, zeroPoint: zp, rounding: rounding, overflow: overflow, narrow: narrow, arithmetic: arithmetic)
            } catch { throw CLIError(error.description) }
        }
        func derive(_ values: [ExactValue], where position: String) throws -> Quantizer {
            let finite = values.compactMap(\.rational)
            if symmetric {
                let amax = finite.map(\.magnitude).max() ?? .zero
                guard let s = Quantizer.symmetricScale(amax: amax, target: f, halfRange: halfRange) else {
                    throw CLIError("\(position): cannot derive a scale from an all-zero input")
                }
                return try quantizer(s, 0)
            }
            guard let lo = finite.min(), let hi = finite.max(),
                  let p = Quantizer.asymmetricParameters(min: lo, max: hi, target: f) else {
                throw CLIError("\(position): --asymmetric needs an integer target and a non-empty, non-constant input")
            }
            return try quantizer(p.scale, p.zeroPoint)
        }
        var perLine: [Quantizer] = []
        if let s = scale {
            let q = try quantizer(try parseExact(s, what: "--scale"), zeroPoint)
            perLine = Array(repeating: q, count: lines.count)
        } else if let list = scales {
            let parts = list.split(separator: ",").map(String.init)
            guard parts.count == lines.count else {
                throw CLIError("--scales has \(parts.count) scales for \(lines.count) input lines")
            }
            for (i, p) in parts.enumerated() { perLine.append(try quantizer(try parseExact(p, what: "--scales element \(i + 1)"), zeroPoint)) }
        } else if perChannel {
            for l in lines { perLine.append(try derive(l.values, where: "line \(l.line)")) }
        } else {
            let q = try derive(lines.flatMap(\.values), where: "input")
            perLine = Array(repeating: q, count: lines.count)
        }
        var printed: Quantizer?
        for (l, q) in zip(lines, perLine) {
            if printed != q {
                print("# scale \(ExactValue(q.scale)) zero_point \(q.zeroPoint)")
                printed = q
            }
            var out: [String] = []
            for (t, v) in zip(l.tokens, l.values) {
                let c: Int
                do { c = try q.quantize(v) } catch { throw CLIError("line \(l.line): '\(t)': \(error.description)") }
                out.append(f.hex(c) + (verbose ? "=\(q.dequantize(c))" : ""))
            }
            print(out.joined(separator: " "))
        }
    }
}

struct MXCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mx",
        abstract: "OCP MX block quantization and block dot products.",
        subcommands: [MXQuantizeCommand.self, MXDotCommand.self])
}

struct MXOptions: ParsableArguments {
    @Option(help: "Element format: float8_e4m3fn, float8_e5m2, float6_e2m3fn, float6_e3m2fn, float4_e2m1fn, int8 (MXINT8).")
    var element: String
    @Option(help: "Scale rule: floor (OCP), ceil, rceil (NVIDIA), even.")
    var rule: MXScaleRule = .floor
    @Option(help: "Element rounding (quantize); for dot, the rounding of the final conversion into --out.")
    var rounding: RoundingMode = .rne
    @Option(name: .customLong("block-size"), help: "Elements per block.")
    var blockSize: Int = 32
    @Flag(name: .customLong("symmetric-int8"), help: "MXINT8: clamp to ±127/64 (microxcaling) instead of allowing −2.")
    var symmetricInt8 = false

    func quantizer() throws -> MXQuantizer {
        let f = try lookUpFormat(element)
        do { return try MXQuantizer(element: f, rule: rule, rounding: rounding, blockSize: blockSize, symmetricInt8: symmetricInt8) } catch {
            throw CLIError(error.description)
        }
    }
}

struct MXQuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize blocks: one block of values per input line.",
        discussion: "Input: BLOCK-SIZE exact values per line. Output: `0xSS 0xHH,0xHH,…`, the E8M0 scale code and the element codes.")

    @OptionGroup var options: MXOptions

    func run() throws {
        let q = try options.quantizer()
        for l in try readValueLines() {
            guard l.values.count == q.blockSize else {
                throw CLIError("line \(l.line): a block has \(q.blockSize) values (got \(l.values.count))")
            }
            let b: MXBlock
            do { b = try q.quantize(l.values) } catch { throw CLIError("line \(l.line): \(error.description)") }
            print("\(MXQuantizer.e8m0.hex(b.scaleCode)) \(b.elements.map { q.element.hex($0) }.joined(separator: ","))")
        }
    }
}

struct MXDotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dot",
        abstract: "Dot products of pairs of quantized blocks.",
        discussion: """
        Input lines: `SA A1,A2,… SB B1,B2,…` (scale code and element codes of each block, in the \
        format `octet mx quantize` prints). Output: `EXACT 0xHH…`, the exact value of \
        X(A)·X(B)·Σ A_i·B_i and its code in the output format (one rounding).
        """)

    @OptionGroup var options: MXOptions
    @Option(name: .customLong("out"), help: "Output format.")
    var out: String = "binary32"

    func run() throws {
        let q = try options.quantizer()
        let of = try lookUpFormat(out)
        var n = 0
        while let line = readLine() {
            n += 1
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            if fields.isEmpty { continue }
            guard fields.count == 4 else { throw CLIError("line \(n): expected `SA A1,A2,… SB B1,B2,…`") }
            func block(_ s: String, _ e: String) throws -> MXBlock {
                let sc: Int
                do { sc = try MXQuantizer.e8m0.parseCode(s) } catch { throw CLIError("line \(n): \(error.description)") }
                var codes: [Int] = []
                for t in e.split(separator: ",", omittingEmptySubsequences: false) {
                    do { codes.append(try q.element.parseCode(String(t))) } catch { throw CLIError("line \(n): \(error.description)") }
                }
                guard codes.count == q.blockSize else { throw CLIError("line \(n): a block has \(q.blockSize) elements (got \(codes.count))") }
                return MXBlock(scaleCode: sc, elements: codes)
            }
            let a = try block(fields[0], fields[1]), b = try block(fields[2], fields[3])
            let exact = q.exactDot(a, b)
            let r: Encoded
            do { r = try q.dot(a, b, output: of, rounding: options.rounding) } catch { throw CLIError("line \(n): \(error.description)") }
            print("\(exact) \(of.hex(r.code))")
        }
    }
}

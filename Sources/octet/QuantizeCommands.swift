import ArgumentParser
import Octet
import OctetExact

extension ScaleArithmetic: ExpressibleByArgument {}
extension MXScaleRule: ExpressibleByArgument {}

/// The exact values of one line of `quantize` or `mx quantize` (separated by blanks or one comma), each
/// passed to `body(k, range, value)` as it is parsed: no array of tokens. A blank line and an empty
/// element are errors naming the line (and the element).
@discardableResult
func forEachValue(_ bytes: UnsafeBufferPointer<UInt8>, line n: Int, needs what: String,
                  _ body: (Int, Range<Int>, ExactValue) throws -> Void) throws -> Int {
    if LineSplit.isBlankLine(bytes) { throw blankLineError(n, needs: what) }
    return try LineSplit.elements(bytes, 0 ..< bytes.count, blanks: true, position: "line \(n)") { k, r in
        try body(k, r, try LineSplit.value(bytes, r))
    }
}

/// An exact value given as an option (`--scale`, `--scales`): a bad one is a usage error.
func parseExact(_ text: String, what: String) throws -> Rational {
    let v: ExactValue
    do { v = try ValueParser.parse(text) } catch { throw CLIUsage("\(what): \(describe(error))") }
    guard let r = v.rational else { throw CLIUsage("\(what): \(quoted(text)) must be a finite number") }
    return r
}

/// What a derived scale needs of the values: the largest magnitude, the minimum and the maximum of
/// the finite ones.
struct ValueRange {
    var amax: Rational = .zero
    var lo: Rational?
    var hi: Rational?
    mutating func add(_ v: ExactValue) {
        guard let r = v.rational else { return }
        if r.magnitude > amax { amax = r.magnitude }
        if lo.map({ r < $0 }) ?? true { lo = r }
        if hi.map({ r > $0 }) ?? true { hi = r }
    }
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
        per line. Blank lines are refused (an error naming the line: every line is a channel with \
        at least one value), so the output lines stay aligned with the input lines; an empty \
        element (`1,,2`, also in --scales) is an error naming its line and element. Errors: the \
        first bad line stops the command with exit status 1 and a message naming it (long input \
        is echoed to at most 160 characters). With --scale or --per-channel, lines are processed \
        as they are read and the lines before the bad one have been printed; --scales and a \
        derived per-tensor scale read all input first, so then nothing is printed. \
        q = clamp(round(x/s) + zp) for integers (saturating; --narrow drops the most \
        negative value), q = encode(x/s) for floating targets. --arithmetic onnx computes x/s in \
        binary32; pytorch computes x · fl32(1/s) in binary32 (both need a binary32 scale). \
        The chosen scale and zero point are printed first as `# scale S zero_point Z` lines. \
        Exit status 2 for usage errors: an unknown target, an invalid --scale, --scales or \
        --zero-point, options that do not go together.
        """)

    @Option(name: .customLong("to"), help: "Target format (int8, uint8, int4, float8_e4m3fn, …).")
    var target: String
    @Option(parsing: .unconditional, help: "Per-tensor scale (an exact value).")
    var scale: String?
    @Option(parsing: .unconditional, help: "Per-channel scales, comma-separated, one per input line.")
    var scales: String?
    @Option(name: .customLong("zero-point"), parsing: .unconditional, help: "Zero point (integer targets; within the target's range).")
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
        if asymmetric && f.integerLayout == nil {
            throw CLIUsage("--asymmetric needs an integer target (\(f.name) is a floating format; use --symmetric)")
        }
        /// A quantizer; `derived` when its scale comes from the input (then a refusal is an error in
        /// the input, status 1; otherwise the options are wrong, status 2).
        func quantizer(_ s: Rational, _ zp: Int, derived: Bool = false) throws -> Quantizer {
            do {
                return try Quantizer(target: f, scale: s, zeroPoint: zp, rounding: rounding, overflow: overflow, narrow: narrow, arithmetic: arithmetic)
            } catch {
                if derived { throw CLIError(error.description) }
                throw CLIUsage(error.description)
            }
        }
        // The options alone (rounding, zero point, --narrow) are checked before any input is read.
        _ = try quantizer(Rational(1), zeroPoint)
        func derive(_ range: ValueRange, where position: String) throws -> Quantizer {
            if symmetric {
                guard let s = Quantizer.symmetricScale(amax: range.amax, target: f, halfRange: halfRange) else {
                    throw CLIError("\(position): cannot derive a scale from an all-zero input")
                }
                return try quantizer(s, 0, derived: true)
            }
            guard let lo = range.lo, let hi = range.hi,
                  let p = Quantizer.asymmetricParameters(min: lo, max: hi, target: f) else {
                throw CLIError("\(position): --asymmetric needs an integer target and a non-empty, non-constant input")
            }
            return try quantizer(p.scale, p.zeroPoint, derived: true)
        }
        func scan(_ line: String, _ n: Int, into range: inout ValueRange) throws {
            try LineSplit.withBytes(line) { b in try forEachValue(b, line: n, needs: "a value") { _, _, v in range.add(v) } }
        }
        var printed: Quantizer?
        /// Quantizes line n with q and prints it (after a `# scale` header when q changes).
        func emit(_ line: String, _ n: Int, _ q: Quantizer) throws {
            var out = ""
            try LineSplit.withBytes(line) { b in
                try forEachValue(b, line: n, needs: "a value") { k, r, v in
                    let c: Int
                    do { c = try q.quantize(v) } catch { throw CLIError("\(quoted(b, r)): \(error)") }
                    if k > 1 { out += " " }
                    out += f.hex(c)
                    if verbose { out += "=\(q.dequantize(c))" }
                }
            }
            if printed != q {
                print("# scale \(ExactValue(q.scale)) zero_point \(q.zeroPoint)")
                printed = q
            }
            print(out)
        }
        if let s = scale {
            // Streams: each line is quantized and printed as it is read.
            let q = try quantizer(try parseExact(s, what: "--scale"), zeroPoint)
            for (n, line) in InputLines() { try emit(line, n, q) }
        } else if let list = scales {
            let parts: [String]
            do { parts = try LineSplit.list(list, position: "--scales") } catch let e as CLIError { throw CLIUsage(e.description) }
            var perLine: [Quantizer] = []
            for (i, p) in parts.enumerated() { perLine.append(try quantizer(try parseExact(p, what: "--scales, element \(i + 1)"), zeroPoint)) }
            let lines = Array(InputLines())
            guard parts.count == lines.count else {
                throw CLIError("--scales has \(parts.count) scales for \(lines.count) input lines")
            }
            for (l, q) in zip(lines, perLine) { try emit(l.text, l.number, q) }
        } else if perChannel {
            // Streams: two passes over each line (its range, then its codes), never an array of values.
            for (n, line) in InputLines() {
                var range = ValueRange()
                try scan(line, n, into: &range)
                try emit(line, n, try derive(range, where: "line \(n)"))
            }
        } else {
            // A per-tensor scale needs all input first: the lines are kept as read (text, not values).
            let lines = Array(InputLines())
            var range = ValueRange()
            for l in lines { try scan(l.text, l.number, into: &range) }
            let q = try derive(range, where: "input")
            for l in lines { try emit(l.text, l.number, q) }
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
    @Option(help: "Element format: float8_e4m3fn, float8_e5m2, float6_e2m3fn, float6_e3m2fn, float4_e2m1fn, int8 (MXINT8); others are refused.")
    var element: String
    @Option(help: "Scale rule: floor (OCP), ceil, rceil (NVIDIA), even.")
    var rule: MXScaleRule = .floor
    @Option(help: "Element rounding (quantize); for dot, the rounding of the final conversion into --out.")
    var rounding: RoundingMode = .rne
    @Option(name: .customLong("block-size"), parsing: .unconditional, help: "Elements per block (1…\(MXOptions.maxBlockSize)).")
    var blockSize: Int = 32
    @Flag(name: .customLong("symmetric-int8"), help: "MXINT8: clamp to ±127/64 (microxcaling) instead of allowing −2.")
    var symmetricInt8 = false

    /// The element formats of OCP MX v1.0 (and MXINT8), as listed in --element's help.
    static let elementFormats = ["float8_e4m3fn", "float8_e5m2", "float6_e2m3fn", "float6_e3m2fn", "float4_e2m1fn", "int8"]
    static let maxBlockSize = 1 << 20

    /// The quantizer of the options; every refusal is a usage error (status 2).
    func quantizer() throws -> MXQuantizer {
        let f = try lookUpFormat(element)
        guard MXOptions.elementFormats.contains(f.name) else {
            throw CLIUsage("--element \(element): not an MX element format (\(MXOptions.elementFormats.joined(separator: ", ")))")
        }
        guard (1 ... MXOptions.maxBlockSize).contains(blockSize) else {
            throw CLIUsage("--block-size must be 1…\(MXOptions.maxBlockSize) (got \(blockSize))")
        }
        do { return try MXQuantizer(element: f, rule: rule, rounding: rounding, blockSize: blockSize, symmetricInt8: symmetricInt8) } catch {
            throw CLIUsage(error.description)
        }
    }
}

struct MXQuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize blocks: one block of values per input line.",
        discussion: """
        Input: BLOCK-SIZE exact values per line, separated by blanks or one comma. Output: \
        `0xSS 0xHH,0xHH,…`, the E8M0 scale code and the element codes, exactly one line per input \
        line. A blank line is an error naming its line number; an empty element (`1,,2`) is an \
        error naming its line and element. Errors: the first bad line stops the command with exit \
        status 1 and a message naming it (long input is echoed to at most 160 characters); the \
        lines before it have been printed.
        """)

    @OptionGroup var options: MXOptions

    func run() throws {
        let q = try options.quantizer()
        for (n, line) in InputLines() {
            let out = try LineSplit.withBytes(line) { bytes throws -> String in
                if LineSplit.isBlankLine(bytes) { throw blankLineError(n, needs: "a block of \(q.blockSize) values") }
                // Values past the block size are counted, not parsed.
                var values: [ExactValue] = []
                let count = try LineSplit.elements(bytes, 0 ..< bytes.count, blanks: true, position: "line \(n)") { k, r in
                    if k <= q.blockSize { values.append(try LineSplit.value(bytes, r)) }
                }
                guard count == q.blockSize else {
                    throw CLIError("line \(n): a block has \(q.blockSize) values (got \(count))")
                }
                let b: MXBlock
                do { b = try q.quantize(values) } catch { throw CLIError("line \(n): \(error)") }
                return "\(MXQuantizer.e8m0.hex(b.scaleCode)) \(b.elements.map { q.element.hex($0) }.joined(separator: ","))"
            }
            print(out)
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
        X(A)·X(B)·Σ A_i·B_i and its code in the output format (one rounding), exactly one line \
        per input line. A blank line is an error naming its line number; an empty element \
        (`0x38,,0x40`) is an error naming its line and element. Errors: the first bad line stops \
        the command with exit status 1 and a message naming it (long input is echoed to at most \
        160 characters); the lines before it have been printed.
        """)

    @OptionGroup var options: MXOptions
    @Option(name: .customLong("out"), help: "Output format.")
    var out: String = "binary32"

    func run() throws {
        let q = try options.quantizer()
        let of = try lookUpFormat(out)
        for (n, line) in InputLines() {
            let out = try LineSplit.withBytes(line) { bytes throws -> String in
                let (fields, count) = LineSplit.fields(bytes, limit: 4)
                if count == 0 { throw blankLineError(n, needs: "two blocks `SA A1,A2,… SB B1,B2,…`") }
                guard count == 4 else {
                    throw CLIError("line \(n): \(quoted(line)): expected `SA A1,A2,… SB B1,B2,…` (got \(counted(count, "field")))")
                }
                func block(_ s: Range<Int>, _ e: Range<Int>, _ name: String) throws -> MXBlock {
                    let sc: Int
                    do { sc = try LineSplit.code(bytes, s, MXQuantizer.e8m0) } catch { throw CLIError("line \(n), scale of \(name): \(error)") }
                    var codes: [Int] = []
                    let count = try LineSplit.elements(bytes, e, position: "line \(n)", of: name) { k, r in
                        if k <= q.blockSize { codes.append(try LineSplit.code(bytes, r, q.element)) }
                    }
                    guard count == q.blockSize else { throw CLIError("line \(n): a block has \(q.blockSize) elements (\(name) has \(count))") }
                    return MXBlock(scaleCode: sc, elements: codes)
                }
                let a = try block(fields[0], fields[1], "A"), b = try block(fields[2], fields[3], "B")
                let exact = q.exactDot(a, b)
                let r: Encoded
                do { r = try q.dot(a, b, output: of, rounding: options.rounding) } catch { throw CLIError("line \(n): \(error)") }
                return "\(exact) \(of.hex(r.code))"
            }
            print(out)
        }
    }
}

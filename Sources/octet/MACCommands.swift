import ArgumentParser
import Octet
import OctetExact

struct MACCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mac",
        abstract: "Dot products of code vectors under an accumulator model.",
        discussion: """
        Reads lines `A B` from standard input, where A and B are comma-separated hex codes of \
        equal length (e.g. `0x38,0x40 0x38,0xB8`). Prints `EXACT 0xHH…` per line, exactly one \
        output line per input line: the exact dot product as a terminating decimal, then the code \
        of the model's result in the output format. A blank line is the empty dot product: +0 (or \
        C with ,c=VALUE), printed as any zero result, e.g. `0 0x00000000` in binary32. An empty \
        element (`0x38,,0x40`) is an error naming its line and element. Errors: the first bad \
        line stops the command with exit status 1 and a message naming it (long input is echoed \
        to at most 160 characters); the lines before it have been printed. MODEL: exact, kulisch, kulisch:W, kulisch:W:LSB, fp32:sequential, fp32:pairwise, \
        fp32:lanes8, fp16:sequential, bf16:sequential (append ,fused for FMA accumulation, \
        ,rounding=MODE, ,overflow=POLICY), truncated:hopper-fp8, truncated:deepseek-v3, \
        truncated:blackwell-fp8, truncated:volta-fp16, truncated:g<G>n<N>[,out=F,rounding=M,promote=K]. \
        See Specs/accumulation.md.
        """)

    @Option(name: .customLong("a"), help: "Format of the A codes.")
    var aFormat: String
    @Option(name: .customLong("b"), help: "Format of the B codes.")
    var bFormat: String
    @Option(name: .customLong("acc"), help: "Accumulator model (default exact).")
    var model: String = "exact"
    @Option(name: .customLong("out"), help: "Output format (default binary32).")
    var out: String = "binary32"
    @Option(help: "Rounding of the final conversion.")
    var rounding: RoundingMode = .rne
    @Option(help: "Overflow policy of the final conversion.")
    var overflow: OverflowPolicy = .saturate

    func validate() throws {
        if rounding == .sr { throw ValidationError("mac does not take --rounding sr (no random bits per line)") }
    }

    func run() throws {
        let af = try lookUpFormat(aFormat), bf = try lookUpFormat(bFormat), of = try lookUpFormat(out)
        let m: AccumulatorModel
        do { m = try AccumulatorModel.parse(model) } catch { throw CLIUsage(error.description) }
        for (n, line) in InputLines() {
            let r = try LineSplit.withBytes(line) { bytes throws -> DotResult in
                let (fields, count) = LineSplit.fields(bytes, limit: 2)
                var a: [Int] = [], b: [Int] = []
                if count != 0 {   // (a blank line is the empty dot product)
                    guard count == 2 else {
                        throw CLIError("line \(n): \(quoted(line)): expected two comma-separated code lists `A B` (got \(counted(count, "field")))")
                    }
                    a = try parseCodes(bytes, fields[0], af, "line \(n)", "A")
                    b = try parseCodes(bytes, fields[1], bf, "line \(n)", "B")
                    guard a.count == b.count else {
                        throw CLIError("line \(n): A has \(a.count) codes and B has \(b.count)")
                    }
                }
                do { return try Dot.compute(a, af, b, bf, model: m, output: of, rounding: rounding, overflow: overflow) } catch {
                    throw CLIError("line \(n): \(error)")
                }
            }
            print("\(r.exact.exactValue) \(of.hex(r.output.code))")
        }
    }

    /// The codes of one comma-separated list, read from the bytes of the line (no array of substrings).
    func parseCodes(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ f: Format, _ position: String, _ list: String) throws -> [Int] {
        var codes: [Int] = []
        codes.reserveCapacity(LineSplit.count(of: LineSplit.comma, in: bytes, range) + 1)
        try LineSplit.elements(bytes, range, position: position, of: list) { _, r in codes.append(try LineSplit.code(bytes, r, f)) }
        return codes
    }
}

struct KulischCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kulisch",
        abstract: "Derive the minimal exact fixed-point accumulator for two formats.",
        discussion: """
        Prints the register that holds every sum of up to N products exactly: its width in bits \
        (the smallest two's complement width, sign included, holding N times the most negative \
        and N times the most positive product), the weights of its LSB and of its top (sign) bit \
        as powers of two, and the product range that determines them. The derivation is checked \
        by enumerating every product when the two formats have at most 2^17 pairs of codes \
        (any two 8-bit formats, int16 × uint1); enumerated_width_bits is null \
        otherwise. --json prints one object with width_bits, lsb_exponent, msb_exponent, \
        min_product, max_product, max_abs_product, min_abs_product (exact decimals as strings), \
        terms, terms_log2, a, b, enumerated_width_bits.
        """)

    @Option(name: .customLong("a"), help: "Format of the A operands.")
    var aFormat: String
    @Option(name: .customLong("b"), help: "Format of the B operands.")
    var bFormat: String
    @Option(parsing: .unconditional, help: "Number of terms N the register must hold, 1…2^40 (rounded up to a power of two).")
    var terms: Int = 4096
    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        guard terms >= 1, terms <= 1 << 40 else { throw CLIUsage("--terms must be 1…2^40 (got \(terms))") }
        let af = try lookUpFormat(aFormat), bf = try lookUpFormat(bFormat)
        let v = Dot.termsLog2(terms)
        let d = KulischDerivation.derive(af, bf, termsLog2: v)
        var enumeratedWidth: Int?
        if KulischDerivation.enumerationSize(af, bf) <= KulischDerivation.enumerationLimit {
            let e = KulischDerivation.enumerate(af, bf, termsLog2: v)
            guard e == d else { throw CLIError("internal check failed: derived \(d) but enumerated \(e)") }
            enumeratedWidth = e.register.width
        }
        let maxP = ExactValue(d.maxAbsProduct).description, minP = ExactValue(d.minAbsProduct).description
        let lowP = ExactValue(d.minProduct).description, highP = ExactValue(d.maxProduct).description
        if json {
            print(JSON.object([
                ("a", .string(af.name)), ("b", .string(bf.name)),
                ("terms", .number(String(terms))), ("terms_log2", .number(String(v))),
                ("width_bits", .number(String(d.register.width))),
                ("lsb_exponent", .number(String(d.register.lsbExponent))),
                ("msb_exponent", .number(String(d.register.msbExponent))),
                ("min_product", .string(lowP)), ("max_product", .string(highP)),
                ("max_abs_product", .string(maxP)), ("min_abs_product", .string(minP)),
                ("enumerated_width_bits", enumeratedWidth.map { .number(String($0)) } ?? .null),
            ]).rendered())
            return
        }
        print("\(af.name) × \(bf.name), up to 2^\(v) terms")
        print("  width:            \(d.register.width) bits (two's complement, sign included)")
        print("  LSB weight:       2^\(d.register.lsbExponent)")
        print("  MSB (sign) weight: 2^\(d.register.msbExponent)")
        print("  a·b range:        \(lowP) … \(highP)")
        print("  max |a·b|:        \(maxP)")
        print("  min |a·b| > 0:    \(minP)")
        if let w = enumeratedWidth { print("  enumerated:       \(w) bits, from every product of the two formats (agrees)") }
    }
}

extension AccumulationExperiment.Distribution: ExpressibleByArgument {}

struct AccumulationErrorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accumulation-error",
        abstract: "Measure an accumulator model against the exact dot product on random vectors.",
        discussion: """
        Generates DOTS pairs of vectors of LENGTH approximately Gaussian values (Irwin–Hall, exact \
        arithmetic, SplitMix64 seeded by SEED) rounded into FORMAT, accumulates each with MODEL, \
        and prints the maximum and mean relative error |model − exact| / |exact|.
        """)

    @Option(name: .customLong("acc"), help: "Accumulator model.")
    var model: String = "truncated:hopper-fp8"
    @Option(help: "Input format of both vectors.")
    var format: String = "float8_e4m3fn"
    @Option(parsing: .unconditional, help: "Number of dot products (1…10^6).")
    var dots: Int = 1000
    @Option(parsing: .unconditional, help: "Length of each dot product (1…2^20).")
    var length: Int = 4096
    @Option(help: "Seed.")
    var seed: UInt64 = 1
    @Option(help: "Input distribution: gaussian (Irwin–Hall, cancelling sums) or uniform (on [0, 1)).")
    var distribution: AccumulationExperiment.Distribution = .gaussian

    func run() throws {
        let f = try lookUpFormat(format)
        let m: AccumulatorModel
        do { m = try AccumulatorModel.parse(model) } catch { throw CLIUsage(error.description) }
        guard (1 ... 1_000_000).contains(dots) else { throw CLIUsage("--dots must be 1…1000000 (got \(dots))") }
        guard (1 ... 1 << 20).contains(length) else { throw CLIUsage("--length must be 1…1048576 (got \(length))") }
        let r = try AccumulationExperiment.run(model: m, format: f, dots: dots, length: length, seed: seed, distribution: distribution)
        print("model \(model), \(f.name), \(distribution.rawValue) inputs, \(r.dots) dot products of length \(r.length), seed \(seed)")
        print("max relative error |model-exact|/|exact|:        \(r.maxRelativeError) (dot \(r.worstIndex))")
        print("mean relative error:                             \(r.meanRelativeError)")
        print("max normwise error |model-exact|/sum|a_i*b_i|:    \(r.maxNormwiseError)")
    }
}

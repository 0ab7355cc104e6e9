import ArgumentParser
import Octet
import OctetExact

struct FormatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "formats",
        abstract: "List every registered format with its facts.",
        discussion: """
        Text: one row per format. JSON (--json): an array of objects with the keys name, aliases, \
        bits, sign_bits, exponent_bits, mantissa_bits, bias (null for integers), inf_codes, \
        nan_codes (hex strings), max_finite, min_finite, min_normal, min_subnormal (exact decimals \
        as strings, null when the format has none), negative_zero, spec.
        """)

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        let all = FormatRegistry.all
        if json {
            print(JSON.array(all.map { formatJSON($0) }).rendered(indent: 0))
            return
        }
        var rows = [["name", "aliases", "bits", "s/e/m", "bias", "inf", "nan", "max", "min_normal", "min_subnormal", "spec"]]
        for f in all {
            let facts = f.facts
            let sem = facts.exponentBits.map { "\(facts.signBits)/\($0)/\(facts.mantissaBits!)" } ?? "int"
            rows.append([
                f.name, f.aliases.isEmpty ? "-" : f.aliases.joined(separator: ","), "\(f.bits)", sem,
                facts.bias.map(String.init) ?? "-",
                codeList(f, facts.infinityCodes), codeList(f, facts.nanCodes),
                facts.maxFinite.description, facts.minNormal?.description ?? "-",
                facts.minSubnormal?.description ?? "-", f.spec,
            ])
        }
        printTable(rows)
    }
}

func codeList(_ f: Format, _ codes: [Int]) -> String {
    codes.isEmpty ? "-" : compressRanges(codes).map { $0.count == 1 ? f.hex($0.lowerBound) : "\(f.hex($0.lowerBound))-\(f.hex($0.upperBound))" }.joined(separator: ",")
}

/// Runs of consecutive codes, so the six E5M2 NaNs print as two ranges.
func compressRanges(_ codes: [Int]) -> [ClosedRange<Int>] {
    var out: [ClosedRange<Int>] = []
    for c in codes {
        if let last = out.last, last.upperBound + 1 == c {
            out[out.count - 1] = last.lowerBound ... c
        } else {
            out.append(c ... c)
        }
    }
    return out
}

func formatJSON(_ f: Format) -> JSON {
    let facts = f.facts
    func value(_ v: ExactValue?) -> JSON { v.map { .string($0.description) } ?? .null }
    func int(_ v: Int?) -> JSON { v.map { .number(String($0)) } ?? .null }
    return .object([
        ("name", .string(f.name)),
        ("aliases", .array(f.aliases.map { .string($0) })),
        ("bits", int(f.bits)),
        ("sign_bits", int(facts.signBits)),
        ("exponent_bits", int(facts.exponentBits)),
        ("mantissa_bits", int(facts.mantissaBits)),
        ("bias", int(facts.bias)),
        ("inf_codes", .array(facts.infinityCodes.map { .string(f.hex($0)) })),
        ("nan_codes", .array(facts.nanCodes.map { .string(f.hex($0)) })),
        ("max_finite", value(facts.maxFinite)),
        ("min_finite", value(facts.minFinite)),
        ("min_normal", value(facts.minNormal)),
        ("min_subnormal", value(facts.minSubnormal)),
        ("negative_zero", .bool(facts.hasNegativeZero)),
        ("spec", .string(f.spec)),
    ])
}

func printTable(_ rows: [[String]]) {
    guard let first = rows.first else { return }
    var widths = Array(repeating: 0, count: first.count)
    for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
    for r in rows {
        var line = ""
        for (i, c) in r.enumerated() {
            line += i == r.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count + 2)
        }
        print(line)
    }
}

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Print the exact value of codes.",
        discussion: """
        One line per code: `0xHH VALUE` (two hex digits up to 8 bits, four up to 16, eight up to 32, sixteen above). VALUE is \
        exact: a terminating decimal, 0, -0, inf, -inf or nan. Without codes, every code in order.
        """)

    @Argument(help: "A format name (see 'octet formats') or spelling.")
    var format: String
    @Argument(help: "Codes in hex (0x7E or 7E).")
    var codes: [String] = []

    func run() throws {
        let f = try lookUpFormat(format)
        var list: [Int] = []
        for (i, text) in codes.enumerated() {
            if text.isEmpty { throw emptyElementError("argument \(i + 1)") }
            do { list.append(try f.parseCode(text)) } catch {
                throw CLIError("argument \(i + 1): \(describe(error))")
            }
        }
        if codes.isEmpty {
            guard f.isEnumerable else { throw CLIUsage("\(f.name) has \(f.bits)-bit codes: name the codes to decode") }
            list = Array(f.codes)
        }
        var out = ""
        for c in list {
            out += "\(f.hex(c)) \(f.value(ofCode: c))\n"
        }
        print(out, terminator: "")
    }
}

struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Round exact values to codes.",
        discussion: """
        VALUE is exact: a decimal (0.1 is exactly 1/10), p/q, a hex float (0x1.8p-3), inf, -inf, \
        nan, or IEEE bits f64:…, f32:…, f16:…, bf16:…. Without values, one value per line is read \
        from standard input, and exactly one output line is printed per input line: a blank line \
        is an error naming its line number, as is an empty argument (`encode -- ""`). With \
        --rounding sr each value is followed by its random integer R (0 ≤ R < 2^N, decimal or 0x \
        hex), as the next argument or on the same line. Output: `INPUT 0xHH`, the input echoed as \
        given. Errors: the first bad line or argument stops the command with exit status 1 and a \
        message naming it (long input is echoed to at most 160 characters); the lines before it \
        have been printed. --profile P fixes the rounding and the overflow policy (Specs/formats.md \
        §6), so it cannot be combined with --rounding, --overflow or --random-bits: that is a usage \
        error (exit status 2), as are unknown formats and invalid option values.
        """)

    @Argument(help: "A format name or spelling.")
    var format: String
    @Option(name: .customLong("rounding"), help: "Rounding mode: \(RoundingMode.allCases.map(\.rawValue).joined(separator: ", ")) (default rne; not with --profile).")
    var roundingOption: RoundingMode?
    @Option(name: .customLong("overflow"), help: "Overflow policy: \(OverflowPolicy.allCases.map(\.rawValue).joined(separator: ", ")) (default saturate; not with --profile).")
    var overflowOption: OverflowPolicy?
    var rounding: RoundingMode { roundingOption ?? .rne }
    var overflow: OverflowPolicy { overflowOption ?? .saturate }
    @Option(name: .customLong("random-bits"), parsing: .unconditional, help: "N, the number of random bits for --rounding sr (1…64).")
    var randomBits: Int?
    @Flag(help: "Also print the exception flags after the code.")
    var flags = false
    @Option(help: "Reproduce an ecosystem's conversion: ml_dtypes, onnx, torch, cuda, ocp, p3109 (fixes rounding and overflow, so it excludes --rounding and --overflow; see Specs/formats.md §6).")
    var profile: String?
    @Argument(parsing: .allUnrecognized, help: "Values (read from standard input when none are given).")
    var values: [String] = []

    func validate() throws {
        if rounding == .sr && randomBits == nil { throw ValidationError("--rounding sr needs --random-bits N") }
        if let n = randomBits, !(1...64).contains(n) { throw ValidationError("--random-bits must be 1…64 (got \(n))") }
        if randomBits != nil && rounding != .sr { throw ValidationError("--random-bits is only for --rounding sr") }
        if let p = profile, CompatibilityProfile.named(p) == nil {
            throw ValidationError("unknown profile '\(p)' (\(CompatibilityProfile.all.map(\.name).joined(separator: ", ")))")
        }
        if let p = profile {
            let given = [roundingOption != nil ? "--rounding" : nil, overflowOption != nil ? "--overflow" : nil].compactMap { $0 }
            if !given.isEmpty {
                throw ValidationError("--profile \(p) fixes the rounding and the overflow policy: drop \(given.joined(separator: " and "))")
            }
        }
    }

    func run() throws {
        let f = try lookUpFormat(format)
        let expected = rounding == .sr ? 2 : 1
        if values.isEmpty {
            // One output line per input line: a blank line is an error, not skipped.
            for (n, line) in InputLines() {
                let out = try LineSplit.withBytes(line) { b throws -> String in
                    let (ranges, count) = LineSplit.fields(b, limit: expected)
                    if count == 0 { throw blankLineError(n, needs: expected == 1 ? "a value" : "a value and R") }
                    guard count == expected else {
                        if expected == 2 && count == 1 {
                            throw CLIError("line \(n): \(quoted(b, ranges[0])): --rounding sr needs a random integer R after the value")
                        }
                        throw CLIError("line \(n): \(quoted(line)): expected \(expected == 1 ? "one value" : "a value and R") (got \(counted(count, "field")))")
                    }
                    return try encodeLine(f, ranges.map { string(b, $0) }, where: "line \(n)")
                }
                print(out)
            }
        } else {
            // Arguments: each value, followed by its R under sr (an argument may hold "VALUE R").
            // An empty argument (`encode -- ""`) is an empty element, as in every list.
            var tokens: [(argument: Int, text: String)] = []
            for (k, a) in values.filter({ $0 != "--" }).enumerated() {
                let fields = LineSplit.withBytes(a) { b in LineSplit.fields(b, limit: .max).ranges.map { string(b, $0) } }
                if fields.isEmpty { throw emptyElementError("argument \(k + 1)") }
                tokens += fields.map { (k + 1, $0) }
            }
            var i = 0
            while i < tokens.count {
                let chunk = tokens[i ..< min(i + expected, tokens.count)]
                if chunk.count < expected {
                    throw CLIError("argument \(chunk.first!.argument): \(quoted(chunk.first!.text)): --rounding sr needs a random integer R after the value")
                }
                print(try encodeLine(f, chunk.map(\.text), where: "argument \(chunk.first!.argument)"))
                i += expected
            }
        }
    }

    /// `INPUT 0xHH` for a value (and its R under sr).
    func encodeLine(_ f: Format, _ tokens: [String], where position: String) throws -> String {
        let x: ExactValue
        do { x = try ValueParser.parse(tokens[0]) } catch { throw CLIError("\(position): \(describe(error))") }
        var random: StochasticBits?
        if rounding == .sr {
            let n = randomBits!
            let rText = tokens[1]
            let parsed = rText.utf8.count > 20 ? nil : rText.lowercased().hasPrefix("0x") ? UInt64(rText.dropFirst(2), radix: 16) : UInt64(rText)
            guard let r = parsed else {
                throw CLIError("\(position): \(quoted(rText)): R must be a non-negative integer below 2^\(n)")
            }
            do { random = try StochasticBits(count: n, value: r) } catch {
                throw CLIError("\(position): \(quoted(rText)): \(error.description)")
            }
        }
        let result: Encoded
        do {
            if let p = profile.flatMap(CompatibilityProfile.named) { result = try p.encode(parsing: tokens[0], into: f) }
            else { result = try f.encode(x, rounding: rounding, overflow: overflow, random: random) }
        } catch {
            throw CLIError("\(position): \(quoted(tokens[0])): \(error)")
        }
        return tokens.joined(separator: " ") + " " + f.hex(result.code) + (flags ? " " + result.flags.spelled : "")
    }
}

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Print a format's facts and its full value table.")

    @Argument(help: "A format name or spelling.")
    var format: String

    func run() throws {
        let f = try lookUpFormat(format)
        guard f.isEnumerable else { throw CLIUsage("\(f.name) has \(f.bits)-bit codes, too many to describe one by one") }
        let facts = f.facts
        var out = "\(f.name)\n"
        if !f.aliases.isEmpty { out += "  aliases:        \(f.aliases.joined(separator: ", "))\n" }
        out += "  defined by:     \(f.spec)\n"
        out += "  layout:         \(f.layoutSummary)\n"
        out += "  bits:           \(f.bits) (\(f.codeCount) codes)\n"
        out += "  max finite:     \(facts.maxFinite)\n"
        out += "  min finite:     \(facts.minFinite)\n"
        if let v = facts.minNormal { out += "  min normal:     \(v)\n" }
        out += "  min subnormal:  \(facts.minSubnormal?.description ?? "none")\n"
        out += "  -0:             \(facts.hasNegativeZero ? "yes" : "no")\n"
        out += "  Inf codes:      \(codeList(f, facts.infinityCodes))\n"
        out += "  NaN codes:      \(codeList(f, facts.nanCodes))\n"
        out += "\n  code   class       value\n"
        for c in f.codes {
            let v = f.value(ofCode: c)
            let cls: String
            switch f.classifyCode(c) {
            case .nan: cls = "nan"
            case .infinity: cls = "infinity"
            case .finite(_, let magnitude):
                if let fl = f.floatLayout {
                    if v.rational!.isZero { cls = "zero" }
                    else if fl.subnormals && magnitude >> fl.mantissaBits == 0 { cls = "subnormal" }
                    else { cls = "normal" }
                } else if let t = f.taperedLayout {
                    if v.rational!.isZero { cls = "zero" }
                    else { cls = v.rational!.magnitude < t.minNormal ? "denormal" : "normal" }
                } else { cls = v.rational!.isZero ? "zero" : "integer" }
            }
            out += "  \(f.hex(c))   \(cls.padding(10)) \(v)\n"
        }
        print(out, terminator: "")
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}

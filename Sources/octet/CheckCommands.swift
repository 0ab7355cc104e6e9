import ArgumentParser
import Foundation
import Octet
import OctetCheck
import OctetExact
#if canImport(Glibc)
import Glibc
#endif

extension CheckOperationKind: ExpressibleByArgument {}

/// Options naming an operation and its reference semantics, shared by check and gen.
struct OperationOptions: ParsableArguments {
    @Option(help: "Operation: convert, mul, dot, dot-i8.")
    var op: CheckOperationKind
    @Option(name: .customLong("to"), help: "convert: the target format (at most 8 bits).")
    var to: String?
    @Option(name: .customLong("a"), help: "mul, dot: format of the A codes.")
    var a: String?
    @Option(name: .customLong("b"), help: "mul, dot: format of the B codes.")
    var b: String?
    @Option(name: .customLong("out"), help: "mul: the output format.")
    var out: String?
    @Option(name: .customLong("acc"), help: "dot: accumulator model as in `octet mac` (exact means the exact sum rounded once to binary32, rne).")
    var acc: String?
    @Option(help: "convert, mul: rounding mode.")
    var rounding: RoundingMode = .rne
    @Option(help: "convert, mul: overflow policy.")
    var overflow: OverflowPolicy = .saturate

    /// The operation; `randomBits` (gen only: the vector format carries R per case) allows sr.
    func spec(randomBits: Int? = nil) throws -> OctetOperation {
        func fmt(_ name: String?, _ flag: String) throws -> Format {
            guard let name else { throw CheckError.usage("--op \(op.rawValue) needs --\(flag) FORMAT") }
            let f: Format
            do { f = try FormatRegistry.named(name) } catch { throw CheckError.usage(error.description) }
            guard f.bits <= 8 else { throw CheckError.usage("--\(flag) \(name): the kernel ABI passes one code per byte (formats of at most 8 bits)") }
            return f
        }
        if rounding == .sr && (op != .convert || randomBits == nil) {
            throw CheckError.usage(randomBits == nil && op == .convert
                ? "sr needs random bits per element: `octet gen --rounding sr --random-bits N` writes them into the vector lines; the kernel ABI of check does not pass them"
                : "sr is available for convert only")
        }
        if randomBits != nil && rounding != .sr { throw CheckError.usage("--random-bits is for --rounding sr") }
        switch op {
        case .convert:
            if rounding == .sr { return .convert(from: .binary32, to: try fmt(to, "to"), rounding: .sr, overflow: overflow, srBits: randomBits) }
            return .convert(to: try fmt(to, "to"), rounding: rounding, overflow: overflow)
        case .mul: return .mul(a: try fmt(a, "a"), b: try fmt(b, "b"), out: try fmt(out, "out"), rounding: rounding, overflow: overflow)
        case .dot:
            guard let acc else { throw CheckError.usage("--op dot needs --acc MODEL") }
            let m: AccumulatorModel
            do { m = try AccumulatorModel.parse(acc) } catch { throw CheckError.usage(error.description) }
            return .dot(a: try fmt(a, "a"), b: try fmt(b, "b"), model: m, modelName: acc)
        case .dotI8: return .dotI8
        }
    }
}

/// Prints a progress bar with an ETA on standard error, for runs longer than two seconds, when
/// standard error is a terminal.
final class ProgressBar {
    let start = ContinuousClock.now
    var last = ContinuousClock.now
    let enabled = isatty(2) != 0

    func update(_ done: Int, _ total: Int) {
        guard enabled, total > 0 else { return }
        let now = ContinuousClock.now
        let elapsed = now - start
        guard elapsed > .seconds(2), now - last > .milliseconds(200) else { return }
        last = now
        let fraction = Double(done) / Double(total)
        let width = 30
        let filled = Int(fraction * Double(width))
        let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let eta = fraction > 0 ? secs / fraction - secs : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        writeStderr("\r[\(bar)] \(Int(fraction * 100))% \(done)/\(total) ETA \(Int(eta))s ")
    }

    func finish() {
        if enabled && ContinuousClock.now - start > .seconds(2) { writeStderr("\r\u{1B}[K") }
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a compiled kernel (C ABI of octet_kernel.h) against the reference.",
        discussion: """
        Runs SYMBOL of LIB in a worker process (the checker survives whatever the kernel does) on \
        every applicable generator: exhaustive pairs (mul), TestFloat-style patterns, values, \
        midpoints and overflow thresholds (convert), boundary-weighted vectors (dot). Inputs end \
        at (and start after) PROT_NONE guard pages, outputs sit between canaries, inputs are \
        compared with a private copy after every call, and failing batches are rerun three times.

        Status (first line, and `status` in --json): pass; mismatch; crash (a signal; the case \
        that triggers it, isolated by bisection); timeout (no answer within --timeout); exited \
        (the kernel or the library's constructor ended the process); oob-read; oob-write (with \
        the bytes written past the end); input-modified; nondeterministic (fresh calls gave \
        different answers, or the counterexample does not reproduce).

        Every mismatch of the budget is counted (--max-failures stops early) and classified: nan \
        (the kernel's NaN code), zero-sign, overflow-policy (names the policy it matches), \
        rounding-mode, double-rounding (via binary16, bfloat16 or binary32), profile (a \
        compatibility profile), accumulator (dot: another accumulator model), other (how many \
        codes above or below, and the side of the midpoint). Each class has its count and a \
        shrunk first example. Cases without a defined result (NaN into a format without NaN) \
        are counted as undefined.

        --json prints one object: status, operation, kernel {path, sha256, symbol}, seed, \
        budget, shard, passed, failed, undefined, generators [{name, cases, failed}], classes \
        [{class, count, evidence, example}], signatures (for `octet merge`), and for a kernel \
        defect: defect and case {generator, index, input}. Exit 0 only for pass; 1 for a \
        mismatch or a kernel defect; 2 for usage errors and libraries that cannot be loaded.
        """)

    @Option(help: "The shared library (.so) holding the kernel.")
    var kernel: String
    @Option(help: "The exported symbol to check.")
    var symbol: String
    @OptionGroup var operation: OperationOptions
    @Option(help: "Number of cases (default: the operation's, under a minute on one core).")
    var budget: Int?
    @Option(help: "Seed of the random generators.")
    var seed: UInt64 = 1
    @Option(help: "Run one shard I/N of the sweep (0 ≤ I < N).")
    var shard: String = "0/1"
    @Option(help: "Seconds a batch may take before the kernel counts as hung.")
    var timeout: Double = 10
    @Option(name: .customLong("max-failures"), help: "Stop after N mismatches (default: run the whole budget).")
    var maxFailures: Int?
    @Flag(help: "Print the result as one JSON object.")
    var json = false
    @Flag(name: .customLong("in-process"), help: "Run the kernel in this process (to debug it under gdb or a sanitizer): canaries and input copies are still checked, but a crash, hang or exit of the kernel takes the checker with it.")
    var inProcess = false

    /// The command line without its seed (`--seed S` or `--seed=S`), quoted for a POSIX shell.
    static func commandLine() -> String {
        var args: [String] = []
        var skipNext = false
        for a in CommandLine.arguments.dropFirst() {
            if skipNext { skipNext = false; continue }
            if a == "--seed" { skipNext = true; continue }
            if a.hasPrefix("--seed=") { continue }
            let plain = !a.isEmpty && a.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "-_./:=,+@%".unicodeScalars.contains($0)) }
            args.append(plain ? a : "'" + a.replacingOccurrences(of: "'", with: "'\\''") + "'")
        }
        return (["octet"] + args).joined(separator: " ")
    }

    func run() throws {
        let spec: OctetOperation
        let part: Shard
        do {
            spec = try operation.spec()
            part = try Shard.parse(shard)
        } catch {
            throw CLIUsage("\(error)")
        }
        if let b = budget, b < 1 { throw CLIUsage("--budget must be at least 1 (got \(b))") }
        guard !kernel.isEmpty else { throw CLIUsage("--kernel is empty (give the path of a shared library)") }
        guard !symbol.isEmpty else { throw CLIUsage("--symbol is empty") }
        if let m = maxFailures, m < 1 { throw CLIUsage("--max-failures must be at least 1") }
        guard timeout > 0, timeout <= 86_400 else { throw CLIUsage("--timeout must be between 0 and 86400 seconds") }
        guard let resolved = realpath(kernel, nil) else {
            throw CLIUsage("cannot load kernel library '\(kernel)': \(String(cString: strerror(errno)))")
        }
        let path = String(cString: resolved)
        free(resolved)
        guard let bytes = FileManager.default.contents(atPath: path) else { throw CLIUsage("cannot read kernel library '\(kernel)'") }
        let identity = CheckText.KernelIdentity(path: path, sha256: SHA256.hex([UInt8](bytes)), symbol: symbol)
        let budget = budget ?? Generators.defaultBudget(spec)
        let report: CheckReport
        do {
            let runner: KernelRunner
            if inProcess {
                do { runner = InProcessRunner(try KernelLoader.load(library: path, symbol: symbol, as: operation.op)) } catch { throw CLIUsage("\(error)") }
            } else {
                runner = try WorkerRunner(executable: "/proc/self/exe", library: path, symbol: symbol, kind: operation.op, timeout: timeout)
            }
            let bar = ProgressBar()
            report = Checker(spec: spec, runner: runner).run(budget: budget, seed: seed, shard: part, maxFailures: maxFailures,
                                                             progress: { bar.update($0, $1) })
            bar.finish()
        } catch let error as WorkerStartError {
            switch error {
            case .defect(let d):
                // The library's constructor crashed, hung or ended the worker: a kernel defect.
                var r = CheckReport(title: spec.title, seed: seed, shard: part, budget: budget)
                r.defect = DefectReport(defect: d, generator: "load", index: nil, input: nil)
                print(json ? CheckText.json(r, spec: spec, kernel: identity) : CheckText.render(r, spec: spec, command: nil), terminator: json ? "\n" : "")
                throw ExitCode(1)
            default:
                throw CLIUsage(error.description)
            }
        }
        if json {
            print(CheckText.json(report, spec: spec, kernel: identity))
        } else {
            print(CheckText.render(report, spec: spec, command: CheckCommand.commandLine()), terminator: "")
        }
        var failed = report.status != "pass"
        if !report.idleGenerators.isEmpty && !failed && part.count == 1 {
            writeStderr("error: generators ran no case: \(report.idleGenerators.joined(separator: ", ")) (raise --budget)\n")
            failed = true
        }
        if failed { throw ExitCode(1) }
    }
}

/// A usage error that exits with status 2 (check's contract).
struct CLIUsage: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

struct GenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "Print operand lines for an operation (the TestFloat pipe: gen | program | verify).",
        discussion: """
        Prints a vector header (Specs/vectors.md) naming the operation, formats, rounding, overflow \
        policy, accumulator, generator and the number of cases (`# cases: N`), then one line of \
        operands per case: convert `INPUT` (binary32 bits in hex; with --rounding sr `INPUT R`, R \
        the random integer of --random-bits bits), mul `A B`, dot `A1,A2,… B1,B2,…`. A program \
        appends its result (and optionally flags, on every line or on none) to each line; \
        `octet verify` checks them and fails when the stream holds fewer or more cases than the \
        header says. dot-i8 is not available here (use check).
        """)

    @OptionGroup var operation: OperationOptions
    @Option(help: "Number of cases (at least 1).")
    var budget: Int?
    @Option(help: "Seed.")
    var seed: UInt64 = 1
    @Option(help: "Only shard I/N of the cases.")
    var shard: String = "0/1"
    @Option(name: .customLong("random-bits"), help: "With --rounding sr: bits of the random integer R drawn per case (1…64).")
    var randomBits: Int?

    func run() throws {
        let spec: OctetOperation
        let part: Shard
        do {
            if let n = randomBits, !(1 ... 64).contains(n) { throw CheckError.usage("--random-bits must be 1…64 (got \(n))") }
            spec = try operation.spec(randomBits: randomBits)
            part = try Shard.parse(shard)
        } catch { throw CLIUsage("\(error)") }
        if let b = budget, b < 1 { throw CLIUsage("--budget must be at least 1 (got \(b))") }
        if case .dotI8 = spec { throw CLIUsage("gen does not produce dot-i8 lines; use `octet check --op dot-i8`") }
        let gens = Generators.all(for: spec, budget: budget ?? Generators.defaultBudget(spec), seed: seed)
        var total = 0, offset = 0
        for g in gens {
            for i in 0 ..< g.count where part.contains(offset + i) { total += 1 }
            offset += g.count
        }
        guard total > 0 else { throw CLIUsage("shard \(part) of \(offset) cases is empty (raise --budget or use fewer shards)") }
        var fields = spec.headerFields
        fields.append(("generator", "all seed=\(seed) shard=\(part)"))
        fields.append(("cases", "\(total)"))
        print(VectorHeader(fields).text, terminator: "")
        var srBits: Int?
        if case .convert(_, _, _, _, let n) = spec { srBits = n }
        offset = 0
        var out = ""
        for g in gens {
            for i in 0 ..< g.count where part.contains(offset + i) {
                out += spec.operandFields(g.caseAt(i))
                if let n = srBits {
                    // R depends only on the seed and the case's global index (the same in every sharding).
                    var rng = SplitMix64(seed: seed ^ (0x5352_0000_0000_0000 &+ UInt64(offset + i)))
                    let r = n == 64 ? rng.next() : rng.next() & ((1 << UInt64(n)) - 1)
                    out += " \(r)"
                }
                out += "\n"
                if out.utf8.count > 1 << 16 { print(out, terminator: ""); out = "" }
            }
            offset += g.count
        }
        print(out, terminator: "")
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check result lines (a vector header, then operands and result per line) against the reference.",
        discussion: """
        Reads FILE, or standard input, line by line. Reports every mismatch with its line number \
        (up to --max-errors) and ends with `N passed, M failed`. A stream may concatenate several \
        files, each opening with `# octet-vectors 1`. The evidence must be complete: each \
        header's `# cases: N` must equal the cases that follow (a cut stream fails with \
        `truncated: K of N cases`), a stream without cases fails, and a NUL or any byte that \
        cannot occur in a vector line stops with its line. Flags are on every case of a file or \
        on none (required when the header's columns name them). Exit 0 only when every case \
        passed; 1 for a mismatch, a malformed line or incomplete evidence; 2 for usage errors.
        """)

    @Argument(help: "Vector file (default: standard input).")
    var file: String?
    @Option(name: .customLong("max-errors"), help: "Stop reporting after N mismatches (0: all); every case is still counted.")
    var maxErrors: Int = 20

    func run() throws {
        guard maxErrors >= 0 else { throw CLIUsage("--max-errors must be 0 (report all) or more (got \(maxErrors))") }
        let name = file.map { "'\($0)'" } ?? "standard input"
        let fp: UnsafeMutablePointer<FILE>
        if let file {
            guard let f = fopen(file, "r") else { throw CLIError("cannot open '\(file)': \(String(cString: strerror(errno)))") }
            fp = f
        } else {
            guard let f = fdopen(0, "r") else { throw CLIError("cannot read standard input") }
            fp = f
        }
        defer { if file != nil { fclose(fp) } }
        var stream = VectorStream(maxErrors: maxErrors)
        var fatal: VectorError?
        var printed = 0
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        while true {
            let n = getline(&buffer, &capacity, fp)
            if n < 0 { break }
            let length = n > 0 && buffer![n - 1] == 0x0A ? n - 1 : n
            fatal = buffer!.withMemoryRebound(to: UInt8.self, capacity: n) { stream.feed(UnsafeBufferPointer(start: $0, count: length)) }
            while printed < stream.outcome.reports.count { print(stream.outcome.reports[printed]); printed += 1 }
            if fatal != nil { break }
        }
        if fatal == nil && ferror(fp) != 0 { throw CLIError("cannot read \(name): \(String(cString: strerror(errno)))") }
        if fatal == nil { fatal = stream.finish() }
        let summary = "\(stream.outcome.passed) passed, \(stream.outcome.failed) failed"
        if let fatal { throw CLIError("\(name), \(fatal) (\(summary) before it)") }
        if !stream.flagsCompared && stream.outcome.failed == 0 { print("(no flags given: only the result codes were compared)") }
        print(summary)
        if stream.outcome.failed > 0 { throw ExitCode(1) }
    }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge `octet check --json` results of shards into one summary.",
        discussion: """
        Reads one `octet check --json` result per file (or one per line of standard input), and \
        sums cases per generator, passed, failed and undefined, sums the mismatch signatures and \
        recomputes the classes over all shards (so they equal those of one whole run), reports any \
        shard's kernel defect, and says whether the shards cover 0…N−1 of one N.

        Refused, naming the file (or line) and merging nothing: results of different kernels \
        (library SHA-256 or symbol), operations, seeds, budgets or shard counts; a shard given \
        twice; negative counts; counts that do not add up (passed + failed + undefined against \
        the generators' cases, failures against the generators' and the signatures'); generator \
        lists or case counts other than those the operation, budget and seed give the shard; a \
        status that contradicts the counts, or a counterexample with 0 failed. Exit 0 only when \
        the shards are complete and every one passed; 1 otherwise, or for a refused result.
        """)

    @Argument(help: "Files with one JSON result each (default: standard input, one per line).")
    var files: [String] = []
    @Flag(help: "Print the merged result as one JSON object (classes recomputed over all shards).")
    var json = false

    func run() throws {
        // (where, text): a file's name, or standard input's line.
        var texts: [(String, String)] = []
        func readLines(_ fp: UnsafeMutablePointer<FILE>, _ name: String, _ perLine: Bool) throws {
            var buffer: UnsafeMutablePointer<CChar>?
            var cap = 0
            var line = 0
            defer { free(buffer) }
            while getline(&buffer, &cap, fp) > 0 {
                line += 1
                let s = String(cString: buffer!).trimmingCharacters()
                if !s.isEmpty { texts.append((perLine ? "\(name), line \(line)" : name, s)) }
            }
            if ferror(fp) != 0 { throw CLIError("cannot read \(name): \(String(cString: strerror(errno)))") }
        }
        if files.isEmpty {
            guard let fp = fdopen(0, "r") else { throw CLIError("cannot read standard input") }
            try readLines(fp, "standard input", true)
        }
        for f in files {
            guard let fp = fopen(f, "r") else { throw CLIError("cannot open '\(f)': \(String(cString: strerror(errno)))") }
            defer { fclose(fp) }
            let before = texts.count
            try readLines(fp, "'\(f)'", false)
            if texts.count > before + 1 {
                throw CLIError("'\(f)' holds \(texts.count - before) results; give one `octet check --json` result per file (or several lines on standard input)")
            }
            if texts.count == before { throw CLIError("'\(f)' is empty") }
        }
        if texts.isEmpty { throw CLIError("no results to merge") }
        var merged = ShardMerge(requireKernel: true)
        for (place, t) in texts {
            do { try merged.add(t) } catch { throw CLIError("\(place): \(error) (nothing merged)") }
        }
        print(json ? merged.json : merged.summary)
        if !merged.ok { throw ExitCode(1) }
    }
}

extension String {
    func trimmingCharacters() -> String {
        String(drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    }
}

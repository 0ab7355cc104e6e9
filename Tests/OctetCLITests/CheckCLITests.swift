import Octet
import OctetExact
import OctetTestSupport
import Foundation
import Testing

/// `octet check`, `merge`, `gen | program | verify` end to end: kernels are compiled with the
/// system C compiler into a temporary folder at test time, exactly as a user would build them.
enum CheckCLI {
    /// The package root: this file is Tests/OctetCLITests/CheckCLITests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let include = root.appendingPathComponent("Sources/COctetKernels/include").path
    static let example = root.appendingPathComponent("Examples/c-kernel/e4m3fn_convert.c").path
    static let planted = root.appendingPathComponent("Tests/PlantedKernels/planted.c").path
    static let plantedInclude = root.appendingPathComponent("Tests/PlantedKernels/include").path

    /// A fresh temporary folder.
    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("octet-check-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func run(_ tool: String, _ args: [String], environment: [String: String] = [:], cwd: URL? = nil) throws -> OctetRun {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // read both pipes concurrently: a chatty stderr must not block stdout
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        p.waitUntilExit()
        return OctetRun(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// `cc -O2 -shared -fPIC -I Sources/COctetKernels/include -o DIR/NAME.so SOURCE [flags]`
    static func compile(_ source: String, into dir: URL, name: String, flags: [String] = []) throws -> String {
        let lib = dir.appendingPathComponent("lib\(name).so").path
        let r = try run("/usr/bin/env", ["cc", "-O2", "-shared", "-fPIC", "-I", include] + flags + ["-o", lib, source])
        guard r.status == 0 else { throw CompileError(description: "cc failed: \(r.stderr)") }
        return lib
    }

    struct CompileError: Error, CustomStringConvertible { let description: String }

    static func check(_ args: [String]) throws -> OctetRun { try OctetBinary.run(["check"] + args) }

    static let convertArgs = ["--symbol", "e4m3fn_convert", "--op", "convert", "--to", "float8_e4m3fn"]
}

@Suite("octet check: user kernels compiled at test time", .serialized)
struct CheckCLITests {
    /// The example kernel with its planted tie bug: exit 1, TestFloat-style report of the minimal
    /// counterexample (a tie), the seed and a command that reproduces it.
    @Test func brokenKernelMismatch() throws {
        let dir = try CheckCLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lib = try CheckCLI.compile(CheckCLI.example, into: dir, name: "tiebug", flags: ["-DPLANT_TIE_BUG"])
        let r = try CheckCLI.check(["--kernel", lib] + CheckCLI.convertArgs + ["--seed", "7"])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        let out = r.stdout
        #expect(out.hasPrefix("MISMATCH  convert binary32 -> float8_e4m3fn, rne, saturate\n"), "\(out)")
        #expect(out.contains("seed 7, shard 0/1"))
        #expect(out.contains("\ninput     0x"), "inputs in hex and decoded")
        #expect(out.contains("\nobserved  0x") && out.contains("\nexpected  0x"))
        #expect(out.contains("\nneighbours 0x") && out.contains("the exact value is a tie"))
        #expect(out.contains("\n1 failed") || out.contains(" 1 failed"))
        // the reproduction command is a valid command line: re-running it gives the same report
        let reproduce = try #require(out.split(separator: "\n").first { $0.hasPrefix("reproduce: ") })
        var args = reproduce.dropFirst("reproduce: ".count).split(separator: " ").map(String.init)
        #expect(args.first == "octet")
        args.removeFirst()
        #expect(args.filter { $0 == "--seed" }.count == 1, "\(reproduce)")
        let again = try OctetBinary.run(args)
        #expect(again.status == 1)
        #expect(again.stdout.split(separator: "\n").prefix(8) == out.split(separator: "\n").prefix(8))
    }

    /// README's "Checking a kernel" example: the tie bug at `--budget 20000` fails in exactly the
    /// cases of that sweep where rounding to nearest with ties away from zero and with ties to even
    /// give different codes (counted here from `octet gen`'s cases and the reference's encode,
    /// without the classifier), and all of them form one class, `rounding-mode` (rna).
    @Test func readmeTieExampleCountsEveryTie() throws {
        let dir = try CheckCLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lib = try CheckCLI.compile(CheckCLI.example, into: dir, name: "tiebug", flags: ["-DPLANT_TIE_BUG"])
        let r = try CheckCLI.check(["--kernel", lib] + CheckCLI.convertArgs + ["--budget", "20000"])
        #expect(r.status == 1)
        let gen = try OctetBinary.run(["gen", "--op", "convert", "--to", "float8_e4m3fn", "--budget", "20000"])
        #expect(gen.status == 0)
        let e4m3 = try FormatRegistry.named("float8_e4m3fn")
        var ties = 0
        for line in gen.stdout.split(separator: "\n") where !line.hasPrefix("#") {
            let x = IEEEBits.decode(UInt64(line, radix: 16)!, as: .binary32)
            if x.isNaN { continue }
            if try e4m3.encode(x, rounding: .rne, overflow: .saturate).code != e4m3.encode(x, rounding: .rna, overflow: .saturate).code { ties += 1 }
        }
        #expect(ties == 162, "README quotes 162")
        #expect(r.stdout.contains("\n\(ties) cases fail, in 1 class:\n  rounding-mode "), "\(r.stdout)")
        #expect(r.stdout.contains("matches --rounding rna"))
    }

    /// The correct example kernel, default budget: exit 0 and the count of every generator.
    @Test func correctKernelPasses() throws {
        let dir = try CheckCLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lib = try CheckCLI.compile(CheckCLI.example, into: dir, name: "e4m3", flags: [])
        let start = ContinuousClock.now
        let r = try CheckCLI.check(["--kernel", lib] + CheckCLI.convertArgs)
        print("[cli] octet check, default budget, correct kernel: \(ContinuousClock.now - start)")
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(!r.stdout.contains("MISMATCH"))
        var total = 0
        for name in ["specials", "values", "midpoints", "patterned", "random-in-range", "random-bits"] {
            let line = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("  \(name) ") }, "\(name) missing:\n\(r.stdout)")
            let n = try #require(Int(line.split(separator: " ")[1]))
            #expect(n > 0, "\(name)")
            total += n
        }
        #expect(r.stdout.hasSuffix("\(total) passed, 0 failed\n"), "\(r.stdout)")

        // JSON: one object with the same counts
        let j = try CheckCLI.check(["--kernel", lib] + CheckCLI.convertArgs + ["--budget", "2000", "--json"])
        #expect(j.status == 0)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        #expect(obj["failed"] as? Int == 0)
        #expect(obj["shard"] as? String == "0/1")
        #expect((obj["generators"] as? [[String: Any]])?.count == 6)
        #expect(obj["status"] as? String == "pass")
        #expect(obj["counterexample"] == nil)
    }

    /// Dots and int8 dots from the planted kernels, built as a user's library: the minimal
    /// counterexample is a short vector.
    @Test func brokenDotKernels() throws {
        let dir = try CheckCLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lib = try CheckCLI.compile(CheckCLI.planted, into: dir, name: "planted", flags: ["-I", CheckCLI.plantedInclude])
        let dot = ["--op", "dot", "--a", "float8_e4m3fn", "--b", "float8_e4m3fn", "--budget", "60"]
        let lanes = try CheckCLI.check(["--kernel", lib, "--symbol", "planted_dot_e4m3fn_lanes8", "--acc", "fp32:sequential"] + dot)
        #expect(lanes.status == 1, "\(lanes.stdout)\(lanes.stderr)")
        #expect(lanes.stdout.hasPrefix("MISMATCH  dot float8_e4m3fn x float8_e4m3fn, accumulator fp32:sequential, result binary32\n"))
        let n = lanes.stdout.split(separator: "\n").first { $0.hasPrefix("n ") }.flatMap { Int($0.split(separator: " ").last!) }
        #expect(n != nil && n! <= 8, "\(lanes.stdout)")
        // the same kernel is right as what it is
        let ok = try CheckCLI.check(["--kernel", lib, "--symbol", "planted_dot_e4m3fn_lanes8", "--acc", "fp32:lanes8"] + dot)
        #expect(ok.status == 0, "\(ok.stdout)")
        let exact = try CheckCLI.check(["--kernel", lib, "--symbol", "planted_dot_e4m3fn_f32_as_exact", "--acc", "exact"] + dot)
        #expect(exact.status == 1)
        let i8 = try CheckCLI.check(["--kernel", lib, "--symbol", "planted_dot_i8_pair_saturate16", "--op", "dot-i8", "--budget", "60"])
        #expect(i8.status == 1)
        #expect(i8.stdout.contains("\nn         2\na         -128,-128\nb         -128,-128\n"), "\(i8.stdout)")
        #expect(i8.stdout.contains("observed  32767") && i8.stdout.contains("expected  32768"))
        let i8ok = try CheckCLI.check(["--kernel", lib, "--symbol", "planted_dot_i8_correct", "--op", "dot-i8", "--budget", "60"])
        #expect(i8ok.status == 0)
        let mul = try CheckCLI.check(["--kernel", lib, "--symbol", "planted_mul_e4m3fn_correct", "--op", "mul",
                                      "--a", "float8_e4m3fn", "--b", "float8_e4m3fn", "--out", "float8_e4m3fn"])
        #expect(mul.status == 0, "\(mul.stdout)")
        #expect(mul.stdout.contains("  exhaustive         65536 cases"))
    }

    /// Exit 2: a library that cannot be loaded, a missing symbol, usage errors.
    @Test func loadAndUsageErrorsExitTwo() throws {
        let dir = try CheckCLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lib = try CheckCLI.compile(CheckCLI.example, into: dir, name: "e4m3")
        let notALibrary = dir.appendingPathComponent("notalib.so")
        try Data("not an ELF file\n".utf8).write(to: notALibrary)
        let cases: [(String, [String])] = [
            ("missing library", ["--kernel", dir.appendingPathComponent("nonexistent.so").path] + CheckCLI.convertArgs),
            ("not a library", ["--kernel", notALibrary.path] + CheckCLI.convertArgs),
            ("missing symbol", ["--kernel", lib, "--symbol", "no_such_kernel", "--op", "convert", "--to", "float8_e4m3fn"]),
            ("no --to", ["--kernel", lib, "--symbol", "e4m3fn_convert", "--op", "convert"]),
            ("unknown format", ["--kernel", lib, "--symbol", "e4m3fn_convert", "--op", "convert", "--to", "float8_e9m9"]),
            ("wide format", ["--kernel", lib, "--symbol", "e4m3fn_convert", "--op", "convert", "--to", "binary16"]),
            ("unknown op", ["--kernel", lib, "--symbol", "e4m3fn_convert", "--op", "divide"]),
            ("no --acc", ["--kernel", lib, "--symbol", "e4m3fn_convert", "--op", "dot", "--a", "float8_e4m3fn", "--b", "float8_e4m3fn"]),
            ("bad --acc", ["--kernel", lib, "--symbol", "e4m3fn_convert", "--op", "dot", "--a", "float8_e4m3fn", "--b", "float8_e4m3fn", "--acc", "fp99:sideways"]),
            ("sr", ["--kernel", lib, "--rounding", "sr"] + CheckCLI.convertArgs),
            ("bad shard", ["--kernel", lib, "--shard", "4/4"] + CheckCLI.convertArgs),
            ("malformed shard", ["--kernel", lib, "--shard", "two"] + CheckCLI.convertArgs),
            ("negative budget", ["--kernel", lib, "--budget", "-5"] + CheckCLI.convertArgs),
            ("no --kernel", CheckCLI.convertArgs),
            ("unknown option", ["--kernel", lib, "--frobnicate"] + CheckCLI.convertArgs),
        ]
        for (what, args) in cases {
            let r = try CheckCLI.check(args)
            #expect(r.status == 2, "\(what): status \(r.status)\n\(r.stdout)\(r.stderr)")
            #expect(!r.stderr.isEmpty, "\(what): no message")
            #expect(!r.stdout.contains("passed"), "\(what)")
        }
        let missing = try CheckCLI.check(["--kernel", lib, "--symbol", "no_such_kernel", "--op", "convert", "--to", "float8_e4m3fn"])
        #expect(missing.stderr.contains("no_such_kernel"))
        // a bare file name is the file in the current folder (dlopen alone would search the system's paths)
        let here = try CheckCLI.run(OctetBinary.url.path, ["check", "--kernel", "libe4m3.so"] + CheckCLI.convertArgs + ["--budget", "500"], cwd: dir)
        #expect(here.status == 0, "\(here.stdout)\(here.stderr)")
    }
}

@Suite("octet check --shard and octet merge", .serialized)
struct MergeCLITests {
    @Test func shardsMergeToTheWhole() throws {
        let dir = try CheckCLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lib = try CheckCLI.compile(CheckCLI.example, into: dir, name: "e4m3")
        let common = ["--kernel", lib] + CheckCLI.convertArgs + ["--budget", "5000", "--seed", "3", "--json"]
        let whole = try CheckCLI.check(common)
        #expect(whole.status == 0)
        let wholeObj = try #require(try JSONSerialization.jsonObject(with: Data(whole.stdout.utf8)) as? [String: Any])
        let wholeGens = try #require(wholeObj["generators"] as? [[String: Any]]).map { ($0["name"] as! String, $0["cases"] as! Int) }
        var files: [String] = []
        for i in 0 ..< 4 {
            let r = try CheckCLI.check(common + ["--shard", "\(i)/4"])
            #expect(r.status == 0, "\(r.stderr)")
            let f = dir.appendingPathComponent("shard\(i).json")
            try Data(r.stdout.utf8).write(to: f)
            files.append(f.path)
        }
        let merged = try OctetBinary.run(["merge"] + files)
        #expect(merged.status == 0, "\(merged.stdout)\(merged.stderr)")
        #expect(merged.stdout.contains("4 shard(s), complete"))
        for (name, n) in wholeGens { #expect(merged.stdout.contains("  \(name): \(n) cases\n"), "\(name) \(n)\n\(merged.stdout)") }
        #expect(merged.stdout.hasSuffix("\(wholeObj["passed"] as! Int) passed, 0 failed\n"), "\(merged.stdout)")

        // from standard input, one result per line
        let stdin = try files.map { try String(contentsOfFile: $0, encoding: .utf8) }.joined()
        let viaStdin = try OctetBinary.run(["merge"], stdin: stdin)
        #expect(viaStdin.status == 0 && viaStdin.stdout == merged.stdout)

        // a missing shard: INCOMPLETE, exit 1
        let partial = try OctetBinary.run(["merge", files[0], files[1], files[3]])
        #expect(partial.status == 1)
        #expect(partial.stdout.contains("INCOMPLETE: shards [0, 1, 3] of 4"), "\(partial.stdout)")
        // a shard given twice is an error
        let twice = try OctetBinary.run(["merge", files[0], files[0]])
        #expect(twice.status != 0)
        #expect(twice.stderr.contains("appears twice"))
    }

    /// A failing shard makes the merge fail and carries its counterexample.
    @Test func failingShardFailsTheMerge() throws {
        let dir = try CheckCLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lib = try CheckCLI.compile(CheckCLI.example, into: dir, name: "tiebug", flags: ["-DPLANT_TIE_BUG"])
        var text = ""
        var statuses: [Int32] = []
        for i in 0 ..< 2 {
            let r = try CheckCLI.check(["--kernel", lib] + CheckCLI.convertArgs + ["--budget", "3000", "--json", "--shard", "\(i)/2"])
            statuses.append(r.status)
            text += r.stdout
        }
        #expect(statuses.contains(1))
        let merged = try OctetBinary.run(["merge"], stdin: text)
        #expect(merged.status == 1)
        #expect(merged.stdout.contains("2 shard(s), complete"))
        #expect(merged.stdout.contains("class rounding-mode (matches --rounding rna): "), "\(merged.stdout)")
        #expect(merged.stdout.contains("first: generator midpoints case "), "\(merged.stdout)")
        #expect(merged.stdout.contains("observed 0x") && merged.stdout.contains("expected 0x"))
    }
}

@Suite("gen | program | verify: Examples/shell/gen-run-verify.sh", .serialized)
struct PipeCLITests {
    static var script: String { CheckCLI.root.appendingPathComponent("Examples/shell/gen-run-verify.sh").path }

    @Test func correctKernelVerifies() throws {
        let r = try CheckCLI.run("/bin/bash", [Self.script, "--budget", "4000"], environment: ["OCTET": OctetBinary.url.path])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.hasSuffix(" passed, 0 failed\n"), "\(r.stdout)")
    }

    @Test func plantedTieBugIsReportedByLine() throws {
        let r = try CheckCLI.run("/bin/bash", [Self.script, "--budget", "4000", "--plant-tie-bug"], environment: ["OCTET": OctetBinary.url.path])
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        // at most --max-errors 10 reports, each naming its line, then the summary
        let reports = lines.filter { $0.hasPrefix("line ") }
        #expect(reports.count == 10)
        #expect(reports.allSatisfy { $0.contains("expected: 0x") })
        let summary = try #require(lines.last)
        let failed = Int(summary.split(separator: " ")[2]) ?? 0
        #expect(summary.hasSuffix(" failed") && failed > 10, "\(summary)")
    }

    /// verify reads a file or standard input, and --max-errors caps the reports.
    @Test func verifyFileAndMaxErrors() throws {
        let gen = try OctetBinary.run(["gen", "--op", "mul", "--a", "float8_e4m3fn", "--b", "float8_e4m3fn", "--out", "float8_e4m3fn", "--budget", "10"])
        #expect(gen.status == 0)
        let lines = gen.stdout.split(separator: "\n", omittingEmptySubsequences: false).prefix(40).map(String.init)
        let header = lines.prefix { $0.hasPrefix("#") }
        #expect(header.first == "# octet-vectors 1")
        #expect(header.contains("# operation: mul"))
        // every product claimed to be 0x01: all wrong but those that are 0x01
        let body = lines.dropFirst(header.count).filter { !$0.isEmpty }.map { $0 + " 01" }
        let text = (header + body).joined(separator: "\n") + "\n"
        let r = try OctetBinary.run(["verify", "--max-errors", "3"], stdin: text)
        #expect(r.status == 1)
        #expect(r.stdout.split(separator: "\n").filter { $0.hasPrefix("line ") }.count == 3)
        let dir = try CheckCLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("v.txt")
        try Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8).write(to: file)
        let fromFile = try OctetBinary.run(["verify", "--max-errors", "3", file.path])
        #expect(fromFile.stdout == r.stdout, "CRLF file: \(fromFile.stdout)")
    }
}

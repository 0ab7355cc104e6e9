// Write errors and exit statuses (issue 12): every command checks its writes to standard output
// (a full disk, a closed pipe) and to files, and ends with a message and status 1, never a crash;
// usage errors exit 2 in every command, errors in the input being processed exit 1.
//
// Everything here is `private` so that it cannot collide with other files of the test target.

import OctetTestSupport
import Foundation
import Testing

/// One run of `octet` with standard output connected to `stdout` (a file handle: /dev/full, a pipe).
private struct WriteRun {
    let status: Int32
    /// True when the process was killed by a signal (SIGPIPE, a trap).
    let signaled: Bool
    let stderr: String
    let seconds: Double
}

private let hasDevFull = FileManager.default.fileExists(atPath: "/dev/full")

/// Runs `octet arguments…` with standard output `stdout`, standard input `stdin` (or nothing),
/// standard error in a file; `whileRunning` is called after launch (e.g. to read from a pipe).
/// Gives up after `timeout` seconds (the process is then killed and the run recorded as such).
private func runOctet(_ arguments: [String], stdout: Any, stdin: String? = nil, timeout: Double = 120,
                      whileRunning: () throws -> Void = {}) throws -> WriteRun {
    let p = Process()
    p.executableURL = OctetBinary.url
    p.arguments = arguments
    let errPath = FileManager.default.temporaryDirectory
        .appendingPathComponent("octet-write-stderr-\(getpid())-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errPath.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errPath) }
    let err = try FileHandle(forWritingTo: errPath)
    let inp = Pipe()
    p.standardOutput = stdout
    p.standardError = err
    p.standardInput = stdin == nil ? FileHandle.nullDevice : inp
    let start = ContinuousClock.now
    try p.run()
    if let s = stdin {
        try? inp.fileHandleForWriting.write(contentsOf: Data(s.utf8))
        try? inp.fileHandleForWriting.close()
    }
    try whileRunning()
    while p.isRunning && ContinuousClock.now - start < .seconds(timeout) { usleep(10_000) }
    if p.isRunning { p.terminate() }
    p.waitUntilExit()
    let elapsed = ContinuousClock.now - start
    try err.close()
    let e = (try? Data(contentsOf: errPath)) ?? Data()
    return WriteRun(status: p.terminationStatus, signaled: p.terminationReason == .uncaughtSignal,
                    stderr: String(decoding: e, as: UTF8.self),
                    seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
}

/// Runs with standard output on /dev/full (every write fails with ENOSPC).
private func runToDevFull(_ arguments: [String], stdin: String? = nil) throws -> WriteRun {
    let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
    defer { try? full.close() }
    return try runOctet(arguments, stdout: full, stdin: stdin)
}

/// Status 1 with the one-line write error on stderr, not a signal or a trap.
private func expectWriteError(_ r: WriteRun, _ reason: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!r.signaled, "\(what): killed by signal \(r.status)", sourceLocation: sourceLocation)
    #expect(r.status == 1, "\(what): status \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stderr.contains("Error: cannot write to standard output: \(reason)"), "\(what): stderr: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(!r.stderr.contains("Fatal error"), "\(what): \(r.stderr)", sourceLocation: sourceLocation)
}

private let e4m3Lines = (0 ..< 2000).map { "\($0 % 400)" }.joined(separator: "\n") + "\n"

/// Commands whose standard output is /dev/full: each must notice (today they exit 0).
private let devFullCases: [(String, [String], String?)] = [
    ("decode", ["decode", "float8_e4m3fn"], nil),
    ("decode, one code", ["decode", "float8_e4m3fn", "0x38"], nil),
    ("encode, arguments", ["encode", "float8_e4m3fn", "1", "2"], nil),
    ("encode, standard input", ["encode", "float8_e4m3fn"], e4m3Lines),
    ("describe", ["describe", "float8_e4m3fn"], nil),
    ("formats", ["formats"], nil),
    ("formats --json", ["formats", "--json"], nil),
    ("gen", ["gen", "--op", "convert", "--to", "float8_e4m3fn"], nil),
    ("gen, a few cases", ["gen", "--op", "convert", "--to", "float8_e4m3fn", "--budget", "3"], nil),
    ("bench", ["bench", "--quick", "--filter", "decode float8_e4m3fn"], nil),
    ("kulisch", ["kulisch", "--a", "int8", "--b", "int8"], nil),
    ("mac", ["mac", "--a", "float8_e4m3fn", "--b", "float8_e4m3fn"], "0x38 0x38\n"),
    ("quantize", ["quantize", "--to", "int8", "--scale", "1"], "1 2 3\n"),
    ("mx quantize", ["mx", "quantize", "--element", "float8_e4m3fn", "--block-size", "2"], "1 2\n"),
    ("area", ["area"], nil),
    ("help", ["decode", "--help"], nil),
]

@Suite("write errors: standard output and files")
struct WriteErrorTests {
    @Test("standard output on /dev/full: status 1 and a message", .enabled(if: hasDevFull),
          arguments: devFullCases.map { $0.0 })
    func devFull(_ name: String) throws {
        let (_, args, stdin) = try #require(devFullCases.first { $0.0 == name })
        let r = try runToDevFull(args, stdin: stdin)
        expectWriteError(r, "No space left on device", "octet \(args.joined(separator: " "))")
    }

    /// `check --json` prints its one object at the end: the write still fails, with status 1.
    @Test("check --json on /dev/full", .enabled(if: hasDevFull))
    func checkJSONOnDevFull() throws {
        let dir = try CheckCLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lib = try CheckCLI.compile(CheckCLI.example, into: dir, name: "e4m3")
        let args = ["check", "--kernel", lib] + CheckCLI.convertArgs + ["--budget", "300", "--json"]
        // It passes when its output can be written...
        let ok = try OctetBinary.run(args)
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        // ...and fails with the write error when it cannot.
        expectWriteError(try runToDevFull(args), "No space left on device", "octet check --json")
    }

    /// A reader that goes away: `gen` gets EPIPE (SIGPIPE is ignored), reports it and stops at once
    /// instead of producing all 200,000 lines or dying by the signal.
    @Test("closed pipe: gen stops with status 1, not SIGPIPE")
    func closedPipe() throws {
        let pipe = Pipe()
        var head = Data()
        let r = try runOctet(["gen", "--op", "convert", "--to", "float8_e4m3fn", "--budget", "200000"], stdout: pipe, timeout: 60) {
            head = (try pipe.fileHandleForReading.read(upToCount: 16)) ?? Data()
            try pipe.fileHandleForReading.close()
        }
        #expect(head.count > 0, "read nothing from gen")
        expectWriteError(r, "Broken pipe", "octet gen | head -c 16")
        #expect(r.seconds < 30, "took \(r.seconds) s")
    }

    /// writeFile (here through `area --svg`): a target that cannot be written is status 1 with the
    /// path in the message, and leaves no file, temporary or final.
    @Test("writeFile: unwritable targets fail cleanly and leave nothing")
    func unwritableTargets() throws {
        let dir = try CheckCLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A folder where the target file should be: the temporary file is written, the rename fails.
        let folder = dir.appendingPathComponent("chart.svg")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let blocked = try OctetBinary.run(["area", "--svg", folder.path])
        #expect(blocked.status == 1, "status \(blocked.status): \(blocked.stderr)")
        #expect(blocked.stderr.contains("cannot write '\(folder.path)'"), "\(blocked.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["chart.svg"], "a temporary file was left behind")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        // A file where a folder of the path should be (ENOTDIR when making the folders).
        let file = dir.appendingPathComponent("plain")
        try Data("x".utf8).write(to: file)
        let notDir = try OctetBinary.run(["accuracy", "--format", "float4_e2m1fn", "--distribution", "uniform", "--svg", file.path + "/sub/chart.svg"])
        #expect(notDir.status == 1 && notDir.stderr.contains("cannot write '\(file.path)/sub/chart.svg'"), "\(notDir.status) \(notDir.stderr)")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["chart.svg", "plain"])
        if hasDevFull {
            let under = try OctetBinary.run(["area", "--svg", "/dev/full/chart.svg"])
            #expect(under.status == 1 && under.stderr.contains("cannot write '/dev/full/chart.svg'"), "\(under.status) \(under.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "/dev/full/chart.svg"))
            // (`--svg /dev/full` itself is not tried: a tool that renamed a temporary file over it,
            // as `String.write(toFile:atomically:)` does, would replace the device when run as root.)
        }
        // An empty path is a usage error.
        let empty = try OctetBinary.run(["area", "--svg", ""])
        #expect(empty.status == 2 && empty.stderr.contains("--svg"), "\(empty.status) \(empty.stderr)")
    }

    /// writeFile creates missing folders, replaces an existing file whole (keeping its
    /// permissions) and leaves no temporary file.
    @Test("writeFile: creates folders, replaces whole, no temporary file left")
    func writesAndReplaces() throws {
        let dir = try CheckCLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("a/b/chart.svg")
        let first = try OctetBinary.run(["area", "--svg", target.path])
        #expect(first.status == 0, "\(first.stderr)")
        let svg = try String(contentsOf: target, encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.contains("</svg>"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target.path)
        let again = try OctetBinary.run(["accuracy", "--format", "int4", "--distribution", "uniform", "--svg", target.path])
        #expect(again.status == 0, "\(again.stderr)")
        let replaced = try String(contentsOf: target, encoding: .utf8)
        #expect(replaced != svg && replaced.contains("</svg>"))
        let mode = try FileManager.default.attributesOfItem(atPath: target.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.deletingLastPathComponent().path) == ["chart.svg"])
    }
}

// MARK: - Exit statuses

/// One refusal: its arguments, standard input, the status it must end with and a word of the message.
private struct Refusal: Sendable, CustomTestStringConvertible {
    let arguments: [String]
    let stdin: String?
    let status: Int32
    let mentions: String
    init(_ arguments: [String], stdin: String? = nil, _ status: Int32, _ mentions: String) {
        self.arguments = arguments
        self.stdin = stdin
        self.status = status
        self.mentions = mentions
    }
    var testDescription: String { "octet " + arguments.joined(separator: " ") + " → \(status)" }
}

private let refusals: [Refusal] = [
    // One usage error (2) per command, and the input errors (1) beside them.
    Refusal(["formats", "--bogus"], 2, "--bogus"),
    Refusal(["decode", "nosuchformat"], 2, "nosuchformat"),
    Refusal(["decode", "float8_e4m3fn", "--bogus"], 2, "--bogus"),
    Refusal(["decode", "int20"], 2, "int20"),
    Refusal(["decode", "float8_e4m3fn", "0x100"], 1, "0x100"),
    Refusal(["encode", "nosuchformat", "1"], 2, "nosuchformat"),
    Refusal(["encode", "float8_e4m3fn", "--rounding", "nearest", "1"], 2, "nearest"),
    Refusal(["encode", "float8_e4m3fn", "abc"], 1, "abc"),
    Refusal(["encode", "float8_e4m3fn"], stdin: "1\nabc\n", 1, "line 2"),
    Refusal(["describe", "nosuchformat"], 2, "nosuchformat"),
    Refusal(["describe", "int32"], 2, "int32"),
    Refusal(["mac", "--a", "nosuchformat", "--b", "int8"], stdin: "0x01 0x01\n", 2, "nosuchformat"),
    Refusal(["mac", "--a", "int8", "--b", "int8", "--acc", "fp32:zigzag"], stdin: "0x01 0x01\n", 2, "bad accumulator model"),
    Refusal(["mac", "--a", "int8", "--b", "int8"], stdin: "0x01 0x01,0x02\n", 1, "line 1"),
    Refusal(["kulisch", "--a", "int8", "--b", "int8", "--terms", "0"], 2, "--terms"),
    Refusal(["kulisch", "--a", "int8", "--b", "int8", "--terms", "-1"], 2, "--terms"),
    Refusal(["kulisch", "--a", "int8", "--b", "int8", "--terms", "2000000000000"], 2, "--terms"),
    Refusal(["kulisch", "--a", "int8", "--b", "nosuchformat"], 2, "nosuchformat"),
    Refusal(["accumulation-error", "--dots", "0"], 2, "--dots"),
    Refusal(["accumulation-error", "--length", "-1"], 2, "--length"),
    Refusal(["accumulation-error", "--acc", "fp32:zigzag"], 2, "bad accumulator model"),
    Refusal(["quantize", "--to", "nosuchformat", "--scale", "1"], stdin: "1\n", 2, "nosuchformat"),
    Refusal(["quantize", "--to", "int8", "--scale", "abc"], stdin: "1\n", 2, "--scale"),
    Refusal(["quantize", "--to", "int8", "--scale", "0"], stdin: "1\n", 2, "scale"),
    Refusal(["quantize", "--to", "int8", "--scale", "1", "--zero-point", "300"], stdin: "1\n", 2, "300"),
    Refusal(["quantize", "--to", "int8", "--scale", "1", "--rounding", "sr"], stdin: "1\n", 2, "stochastic"),
    Refusal(["quantize", "--to", "float8_e4m3fn", "--asymmetric"], stdin: "1 2\n", 2, "--asymmetric"),
    Refusal(["quantize", "--to", "int8", "--scales", "1,,2"], stdin: "1\n2\n", 2, "--scales, element 2"),
    Refusal(["quantize", "--to", "int8", "--scale", "1"], stdin: "1\nabc\n", 1, "line 2"),
    Refusal(["quantize", "--to", "int8", "--symmetric"], stdin: "0 0\n", 1, "all-zero"),
    Refusal(["mx", "quantize", "--element", "float8_e8m0fnu", "--block-size", "1"], stdin: "-1\n", 2, "float4_e2m1fn"),
    Refusal(["mx", "quantize", "--element", "binary16", "--block-size", "1"], stdin: "1\n", 2, "not an MX element format"),
    Refusal(["mx", "quantize", "--element", "float8_e4m3fn", "--block-size", "0"], stdin: "1\n", 2, "--block-size"),
    Refusal(["mx", "quantize", "--element", "float8_e4m3fn", "--block-size", "-2"], stdin: "1\n", 2, "--block-size"),
    Refusal(["mx", "quantize", "--element", "float8_e4m3fn", "--block-size", "2"], stdin: "1 x\n", 1, "line 1"),
    Refusal(["mx", "dot", "--element", "float8_e4m3fn", "--block-size", "1", "--out", "nosuchformat"], stdin: "0x7F 0x38 0x7F 0x38\n", 2, "nosuchformat"),
    Refusal(["mx", "dot", "--element", "float8_e4m3fn", "--block-size", "1"], stdin: "0x7F 0x38 0x7F\n", 1, "line 1"),
    Refusal(["area", "--a", "nosuchformat", "--acc", "fp32"], 2, "nosuchformat"),
    Refusal(["area", "--a", "int8"], 2, "--acc"),
    Refusal(["accuracy", "--format", "nosuchformat"], 2, "nosuchformat"),
    Refusal(["accuracy", "--distribution", "gaussian"], 2, "--format"),
    Refusal(["accuracy", "--format", "int32"], 2, "int32"),
    Refusal(["bench", "--filter", ""], 2, "--filter"),
    Refusal(["bench", "--filter", "nosuchkernel"], 2, "nosuchkernel"),
    Refusal(["bench", "--bogus"], 2, "--bogus"),
    // --profile fixes rounding and overflow: combining it with either is a usage error.
    Refusal(["encode", "float8_e4m3fn", "--profile", "torch", "--rounding", "rtz", "1"], 2, "--rounding"),
    Refusal(["encode", "float8_e4m3fn", "--profile", "onnx", "--overflow", "nonsaturate", "1"], 2, "--overflow"),
    Refusal(["encode", "float8_e4m3fn", "--profile", "ocp", "--rounding", "sr", "--random-bits", "4", "1", "0"], 2, "--profile"),
    Refusal(["encode", "float8_e4m3fn", "--profile", "nosuchprofile", "1"], 2, "nosuchprofile"),
    // Parse errors of the other commands are usage errors too (2, as check's always were).
    Refusal(["gen", "--op", "convert", "--to", "float8_e4m3fn", "--bogus"], 2, "--bogus"),
    Refusal(["check", "--kernel", "k.so", "--symbol", "k", "--op", "convert", "--bogus"], 2, "--bogus"),
    Refusal(["verify", "--bogus"], 2, "--bogus"),
    Refusal(["merge", "--bogus"], 2, "--bogus"),
    Refusal(["vectors", "export"], 2, "--out"),
    Refusal(["spec"], 2, "--out"),
    Refusal(["nosuchcommand"], 2, "nosuchcommand"),
]

@Suite("exit statuses: 0 success, 1 input errors, 2 usage")
struct ExitStatusTests {
    @Test(arguments: refusals)
    fileprivate func refusal(_ t: Refusal) throws {
        let r = try CLI.run(t.arguments, stdin: t.stdin)
        #expect(!r.signaled, "killed by a signal")
        #expect(r.status == t.status, "status \(r.status), stderr: \(r.stderr)")
        #expect(r.stderr.hasPrefix("Error: "), "stderr: \(r.stderr)")
        #expect(r.stderr.contains(t.mentions), "stderr does not mention \(t.mentions): \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
    }

    /// --profile alone still works, and the defaults it replaces are spelled out in the help.
    @Test func profileAloneAndHelp() throws {
        #expect(try CLI.succeed(["encode", "float8_e4m3fn", "--profile", "torch", "1", "1000"]) == "1 0x38\n1000 0x7E\n")
        let help = try CLI.succeed(["encode", "--help"])
        #expect(help.contains("not with --profile"))
        #expect(try CLI.succeed(["encode", "float8_e4m3fn", "--rounding", "rtz", "--overflow", "saturate", "0.1"]) == "0.1 0x1C\n")
    }

    /// A negative zero point is a value, not an option (it used to be refused as a missing value).
    @Test func negativeZeroPoint() throws {
        #expect(try CLI.succeed(["quantize", "--to", "int8", "--scale", "1", "--zero-point", "-5"], stdin: "1\n") == "# scale 1 zero_point -5\n0xFC\n")
    }
}

// Issue 12, "Aligned streams": the streaming commands (`encode`, `mac`, `quantize`, `mx quantize`,
// `mx dot`) print exactly one output line per input line. A blank `mac` line is the empty dot
// product (+0, printed like any computed zero); a blank line elsewhere is an error naming it. An
// empty list element is an error naming its line and element, worded the same in every command.
// A long bad line is echoed to at most 160 characters, quickly, and a long `mac` line is parsed in
// memory proportional to it.
//
// Everything here is `private` so that it cannot collide with other files of the test target.

import Foundation
import OctetTestSupport
import Testing

/// One run with its wall time and (on Linux) the child's peak resident set size.
private struct TimedRun {
    let status: Int32
    let stdout: String
    let stderr: String
    let seconds: Double
    /// VmHWM of the child in KiB, sampled from /proc while it runs (nil where there is no /proc).
    let peakKiB: Int?
}

/// Runs `octet arguments…` with stdin, stdout and stderr all in files: no pipe can fill up and
/// block either side, and the child may stop reading its input early without a SIGPIPE here.
private func runTimed(_ arguments: [String], stdin: String) throws -> TimedRun {
    let dir = FileManager.default.temporaryDirectory
    let tag = "octet-aligned-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
    let inURL = dir.appendingPathComponent(tag + "-in"), outURL = dir.appendingPathComponent(tag + "-out"),
        errURL = dir.appendingPathComponent(tag + "-err")
    try Data(stdin.utf8).write(to: inURL)
    for u in [outURL, errURL] { _ = FileManager.default.createFile(atPath: u.path, contents: nil) }
    defer { for u in [inURL, outURL, errURL] { try? FileManager.default.removeItem(at: u) } }
    let input = try FileHandle(forReadingFrom: inURL), output = try FileHandle(forWritingTo: outURL),
        error = try FileHandle(forWritingTo: errURL)
    let p = Process()
    p.executableURL = OctetBinary.url
    p.arguments = arguments
    p.standardInput = input
    p.standardOutput = output
    p.standardError = error
    let start = Date()
    try p.run()
    var peak: Int?
    let status = "/proc/\(p.processIdentifier)/status"
    while p.isRunning {
        // VmHWM only grows, so the last sample before exit is the peak up to that moment.
        if let text = try? String(contentsOfFile: status, encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
            peak = max(peak ?? 0, kib)
        }
        usleep(2000)
    }
    p.waitUntilExit()
    let seconds = Date().timeIntervalSince(start)
    try input.close(); try output.close(); try error.close()
    return TimedRun(status: p.terminationStatus,
                    stdout: String(decoding: (try? Data(contentsOf: outURL)) ?? Data(), as: UTF8.self),
                    stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self),
                    seconds: seconds, peakKiB: peak)
}

private let mac = ["mac", "--a", "float8_e4m3fn", "--b", "float8_e4m3fn"]
private let mxQuantize = ["mx", "quantize", "--element", "float8_e4m3fn", "--block-size", "2"]
private let mxDot = ["mx", "dot", "--element", "float8_e4m3fn", "--block-size", "2"]

/// The shared wording of an empty element (LineInput.swift, `emptyElementError`).
private let emptyElement = ": empty element ("

@Suite("AlignedStream: one output line per input line")
struct AlignedStreamTests {
    // MARK: Blank lines

    @Test("mac: a blank line is the empty dot product, printed like a computed +0")
    func macBlankLineIsTheEmptyDot() throws {
        let r = try runTimed(mac, stdin: "0x38 0x38\n\n0x38,0x40 0x38,0x38\n  \t\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "1 0x3F800000\n0 0x00000000\n3 0x40400000\n0 0x00000000\n")
        // The same line as a dot product whose value is +0 (0 · 1 with +0 = 0x00).
        let zero = try runTimed(mac, stdin: "0x00 0x38\n")
        #expect(zero.stdout == "0 0x00000000\n")
        // In the output format's width, and C of an initialized accumulator (D = A·B + C).
        #expect(try runTimed(mac + ["--out", "binary16"], stdin: "\n").stdout == "0 0x0000\n")
        #expect(try runTimed(mac + ["--acc", "exact,c=1.5"], stdin: "\n").stdout == "1.5 0x3FC00000\n")
        #expect(try runTimed(mac + ["--acc", "fp32:sequential"], stdin: "\n\n").stdout == "0 0x00000000\n0 0x00000000\n")
    }

    @Test("encode, quantize, mx quantize, mx dot: a blank line is an error naming it; earlier lines were printed",
          arguments: [
            (["encode", "float8_e4m3fn"], "1\n\n2\n", "1 0x38\n"),
            (["encode", "float8_e4m3fn", "--rounding", "sr", "--random-bits", "4"], "1 3\n \n2 1\n", "1 3 0x38\n"),
            (["quantize", "--to", "int8", "--scale", "1"], "1 2\n\n3\n", "# scale 1 zero_point 0\n0x01 0x02\n"),
            (["quantize", "--to", "int8", "--symmetric", "--per-channel"], "1 2\n\t\n3\n", "# scale 2/127 zero_point 0\n0x40 0x7F\n"),
            (["quantize", "--to", "int8", "--symmetric"], "1 2\n\n3\n", ""),   // per-tensor: all input is read first
            (mxQuantize, "1 2\n\n3 4\n", "0x78 0x70,0x78\n"),
            (mxDot, "0x7F 0x38,0x38 0x7F 0x38,0x38\n\n", "2 0x40000000\n"),
          ])
    func blankLineIsAnError(_ arguments: [String], _ input: String, _ before: String) throws {
        let r = try runTimed(arguments, stdin: input)
        #expect(r.status == 1, "status \(r.status): \(r.stderr)")
        #expect(r.stderr.hasPrefix("Error: line 2: blank line"), "\(r.stderr)")
        #expect(r.stdout == before)
    }

    // MARK: Empty list elements

    @Test("an empty element is an error with its position, worded the same in every command", arguments: [
        (["quantize", "--to", "int8", "--scale", "1"], "0.1,,0.5\n", "line 1, element 2"),
        (["quantize", "--to", "int8", "--scale", "1"], "1\n,1\n", "line 2, element 1"),
        (["quantize", "--to", "int8", "--scale", "1"], "1,\n", "line 1, element 2"),
        (["quantize", "--to", "int8", "--scale", "1"], "1 2, ,3\n", "line 1, element 3"),
        (["quantize", "--to", "int8", "--scales", "1,,2"], "1\n2\n", "--scales, element 2"),
        (["quantize", "--to", "int8", "--scales", "1,2,"], "1\n2\n", "--scales, element 3"),
        (mac, "0x38,,0x38 0x38,0x38,0x38\n", "line 1, element 2 of A"),
        (mac, "0x38 0x38\n0x38,0x38 0x38,\n", "line 2, element 2 of B"),
        (mxQuantize, "1,,2\n", "line 1, element 2"),
        (mxDot, "0x7F 0x38,0x38 0x7F ,0x38\n", "line 1, element 1 of B"),
        (["encode", "float8_e4m3fn", "--", ""], "", "argument 1"),
        (["encode", "float8_e4m3fn", "1", " ", "2"], "", "argument 2"),
        (["decode", "float8_e4m3fn", "0x38", ""], "", "argument 2"),
    ])
    func emptyElementIsAnError(_ arguments: [String], _ input: String, _ position: String) throws {
        let r = try runTimed(arguments, stdin: input)
        // An empty element of an option (--scales) is a usage error (2); of the input, status 1.
        let status: Int32 = position.hasPrefix("--") ? 2 : 1
        #expect(r.status == status, "status \(r.status): \(r.stderr)")
        #expect(r.stderr.hasPrefix("Error: " + position + emptyElement), "\(r.stderr)")
    }

    // MARK: Long lines

    /// A 10 MB line that is not input of the command: the message names the line, echoes a bounded
    /// excerpt with the line's length, and comes quickly (it used to echo all 10 MB, in ~11 s).
    @Test("a 10 MB bad line: a short message, quickly", arguments: [
        ["encode", "float8_e4m3fn"], ["quantize", "--to", "int8", "--scale", "1"], mac, mxQuantize, mxDot,
    ])
    func longBadLine(_ arguments: [String]) throws {
        let r = try runTimed(arguments, stdin: String(repeating: "x", count: 10_000_000) + "\n")
        #expect(r.status == 1, "status \(r.status)")
        #expect(r.stderr.utf8.count < 400, "\(r.stderr.utf8.count) bytes on stderr: \(r.stderr.prefix(500))")
        #expect(r.stderr.hasPrefix("Error: line 1") && r.stderr.contains("…' (10000000 bytes)"), "\(r.stderr.prefix(500))")
        // Measured ~0.1–0.6 s in a debug build; the bound leaves room for a loaded machine.
        #expect(r.seconds < 5, "took \(r.seconds) s")
    }

    /// A 6 MB `mac` line (600,000 codes a side): peak RSS well under 10× the line. It used to take
    /// ~250 MB (arrays of substrings, three arrays of separately allocated operands).
    @Test("a 6 MB mac line: the right sum, peak RSS below 60 MB")
    func longMacLine() throws {
        let n = 600_000
        var a = "", b = ""
        a.reserveCapacity(5 * n)
        b.reserveCapacity(5 * n)
        for i in 0 ..< n {
            if i > 0 { a += ","; b += "," }
            a += "0x38"                          // 1
            b += i % 2 == 0 ? "0x38" : "0x40"    // 1, 2
        }
        let line = a + " " + b + "\n"
        #expect(line.utf8.count == 6_000_000)
        let r = try runTimed(mac, stdin: line)
        #expect(r.status == 0, "\(r.stderr.prefix(500))")
        #expect(r.stdout == "900000 0x495BBA00\n")      // 300000 · 1 + 300000 · 2
        #if os(Linux)
        let peak = try #require(r.peakKiB, "no VmHWM sample of the child")
        #expect(peak < 60 * 1024, "peak RSS \(peak) KiB")
        #endif
    }
}

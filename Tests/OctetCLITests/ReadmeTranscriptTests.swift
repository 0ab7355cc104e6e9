import Foundation
import OctetTestSupport
import Testing

/// README's `$ command` transcripts are real: each command is run (with `swift run octet` and
/// `octet` standing for the built binary) and its standard output must be the lines printed
/// under it in the README. The kernel-checking transcript compiles C and is covered by
/// CheckCLITests; it is skipped here.
@Suite("README transcripts")
struct ReadmeTranscriptTests {
    struct Transcript { let line: Int; let command: String; let output: String }

    static func transcripts() throws -> [Transcript] {
        let text = try String(contentsOf: CheckCLI.root.appendingPathComponent("README.md"), encoding: .utf8)
        var out: [Transcript] = []
        var current: (Int, String, [String])?
        var inFence = false
        func flush() { if let c = current { out.append(Transcript(line: c.0, command: c.1, output: c.2.map { $0 + "\n" }.joined())) }; current = nil }
        for (i, l) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if l.hasPrefix("```") { flush(); inFence.toggle(); continue }
            guard inFence else { continue }
            if l.hasPrefix("$ ") { flush(); current = (i + 1, String(l.dropFirst(2)), []) } else if current != nil { current!.2.append(String(l)) }
        }
        return out.filter { !$0.command.hasPrefix("cc ") && !$0.command.contains(" check ") }
    }

    @Test func everyTranscriptReproduces() throws {
        let ts = try Self.transcripts()
        #expect(ts.count >= 6, "README has \(ts.count) runnable transcripts")
        let octet = OctetBinary.url.path
        for t in ts {
            // Drop a trailing comment, then point `swift run octet` / `octet` at the built binary.
            var cmd = t.command
            if let hash = cmd.range(of: "  #") ?? cmd.range(of: " # ") { cmd = String(cmd[..<hash.lowerBound]) }
            cmd = cmd.replacingOccurrences(of: "swift run octet", with: "octet")
                     .replacingOccurrences(of: "octet ", with: "'\(octet)' ")
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", cmd]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0 && String(decoding: data, as: UTF8.self) == t.output,
                    "README line \(t.line): \(t.command)\ngot:\n\(String(decoding: data, as: UTF8.self))want:\n\(t.output)")
        }
    }
}

import Foundation
import Octet
import OctetExact
import OctetTestSupport
import Testing

/// Issue 12's first list, through the command line: verify never passes incomplete evidence,
/// merge never accepts forged or mixed shards, export and spec never destroy a user's files.
@Suite("Honest evidence: verify, merge, vectors", .serialized)
struct HonestEvidenceTests {
    static var vectors: URL { CheckCLI.root.appendingPathComponent("Vectors") }
    static func committed(_ path: String) throws -> String {
        try String(contentsOf: vectors.appendingPathComponent(path), encoding: .utf8)
    }
    static let file = "convert/float8_e4m3fn/rne-saturate.txt"

    // MARK: verify

    @Test func headerOnlyStreamFails() throws {
        let gen = try OctetBinary.run(["gen", "--op", "convert", "--to", "float8_e4m3fn", "--budget", "100"])
        #expect(gen.status == 0)
        let header = gen.stdout.split(separator: "\n").filter { $0.hasPrefix("#") }.joined(separator: "\n") + "\n"
        let count = try #require(header.split(separator: "\n").first { $0.hasPrefix("# cases: ") }).dropFirst(9)
        let r = try OctetBinary.run(["verify"], stdin: header)
        #expect(r.status == 1 && r.stderr.contains("truncated: 0 of \(count) cases"), "\(r.stdout)\(r.stderr)")
        #expect(!r.stdout.contains("0 passed, 0 failed"))
    }

    @Test func streamCutAtALineBoundaryFails() throws {
        let lines = try Self.committed(Self.file).split(separator: "\n", omittingEmptySubsequences: false)
        let cut = lines.prefix(300).joined(separator: "\n") + "\n"
        let r = try OctetBinary.run(["verify"], stdin: cut)
        #expect(r.status == 1, "\(r.stdout)")
        #expect(r.stderr.contains("truncated: 291 of 1542 cases"), "\(r.stderr)")
        #expect(try OctetBinary.run(["verify"], stdin: try Self.committed(Self.file)).status == 0)
    }

    @Test func resultsStrippedOfFlagsFail() throws {
        let text = try Self.committed(Self.file).split(separator: "\n").map { l in
            l.hasPrefix("#") ? String(l) : l.split(separator: " ").dropLast().joined(separator: " ")
        }.joined(separator: "\n") + "\n"
        let r = try OctetBinary.run(["verify", "--max-errors", "1"], stdin: text)
        #expect(r.status == 1)
        #expect(r.stdout.contains("flags missing") && r.stdout.hasSuffix("0 passed, 1542 failed\n"), "\(r.stdout)")
    }

    /// gen | program killed after 100 answers | verify: the header's count exposes the loss.
    @Test func killedProducerFailsTheVerify() throws {
        let script = CheckCLI.root.appendingPathComponent("Examples/shell/gen-run-verify.sh").path
        let r = try CheckCLI.run("/bin/bash", [script, "--budget", "3000", "--die-after", "100"], environment: ["OCTET": OctetBinary.url.path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("truncated: 100 of "), "\(r.stdout)\(r.stderr)")
        #expect(!r.stdout.contains(" passed, 0 failed"), "\(r.stdout)")
    }

    @Test func nulBytesAreErrorsOfTheirLine() throws {
        var lines = try Self.committed(Self.file).split(separator: "\n").map(String.init)
        let first = try #require(lines.firstIndex { !$0.hasPrefix("#") })
        lines[first] = "\0" + lines[first]                      // the line would vanish in a C-string reader
        let r = try OctetBinary.run(["verify"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(r.status == 1 && r.stderr.contains("line \(first + 1): NUL byte at column 1"), "\(r.stderr)")
        lines[first].removeFirst()
        lines[first + 1] += "\0 garbage"                         // text after a NUL must not be ignored
        let r2 = try OctetBinary.run(["verify"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(r2.status == 1 && r2.stderr.contains("line \(first + 2): NUL byte"), "\(r2.stderr)")
    }

    @Test func numericOptionRanges() throws {
        #expect(try OctetBinary.run(["verify", "--max-errors", "-1"], stdin: "").status == 2)
        #expect(try OctetBinary.run(["gen", "--op", "convert", "--to", "float8_e4m3fn", "--budget", "0"]).status == 2)
        #expect(try OctetBinary.run(["check", "--kernel", "", "--symbol", "f", "--op", "dot-i8"]).status == 2)
        #expect(try OctetBinary.run(["check", "--kernel", "/nonexistent.so", "--symbol", "f", "--op", "dot-i8", "--budget", "0"]).status == 2)
    }

    /// gen writes sr cases (`INPUT R`, header random-bits); results computed here from the
    /// library's encoder verify, and one changed result fails at its line.
    @Test func genWithStochasticRounding() throws {
        let gen = try OctetBinary.run(["gen", "--op", "convert", "--to", "float8_e5m2", "--rounding", "sr", "--random-bits", "3",
                                       "--overflow", "saturate", "--budget", "50"])
        #expect(gen.status == 0, "\(gen.stderr)")
        #expect(gen.stdout.contains("# rounding: sr\n") && gen.stdout.contains("# random-bits: 3\n"))
        let f = try FormatRegistry.named("float8_e5m2")
        var out: [String] = []
        for l in gen.stdout.split(separator: "\n") {
            if l.hasPrefix("#") { out.append(String(l)); continue }
            let p = l.split(separator: " ")
            #expect(p.count == 2)
            let bits = try #require(UInt64(p[0], radix: 16)), r = try #require(UInt64(p[1]))
            #expect(r < 8)
            let e = try f.encode(IEEEBits.decode(bits, as: .binary32), rounding: .sr, overflow: .saturate, random: try StochasticBits(count: 3, value: r))
            out.append("\(l) \(String(f.hex(e.code).dropFirst(2)))")
        }
        let ok = try OctetBinary.run(["verify"], stdin: out.joined(separator: "\n") + "\n")
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(try OctetBinary.run(["gen", "--op", "convert", "--to", "float8_e5m2", "--rounding", "sr"]).status == 2)
    }

    // MARK: merge

    /// Shards of one correct kernel (lib), of a copy with a planted tie bug (bug), JSON files.
    static func shards(_ dir: URL) throws -> (good: [String], bug: [String]) {
        let lib = try CheckCLI.compile(CheckCLI.example, into: dir, name: "e4m3")
        let bug = try CheckCLI.compile(CheckCLI.example, into: dir, name: "tiebug", flags: ["-DPLANT_TIE_BUG"])
        var good: [String] = [], bad: [String] = []
        for (l, tag) in [(lib, "good"), (bug, "bug")] {
            for i in 0 ..< 2 {
                let r = try CheckCLI.check(["--kernel", l] + CheckCLI.convertArgs + ["--budget", "3000", "--json", "--shard", "\(i)/2"])
                let f = dir.appendingPathComponent("\(tag)\(i).json")
                try Data(r.stdout.utf8).write(to: f)
                if tag == "good" { good.append(f.path) } else { bad.append(f.path) }
            }
        }
        return (good, bad)
    }

    static func forged(_ dir: URL, _ source: String, _ name: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
        var obj = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source))) as? [String: Any])
        edit(&obj)
        let f = dir.appendingPathComponent(name)
        try JSONSerialization.data(withJSONObject: obj).write(to: f)
        return f.path
    }

    @Test func mergeRefusesForgedAndMixedShards() throws {
        let dir = try CheckCLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (good, bug) = try Self.shards(dir)
        let whole = try OctetBinary.run(["merge"] + good)
        #expect(whole.status == 0, "\(whole.stdout)\(whole.stderr)")

        func refused(_ second: String, _ text: String) throws {
            let r = try OctetBinary.run(["merge", good[0], second])
            #expect(r.status == 1, "\(text): \(r.stdout)")
            #expect(r.stderr.contains("'\(second)'") && r.stderr.contains(text) && r.stderr.contains("nothing merged"), "\(text): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        // two different kernels (their library hashes differ)
        try refused(bug[1], "differs from")
        // a different budget (the other shard of a 4000-case run)
        let lib = dir.appendingPathComponent("libe4m3.so").path
        let b4000 = try CheckCLI.check(["--kernel", lib] + CheckCLI.convertArgs + ["--budget", "4000", "--json", "--shard", "1/2"])
        let f4000 = dir.appendingPathComponent("b4000.json")
        try Data(b4000.stdout.utf8).write(to: f4000)
        try refused(f4000.path, "budget 4000 differs from 3000")
        // forged counts
        try refused(try Self.forged(dir, good[1], "p999999.json") { $0["passed"] = 999_999 }, "but the generators ran")
        try refused(try Self.forged(dir, good[1], "pneg.json") { $0["passed"] = -5000 }, "negative")
        try refused(try Self.forged(dir, good[1], "nogens.json") { $0["generators"] = [[String: Any]]() }, "are not the operation's")
        try refused(try Self.forged(dir, good[1], "invented.json") { o in
            var g = o["generators"] as! [[String: Any]]
            g.append(["name": "invented", "cases": 10, "failed": 0])
            o["generators"] = g
            o["passed"] = (o["passed"] as! Int) + 10
        }, "are not the operation's")
        try refused(try Self.forged(dir, good[1], "fewer.json") { o in
            var g = o["generators"] as! [[String: Any]]
            g[0]["cases"] = (g[0]["cases"] as! Int) - 1
            o["generators"] = g
            o["passed"] = (o["passed"] as! Int) - 1
        }, "but budget 3000, seed 1 give shard 1/2")
        try refused(try Self.forged(dir, good[1], "nokernel.json") { $0["kernel"] = nil }, "no kernel")
        try refused(try Self.forged(dir, good[1], "symbol.json") { o in
            var k = o["kernel"] as! [String: Any]
            k["symbol"] = "other_convert"
            o["kernel"] = k
        }, "symbol 'other_convert' differs")
        // a failing shard whose failures were zeroed but which kept its counterexample
        try refused(try Self.forged(dir, bug[1], "zeroed.json") { o in
            o["passed"] = (o["passed"] as! Int) + (o["failed"] as! Int)
            o["failed"] = 0
            o["status"] = "pass"
            o["generators"] = (o["generators"] as! [[String: Any]]).map { var g = $0; g["failed"] = 0; return g }
            o["signatures"] = [[String: Any]]()
            o["classes"] = [[String: Any]]()
        }, "kernel library sha256")
        let zeroedAlone = try Self.forged(dir, bug[1], "zeroed2.json") { o in
            o["passed"] = (o["passed"] as! Int) + (o["failed"] as! Int)
            o["failed"] = 0
            o["status"] = "pass"
            o["generators"] = (o["generators"] as! [[String: Any]]).map { var g = $0; g["failed"] = 0; return g }
            o["signatures"] = [[String: Any]]()
        }
        let z = try OctetBinary.run(["merge", bug[0], zeroedAlone])
        #expect(z.status == 1 && z.stderr.contains("a counterexample with 0 failed"), "\(z.stderr)")
        // standard input names the line
        let text = try String(contentsOfFile: good[0], encoding: .utf8) + "\n" + (try String(contentsOfFile: bug[1], encoding: .utf8))
        let s = try OctetBinary.run(["merge"], stdin: text)
        #expect(s.status == 1 && s.stderr.contains("standard input, line 3"), "\(s.stderr)")
        // a failed shard fails the merge
        let failing = try OctetBinary.run(["merge"] + bug)
        #expect(failing.status == 1 && failing.stdout.contains("status mismatch"), "\(failing.stdout)")
    }

    // MARK: vectors

    /// A small export-shaped folder: a few committed files and a MANIFEST listing them.
    static func smallFolder() throws -> URL {
        let dir = try CheckCLI.tempDir()
        let manifest = try String(contentsOf: vectors.appendingPathComponent("MANIFEST"), encoding: .utf8).split(separator: "\n")
        let keep = manifest.filter { l in ["decode/int4.txt", "decode/float8_e4m3fn.txt", file, "dot/float8_e4m3fn-exact.txt"].contains { l.hasSuffix("  " + $0) } }
        #expect(keep.count == 4)
        for l in keep {
            let path = String(l.split(separator: " ").last!)
            let to = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: vectors.appendingPathComponent(path), to: to)
        }
        try ([String(manifest[0])] + keep.map(String.init)).joined(separator: "\n").appending("\n")
            .write(to: dir.appendingPathComponent("MANIFEST"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func vectorsVerifyReadsTheManifest() throws {
        let dir = try Self.smallFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ok = try OctetBinary.run(["vectors", "verify", dir.path])
        #expect(ok.status == 0 && ok.stdout.hasSuffix("4 files, \(16 + 256 + 1542 + 120) cases verified\n"), "\(ok.stdout)\(ok.stderr)")
        // an edited count column
        let m = dir.appendingPathComponent("MANIFEST")
        let original = try String(contentsOf: m, encoding: .utf8)
        try original.replacingOccurrences(of: "  16  decode/int4.txt", with: "  17  decode/int4.txt").write(to: m, atomically: true, encoding: .utf8)
        let count = try OctetBinary.run(["vectors", "verify", dir.path])
        #expect(count.status == 1 && count.stdout.contains("decode/int4.txt: 16 cases, but MANIFEST lists 17"), "\(count.stdout)")
        try original.write(to: m, atomically: true, encoding: .utf8)
        // one changed result: the SHA-256 and the case both fail, naming the file and line
        let f = dir.appendingPathComponent("decode/int4.txt")
        let t = try String(contentsOf: f, encoding: .utf8)
        try t.replacingOccurrences(of: "\n07 7\n", with: "\n07 6\n").write(to: f, atomically: true, encoding: .utf8)
        let changed = try OctetBinary.run(["vectors", "verify", dir.path])
        #expect(changed.status == 1 && changed.stdout.contains("decode/int4.txt: SHA-256 "), "\(changed.stdout)")
        #expect(changed.stdout.contains("decode/int4.txt, line "), "\(changed.stdout)")
        try t.write(to: f, atomically: true, encoding: .utf8)
        // a file the MANIFEST does not list; a listed file removed
        try "x\n".write(to: dir.appendingPathComponent("stray.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("dot/float8_e4m3fn-exact.txt"))
        let extra = try OctetBinary.run(["vectors", "verify", dir.path])
        #expect(extra.status == 1 && extra.stdout.contains("stray.txt: not listed in MANIFEST")
                && extra.stdout.contains("dot/float8_e4m3fn-exact.txt: listed in MANIFEST but cannot be read"), "\(extra.stdout)")
    }

    @Test func exportNeverDestroys() throws {
        #expect(try OctetBinary.run(["vectors", "export", "--out", ""]).status == 2)
        let dir = try CheckCLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        // a folder of someone else's files is refused whole
        let mine = dir.appendingPathComponent("mine/notes.txt")
        try FileManager.default.createDirectory(at: mine.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "mine\n".write(to: mine, atomically: true, encoding: .utf8)
        let r = try OctetBinary.run(["vectors", "export", "--out", mine.deletingLastPathComponent().path])
        #expect(r.status == 1 && r.stderr.contains("has no MANIFEST"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mine.deletingLastPathComponent().path) == ["notes.txt"])
        // an earlier export: stale files its MANIFEST lists are removed, the rest replaced
        let out = dir.appendingPathComponent("v")
        #expect(try OctetBinary.run(["vectors", "export", "--out", out.path]).status == 0)
        let m = out.appendingPathComponent("MANIFEST")
        let stale = "old/gone.txt"
        try FileManager.default.createDirectory(at: out.appendingPathComponent("old"), withIntermediateDirectories: true)
        try "stale\n".write(to: out.appendingPathComponent(stale), atomically: true, encoding: .utf8)
        try (try String(contentsOf: m, encoding: .utf8) + String(repeating: "0", count: 64) + "  1  \(stale)\n").write(to: m, atomically: true, encoding: .utf8)
        let again = try OctetBinary.run(["vectors", "export", "--out", out.path])
        #expect(again.status == 0 && again.stdout.contains("1 stale files of the old MANIFEST removed"), "\(again.stdout)\(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("old").path))
        #expect(try Data(contentsOf: m) == (try Data(contentsOf: Self.vectors.appendingPathComponent("MANIFEST"))))
        // a file the MANIFEST does not list: refused, nothing written
        try "mine\n".write(to: out.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let before = try Data(contentsOf: m)
        let foreign = try OctetBinary.run(["vectors", "export", "--out", out.path])
        #expect(foreign.status == 1 && foreign.stderr.contains("notes.txt"), "\(foreign.stderr)")
        #expect(try Data(contentsOf: m) == before)
    }
}

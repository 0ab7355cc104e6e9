import Foundation
import Octet
import OctetCheck
import Testing

/// The committed golden vectors (Vectors/): regenerated in-process they are byte-identical, the
/// MANIFEST's SHA-256 and case counts are right (cross-checked with the system's sha256sum), every
/// file verifies, and a corrupted copy fails at the right line.
enum Repo {
    /// The package root: this file is Tests/OctetCheckTests/VectorFileTests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let vectors = root.appendingPathComponent("Vectors")

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: vectors.appendingPathComponent(relative), encoding: .utf8)
    }

    static func lines(_ text: String) -> [String] {
        var ls = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if ls.last == "" { ls.removeLast() }
        return ls
    }

    /// Every file under Vectors/, relative paths, MANIFEST excluded.
    static func committedFiles() -> [String] {
        let base = vectors.path + "/"
        let e = FileManager.default.enumerator(atPath: vectors.path)!
        var out: [String] = []
        while let p = e.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + p, isDirectory: &isDir), !isDir.boolValue, p != "MANIFEST" { out.append(p) }
        }
        return out.sorted()
    }

    struct ManifestError: Error, CustomStringConvertible { let description: String }

    struct ManifestLine {
        let sha: String
        let cases: Int
        let path: String
    }

    static func manifest() throws -> [ManifestLine] {
        try lines(read("MANIFEST")).filter { !$0.hasPrefix("#") }.map { l in
            let f = l.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count == 3, let n = Int(f[1]) else { throw ManifestError(description: "bad MANIFEST line '\(l)'") }
            return ManifestLine(sha: String(f[0]), cases: n, path: String(f[2]))
        }
    }

    /// Runs a program and returns its standard output.
    static func run(_ tool: String, _ args: [String], cwd: URL? = nil) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Data lines: neither blank nor comments (a byte scan: 50 MB in a debug build).
    static func caseCount(_ data: Data) -> Int {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int in
            var n = 0
            var atStart = true, isCase = false
            for b in raw {
                if b == 0x0A {
                    if isCase { n += 1 }
                    atStart = true
                    isCase = false
                } else if atStart {
                    if b == 0x20 || b == 0x09 || b == 0x0D { continue }
                    atStart = false
                    isCase = b != 0x23   // '#'
                }
            }
            return isCase ? n + 1 : n
        }
    }
    static func caseCount(_ text: String) -> Int { caseCount(Data(text.utf8)) }
}

@Suite("Golden vectors: the committed set")
struct VectorFileTests {
    @Test func regeneratedSetIsByteIdentical() throws {
        let start = ContinuousClock.now
        let files = VectorWriter.curatedSet()
        let generated = ContinuousClock.now - start
        #expect(files.map(\.0) == Repo.committedFiles(), "files were added or removed: run `octet vectors export --out Vectors`")
        var differing: [String] = []
        for (path, text, n) in files {
            let committed = try Data(contentsOf: Repo.vectors.appendingPathComponent(path))
            let mine = Data(text.utf8)
            if committed != mine { differing.append(path) }
            #expect(Repo.caseCount(mine) == n, "\(path): \(n) cases claimed")
        }
        let compared = ContinuousClock.now - start
        #expect(differing.isEmpty, "\(differing.count) file(s) differ from the reference, e.g. \(differing.prefix(5))")
        let manifest = VectorWriter.manifest(files)
        #expect(Data(manifest.utf8) == (try Data(contentsOf: Repo.vectors.appendingPathComponent("MANIFEST"))), "MANIFEST differs")
        // Every kind of file is there, and none is empty (a generator that produced nothing)
        for kind in ["decode/", "convert/", "mul/", "dot/"] { #expect(files.contains { $0.0.hasPrefix(kind) }) }
        let empty = files.filter { $0.2 == 0 }.map(\.0)
        #expect(empty.isEmpty, "files without cases: \(empty.prefix(5))")
        print("[vectors] curated set regenerated in \(generated), compared after \(compared), MANIFEST after \(ContinuousClock.now - start) (\(files.count) files, \(files.reduce(0) { $0 + $1.2 }) cases); CPU \(Double(clock()) / Double(CLOCKS_PER_SEC)) s in this process so far")
    }

    @Test func manifestMatchesFilesAndSystemSHA256() throws {
        let manifest = try Repo.manifest()
        #expect(manifest.map(\.path) == Repo.committedFiles())
        // One sha256sum call over every file: the in-house SHA-256 of the manifest must agree.
        let (status, out) = try Repo.run("/usr/bin/sha256sum", manifest.map(\.path), cwd: Repo.vectors)
        #expect(status == 0)
        var system: [String: String] = [:]
        for l in Repo.lines(out) {
            let f = l.split(separator: " ", maxSplits: 1)
            system[String(f[1].drop(while: { $0 == " " || $0 == "*" }))] = String(f[0])
        }
        var wrong: [String] = []
        for m in manifest where system[m.path] != m.sha { wrong.append(m.path) }
        #expect(wrong.isEmpty, "MANIFEST SHA-256 disagrees with sha256sum for \(wrong.prefix(5))")
        // Case counts, counted independently; and the in-house SHA-256 of a few files.
        for m in manifest {
            let data = try Data(contentsOf: Repo.vectors.appendingPathComponent(m.path))
            #expect(Repo.caseCount(data) == m.cases, "\(m.path)")
        }
        for path in ["decode/float8_e4m3fn.txt", "convert/float8_e4m3fn/rne-saturate.txt", "mul/float8_e5m2-rne-saturate.txt", "dot/float8_e4m3fn-exact.txt"] {
            #expect(SHA256.hex(Array(try Data(contentsOf: Repo.vectors.appendingPathComponent(path)))) == system[path], "\(path)")
        }
    }

    /// The in-house SHA-256 against sha256sum on messages around the padding boundaries.
    @Test func sha256KnownAnswers() throws {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("octet-sha-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var names: [String] = []
        var rng = SplitMix64(seed: 99)
        var messages: [String: [UInt8]] = [:]
        for n in [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4097] {
            let bytes = (0 ..< n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let name = "m\(n)"
            try Data(bytes).write(to: dir.appendingPathComponent(name))
            names.append(name)
            messages[name] = bytes
        }
        let (_, out) = try Repo.run("/usr/bin/sha256sum", names, cwd: dir)
        for l in Repo.lines(out) {
            let f = l.split(separator: " ", maxSplits: 1)
            let name = String(f[1].drop(while: { $0 == " " || $0 == "*" }))
            #expect(SHA256.hex(messages[name]!) == String(f[0]), "\(name)")
        }
    }
}

@Suite("Golden vectors: verify round trip")
struct VectorRoundTripTests {
    static func verify(_ lines: [String], maxErrors: Int = 20) -> (VectorVerifier.Outcome, VectorError?) {
        VectorVerifier.verify(lines: AnySequence(lines), maxErrors: maxErrors)
    }

    /// Every decode table and dot file in full, and the conversions and products of float8_e4m3fn;
    /// every 23rd case of the other files (blanked lines keep the line numbers). All of it, 2.8
    /// million cases, takes minutes in a debug build: `octet verify` does that in release.
    @Test func committedFilesVerify() throws {
        let start = ContinuousClock.now
        var total = 0
        for m in try Repo.manifest() {
            var lines = Repo.lines(try Repo.read(m.path))
            let full = m.path.hasPrefix("decode/") || m.path.hasPrefix("dot/") || m.path.hasPrefix("convert/float8_e4m3fn/")
                || m.path.hasPrefix("mul/float8_e4m3fn-")
            var expected = m.cases
            if !full {
                var k = 0
                expected = 0
                for i in lines.indices where !lines[i].hasPrefix("#") && !lines[i].isEmpty {
                    if k % 23 == 0 { expected += 1 } else { lines[i] = "" }
                    k += 1
                }
                // the sample's own count (the reader checks it)
                let c = try #require(lines.firstIndex { $0.hasPrefix("# cases: ") })
                #expect(lines[c] == "# cases: \(m.cases)")
                lines[c] = "# cases: \(expected)"
            }
            let (outcome, error) = Self.verify(lines)
            #expect(error == nil, "\(m.path): \(error?.description ?? "")")
            #expect(outcome.failed == 0, "\(m.path): \(outcome.reports.prefix(3))")
            #expect(outcome.passed == expected, "\(m.path)")
            total += outcome.passed
        }
        print("[vectors] verified \(total) committed cases in \(ContinuousClock.now - start)")
    }

    /// Changes one result (and, elsewhere, one flag) in a copy of a file of each kind.
    @Test(arguments: [("decode/float8_e4m3fn.txt", 40), ("convert/float8_e4m3fn/rne-saturate.txt", 500),
                      ("convert/float8_e5m2/sr-nonsaturate.txt", 77), ("mul/float8_e4m3fn-rne-saturate.txt", 30_000),
                      ("dot/float8_e4m3fn-fp32-sequential.txt", 20)])
    func corruptedCopyFailsAtItsLine(_ path: String, _ lineNumber: Int) throws {
        var lines = Repo.lines(try Repo.read(path))
        let i = lineNumber - 1
        var fields = lines[i].split(separator: " ").map(String.init)
        let resultIndex = path.hasPrefix("decode/") ? fields.count - 1 : fields.count - 2
        let old = fields[resultIndex]
        fields[resultIndex] = path.hasPrefix("decode/") ? (old == "1" ? "2" : "1")
            : path.hasPrefix("dot/") ? (old == "3F800000" ? "40000000" : "3F800000")
            : (old == "01" ? "02" : "01")
        lines[i] = fields.joined(separator: " ")
        let (outcome, error) = Self.verify(lines)
        #expect(error == nil)
        #expect(outcome.failed == 1, "\(path): \(outcome.reports)")
        #expect(outcome.reports.first?.hasPrefix("line \(lineNumber): ") == true, "\(outcome.reports)")

        if !path.hasPrefix("decode/") {
            // a wrong flag alone also fails, at its own line
            var flagged = Repo.lines(try Repo.read(path))
            let j = lineNumber + 3 - 1
            var f = flagged[j].split(separator: " ").map(String.init)
            f[f.count - 1] = f[f.count - 1] == "...." ? "...x" : "...."
            flagged[j] = f.joined(separator: " ")
            let (o2, _) = Self.verify(flagged)
            #expect(o2.failed == 1)
            #expect(o2.reports.first?.hasPrefix("line \(lineNumber + 3): ") == true, "\(o2.reports)")
            // a line stripped of its flags fails (the header's columns name them)
            var bare = Repo.lines(try Repo.read(path))
            let b = bare[lineNumber - 1].split(separator: " ")
            bare[lineNumber - 1] = b.dropLast().joined(separator: " ")
            let (o3, _) = Self.verify(bare)
            #expect(o3.failed == 1 && o3.reports.first?.hasPrefix("line \(lineNumber): flags missing") == true, "\(o3.reports)")
            // without flags on every line and no columns, the result codes alone are compared
            let stripped = Repo.lines(try Repo.read(path)).filter { !$0.hasPrefix("# columns:") }
                .map { $0.hasPrefix("#") ? $0 : $0.split(separator: " ").dropLast().joined(separator: " ") }
            #expect(Self.verify(stripped).0.failed == 0)
        }
    }

    /// Hex fields: either case, an optional 0x prefix, leading zeros optional; not more digits
    /// than the input format has.
    @Test func hexConventions() {
        func header(_ n: Int) -> [String] {
            ["# octet-vectors 1", "# operation: convert", "# output: float8_e4m3fn", "# rounding: rne", "# overflow: saturate", "# cases: \(n)"]
        }
        // flags on every line of a file or on none: two files, concatenated
        let flagged = ["0x3F800000 0x38 ....", "00000001 00 ..ux", "1 0 ..ux"], bare = ["3f800000 38", "0X3F800000 38", "0x0 0"]
        let (o1, e1) = Self.verify(header(flagged.count) + flagged + header(bare.count) + bare)
        #expect(e1 == nil && o1.failed == 0 && o1.passed == flagged.count + bare.count, "\(o1.reports)")
        let bad = ["0x03F800000 38", "13F800000 38", "0x 38", "3F800000 0x", "3F800000 38 .....", "3F800000 138"]
        let header = header(bad.count)
        let (o2, _) = Self.verify(header + bad)
        #expect(o2.failed == bad.count, "\(o2.reports)")
        #expect(o2.reports.enumerated().allSatisfy { $1.hasPrefix("line \($0 + header.count + 1): ") }, "\(o2.reports)")
    }

    /// Concatenated files: a new `# octet-vectors 1` line starts a new header.
    @Test func concatenatedFilesUseTheirOwnHeaders() throws {
        let a = Repo.lines(try Repo.read("convert/float8_e4m3fn/rne-saturate.txt"))
        let b = Repo.lines(try Repo.read("convert/float8_e4m3fn/rtz-saturate.txt"))
        let (outcome, error) = Self.verify(a + b)
        #expect(error == nil)
        #expect(outcome.failed == 0, "\(outcome.reports.prefix(2))")
        #expect(outcome.passed == Repo.caseCount(a.joined(separator: "\n")) + Repo.caseCount(b.joined(separator: "\n")))
        // an unknown version is refused, naming its line
        let (_, e2) = Self.verify(["# octet-vectors 2", "# operation: decode", "# format: int8", "00 0"])
        #expect(e2?.line == 1)
        // Windows line ends in the header and the data
        let crlf = Repo.lines(try Repo.read("decode/int4.txt")).map { $0 + "\r" }
        let (o3, e3) = Self.verify(crlf)
        #expect(e3 == nil && o3.failed == 0 && o3.passed == 16, "\(o3.reports.prefix(2)) \(String(describing: e3))")
    }
}

import Foundation

/// The MANIFEST of a golden-vector folder: one line `SHA256  CASES  PATH` per file, after a title
/// line. It is what makes a folder of vectors checkable as a whole: `VectorFolder.verify` compares
/// every file with it, and `octet vectors export` removes only files an earlier MANIFEST lists.
public struct VectorManifest: Sendable {
    public struct Entry: Sendable, Equatable {
        public let sha256: String
        public let cases: Int
        public let path: String
    }

    /// The start of the title line `VectorWriter.manifest` writes.
    public static let title = "# Octet golden vectors:"

    public var entries: [Entry]

    /// Reads a MANIFEST; errors name the line. Paths must be relative, without `..` or empty
    /// components, and appear once.
    public init(parsing text: String) throws(VectorError) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first, first.hasPrefix(Self.title) else {
            throw VectorError(line: 1, message: "not an Octet MANIFEST (the first line is not '\(Self.title) …')")
        }
        var seen = Set<String>()
        entries = []
        for (i, line) in lines.enumerated().dropFirst() {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count == 3, f[0].count == 64, f[0].allSatisfy({ $0.isHexDigit && !$0.isUppercase }), let n = Int(f[1]), n >= 1 else {
                throw VectorError(line: i + 1, message: "expected 'SHA256  CASES  PATH' (64 lowercase hex digits, a count of at least 1, a path)")
            }
            let path = String(f[2])
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }), path != "MANIFEST" else {
                throw VectorError(line: i + 1, message: "path '\(path)' must be relative to the folder, without '.', '..' or empty parts")
            }
            guard seen.insert(path).inserted else { throw VectorError(line: i + 1, message: "'\(path)' is listed twice") }
            entries.append(Entry(sha256: String(f[0]), cases: n, path: path))
        }
    }
}

/// A folder of golden vectors and its MANIFEST.
public enum VectorFolder {
    /// Every regular file under `dir`, as paths relative to it, sorted (MANIFEST included).
    public static func files(in dir: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
        var out: [String] = []
        while let p = e.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + "/" + p, isDirectory: &isDir), !isDir.boolValue { out.append(p) }
        }
        return out.sorted()
    }

    public struct Outcome: Sendable {
        public var files = 0
        public var cases = 0
        /// Everything wrong, one line each, naming the file.
        public var problems: [String] = []
        public var ok: Bool { problems.isEmpty }
    }

    /// Checks a folder against its MANIFEST: every listed file exists, has the listed SHA-256,
    /// declares and holds the listed number of cases (`# cases: N`), and every case verifies
    /// against the reference; no file is present that the MANIFEST does not list. Reports at most
    /// `maxErrors` mismatching cases per file (0: all).
    public static func verify(dir: String, maxErrors: Int = 5) -> Outcome {
        var outcome = Outcome()
        let manifestPath = dir + "/MANIFEST"
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            outcome.problems.append("\(manifestPath): cannot read")
            return outcome
        }
        let manifest: VectorManifest
        do { manifest = try VectorManifest(parsing: String(decoding: data, as: UTF8.self)) } catch {
            outcome.problems.append("\(manifestPath), \(error)")
            return outcome
        }
        let listed = Set(manifest.entries.map(\.path))
        for extra in files(in: dir) where extra != "MANIFEST" && !listed.contains(extra) {
            outcome.problems.append("\(extra): not listed in MANIFEST")
        }
        for entry in manifest.entries {
            outcome.files += 1
            guard let bytes = FileManager.default.contents(atPath: dir + "/" + entry.path).map({ [UInt8]($0) }) else {
                outcome.problems.append("\(entry.path): listed in MANIFEST but cannot be read")
                continue
            }
            let sha = SHA256.hex(bytes)
            if sha != entry.sha256 { outcome.problems.append("\(entry.path): SHA-256 \(sha) differs from MANIFEST's \(entry.sha256)") }
            var stream = VectorStream(maxErrors: maxErrors)
            var fatal: VectorError?
            bytes.withUnsafeBufferPointer { all in
                var start = 0
                while start < all.count && fatal == nil {
                    var end = start
                    while end < all.count && all[end] != 0x0A { end += 1 }
                    fatal = stream.feed(UnsafeBufferPointer(rebasing: all[start ..< end]))
                    start = end + 1
                }
            }
            if fatal == nil { fatal = stream.finish() }
            if let fatal { outcome.problems.append("\(entry.path), \(fatal)") }
            for r in stream.outcome.reports { outcome.problems.append("\(entry.path), \(r)") }
            if stream.outcome.failed > stream.outcome.reports.count {
                outcome.problems.append("\(entry.path): \(stream.outcome.failed) cases failed in all")
            }
            let n = stream.outcome.passed + stream.outcome.failed
            outcome.cases += n
            if fatal == nil && n != entry.cases {
                outcome.problems.append("\(entry.path): \(n) cases, but MANIFEST lists \(entry.cases)")
            }
        }
        return outcome
    }
}

import Foundation

/// One run of the built `octet` executable, for the test targets that drive the command line.
public struct OctetRun: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Finds and runs the `octet` product of the same build (it sits next to the test bundle).
public enum OctetBinary {
    public static var url: URL {
        // On Linux the runner is `<Package>PackageTests.xctest` directly in the build folder.
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = runner.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("octet").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("octet")
    }

    /// Runs `octet arguments…`, feeding `stdin` if given. stdout comes through a pipe and stderr
    /// through a file, so neither can fill up and block the process while the other is read.
    public static func run(_ arguments: [String], stdin: String? = nil) throws -> OctetRun {
        let p = Process()
        p.executableURL = url
        p.arguments = arguments
        let errPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("octet-stderr-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errPath.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errPath) }
        let out = Pipe(), inp = Pipe()
        let err = try FileHandle(forWritingTo: errPath)
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let s = stdin { inp.fileHandleForWriting.write(Data(s.utf8)) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try err.close()
        let e = (try? Data(contentsOf: errPath)) ?? Data()
        return OctetRun(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                        stderr: String(decoding: e, as: UTF8.self))
    }

    /// Runs and requires exit status 0; returns stdout.
    public static func succeed(_ arguments: [String]) throws -> String {
        let r = try run(arguments)
        guard r.status == 0 else {
            throw NSError(domain: "octet", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: "octet \(arguments.joined(separator: " ")) exited \(r.status): \(r.stderr)"])
        }
        return r.stdout
    }

    /// Runs, requires exit status 0 and a JSON array of objects on stdout.
    public static func json(_ arguments: [String]) throws -> [[String: Any]] {
        let out = try succeed(arguments)
        guard let rows = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] else {
            throw NSError(domain: "octet", code: 1, userInfo: [NSLocalizedDescriptionKey: "not a JSON array of objects: \(out.prefix(200))"])
        }
        return rows
    }
}

import Foundation

/// Runs the built `octet` executable (it sits next to the test bundle) and captures its output
/// (the same runner as Tests/OctetCLITests/Support.swift).
struct HardwareRun {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum HardwareBinary {
    static var url: URL {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = runner.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("octet").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("octet")
    }

    static func run(_ arguments: [String]) throws -> HardwareRun {
        let p = Process()
        p.executableURL = url
        p.arguments = arguments
        // stdout through a pipe, stderr into a file, so neither can fill up and block the process.
        let errPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("octet-stderr-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errPath.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errPath) }
        let out = Pipe()
        let err = try FileHandle(forWritingTo: errPath)
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try err.close()
        let e = (try? Data(contentsOf: errPath)) ?? Data()
        return HardwareRun(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                           stderr: String(decoding: e, as: UTF8.self))
    }

    /// Runs and requires exit status 0; returns stdout.
    static func succeed(_ arguments: [String]) throws -> String {
        let r = try run(arguments)
        guard r.status == 0 else {
            throw NSError(domain: "octet", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: "octet \(arguments.joined(separator: " ")) exited \(r.status): \(r.stderr)"])
        }
        return r.stdout
    }

    static func json(_ arguments: [String]) throws -> [[String: Any]] {
        let out = try succeed(arguments)
        guard let rows = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] else {
            throw NSError(domain: "octet", code: 1, userInfo: [NSLocalizedDescriptionKey: "not a JSON array of objects: \(out.prefix(200))"])
        }
        return rows
    }
}

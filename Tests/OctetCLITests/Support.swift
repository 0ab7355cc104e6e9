import Foundation

/// Runs the built `octet` executable (it sits next to the test bundle) and captures its output.
struct OctetRun {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum OctetBinary {
    static var url: URL {
        // The test runner executable lives in the same build folder as the `octet` product.
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = runner.deletingLastPathComponent()
        // On Linux the runner is `<Package>PackageTests.xctest` directly in the build folder.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("octet").path), dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("octet")
    }

    static func run(_ arguments: [String], stdin: String? = nil) throws -> OctetRun {
        let p = Process()
        p.executableURL = url
        p.arguments = arguments
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let s = stdin { inp.fileHandleForWriting.write(Data(s.utf8)) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return OctetRun(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

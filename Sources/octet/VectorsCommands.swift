import ArgumentParser
import Foundation
import Octet
import OctetCheck

struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Golden vectors.",
        subcommands: [VectorsExportCommand.self])
}

struct VectorsExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the curated golden-vector set and its MANIFEST (SHA-256 and case count per file).")

    @Option(help: "Output folder.")
    var out: String

    func run() throws {
        let files = VectorWriter.curatedSet()
        for (path, text, _) in files {
            try writeFile(out + "/" + path, text)
        }
        try writeFile(out + "/MANIFEST", VectorWriter.manifest(files))
        print("\(files.count) files, \(files.reduce(0) { $0 + $1.2 }) cases written to \(out)")
    }
}

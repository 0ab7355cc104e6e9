import ArgumentParser
import Foundation
import Octet
import OctetCheck

struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Golden vectors: export the curated set, verify a folder against its MANIFEST.",
        subcommands: [VectorsExportCommand.self, VectorsVerifyCommand.self])
}

struct VectorsExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the curated golden-vector set and its MANIFEST (SHA-256 and case count per file).",
        discussion: """
        Writes into a new or empty folder, or over an earlier export: a folder whose MANIFEST \
        was written by this command and which holds no file that MANIFEST does not list. There \
        it replaces the files, then the MANIFEST, and removes the files the old MANIFEST lists \
        that the new set lacks (and folders that become empty). Any other non-empty folder is \
        refused, with nothing written. Each file is written to a temporary name and renamed.
        """)

    @Option(help: "Output folder.")
    var out: String

    func run() throws {
        guard !out.isEmpty else { throw CLIUsage("--out is empty (give a folder, e.g. Vectors)") }
        let fm = FileManager.default
        var isDir: ObjCBool = false
        var old: VectorManifest?
        if fm.fileExists(atPath: out, isDirectory: &isDir) {
            guard isDir.boolValue else { throw CLIUsage("--out '\(out)' is a file, not a folder") }
            let present = VectorFolder.files(in: out)
            if !present.isEmpty {
                guard let data = fm.contents(atPath: out + "/MANIFEST") else {
                    throw CLIError("'\(out)' is not empty and has no MANIFEST: not an earlier export, refusing to write into it (nothing written)")
                }
                do { old = try VectorManifest(parsing: String(decoding: data, as: UTF8.self)) } catch {
                    throw CLIError("'\(out)/MANIFEST', \(error): refusing to write into '\(out)' (nothing written)")
                }
                let listed = Set(old!.entries.map(\.path))
                let foreign = present.filter { $0 != "MANIFEST" && !listed.contains($0) }
                if !foreign.isEmpty {
                    let shown = foreign.prefix(5).joined(separator: ", ") + (foreign.count > 5 ? ", … (\(foreign.count) in all)" : "")
                    throw CLIError("'\(out)' holds files its MANIFEST does not list (\(shown)): refusing to overwrite or leave them beside the export (nothing written)")
                }
            }
        }
        let files = VectorWriter.curatedSet()
        for (path, text, _) in files { try writeFile(out + "/" + path, text) }
        try writeFile(out + "/MANIFEST", VectorWriter.manifest(files))
        let now = Set(files.map(\.0))
        var removed = 0
        for e in old?.entries ?? [] where !now.contains(e.path) {
            do { try fm.removeItem(atPath: out + "/" + e.path); removed += 1 } catch {
                throw CLIError("cannot remove stale '\(out)/\(e.path)': \(error.localizedDescription)")
            }
            // folders the removal emptied
            var dir = (e.path as NSString).deletingLastPathComponent
            while !dir.isEmpty, (try? fm.contentsOfDirectory(atPath: out + "/" + dir))?.isEmpty == true {
                try? fm.removeItem(atPath: out + "/" + dir)
                dir = (dir as NSString).deletingLastPathComponent
            }
        }
        print("\(files.count) files, \(files.reduce(0) { $0 + $1.2 }) cases written to \(out)\(removed > 0 ? "; \(removed) stale files of the old MANIFEST removed" : "")")
    }
}

struct VectorsVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a golden-vector folder against its MANIFEST and the reference.",
        discussion: """
        Every file the MANIFEST lists must exist, have its SHA-256, declare and hold its case \
        count, and every case must verify against the reference (as `octet verify`); a file \
        the MANIFEST does not list is an error too. Prints each problem naming its file, then \
        `N files, M cases verified` or `K problems`. Exit 0 only when there are none.
        """)

    @Argument(help: "The folder holding MANIFEST (e.g. Vectors).")
    var dir: String
    @Option(name: .customLong("max-errors"), help: "Report at most N mismatching cases per file (0: all).")
    var maxErrors: Int = 5

    func run() throws {
        guard !dir.isEmpty else { throw CLIUsage("the folder is empty") }
        guard maxErrors >= 0 else { throw CLIUsage("--max-errors must be 0 (report all) or more (got \(maxErrors))") }
        let outcome = VectorFolder.verify(dir: dir, maxErrors: maxErrors)
        for p in outcome.problems { print(p) }
        if outcome.ok {
            print("\(outcome.files) files, \(outcome.cases) cases verified")
        } else {
            print("\(outcome.problems.count) problem\(outcome.problems.count == 1 ? "" : "s") in \(outcome.files) files")
            throw ExitCode(1)
        }
    }
}

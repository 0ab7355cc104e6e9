import ArgumentParser
import Foundation
import Octet
import OctetCheck

struct SpecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spec",
        abstract: "Regenerate every table of the specification (Specs/*.md) from the library.",
        discussion: """
        Rewrites the blocks between `<!-- octet:generated NAME -->` and `<!-- octet:end -->` \
        (whole lines) in each Markdown file of the folder that has such blocks, keeping every \
        other line; files without markers are not touched. Every file is read and checked first: \
        an unbalanced, nested or unknown marker, or a README.md that `octet spec` did not write \
        (its first line is the index marker), stops the run with nothing written. Then writes \
        the index README.md with the specification's version. Files are replaced through a \
        temporary file and a rename. With --check, writes nothing and exits 1 when any file \
        differs.
        """)

    @Option(help: "The specification folder (read and rewritten in place).")
    var out: String
    @Flag(help: "Only compare: exit 1 when a file would change.")
    var check = false

    func run() throws {
        guard !out.isEmpty else { throw CLIUsage("--out is empty (give the specification folder, e.g. Specs)") }
        let dir = URL(fileURLWithPath: out)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: out, isDirectory: &isDir), isDir.boolValue else {
            throw CLIUsage("--out '\(out)' is not a folder")
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".md") } } catch {
            throw CLIError("cannot read '\(out)': \(error.localizedDescription)")
        }
        // First every check, then every write: a refused run changes nothing.
        var writes: [(String, String)] = []
        var changed: [String] = []
        var specFiles: [String] = []
        for name in names.sorted() where name != "README.md" {
            let url = dir.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw CLIError("cannot read '\(url.path)' (as UTF-8)") }
            let new: String
            do {
                guard try SpecGenerator.blockCount(text) > 0 else { continue }
                new = try SpecGenerator.regenerate(text)
            } catch { throw CLIError("\(url.path), \(error) (nothing written)") }
            specFiles.append(name)
            if new != text {
                changed.append(name)
                writes.append((url.path, new))
            }
        }
        guard !specFiles.isEmpty else {
            throw CLIError("no Markdown file in '\(out)' has octet:generated blocks: not a specification folder (nothing written)")
        }
        let index = SpecGenerator.index(files: names)
        let readme = dir.appendingPathComponent("README.md")
        if FileManager.default.fileExists(atPath: readme.path) {
            guard let old = try? String(contentsOf: readme, encoding: .utf8) else { throw CLIError("cannot read '\(readme.path)' (as UTF-8)") }
            if old != index {
                guard old.hasPrefix(SpecGenerator.indexMarker + "\n") else {
                    throw CLIError("\(readme.path) was not written by `octet spec` (its first line is not the index marker); move it away to regenerate the index (nothing written)")
                }
                changed.append("README.md")
                writes.append((readme.path, index))
            }
        } else {
            changed.append("README.md")
            writes.append((readme.path, index))
        }
        if check {
            print(changed.isEmpty ? "Specs are up to date" : "out of date: \(changed.joined(separator: ", "))")
            if !changed.isEmpty { throw ExitCode(1) }
            return
        }
        for (path, text) in writes { try writeFile(path, text) }
        print(changed.isEmpty ? "nothing to regenerate" : "regenerated: \(changed.joined(separator: ", "))")
    }
}

import ArgumentParser
import Foundation
import Octet
import OctetCheck

struct SpecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spec",
        abstract: "Regenerate every table of the specification (Specs/*.md) from the library.",
        discussion: "Rewrites the blocks between `<!-- octet:generated NAME -->` and `<!-- octet:end -->` in each Markdown file of the folder (prose is kept), and writes the index README.md with the specification's version. With --check, writes nothing and exits 1 when any file differs.")

    @Option(help: "The specification folder (read and rewritten in place).")
    var out: String
    @Flag(help: "Only compare: exit 1 when a file would change.")
    var check = false

    func run() throws {
        let dir = URL(fileURLWithPath: out)
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".md") } } catch {
            throw CLIError("cannot read '\(out)': \(error.localizedDescription)")
        }
        var changed: [String] = []
        for name in names.sorted() where name != "README.md" {
            let url = dir.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw CLIError("cannot read '\(url.path)'") }
            let new: String
            do { new = try SpecGenerator.regenerate(text) } catch { throw CLIError("\(name): \(error)") }
            if new != text {
                changed.append(name)
                if !check { try writeFile(url.path, new) }
            }
        }
        let index = SpecGenerator.index(files: names + (names.contains("README.md") ? [] : []))
        let readme = dir.appendingPathComponent("README.md")
        if (try? String(contentsOf: readme, encoding: .utf8)) != index {
            changed.append("README.md")
            if !check { try writeFile(readme.path, index) }
        }
        if check {
            print(changed.isEmpty ? "Specs are up to date" : "out of date: \(changed.joined(separator: ", "))")
            if !changed.isEmpty { throw ExitCode(1) }
        } else {
            print(changed.isEmpty ? "nothing to regenerate" : "regenerated: \(changed.joined(separator: ", "))")
        }
    }
}

import Foundation

func writeFile(_ path: String, _ text: String) throws {
    let url = URL(fileURLWithPath: path)
    do {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    } catch { throw CLIError("cannot write '\(path)': \(error.localizedDescription)") }
}

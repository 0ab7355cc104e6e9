import ArgumentParser
import Foundation
import Octet
import OctetExact
import OctetCheck

@main
struct OctetCommand: ParsableCommand {
    /// Runs the tool. Exit status, the same in every command: 0 success; 1 a mismatch, an error in
    /// the input being processed, or a failed write; 2 a usage error (an unknown option or format,
    /// an invalid option value: ArgumentParser's parse and validation errors, and `CLIUsage`).
    /// Every path flushes standard output and checks it (`StandardOutput.finish`); SIGPIPE is
    /// ignored, so a closed pipe is a write error (EPIPE) with a message, not a silent death.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // The worker process of `octet check` (not a command: started by the checker itself).
        if arguments.first == KernelWorker.argument { KernelWorker.main(CommandLine.arguments) }
        _ = signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let usage as CLIUsage {
            writeStderr("Error: \(usage.description)\n")
            StandardOutput.finish(2)
        } catch {
            let code = exitCode(for: error)
            let text = fullMessage(for: error)
            if code == .success {
                // --help, --version: the text goes to standard output, checked like any other.
                if !text.isEmpty { print(text) }
                StandardOutput.finish(0)
            }
            if !text.isEmpty { writeStderr(text + "\n") }
            StandardOutput.finish(code == .validationFailure ? 2 : code.rawValue)
        }
        StandardOutput.finish(0)
    }

    static let configuration = CommandConfiguration(
        commandName: "octet",
        abstract: "The bit-exact reference for 8-bit-and-narrower number formats.",
        discussion: """
        Exit status, in every command: 0 success; 1 a mismatch, an error in the input being \
        processed (a bad value on a line or in an argument being converted), or a failed write \
        (standard output or a file: a full disk, a closed pipe); 2 a usage error (an unknown \
        option, format or model, an invalid option value, options that do not go together).
        """,
        subcommands: [FormatsCommand.self, DecodeCommand.self, EncodeCommand.self, DescribeCommand.self, MACCommand.self, KulischCommand.self, AccumulationErrorCommand.self, QuantizeCommand.self, MXCommand.self, BlocksCommand.self, AreaCommand.self, AccuracyCommand.self,
                      CheckCommand.self, GenCommand.self, VerifyCommand.self, VectorsCommand.self, MergeCommand.self, BenchCommand.self, SpecCommand.self]
    )
}

/// A one-line error found while processing (bad input data, a failed write): "Error: <description>",
/// exit status 1. Usage errors (unknown formats, invalid option values) are `CLIUsage`, status 2.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

extension RoundingMode: ExpressibleByArgument {}
extension OverflowPolicy: ExpressibleByArgument {}

/// A format named by an argument or option: an unknown or invalid name is a usage error.
func lookUpFormat(_ name: String) throws -> Format {
    do { return try FormatRegistry.named(name) } catch { throw CLIUsage(error.description) }
}

/// Writes a message to standard error (unbuffered, so it interleaves with progress output).
func writeStderr(_ s: String) {
    var bytes = Array(s.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

import ArgumentParser
import Foundation
import Octet
import OctetExact
import OctetCheck

@main
struct OctetCommand: ParsableCommand {
    /// Runs the tool; `octet check` exits with 2 for usage errors (its documented contract),
    /// every other error keeps ArgumentParser's status.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // The worker process of `octet check` (not a command: started by the checker itself).
        if arguments.first == KernelWorker.argument { KernelWorker.main(CommandLine.arguments) }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let usage as CLIUsage {
            writeStderr("Error: \(usage.description)\n")
            Foundation.exit(2)
        } catch {
            if arguments.first == "check" && exitCode(for: error) == .validationFailure {
                writeStderr(fullMessage(for: error) + "\n")
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "octet",
        abstract: "The bit-exact reference for 8-bit-and-narrower number formats.",
        subcommands: [FormatsCommand.self, DecodeCommand.self, EncodeCommand.self, DescribeCommand.self, MACCommand.self, KulischCommand.self, AccumulationErrorCommand.self, QuantizeCommand.self, MXCommand.self, AreaCommand.self, AccuracyCommand.self,
                      CheckCommand.self, GenCommand.self, VerifyCommand.self, VectorsCommand.self, MergeCommand.self, BenchCommand.self, SpecCommand.self]
    )
}

/// A one-line error for the user: ArgumentParser prints "Error: <description>" and exits 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

extension RoundingMode: ExpressibleByArgument {}
extension OverflowPolicy: ExpressibleByArgument {}

func lookUpFormat(_ name: String) throws -> Format {
    do { return try FormatRegistry.named(name) } catch { throw CLIError(error.description) }
}

/// Writes a message to standard error (unbuffered, so it interleaves with progress output).
func writeStderr(_ s: String) {
    var bytes = Array(s.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

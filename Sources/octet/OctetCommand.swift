import ArgumentParser
import Octet
import OctetExact

@main
struct OctetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "octet",
        abstract: "The bit-exact reference for 8-bit-and-narrower number formats.",
        subcommands: [FormatsCommand.self, DecodeCommand.self, EncodeCommand.self, DescribeCommand.self, MACCommand.self, KulischCommand.self, AccumulationErrorCommand.self, QuantizeCommand.self, MXCommand.self]
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

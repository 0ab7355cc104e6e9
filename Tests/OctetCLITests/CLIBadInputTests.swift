// Bad input: every case must fail with a non-zero exit status and a one-line message that names
// the offending input (and, for standard input, the line number), and must never crash: no death
// by signal, no status ≥ 128, no Swift runtime "Fatal error".

import Foundation
import Testing

struct BadInput: Sendable, CustomTestStringConvertible {
    let arguments: [String]
    let stdin: String?
    /// Every one of these must appear in stderr.
    let mentions: [String]
    /// The lines printed before the failure (stdin and multi-value arguments are processed in order).
    let stdoutBefore: String

    init(_ arguments: [String], stdin: String? = nil, mentions: [String], stdoutBefore: String = "") {
        self.arguments = arguments
        self.stdin = stdin
        self.mentions = mentions
        self.stdoutBefore = stdoutBefore
    }

    var testDescription: String {
        "octet " + arguments.joined(separator: " ") + (stdin.map { " <<< \($0.debugDescription)" } ?? "")
    }
}

private let sr4 = ["encode", "float8_e4m3fn", "--rounding", "sr", "--random-bits", "4"]

private let badInputs: [BadInput] = [
    // Unknown format names, for every command.
    BadInput(["decode", "nosuchformat"], mentions: ["nosuchformat"]),
    BadInput(["encode", "nosuchformat", "1"], mentions: ["nosuchformat"]),
    BadInput(["encode", "nosuchformat"], stdin: "1\n", mentions: ["nosuchformat"]),
    BadInput(["describe", "nosuchformat"], mentions: ["nosuchformat"]),
    BadInput(["decode", "e4m3:specials=bogus"], mentions: ["bogus"]),
    // Formats too wide to enumerate: decode needs codes, describe refuses.
    BadInput(["decode", "int20"], mentions: ["int20"]),
    BadInput(["describe", "int32"], mentions: ["int32"]),
    // Unknown rounding mode and overflow policy.
    BadInput(["encode", "float8_e4m3fn", "--rounding", "nearest", "1"], mentions: ["nearest"]),
    BadInput(["encode", "float8_e4m3fn", "--overflow", "clamp", "1"], mentions: ["clamp"]),
    // Malformed numbers, as arguments and on stdin.
    BadInput(["encode", "float8_e4m3fn", "1..2"], mentions: ["1..2", "argument 1"]),
    BadInput(["encode", "float8_e4m3fn", "abc"], mentions: ["abc"]),
    BadInput(["encode", "float8_e4m3fn", "1/0"], mentions: ["1/0"]),
    BadInput(["encode", "float8_e4m3fn", "1", "abc"], mentions: ["abc", "argument 2"], stdoutBefore: "1 0x38\n"),
    BadInput(["encode", "float8_e4m3fn"], stdin: "1..2\n", mentions: ["1..2", "line 1"]),
    BadInput(["encode", "float8_e4m3fn"], stdin: "1\n0.5\n1..2\n4\n", mentions: ["1..2", "line 3"],
             stdoutBefore: "1 0x38\n0.5 0x30\n"),
    BadInput(["encode", "float8_e4m3fn"], stdin: "1\n\nabc\n", mentions: ["line 2", "blank line"], stdoutBefore: "1 0x38\n"),
    BadInput(["encode", "float8_e4m3fn"], stdin: "1\n2\nabc\n", mentions: ["abc", "line 3"], stdoutBefore: "1 0x38\n2 0x40\n"),
    BadInput(["encode", "float8_e4m3fn"], stdin: "1\n2\n1/0\n", mentions: ["1/0", "line 3"], stdoutBefore: "1 0x38\n2 0x40\n"),
    BadInput(["encode", "float8_e4m3fn"], stdin: "1 2\n", mentions: ["line 1", "1 2"]),
    // Codes out of range or not hex.
    BadInput(["decode", "float8_e4m3fn", "0x100"], mentions: ["0x100"]),
    BadInput(["decode", "float6_e2m3fn", "0x40"], mentions: ["0x40"]),
    BadInput(["decode", "float4_e2m1fn", "0x10"], mentions: ["0x10"]),
    BadInput(["decode", "int2", "0x4"], mentions: ["0x4"]),
    BadInput(["decode", "e5m10", "0x10000"], mentions: ["0x10000"]),
    BadInput(["decode", "float8_e4m3fn", "0xZZ"], mentions: ["0xZZ"]),
    BadInput(["decode", "float8_e4m3fn", "12g"], mentions: ["12g"]),
    BadInput(["decode", "float8_e4m3fn", "0x"], mentions: ["0x"]),
    BadInput(["decode", "float8_e4m3fn", "0x7E", "1.5"], mentions: ["1.5", "argument 2"]),
    // Stochastic rounding: N required, R required, 0 ≤ R < 2^N.
    BadInput(["encode", "float8_e4m3fn", "--rounding", "sr", "1", "0"], mentions: ["random-bits"]),
    BadInput(["encode", "float8_e4m3fn", "--rounding", "sr"], stdin: "1 0\n", mentions: ["random-bits"]),
    BadInput(["encode", "float8_e4m3fn", "--rounding", "sr", "--random-bits", "0", "1", "0"], mentions: ["random-bits"]),
    BadInput(["encode", "float8_e4m3fn", "--rounding", "sr", "--random-bits", "65", "1", "0"], mentions: ["random-bits"]),
    BadInput(sr4 + ["1"], mentions: ["argument 1", "R"]),
    BadInput(sr4, stdin: "1 3\n2\n", mentions: ["line 2", "'2'"], stdoutBefore: "1 3 0x38\n"),
    BadInput(sr4, stdin: "1 3\n\n2\n", mentions: ["line 2", "blank line"], stdoutBefore: "1 3 0x38\n"),
    BadInput(sr4 + ["1", "16"], mentions: ["16"]),
    BadInput(sr4 + ["1", "0x10"], mentions: ["0x10"]),
    BadInput(sr4 + ["1", "-1"], mentions: ["-1"]),
    BadInput(sr4 + ["1", "x"], mentions: ["'x'"]),
    BadInput(sr4, stdin: "1 16\n", mentions: ["16", "line 1"]),
    BadInput(["encode", "float8_e4m3fn", "--rounding", "sr", "--random-bits", "64", "1", "18446744073709551616"],
             mentions: ["18446744073709551616"]),
    // NaN into formats without NaN.
    BadInput(["encode", "float4_e2m1fn", "nan"], mentions: ["nan", "float4_e2m1fn"]),
    BadInput(["encode", "float4_e2m1fn", "-nan"], mentions: ["-nan", "float4_e2m1fn"]),
    BadInput(["encode", "float4_e2m1fn", "--overflow", "nonsaturate", "nan"], mentions: ["nan", "float4_e2m1fn"]),
    BadInput(["encode", "float4_e2m1fn"], stdin: "1\n2\nnan\n", mentions: ["nan", "line 3"], stdoutBefore: "1 0x02\n2 0x04\n"),
    BadInput(["encode", "float6_e3m2fn", "NaN"], mentions: ["NaN", "float6_e3m2fn"]),
    BadInput(["encode", "int8", "nan"], mentions: ["nan", "int8"]),
]

@Suite struct CLIBadInput {
    @Test(arguments: badInputs)
    func failsCleanlyAndNamesTheInput(_ t: BadInput) throws {
        let r = try CLI.run(t.arguments, stdin: t.stdin)
        #expect(!r.signaled, "killed by a signal")
        #expect(r.status != 0)
        #expect(r.status < 128)
        #expect(!r.stderr.contains("Fatal error"))
        #expect(r.stderr.hasPrefix("Error: "), "stderr: \(r.stderr)")
        for m in t.mentions { #expect(r.stderr.contains(m), "stderr does not mention \(m): \(r.stderr)") }
        #expect(r.stdout == t.stdoutBefore)
    }

    /// A spelling that parses but describes an invalid format is refused cleanly, and the message
    /// names the spelling, as for unknown names and malformed spellings.
    @Test(arguments: ["binary8p9se", "int33", "e4m3:nosubnormals", "e4m3:bias=-2000000", "e1m0", "binary2p1se"])
    func invalidSpellingMessagesNameTheSpelling(_ spelling: String) throws {
        let r = try CLI.run(["decode", spelling])
        #expect(!r.signaled && r.status != 0 && r.status < 128)
        #expect(!r.stderr.contains("Fatal error"))
        #expect(r.stderr.contains(spelling), "stderr: \(r.stderr)")
    }

    /// Odd but legal or near-legal inputs: whatever the outcome, no crash.
    @Test(arguments: ["1e1000000", "-1e-1000000", "0x1p9999999", "1e9999999", "0x1.fffffffffffffffffffffffffp0",
                      "f64:7FF0000000000001", "f16:FFFF", "bf16:0001", "f32:", "-", "+", ".", "e", "0x", "1/2/3",
                      "99999999999999999999999999999999/3", "--", "-0/1"])
    func neverCrashes(_ value: String) throws {
        for format in ["float8_e4m3fn", "float8_e8m0fnu", "float4_e2m1fn", "binary8p1se", "int4", "uint2"] {
            let r = try CLI.run(["encode", format], stdin: value + "\n")
            #expect(!r.signaled && r.status < 128 && !r.stderr.contains("Fatal error"), "\(format) \(value): \(r.status) \(r.stderr)")
        }
    }

    @Test(arguments: ["e0m3", "e16m0", "e4m3:bias=99999999999999999999", "binary8p0se", "binary2p1se", "binary17p4se",
                      "int0", "int33", "uint99999999", "e1m0", "e4m3:specials=fnuz,unsigned", "e4m3:nosubnormals",
                      "e4m3:", "e4m3:bias", "e9999999m1", "", ":", "binary", "binaryXpYse"])
    func badSpellingsAreRefused(_ spelling: String) throws {
        for command in [["decode", spelling], ["describe", spelling], ["encode", spelling, "1"]] {
            let r = try CLI.run(command)
            #expect(!r.signaled && r.status != 0 && r.status < 128, "\(command): \(r.status)")
            #expect(!r.stderr.contains("Fatal error"))
            #expect(r.stdout.isEmpty)
        }
    }
}

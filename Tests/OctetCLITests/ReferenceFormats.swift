// Helpers for the CLI contract tests: a hand-typed copy of the format facts (duplicated on purpose
// from Tests/OctetTests/FormatFactsTests.swift, which transcribes ../shared/reference/formats.md
// §3.1–3.4; kept independent of the code), an exact decimal printer written here, and a process
// runner that also reports whether the child died of a signal.

import OctetTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

// MARK: - Reference table

/// One format's facts. Values are Doubles written as exact literals: every value of these formats
/// has at most 8 significant bits and a binary exponent within ±130, so it is a Double exactly.
struct RefFormat: Sendable, CustomTestStringConvertible {
    let name: String
    let aliases: [String]
    let bits: Int
    let signed: Bool
    /// nil for integer formats.
    let e: Int?
    let m: Int?
    let bias: Int?
    /// false only for E8M0 (no zero, exponent field 0 is a normal binade).
    let subnormals: Bool
    let inf: [Int]
    let nan: [Int]
    let negZero: Bool
    let max: Double
    let minFinite: Double
    let minNormal: Double?
    let minSub: Double?
    /// HiF8: a float whose precision depends on the exponent (no single e/m/bias).
    var tapered = false

    var testDescription: String { name }
    var isFloat: Bool { e != nil || tapered }
    var signCode: Int? { signed ? 1 << (bits - 1) : nil }
}

private func fp(_ name: String, aliases: [String] = [], _ bits: Int, signed: Bool = true, e: Int, m: Int, bias: Int,
                subnormals: Bool = true, inf: [Int] = [], nan: [Int], negZero: Bool = false, max: Double,
                minFinite: Double? = nil, minNormal: Double, minSub: Double?) -> RefFormat {
    RefFormat(name: name, aliases: aliases, bits: bits, signed: signed, e: e, m: m, bias: bias, subnormals: subnormals,
              inf: inf, nan: nan, negZero: negZero, max: max, minFinite: minFinite ?? (signed ? -max : 0),
              minNormal: minNormal, minSub: minSub)
}

private func int(_ name: String, _ bits: Int, signed: Bool, min: Double, max: Double) -> RefFormat {
    RefFormat(name: name, aliases: [], bits: bits, signed: signed, e: nil, m: nil, bias: nil,
              subnormals: false, inf: [], nan: [], negZero: false, max: max, minFinite: min, minNormal: nil, minSub: nil)
}

let referenceFormats: [RefFormat] = [
    fp("float8_e4m3fn", aliases: ["ocp_e4m3", "f8E4M3FN", "FLOAT8E4M3FN"], 8, e: 4, m: 3, bias: 7, nan: [0x7F, 0xFF], negZero: true,
       max: 448, minNormal: 0x1p-6, minSub: 0x1p-9),
    fp("float8_e5m2", aliases: ["ocp_e5m2", "f8E5M2", "FLOAT8E5M2"], 8, e: 5, m: 2, bias: 15, inf: [0x7C, 0xFC],
       nan: [0x7D, 0x7E, 0x7F, 0xFD, 0xFE, 0xFF], negZero: true, max: 57344, minNormal: 0x1p-14, minSub: 0x1p-16),
    fp("float8_e4m3fnuz", aliases: ["f8E4M3FNUZ", "FLOAT8E4M3FNUZ"], 8, e: 4, m: 3, bias: 8, nan: [0x80],
       max: 240, minNormal: 0x1p-7, minSub: 0x1p-10),
    fp("float8_e5m2fnuz", aliases: ["f8E5M2FNUZ", "FLOAT8E5M2FNUZ"], 8, e: 5, m: 2, bias: 16, nan: [0x80],
       max: 57344, minNormal: 0x1p-15, minSub: 0x1p-17),
    fp("float8_e4m3b11fnuz", aliases: ["float8_e4m3b11", "f8E4M3B11FNUZ"], 8, e: 4, m: 3, bias: 11, nan: [0x80],
       max: 30, minNormal: 0x1p-10, minSub: 0x1p-13),
    fp("float8_e4m3", aliases: ["f8E4M3"], 8, e: 4, m: 3, bias: 7, inf: [0x78, 0xF8], nan: Array(0x79...0x7F) + Array(0xF9...0xFF),
       negZero: true, max: 240, minNormal: 0x1p-6, minSub: 0x1p-9),
    fp("float8_e3m4", aliases: ["f8E3M4"], 8, e: 3, m: 4, bias: 3, inf: [0x70, 0xF0], nan: Array(0x71...0x7F) + Array(0xF1...0xFF),
       negZero: true, max: 15.5, minNormal: 0.25, minSub: 0x1p-6),
    fp("float8_e8m0fnu", aliases: ["f8E8M0FNU", "ocp_e8m0", "FLOAT8E8M0"], 8, signed: false, e: 8, m: 0, bias: 127, subnormals: false,
       nan: [0xFF], max: 0x1p127, minFinite: 0x1p-127, minNormal: 0x1p-127, minSub: nil),
    fp("float6_e2m3fn", aliases: ["f6E2M3FN", "ocp_e2m3"], 6, e: 2, m: 3, bias: 1, nan: [], negZero: true,
       max: 7.5, minNormal: 1, minSub: 0.125),
    fp("float6_e3m2fn", aliases: ["f6E3M2FN", "ocp_e3m2"], 6, e: 3, m: 2, bias: 3, nan: [], negZero: true,
       max: 28, minNormal: 0.25, minSub: 0.0625),
    fp("float4_e2m1fn", aliases: ["f4E2M1FN", "ocp_e2m1", "FLOAT4E2M1"], 4, e: 2, m: 1, bias: 1, nan: [], negZero: true,
       max: 6, minNormal: 1, minSub: 0.5),
    // Scale formats: CUTLASS float_ue4m3_t (7 bits, NaN 0x7F), ml_dtypes float8_e5m3fnu, en_dtypes float4_e1m2.
    fp("float8_ue4m3", aliases: ["ue4m3"], 7, signed: false, e: 4, m: 3, bias: 7, nan: [0x7F], max: 448, minNormal: 0x1p-6, minSub: 0x1p-9),
    fp("float8_e5m3fnu", aliases: ["ue5m3"], 8, signed: false, e: 5, m: 3, bias: 15, nan: [0xFF], max: 114688, minNormal: 0x1p-14, minSub: 0x1p-17),
    fp("float4_e1m2", aliases: ["e1m2"], 4, e: 1, m: 2, bias: 1, nan: [], negZero: true, max: 1.75, minNormal: 1, minSub: 0.25),
    // HiF8 (arXiv:2409.16626): max 1·2^15, denormals 2^-22…2^-16, normals from 2^-15, ±Inf 0x6F/0xEF, NaN 0x80.
    RefFormat(name: "hifloat8", aliases: ["hif8"], bits: 8, signed: true, e: nil, m: nil, bias: nil, subnormals: true,
              inf: [0x6F, 0xEF], nan: [0x80], negZero: false, max: 32768, minFinite: -32768, minNormal: 0x1p-15, minSub: 0x1p-22,
              tapered: true),

    // P3109 v4.0, K = 8, signed (NaN 0x80; Extended: +Inf 0x7F, -Inf 0xFF).
    fp("binary8p1se", 8, e: 7, m: 0, bias: 64, inf: [0x7F, 0xFF], nan: [0x80], max: 0x1p62, minNormal: 0x1p-63, minSub: nil),
    fp("binary8p1sf", 8, e: 7, m: 0, bias: 64, nan: [0x80], max: 0x1p63, minNormal: 0x1p-63, minSub: nil),
    fp("binary8p2se", 8, e: 6, m: 1, bias: 32, inf: [0x7F, 0xFF], nan: [0x80], max: 0x1p31, minNormal: 0x1p-31, minSub: 0x1p-32),
    fp("binary8p2sf", 8, e: 6, m: 1, bias: 32, nan: [0x80], max: 0x1.8p31, minNormal: 0x1p-31, minSub: 0x1p-32),
    fp("binary8p3se", 8, e: 5, m: 2, bias: 16, inf: [0x7F, 0xFF], nan: [0x80], max: 49152, minNormal: 0x1p-15, minSub: 0x1p-17),
    fp("binary8p3sf", 8, e: 5, m: 2, bias: 16, nan: [0x80], max: 57344, minNormal: 0x1p-15, minSub: 0x1p-17),
    fp("binary8p4se", 8, e: 4, m: 3, bias: 8, inf: [0x7F, 0xFF], nan: [0x80], max: 224, minNormal: 0x1p-7, minSub: 0x1p-10),
    fp("binary8p4sf", 8, e: 4, m: 3, bias: 8, nan: [0x80], max: 240, minNormal: 0x1p-7, minSub: 0x1p-10),
    fp("binary8p5se", 8, e: 3, m: 4, bias: 4, inf: [0x7F, 0xFF], nan: [0x80], max: 15, minNormal: 0x1p-3, minSub: 0x1p-7),
    fp("binary8p5sf", 8, e: 3, m: 4, bias: 4, nan: [0x80], max: 15.5, minNormal: 0x1p-3, minSub: 0x1p-7),
    fp("binary8p6se", 8, e: 2, m: 5, bias: 2, inf: [0x7F, 0xFF], nan: [0x80], max: 3.875, minNormal: 0.5, minSub: 0x1p-6),
    fp("binary8p6sf", 8, e: 2, m: 5, bias: 2, nan: [0x80], max: 3.9375, minNormal: 0.5, minSub: 0x1p-6),
    fp("binary8p7se", 8, e: 1, m: 6, bias: 1, inf: [0x7F, 0xFF], nan: [0x80], max: 1.96875, minNormal: 1, minSub: 0x1p-6),
    fp("binary8p7sf", 8, e: 1, m: 6, bias: 1, nan: [0x80], max: 1.984375, minNormal: 1, minSub: 0x1p-6),
    // Unsigned (NaN 0xFF; Extended: +Inf 0xFE).
    fp("binary8p1ue", 8, signed: false, e: 8, m: 0, bias: 128, inf: [0xFE], nan: [0xFF], max: 0x1p125, minNormal: 0x1p-127, minSub: nil),
    fp("binary8p1uf", 8, signed: false, e: 8, m: 0, bias: 128, nan: [0xFF], max: 0x1p126, minNormal: 0x1p-127, minSub: nil),
    fp("binary8p2ue", 8, signed: false, e: 7, m: 1, bias: 64, inf: [0xFE], nan: [0xFF], max: 0x1.8p62, minNormal: 0x1p-63, minSub: 0x1p-64),
    fp("binary8p2uf", 8, signed: false, e: 7, m: 1, bias: 64, nan: [0xFF], max: 0x1p63, minNormal: 0x1p-63, minSub: 0x1p-64),
    fp("binary8p3ue", 8, signed: false, e: 6, m: 2, bias: 32, inf: [0xFE], nan: [0xFF], max: 0x1.4p31, minNormal: 0x1p-31, minSub: 0x1p-33),
    fp("binary8p3uf", 8, signed: false, e: 6, m: 2, bias: 32, nan: [0xFF], max: 0x1.8p31, minNormal: 0x1p-31, minSub: 0x1p-33),
    fp("binary8p4ue", 8, signed: false, e: 5, m: 3, bias: 16, inf: [0xFE], nan: [0xFF], max: 53248, minNormal: 0x1p-15, minSub: 0x1p-18),
    fp("binary8p4uf", 8, signed: false, e: 5, m: 3, bias: 16, nan: [0xFF], max: 57344, minNormal: 0x1p-15, minSub: 0x1p-18),
    fp("binary8p5ue", 8, signed: false, e: 4, m: 4, bias: 8, inf: [0xFE], nan: [0xFF], max: 232, minNormal: 0x1p-7, minSub: 0x1p-11),
    fp("binary8p5uf", 8, signed: false, e: 4, m: 4, bias: 8, nan: [0xFF], max: 240, minNormal: 0x1p-7, minSub: 0x1p-11),
    fp("binary8p6ue", 8, signed: false, e: 3, m: 5, bias: 4, inf: [0xFE], nan: [0xFF], max: 15.25, minNormal: 0x1p-3, minSub: 0x1p-8),
    fp("binary8p6uf", 8, signed: false, e: 3, m: 5, bias: 4, nan: [0xFF], max: 15.5, minNormal: 0x1p-3, minSub: 0x1p-8),
    fp("binary8p7ue", 8, signed: false, e: 2, m: 6, bias: 2, inf: [0xFE], nan: [0xFF], max: 3.90625, minNormal: 0.5, minSub: 0x1p-7),
    fp("binary8p7uf", 8, signed: false, e: 2, m: 6, bias: 2, nan: [0xFF], max: 3.9375, minNormal: 0.5, minSub: 0x1p-7),
    // Not in the reference table; by hand from the v4.0 rules: E = 1, M = 7, bias 1, max code 0xFD = 253/128.
    fp("binary8p8ue", 8, signed: false, e: 1, m: 7, bias: 1, inf: [0xFE], nan: [0xFF], max: 1.9765625, minNormal: 1, minSub: 0x1p-7),
    fp("binary8p8uf", 8, signed: false, e: 1, m: 7, bias: 1, nan: [0xFF], max: 1.984375, minNormal: 1, minSub: 0x1p-7),
    fp("binary4p2sf", 4, e: 2, m: 1, bias: 2, nan: [0x8], max: 3, minNormal: 0.5, minSub: 0.25),

    // van Baalen et al. 2023 FP8-E2…E5: bias 2^(E-1), +0 only, 0x80 the single NaN, no Inf.
    fp("fp8_e2m5", aliases: ["fp8-e2"], 8, e: 2, m: 5, bias: 2, nan: [0x80], max: 3.9375, minNormal: 0.5, minSub: 0x1p-6),
    fp("fp8_e3m4", aliases: ["fp8-e3"], 8, e: 3, m: 4, bias: 4, nan: [0x80], max: 15.5, minNormal: 0.125, minSub: 0x1p-7),
    fp("fp8_e4m3", aliases: ["fp8-e4"], 8, e: 4, m: 3, bias: 8, nan: [0x80], max: 240, minNormal: 0x1p-7, minSub: 0x1p-10),
    fp("fp8_e5m2", aliases: ["fp8-e5"], 8, e: 5, m: 2, bias: 16, nan: [0x80], max: 57344, minNormal: 0x1p-15, minSub: 0x1p-17),

    int("int8", 8, signed: true, min: -128, max: 127),
    int("uint8", 8, signed: false, min: 0, max: 255),
    int("int4", 4, signed: true, min: -8, max: 7),
    int("uint4", 4, signed: false, min: 0, max: 15),
    int("int2", 2, signed: true, min: -2, max: 1),
    int("uint2", 2, signed: false, min: 0, max: 3),
]

// MARK: - Exact decimal printing (independent of OctetExact)

/// The exact value of a finite Double as a terminating decimal without exponent or trailing zeros:
/// `0.001953125`, `448`, `-0`, `inf`, `nan`. The contract of `octet decode` values.
func exactDecimal(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    if d == 0 { return d.sign == .minus ? "-0" : "0" }
    var m = d.significandBitPattern | (d.exponentBitPattern == 0 ? 0 : 1 << 52)
    var e = (d.exponentBitPattern == 0 ? 1 : Int(d.exponentBitPattern)) - 1075
    while m & 1 == 0 { m >>= 1; e += 1 }
    // Little-endian decimal digits of m · 2^e (e ≥ 0) or m · 5^-e (e < 0, then shifted by -e places).
    var digits: [UInt8] = []
    var t = m
    while t > 0 { digits.append(UInt8(t % 10)); t /= 10 }
    func multiply(by k: UInt8) {
        var carry = 0
        for i in digits.indices {
            let p = Int(digits[i]) * Int(k) + carry
            digits[i] = UInt8(p % 10)
            carry = p / 10
        }
        while carry > 0 { digits.append(UInt8(carry % 10)); carry /= 10 }
    }
    for _ in 0 ..< abs(e) { multiply(by: e > 0 ? 2 : 5) }
    let fractionDigits = e < 0 ? -e : 0
    while digits.count <= fractionDigits { digits.append(0) }
    var s = String(digits.reversed().map { Character(String($0)) })
    if fractionDigits > 0 { s.insert(".", at: s.index(s.endIndex, offsetBy: -fractionDigits)) }
    return (d < 0 ? "-" : "") + s
}

/// `0xHH` for formats up to 8 bits, `0xHHHH` above; upper-case digits.
func hexCode(_ code: Int, bits: Int) -> String {
    let digits = String(code, radix: 16, uppercase: true)
    let width = bits <= 8 ? 2 : 4
    return "0x" + String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// Runs of consecutive codes as `0x7D-0x7F`, joined by commas; `-` when there are none.
func codeRanges(_ codes: [Int], bits: Int) -> String {
    if codes.isEmpty { return "-" }
    var runs: [(Int, Int)] = []
    for c in codes {
        if let last = runs.last, last.1 + 1 == c { runs[runs.count - 1].1 = c } else { runs.append((c, c)) }
    }
    return runs.map { $0.0 == $0.1 ? hexCode($0.0, bits: bits) : "\(hexCode($0.0, bits: bits))-\(hexCode($0.1, bits: bits))" }
        .joined(separator: ",")
}

/// One line of `octet decode`, parsed: the code and the value as a Double (exact, see `RefFormat`).
struct DecodedLine {
    let code: String
    let text: String
    let value: Double
}

/// Parses `0xHH VALUE` lines; records an issue for any line that is not of that shape or whose value
/// is not in the canonical exact spelling.
func parseDecodeOutput(_ stdout: String, sourceLocation: SourceLocation = #_sourceLocation) -> [DecodedLine] {
    #expect(stdout.hasSuffix("\n"), "output must end with a newline", sourceLocation: sourceLocation)
    var out: [DecodedLine] = []
    for line in stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            Issue.record("malformed line '\(line)'", sourceLocation: sourceLocation)
            continue
        }
        let text = String(parts[1])
        let value: Double
        switch text {
        case "nan": value = .nan
        case "inf": value = .infinity
        case "-inf": value = -.infinity
        default:
            guard let d = Double(text), !text.contains("e"), !text.contains("E") else {
                Issue.record("not an exact decimal: '\(line)'", sourceLocation: sourceLocation)
                continue
            }
            value = d
            if exactDecimal(d) != text {
                Issue.record("non-canonical decimal in '\(line)' (expected \(exactDecimal(d)))", sourceLocation: sourceLocation)
            }
        }
        out.append(DecodedLine(code: String(parts[0]), text: text, value: value))
    }
    return out
}

// MARK: - Running the binary

struct CLIResult: Sendable {
    let status: Int32
    /// True when the child was killed by a signal (a crash: trap, abort, segfault).
    let signaled: Bool
    let stdout: String
    let stderr: String
}

enum CLI {
    /// Writing stdin to a child that already exited must not kill the test runner.
    private static let ignoreSIGPIPE: Bool = {
        _ = signal(SIGPIPE, SIG_IGN)
        return true
    }()

    /// Like `OctetBinary.run` (same binary, found next to the test runner), but it also reports a
    /// death by signal, which `terminationStatus` alone does not show (it is the signal number).
    static func run(_ arguments: [String], stdin: String? = nil) throws -> CLIResult {
        _ = ignoreSIGPIPE
        let p = Process()
        p.executableURL = OctetBinary.url
        p.arguments = arguments
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let s = stdin { try? inp.fileHandleForWriting.write(contentsOf: Data(s.utf8)) }
        try? inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return CLIResult(status: p.terminationStatus, signaled: p.terminationReason == .uncaughtSignal,
                         stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Runs and records issues unless the command succeeded cleanly (status 0, nothing on stderr).
    static func succeed(_ arguments: [String], stdin: String? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let r = try run(arguments, stdin: stdin)
        #expect(!r.signaled && r.status == 0, "octet \(arguments.joined(separator: " ")) → status \(r.status)\(r.signaled ? " (signal)" : ""): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.isEmpty, "unexpected stderr: \(r.stderr)", sourceLocation: sourceLocation)
        return r.stdout
    }
}

// Output contracts of the `octet` command line (Sources/octet: the `discussion` texts of each
// command, and Specs/formats.md §5), checked against the hand-typed reference table in
// ReferenceFormats.swift for every registered format.

import Foundation
import Octet
import Testing

@Suite struct CLIDecodeContract {
    @Test func chosenCodesPrintExactDecimals() throws {
        let out = try CLI.succeed(["decode", "float8_e4m3fn", "0x01", "0x7E", "0x80", "0x7F", "0x00", "08", "0x3c"])
        #expect(out == "0x01 0.001953125\n0x7E 448\n0x80 -0\n0x7F nan\n0x00 0\n0x08 0.015625\n0x3C 1.5\n")
        #expect(try CLI.succeed(["decode", "float8_e5m2", "0x7C", "0xFC", "0x7D", "0xFF", "0x01"])
            == "0x7C inf\n0xFC -inf\n0x7D nan\n0xFF nan\n0x01 0.0000152587890625\n")
        #expect(try CLI.succeed(["decode", "float4_e2m1fn", "0x8", "f"]) == "0x08 -0\n0x0F -6\n")
        #expect(try CLI.succeed(["decode", "float8_e8m0fnu", "0x7F", "0x00"])
            == "0x7F 1\n0x00 \(exactDecimal(0x1p-127))\n")
        #expect(try CLI.succeed(["decode", "int8", "0x80", "0xFF", "0x7F"]) == "0x80 -128\n0xFF -1\n0x7F 127\n")
    }

    /// `decode FORMAT` without codes: every code in order, `0xHH VALUE`, and the values agree with
    /// the reference facts (NaN and Inf codes, -0, range, smallest values).
    @Test(arguments: referenceFormats)
    func everyCodeOfEveryFormat(_ row: RefFormat) throws {
        let lines = parseDecodeOutput(try CLI.succeed(["decode", row.name]))
        let n = 1 << row.bits
        try #require(lines.count == n)
        var nan: [Int] = [], inf: [Int] = [], negZero: [Int] = []
        var finite: [(Int, Double)] = []
        for (i, l) in lines.enumerated() {
            #expect(l.code == hexCode(i, bits: row.bits))
            if l.value.isNaN { nan.append(i) }
            else if l.value.isInfinite {
                inf.append(i)
                let negative = row.signCode.map { i >= $0 } ?? false
                #expect((l.value < 0) == negative, "\(l.code) \(l.text)")
            } else {
                if l.text == "-0" { negZero.append(i) }
                finite.append((i, l.value))
            }
        }
        #expect(nan == row.nan)
        #expect(inf == row.inf)
        #expect(negZero == (row.negZero ? [row.signCode!] : []))
        let values = finite.map(\.1)
        #expect(values.max() == row.max)
        #expect(values.min() == row.minFinite)
        #expect(values.filter { $0 == row.max }.count == 1)
        let smallestPositive = values.filter { $0 > 0 }.min()
        #expect(smallestPositive == (row.isFloat ? (row.minSub ?? row.minNormal) : 1))
        #expect(values.contains(0) == row.subnormals || !row.isFloat)
        guard row.isFloat, let m = row.m else { return }
        // The first normal code: 1 << M with subnormals (P = 1: code 1), 0 without (E8M0).
        let firstNormal = row.subnormals ? 1 << m : 0
        #expect(lines[firstNormal].value == row.minNormal)
        if let sub = row.minSub { #expect(lines[1].value == sub) }
        // Positive codes increase; negative codes mirror them.
        let half = row.signCode ?? n
        let positive = (0 ..< half).filter { lines[$0].value.isFinite }
        #expect(zip(positive, positive.dropFirst()).allSatisfy { lines[$0.0].value < lines[$0.1].value })
        if let s = row.signCode {
            for c in 1 ..< s where lines[c].value.isFinite && lines[c | s].value.isFinite {
                #expect(lines[c | s].value == -lines[c].value, "\(lines[c | s].code)")
            }
        }
    }

    /// Formats wider than 8 bits print four hex digits (IEEE half as `e5m10`, P3109 K = 16).
    @Test func sixteenBitFormatsUseFourHexDigits() throws {
        let half = parseDecodeOutput(try CLI.succeed(["decode", "e5m10"]))
        try #require(half.count == 65536)
        #expect(half.enumerated().allSatisfy { $0.element.code == hexCode($0.offset, bits: 16) })
        #expect(half[0x0000].text == "0" && half[0x8000].text == "-0")
        #expect(half[0x0001].text == "0.000000059604644775390625")          // 2^-24
        #expect(half[0x0400].text == "0.00006103515625")                    // 2^-14
        #expect(half[0x3555].text == "0.333251953125")
        #expect(half[0x3C00].text == "1")
        #expect(half[0x7BFF].text == "65504")
        #expect(half[0x7C00].text == "inf" && half[0xFC00].text == "-inf")
        #expect(half.filter { $0.value.isNaN }.count == 2 * 1023)
        #expect(try CLI.succeed(["decode", "e5m10", "3c00", "0x7E00"]) == "0x3C00 1\n0x7E00 nan\n")

        // binary16p11se: bias 2^(16-11-1) = 16, 1.0 at 2^(K-2) = 0x4000, NaN 0x8000, ±Inf 0x7FFF/0xFFFF.
        let p = parseDecodeOutput(try CLI.succeed(["decode", "binary16p11se"]))
        try #require(p.count == 65536)
        #expect(p.enumerated().allSatisfy { $0.element.code == hexCode($0.offset, bits: 16) })
        #expect(p[0x4000].text == "1")
        #expect(p[0x0001].text == "0.0000000298023223876953125")            // 2^-25
        #expect(p[0x7FFE].text == "65472")                                  // 2^(31-16) · (1 + 1022/1024)
        #expect(p[0x7FFF].text == "inf" && p[0xFFFF].text == "-inf")
        #expect(p.filter { $0.value.isNaN }.map(\.code) == ["0x8000"])
        #expect(!p.contains { $0.text == "-0" })
        #expect(try CLI.succeed(["decode", "binary16p11se", "0x4000"]) == "0x4000 1\n")
    }
}

@Suite struct CLIEncodeContract {
    @Test func echoesTheInputAsGiven() throws {
        let out = try CLI.succeed(["encode", "float8_e4m3fn", "0.1", "1e0", "0x1.8p0", "3/2", "+1.50", "-inf", "f32:3FC00000", "-0", "NaN"])
        #expect(out == """
            0.1 0x1D
            1e0 0x38
            0x1.8p0 0x3C
            3/2 0x3C
            +1.50 0x3C
            -inf 0xFE
            f32:3FC00000 0x3C
            -0 0x80
            NaN 0x7F

            """)
        #expect(try CLI.succeed(["encode", "float4_e2m1fn", "6", "-0.25"]) == "6 0x07\n-0.25 0x08\n")
        #expect(try CLI.succeed(["encode", "e5m10", "1", "65520"]) == "1 0x3C00\n65520 0x7BFF\n")
        #expect(try CLI.succeed(["encode", "binary16p11se", "--overflow", "ovfinf", "1", "1e9"]) == "1 0x4000\n1e9 0x7FFF\n")
    }

    /// Negative values are positional values, not options.
    @Test func negativeValuesAreValues() throws {
        #expect(try CLI.succeed(["encode", "float8_e4m3fn", "-inf", "-1.5", "-0x1p-9"]) == "-inf 0xFE\n-1.5 0xBC\n-0x1p-9 0x81\n")
        #expect(try CLI.succeed(["encode", "float8_e4m3fn", "--overflow", "nonsaturate", "-inf", "-1e6"]) == "-inf 0xFF\n-1e6 0xFF\n")
    }

    @Test func optionsSelectRoundingAndOverflow() throws {
        #expect(try CLI.succeed(["encode", "float8_e8m0fnu", "--rounding", "rna", "3"]) == "3 0x81\n")
        #expect(try CLI.succeed(["encode", "float8_e8m0fnu", "--rounding", "rne", "3"]) == "3 0x80\n")
        #expect(try CLI.succeed(["encode", "float8_e8m0fnu", "--rounding", "rup", "1e6"]) == "1e6 0x93\n")
        #expect(try CLI.succeed(["encode", "float8_e8m0fnu", "--rounding", "rdown", "1e6"]) == "1e6 0x92\n")
        #expect(try CLI.succeed(["encode", "float8_e4m3fn", "--rounding", "rtz", "1.9"]) == "1.9 0x3F\n")
        #expect(try CLI.succeed(["encode", "float8_e5m2", "--overflow", "propagate", "inf"]) == "inf 0x7C\n")
        #expect(try CLI.succeed(["encode", "float8_e5m2", "inf"]) == "inf 0x7B\n")
        #expect(try CLI.succeed(["encode", "binary8p4se", "--overflow", "ovfinf", "232", "232.1"]) == "232 0x7E\n232.1 0x7F\n")
    }

    @Test func flagsFollowTheCode() throws {
        let out = try CLI.succeed(["encode", "float8_e4m3fn", "--flags", "1", "0.1", "1e6", "0x1p-10"])
        #expect(out == "1 0x38 -\n0.1 0x1D inexact\n1e6 0x7E overflow,inexact\n0x1p-10 0x00 underflow,inexact\n")
    }

    /// Without values, one value per line from stdin, one output line per input line; a blank (or
    /// all-space) line is an error naming it (AlignedStreamTests covers the rest).
    @Test func readsStandardInput() throws {
        let out = try CLI.succeed(["encode", "float8_e4m3fn"], stdin: "1\n0.1\n-inf\n  3  \n2")
        #expect(out == "1 0x38\n0.1 0x1D\n-inf 0xFE\n3 0x44\n2 0x40\n")
        #expect(try CLI.succeed(["encode", "float8_e4m3fn"], stdin: "") == "")
        for blank in ["\n\n", "   \n", "\t\n"] {
            let r = try CLI.run(["encode", "float8_e4m3fn"], stdin: blank)
            #expect(r.status == 1 && r.stderr.contains("line 1") && r.stderr.contains("blank line"), "\(r.stderr)")
        }
    }

    /// `sr`: each value is followed by R, on the same stdin line or as the next argument.
    /// 1.0625 lies halfway between 1 (0x38) and 1.125 (0x39): floor(ν·2^4) = 8, so R ≥ 8 rounds up.
    @Test func stochasticRoundingTakesR() throws {
        let sr = ["encode", "float8_e4m3fn", "--rounding", "sr", "--random-bits", "4"]
        #expect(try CLI.succeed(sr, stdin: "1.0625 7\n1.0625 8\n1.0625 0x8\n") == "1.0625 7 0x38\n1.0625 8 0x39\n1.0625 0x8 0x39\n")
        #expect(try CLI.succeed(sr + ["1.0625", "7", "1.0625", "8"]) == "1.0625 7 0x38\n1.0625 8 0x39\n")
        #expect(try CLI.succeed(sr + ["1.0625 15"]) == "1.0625 15 0x39\n")
        let all = try CLI.succeed(sr, stdin: (0 ..< 16).map { "1.0625 \($0)\n" }.joined())
        #expect(all.split(separator: "\n").filter { $0.hasSuffix("0x39") }.count == 8)
        // ν = 3/4 with N = 2: floor(0.75·4) = 3 of the 4 values of R round up.
        let quarter = try CLI.succeed(["encode", "float8_e4m3fn", "--rounding", "sr", "--random-bits", "2"],
                                      stdin: "1.09375 0\n1.09375 1\n1.09375 2\n1.09375 3\n")
        #expect(quarter == "1.09375 0 0x38\n1.09375 1 0x39\n1.09375 2 0x39\n1.09375 3 0x39\n")
    }
}

@Suite struct CLIFormatsContract {
    static let keys: Set<String> = ["name", "aliases", "bits", "sign_bits", "exponent_bits", "mantissa_bits", "bias",
                                    "inf_codes", "nan_codes", "max_finite", "min_finite", "min_normal", "min_subnormal",
                                    "negative_zero", "spec"]

    /// One run shared by the per-format cases.
    private static let json: CLIResult? = try? CLI.run(["formats", "--json"])

    private func objects() throws -> [[String: Any]] {
        let r = try #require(Self.json)
        #expect(!r.signaled && r.status == 0 && r.stderr.isEmpty, "\(r.status) \(r.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        return try #require(parsed as? [[String: Any]])
    }

    @Test func oneObjectPerRegisteredFormatWithTheDocumentedKeys() throws {
        let list = try objects()
        #expect(list.compactMap { $0["name"] as? String } == FormatRegistry.all.map(\.name))
        #expect(Set(list.compactMap { $0["name"] as? String }) == Set(referenceFormats.map(\.name)))
        for o in list { #expect(Set(o.keys) == Self.keys, "\(o["name"] ?? "?")") }
    }

    @Test(arguments: referenceFormats)
    func factsAgreeWithTheReference(_ row: RefFormat) throws {
        let o = try #require(try objects().first { $0["name"] as? String == row.name })
        func int(_ key: String) -> Int?? { o[key] is NSNull ? .some(nil) : (o[key] as? Int).map { .some($0) } }
        func str(_ key: String) -> String?? { o[key] is NSNull ? .some(nil) : (o[key] as? String).map { .some($0) } }
        let aliases = try #require(o["aliases"] as? [String]).map { $0.lowercased() }
        for a in row.aliases { #expect(aliases.contains(a.lowercased()), "alias \(a)") }
        #expect(int("bits") == .some(row.bits))
        #expect(int("sign_bits") == .some(row.signed ? 1 : 0))
        #expect(int("exponent_bits") == .some(row.e))
        #expect(int("mantissa_bits") == .some(row.m))
        #expect(int("bias") == .some(row.bias))
        #expect(o["inf_codes"] as? [String] == row.inf.map { hexCode($0, bits: row.bits) })
        #expect(o["nan_codes"] as? [String] == row.nan.map { hexCode($0, bits: row.bits) })
        #expect(str("max_finite") == .some(exactDecimal(row.max)))
        #expect(str("min_finite") == .some(exactDecimal(row.minFinite)))
        #expect(str("min_normal") == .some(row.minNormal.map(exactDecimal)))
        #expect(str("min_subnormal") == .some(row.minSub.map(exactDecimal)))
        #expect(o["negative_zero"] as? Bool == row.negZero)
        #expect(!(try #require(o["spec"] as? String)).isEmpty)
    }

    @Test func textListsEveryFormat() throws {
        let lines = try CLI.succeed(["formats"]).split(separator: "\n")
        try #require(lines.count == referenceFormats.count + 1)
        #expect(lines[0].hasPrefix("name"))
        for (line, row) in zip(lines.dropFirst(), FormatRegistry.all) {
            #expect(line.split(separator: " ").first.map(String.init) == row.name)
        }
    }
}

@Suite struct CLIDescribeContract {
    @Test(arguments: referenceFormats)
    func factsAndTheFullValueTable(_ row: RefFormat) throws {
        let out = try CLI.succeed(["describe", row.name])
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == row.name)
        func fact(_ label: String) -> String? {
            lines.first { $0.hasPrefix("  \(label):") }.map { String($0.dropFirst(label.count + 3)).trimmingCharacters(in: .whitespaces) }
        }
        #expect(fact("bits") == "\(row.bits) (\(1 << row.bits) codes)")
        #expect(fact("max finite") == exactDecimal(row.max))
        #expect(fact("min finite") == exactDecimal(row.minFinite))
        #expect(fact("min normal") == row.minNormal.map(exactDecimal))
        #expect(fact("min subnormal") == (row.minSub.map(exactDecimal) ?? "none"))
        #expect(fact("-0") == (row.negZero ? "yes" : "no"))
        #expect(fact("Inf codes") == codeRanges(row.inf, bits: row.bits))
        #expect(fact("NaN codes") == codeRanges(row.nan, bits: row.bits))
        let aliases = (fact("aliases") ?? "").lowercased()
        for a in row.aliases { #expect(aliases.contains(a.lowercased()), "alias \(a)") }

        // The value table: one row per code, in order, with the value `decode` prints.
        let decoded = parseDecodeOutput(try CLI.succeed(["decode", row.name]))
        let header = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("code") })
        let table = lines[(header + 1)...].filter { !$0.isEmpty }
        try #require(table.count == 1 << row.bits)
        for (i, line) in table.enumerated() {
            let cells = line.split(separator: " ").map(String.init)
            guard cells.count == 3 else { Issue.record("malformed row '\(line)'"); continue }
            #expect(cells[0] == hexCode(i, bits: row.bits))
            #expect(cells[2] == decoded[i].text, "\(cells[0])")
            let expectedClass: String? =
                row.nan.contains(i) ? "nan" : row.inf.contains(i) ? "infinity"
                : (decoded[i].value == 0 ? "zero" : nil)
            if let c = expectedClass { #expect(cells[1] == c, "\(cells[0])") }
            else { #expect((row.tapered ? ["normal", "denormal"] : ["normal", "subnormal", "integer"]).contains(cells[1]), "\(cells[0])") }
        }
    }

    @Test func fp4Table() throws {
        let out = try CLI.succeed(["describe", "float4_e2m1fn"])
        #expect(out.contains("  0x01   subnormal  0.5\n"))
        #expect(out.contains("  0x07   normal     6\n"))
        #expect(out.contains("  0x08   zero       -0\n"))
        #expect(out.hasSuffix("  0x0F   normal     -6\n"))
    }
}

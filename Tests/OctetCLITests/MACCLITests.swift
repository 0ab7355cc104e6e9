// `octet mac` and `octet kulisch` (Specs/accumulation.md §1, §2.1; Sources/octet/MACCommands.swift).
//
// Expected outputs are computed here without the library: values of float8_e4m3fn / float8_e5m2
// codes are decoded by hand-written field arithmetic, sums are exact in Double for the short
// vectors used, binary32 codes come from Swift's `Float(Double)`, and exact decimals from an
// Int128 digit expansion of k · 2^-e = k · 5^e / 10^e.

import OctetTestSupport
import Foundation
import Testing

private enum MACRef {
    /// float8_e4m3fn (1/4/3, bias 7, NaN at S.1111.111) and float8_e5m2 (1/5/2, bias 15, IEEE).
    static func e4m3fn(_ c: Int) -> Double {
        let s: Double = c & 0x80 != 0 ? -1 : 1, e = (c >> 3) & 0xF, m = c & 7
        if c & 0x7F == 0x7F { return .nan }
        return e == 0 ? s * Double(m) / 8 * 0x1p-6 : s * (1 + Double(m) / 8) * pow(2, Double(e - 7))
    }
    static func e5m2(_ c: Int) -> Double {
        let s: Double = c & 0x80 != 0 ? -1 : 1, e = (c >> 2) & 0x1F, m = c & 3
        if e == 31 { return m == 0 ? s * .infinity : .nan }
        return e == 0 ? s * Double(m) / 4 * 0x1p-14 : s * (1 + Double(m) / 4) * pow(2, Double(e - 15))
    }

    /// `0xHHHHHHHH` of a binary32 (the positive quiet NaN for NaN).
    static func hex32(_ x: Double) -> String {
        let bits = x.isNaN ? 0x7FC0_0000 : Float(x).bitPattern
        let h = String(bits, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: 8 - h.count) + h
    }

    /// The terminating decimal of a dyadic Double (no exponent notation), as the CLI prints it.
    static func decimal(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        if x == 0 { return x.sign == .minus ? "-0" : "0" }
        var e = 0
        var k = abs(x)
        while k != k.rounded(.towardZero) { k *= 2; e += 1 }      // |x| = k · 2^-e, k an integer
        var n = Int128(k)
        for _ in 0 ..< e { n *= 5 }                              // |x| = n / 10^e
        var digits = String(n)
        if e > 0 {
            if digits.count <= e { digits = String(repeating: "0", count: e - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -e))
            while digits.hasSuffix("0") { digits.removeLast() }
            if digits.hasSuffix(".") { digits.removeLast() }
        }
        return (x < 0 ? "-" : "") + digits
    }

    static func codes(_ xs: [Int]) -> String { xs.map { "0x" + String($0, radix: 16, uppercase: true) }.joined(separator: ",") }
}

@Suite struct MACCLITests {
    func mac(_ args: [String], _ stdin: String) throws -> OctetRun { try OctetBinary.run(["mac"] + args, stdin: stdin) }

    @Test("decimal helper sanity (worked by hand)")
    func decimalHelper() {
        #expect(MACRef.decimal(-1) == "-1")
        #expect(MACRef.decimal(0x1p-18) == "0.000003814697265625")
        #expect(MACRef.decimal(2.9375) == "2.9375")
        #expect(MACRef.decimal(200704) == "200704")
        #expect(MACRef.e4m3fn(0x7E) == 448 && MACRef.e4m3fn(0x01) == 0x1p-9 && MACRef.e5m2(0x7B) == 57344 && MACRef.e5m2(0x01) == 0x1p-16)
    }

    @Test("mac prints `EXACT 0xHHHHHHHH` per line")
    func lineFormat() throws {
        // 1·1 + 2·(−1) = −1 → binary32 0xBF800000
        let r = try mac(["--a", "float8_e4m3fn", "--b", "float8_e4m3fn"], "0x38,0x40 0x38,0xB8\n")
        #expect(r.status == 0)
        #expect(r.stdout == "-1 0xBF800000\n")
        #expect(r.stderr.isEmpty)
    }

    @Test("mac: a seeded batch of lines against Double sums (exact model, e4m3fn × e5m2)")
    func seededLines() throws {
        var state: UInt64 = 0x3AC_0001
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var input = "", expected = ""
        for line in 0 ..< 60 {
            let n = 1 + next() % 6
            var a: [Int] = [], b: [Int] = []
            for _ in 0 ..< n {
                var x = next() & 0xFF, y = next() & 0xFF
                if x & 0x7F == 0x7F { x = 0x38 }              // no NaN inputs here
                if (y >> 2) & 0x1F == 31 { y = 0x3C }         // no Inf/NaN
                a.append(x)
                b.append(y)
            }
            // a few lines with all −0 products, and a line with tabs and lower-case hex
            if line == 7 { a = [0x80, 0x80]; b = [0x3C, 0x40] }
            var sum = -0.0   // −0 is the identity of IEEE addition: all −0 products give −0, like §1
            for i in 0 ..< n where line != 7 { sum += MACRef.e4m3fn(a[i]) * MACRef.e5m2(b[i]) }   // exact: ≤ 6 terms within 2^-25 … 2^25
            if line == 7 { sum = -0.0 }
            let sep = line == 9 ? "\t" : " "
            let text = line == 9 ? MACRef.codes(a).lowercased() + sep + MACRef.codes(b).lowercased() : MACRef.codes(a) + sep + MACRef.codes(b)
            input += text + "\n"
            expected += "\(MACRef.decimal(sum)) \(MACRef.hex32(sum))\n"
            if line == 20 { input += "\n"; expected += "0 0x00000000\n" }   // a blank line is the empty dot product (+0)
        }
        let r = try mac(["--a", "float8_e4m3fn", "--b", "float8_e5m2"], input)
        #expect(r.status == 0, "\(r.stderr)")
        let got = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(got.count == want.count)
        for (g, w) in zip(got, want) where g != w { Issue.record("got '\(g)', want '\(w)'") }
    }

    @Test("mac --acc picks the model; the EXACT column stays exact; --out sets the code width")
    func models() throws {
        // e5m2 [2^12·2^12, 1·1, −2^12·2^12, 1·1]: exact 2; fp32:sequential 1 (0x3F800000);
        // fp32:lanes4 2 (0x40000000); fp32:lanes3 0 (Specs §2.2; worked in AccumulationModelTests).
        let line = "0x6C,0x3C,0xEC,0x3C 0x6C,0x3C,0x6C,0x3C\n"
        let base = ["--a", "float8_e5m2", "--b", "float8_e5m2"]
        for (model, out) in [("exact", "2 0x40000000"), ("fp32:sequential", "2 0x3F800000"), ("fp32:lanes4", "2 0x40000000"),
                             ("fp32:lanes3", "2 0x00000000"), ("fp32:pairwise", "2 0x3F800000"), ("kulisch", "2 0x40000000")] {
            let r = try mac(base + ["--acc", model], line)
            #expect(r.status == 0 && r.stdout == out + "\n", "\(model): \(r.stdout) \(r.stderr)")
        }
        // hopper-fp8 drops the 31 ones after 448·448 (Specs §2.3): exact 200735, model 200704.
        let ones = Array(repeating: 0x38, count: 31)
        let r = try mac(["--a", "e4m3fn", "--b", "e4m3fn", "--acc", "truncated:hopper-fp8"],
                        MACRef.codes([0x7E] + ones) + " " + MACRef.codes([0x7E] + ones) + "\n")
        #expect(r.stdout == "200735 \(MACRef.hex32(200704))\n")
        // --out float8_e4m3fn: two hex digits; 1 + 2^-4 + 2^-4 = 1.125 → 0x39
        let o = try mac(["--a", "e4m3fn", "--b", "e4m3fn", "--out", "float8_e4m3fn"], "0x38,0x18,0x18 0x38,0x38,0x38\n")
        #expect(o.stdout == "1.125 0x39\n")
        // --rounding / --overflow of the final conversion: 448·448 into e4m3fn saturates to 0x7E
        let s = try mac(["--a", "e4m3fn", "--b", "e4m3fn", "--out", "float8_e4m3fn"], "0x7E 0x7E\n")
        #expect(s.stdout == "200704 0x7E\n")
        let d = try mac(["--a", "e4m3fn", "--b", "e4m3fn", "--out", "binary16", "--rounding", "rtz"], "0x3F,0x01 0x3F,0x01\n")
        // 1.875² + 2^-18 = 3.515625 + 2^-18 → binary16 rtz 3.515625 = 0x4308
        #expect(d.stdout == "3.515628814697265625 0x4308\n")
    }

    @Test("mac: special values and signed zeros in the EXACT column")
    func specials() throws {
        let r = try mac(["--a", "float8_e5m2", "--b", "float8_e4m3fn"], "0x7C 0x00\n0xFC,0x7C 0x38,0x38\n0xFC 0x38\n0x80 0x38\n0x00,0x80 0x38,0x38\n")
        #expect(r.status == 0)
        #expect(r.stdout == "nan 0x7FC00000\nnan 0x7FC00000\n-inf 0xFF7FFFFF\n-0 0x80000000\n0 0x00000000\n")
        // −Inf saturates to −max under the default --overflow saturate; ovfinf keeps it
        let o = try mac(["--a", "float8_e5m2", "--b", "float8_e4m3fn", "--overflow", "ovfinf"], "0xFC 0x38\n")
        #expect(o.stdout == "-inf 0xFF800000\n")
    }

    @Test("mac: 4096 int8 terms need 28 bits (kulisch); kulisch:27 reports the overflowing term")
    func kulischWidth() throws {
        let line = MACRef.codes(Array(repeating: 0x80, count: 4096)) + " " + MACRef.codes(Array(repeating: 0x80, count: 4096)) + "\n"
        let ok = try mac(["--a", "int8", "--b", "int8", "--acc", "kulisch"], line)
        #expect(ok.status == 0 && ok.stdout == "67108864 0x4C800000\n")
        let bad = try mac(["--a", "int8", "--b", "int8", "--acc", "kulisch:27"], line)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("line 1") && bad.stderr.contains("overflow") && bad.stderr.contains("4095") && bad.stderr.contains("27 bits"),
                "\(bad.stderr)")
        #expect(bad.stdout.isEmpty)
    }

    /// Every malformed input is a one-line error naming the line, exit status 1, no crash.
    @Test("mac errors: line numbers, non-zero exit, no crash", arguments: [
        ("0x38 0x38\n0x38,0x38 0x38\n", "line 2", true),            // unequal lengths on line 2
        ("0xZZ 0x38\n", "line 1, element 1", false),                 // bad hex
        ("0x38,0x3G 0x38,0x38\n", "line 1, element 2", false),
        ("0x38 0x38\n0x100 0x38\n", "line 2, element 1", true),      // out of range for 8 bits
        ("0x38\n", "line 1", false),                                 // one field
        ("0x38 0x38 0x38\n", "line 1", false),                       // three fields
        ("0x38,,0x38 0x38,0x38,0x38\n", "line 1, element 2", false), // empty element
        ("0x38, 0x38\n", "line 1", false),
    ])
    func malformed(_ input: String, _ needle: String, _ printsFirstLine: Bool) throws {
        let r = try mac(["--a", "float8_e4m3fn", "--b", "float8_e4m3fn"], input)
        #expect(r.status == 1, "status \(r.status): \(r.stderr)")
        #expect(r.stderr.hasPrefix("Error:") && r.stderr.contains(needle), "\(r.stderr)")
        // lines before the bad one were printed (1·1 = 1)
        #expect(r.stdout == (printsFirstLine ? "1 0x3F800000\n" : ""))
    }

    /// An unknown model or format is a usage error (status 2); a line the model cannot compute is
    /// an error in the input (status 1).
    @Test("mac errors: unknown model, unknown format, impossible conversions", arguments: [
        (["--acc", "fp32:zigzag"], "bad accumulator model", Int32(2)),
        (["--acc", "kulisch:1"], "bad accumulator model", 2),
        (["--acc", "truncated:nosuch"], "bad accumulator model", 2),
        (["--acc", "nosuchformat:sequential"], "bad accumulator model", 2),
        (["--out", "nosuchformat"], "unknown format", 2),
        (["--out", "int32", "--acc", "exact"], "NaN", 1),                       // Inf·0 = NaN into an integer
        (["--acc", "kulisch:40:-3"], "LSB", 1),                                  // 2^-9·… is below 2^-3
    ])
    func badModels(_ extra: [String], _ needle: String, _ status: Int32) throws {
        let r = try mac(["--a", "float8_e5m2", "--b", "float8_e4m3fn"] + extra, "0x7C 0x00\n0x01 0x38\n")
        #expect(r.status == status, "status \(r.status): \(r.stderr)")
        #expect(r.stderr.contains(needle), "\(r.stderr)")
    }

    /// Malformed model spellings must be refused like the others (`AccumulatorModel.parse` throws
    /// `ModelError`). They once trapped, so they are checked in a subprocess: a regression would kill
    /// an in-process test runner.
    /// - `truncated:` and `truncated:,`: `parseTruncated` indexes `options[0]` of an empty split.
    /// - `kulisch:40:-9223372036854775808`: `abs(Int.min)` overflows in the LSB range check.
    @Test("mac errors: model spellings that must not crash the parser", arguments: [
        "truncated:", "truncated:,", "kulisch:40:-9223372036854775808",
    ])
    func parserMustNotCrash(_ model: String) throws {
        let r = try mac(["--a", "e4m3fn", "--b", "e4m3fn", "--acc", model], "0x38 0x38\n")
        #expect(r.status == 2 && r.stderr.contains("bad accumulator model"), "status \(r.status)")
        // its neighbours are refused cleanly
        let near = try mac(["--a", "e4m3fn", "--b", "e4m3fn", "--acc", model.hasPrefix("kulisch") ? "kulisch:40:-9223372036854775807" : "truncated:x"], "0x38 0x38\n")
        #expect(near.status == 2 && near.stderr.contains("bad accumulator model"), "\(near.stderr)")
    }

    @Test("mac errors: unknown input format, sr rounding")
    func badOptions() throws {
        let f = try mac(["--a", "float8_e9m9", "--b", "float8_e4m3fn"], "0x38 0x38\n")
        #expect(f.status == 2 && f.stderr.contains("unknown format"), "\(f.stderr)")
        // validation errors: the tool's usage exit status (2), a clean exit
        let s = try mac(["--a", "e4m3fn", "--b", "e4m3fn", "--rounding", "sr"], "0x38 0x38\n")
        #expect(s.status == 2 && s.stderr.contains("sr"), "\(s.status) \(s.stderr)")
        let missing = try mac(["--a", "e4m3fn"], "0x38 0x38\n")
        #expect(missing.status == 2 && missing.stderr.contains("--b"), "\(missing.status) \(missing.stderr)")
    }

    // MARK: octet kulisch

    func kulischJSON(_ a: String, _ b: String, terms: Int? = nil) throws -> [String: Any] {
        var args = ["kulisch", "--a", a, "--b", b, "--json"]
        if let terms { args += ["--terms", String(terms)] }
        let r = try OctetBinary.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    /// a, b, lsb, width, max |a·b| (by hand: largest magnitudes −128, 3.9375, 15.5, 240, 57344, 448, 57344)
    static let kulischRows: [(String, String, Int, Int, Double)] = [
        ("int8", "int8", 0, 28, 16384),
        ("fp8_e2m5", "fp8_e2m5", -12, 29, 15.50390625),          // 3.9375²
        ("fp8_e3m4", "fp8_e3m4", -14, 35, 240.25),               // 15.5²
        ("fp8_e4m3", "fp8_e4m3", -20, 49, 57600),                // 240²
        ("fp8_e5m2", "fp8_e5m2", -34, 79, 3_288_334_336),        // 57344²
        ("float8_e4m3fn", "float8_e4m3fn", -18, 49, 200_704),    // 448²
        ("float8_e5m2", "float8_e5m2", -32, 77, 3_288_334_336),
        ("float8_e4m3fn", "float8_e5m2", -25, 63, 25_690_112),   // 448 · 57344
    ]

    @Test("kulisch --json: the paper's widths and the product range (Specs/accumulation.md §2.1)", arguments: kulischRows)
    func kulischTable(_ a: String, _ b: String, _ lsb: Int, _ width: Int, _ maxAbs: Double) throws {
        let j = try kulischJSON(a, b)
        #expect(j["width_bits"] as? Int == width)
        #expect(j["lsb_exponent"] as? Int == lsb)
        #expect(j["msb_exponent"] as? Int == lsb + width - 1)
        #expect(j["max_abs_product"] as? String == MACRef.decimal(maxAbs))
        #expect(j["min_abs_product"] as? String == MACRef.decimal(Double(sign: .plus, exponent: lsb, significand: 1)))
        #expect(j["enumerated_width_bits"] as? Int == width)
        #expect(j["terms"] as? Int == 4096 && j["terms_log2"] as? Int == 12)
        // the register grows with ⌈log2 terms⌉
        #expect(try kulischJSON(a, b, terms: 1)["width_bits"] as? Int == width - 12)
        #expect(try kulischJSON(a, b, terms: 4097)["width_bits"] as? Int == width + 1)
    }

    @Test("kulisch: text output, wide formats skip the enumeration, bad --terms")
    func kulischText() throws {
        let r = try OctetBinary.run(["kulisch", "--a", "float8_e4m3fn", "--b", "float8_e5m2"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("63 bits") && r.stdout.contains("2^-25") && r.stdout.contains("2^37") && r.stdout.contains("25690112"), "\(r.stdout)")
        // binary16 × binary16: min 2^-24 · 2^-24, max 65504²; W = bitlength(65504² · 2^48) + 12 + 1
        // = (32 + 48) + 13 = 93; not enumerated (more than 8 bits).
        let j = try kulischJSON("binary16", "binary16")
        #expect(j["width_bits"] as? Int == 93 && j["lsb_exponent"] as? Int == -48)
        #expect(j["enumerated_width_bits"] is NSNull)
        let bad = try OctetBinary.run(["kulisch", "--a", "int8", "--b", "int8", "--terms", "0"])
        #expect(bad.status == 2 && bad.stderr.contains("--terms"))
        let unknown = try OctetBinary.run(["kulisch", "--a", "int8", "--b", "nosuch"])
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown format"))
    }
}

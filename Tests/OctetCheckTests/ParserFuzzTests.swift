import Foundation
import Octet
import OctetCheck
import OctetExact
import PropertyBased
import Testing

/// Fuzzing the vector reader (`VectorVerifier.verify`) and the value parser (`ValueParser.parse`)
/// with generated malformed lines: random tokens, truncated hex, wrong field counts, bad flags,
/// huge numbers and exponents, non-ASCII, empty fields. Every malformed line must give a report
/// naming its own line number, valid lines around it must still pass, blank lines and trailing
/// comments are skipped without shifting the numbering, and nothing crashes.
///
/// Each file is a pure function of a seed: `propertyCheck` draws seeds at random (a failure
/// prints its seed), and a deterministic sweep runs seeds 0…N−1 on every run.
enum Fuzz {
    static let e4m3fn = try! FormatRegistry.named("float8_e4m3fn")
    static let binary32 = try! FormatRegistry.named("binary32")

    enum Op: CaseIterable { case decode, convert, convertSR, mul, dot }

    /// The header of a file of `cases` case lines (`# cases` is its second line).
    static func header(_ op: Op, cases: Int) -> [String] {
        var h = header(op)
        h.insert("# cases: \(cases)", at: 1)
        return h
    }

    static func header(_ op: Op) -> [String] {
        switch op {
        case .decode: return ["# octet-vectors 1", "# operation: decode", "# format: float8_e4m3fn", "# columns: code value"]
        case .convert: return ["# octet-vectors 1", "# operation: convert", "# input: binary32", "# output: float8_e4m3fn",
                               "# rounding: rne", "# overflow: saturate", "# columns: input result flags"]
        case .convertSR: return ["# octet-vectors 1", "# operation: convert", "# input: binary32", "# output: float8_e4m3fn",
                                 "# rounding: sr", "# overflow: nonsaturate", "# random-bits: 4", "# columns: input R result flags"]
        case .mul: return ["# octet-vectors 1", "# operation: mul", "# a: float8_e4m3fn", "# b: float8_e4m3fn", "# output: float8_e4m3fn",
                           "# rounding: rne", "# overflow: saturate", "# columns: a b result flags"]
        case .dot: return ["# octet-vectors 1", "# operation: dot", "# a: float8_e4m3fn", "# b: float8_e4m3fn", "# accumulator: exact",
                           "# output: binary32", "# rounding: rne", "# overflow: ovfinf", "# columns: a-codes b-codes result flags"]
        }
    }

    static func hex(_ v: Int, _ digits: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    static func pick<T>(_ xs: [T], _ rng: inout SplitMix64) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
    static func int(_ n: Int, _ rng: inout SplitMix64) -> Int { Int(rng.next() % UInt64(n)) }

    /// A valid line (its fields), computed with the reference.
    static func validFields(_ op: Op, _ rng: inout SplitMix64) -> [String] {
        switch op {
        case .decode:
            let c = int(256, &rng)
            return [hex(c, 2), e4m3fn.value(ofCode: c).description]
        case .convert:
            let u = UInt32(truncatingIfNeeded: rng.next())
            let e = try! e4m3fn.encode(IEEEBits.decode(UInt64(u), as: .binary32), rounding: .rne, overflow: .saturate)
            return [hex(Int(u), 8), hex(e.code, 2), flagLetters(e.flags)]
        case .convertSR:
            let u = UInt32(truncatingIfNeeded: rng.next())
            let r = UInt64(int(16, &rng))
            let e = try! e4m3fn.encode(IEEEBits.decode(UInt64(u), as: .binary32), rounding: .sr, overflow: .nonsaturate,
                                       random: try! StochasticBits(count: 4, value: r))
            return [hex(Int(u), 8), "\(r)", hex(e.code, 2), flagLetters(e.flags)]
        case .mul:
            let x = int(256, &rng), y = int(256, &rng)
            let e = try! Operations.mul(x, e4m3fn, y, e4m3fn, into: e4m3fn, rounding: .rne, overflow: .saturate)
            return [hex(x, 2), hex(y, 2), hex(e.code, 2), flagLetters(e.flags)]
        case .dot:
            let n = 1 + int(5, &rng)
            let xs = (0 ..< n).map { _ in int(256, &rng) }, ys = (0 ..< n).map { _ in int(256, &rng) }
            let r = try! Dot.compute(xs, e4m3fn, ys, e4m3fn, model: .exact, output: binary32, rounding: .rne, overflow: .ovfinf)
            return [xs.map { hex($0, 2) }.joined(separator: ","), ys.map { hex($0, 2) }.joined(separator: ","),
                    hex(r.output.code, 8), flagLetters(r.output.flags)]
        }
    }

    static func operandCount(_ op: Op) -> Int {
        switch op {
        case .decode, .convert: return 1
        case .convertSR, .mul, .dot: return 2
        }
    }

    static let nonASCII: [String] = ["é", "\u{00A0}", "\u{FF10}", "\u{FF21}", "😀", "\u{0301}", "\u{2028}", "ß", "\u{0660}", "\u{200B}", "Ａ"]
    // No x or X: "0" + "x" + "2" is the valid spelling 0x2 (the prefixed forms are in badHex's case 0).
    static let notHex = Array("ghijklmnopqrstuvwyzGHIJKLMNOPQRSTUVWYZ_-+.:;/!?@$%&*()[]{}<>=~'\"`|\\")
    static let hexDigits = Array("0123456789abcdefABCDEF")

    /// A token that is not a hex number: hex digits with at least one other character in them.
    static func badHex(_ rng: inout SplitMix64) -> String {
        switch int(6, &rng) {
        case 0: return pick(["0x", "0X", "x", "-", "+1", "-01", "0x-1", ",", "0x0x1"], &rng)
        case 1: return pick(nonASCII, &rng) + String((0 ..< 1 + int(3, &rng)).map { _ in pick(hexDigits, &rng) })
        default:
            var s = (0 ..< int(6, &rng)).map { _ in pick(hexDigits, &rng) }
            s.insert(pick(notHex, &rng), at: int(s.count + 1, &rng))
            return String(s)
        }
    }

    /// A hex token out of range for a field of `digits` digits (too many digits, or too large a code).
    static func hugeHex(_ digits: Int, _ rng: inout SplitMix64) -> String {
        if digits == 2 && rng.next() % 2 == 0 { return pick(["100", "1FF", "FFFF", "0100"], &rng) }
        return "1" + String((0 ..< digits + int(20, &rng)).map { _ in pick(hexDigits, &rng) })
    }

    /// Values the value parser must refuse.
    static let badValues: [String] = [
        "", "1e", "1e+", "e5", "1..5", "--1", "+-1", "1.5.5", "0x", "0x1.g", "0x1p", "0xp3", "0x1p+", "1/0", "1/", "/2", "1/2/3",
        "-1/-2", "1/2.5", "inf5", "infinity!", "nanx", "1e1000001", "1e-99999999999999999999", "0x1p99999999999", "0x1p-10000001",
        "١", "1\u{0301}", "1 2", "0.5\u{00A0}", "½", "1,5", "0b101", "f32:", "f32:XYZ", "bf16:1FFFF", "f99:0", "1e5e5", ".", "-.", "+",
        "0x.p1", "1_000", "NaN(1)", "−1",
    ]

    /// Mutations that always give a malformed (or wrong) line. Returns the line text.
    static func malformed(_ op: Op, _ rng: inout SplitMix64) -> String {
        while true {
            let line = malformedOnce(op, &rng)
            // A decode value can be mutated into another spelling of the right value ("+1" for 1):
            // then it is not malformed; draw again.
            if op == .decode {
                let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if f.count == 2, let c = Int(f[0], radix: 16), e4m3fn.contains(code: c),
                   let v = try? ValueParser.parse(String(f[1])), v == e4m3fn.value(ofCode: c) { continue }
            }
            return line
        }
    }

    static let badIntegers = ["-1", "16", "17", "1e3", "0x3", "x", "1.0", "\u{0663}", "99999999999999999999999", "+-1"]

    static func malformedOnce(_ op: Op, _ rng: inout SplitMix64) -> String {
        var f = validFields(op, &rng)
        let k = operandCount(op)
        switch int(11, &rng) {
        case 0:   // too few fields (the result and flags gone, maybe operands too)
            f = Array(f.prefix(int(k + 1, &rng)))
            if f.isEmpty || f.joined().isEmpty { f = [badHex(&rng)] }
            if f.count > k { f = Array(f.prefix(k)) }
        case 1:   // too many fields
            for _ in 0 ..< 1 + int(3, &rng) { f.append(rng.next() % 2 == 0 ? badHex(&rng) : String(int(100, &rng))) }
        case 2:   // bad flags
            var g: String
            repeat {
                let n = pick([1, 2, 3, 4, 4, 4, 5, 6], &rng)
                g = String((0 ..< n).map { _ in pick(Array("voux.VOUXvoxuab-*"), &rng) })
            } while parseFlagLetters(g) != nil
            f[f.count - 1] = g
        case 3:   // a random token in place of an operand or the result
            let i = int(k + 1, &rng)
            f[i] = op == .convertSR && i == 1 ? pick(badIntegers, &rng) : badHex(&rng)
        case 4:   // a number too large for its field
            let i = int(k + 1, &rng)
            switch op {
            case .convert where i == 0, .convertSR where i == 0: f[i] = hugeHex(8, &rng)
            case .convertSR where i == 1: f[i] = pick(badIntegers, &rng)
            case .dot where i == 2: f[i] = hugeHex(8, &rng)
            case .dot: f[i] = f[i] + "," + hugeHex(2, &rng) // one element too large (and one more than the other list)
            case .decode where i == 1: f[i] = pick(["1e1000001", "0x1p99999999999", "1e-99999999999"], &rng)
            default: f[i] = hugeHex(2, &rng)
            }
        case 5:   // non-ASCII inside a field
            let i = int(f.count, &rng)
            var s = Array(f[i])
            s.insert(contentsOf: pick(nonASCII, &rng), at: int(s.count + 1, &rng))
            f[i] = String(s)
        case 6:   // truncated: cut inside the operands, so the result is missing
            let line = f.prefix(k).joined(separator: " ")
            let cut = 1 + int(max(line.count - 1, 1), &rng)
            return String(line.prefix(cut))
        case 7:   // truncated hex result: a well-formed line with a wrong result
            let r = f[k]
            if r.count >= 2, let full = Int(r, radix: 16), let short = Int(r.dropLast(), radix: 16), full != short {
                f[k] = String(r.dropLast())
            } else {
                f[k] = badHex(&rng)
            }
        case 8:   // empty elements and unequal lengths in dot lists; bad values in decode
            switch op {
            case .dot:
                // "01,02,03" is well formed: use it only where the other list is not 3 long.
                let i = int(2, &rng), other = f[1 - i].split(separator: ",").count
                f[i] = pick([",", "01,,02", "01,", ",01"] + (other == 3 ? [] : ["01,02,03"]), &rng) + (rng.next() % 2 == 0 ? "" : ",")
            case .decode: f[1] = pick(badValues.filter { !$0.isEmpty && !$0.contains(" ") }, &rng)
            case .convertSR where rng.next() % 2 == 0: f[1] = pick(badIntegers, &rng)
            default: f[int(k + 1, &rng)] = ""
                f = f.filter { !$0.isEmpty }
                if f.count > k + 1 { f = Array(f.prefix(k)) }
            }
        case 9:   // a tab-separated line with a random word glued on
            return f.joined(separator: "\t") + pick(["x", "é", ",", "0x"], &rng)
        default:  // random tokens
            return (0 ..< 1 + int(5, &rng)).map { _ in badHex(&rng) }.joined(separator: " ")
        }
        return f.joined(separator: " ")
    }

    struct Sample {
        let lines: [String]
        let bad: [Int]        // 1-based line numbers that must be reported
        let good: Int         // lines that must pass
        var goodLines: [Int] = []
    }

    /// A file: header, then valid lines, malformed lines, blanks and comments, in random order.
    static func file(seed: UInt64) -> Sample {
        var rng = SplitMix64(seed: seed)
        let op = pick(Op.allCases, &rng)
        var lines = header(op, cases: 0)
        var bad: [Int] = [], good = 0, goodLines: [Int] = []
        for _ in 0 ..< 1 + int(30, &rng) {
            switch int(10, &rng) {
            case 0: lines.append(pick(["", " ", "\t", "  \t ", "\r"], &rng))
            case 1: lines.append(pick(["# a comment", "#", "# operation: mul"], &rng))   // ignored after the header
            case 2, 3, 4:
                lines.append(validFields(op, &rng).joined(separator: rng.next() % 4 == 0 ? "\t" : " "))
                good += 1
                goodLines.append(lines.count)
            default:
                lines.append(malformed(op, &rng))
                bad.append(lines.count)
            }
        }
        if good + bad.count == 0 {   // a file needs a case (a stream without any fails as a whole)
            lines.append(validFields(op, &rng).joined(separator: " "))
            good += 1
            goodLines.append(lines.count)
        }
        lines[1] = "# cases: \(good + bad.count)"
        return Sample(lines: lines, bad: bad, good: good, goodLines: goodLines)
    }

    static func check(seed: UInt64) {
        let s = file(seed: seed)
        let (outcome, error) = VectorVerifier.verify(lines: AnySequence(s.lines), maxErrors: 0)
        // A byte that cannot occur in a case line (non-ASCII) stops the run at its line; the
        // lines before it are counted and reported as usual. (Comment lines may hold UTF-8.)
        let fatal = s.lines.indices.first { i in !s.lines[i].hasPrefix("#") && s.lines[i].utf8.contains { $0 >= 0x80 } }.map { $0 + 1 }
        let bad = s.bad.filter { fatal == nil || $0 < fatal! }
        let good = s.goodLines.filter { fatal == nil || $0 < fatal! }.count
        if let fatal {
            #expect(error?.line == fatal && error?.message.contains("cannot occur in a case line") == true, "seed \(seed): \(String(describing: error))")
        } else {
            #expect(error == nil, "seed \(seed): \(error?.description ?? "")")
        }
        let reported = outcome.reports.map { r -> Int in
            guard r.hasPrefix("line "), let n = Int(r.dropFirst(5).prefix { $0 != ":" }) else { return -1 }
            return n
        }
        #expect(reported == bad, "seed \(seed): reported lines \(reported), malformed lines \(bad)\n\(outcome.reports.joined(separator: "\n"))\n---\n\(s.lines.joined(separator: "\n"))")
        #expect(outcome.failed == bad.count && outcome.passed == good, "seed \(seed)")
    }
}

@Suite("Fuzz: the vector reader")
struct VectorParserFuzzTests {
    @Test func propertyMalformedLinesNameTheirLine() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0 ... Int.max)) { seed in
            Fuzz.check(seed: UInt64(seed))
        }
    }

    @Test func seededSweep() {
        for seed in 0 ..< 2000 as Range<UInt64> { Fuzz.check(seed: seed) }
    }

    /// Every mutation kind, for every operation: `check(line:)` reports each line under its number.
    @Test func everyMutationOfEveryOperation() throws {
        for op in Fuzz.Op.allCases {
            let v = try VectorVerifier(header: VectorHeader(Fuzz.header(op).dropFirst().map { l in
                let body = l.dropFirst(2)
                let colon = body.firstIndex(of: ":")!
                return (String(body[..<colon]), String(body[body.index(colon, offsetBy: 2)...]))
            }))
            var rng = SplitMix64(seed: 42)
            for i in 0 ..< 500 {
                let line = Fuzz.malformed(op, &rng)
                let number = 1000 + i
                let r = v.check(line: line, number: number)
                #expect(r?.hasPrefix("line \(number): ") == true, "\(op): '\(line)' gave \(r ?? "no report")")
            }
        }
    }

    /// Header faults stop the run with an error naming the first data line; a file with no
    /// header at all names line 1.
    @Test func malformedHeaders() {
        let body = ["38 1"]
        let headers: [[String]] = [
            ["# operation: decode"],                                             // no format
            ["# operation: decode", "# format: float8_e9m9"],
            ["# operation: nope", "# format: int8"],
            ["# operation: convert", "# output: float8_e4m3fn", "# rounding: rnx"],
            ["# operation: convert", "# output: float8_e4m3fn", "# overflow: wrap"],
            ["# operation: convert", "# output: float8_e4m3fn", "# input: binary128"],
            ["# operation: convert", "# output: float8_e4m3fn", "# rounding: sr"],
            ["# operation: convert", "# output: float8_e4m3fn", "# rounding: sr", "# random-bits: 0"],
            ["# operation: convert", "# output: float8_e4m3fn", "# rounding: sr", "# random-bits: 65"],
            ["# operation: convert", "# output: float8_e4m3fn", "# rounding: sr", "# random-bits: é"],
            ["# operation: mul", "# a: float8_e4m3fn", "# b: float8_e4m3fn"],
            ["# operation: dot", "# a: float8_e4m3fn", "# b: float8_e4m3fn", "# output: binary32"],
            ["# operation: dot", "# a: float8_e4m3fn", "# b: float8_e4m3fn", "# output: binary32", "# accumulator: fp99:sideways"],
            ["# operation:", "# format: int8"],
            ["# operation decode", "# format: int8"],
            [],
        ]
        for h in headers {
            let lines = ["# octet-vectors 1"] + h + body
            let (_, error) = VectorVerifier.verify(lines: AnySequence(lines), maxErrors: 0)
            #expect(error?.line == lines.count, "\(h): \(String(describing: error))")
        }
        let (_, none) = VectorVerifier.verify(lines: AnySequence(["", "  "]), maxErrors: 0)
        #expect(none != nil)
        let (_, empty) = VectorVerifier.verify(lines: AnySequence([String]()), maxErrors: 0)
        #expect(empty != nil)
    }

    /// `--max-errors`: reports stop, counting does not.
    @Test func maxErrorsCapsReportsOnly() {
        var lines = Fuzz.header(.mul, cases: 50)
        for _ in 0 ..< 50 { lines.append("38 38 00 ....") }   // 1·1 is 1 (0x38), not 0
        let (outcome, error) = VectorVerifier.verify(lines: AnySequence(lines), maxErrors: 7)
        #expect(error == nil)
        #expect(outcome.failed == 50 && outcome.reports.count == 7)
        #expect(outcome.reports.first?.hasPrefix("line \(Fuzz.header(.mul).count + 2): ") == true)
    }
}

@Suite("Fuzz: the value parser")
struct ValueParserFuzzTests {
    static let pieces: [String] = ["0", "1", "7", "9", "12", ".", ".5", "e", "E", "e-", "e+", "p", "P", "p-", "0x", "0X", "x",
                                   "/", "-", "+", "inf", "nan", "Inf", "NaN", "a", "f", "F", "c", "f32:", "f16:", "bf16:", "3F80",
                                   "7FC0", ":", " ", "é", "\u{00A0}", "\u{FF11}", "😀", "\u{0301}", "00", "_", ","]

    /// A random spelling from the value grammar's pieces (mostly malformed).
    static func spelling(_ rng: inout SplitMix64) -> String {
        (0 ..< 1 + Fuzz.int(7, &rng)).map { _ in Fuzz.pick(pieces, &rng) }.joined()
    }

    /// Parses or throws a `ValueParseError` that quotes the input; a parsed value spells back to
    /// itself (the canonical spelling is parseable).
    static func check(_ s: String) {
        do {
            let v = try ValueParser.parse(s)
            // the canonical spelling of a modest value parses back to the same value
            if s.count < 40 {
                let again = try? ValueParser.parse(v.description)
                // (NaN spells `nan` whatever its sign)
                #expect(again == v || (again?.isNaN == true && v.isNaN), "'\(s)' -> \(v) -> \(String(describing: again))")
            }
        } catch {
            #expect(error.input == s, "the error quotes '\(error.input)', not '\(s)'")
            #expect(!error.reason.isEmpty)
        }
    }

    @Test func propertyNoCrashAndErrorsQuoteTheInput() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0 ... Int.max)) { seed in
            var rng = SplitMix64(seed: UInt64(seed))
            Self.check(Self.spelling(&rng))
        }
    }

    @Test func seededSweep() {
        var rng = SplitMix64(seed: 2024)
        for _ in 0 ..< 3000 { Self.check(Self.spelling(&rng)) }
        // random bytes decoded leniently: control characters, invalid UTF-8 replaced, long runs
        for _ in 0 ..< 500 {
            let bytes = (0 ..< Fuzz.int(24, &rng)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            Self.check(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func knownMalformedValuesAreRefused() {
        for s in Fuzz.badValues {
            #expect(throws: ValueParseError.self, "'\(s)'") { try ValueParser.parse(s) }
        }
    }

    /// Through a decode vector file: a malformed value column is an error of its line; another
    /// spelling of the right value passes.
    @Test func valuesInDecodeLines() {
        var lines = Fuzz.header(.decode, cases: 0)
        var bad: [Int] = []
        for (i, s) in Fuzz.badValues.enumerated() where !s.isEmpty && !s.contains(" ") && s.allSatisfy(\.isASCII) {
            lines.append("\(Fuzz.hex(i % 256, 2)) \(s)")
            bad.append(lines.count)
            lines.append("38 1")                                   // valid, between the bad ones
        }
        lines += ["30 0.5", "30 1/2", "30 0x1p-1", "30 0x.8p0", "80 -0", "7F nan", "FF nan", "FF -nan", "01 0x1p-9", "01 1/512", "01 0.001953125"]
        lines[1] = "# cases: \(lines.count - Fuzz.header(.decode, cases: 0).count)"
        let (outcome, error) = VectorVerifier.verify(lines: AnySequence(lines), maxErrors: 0)
        #expect(error == nil)
        let reported = outcome.reports.compactMap { r in Int(r.dropFirst(5).prefix { $0 != ":" }) }
        #expect(reported == bad, "\(outcome.reports)")
        #expect(outcome.reports.allSatisfy { $0.contains("malformed value") }, "\(outcome.reports.prefix(3))")
        #expect(outcome.passed == bad.count + 11)
        // a well-formed but wrong value is a mismatch, not a parse error
        let (o2, _) = VectorVerifier.verify(lines: AnySequence(Fuzz.header(.decode, cases: 2) + ["80 0", "30 0.25"]), maxErrors: 0)
        #expect(o2.failed == 2 && o2.reports.allSatisfy { $0.contains("expected:") })
    }
}

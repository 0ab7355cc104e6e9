import PropertyBased
import Testing
@testable import OctetExact

/// Every value spelling, with expected values written as exact fractions by hand (the IEEE ones
/// from the format definitions: value = (-1)^s · 2^(e - bias) · 1.m, or 2^(1 - bias) · 0.m).
@Suite struct ValueParserTests {
    static func num(_ n: Int, _ d: Int = 1) -> ExactValue { .number(q(n, d)) }

    // A computed property, not a `static let`: an `ExactValue.number` that lives until exit is
    // reported by LeakSanitizer as a leak, because Swift keeps the enum's case tag in spare bits
    // of the denominator's storage pointer (0x4000…), which LSan does not recognise as a pointer.
    static var wellFormed: [(String, ExactValue)] { [
        // Decimals.
        ("0.1", num(1, 10)),
        ("1e-3", num(1, 1000)),
        ("1E3", num(1000)),
        ("1e+3", num(1000)),
        ("1e0", num(1)),
        ("1e-0", num(1)),
        ("1e000000000000003", num(1000)),
        ("-1.5e-3", num(-3, 2000)),
        ("+.5", num(1, 2)),
        (".5", num(1, 2)),
        ("7.", num(7)),
        ("-7.", num(-7)),
        ("00012.5000", num(25, 2)),
        ("448", num(448)),
        ("12.5e1", num(125)),
        ("0.000001", num(1, 1_000_000)),
        ("123456789012345678901234567890", .number(Rational(BigInt("123456789012345678901234567890")!))),
        // Fractions.
        ("-3/7", num(-3, 7)),
        ("+3/7", num(3, 7)),
        ("6/4", num(3, 2)),
        ("007/0014", num(1, 2)),
        ("1/3", num(1, 3)),
        // C99 hex floats.
        ("0x1.8p-3", num(3, 16)),
        ("0X1P-1", num(1, 2)),
        ("0x10", num(16)),
        ("-0x10", num(-16)),
        ("0x.8", num(1, 2)),
        ("0x1.", num(1)),
        ("0xA.Bp0", num(0xAB, 16)),
        ("0xffp+4", num(0xFF0)),
        ("0x1p-1074", .number(powerOfTwo(-1074))),
        ("+0x3p-2", num(3, 4)),
        // Zeros keep the sign they were written with.
        ("0", .zero(negative: false)),
        ("-0", .zero(negative: true)),
        ("+0", .zero(negative: false)),
        ("-0.0", .zero(negative: true)),
        ("0e5", .zero(negative: false)),
        ("-0e-5", .zero(negative: true)),
        ("-0x0p3", .zero(negative: true)),
        ("0/5", .zero(negative: false)),
        ("-0/5", .zero(negative: true)),
        ("0.000", .zero(negative: false)),
        // Specials, any case.
        ("inf", .infinity(negative: false)),
        ("+inf", .infinity(negative: false)),
        ("-inf", .infinity(negative: true)),
        ("Infinity", .infinity(negative: false)),
        ("-INFINITY", .infinity(negative: true)),
        ("nan", .nan(negative: false)),
        ("NaN", .nan(negative: false)),
        ("-nan", .nan(negative: true)),
        ("+NAN", .nan(negative: false)),
        // IEEE bit patterns.
        ("f64:3FF0000000000000", num(1)),
        ("f64:3ff0000000000000", num(1)),
        ("F64:0x3FF0000000000000", num(1)),
        ("f64:8000000000000000", .zero(negative: true)),
        ("f64:0", .zero(negative: false)),
        ("f64:1", .number(powerOfTwo(-1074))),
        ("f64:3FB999999999999A", .number(scaled(0x1999_9999_9999_9A, -56))),  // the double nearest 0.1
        ("f64:C000000000000000", num(-2)),
        ("f64:7FF0000000000000", .infinity(negative: false)),
        ("f64:FFF0000000000000", .infinity(negative: true)),
        ("f64:7FF0000000000001", .nan(negative: false)),
        ("f64:FFF8000000000000", .nan(negative: true)),
        ("f64:7FEFFFFFFFFFFFFF", .number(scaled((1 << 53) - 1, 971))),
        ("f32:3F800000", num(1)),
        ("f32:3f400000", num(3, 4)),
        ("f32:7F800000", .infinity(negative: false)),
        ("f32:FF800000", .infinity(negative: true)),
        ("f32:7FC00000", .nan(negative: false)),
        ("f32:00000001", .number(powerOfTwo(-149))),
        ("f32:00800000", .number(powerOfTwo(-126))),
        ("f32:7F7FFFFF", .number(scaled((1 << 24) - 1, 104))),
        ("f32:80000000", .zero(negative: true)),
        ("f16:3C00", num(1)),
        ("f16:0001", .number(powerOfTwo(-24))),
        ("f16:1", .number(powerOfTwo(-24))),
        ("f16:03FF", .number(scaled(1023, -24))),
        ("f16:0400", .number(powerOfTwo(-14))),
        ("f16:7BFF", num(65504)),
        ("f16:FBFF", num(-65504)),
        ("f16:7C00", .infinity(negative: false)),
        ("f16:7E00", .nan(negative: false)),
        ("f16:FE00", .nan(negative: true)),
        ("f16:8000", .zero(negative: true)),
        ("f16:3555", .number(scaled(0x555, -12))),  // 1.0101010101b · 2^-2
        ("bf16:3F80", num(1)),
        ("BF16:BFC0", num(-3, 2)),
        ("bf16:0001", .number(powerOfTwo(-133))),
        ("bf16:0080", .number(powerOfTwo(-126))),
        ("bf16:7F7F", .number(scaled(255, 120))),
        ("bf16:7F80", .infinity(negative: false)),
        ("bf16:FFC1", .nan(negative: true)),
    ] }

    @Test func wellFormedSpellings() throws {
        for (text, expected) in Self.wellFormed {
            let v = try ValueParser.parse(text)
            #expect(v == expected, "\(text)")
            #expect(v.isNegative == expected.isNegative, "\(text) sign")
        }
    }

    static let malformed: [String] = [
        "", "abc", "1..2", "1e", "1e+", "1e-", "0x", "0xg", "1/0", "0/0", "1/-2", "--1", "++1", "+-1",
        "-+1", "f32:", "f32:123456789", "f16:zz", "f16:12345", "bf16:12345", "f64:10000000000000000",
        "f64:", "f16:-1", "f32:+1", "f16:0x", "f16: 3C00", "1e99999999999", "1e1000001", "1e-1000001",
        "0x1p99999999999", "0x1p10000001", "0x1p-10000001", " 1", "1 ", "\t1", "1\n", "١", "١٢", "１",
        "1٫5", "nan5", "inf-", "+", "-", "1/", "/2", "/", ".", "e5", "e", "x", "p", ".e1", "0x.p1",
        "0x1p", "0x1p+", "0x1.8q", "1e1.5", "1.2.3", "1/2/3", "1/2.5", "1/0x2", "0x1/2", "1/+2",
        "+/2", "in", "infin", "infinit", "nana", "-nan-", "1_000", "1,5", "0b101", "NaN(1)",
        "1e5e3", "0x1p3p3", "0x-1", "f8:00", "i", "n", "a", "f", "0xp3", "1.5f", "1d", "∞", "−1",
    ]

    @Test func malformedSpellingsThrow() {
        for text in Self.malformed {
            #expect(throws: ValueParseError.self, "\(text.debugDescription)") {
                try ValueParser.parse(text)
            }
            do {
                _ = try ValueParser.parse(text)
            } catch {
                #expect(error.input == text)
                #expect(error.description.contains("cannot parse value '\(text)'"))
                #expect(!error.reason.isEmpty)
            }
        }
    }

    @Test func exponentLimitsAreInclusive() throws {
        #expect(try ValueParser.parse("1e1000000") == .number(Rational(BigInt.power(10, 1_000_000))))
        #expect(try ValueParser.parse("0x1p10000000").rational?.exactLog2 == 10_000_000)
        #expect(try ValueParser.parse("-0x1p-10000000").rational?.exactLog2 == -10_000_000)
        #expect(try ValueParser.parse("0e999999") == .zero(negative: false))
    }

    // MARK: IEEE bit patterns against the host's floating-point types

    @Test func binary16Exhaustive() throws {
        for bits in UInt16.min...UInt16.max {
            let expected = exactValue(of: Float16(bitPattern: bits))
            let decoded = IEEEBits.decode(UInt64(bits), as: .binary16)
            let parsed = try ValueParser.parse("f16:" + hex(bits, width: 4))
            // Plain comparisons in the 65,536-step loop; #expect only on a mismatch (it is costly).
            if decoded != expected || parsed != expected {
                #expect(decoded == expected, "f16:\(hex(bits, width: 4))")
                #expect(parsed == expected, "f16:\(hex(bits, width: 4))")
            }
        }
    }

    @Test func bfloat16Exhaustive() throws {
        // bfloat16 is the top half of a binary32: the same datum as Float(bitPattern: bits << 16).
        for bits in UInt16.min...UInt16.max {
            let expected = exactValue(of: Float(bitPattern: UInt32(bits) << 16))
            let decoded = IEEEBits.decode(UInt64(bits), as: .bfloat16)
            let parsed = try ValueParser.parse("bf16:" + hex(bits, width: 4))
            if decoded != expected || parsed != expected {
                #expect(decoded == expected, "bf16:\(hex(bits, width: 4))")
                #expect(parsed == expected, "bf16:\(hex(bits, width: 4))")
            }
        }
    }

    /// A random bit pattern with a biased exponent field, so zeros, subnormals, the top binade,
    /// infinities and NaNs come up often, not once in 2^11.
    static func pattern(_ rng: inout SplitMix64, exponentBits: Int, mantissaBits: Int) -> UInt64 {
        let raw = rng.next()
        let top = UInt64(1) << UInt64(exponentBits) - 1
        var e = (raw >> UInt64(mantissaBits)) & top
        switch rng.next() % 8 {
        case 0: e = 0
        case 1: e = top
        case 2: e = top - 1
        case 3: e = 1
        default: break
        }
        var m = raw & ((UInt64(1) << UInt64(mantissaBits)) - 1)
        if rng.next() % 8 == 0 { m = rng.next() % 3 }
        let s = rng.next() & 1
        return (s << UInt64(exponentBits + mantissaBits)) | (e << UInt64(mantissaBits)) | m
    }

    static func checkBinary64(_ bits: UInt64) {
        let expected = exactValue(of: Double(bitPattern: bits))
        #expect(IEEEBits.decode(bits, as: .binary64) == expected, "f64:\(hex(bits, width: 16))")
        #expect((try? ValueParser.parse("f64:" + hex(bits, width: 16))) == expected)
    }

    static func checkBinary32(_ bits: UInt32) {
        let expected = exactValue(of: Float(bitPattern: bits))
        #expect(IEEEBits.decode(UInt64(bits), as: .binary32) == expected, "f32:\(hex(bits, width: 8))")
        #expect((try? ValueParser.parse("f32:" + hex(bits, width: 8))) == expected)
    }

    @Test func binary64AndBinary32Sweep() {
        var rng = SplitMix64(seed: 0x1EEE_0001)
        for _ in 0..<sweepCount(10_000) {
            Self.checkBinary64(Self.pattern(&rng, exponentBits: 11, mantissaBits: 52))
            Self.checkBinary32(UInt32(Self.pattern(&rng, exponentBits: 8, mantissaBits: 23)))
        }
    }

    @Test func binary64AndBinary32Property() async {
        await propertyCheck(count: 500, input: Gen.uint64()) { bits in Self.checkBinary64(bits) }
        await propertyCheck(count: 500, input: Gen.uint32()) { bits in Self.checkBinary32(bits) }
    }

    @Test func decodeUsesOnlyTheLowBits() {
        // Bits above the format's width are ignored (the sign is bit 15 for binary16).
        #expect(IEEEBits.decode(0xFFFF_0000_3C00, as: .binary16) == Self.num(1))
        #expect(IEEEBits.decode(0x1_3F80_0000, as: .binary32) == Self.num(1))
    }

    @Test func formatFacts() {
        let facts: [(IEEEBits.Format, Int, Int, Int, Int)] = [
            (.binary64, 11, 52, 1023, 64), (.binary32, 8, 23, 127, 32),
            (.binary16, 5, 10, 15, 16), (.bfloat16, 8, 7, 127, 16),
        ]
        for (f, e, m, bias, total) in facts {
            #expect(f.exponentBits == e && f.mantissaBits == m && f.bias == bias && f.totalBits == total)
        }
        #expect(IEEEBits.Format.allCases.map(\.rawValue).sorted() == ["bf16", "f16", "f32", "f64"])
    }

    // MARK: ExactValue

    @Test func exactValueBasics() {
        #expect(ExactValue(Rational.zero) == .zero(negative: false))
        #expect(ExactValue(q(-1, 2)) == .number(q(-1, 2)))
        #expect(-ExactValue.zero(negative: false) == .zero(negative: true))
        #expect(-ExactValue.infinity(negative: true) == .infinity(negative: false))
        #expect(-ExactValue.nan(negative: false) == .nan(negative: true))
        #expect(-Self.num(3) == Self.num(-3))
        #expect(ExactValue.nan(negative: true).sameClassAndValue(.nan(negative: false)))
        #expect(!ExactValue.zero(negative: true).sameClassAndValue(.zero(negative: false)))
        #expect(ExactValue.zero(negative: true).rational == .zero)
        #expect(ExactValue.infinity(negative: false).rational == nil)
        #expect(!ExactValue.nan(negative: false).isFinite && ExactValue.zero(negative: true).isFinite)
        #expect(ExactValue.nan(negative: true).isNegative && ExactValue.nan(negative: true).isNaN)
        let printed: [(ExactValue, String)] = [
            (.zero(negative: false), "0"), (.zero(negative: true), "-0"),
            (.infinity(negative: false), "inf"), (.infinity(negative: true), "-inf"),
            (.nan(negative: false), "nan"), (.nan(negative: true), "nan"),
            (Self.num(3, 16), "0.1875"), (Self.num(-1, 3), "-1/3"), (Self.num(448), "448"),
            (Self.num(3, 20), "0.15"),
        ]
        for (v, s) in printed { #expect(v.description == s) }
    }

    // MARK: Fuzz: parse or throw, never trap; what parses prints and re-parses to itself

    static let alphabet: [Character] = Array("0123456789.eEpx/+-afni ")

    /// Tokens that make well-formed and nearly well-formed spellings common.
    static let tokens: [String] = [
        "0", "1", "7", "9", "00", "12", ".", "e", "E", "e-", "e+", "p", "p-", "0x", "0X", "/", "+", "-",
        "inf", "nan", "infinity", "a", "f", "f16:", "f32:", "bf16:", "3C00", "7E00", "ff", " ",
    ]

    /// Parses `text`; if it parses, its `description` must parse to the same value (NaNs of
    /// either sign are one class, because the printed `nan` carries no sign).
    static func checkRoundTrip(_ text: String) {
        let value: ExactValue
        do {
            value = try ValueParser.parse(text)
        } catch {
            #expect(error.input == text)
            return
        }
        let printed = value.description
        do {
            let again = try ValueParser.parse(printed)
            #expect(again.sameClassAndValue(value), "\(text.debugDescription) → \(printed)")
            #expect(again.description == printed)
        } catch {
            Issue.record("\(text.debugDescription) parsed, but its description \(printed.debugDescription) did not: \(error)")
        }
    }

    @Test func fuzzSweep() {
        var rng = SplitMix64(seed: 0xF022_0001)
        var parsed = 0
        let total = sweepCount(20_000)
        for i in 0..<total {
            var text = ""
            let length = Int(rng.next() % 10)
            for _ in 0..<length {
                if i % 2 == 0 {
                    text.append(Self.alphabet[Int(rng.next() % UInt64(Self.alphabet.count))])
                } else {
                    text += Self.tokens[Int(rng.next() % UInt64(Self.tokens.count))]
                }
            }
            if (try? ValueParser.parse(text)) != nil { parsed += 1 }
            Self.checkRoundTrip(text)
        }
        // The sweep must actually exercise the success path, not only rejections.
        #expect(parsed > total / 50, "only \(parsed) of \(total) inputs parsed")
    }

    @Test func fuzzProperty() async {
        let characters = Gen<Character?>.element(of: Self.alphabet).map { $0! }
        await propertyCheck(count: 1000, input: characters.string(of: 0...12)) { text in
            Self.checkRoundTrip(text)
        }
        let tokenStrings = Gen<String?>.element(of: Self.tokens).map { $0! }.array(of: 0...6).map { $0.joined() }
        await propertyCheck(count: 1000, input: tokenStrings) { text in
            Self.checkRoundTrip(text)
        }
    }

    @Test func descriptionRoundTripOfRandomValues() throws {
        var rng = SplitMix64(seed: 0xF022_0002)
        for _ in 0..<sweepCount(2_000) {
            let n = BigInt(rng.int128())
            var d = BigInt(rng.int64()).magnitude
            if d.isZero { d = BigInt(1) }
            let r = Rational(numerator: n, denominator: d)!.timesPowerOfTwo(rng.small(300))
            let v = ExactValue(r)
            #expect(try ValueParser.parse(v.description) == v, "\(v)")
            #expect(try ValueParser.parse((-v).description) == -v, "\(-v)")
        }
    }
}

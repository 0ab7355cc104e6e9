/// Why a value spelling was rejected. The message names the input, so a caller that adds a line
/// number has a complete one-line error.
public struct ValueParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let input: String
    public let reason: String
    public init(input: String, reason: String) {
        self.input = input
        self.reason = reason
    }
    public var description: String { "cannot parse value '\(input)': \(reason)" }
}

/// Parses every value spelling Octet accepts, exactly (never through a binary float):
///
/// | spelling | example | value |
/// |---|---|---|
/// | decimal, optional exponent | `0.1`, `-1.5e-3`, `.5`, `7.` | exactly 1/10, … |
/// | fraction `p/q` | `-3/7` | exactly -3/7 (q ≠ 0) |
/// | C99 hex float | `0x1.8p-3`, `-0x10` | exactly 0.1875, -16 (the `p` part is optional) |
/// | IEEE bit pattern | `f64:3FF0000000000000`, `f32:3F800000`, `f16:3C00`, `bf16:3F80` | the datum those bits encode |
/// | specials | `inf`, `-inf`, `infinity`, `nan`, `-nan` (any case) | |
///
/// A leading `+` or `-` is accepted on decimals, fractions, hex floats and specials. Exponents are
/// limited (|decimal exponent| ≤ 1,000,000, |binary exponent| ≤ 10,000,000) so that a typo cannot
/// ask for a number with billions of digits; such values are far outside every format anyway.
public enum ValueParser {
    public static let maxDecimalExponent = 1_000_000
    public static let maxBinaryExponent = 10_000_000

    public static func parse(_ text: String) throws(ValueParseError) -> ExactValue {
        func fail(_ reason: String) -> ValueParseError { ValueParseError(input: text, reason: reason) }
        guard !text.isEmpty else { throw fail("empty") }
        // (Checked on the UTF-8 bytes, as are the digits below: a long bad input is refused in time
        // proportional to its bytes, without walking Characters. Once the text is ASCII without
        // blanks, each Character is one byte, so byte indices are Character indices.)
        guard allBytes(Substring(text), { $0 < 0x80 && $0 != 0x20 && ($0 < 0x09 || $0 > 0x0D) }) else {
            throw fail("unexpected character (values are ASCII without spaces)")
        }
        // IEEE interchange bit patterns.
        if let (format, bits) = try IEEEBits.spelledBits(text) { return IEEEBits.decode(bits, as: format) }
        let lower = text.lowercased()

        var body = Substring(lower)
        var negative = false
        if body.first == "+" || body.first == "-" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty else { throw fail("a sign without a number") }

        switch body {
        case "inf", "infinity": return .infinity(negative: negative)
        case "nan": return .nan(negative: negative)
        default: break
        }

        let magnitude: Rational
        if let slash = firstIndex(of: "/", in: body) {
            let p = body[..<slash], q = body[body.index(after: slash)...]
            guard !p.isEmpty, isDigits(p), let pn = BigInt(String(p)) else {
                throw fail("the numerator of p/q must be decimal digits")
            }
            guard !q.isEmpty, isDigits(q), let qn = BigInt(String(q)) else {
                throw fail("the denominator of p/q must be decimal digits")
            }
            guard let r = Rational(numerator: pn, denominator: qn) else { throw fail("zero denominator") }
            magnitude = r
        } else if body.hasPrefix("0x") {
            magnitude = try parseHex(body.dropFirst(2), fail: fail)
        } else {
            magnitude = try parseDecimal(body, fail: fail)
        }
        if magnitude.isZero { return .zero(negative: negative) }
        return .number(negative ? -magnitude : magnitude)
    }

    /// Reads `[+-]digits` with a bound, so a huge exponent is an error rather than a trap.
    static func parseExponent(_ s: Substring, limit: Int, fail: (String) -> ValueParseError) throws(ValueParseError) -> Int {
        var digits = s
        var negative = false
        if digits.first == "+" || digits.first == "-" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, isDigits(digits) else {
            throw fail("malformed exponent")
        }
        let trimmed = digits[(digits.utf8.firstIndex(where: { $0 != UInt8(ascii: "0") }) ?? digits.endIndex)...]
        guard trimmed.utf8.count <= 9, let v = Int(trimmed.isEmpty ? "0" : String(trimmed)), v <= limit else {
            throw fail("exponent out of the supported range (at most \(limit) in magnitude)")
        }
        return negative ? -v : v
    }

    static func parseDecimal(_ body: Substring, fail: (String) -> ValueParseError) throws(ValueParseError) -> Rational {
        var mantissa = body
        var exponent = 0
        if let e = firstIndex(of: "e", in: body) {
            mantissa = body[..<e]
            exponent = try parseExponent(body[body.index(after: e)...], limit: maxDecimalExponent, fail: fail)
        }
        let (intPart, fracPart) = splitAtPoint(mantissa)
        guard !(intPart.isEmpty && fracPart.isEmpty) else { throw fail("no digits") }
        guard isDigits(intPart), isDigits(fracPart) else {
            throw fail("not a number (expected a decimal, p/q, a 0x hex float, inf, nan or fNN:/bf16: bits)")
        }
        let digits = String(intPart) + String(fracPart)
        guard let n = BigInt(digits) else { throw fail("no digits") }
        let scale = exponent - fracPart.utf8.count
        if scale >= 0 { return Rational(n * BigInt.power(10, scale)) }
        return Rational(numerator: n, denominator: BigInt.power(10, -scale))!
    }

    static func parseHex(_ body: Substring, fail: (String) -> ValueParseError) throws(ValueParseError) -> Rational {
        var mantissa = body
        var exponent = 0
        if let p = firstIndex(of: "p", in: body) {
            mantissa = body[..<p]
            exponent = try parseExponent(body[body.index(after: p)...], limit: maxBinaryExponent, fail: fail)
        }
        let (intPart, fracPart) = splitAtPoint(mantissa)
        guard !(intPart.isEmpty && fracPart.isEmpty) else { throw fail("no hex digits after 0x") }
        guard isHexDigits(intPart), isHexDigits(fracPart) else { throw fail("malformed hex float") }
        guard let n = BigInt(String(intPart) + String(fracPart), radix: 16) else { throw fail("malformed hex float") }
        return Rational(n, timesTwoToThe: exponent - 4 * fracPart.utf8.count)
    }

    /// Whether `test` holds for every UTF-8 byte of `s`, read from contiguous storage when there is
    /// some (a plain loop over bytes: fast even in a debug build, where generic collection
    /// algorithms over `UTF8View` cost tens of nanoseconds a byte).
    static func allBytes(_ s: Substring, _ test: (UInt8) -> Bool) -> Bool {
        if let r = s.utf8.withContiguousStorageIfAvailable({ buf -> Bool in
            guard var p = buf.baseAddress else { return true }
            let end = p + buf.count
            while p < end { if !test(p.pointee) { return false }; p += 1 }
            return true
        }) { return r }
        return s.utf8.allSatisfy(test)
    }

    /// The index of the first `byte` in `s` (an ASCII character), from contiguous storage when
    /// there is some.
    static func firstIndex(of byte: Unicode.Scalar, in s: Substring) -> String.Index? {
        let b = UInt8(ascii: byte)
        if let r = s.utf8.withContiguousStorageIfAvailable({ buf -> Int? in
            guard let start = buf.baseAddress else { return nil }
            var p = start
            let end = start + buf.count
            while p < end { if p.pointee == b { return p - start }; p += 1 }
            return nil
        }) { return r.map { s.utf8.index(s.startIndex, offsetBy: $0) } }
        return s.utf8.firstIndex(of: b)
    }

    /// Whether every byte is an ASCII decimal digit (true for the empty string).
    static func isDigits(_ s: Substring) -> Bool { allBytes(s) { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }

    /// Whether every byte is an ASCII hex digit (true for the empty string).
    static func isHexDigits(_ s: Substring) -> Bool {
        allBytes(s) { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || (($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "f")) }
    }

    /// The parts before and after the first `.` (the second empty when there is none).
    static func splitAtPoint(_ s: Substring) -> (Substring, Substring) {
        guard let dot = firstIndex(of: ".", in: s) else { return (s, s[s.endIndex...]) }
        return (s[..<dot], s[s.utf8.index(after: dot)...])
    }
}

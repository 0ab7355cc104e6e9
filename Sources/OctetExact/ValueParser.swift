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
        guard text.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw fail("unexpected character (values are ASCII without spaces)")
        }
        let lower = text.lowercased()

        // IEEE interchange bit patterns.
        for (prefix, format) in IEEEBits.Format.prefixes where lower.hasPrefix(prefix) {
            return try IEEEBits.parse(String(lower.dropFirst(prefix.count)), as: format, original: text)
        }

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
        if let slash = body.firstIndex(of: "/") {
            let p = body[..<slash], q = body[body.index(after: slash)...]
            guard !p.isEmpty, p.allSatisfy(\.isNumber), let pn = BigInt(String(p)) else {
                throw fail("the numerator of p/q must be decimal digits")
            }
            guard !q.isEmpty, q.allSatisfy(\.isNumber), let qn = BigInt(String(q)) else {
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
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }) else {
            throw fail("malformed exponent")
        }
        let trimmed = digits.drop(while: { $0 == "0" })
        guard trimmed.count <= 9, let v = Int(trimmed.isEmpty ? "0" : String(trimmed)), v <= limit else {
            throw fail("exponent out of the supported range (at most \(limit) in magnitude)")
        }
        return negative ? -v : v
    }

    static func parseDecimal(_ body: Substring, fail: (String) -> ValueParseError) throws(ValueParseError) -> Rational {
        var mantissa = body
        var exponent = 0
        if let e = body.firstIndex(of: "e") {
            mantissa = body[..<e]
            exponent = try parseExponent(body[body.index(after: e)...], limit: maxDecimalExponent, fail: fail)
        }
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let intPart = parts[0]
        let fracPart = parts.count > 1 ? parts[1] : ""
        guard !(intPart.isEmpty && fracPart.isEmpty) else { throw fail("no digits") }
        guard intPart.allSatisfy({ $0 >= "0" && $0 <= "9" }), fracPart.allSatisfy({ $0 >= "0" && $0 <= "9" }) else {
            throw fail("not a number (expected a decimal, p/q, a 0x hex float, inf, nan or fNN:/bf16: bits)")
        }
        let digits = String(intPart) + String(fracPart)
        guard let n = BigInt(digits) else { throw fail("no digits") }
        let scale = exponent - fracPart.count
        if scale >= 0 { return Rational(n * BigInt.power(10, scale)) }
        return Rational(numerator: n, denominator: BigInt.power(10, -scale))!
    }

    static func parseHex(_ body: Substring, fail: (String) -> ValueParseError) throws(ValueParseError) -> Rational {
        var mantissa = body
        var exponent = 0
        if let p = body.firstIndex(of: "p") {
            mantissa = body[..<p]
            exponent = try parseExponent(body[body.index(after: p)...], limit: maxBinaryExponent, fail: fail)
        }
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let intPart = parts[0]
        let fracPart = parts.count > 1 ? parts[1] : ""
        guard !(intPart.isEmpty && fracPart.isEmpty) else { throw fail("no hex digits after 0x") }
        guard (intPart + fracPart).allSatisfy(\.isHexDigit) else { throw fail("malformed hex float") }
        guard let n = BigInt(String(intPart) + String(fracPart), radix: 16) else { throw fail("malformed hex float") }
        return Rational(n, timesTwoToThe: exponent - 4 * fracPart.count)
    }
}

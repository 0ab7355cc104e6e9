import OctetExact

/// A code that does not exist in a format.
public struct CodeRangeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    public let format: String
    public let bits: Int
    public var description: String {
        "code 0x\(String(UInt64(bitPattern: Int64(code)), radix: 16, uppercase: true)) is out of range for \(format) (\(bits) bits: 0x0…0x\(String((1 << bits) - 1, radix: 16, uppercase: true)))"
    }
}

extension Format {
    /// The exact value of a code: a rational, ±0, ±Inf or NaN (NaN codes all decode to NaN with the
    /// code's sign bit, which only matters for formats that keep signed NaNs).
    public func decode(_ code: Int) throws(CodeRangeError) -> ExactValue {
        guard contains(code: code) else { throw CodeRangeError(code: code, format: name, bits: bits) }
        return value(ofCode: code)
    }

    /// `decode` for codes already known to be in range.
    public func value(ofCode code: Int) -> ExactValue {
        switch kind {
        case .integer(let i):
            return ExactValue(Rational(i.value(of: code)))
        case .float(let f):
            switch f.classify(code) {
            case .nan: return .nan(negative: f.signed && code & f.signBit != 0)
            case .infinity(let negative): return .infinity(negative: negative)
            case .finite(let negative, let magnitude):
                let v = f.magnitudeValue(magnitude)
                if v.isZero { return .zero(negative: negative) }
                return .number(negative ? -v : v)
            }
        case .tapered(let t):
            switch t.classify(code) {
            case .nan: return .nan(negative: false)
            case .infinity(let negative): return .infinity(negative: negative)
            case .finite(let negative, let magnitude):
                let v = t.magnitudeValue(magnitude)
                if v.isZero { return .zero(negative: false) }
                return .number(negative ? -v : v)
            }
        }
    }

    /// Parses a code spelled in hex (`0x7E`, `7e`), checking that it exists in this format.
    public func parseCode(_ text: String) throws(CodeParseError) -> Int {
        // On the UTF-8 bytes: a code is ASCII, and a long line of codes (or one long bad token) is
        // read in time proportional to its bytes without walking Characters.
        var digits = text.utf8[...]
        if digits.count > 2, digits.first == UInt8(ascii: "0"), digits.dropFirst().first.map({ $0 | 0x20 }) == UInt8(ascii: "x") {
            digits = digits.dropFirst(2)
        }
        var u: UInt64 = 0, n = 0
        for c in digits {
            let d: UInt8
            switch c {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: d = 0; n = 17   // not a hex digit: refused below
            }
            n += 1
            if n > 16 { break }
            u = u << 4 | UInt64(d)
        }
        guard n >= 1, n <= 16 else { throw CodeParseError(input: text, reason: "not a hex code (expected e.g. 0x7E)") }
        let v = Int(Int64(bitPattern: u))
        guard contains(code: v) else {
            throw CodeParseError(input: text, reason: CodeRangeError(code: v, format: name, bits: bits).description)
        }
        return v
    }
}

public struct CodeParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let input: String
    public let reason: String
    public var description: String { "bad code '\(input)': \(reason)" }
}

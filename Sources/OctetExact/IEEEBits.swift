/// Exact decoding of IEEE 754 interchange bit patterns (and bfloat16), independent of the host's
/// floating-point unit: the fields are read as integers and the value built as `m · 2^e`.
public enum IEEEBits {
    public enum Format: String, Sendable, CaseIterable {
        case binary64 = "f64", binary32 = "f32", binary16 = "f16", bfloat16 = "bf16"

        public var exponentBits: Int {
            switch self {
            case .binary64: return 11
            case .binary32: return 8
            case .binary16: return 5
            case .bfloat16: return 8
            }
        }
        public var mantissaBits: Int {
            switch self {
            case .binary64: return 52
            case .binary32: return 23
            case .binary16: return 10
            case .bfloat16: return 7
            }
        }
        public var totalBits: Int { 1 + exponentBits + mantissaBits }
        public var bias: Int { (1 << (exponentBits - 1)) - 1 }

        /// Longest prefix first, so `bf16:` is not read as something else.
        static let prefixes: [(String, Format)] = [("bf16:", .bfloat16), ("f64:", .binary64), ("f32:", .binary32), ("f16:", .binary16)]
    }

    /// The exact datum encoded by `bits` (the low `totalBits` bits are used).
    public static func decode(_ bits: UInt64, as format: Format) -> ExactValue {
        let m = format.mantissaBits, e = format.exponentBits
        let negative = (bits >> UInt64(m + e)) & 1 == 1
        let expField = Int((bits >> UInt64(m)) & ((1 << UInt64(e)) - 1))
        let frac = bits & ((1 << UInt64(m)) - 1)
        if expField == (1 << e) - 1 {
            return frac == 0 ? .infinity(negative: negative) : .nan(negative: negative)
        }
        if expField == 0 && frac == 0 { return .zero(negative: negative) }
        let significand = expField == 0 ? frac : frac | (1 << UInt64(m))
        let exponent = (expField == 0 ? 1 : expField) - format.bias - m
        let r = Rational(BigInt(significand), timesTwoToThe: exponent)
        return .number(negative ? -r : r)
    }

    /// The type and bits of an `f64:`, `f32:`, `f16:` or `bf16:` spelling (any case, hex digits
    /// optionally after `0x`); nil when `text` has none of these prefixes. The value parser reads
    /// these spellings through it, and so does anything that needs the input's type, not only its
    /// value (a NaN's payload, a compatibility profile whose NaN depends on the input type).
    public static func spelledBits(_ text: String) throws(ValueParseError) -> (format: Format, bits: UInt64)? {
        let lower = text.lowercased()
        guard let (prefix, format) = Format.prefixes.first(where: { lower.hasPrefix($0.0) }) else { return nil }
        var d = Substring(lower).dropFirst(prefix.count)
        if d.hasPrefix("0x") { d = d.dropFirst(2) }
        let width = format.totalBits / 4
        guard !d.isEmpty, d.count <= width, d.allSatisfy(\.isHexDigit), let bits = UInt64(d, radix: 16) else {
            throw ValueParseError(input: text, reason: "\(format.rawValue): takes 1 to \(width) hex digits")
        }
        return (format, bits)
    }
}

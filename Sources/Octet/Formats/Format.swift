import OctetExact

/// Why a format could not be named or built.
public enum FormatError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknown(String)
    case invalid(String)
    case malformed(spelling: String, reason: String)

    public var description: String {
        switch self {
        case .unknown(let name):
            return "unknown format '\(name)' (see 'octet formats' for names, or spell one: binary8p4se, e4m3:bias=7,specials=fn, int8)"
        case .invalid(let reason): return "invalid format: \(reason)"
        case .malformed(let spelling, let reason): return "cannot read format '\(spelling)': \(reason)"
        }
    }
}

/// A named number format: a float or integer layout plus the names and the specification it
/// comes from. Two formats with the same layout are the same format for arithmetic purposes.
public struct Format: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case float(FloatFormat)
        case integer(IntegerFormat)
        /// Precision that depends on the exponent (HiF8).
        case tapered(TaperedFormat)
    }

    public let name: String
    public let aliases: [String]
    /// Where the definition comes from, in a few words.
    public let spec: String
    public let kind: Kind

    public init(name: String, aliases: [String] = [], spec: String, kind: Kind) {
        self.name = name
        self.aliases = aliases
        self.spec = spec
        self.kind = kind
    }

    public var bits: Int {
        switch kind {
        case .float(let f): return f.bits
        case .integer(let i): return i.bits
        case .tapered(let t): return t.bits
        }
    }
    /// Whether every code can be listed (decode-all, describe, exhaustive tests): up to 16 bits.
    public var isEnumerable: Bool { bits <= 16 }
    /// The number of codes; only meaningful for enumerable formats.
    public var codeCount: Int { isEnumerable ? 1 << bits : 0 }
    public var codes: Range<Int> { 0 ..< codeCount }
    /// Whether `code` is a code of this format (as an unsigned bit pattern held in an Int).
    public func contains(code: Int) -> Bool {
        bits >= 64 || (code >= 0 && code >> bits == 0)
    }
    public var isSigned: Bool {
        switch kind {
        case .float(let f): return f.signed
        case .integer(let i): return i.signed
        case .tapered: return true
        }
    }
    public var floatLayout: FloatFormat? { if case .float(let f) = kind { return f } else { return nil } }
    public var integerLayout: IntegerFormat? { if case .integer(let i) = kind { return i } else { return nil } }
    public var taperedLayout: TaperedFormat? { if case .tapered(let t) = kind { return t } else { return nil } }
    /// Whether codes carry a sign bit and a magnitude (floats, fixed or tapered), so that the
    /// magnitude of a code is `code & ~signBit`.
    public var isFloatingPoint: Bool { integerLayout == nil }

    /// Hex digits used to print a code: two up to 8 bits, four up to 16, then eight or sixteen.
    public var hexDigits: Int { bits <= 8 ? 2 : bits <= 16 ? 4 : bits <= 32 ? 8 : 16 }

    /// `0xHH` (or `0xHHHH`, …), upper-case digits; the code is read as an unsigned bit pattern.
    public func hex(_ code: Int) -> String {
        let digits = String(UInt64(bitPattern: Int64(code)), radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, hexDigits - digits.count)) + digits
    }

    // MARK: Facts

    public var infinityCodes: [Int] {
        if let t = taperedLayout { return [t.infinityCode(negative: false), t.infinityCode(negative: true)] }
        guard let f = floatLayout else { return [] }
        return [false, true].compactMap { f.infinityCode(negative: $0) }.sorted().reduce(into: []) { if $0.last != $1 { $0.append($1) } }
    }
    /// Every NaN code (enumerable formats only; empty otherwise).
    public var nanCodes: [Int] { codes.filter { classifyCode($0) == .nan } }

    public func classifyCode(_ code: Int) -> CodeClass {
        switch kind {
        case .float(let f): return f.classify(code)
        case .tapered(let t): return t.classify(code)
        case .integer(let i):
            let v = i.value(of: code)
            return .finite(negative: v < 0, magnitude: abs(v))
        }
    }

    public var maxFinite: Rational {
        switch kind {
        case .float(let f): return f.maxFinite
        case .tapered(let t): return t.maxFinite
        case .integer(let i): return Rational(i.maxValue)
        }
    }
    /// The most negative finite value (0, or 2^-127 for E8M0, in unsigned formats).
    public var minFinite: Rational {
        switch kind {
        case .float(let f): return f.signed ? -f.maxFinite : (f.hasZero ? .zero : f.minNormal)
        case .tapered(let t): return -t.maxFinite
        case .integer(let i): return Rational(i.minValue)
        }
    }
    /// Whether some code is NaN (integers have none).
    public var hasNaN: Bool {
        switch kind {
        case .float(let f): return f.hasNaN
        case .tapered: return true
        case .integer: return false
        }
    }
    public var minNormal: Rational? { floatLayout?.minNormal ?? taperedLayout?.minNormal }
    /// For a tapered format, its smallest positive value (HiF8's smallest denormal).
    public var minSubnormal: Rational? { floatLayout?.minSubnormal ?? taperedLayout?.minPositive }
}

/// A point of the extended real line as the reference sees it: an exact rational, a signed zero,
/// a signed infinity, or NaN (with the sign it was written with, which some policies keep).
///
/// Zero is its own case so that `-0` survives parsing and decoding; `number` never holds zero.
public enum ExactValue: Sendable, Hashable {
    case zero(negative: Bool)
    case number(Rational)
    case infinity(negative: Bool)
    case nan(negative: Bool)

    /// Wraps a rational, mapping 0 to `+0`.
    public init(_ r: Rational) {
        self = r.isZero ? .zero(negative: false) : .number(r)
    }

    public var isNaN: Bool { if case .nan = self { return true } else { return false } }
    public var isFinite: Bool {
        switch self {
        case .zero, .number: return true
        case .infinity, .nan: return false
        }
    }
    /// The sign bit: true for negative numbers, -0, -inf and -nan.
    public var isNegative: Bool {
        switch self {
        case .zero(let n), .infinity(let n), .nan(let n): return n
        case .number(let r): return r.isNegative
        }
    }
    /// The finite value as a rational (zero for ±0); nil for infinities and NaN.
    public var rational: Rational? {
        switch self {
        case .zero: return .zero
        case .number(let r): return r
        case .infinity, .nan: return nil
        }
    }

    /// Negation, flipping the sign bit of zeros, infinities and NaNs too.
    public static prefix func - (x: ExactValue) -> ExactValue {
        switch x {
        case .zero(let n): return .zero(negative: !n)
        case .number(let r): return .number(-r)
        case .infinity(let n): return .infinity(negative: !n)
        case .nan(let n): return .nan(negative: !n)
        }
    }

    /// Identity: NaNs of either sign are equal, and +0 ≠ -0. Use `numericallyEquals` for values.
    public func sameClassAndValue(_ other: ExactValue) -> Bool {
        if isNaN && other.isNaN { return true }
        return self == other
    }
}

extension ExactValue: CustomStringConvertible {
    /// The output spelling of the CLI: a terminating decimal for dyadic values, `p/q` otherwise,
    /// `0` / `-0`, `inf` / `-inf`, `nan`.
    public var description: String {
        switch self {
        case .zero(let n): return n ? "-0" : "0"
        case .number(let r): return r.terminatingDecimal ?? r.description
        case .infinity(let n): return n ? "-inf" : "inf"
        case .nan: return "nan"
        }
    }
}

/// How an exact value between two neighbouring representable values picks one of them.
/// Every mode rounds the exact value once; nothing goes through an intermediate float.
///
/// Let `a = |x|`, let `lo` and `hi` be its neighbours in the format's grid extended without an
/// upper bound (so overflow is judged after rounding), and `ν = (a - lo) / (hi - lo)`.
/// "Even" means that the *code* of `lo` has a zero least significant bit: for formats with
/// mantissa bits that is the usual even significand; for formats with none (E8M0, P3109 P = 1)
/// it is the parity of the exponent field, and zero counts as even.
public enum RoundingMode: String, Sendable, Hashable, CaseIterable {
    /// Nearest, ties to the even code.
    case rne
    /// Nearest, ties away from zero.
    case rna
    /// Toward zero (truncate the magnitude).
    case rtz
    /// Toward +Inf.
    case rup
    /// Toward -Inf.
    case rdown
    /// Round to odd: an inexact result takes whichever neighbour has an odd code.
    case rto
    /// Stochastic rounding as a pure function of N caller-supplied random bits R (0 ≤ R < 2^N),
    /// P3109 StochasticA (gfloat `StochasticFastest`): keep the N bits of ν below the kept
    /// precision (truncating the rest), add R, and round away from zero iff the sum carries out:
    /// `floor(ν · 2^N) + R ≥ 2^N`. Over all 2^N values of R the result is `hi` exactly
    /// `floor(ν · 2^N)` times.
    case sr

    /// Whether rounding a value of this sign moves it toward zero or not at all (RTZ, RUP for
    /// negatives, RDOWN for positives): such modes never overflow to Inf or NaN.
    func isTowardZero(negative: Bool) -> Bool {
        switch self {
        case .rtz: return true
        case .rup: return negative
        case .rdown: return !negative
        default: return false
        }
    }
}

/// The random input of `RoundingMode.sr`: N bits with value R.
public struct StochasticBits: Sendable, Hashable {
    public let count: Int
    public let value: UInt64

    public init(count: Int, value: UInt64) throws(EncodeError) {
        guard (1...64).contains(count) else { throw .badRandomBits("the number of random bits must be 1…64 (got \(count))") }
        guard count == 64 || value < (1 as UInt64) << UInt64(count) else {
            throw .badRandomBits("random value \(value) does not fit in \(count) bits (0…\((1 as UInt64) << UInt64(count) - 1))")
        }
        self.count = count
        self.value = value
    }
}

/// What happens to values beyond the finite range, to ±Inf inputs, and (for unsigned formats)
/// to negative values that do not round to zero. Applied after rounding.
public enum OverflowPolicy: String, Sendable, Hashable, CaseIterable {
    /// Everything out of range, ±Inf included, becomes the nearest finite extreme (±max, or the
    /// smallest value of an unsigned format). P3109 SatFinite, OCP saturating, CUDA SATFINITE.
    case saturate
    /// OCP non-saturating: a finite value that rounds beyond max becomes ±Inf where the format
    /// has it, else NaN; ±Inf stays ±Inf, else NaN. Formats with neither saturate.
    case nonsaturate
    /// Finite overflow saturates; ±Inf stays ±Inf where the format has it, else becomes NaN
    /// (else saturates). The C++ `kSaturate` mode of ml_dtypes.
    case propagate
    /// P3109 OvfInf (v4: SatNone): finite overflow and ±Inf become ±Inf where the format has
    /// Inf and ±max where it does not (never NaN, except negatives into unsigned formats).
    case ovfinf
}

/// IEEE-style exception flags of one conversion.
public struct ExceptionFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// A number became NaN (overflow to NaN, a negative into an unsigned format, zero into E8M0).
    public static let invalid = ExceptionFlags(rawValue: 1)
    /// A finite input rounded beyond the finite range (either end).
    public static let overflow = ExceptionFlags(rawValue: 2)
    /// A non-zero finite input below the smallest normal magnitude was rounded inexactly.
    public static let underflow = ExceptionFlags(rawValue: 4)
    /// The result's value differs from the input's (NaN to NaN is exact).
    public static let inexact = ExceptionFlags(rawValue: 8)

    /// `invalid,overflow,…` or `-` when empty; the spelling of vector files and reports.
    public var spelled: String {
        let names: [(ExceptionFlags, String)] = [(.invalid, "invalid"), (.overflow, "overflow"), (.underflow, "underflow"), (.inexact, "inexact")]
        let on = names.filter { contains($0.0) }.map(\.1)
        return on.isEmpty ? "-" : on.joined(separator: ",")
    }
}

/// Why a value could not be encoded at all.
public enum EncodeError: Error, Sendable, Equatable, CustomStringConvertible {
    case nanNotRepresentable(format: String)
    case missingRandomBits
    case badRandomBits(String)

    public var description: String {
        switch self {
        case .nanNotRepresentable(let f): return "\(f) has no NaN encoding, so NaN cannot be converted to it"
        case .missingRandomBits: return "rounding 'sr' needs random bits (N and R)"
        case .badRandomBits(let why): return why
        }
    }
}

/// A code and the exceptions its conversion raised.
public struct Encoded: Sendable, Hashable {
    public let code: Int
    public let flags: ExceptionFlags
    public init(code: Int, flags: ExceptionFlags) {
        self.code = code
        self.flags = flags
    }
}

import OctetExact

/// Where a floating-point format keeps its special values. Every code that is not special is a
/// number, decoded by the usual rule (see `FloatFormat`).
public enum SpecialEncoding: String, Sendable, Hashable, CaseIterable {
    /// IEEE 754 pattern: the all-ones exponent holds ±Inf (mantissa 0) and NaNs (mantissa ≠ 0),
    /// both signs. OCP E5M2, `float8_e4m3`, `float8_e3m4`.
    case ieee
    /// "Finite, NaN only at all-ones": no Inf; the all-ones magnitude is NaN for both signs.
    /// OCP E4M3 (`float8_e4m3fn`).
    case fn
    /// "Finite, unsigned zero": no Inf, no -0; the negative-zero code (sign bit alone) is the
    /// single NaN. The FNUZ family, P3109 signed Finite, the paper's FP8-E2…E5.
    case fnuz
    /// P3109 signed Extended: the negative-zero code is the single NaN, the all-ones magnitude is
    /// ±Inf, no -0.
    case p3109Extended = "p3109e"
    /// Unsigned formats whose all-ones code is the single NaN: P3109 unsigned Finite, OCP E8M0.
    case nanTop = "nan-top"
    /// Unsigned formats with NaN at all-ones and +Inf just below it: P3109 unsigned Extended.
    case infNanTop = "inf-nan-top"
    /// Every code is a number: OCP MX FP6 and FP4.
    case none
}

/// A binary floating-point format of up to 64 bits, described as data. Formats of up to 16 bits
/// can be enumerated code by code; wider ones (binary32, binary64) serve as output formats.
///
/// A non-special code with sign s, exponent field E and mantissa field M has the value
/// `(-1)^s · 2^(E - bias) · (1 + M/2^m)` when E ≥ 1 (or always, when `subnormals` is false) and
/// `(-1)^s · 2^(1 - bias) · (M/2^m)` when E = 0 and `subnormals` is true. Formats without
/// subnormals (E8M0) therefore have no zero: their exponent field 0 is an ordinary binade.
public struct FloatFormat: Sendable, Hashable {
    public let signed: Bool
    public let exponentBits: Int
    public let mantissaBits: Int
    public let bias: Int
    public let subnormals: Bool
    public let specials: SpecialEncoding

    /// Validates the combination; see `FormatError` for what is refused and why.
    public init(signed: Bool, exponentBits: Int, mantissaBits: Int, bias: Int,
                subnormals: Bool = true, specials: SpecialEncoding) throws(FormatError) {
        let bits = (signed ? 1 : 0) + exponentBits + mantissaBits
        guard exponentBits >= 1, exponentBits <= 15, mantissaBits >= 0, bits >= 2, bits <= 64 else {
            throw .invalid("a float format needs 1 to 15 exponent bits and 2 to 64 bits in all (got e\(exponentBits)m\(mantissaBits)\(signed ? "" : " unsigned"))")
        }
        guard abs(bias) <= 1 << 20 else { throw .invalid("bias \(bias) is out of range (|bias| ≤ 2^20)") }
        switch specials {
        case .fnuz, .p3109Extended:
            guard signed else { throw .invalid("specials=\(specials.rawValue) needs a sign bit (it puts NaN at the negative-zero code)") }
        case .nanTop, .infNanTop:
            guard !signed else { throw .invalid("specials=\(specials.rawValue) is for unsigned formats") }
        case .ieee:
            guard mantissaBits >= 1 else { throw .invalid("specials=ieee needs a mantissa bit to tell Inf from NaN") }
        case .fn, .none:
            break
        }
        guard subnormals || !signed else {
            throw .invalid("formats without subnormals (no zero) are supported only unsigned, like E8M0")
        }
        self.signed = signed
        self.exponentBits = exponentBits
        self.mantissaBits = mantissaBits
        self.bias = bias
        self.subnormals = subnormals
        self.specials = specials
        guard maxFiniteMagnitude > 0, maxExponentField >= 0 else {
            throw .invalid("the format has no positive finite value")
        }
    }

    /// Total width in bits.
    public var bits: Int { (signed ? 1 : 0) + exponentBits + mantissaBits }
    /// Precision P: significand bits including the implicit one.
    public var precision: Int { mantissaBits + 1 }
    /// Mask of the magnitude (exponent and mantissa) bits.
    public var magnitudeMask: Int { Int.max >> (63 - (exponentBits + mantissaBits)) }
    public var signBit: Int { signed ? 1 << (exponentBits + mantissaBits) : 0 }
    public var codeCount: Int { 1 << bits }

    /// Exponent of the lowest binade that has full precision: values below `2^minExponent` are
    /// subnormal (or, without subnormals, below the range).
    public var minExponent: Int { subnormals ? 1 - bias : -bias }

    public var hasNegativeZero: Bool { signed && subnormals && (specials == .ieee || specials == .fn || specials == .none) }
    public var hasZero: Bool { subnormals }
    public var hasInfinity: Bool { specials == .ieee || specials == .p3109Extended || specials == .infNanTop }
    public var hasNaN: Bool { specials != .none }

    /// Largest magnitude code that is a finite number (the code of +max for signed formats).
    public var maxFiniteMagnitude: Int {
        let all = magnitudeMask
        switch specials {
        case .ieee: return all - (1 << mantissaBits)          // top exponent reserved
        case .fn, .p3109Extended, .nanTop: return all - 1
        case .infNanTop: return all - 2
        case .fnuz, .none: return all
        }
    }
    var maxExponentField: Int { maxFiniteMagnitude >> mantissaBits }

    /// The code of +Inf / -Inf, if the format has them.
    public func infinityCode(negative: Bool) -> Int? {
        switch specials {
        case .ieee: return (negative ? signBit : 0) | (((1 << exponentBits) - 1) << mantissaBits)
        case .p3109Extended: return (negative ? signBit : 0) | magnitudeMask
        case .infNanTop: return negative ? nil : magnitudeMask - 1
        default: return nil
        }
    }

    /// The NaN an encoder produces. Formats with a NaN of each sign keep the sign
    /// (IEEE-like: the quiet NaN with only the top mantissa bit set; FN: all-ones);
    /// formats with a single NaN return it whatever the sign.
    public func nanCode(negative: Bool) -> Int? {
        switch specials {
        case .ieee:
            return (negative ? signBit : 0) | (((1 << exponentBits) - 1) << mantissaBits) | (1 << (mantissaBits - 1))
        case .fn: return (negative ? signBit : 0) | magnitudeMask
        case .fnuz, .p3109Extended: return signBit
        case .nanTop, .infNanTop: return magnitudeMask
        case .none: return nil
        }
    }

    /// What a code means. Codes outside `0 ..< codeCount` are a caller error checked by `Format`.
    public func classify(_ code: Int) -> CodeClass {
        let negative = signed && code & signBit != 0
        let magnitude = code & magnitudeMask
        let expAllOnes = (1 << exponentBits) - 1
        switch specials {
        case .ieee where magnitude >> mantissaBits == expAllOnes:
            return magnitude & ((1 << mantissaBits) - 1) == 0 ? .infinity(negative: negative) : .nan
        case .fn where magnitude == magnitudeMask:
            return .nan
        case .fnuz where code == signBit, .p3109Extended where code == signBit:
            return .nan
        case .p3109Extended where magnitude == magnitudeMask:
            return .infinity(negative: negative)
        case .nanTop where code == magnitudeMask, .infNanTop where code == magnitudeMask:
            return .nan
        case .infNanTop where code == magnitudeMask - 1:
            return .infinity(negative: false)
        default:
            return .finite(negative: negative, magnitude: magnitude)
        }
    }

    /// The exact value of a finite magnitude code.
    public func magnitudeValue(_ magnitude: Int) -> Rational {
        let e = magnitude >> mantissaBits
        let frac = magnitude & ((1 << mantissaBits) - 1)
        if subnormals && e == 0 {
            return Rational(BigInt(frac), timesTwoToThe: 1 - bias - mantissaBits)
        }
        return Rational(BigInt(frac | (1 << mantissaBits)), timesTwoToThe: e - bias - mantissaBits)
    }

    public var maxFinite: Rational { magnitudeValue(maxFiniteMagnitude) }
    /// Smallest positive normal value (for formats without subnormals: the smallest value).
    public var minNormal: Rational { Rational(BigInt(1), timesTwoToThe: minExponent) }
    /// Smallest positive subnormal, nil when the format has none (no mantissa, or no subnormals).
    public var minSubnormal: Rational? {
        subnormals && mantissaBits > 0 ? Rational(BigInt(1), timesTwoToThe: 1 - bias - mantissaBits) : nil
    }
}

/// The meaning of one code.
public enum CodeClass: Sendable, Hashable {
    case finite(negative: Bool, magnitude: Int)
    case infinity(negative: Bool)
    case nan
}

import OctetExact

/// The facts `octet formats` and `octet describe` print, computed from the layout.
public struct FormatFacts: Sendable {
    public let name: String
    public let aliases: [String]
    public let bits: Int
    public let signBits: Int
    /// Nil for integer formats.
    public let exponentBits: Int?
    public let mantissaBits: Int?
    public let bias: Int?
    public let infinityCodes: [Int]
    public let nanCodes: [Int]
    public let maxFinite: ExactValue
    public let minFinite: ExactValue
    public let minNormal: ExactValue?
    public let minSubnormal: ExactValue?
    public let hasNegativeZero: Bool
    public let spec: String
}

extension Format {
    public var facts: FormatFacts {
        let f = floatLayout
        return FormatFacts(
            name: name, aliases: aliases, bits: bits, signBits: isSigned ? 1 : 0,
            exponentBits: f?.exponentBits, mantissaBits: f?.mantissaBits, bias: f?.bias,
            infinityCodes: infinityCodes, nanCodes: nanCodes,
            maxFinite: ExactValue(maxFinite), minFinite: ExactValue(minFinite),
            minNormal: minNormal.map(ExactValue.init), minSubnormal: minSubnormal.map(ExactValue.init),
            hasNegativeZero: f?.hasNegativeZero ?? false, spec: spec)
    }

    /// The layout in words, for `describe` and the specification.
    public var layoutSummary: String {
        switch kind {
        case .integer(let i):
            return "\(i.bits)-bit \(i.signed ? "two's complement" : "unsigned") integer, \(i.minValue)…\(i.maxValue)"
        case .float(let f):
            var s = "\(f.signed ? "1 sign, " : "unsigned, ")\(f.exponentBits) exponent, \(f.mantissaBits) mantissa bits; bias \(f.bias)"
            s += f.subnormals ? "; subnormals" : "; no subnormals and no zero (exponent field 0 is a normal binade)"
            let sp: String
            switch f.specials {
            case .ieee: sp = "IEEE specials (±Inf and NaNs at the all-ones exponent)"
            case .fn: sp = "no Inf; NaN at the all-ones magnitude of each sign"
            case .fnuz: sp = "no Inf, no -0; the single NaN at the negative-zero code"
            case .p3109Extended: sp = "P3109 Extended: ±Inf at the all-ones magnitude, the single NaN at the negative-zero code, no -0"
            case .nanTop: sp = "the single NaN at the all-ones code, no Inf"
            case .infNanTop: sp = "the single NaN at the all-ones code, +Inf just below it"
            case .none: sp = "no Inf, no NaN: every code is a number"
            }
            return s + "; " + sp
        case .tapered(let t):
            let w = t.mantissaWidths
            return "1 sign, tapered: exponents \(t.minExponent)…\(t.maxExponent) with \(w.lowerBound)…\(w.upperBound) mantissa bits by binade (prefix-coded exponent width); no -0; the single NaN at the negative-zero code; ±Inf just above ±max"
        }
    }
}

import Octet
import OctetKernels

extension Format {
    /// This format as the kernels describe it; nil for integer formats and formats wider than 8 bits.
    public var kernelFormat: octet_format? {
        guard let f = floatLayout, f.bits <= 8 else { return nil }
        let sp: octet_specials
        switch f.specials {
        case .ieee: sp = OCTET_SPECIALS_IEEE
        case .fn: sp = OCTET_SPECIALS_FN
        case .fnuz: sp = OCTET_SPECIALS_FNUZ
        case .p3109Extended: sp = OCTET_SPECIALS_P3109E
        case .nanTop: sp = OCTET_SPECIALS_NAN_TOP
        case .infNanTop: sp = OCTET_SPECIALS_INF_NAN_TOP
        case .none: sp = OCTET_SPECIALS_NONE
        }
        return octet_format(is_signed: f.signed ? 1 : 0, exponent_bits: Int32(f.exponentBits), mantissa_bits: Int32(f.mantissaBits),
                            bias: Int32(f.bias), subnormals: f.subnormals ? 1 : 0, specials: sp)
    }
}

extension RoundingMode {
    /// The kernel's rounding, for the modes the kernels implement (rne, rtz, sr).
    public var kernelRounding: octet_rounding? {
        switch self {
        case .rne: return OCTET_RNE
        case .rtz: return OCTET_RTZ
        case .sr: return OCTET_SR
        default: return nil
        }
    }
}

extension OverflowPolicy {
    public var kernelOverflow: octet_overflow {
        switch self {
        case .saturate: return OCTET_SATURATE
        case .nonsaturate: return OCTET_NONSATURATE
        case .propagate: return OCTET_PROPAGATE
        case .ovfinf: return OCTET_OVFINF
        }
    }
}

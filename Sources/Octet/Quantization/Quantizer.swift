import OctetExact

/// How `x / scale` is computed before rounding to an integer.
public enum ScaleArithmetic: String, Sendable, Hashable, CaseIterable {
    /// The exact quotient x / s (one rounding in total).
    case exact
    /// ONNX QuantizeLinear: the quotient computed in binary32, `fl32(x / s)`, then rounded.
    case onnx
    /// PyTorch `quantize_per_tensor`: multiply by the binary32 reciprocal, `fl32(x · fl32(1 / s))`,
    /// then rounded.
    case pytorch
}

/// Affine quantization to an integer or floating format: `q = clamp(round(x / s) + zp)`.
///
/// For integer targets: `round` is the given mode (`rne` = ONNX/PyTorch, `rna` = TFLite), the
/// zero point is added after rounding, and the result saturates to the range — the full range of
/// the format or, when `narrow`, the symmetric range without the most negative value (TFLite
/// weights: [−127, 127]). For floating targets (the paper's "flexible bias": an FP8 format with a
/// free scale) the zero point must be 0 and `q = encode(x / s)` with the mode and overflow policy.
public struct Quantizer: Sendable, Hashable {
    public let target: Format
    public let scale: Rational
    public let zeroPoint: Int
    public let rounding: RoundingMode
    public let overflow: OverflowPolicy
    public let narrow: Bool
    public let arithmetic: ScaleArithmetic

    public init(target: Format, scale: Rational, zeroPoint: Int = 0, rounding: RoundingMode = .rne,
                overflow: OverflowPolicy = .saturate, narrow: Bool = false, arithmetic: ScaleArithmetic = .exact) throws(QuantizerError) {
        guard scale.signum > 0 else { throw .invalid("the scale must be positive (got \(scale))") }
        guard rounding != .sr else { throw .invalid("stochastic rounding needs random bits; quantizers take deterministic modes") }
        if target.floatLayout != nil {
            guard zeroPoint == 0 else { throw .invalid("floating targets take no zero point") }
            guard !narrow else { throw .invalid("--narrow is for integer targets") }
        }
        if let i = target.integerLayout {
            guard (i.minValue ... i.maxValue).contains(zeroPoint) else {
                throw .invalid("zero point \(zeroPoint) is outside \(target.name) (\(i.minValue)…\(i.maxValue))")
            }
            guard !narrow || i.signed else { throw .invalid("--narrow needs a signed integer target") }
        }
        if arithmetic != .exact {
            // The scale itself must be a binary32 value for the float32 conventions.
            let b32 = try! FormatRegistry.named("binary32")
            let code = try! b32.encode(ExactValue(scale))
            guard b32.value(ofCode: code.code) == ExactValue(scale) else {
                throw .invalid("the \(arithmetic.rawValue) convention takes a binary32 scale; \(scale) is not one")
            }
        }
        self.target = target
        self.scale = scale
        self.zeroPoint = zeroPoint
        self.rounding = rounding
        self.overflow = overflow
        self.narrow = narrow
        self.arithmetic = arithmetic
    }

    /// The integer range the quantizer saturates to.
    public var integerRange: ClosedRange<Int>? {
        guard let i = target.integerLayout else { return nil }
        return (narrow ? -i.maxValue : i.minValue) ... i.maxValue
    }

    static let binary32 = try! FormatRegistry.named("binary32")

    /// x / s under the chosen arithmetic.
    func scaled(_ x: ExactValue) -> ExactValue {
        guard let r = x.rational else { return x }      // ±Inf and NaN pass through
        let b32 = Quantizer.binary32
        func fl32(_ v: Rational) -> ExactValue {
            b32.value(ofCode: try! b32.encode(ExactValue(v), rounding: .rne, overflow: .ovfinf).code)
        }
        let q: ExactValue
        switch arithmetic {
        case .exact: q = ExactValue(r.divided(by: scale)!)
        case .onnx: q = fl32(r.divided(by: scale)!)
        case .pytorch:
            // fl32(1/s) can overflow to Inf for a tiny scale; then x·Inf follows IEEE rules.
            let inv = Operand(fl32(Rational.one.divided(by: scale)!))
            let p = ExactArithmetic.multiply(Operand(x), inv).exactValue
            if let pr = p.rational { q = fl32(pr) } else { q = p }
        }
        if case .zero = q, x.isNegative { return .zero(negative: true) }
        return q
    }

    /// The code of one value.
    public func quantize(_ x: ExactValue) throws(QuantizerError) -> Int {
        let y = scaled(x)
        switch target.kind {
        case .float, .tapered:
            do { return try target.encode(y, rounding: rounding, overflow: overflow).code } catch { throw .encode(error) }
        case .integer(let i):
            let range = integerRange!
            let wide = try! FormatRegistry.named("int32")
            // Round to an integer without saturating (int32 holds every in-range result; beyond it
            // the value saturates anyway), then add the zero point, then clamp.
            let r: Int
            switch y {
            case .nan: throw .encode(.nanNotRepresentable(format: target.name))
            case .infinity(let n): return i.code(of: n ? range.lowerBound : range.upperBound)
            default:
                r = wide.integerLayout!.value(of: try! wide.encode(y, rounding: rounding, overflow: .saturate).code)
            }
            let v = min(max(r + zeroPoint, range.lowerBound), range.upperBound)
            return i.code(of: v)
        }
    }

    /// The value a code stands for: `(q − zp) · s`.
    public func dequantize(_ code: Int) -> ExactValue {
        switch target.kind {
        case .integer(let i): return ExactValue(Rational(i.value(of: code) - zeroPoint) * scale)
        case .float, .tapered:
            let v = target.value(ofCode: code)
            guard let r = v.rational else { return v }
            if r.isZero { return v }
            return ExactValue(r * scale)
        }
    }

    // MARK: Scale selection

    /// Symmetric: zp = 0 and s = amax / qmax, with qmax the top of the integer target's range:
    /// 2^(b−1) − 1 for signed targets (127 for int8, as narrow and TFLite-style), 2^b − 1 for
    /// unsigned ones (255 for uint8); or s = amax / ((qmax − qmin) / 2) = amax / ((2^b − 1) / 2)
    /// (127.5 for int8 and uint8: PyTorch's symmetric observer, which keeps −128 reachable) when
    /// `halfRange` is set. For floating targets s = amax / max (`halfRange` has no effect).
    public static func symmetricScale(amax: Rational, target: Format, halfRange: Bool = false) -> Rational? {
        guard amax.signum > 0 else { return nil }
        switch target.kind {
        case .float, .tapered: return amax.divided(by: target.maxFinite)
        case .integer(let i):
            let denom = halfRange ? Rational(numerator: BigInt(i.maxValue - i.minValue), denominator: BigInt(2))! : Rational(i.maxValue)
            return amax.divided(by: denom)
        }
    }

    /// Asymmetric (affine): s = (max − min) / (qmax − qmin) and zp = qmin − round(min / s) (ties to
    /// even), clamped into the range; the range is first widened to include 0, so 0 is exact.
    public static func asymmetricParameters(min lo: Rational, max hi: Rational, target: Format) -> (scale: Rational, zeroPoint: Int)? {
        guard let i = target.integerLayout else { return nil }
        let lo0 = lo < .zero ? lo : .zero, hi0 = hi > .zero ? hi : .zero
        guard hi0 > lo0 else { return nil }
        let s = (hi0 - lo0).divided(by: Rational(i.maxValue - i.minValue))!
        let wide = try! FormatRegistry.named("int32")
        let r = wide.integerLayout!.value(of: try! wide.encode(ExactValue(lo0.divided(by: s)!), rounding: .rne).code)
        let zp = min(max(i.minValue - r, i.minValue), i.maxValue)
        return (s, zp)
    }
}

public enum QuantizerError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)
    case encode(EncodeError)
    public var description: String {
        switch self {
        case .invalid(let s): return s
        case .encode(let e): return e.description
        }
    }
}

import OctetExact

/// A tensor-core style group accumulator (the model of MMA-Sim, Xie et al. 2025, and of the
/// DeepSeek-V3 report §3.5.2). Products are taken `groupSize` at a time; for each group:
///
/// 1. the terms are the running sum C and the group's exact products; a product's exponent is
///    `ea + eb`, where each operand is `s · 2^e` with e its binade exponent (`max(floor(log2|x|),
///    emin)`, so s ∈ [1, 2) for normal and [0, 1) for subnormal values) — the product's significand
///    lies in [0, 4) and is not renormalised; C's exponent is floor(log2|C|);
/// 2. every non-zero term is truncated toward zero to a multiple of `2^(emax − fractionBits)`,
///    where emax is the largest exponent among the group's non-zero terms;
/// 3. the truncated terms are summed exactly, and C becomes that sum rounded into
///    `accumulatorFormat` with `accumulatorRounding`.
///
/// With `promoteEvery = k`, C is reset to +0 after every k products and the partial sum is added to
/// an outer binary32 accumulator with round-to-nearest-even (the DeepSeek-V3 recipe, k = 128). The
/// result is the outer sum (or C without promotion). NaN and Inf products make the result the IEEE
/// special sum of the products.
public struct TruncatedAccumulator: Sendable, Hashable {
    public let groupSize: Int
    public let fractionBits: Int
    public let accumulatorFormat: Format
    public let accumulatorRounding: RoundingMode
    public let promoteEvery: Int?

    public init(groupSize: Int, fractionBits: Int, accumulatorFormat: Format, accumulatorRounding: RoundingMode = .rtz,
                promoteEvery: Int? = nil) {
        self.groupSize = groupSize
        self.fractionBits = fractionBits
        self.accumulatorFormat = accumulatorFormat
        self.accumulatorRounding = accumulatorRounding
        self.promoteEvery = promoteEvery
    }

    /// binary32 with its mantissa cut to 13 bits: MMA-Sim's "f32_e8m13" FP8 accumulator.
    static let e8m13 = Format(name: "e8m13", spec: "binary32 truncated to 13 fraction bits (MMA-Sim)",
                              kind: .float(try! FloatFormat(signed: true, exponentBits: 8, mantissaBits: 13, bias: 127, specials: .ieee)))

    /// Documented presets (`truncated:NAME`), each from a cited measurement:
    /// - `hopper-fp8`: Hopper `wgmma` / Ada `mma` FP8 — groups of 32 products, 13 fraction bits,
    ///   accumulator e8m13 with truncation (MMA-Sim; DeepSeek-V3 "around 14 bits").
    /// - `deepseek-v3`: `hopper-fp8` with the partial sum promoted to binary32 every 128 products.
    /// - `blackwell-fp8`: Blackwell `tcgen05` FP8 — 25 fraction bits, binary32 RZ (MMA-Sim).
    /// - `volta-fp16`: Volta FP16 — groups of 4, 23 fraction bits, binary32 RZ (MMA-Sim; Fasi et al.).
    public static func preset(_ name: String) -> TruncatedAccumulator? {
        let binary32 = try! FormatRegistry.named("binary32")
        switch name {
        case "hopper-fp8", "ada-fp8":
            return TruncatedAccumulator(groupSize: 32, fractionBits: 13, accumulatorFormat: e8m13)
        case "deepseek-v3":
            return TruncatedAccumulator(groupSize: 32, fractionBits: 13, accumulatorFormat: e8m13, promoteEvery: 128)
        case "blackwell-fp8":
            return TruncatedAccumulator(groupSize: 32, fractionBits: 25, accumulatorFormat: binary32)
        case "volta-fp16":
            return TruncatedAccumulator(groupSize: 4, fractionBits: 23, accumulatorFormat: binary32)
        default:
            return nil
        }
    }
    public static let presetNames = ["hopper-fp8", "ada-fp8", "deepseek-v3", "blackwell-fp8", "volta-fp16"]

    /// One product as the datapath sees it: its exact value and its unnormalised exponent.
    public struct Term: Sendable, Hashable {
        public let value: Operand
        public let exponent: Int
        public init(value: Operand, exponent: Int) {
            self.value = value
            self.exponent = exponent
        }
    }

    /// The exponent `e` of x = s·2^e in format f, with s ∈ [0, 2) (subnormals keep e = emin).
    public static func binadeExponent(_ x: Dyadic, in f: Format) -> Int {
        switch f.kind {
        case .integer: return x.isZero ? 0 : x.floorLog2
        case .float(let fl): return x.isZero ? fl.minExponent : max(x.floorLog2, fl.minExponent)
        case .tapered(let t): return x.isZero ? t.minExponent : max(x.floorLog2, t.minExponent)
        }
    }

    public func accumulate(_ terms: [Term]) throws(EncodeError) -> Operand {
        let products = terms.map(\.value)
        if products.contains(where: { $0.dyadic == nil }) { return ExactArithmetic.sum(products) }
        let binary32 = try! FormatRegistry.named("binary32")
        var outer = Operand.finite(.zero, negativeZero: false)
        var c = Dyadic.zero
        var start = 0
        var sinceReset = 0
        while start < terms.count {
            let end = min(start + groupSize, terms.count)
            var emax: Int? = c.isZero ? nil : c.floorLog2
            for t in terms[start ..< end] where !t.value.dyadic!.isZero {
                emax = max(emax ?? t.exponent, t.exponent)
            }
            if let emax {
                let cut = emax - fractionBits
                var sum = Dyadic(c.truncatedMultiple(ofPowerOfTwo: cut).0, exponent: cut)
                for t in terms[start ..< end] {
                    sum = sum + Dyadic(t.value.dyadic!.truncatedMultiple(ofPowerOfTwo: cut).0, exponent: cut)
                }
                let rounded = try accumulatorFormat.encode(ExactValue(sum.rational), rounding: accumulatorRounding, overflow: .ovfinf)
                guard let next = accumulatorFormat.operand(ofCode: rounded.code).dyadic else {
                    return accumulatorFormat.operand(ofCode: rounded.code)   // overflowed to Inf
                }
                c = next
            }
            sinceReset += end - start
            start = end
            if let k = promoteEvery, sinceReset >= k || start == terms.count {
                let s = ExactArithmetic.sum([outer, .finite(c, negativeZero: false)])
                outer = binary32.operand(ofCode: try binary32.encode(s.exactValue, rounding: .rne, overflow: .ovfinf).code)
                c = .zero
                sinceReset = 0
            }
        }
        return promoteEvery == nil ? .finite(c, negativeZero: false) : outer
    }
}

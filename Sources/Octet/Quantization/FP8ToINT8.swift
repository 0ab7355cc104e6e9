import OctetExact

/// Converting an FP8 tensor to INT8 (van Baalen et al. 2023, §4.5): choosing the INT8 scale, and
/// how much of an FP8 format INT8 can represent exactly.
public enum FP8ToINT8 {
    /// How the INT8 scale of a tensor is chosen.
    public enum ScaleChoice: String, Sendable, CaseIterable {
        /// s = amax / 127 (symmetric min-max).
        case minmax
        /// The clipping threshold c = amax · (1 − i/100), i = 0…99, whose s = c / 127 gives the
        /// smallest exact squared error Σ (x − s·q(x))² (ties: the larger c).
        case mse
    }

    public struct Conversion: Sendable {
        public let scale: Rational
        public let codes: [Int]
        /// Σ (x − dequantized)², exact.
        public let squaredError: Rational
    }

    /// Quantizes decoded FP8 values to symmetric full-range int8 (zero point 0, rne).
    public static func convert(_ values: [Rational], choice: ScaleChoice) -> Conversion? {
        let int8 = try! FormatRegistry.named("int8")
        var amax = Rational.zero
        for v in values where v.magnitude > amax { amax = v.magnitude }
        guard amax.signum > 0 else { return nil }
        func run(_ s: Rational) -> Conversion {
            let q = try! Quantizer(target: int8, scale: s)
            var codes: [Int] = [], err = Rational.zero
            for v in values {
                let c = try! q.quantize(ExactValue(v))
                codes.append(c)
                let d = v - q.dequantize(c).rational!
                err = err + d * d
            }
            return Conversion(scale: s, codes: codes, squaredError: err)
        }
        switch choice {
        case .minmax:
            return run(amax.divided(by: Rational(127))!)
        case .mse:
            var best: Conversion?
            for i in 0 ..< 100 {
                let c = amax * Rational(numerator: BigInt(100 - i), denominator: BigInt(100))!
                let r = run(c.divided(by: Rational(127))!)
                if best == nil || r.squaredError < best!.squaredError { best = r }
            }
            return best
        }
    }

    public struct Coverage: Sendable, Equatable {
        /// The scale is 2^scaleExponent.
        public let scaleExponent: Int
        /// Finite non-zero codes of the FP8 format whose value INT8 holds exactly (k · s with
        /// k ∈ −128…127), and how many finite non-zero codes there are.
        public let exactCodes: Int
        public let finiteCodes: Int
        /// The smallest t such that every FP8 value with t ≤ |v| ≤ max is exactly representable,
        /// and the fraction (max − t) / max of the format's range [0, max] that lies above it.
        public let threshold: Rational
        public let rangeFraction: Rational
    }

    /// Under the scale 2^k: which FP8 values are k'·2^k with k' ∈ −128…127.
    public static func coverage(of format: Format, scaleExponent k: Int) -> Coverage {
        let values = format.operandTable.compactMap(\.dyadic).filter { !$0.isZero }
        func exact(_ v: Dyadic) -> Bool {
            guard v.exponent >= k else { return false }
            let units = v.significand << (v.exponent - k)
            return units >= BigInt(-128) && units <= BigInt(127)
        }
        let count = values.filter(exact).count
        let positives = values.filter { !$0.isNegative }.sorted()
        let max = positives.last!
        // Walk down from the top while every value (with its negative, where the format has it)
        // is exact: the last one reached is the threshold.
        let present = Set(values)
        var threshold: Dyadic?
        var everyValueExact = true
        for v in positives.reversed() {
            guard exact(v), !present.contains(-v) || exact(-v) else { everyValueExact = false; break }
            threshold = v
        }
        let top: Rational
        let fraction: Rational
        if everyValueExact {
            top = .zero
            fraction = .one
        } else if let t = threshold {
            top = t.rational
            fraction = (max.rational - top).divided(by: max.rational)!
        } else {
            top = max.rational
            fraction = .zero
        }
        return Coverage(scaleExponent: k, exactCodes: count, finiteCodes: values.count, threshold: top, rangeFraction: fraction)
    }

    /// The power-of-two scale that maximises `rangeFraction` (ties: more exact codes), searched
    /// over every exponent that can matter (from the smallest value's up to the largest's).
    public static func bestCoverage(of format: Format) -> Coverage {
        let values = format.operandTable.compactMap(\.dyadic).filter { !$0.isZero }
        let lo = values.map(\.exponent).min()!, hi = values.map(\.floorLog2).max()!
        var best: Coverage?
        for k in lo ... hi {
            let c = coverage(of: format, scaleExponent: k)
            if best == nil || c.rangeFraction > best!.rangeFraction
                || (c.rangeFraction == best!.rangeFraction && c.exactCodes > best!.exactCodes) { best = c }
        }
        return best!
    }
}

import OctetExact

/// A small deterministic generator (SplitMix64), so experiments and tests reproduce bit for bit on
/// every machine: no floating-point library call is involved in generating inputs.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Measures how far an accumulator model lands from the exact dot product on random vectors.
public enum AccumulationExperiment {
    /// An approximately standard normal value, exactly: the Irwin–Hall sum of 12 uniforms on
    /// [0, 1) with 32-bit resolution, minus 6 (mean 0, variance 1). Exact dyadic arithmetic only.
    public static func gaussian(_ rng: inout SplitMix64) -> Rational {
        var total = BigInt(0)
        for _ in 0 ..< 12 { total += BigInt(rng.next() >> 32) }
        return Rational(total, timesTwoToThe: -32) - Rational(6)
    }

    /// Where the input values come from.
    public enum Distribution: String, Sendable, CaseIterable {
        /// Approximately standard normal (`gaussian(_:)`): sums cancel, |exact| ≈ √n.
        case gaussian
        /// Uniform on [0, 1) with 32-bit resolution: no cancellation, |exact| ≈ n/4.
        case uniform
    }

    public struct Report: Sendable {
        public let dots: Int
        public let length: Int
        /// max over dots of |model − exact| / |exact|
        public let maxRelativeError: Double
        public let meanRelativeError: Double
        public let worstIndex: Int
        /// max over dots of |model − exact| / Σ|a_i·b_i| (insensitive to cancellation)
        public let maxNormwiseError: Double
    }

    /// `dots` dot products of length `length`, each of two vectors of Gaussian values rounded
    /// (rne, saturate) into `format`, accumulated by `model`; the relative error of each is
    /// |model − exact| / |exact|, computed exactly and printed as a binary64.
    public static func run(model: AccumulatorModel, format: Format, dots: Int, length: Int, seed: UInt64,
                           distribution: Distribution = .gaussian) throws -> Report {
        var rng = SplitMix64(seed: seed)
        var worst = 0.0, total = 0.0, worstIndex = 0, worstNormwise = 0.0
        let binary64 = try FormatRegistry.named("binary64")
        func double(_ r: Rational) throws -> Double {
            Double(bitPattern: UInt64(bitPattern: Int64(try binary64.encode(ExactValue(r)).code)))
        }
        func draw() -> Rational {
            switch distribution {
            case .gaussian: return gaussian(&rng)
            case .uniform: return Rational(BigInt(rng.next() >> 32), timesTwoToThe: -32)
            }
        }
        for d in 0 ..< dots {
            var a: [Int] = [], b: [Int] = []
            for _ in 0 ..< length {
                a.append(try format.encode(ExactValue(draw())).code)
                b.append(try format.encode(ExactValue(draw())).code)
            }
            let r = try Dot.compute(a, format, b, format, model: model, output: binary64)
            guard let exact = r.exact.dyadic, let got = r.accumulated.dyadic, !exact.isZero else { continue }
            let err = (got - exact).magnitude.rational
            let e = try double(err.divided(by: exact.magnitude.rational)!)
            var absSum = Dyadic.zero
            for (x, y) in zip(a, b) {
                if let p = ExactArithmetic.multiply(format.operand(ofCode: x), format.operand(ofCode: y)).dyadic { absSum = absSum + p.magnitude }
            }
            worstNormwise = max(worstNormwise, try double(err.divided(by: absSum.rational)!))
            total += e
            if e > worst { worst = e; worstIndex = d }
        }
        return Report(dots: dots, length: length, maxRelativeError: worst, meanRelativeError: total / Double(max(dots, 1)),
                      worstIndex: worstIndex, maxNormwiseError: worstNormwise)
    }
}

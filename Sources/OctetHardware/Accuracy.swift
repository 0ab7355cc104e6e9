import Foundation
import Octet
import OctetExact

/// A zero-mean, symmetric data distribution with closed-form tail moments.
public enum DataDistribution: String, Sendable, Hashable, CaseIterable {
    /// Uniform on [−√3, √3] (σ = 1).
    case uniform
    /// Standard normal (σ = 1).
    case gaussian
    /// Laplace with scale 1/√2 (σ = 1).
    case laplace
    /// Student's t with ν = 3 degrees of freedom (σ = √3).
    case studentT3 = "student-t3"

    public var sigma: Double { self == .studentT3 ? 3.0.squareRoot() : 1 }

    /// The upper-tail moments U_k(x) = ∫_x^∞ t^k p(t) dt, k = 0, 1, 2, for x ≥ 0 (x = +∞ allowed),
    /// each written without cancellation so that far-tail cells keep their relative accuracy.
    func upperTail(_ x: Double) -> (Double, Double, Double) {
        if x == .infinity { return (0, 0, 0) }
        precondition(x >= 0)
        switch self {
        case .uniform:
            let h = 3.0.squareRoot()
            guard x < h else { return (0, 0, 0) }
            let d = 1 / (2 * h)
            return ((h - x) * d, (3 - x * x) / 2 * d, (3 * h - x * x * x) / 3 * d)
        case .gaussian:
            let phi = Foundation.exp(-x * x / 2) / (2 * Double.pi).squareRoot()
            let q = 0.5 * Foundation.erfc(x / 2.0.squareRoot())
            return (q, phi, q + x * phi)
        case .laplace:
            let b = 1 / 2.0.squareRoot()
            let e = 0.5 * Foundation.exp(-x / b)
            return (e, e * (x + b), e * (x * x + 2 * b * x + 2 * b * b))
        case .studentT3:
            // p(t) = 6√3 / (π (3 + t²)²). With u = √3/x: U0 = (atan u − u/(1+u²))/π,
            // U1 = 3√3/(π(3 + x²)), U2 = 3(atan u + u/(1+u²))/π.
            let r3 = 3.0.squareRoot()
            let u = x == 0 ? Double.infinity : r3 / x
            let atanU = Foundation.atan(u)
            let w = u.isInfinite ? 0 : u / (1 + u * u)
            let u0: Double
            if u < 0.1 {
                // atan u − u/(1+u²) = Σ_{k≥1} (−1)^(k+1) · 2k/(2k+1) · u^(2k+1)
                var sum = 0.0, power = u * u * u, sign = 1.0
                for k in 1...12 {
                    sum += sign * Double(2 * k) / Double(2 * k + 1) * power
                    power *= u * u
                    sign = -sign
                }
                u0 = sum / Double.pi
            } else {
                u0 = (atanU - w) / Double.pi
            }
            return (u0, 3 * r3 / (Double.pi * (3 + x * x)), 3 * (atanU + w) / Double.pi)
        }
    }

    /// ∫_a^b x^k p(x) dx for k = 0, 1, 2, a < b (±∞ allowed), exactly from the tail moments.
    func moments(_ a: Double, _ b: Double) -> (Double, Double, Double) {
        if a >= 0 {
            let (p0, p1, p2) = upperTail(a), (q0, q1, q2) = upperTail(b)
            return (p0 - q0, p1 - q1, p2 - q2)
        }
        if b <= 0 {
            // Mirror: ∫_a^b x^k p = (−1)^k ∫_{−b}^{−a} y^k p.
            let (p0, p1, p2) = upperTail(-b), (q0, q1, q2) = upperTail(-a)
            return (p0 - q0, -(p1 - q1), p2 - q2)
        }
        let (l0, l1, l2) = moments(a, 0), (r0, r1, r2) = moments(0, b)
        return (l0 + r0, l1 + r1, l2 + r2)
    }

    /// The density, for the quadrature cross-check.
    public func density(_ x: Double) -> Double {
        switch self {
        case .uniform: let h = 3.0.squareRoot(); return abs(x) <= h ? 1 / (2 * h) : 0
        case .gaussian: return Foundation.exp(-x * x / 2) / (2 * Double.pi).squareRoot()
        case .laplace: let b = 1 / 2.0.squareRoot(); return Foundation.exp(-abs(x) / b) / (2 * b)
        case .studentT3: let d = 3 + x * x; return 6 * 3.0.squareRoot() / (Double.pi * d * d)
        }
    }
}

/// "Bits of accuracy" of a quantization grid (van Baalen et al. 2023 §4.1, Figure 5):
/// log2(σ / RMSE) at the MSE-optimal scale, computed by integrating the squared error over every
/// cell of the exact grid (closed-form moments; no sampling).
public enum QuantizationAccuracy {
    public struct Result: Sendable, Hashable {
        public let bits: Double
        /// The optimal scale s (grid value g represents s·g), the clipping point s·max|g| in units
        /// of σ, and the RMSE.
        public let scale: Double
        public let clipInSigmas: Double
        public let rmse: Double
    }

    /// The grid of an operand as Doubles (exact: 8-bit values have at most 8 significant bits).
    public static func grid(_ operand: MACOperand) -> [Double] {
        operand.grid.map { v in
            Double(v.numerator.toString())! / Double(v.denominator.toString())!
        }
    }

    /// E[(X − Q_s(X))²] with Q_s the nearest point of s·grid (decision points at midpoints; the
    /// outer cells run to ±∞, so values beyond the range clip to it).
    public static func meanSquaredError(grid: [Double], scale s: Double, _ d: DataDistribution) -> Double {
        var total = 0.0
        let n = grid.count
        var lower = -Double.infinity
        for i in 0 ..< n {
            let c = s * grid[i]
            let upper = i == n - 1 ? Double.infinity : (c + s * grid[i + 1]) / 2
            let (m0, m1, m2) = d.moments(lower, upper)
            // ∫ (x − c)² p = M2 − 2c·M1 + c²·M0; a cell's error can only be ≥ 0.
            total += max(0, m2 - 2 * c * m1 + c * c * m0)
            lower = upper
        }
        return total
    }

    /// The MSE-optimal scale: a scan of the clipping point c = s·max|g| over 2^-3 σ … 2^24 σ in
    /// steps of 2^(1/16), then golden-section refinement around the three best local minima.
    public static func optimize(grid: [Double], _ d: DataDistribution) -> Result {
        let gmax = grid.map(abs).max()!
        let sigma = d.sigma
        func mse(_ log2Clip: Double) -> Double {
            meanSquaredError(grid: grid, scale: sigma * Foundation.pow(2, log2Clip) / gmax, d)
        }
        let step = 1.0 / 16
        let xs = stride(from: -3.0, through: 24.0, by: step).map { $0 }
        let ys = xs.map(mse)
        var minima: [Int] = []
        for i in ys.indices where (i == 0 || ys[i] <= ys[i - 1]) && (i == ys.count - 1 || ys[i] <= ys[i + 1]) {
            minima.append(i)
        }
        minima.sort { ys[$0] < ys[$1] }
        // Refine the three best local minima, and the three smallest clipping points among the
        // minima that tie with the best (FP grids with many binades repeat their error every
        // octave, so the optimum is then a family: the smallest clipping point is reported).
        let bestScan = ys[minima[0]]
        let ties = minima.filter { ys[$0] <= bestScan * (1 + 1e-6) }.sorted { xs[$0] < xs[$1] }
        var refined: [(x: Double, y: Double)] = []
        let ratio = (5.0.squareRoot() - 1) / 2
        for i in Array(minima.prefix(3)) + ties.prefix(3) {
            var lo = xs[i] - step, hi = xs[i] + step
            var x1 = hi - ratio * (hi - lo), x2 = lo + ratio * (hi - lo)
            var f1 = mse(x1), f2 = mse(x2)
            for _ in 0 ..< 48 {
                if f1 < f2 {
                    hi = x2; x2 = x1; f2 = f1
                    x1 = hi - ratio * (hi - lo); f1 = mse(x1)
                } else {
                    lo = x1; x1 = x2; f1 = f2
                    x2 = lo + ratio * (hi - lo); f2 = mse(x2)
                }
            }
            let x = (lo + hi) / 2
            refined.append((x, mse(x)))
            refined.append((xs[i], ys[i]))
        }
        let minimum = refined.map(\.y).min()!
        let best = refined.filter { $0.y <= minimum * (1 + 1e-9) }.min { $0.x < $1.x }!
        let rmse = best.y.squareRoot()
        let clip = Foundation.pow(2, best.x)
        return Result(bits: Foundation.log2(sigma / rmse), scale: sigma * clip / gmax, clipInSigmas: clip, rmse: rmse)
    }

    public static func bits(_ operand: MACOperand, _ d: DataDistribution) -> Result {
        optimize(grid: grid(operand), d)
    }

    /// The same MSE by Gauss–Legendre quadrature (20 nodes per cell and per piece of the support;
    /// the outer cells mapped onto finite intervals by x = b/t): an independent check of the
    /// closed forms, used by the tests.
    public static func meanSquaredErrorByQuadrature(grid: [Double], scale s: Double, _ d: DataDistribution) -> Double {
        var total = 0.0
        let n = grid.count
        var lower = -Double.infinity
        for i in 0 ..< n {
            let c = s * grid[i]
            let upper = i == n - 1 ? Double.infinity : (c + s * grid[i + 1]) / 2
            total += cellByQuadrature(lower, upper, c, d)
            lower = upper
        }
        return total
    }

    static func cellByQuadrature(_ a: Double, _ b: Double, _ c: Double, _ d: DataDistribution) -> Double {
        let f = { (x: Double) in (x - c) * (x - c) * d.density(x) }
        // Split at 0, ±1 and the uniform support edges so every piece is smooth.
        var cuts = [a, b]
        for p in [-1.0, 0, 1, -(3.0.squareRoot()), 3.0.squareRoot()] where p > a && p < b { cuts.append(p) }
        cuts.sort()
        var sum = 0.0
        for (lo, hi) in zip(cuts, cuts.dropFirst()) {
            if hi == .infinity {
                // x = lo/t, t ∈ (0, 1], lo ≥ 1: ∫ f(lo/t) lo/t² dt.
                sum += gaussLegendre(0, 1) { t in t == 0 ? 0 : f(lo / t) * lo / (t * t) }
            } else if lo == -.infinity {
                sum += gaussLegendre(0, 1) { t in t == 0 ? 0 : f(hi / t) * (-hi) / (t * t) }
            } else {
                // Inside [−1, 1]: pieces of width ≤ 1/4; outside: geometric pieces (ratio ≤ 5/4),
                // so the heavy tails are resolved on a logarithmic scale.
                var x = lo
                while x < hi {
                    let next: Double
                    if x >= 1 { next = min(hi, x * 1.25) }
                    else if hi <= -1 { next = min(hi, x / 1.25) }
                    else { next = min(hi, x + 0.25) }
                    sum += gaussLegendre(x, next, f)
                    x = next
                }
            }
        }
        return sum
    }

    /// 20-point Gauss–Legendre nodes and weights on [−1, 1] (positive half).
    static let nodes: [(Double, Double)] = [
        (0.0765265211334973, 0.1527533871307258), (0.2277858511416451, 0.1491729864726037),
        (0.3737060887154195, 0.1420961093183820), (0.5108670019508271, 0.1316886384491766),
        (0.6360536807265150, 0.1181945319615184), (0.7463319064601508, 0.1019301198172404),
        (0.8391169718222188, 0.0832767415767048), (0.9122344282513259, 0.0626720483341091),
        (0.9639719272779138, 0.0406014298003869), (0.9931285991850949, 0.0176140071391521),
    ]

    static func gaussLegendre(_ a: Double, _ b: Double, _ f: (Double) -> Double) -> Double {
        let m = (a + b) / 2, h = (b - a) / 2
        var s = 0.0
        for (x, w) in nodes { s += w * (f(m - h * x) + f(m + h * x)) }
        return s * h
    }
}

/// Figure 5 of the paper: bits of accuracy of INT8 and FP8-E2…E5 for three distributions.
public enum Figure5 {
    public static let formatNames = ["int8:symmetric", "fp8_e2m5", "fp8_e3m4", "fp8_e4m3", "fp8_e5m2"]
    public static let formatLabels = ["INT8", "E2", "E3", "E4", "E5"]
    public static let distributions: [DataDistribution] = [.uniform, .gaussian, .studentT3]
    public static let distributionLabels = ["Uniform", "Normal", "Student-t (ν=3)"]
    /// Digitized bar heights [distribution][format], ±0.01 bit (`../shared/reference/paper.md` §7).
    public static let digitized: [[Double]] = [
        [7.98, 7.34, 6.41, 5.43, 4.46],
        [6.72, 7.08, 6.23, 5.23, 4.24],
        [2.88, 3.21, 4.19, 5.16, 4.24],
    ]
}

/// One row of `octet accuracy`.
public struct AccuracyRow: Sendable {
    public let section: AreaRow.Section
    public let operand: MACOperand
    public let distribution: DataDistribution
    public let result: QuantizationAccuracy.Result
    public let paper: Double?

    public init(section: AreaRow.Section, operand: MACOperand, distribution: DataDistribution,
                result: QuantizationAccuracy.Result, paper: Double?) {
        self.section = section
        self.operand = operand
        self.distribution = distribution
        self.result = result
        self.paper = paper
    }

    public static func paperRows() -> [AccuracyRow] {
        var rows: [AccuracyRow] = []
        for (i, d) in Figure5.distributions.enumerated() {
            for (j, name) in Figure5.formatNames.enumerated() {
                let op = try! MACOperand.named(name)
                rows.append(AccuracyRow(section: .paper, operand: op, distribution: d,
                                        result: QuantizationAccuracy.bits(op, d), paper: Figure5.digitized[i][j]))
            }
        }
        return rows
    }

    public static let beyondFormats = ["int8", "float8_e4m3fn", "float8_e5m2", "binary8p4se", "int4", "float4_e2m1fn"]

    /// The other formats on all four distributions, and the paper's formats on Laplace data.
    public static func beyondRows() -> [AccuracyRow] {
        var rows: [AccuracyRow] = []
        for name in Figure5.formatNames {
            let op = try! MACOperand.named(name)
            rows.append(AccuracyRow(section: .beyond, operand: op, distribution: .laplace,
                                    result: QuantizationAccuracy.bits(op, .laplace), paper: nil))
        }
        for name in beyondFormats {
            let op = try! MACOperand.named(name)
            for d in DataDistribution.allCases {
                rows.append(AccuracyRow(section: .beyond, operand: op, distribution: d,
                                        result: QuantizationAccuracy.bits(op, d), paper: nil))
            }
        }
        return rows
    }
}

/// An exact rational number `numerator / denominator`, always in lowest terms with a positive
/// denominator, so equal values have equal representations.
///
/// Built on `BigInt` rather than `mpq_t`: the reference needs a handful of operations (compare,
/// add, multiply, floor, log2) and keeping the two integers visible makes the rounding code read
/// like its specification. Measured cost is irrelevant here; hot loops use fixed point.
public struct Rational: Sendable, Hashable {
    public let numerator: BigInt
    public let denominator: BigInt

    /// Assumes the caller passes lowest terms with a positive denominator.
    @inlinable init(reduced n: BigInt, _ d: BigInt) {
        numerator = n
        denominator = d
    }

    public init(_ n: BigInt) {
        self.init(reduced: n, BigInt(1))
    }

    public init(_ n: Int) { self.init(BigInt(n)) }

    /// `n / d`, reduced. Returns nil when d is zero.
    public init?(numerator n: BigInt, denominator d: BigInt) {
        guard !d.isZero else { return nil }
        let g = BigInt.gcd(n, d)
        var nn = n.floorDivided(by: g).quotient
        var dd = d.floorDivided(by: g).quotient
        if dd.isNegative { nn = -nn; dd = -dd }
        self.init(reduced: nn, dd)
    }

    /// `m · 2^e` exactly.
    public init(_ m: BigInt, timesTwoToThe e: Int) {
        if e >= 0 || m.isZero {
            self.init(reduced: e >= 0 ? m << e : m, BigInt(1))
        } else {
            // Cancel common factors of two before building the denominator.
            let t = min(m.trailingZeroBitCount ?? 0, -e)
            self.init(reduced: m >> t, BigInt(1) << (-e - t))
        }
    }

    public static let zero = Rational(0)
    public static let one = Rational(1)

    @inlinable public var signum: Int { numerator.signum }
    @inlinable public var isZero: Bool { numerator.isZero }
    @inlinable public var isNegative: Bool { numerator.isNegative }
    @inlinable public var isInteger: Bool { denominator == BigInt(1) }
    public var magnitude: Rational { Rational(reduced: numerator.magnitude, denominator) }

    /// Whether the value is `m · 2^e` for integers m, e (the denominator is a power of two).
    public var isDyadic: Bool { denominator.isPowerOfTwo }

    public static func + (l: Rational, r: Rational) -> Rational {
        if l.denominator == r.denominator {
            return Rational(numerator: l.numerator + r.numerator, denominator: l.denominator)!
        }
        return Rational(numerator: l.numerator * r.denominator + r.numerator * l.denominator,
                        denominator: l.denominator * r.denominator)!
    }
    public static prefix func - (x: Rational) -> Rational { Rational(reduced: -x.numerator, x.denominator) }
    public static func - (l: Rational, r: Rational) -> Rational { l + (-r) }
    public static func * (l: Rational, r: Rational) -> Rational {
        Rational(numerator: l.numerator * r.numerator, denominator: l.denominator * r.denominator)!
    }
    /// Exact quotient; nil when dividing by zero.
    public func divided(by r: Rational) -> Rational? {
        Rational(numerator: numerator * r.denominator, denominator: denominator * r.numerator)
    }

    /// `self · 2^e`, exact.
    public func timesPowerOfTwo(_ e: Int) -> Rational {
        if e >= 0 {
            return Rational(numerator: numerator << e, denominator: denominator)!
        }
        return Rational(numerator: numerator, denominator: denominator << -e)!
    }

    /// The largest integer not above the value.
    public var floor: BigInt { numerator.floorDivided(by: denominator).quotient }

    /// `floor(log2 |self|)` for a non-zero value, computed exactly from bit lengths.
    /// Precondition: self ≠ 0.
    public var floorLog2: Int {
        precondition(!isZero, "floorLog2 of zero")
        let n = numerator.magnitude, d = denominator
        // 2^(bn-1) <= n < 2^bn and 2^(bd-1) <= d < 2^bd  ⇒  e ∈ {bn-bd-1, bn-bd}.
        let e = n.bitLength - d.bitLength
        // e is right iff n >= d·2^e, i.e. n·2^-e >= d.
        let lhs = e >= 0 ? n : n << -e
        let rhs = e >= 0 ? d << e : d
        return lhs >= rhs ? e : e - 1
    }

    /// If |self| is exactly a power of two, its exponent.
    public var exactLog2: Int? {
        guard !isZero, numerator.magnitude.isPowerOfTwo || numerator.magnitude == BigInt(1),
              denominator.isPowerOfTwo || denominator == BigInt(1) else { return nil }
        return (numerator.magnitude.bitLength - 1) - (denominator.bitLength - 1)
    }
}

extension Rational: Comparable {
    public static func < (l: Rational, r: Rational) -> Bool {
        if l.denominator == r.denominator { return l.numerator < r.numerator }
        return l.numerator * r.denominator < r.numerator * l.denominator
    }
}

extension Rational: CustomStringConvertible {
    /// `p/q`, or just `p` for integers.
    public var description: String {
        isInteger ? numerator.description : "\(numerator)/\(denominator)"
    }
}

/// An exact dyadic rational `significand · 2^exponent`, kept with an odd significand (or zero), so
/// equal values have equal representations.
///
/// Every value of a binary floating-point or integer format is dyadic, and so are their exact
/// products and sums: the reference's multiply-accumulate works in this type because adding two
/// dyadics only shifts and adds (no gcd, unlike `Rational`).
public struct Dyadic: Sendable, Hashable {
    public let significand: BigInt
    public let exponent: Int

    public init(_ significand: BigInt, exponent: Int) {
        if significand.isZero {
            self.significand = significand
            self.exponent = 0
        } else {
            let t = significand.trailingZeroBitCount!
            self.significand = t == 0 ? significand : significand >> t
            self.exponent = exponent + t
        }
    }

    public init(_ n: Int) { self.init(BigInt(n), exponent: 0) }

    /// The dyadic equal to `r`, or nil when `r`'s denominator is not a power of two.
    public init?(exactly r: Rational) {
        guard r.denominator.isPowerOfTwo else { return nil }
        self.init(r.numerator, exponent: -(r.denominator.bitLength - 1))
    }

    public static let zero = Dyadic(BigInt(0), exponent: 0)

    public var isZero: Bool { significand.isZero }
    public var isNegative: Bool { significand.isNegative }
    public var signum: Int { significand.signum }
    public var magnitude: Dyadic { Dyadic(significand.magnitude, exponent: exponent) }
    public var rational: Rational { Rational(significand, timesTwoToThe: exponent) }

    /// `floor(log2 |self|)`; precondition: non-zero.
    public var floorLog2: Int { exponent + significand.bitLength - 1 }

    public static func + (l: Dyadic, r: Dyadic) -> Dyadic {
        if l.isZero { return r }
        if r.isZero { return l }
        let e = min(l.exponent, r.exponent)
        return Dyadic((l.significand << (l.exponent - e)) + (r.significand << (r.exponent - e)), exponent: e)
    }
    public static prefix func - (x: Dyadic) -> Dyadic { Dyadic(-x.significand, exponent: x.exponent) }
    public static func - (l: Dyadic, r: Dyadic) -> Dyadic { l + (-r) }
    public static func * (l: Dyadic, r: Dyadic) -> Dyadic {
        Dyadic(l.significand * r.significand, exponent: l.exponent + r.exponent)
    }

    /// `self · 2^k`.
    public func timesPowerOfTwo(_ k: Int) -> Dyadic { Dyadic(significand, exponent: exponent + k) }

    /// The integer `self / 2^k`, rounded toward zero, and whether anything was cut off.
    public func truncatedMultiple(ofPowerOfTwo k: Int) -> (BigInt, inexact: Bool) {
        let shift = exponent - k
        if shift >= 0 { return (significand << shift, false) }
        let m = significand.magnitude
        let q = m >> -shift
        let exact = (q << -shift) == m
        return (significand.isNegative ? -q : q, !exact)
    }
}

extension Dyadic: Comparable {
    public static func < (l: Dyadic, r: Dyadic) -> Bool { (l - r).isNegative }
}

extension Dyadic: CustomStringConvertible {
    public var description: String { rational.terminatingDecimal! }
}

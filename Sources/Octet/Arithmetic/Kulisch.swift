import OctetExact

/// A fixed-point accumulator register: W-bit two's complement integers times 2^lsb, so it holds
/// the values `k · 2^lsb` with `-2^(W-1) ≤ k < 2^(W-1)`.
public struct KulischRegister: Sendable, Hashable {
    public let width: Int
    public let lsbExponent: Int
    /// Weight of the top (sign) bit: `lsbExponent + width - 1`.
    public var msbExponent: Int { lsbExponent + width - 1 }

    public init(width: Int, lsbExponent: Int) {
        self.width = width
        self.lsbExponent = lsbExponent
    }

    public var maxInteger: BigInt { (BigInt(1) << (width - 1)) - BigInt(1) }
    public var minInteger: BigInt { -(BigInt(1) << (width - 1)) }
    public func holds(_ k: BigInt) -> Bool { k >= minInteger && k <= maxInteger }
}

/// The smallest Kulisch register that holds every sum of up to 2^V products of two formats.
///
/// Derivation: every finite value of a binary (or integer) format is a multiple of its smallest
/// positive magnitude, a power of two, so every product is a multiple of the product of those two:
/// that is the LSB. A product a·b is bilinear, so over the formats' ranges its smallest and largest
/// values are products of their extremes (the corners `min A · min B`, `min A · max B`, …):
/// `minProduct` and `maxProduct`.
/// Every sum of up to 2^V products then lies in `[min(0, 2^V·minProduct), max(0, 2^V·maxProduct)]`,
/// and both ends are sums of 2^V equal products, so the register must hold them: W is the smallest
/// two's-complement width whose range `−2^(W−1) … 2^(W−1) − 1` (in LSB units) contains both.
/// This is the signed range, not `max |a·b|`: for `int8 × uint1` the products are −128 … 127, and
/// the largest magnitude 128 = 2^7 is reached only by the negative product, which 8 bits hold.
/// Inf and NaN codes are not numbers and take no register bits.
public struct KulischDerivation: Sendable, Hashable {
    public let register: KulischRegister
    public let termsLog2: Int
    /// The most negative and the most positive product (0 counts when a format has a zero).
    public let minProduct: Rational
    public let maxProduct: Rational
    public let maxAbsProduct: Rational
    public let minAbsProduct: Rational

    /// From the formats' facts alone.
    public static func derive(_ a: Format, _ b: Format, termsLog2 v: Int) -> KulischDerivation {
        let corners = [a.minFinite * b.minFinite, a.minFinite * b.maxFinite, a.maxFinite * b.minFinite, a.maxFinite * b.maxFinite]
        let maxAbs = maxMagnitude(a) * maxMagnitude(b)
        let minAbs = minPositive(a) * minPositive(b)
        return make(minP: corners.min()!, maxP: corners.max()!, maxAbs: maxAbs, minAbs: minAbs, lsb: minAbs.exactLog2!, v: v)
    }

    /// The number of code pairs of A and B (an upper bound on the products `enumerate` forms);
    /// `Int.max` when a format is not enumerable.
    public static func enumerationSize(_ a: Format, _ b: Format) -> Int {
        guard a.isEnumerable && b.isEnumerable else { return Int.max }
        return a.codeCount * b.codeCount
    }

    /// The `enumerationSize` up to which `octet kulisch` enumerates: the cap is about cost only.
    /// 2^17 code pairs covers every pair of ≤ 8-bit formats (at most 2^16) and a 16-bit format
    /// times a 1-bit one (`int16 × uint1`: 2^16 · 2); 16-bit × 16-bit pairs (2^32) are skipped.
    public static let enumerationLimit = 1 << 17

    /// By enumerating every product of a distinct finite value of A with one of B (2^16 products
    /// for 8-bit formats): the most negative and most positive product, the largest product
    /// magnitude, the smallest non-zero one, and the LSB as the smallest power of two dividing
    /// every product. Agrees with `derive` — the tests check it for every format pair they cover.
    public static func enumerate(_ a: Format, _ b: Format, termsLog2 v: Int) -> KulischDerivation {
        let xs = finiteValues(a), ys = finiteValues(b)
        var lo = xs[0] * ys[0], hi = lo
        var maxAbs = Dyadic.zero
        var minAbs: Dyadic?
        var lsb = Int.max
        for x in xs {
            for y in ys {
                let p = x * y
                if p < lo { lo = p }
                if p > hi { hi = p }
                if p.isZero { continue }
                let m = p.magnitude
                if m > maxAbs { maxAbs = m }
                if minAbs == nil || m < minAbs! { minAbs = m }
                lsb = min(lsb, p.exponent)   // Dyadic keeps an odd significand: exponent = 2-adic valuation
            }
        }
        return make(minP: lo.rational, maxP: hi.rational, maxAbs: maxAbs.rational, minAbs: minAbs!.rational, lsb: lsb, v: v)
    }

    /// The distinct finite values of an enumerable format (±0 once).
    static func finiteValues(_ f: Format) -> [Dyadic] {
        Array(Set(f.operandTable.compactMap(\.dyadic)))
    }

    /// The smallest W whose two's-complement range `−2^(W−1) … 2^(W−1) − 1` contains k
    /// (1 for 0 and −1).
    public static func twosComplementWidth(_ k: BigInt) -> Int {
        k.isNegative ? (-k - BigInt(1)).bitLength + 1 : k.bitLength + 1
    }

    private static func make(minP: Rational, maxP: Rational, maxAbs: Rational, minAbs: Rational, lsb: Int, v: Int) -> KulischDerivation {
        // 2^V · minP / 2^lsb and 2^V · maxP / 2^lsb are integers (the extreme sums in LSB units);
        // W is the smallest two's-complement width holding both (and so 0 and all between).
        let lo = minP.timesPowerOfTwo(v - lsb), hi = maxP.timesPowerOfTwo(v - lsb)
        precondition(lo.isInteger && hi.isInteger)
        let width = max(twosComplementWidth(lo.numerator), twosComplementWidth(hi.numerator))
        return KulischDerivation(register: KulischRegister(width: width, lsbExponent: lsb), termsLog2: v,
                                 minProduct: minP, maxProduct: maxP, maxAbsProduct: maxAbs, minAbsProduct: minAbs)
    }

    static func maxMagnitude(_ f: Format) -> Rational {
        let hi = f.maxFinite.magnitude, lo = f.minFinite.magnitude
        return hi > lo ? hi : lo
    }

    static func minPositive(_ f: Format) -> Rational {
        switch f.kind {
        case .integer: return .one
        case .float(let fl): return fl.minSubnormal ?? fl.minNormal
        case .tapered(let t): return t.minPositive
        }
    }
}

/// Why a Kulisch accumulation stopped.
public enum KulischError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The running sum left the register after adding term `index` (0-based).
    case overflow(index: Int, width: Int)
    /// A product is not a multiple of the register's LSB.
    case belowLSB(index: Int, lsbExponent: Int)

    public var description: String {
        switch self {
        case .overflow(let i, let w): return "Kulisch register overflow: the sum after term \(i) does not fit \(w) bits"
        case .belowLSB(let i, let lsb): return "term \(i) is not a multiple of the register's LSB 2^\(lsb)"
        }
    }
}

extension KulischRegister {
    /// Accumulates exact products in the register, checking the range after every addition.
    /// Returns the register's value (exact). Non-finite products bypass the register: the result
    /// is then the IEEE special sum of the products, as for the exact model.
    public func accumulate(_ products: [Operand], rounding: RoundingMode = .rne) throws(KulischError) -> Operand {
        if products.contains(where: { $0.dyadic == nil }) { return ExactArithmetic.sum(products, rounding: rounding) }
        var k = BigInt(0)
        for (i, p) in products.enumerated() {
            let d = p.dyadic!
            let (units, inexact) = d.truncatedMultiple(ofPowerOfTwo: lsbExponent)
            if inexact { throw .belowLSB(index: i, lsbExponent: lsbExponent) }
            k += units
            if !holds(k) { throw .overflow(index: i, width: width) }
        }
        // The register has no sign of zero: an exactly zero sum follows the exact model's rule.
        if k.isZero { return ExactArithmetic.sum(products, rounding: rounding) }
        return .finite(Dyadic(k, exponent: lsbExponent), negativeZero: false)
    }
}

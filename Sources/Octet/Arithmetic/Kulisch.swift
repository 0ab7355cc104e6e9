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
/// that is the LSB. The largest product magnitude is `maxAbs(A) · maxAbs(B)`, so any sum of 2^V
/// products has magnitude at most `2^V · maxAbs(A) · maxAbs(B)`, and W is that bound's bit length
/// in LSB units plus a sign bit. Inf and NaN codes are not numbers and take no register bits.
public struct KulischDerivation: Sendable, Hashable {
    public let register: KulischRegister
    public let termsLog2: Int
    public let maxAbsProduct: Rational
    public let minAbsProduct: Rational

    /// From the formats' facts alone.
    public static func derive(_ a: Format, _ b: Format, termsLog2 v: Int) -> KulischDerivation {
        let maxAbs = maxMagnitude(a) * maxMagnitude(b)
        let minAbs = minPositive(a) * minPositive(b)
        return make(maxAbs: maxAbs, minAbs: minAbs, lsb: minAbs.exactLog2!, v: v)
    }

    /// By enumerating every pair of finite codes (2^16 pairs for 8-bit formats): the largest
    /// product magnitude, the smallest non-zero one, and the LSB as the smallest power of two
    /// dividing every product. Agrees with `derive` — the tests check it for every format pair.
    public static func enumerate(_ a: Format, _ b: Format, termsLog2 v: Int) -> KulischDerivation {
        let xs = a.operandTable.compactMap(\.dyadic).filter { !$0.isZero }
        let ys = b.operandTable.compactMap(\.dyadic).filter { !$0.isZero }
        var maxAbs = Dyadic.zero
        var minAbs: Dyadic?
        var lsb = Int.max
        for x in xs {
            for y in ys {
                let p = (x * y).magnitude
                if p > maxAbs { maxAbs = p }
                if minAbs == nil || p < minAbs! { minAbs = p }
                lsb = min(lsb, p.exponent)   // Dyadic keeps an odd significand: exponent = 2-adic valuation
            }
        }
        return make(maxAbs: maxAbs.rational, minAbs: minAbs!.rational, lsb: lsb, v: v)
    }

    private static func make(maxAbs: Rational, minAbs: Rational, lsb: Int, v: Int) -> KulischDerivation {
        // 2^V · maxAbs / 2^lsb is an integer: its bit length plus the sign bit is W.
        let bound = maxAbs.timesPowerOfTwo(v - lsb)
        precondition(bound.isInteger)
        let width = bound.numerator.bitLength + 1
        return KulischDerivation(register: KulischRegister(width: width, lsbExponent: lsb), termsLog2: v,
                                 maxAbsProduct: maxAbs, minAbsProduct: minAbs)
    }

    static func maxMagnitude(_ f: Format) -> Rational {
        let hi = f.maxFinite.magnitude, lo = f.minFinite.magnitude
        return hi > lo ? hi : lo
    }

    static func minPositive(_ f: Format) -> Rational {
        switch f.kind {
        case .integer: return .one
        case .float(let fl): return fl.minSubnormal ?? fl.minNormal
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

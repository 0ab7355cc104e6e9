import OctetExact

/// A decoded operand in the form the arithmetic wants: a dyadic with the sign of zero kept,
/// or a special value. Every value of every binary format is dyadic.
public enum Operand: Sendable, Hashable {
    case finite(Dyadic, negativeZero: Bool)
    case infinity(negative: Bool)
    case nan

    public init(_ v: ExactValue) {
        switch v {
        case .zero(let n): self = .finite(.zero, negativeZero: n)
        case .number(let r):
            guard let d = Dyadic(exactly: r) else { preconditionFailure("Operand from a non-dyadic value \(r)") }
            self = .finite(d, negativeZero: false)
        case .infinity(let n): self = .infinity(negative: n)
        case .nan: self = .nan
        }
    }

    public var exactValue: ExactValue {
        switch self {
        case .finite(let d, let nz): return d.isZero ? .zero(negative: nz) : .number(d.rational)
        case .infinity(let n): return .infinity(negative: n)
        case .nan: return .nan(negative: false)
        }
    }

    /// The sign bit (negative numbers, -0, -Inf).
    public var signBit: Bool {
        switch self {
        case .finite(let d, let nz): return d.isZero ? nz : d.isNegative
        case .infinity(let n): return n
        case .nan: return false
        }
    }
    public var dyadic: Dyadic? { if case .finite(let d, _) = self { return d } else { return nil } }
}

/// Exact operations with IEEE 754's rules for special values and signed zeros. Nothing is rounded
/// here: a result is rounded once, by `Format.encode`, into whatever format the caller names.
public enum ExactArithmetic {
    /// a·b: NaN if either is NaN or for Inf·0; Inf with the XOR sign; zero with the XOR sign.
    public static func multiply(_ a: Operand, _ b: Operand) -> Operand {
        switch (a, b) {
        case (.nan, _), (_, .nan): return .nan
        case (.infinity, .finite(let d, _)) where d.isZero, (.finite(let d, _), .infinity) where d.isZero: return .nan
        case (.infinity, _), (_, .infinity): return .infinity(negative: a.signBit != b.signBit)
        case (.finite(let x, _), .finite(let y, _)):
            let p = x * y
            return .finite(p, negativeZero: p.isZero && a.signBit != b.signBit)
        }
    }

    /// The exact sum of any number of terms. NaN if any term is NaN or +Inf meets -Inf; else an
    /// infinity if any. An exactly zero sum (IEEE 754 §6.3, extended from two terms to many): the
    /// empty sum is +0; zeros of one sign sum to that zero; otherwise — zeros of both signs, or
    /// non-zero terms that cancel — +0, except under `rdown`, where it is -0.
    public static func sum(_ terms: [Operand], rounding: RoundingMode = .rne) -> Operand {
        var total = Dyadic.zero
        var sawPositiveInf = false, sawNegativeInf = false
        var allNegativeZero = !terms.isEmpty
        var allPositiveZero = true
        for t in terms {
            switch t {
            case .nan: return .nan
            case .infinity(let n):
                if n { sawNegativeInf = true } else { sawPositiveInf = true }
                allNegativeZero = false
                allPositiveZero = false
            case .finite(let d, let nz):
                if !(d.isZero && nz) { allNegativeZero = false }
                if !(d.isZero && !nz) { allPositiveZero = false }
                total = total + d
            }
        }
        if sawPositiveInf && sawNegativeInf { return .nan }
        if sawPositiveInf || sawNegativeInf { return .infinity(negative: sawNegativeInf) }
        if total.isZero {
            if allNegativeZero { return .finite(.zero, negativeZero: true) }
            if allPositiveZero { return .finite(.zero, negativeZero: false) }   // includes the empty sum
            return .finite(.zero, negativeZero: rounding == .rdown)
        }
        return .finite(total, negativeZero: false)
    }

    /// Rounds an operand into `format` (one rounding), returning the code.
    public static func round(_ x: Operand, to format: Format, rounding: RoundingMode, overflow: OverflowPolicy,
                             random: StochasticBits? = nil) throws(EncodeError) -> Encoded {
        try format.encode(x.exactValue, rounding: rounding, overflow: overflow, random: random)
    }
}

extension Format {
    /// Every code's decoded operand, in code order (enumerable formats), for table-driven loops.
    public var operandTable: [Operand] {
        codes.map { Operand(value(ofCode: $0)) }
    }

    /// The operand of one code (any width).
    public func operand(ofCode code: Int) -> Operand { Operand(value(ofCode: code)) }
}

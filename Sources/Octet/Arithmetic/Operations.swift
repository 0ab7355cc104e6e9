import OctetExact

/// Single operations on codes of any formats (mixed ones included), each computed exactly and
/// rounded once into the output format.
public enum Operations {
    /// round(a · b)
    public static func mul(_ a: Int, _ af: Format, _ b: Int, _ bf: Format, into out: Format,
                           rounding: RoundingMode = .rne, overflow: OverflowPolicy = .saturate,
                           random: StochasticBits? = nil) throws(EncodeError) -> Encoded {
        let p = ExactArithmetic.multiply(af.operand(ofCode: a), bf.operand(ofCode: b))
        return try ExactArithmetic.round(p, to: out, rounding: rounding, overflow: overflow, random: random)
    }

    /// round(a + b)
    public static func add(_ a: Int, _ af: Format, _ b: Int, _ bf: Format, into out: Format,
                           rounding: RoundingMode = .rne, overflow: OverflowPolicy = .saturate,
                           random: StochasticBits? = nil) throws(EncodeError) -> Encoded {
        let s = ExactArithmetic.sum([af.operand(ofCode: a), bf.operand(ofCode: b)], rounding: rounding)
        return try ExactArithmetic.round(s, to: out, rounding: rounding, overflow: overflow, random: random)
    }

    /// round(a · b + c), one rounding (a fused multiply-add).
    public static func fma(_ a: Int, _ af: Format, _ b: Int, _ bf: Format, _ c: Int, _ cf: Format, into out: Format,
                           rounding: RoundingMode = .rne, overflow: OverflowPolicy = .saturate,
                           random: StochasticBits? = nil) throws(EncodeError) -> Encoded {
        let p = ExactArithmetic.multiply(af.operand(ofCode: a), bf.operand(ofCode: b))
        let s = ExactArithmetic.sum([p, cf.operand(ofCode: c)], rounding: rounding)
        return try ExactArithmetic.round(s, to: out, rounding: rounding, overflow: overflow, random: random)
    }
}

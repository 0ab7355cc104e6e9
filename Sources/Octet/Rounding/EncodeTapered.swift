import OctetExact

extension Format {
    /// `encode` for a tapered format (HiF8), by the rules of `encode` steps 1–4 with the binade's
    /// own precision: |x| in binade e rounds at quantum 2^(e − m(e)); below the lowest binade at that
    /// binade's quantum (between 0 and the smallest value); above the top binade at the top's
    /// quantum, so overflow is decided on the rounded value. Zero results are +0 (no -0).
    static func encodeTapered(_ x: ExactValue, _ t: TaperedFormat, rounding: RoundingMode,
                              overflow: OverflowPolicy, random: StochasticBits?) throws(EncodeError) -> Encoded {
        func beyondMax(negative: Bool, fromInfinity: Bool) -> Encoded {
            let sign = negative ? t.signBit : 0
            let maxResult = Encoded(code: sign | t.maxFiniteMagnitude, flags: fromInfinity ? .inexact : [.overflow, .inexact])
            switch overflow {
            case .saturate: return maxResult
            case .propagate: guard fromInfinity else { return maxResult }
            case .nonsaturate, .ovfinf:
                if !fromInfinity {
                    if rounding.isTowardZero(negative: negative) { return maxResult }
                    if rounding == .rto {
                        // Inf is the slot after max: round to odd takes whichever code is odd.
                        guard t.infinityMagnitude & 1 == 1 else { return maxResult }
                    }
                }
            }
            return Encoded(code: t.infinityCode(negative: negative), flags: fromInfinity ? [] : [.overflow, .inexact])
        }

        switch x {
        case .nan: return Encoded(code: t.nanCode, flags: [])
        case .infinity(let negative): return beyondMax(negative: negative, fromInfinity: true)
        case .zero: return Encoded(code: 0, flags: [])
        case .number(let r):
            let negative = r.isNegative
            let a = r.magnitude
            let e = a.floorLog2
            if e > t.maxExponent { return beyondMax(negative: negative, fromInfinity: false) }
            // The binade whose grid |x| rounds on: its own, or the lowest one for values below it.
            let b = t.binade(exponent: max(e, t.minExponent))!
            let q = b.exponent - b.mantissaBits
            let below = e < t.minExponent
            // The lower neighbour's code is t's code: 0 below the lowest binade, else first code + fraction.
            let codeOf: (Int) -> Int = { below ? ($0 == 0 ? 0 : b.firstCode) : b.firstCode + $0 - (1 << b.mantissaBits) }
            let (big, inexact) = roundScaled(a, scale: q, negative: negative, mode: rounding, random: random,
                                             lowerIsEven: { codeOf($0.asInt!) & 1 == 0 })
            let rounded = big.asInt!
            var flags: ExceptionFlags = inexact ? .inexact : []
            if e < t.normalExponent && inexact { flags.insert(.underflow) }
            if rounded == 0 { return Encoded(code: 0, flags: flags) }
            let magnitude: Int
            if below {
                magnitude = b.firstCode                       // rounded == 1: the smallest value
            } else if rounded == 1 << (b.mantissaBits + 1) {  // carried into the next binade
                guard let next = t.binade(exponent: b.exponent + 1) else {
                    return beyondMax(negative: negative, fromInfinity: false)
                }
                magnitude = next.firstCode
            } else {
                magnitude = codeOf(rounded)
            }
            // Within the top binade, codes above max (the Inf slot) are beyond the range.
            if b.exponent == t.maxExponent && magnitude > t.maxFiniteMagnitude && !below {
                return beyondMax(negative: negative, fromInfinity: false)
            }
            return Encoded(code: (negative ? t.signBit : 0) | magnitude, flags: flags)
        }
    }
}

import OctetExact

extension Format {
    /// Converts an exact value to a code of this format: one correct rounding, then the overflow
    /// policy applied to the rounded result. `Specs/formats.md` is the normative text; in short:
    ///
    /// 1. NaN → the format's NaN (sign kept where the format has NaNs of both signs);
    ///    a format without NaN throws `EncodeError.nanNotRepresentable`.
    /// 2. A finite value is rounded to the format's grid with the exponent unbounded above
    ///    (`RoundingMode`), so overflow is decided on the rounded value.
    /// 3. Zero results keep their sign where the format has -0, else are +0.
    /// 4. Out-of-range results and ±Inf follow `OverflowPolicy`. Directed modes that move toward
    ///    zero on that side (RTZ; RDOWN above, RUP below) give the finite extreme instead of Inf
    ///    or NaN, and RTO gives the one of {max, Inf} whose code is odd (max when there is no Inf).
    /// 5. Unsigned formats treat a negative value that does not round to zero as out of range at
    ///    the bottom: `saturate`/`propagate` give the smallest value, the others NaN (where the
    ///    format has one), except for modes that round such a value toward zero.
    /// 6. Formats without zero (E8M0): positive values below the smallest value give the smallest
    ///    value; zero itself is out of range at the bottom, like a negative value.
    /// 7. Integer formats round to an integer with the same modes, then saturate under every policy.
    public func encode(_ x: ExactValue, rounding: RoundingMode = .rne, overflow: OverflowPolicy = .saturate,
                       random: StochasticBits? = nil) throws(EncodeError) -> Encoded {
        if rounding == .sr && random == nil { throw .missingRandomBits }
        switch kind {
        case .integer(let i):
            return try Self.encodeInteger(x, i, rounding: rounding, random: random)
        case .float(let f):
            return try Self.encodeFloat(x, f, name: name, rounding: rounding, overflow: overflow, random: random)
        case .tapered(let t):
            return try Self.encodeTapered(x, t, rounding: rounding, overflow: overflow, random: random)
        }
    }

    /// Rounds `a / 2^q` (a > 0) to an integer: the significand of `|x|` at scale `2^q`.
    /// `lowerIsEven` tells whether the code of the lower neighbour (the truncated significand
    /// `t`) is even. Returns the rounded integer and whether it differs from `a / 2^q`.
    static func roundScaled(_ a: Rational, scale q: Int, negative: Bool, mode: RoundingMode,
                            random: StochasticBits?, lowerIsEven: (BigInt) -> Bool) -> (BigInt, Bool) {
        let num = q <= 0 ? a.numerator << -q : a.numerator
        let den = q > 0 ? a.denominator << q : a.denominator
        let (t, r) = num.floorDivided(by: den)
        if r.isZero { return (t, false) }
        let twice = r << 1
        let away: Bool
        switch mode {
        case .rtz: away = false
        case .rup: away = !negative
        case .rdown: away = negative
        case .rna: away = twice >= den
        case .rne: away = twice > den || (twice == den && !lowerIsEven(t))
        case .rto: away = lowerIsEven(t)
        case .sr:
            let bits = random!   // checked by `encode`
            let kept = (r << bits.count).floorDivided(by: den).quotient   // floor(ν · 2^N)
            away = kept + BigInt(bits.value) >= BigInt(1) << bits.count
        }
        return (away ? t + BigInt(1) : t, true)
    }

    /// `(|r|'s odd significand, exponent)` when r is dyadic with a significand below 2^62.
    static func smallDyadic(_ r: Rational) -> (UInt64, Int)? {
        let d = r.denominator
        guard d.isPowerOfTwo else { return nil }
        let n = r.numerator
        let bits = n.bitLength
        guard bits <= 62 else { return nil }
        let tz = n.trailingZeroBitCount ?? 0
        return (n.lowWord >> UInt64(tz), tz - (d.bitLength - 1))
    }

    /// `roundScaled` for `mag · 2^k` in machine integers; `t` fits an Int for every float format.
    static func roundSmall(_ mag: UInt64, k: Int, scale q: Int, negative: Bool, mode: RoundingMode,
                           random: StochasticBits?, lowerIsEven: (Int) -> Bool) -> (Int, Bool) {
        if k >= q { return (Int(mag << UInt64(k - q)), false) }   // exact: t < 2^54 for float formats
        let s = q - k                                             // bits below the kept quantum
        let t: UInt64 = s >= 64 ? 0 : mag >> UInt64(s)
        let rem: UInt64 = s >= 64 ? mag : mag & ((1 << UInt64(s)) - 1)
        if rem == 0 { return (Int(t), false) }
        // Compare 2·rem with 2^s without overflow: rem < 2^62.
        let above: Bool, tie: Bool
        if s >= 64 { above = false; tie = false } else {
            let twice = rem << 1, den = UInt64(1) << UInt64(s)
            above = twice > den
            tie = twice == den
        }
        let away: Bool
        switch mode {
        case .rtz: away = false
        case .rup: away = !negative
        case .rdown: away = negative
        case .rna: away = above || tie
        case .rne: away = above || (tie && !lowerIsEven(Int(t)))
        case .rto: away = lowerIsEven(Int(t))
        case .sr:
            let bits = random!
            let n = bits.count
            let kept: UInt64
            if s >= n { kept = s - n >= 64 ? 0 : rem >> UInt64(s - n) } else { kept = rem << UInt64(n - s) }
            away = UInt128(kept) + UInt128(bits.value) >= UInt128(1) << UInt128(n)
        }
        return (Int(t) + (away ? 1 : 0), true)
    }

    private static func encodeInteger(_ x: ExactValue, _ f: IntegerFormat, rounding: RoundingMode,
                                      random: StochasticBits?) throws(EncodeError) -> Encoded {
        switch x {
        case .nan:
            throw .nanNotRepresentable(format: f.signed ? "int\(f.bits)" : "uint\(f.bits)")
        case .infinity(let negative):
            return Encoded(code: f.code(of: negative ? f.minValue : f.maxValue), flags: .inexact)
        case .zero:
            return Encoded(code: 0, flags: [])
        case .number(let r):
            let negative = r.isNegative
            let (t, inexact) = roundScaled(r.magnitude, scale: 0, negative: negative, mode: rounding,
                                           random: random, lowerIsEven: { !$0.isOdd })
            let v = negative ? -t : t
            var flags: ExceptionFlags = inexact ? .inexact : []
            if v > BigInt(f.maxValue) {
                flags.formUnion([.overflow, .inexact])
                return Encoded(code: f.code(of: f.maxValue), flags: flags)
            }
            if v < BigInt(f.minValue) {
                flags.formUnion([.overflow, .inexact])
                return Encoded(code: f.code(of: f.minValue), flags: flags)
            }
            return Encoded(code: f.code(of: v.asInt!), flags: flags)
        }
    }

    private static func encodeFloat(_ x: ExactValue, _ f: FloatFormat, name: String, rounding: RoundingMode,
                                    overflow: OverflowPolicy, random: StochasticBits?) throws(EncodeError) -> Encoded {
        let maxCode = f.maxFiniteMagnitude
        /// The code of the smallest value of an unsigned format (0, or 2^-127 for E8M0: both code 0).
        let lowestUnsignedCode = 0

        /// Result for a value beyond the top of the range (sign `negative`).
        func beyondMax(negative: Bool, fromInfinity: Bool) throws(EncodeError) -> Encoded {
            let sign = negative ? f.signBit : 0
            let maxResult = Encoded(code: sign | maxCode, flags: fromInfinity ? .inexact : [.overflow, .inexact])
            let special: Int?
            switch overflow {
            case .saturate:
                return maxResult
            case .propagate:
                guard fromInfinity else { return maxResult }
                special = f.infinityCode(negative: negative) ?? f.nanCode(negative: negative)
            case .nonsaturate, .ovfinf:
                if !fromInfinity {
                    if rounding.isTowardZero(negative: negative) { return maxResult }
                    if rounding == .rto {
                        // Inf is the code after max: round to odd picks whichever code is odd.
                        if let inf = f.infinityCode(negative: negative), (inf & f.magnitudeMask) & 1 == 1, maxCode & 1 == 0 {
                            return Encoded(code: inf, flags: [.overflow, .inexact])
                        }
                        return maxResult
                    }
                }
                special = overflow == .ovfinf ? f.infinityCode(negative: negative)
                                              : (f.infinityCode(negative: negative) ?? f.nanCode(negative: negative))
            }
            guard let code = special else { return maxResult }
            var flags: ExceptionFlags = fromInfinity ? [] : [.overflow, .inexact]
            if f.classify(code) == .nan { flags.insert(.invalid) }
            return Encoded(code: code, flags: flags)
        }

        /// Result for a value below the bottom of an unsigned or zero-less format: a negative
        /// value that does not round to zero, -Inf, or zero in a format without zero.
        func belowMin(towardZero: Bool, fromInfinity: Bool, isZero: Bool) -> Encoded {
            let lowest = Encoded(code: lowestUnsignedCode, flags: isZero ? .inexact : (fromInfinity ? .inexact : [.overflow, .inexact]))
            switch overflow {
            case .saturate:
                return lowest
            case .propagate:
                guard fromInfinity, let nan = f.nanCode(negative: true) else { return lowest }
                return Encoded(code: nan, flags: .invalid)
            case .nonsaturate, .ovfinf:
                if towardZero && !fromInfinity && !isZero { return lowest }
                guard let nan = f.nanCode(negative: true) else { return lowest }
                return Encoded(code: nan, flags: (fromInfinity || isZero) ? .invalid : [.invalid, .overflow, .inexact])
            }
        }

        switch x {
        case .nan(let negative):
            guard let code = f.nanCode(negative: negative) else { throw .nanNotRepresentable(format: name) }
            return Encoded(code: code, flags: [])

        case .infinity(let negative):
            if negative && !f.signed { return belowMin(towardZero: false, fromInfinity: true, isZero: false) }
            return try beyondMax(negative: negative, fromInfinity: true)

        case .zero(let negative):
            guard f.hasZero else { return belowMin(towardZero: false, fromInfinity: false, isZero: true) }
            return Encoded(code: negative && f.hasNegativeZero ? f.signBit : 0, flags: [])

        case .number(let r):
            let negative = r.isNegative
            let e: Int
            let t: Int
            let inexact: Bool
            let q: Int
            if let (mag, k) = Self.smallDyadic(r) {
                // Fast path, same rules in machine integers: |x| = mag · 2^k with mag < 2^62.
                e = k + (UInt64.bitWidth - mag.leadingZeroBitCount) - 1
                if e < f.minExponent && !f.hasZero && !negative {
                    return Encoded(code: 0, flags: [.underflow, .inexact])
                }
                q = max(e, f.minExponent) - f.mantissaBits
                (t, inexact) = Self.roundSmall(mag, k: k, scale: q, negative: negative, mode: rounding, random: random,
                                               lowerIsEven: { f.mantissaBits > 0 ? $0 & 1 == 0 : ($0 == 0 || (q + f.bias) & 1 == 0) })
            } else {
                let a = r.magnitude
                e = a.floorLog2
                if e < f.minExponent && !f.hasZero && !negative {
                    // Nothing lies below the smallest value: every mode gives it.
                    return Encoded(code: 0, flags: [.underflow, .inexact])
                }
                q = max(e, f.minExponent) - f.mantissaBits
                let bias = f.bias
                let qq = q
                let lowerIsEven: (BigInt) -> Bool = f.mantissaBits > 0
                    ? { !$0.isOdd }
                    : { $0.isZero || (qq + bias) & 1 == 0 }
                let (big, ix) = roundScaled(a, scale: q, negative: negative, mode: rounding, random: random,
                                            lowerIsEven: lowerIsEven)
                t = big.asInt!   // at most 2^(M+1): M ≤ 52
                inexact = ix
            }
            let bias = f.bias
            let tiny = e < f.minExponent
            var flags: ExceptionFlags = inexact ? .inexact : []
            if tiny && inexact { flags.insert(.underflow) }

            if t == 0 {
                if !f.hasZero {   // only negative values get here
                    return belowMin(towardZero: rounding.isTowardZero(negative: true), fromInfinity: false, isZero: true)
                }
                return Encoded(code: negative && f.hasNegativeZero ? f.signBit : 0, flags: flags)
            }
            if negative && !f.signed {
                return belowMin(towardZero: rounding.isTowardZero(negative: true), fromInfinity: false, isZero: false)
            }

            let m = f.mantissaBits
            let length = Int.bitWidth - t.leadingZeroBitCount
            let resultExponent = q + length - 1
            let magnitude: Int
            if f.subnormals && resultExponent < f.minExponent {
                magnitude = t                                 // subnormal: exponent field 0
            } else {
                let expField = resultExponent + bias
                // t has m+1 bits, or m+2 after a carry (then it is exactly 2^(m+1)).
                let significand = t >> (length - 1 - m)
                let fraction = significand - (1 << m)
                guard expField <= f.maxExponentField else {
                    return try beyondMax(negative: negative, fromInfinity: false)
                }
                magnitude = expField << m | fraction
            }
            guard magnitude <= maxCode else { return try beyondMax(negative: negative, fromInfinity: false) }
            return Encoded(code: (negative ? f.signBit : 0) | magnitude, flags: flags)
        }
    }
}

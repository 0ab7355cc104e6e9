extension Rational {
    /// The exact value as a terminating decimal (`0.001953125`, `448`, `-1.5`), or nil when the
    /// denominator has a prime factor other than 2 and 5 (the expansion would not terminate).
    /// No exponent notation and no trailing zeros, so equal values print identically.
    public var terminatingDecimal: String? {
        let twos = denominator.trailingZeroBitCount ?? 0
        // All factors of five at once: dividing by 5 one step at a time is quadratic, minutes
        // for the 10^-1,000,000 that the parser accepts.
        let (rest, fives) = (denominator >> twos).removingAllFactors(BigInt(5))
        guard rest == BigInt(1) else { return nil }
        let k = max(twos, fives)
        // n/d · 10^k is an integer: multiply by the missing factors only.
        let scaled = numerator.magnitude * BigInt.power(2, k - twos) * BigInt.power(5, k - fives)
        var digits = scaled.toString(radix: 10)
        var fractionDigits = k
        // Strip trailing zeros of the fraction.
        while fractionDigits > 0 && digits.hasSuffix("0") {
            digits.removeLast()
            fractionDigits -= 1
        }
        if fractionDigits > 0 {
            if digits.count <= fractionDigits {
                digits = String(repeating: "0", count: fractionDigits - digits.count + 1) + digits
            }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -fractionDigits))
        }
        return (isNegative ? "-" : "") + digits
    }
}

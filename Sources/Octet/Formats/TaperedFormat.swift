import OctetExact

/// A sign-magnitude floating-point format whose precision depends on the exponent ("tapered"):
/// each binade 2^e … 2^(e+1) has its own number of mantissa bits, and a prefix code in the bits
/// says which binade a code is in. HiF8 (Huawei HiFloat8, arXiv:2409.16626) is the registered one.
///
/// The layout is data: a list of binades, each with its exponent, mantissa width and the code of
/// its first value (the codes of a binade are consecutive, fraction in the low bits). Everything
/// else — values, rounding, overflow — follows from that list by the same rules as `FloatFormat`
/// (Specs/formats.md §HiF8):
/// - a code's value is `2^e · (1 + f/2^m)`; a binade with m = 0 holds only `2^e` (HiF8's
///   "denormals" 2^-22 … 2^-16 are such binades);
/// - rounding is to the grid of the binade of |x|, extended above the top binade with its width
///   (so overflow is judged on the rounded value) and below the lowest binade with its quantum
///   (so values below it round between 0 and the smallest value); "even" is the code's parity;
/// - the single NaN is the negative-zero code; ±Inf is the code just above ±max; no -0.
public struct TaperedFormat: Sendable, Hashable {
    public struct Binade: Sendable, Hashable {
        public let exponent: Int
        public let mantissaBits: Int
        /// Magnitude code of `2^exponent`.
        public let firstCode: Int
    }

    public let bits: Int
    /// Sorted by exponent, contiguous.
    public let binades: [Binade]
    /// The largest finite magnitude code; the next code, the slot of the next value of the top
    /// binade, is +Inf.
    public let maxFiniteMagnitude: Int
    /// Exponent of the smallest binade with the format's full top precision: values below
    /// `2^normalExponent` raise underflow when inexact (HiF8: 2^-15, below which the codes are
    /// the paper's denormals).
    public let normalExponent: Int

    /// magnitude code → binade index, or -1 (zero and specials).
    let binadeOfCode: [Int16]

    public init(bits: Int, binades: [Binade], maxFiniteMagnitude: Int, normalExponent: Int) throws(FormatError) {
        guard (2...16).contains(bits) else { throw .invalid("a tapered format has 2 to 16 bits (got \(bits))") }
        let sorted = binades.sorted { $0.exponent < $1.exponent }
        guard !sorted.isEmpty, zip(sorted, sorted.dropFirst()).allSatisfy({ $0.exponent + 1 == $1.exponent }) else {
            throw .invalid("a tapered format's binades must be contiguous exponents")
        }
        let magnitudes = 1 << (bits - 1)
        var table = [Int16](repeating: -1, count: magnitudes)
        for (i, b) in sorted.enumerated() {
            guard b.mantissaBits >= 0, b.firstCode >= 1, b.firstCode + (1 << b.mantissaBits) <= magnitudes,
                  b.firstCode & ((1 << b.mantissaBits) - 1) == 0 else {
                throw .invalid("binade 2^\(b.exponent) does not fit the codes (first code \(b.firstCode), \(b.mantissaBits) mantissa bits)")
            }
            for c in b.firstCode ..< b.firstCode + (1 << b.mantissaBits) {
                guard table[c] == -1 else { throw .invalid("code 0x\(String(c, radix: 16)) is in two binades") }
                table[c] = Int16(i)
            }
        }
        guard maxFiniteMagnitude + 1 < magnitudes, table[maxFiniteMagnitude] >= 0,
              table[maxFiniteMagnitude + 1] == table[maxFiniteMagnitude] else {
            throw .invalid("the largest finite code and the Inf code after it must share the top binade")
        }
        table[maxFiniteMagnitude + 1] = -1
        self.bits = bits
        self.binades = sorted
        self.maxFiniteMagnitude = maxFiniteMagnitude
        self.normalExponent = normalExponent
        self.binadeOfCode = table
    }

    /// HiFloat8 as arXiv:2409.16626 §2 defines it. After the sign, a prefix ("dot") field gives the
    /// width D of the exponent: `11` → D=4, `10` → 3, `01` → 2, `001` → 1, `0001` → 0, `0000` →
    /// denormal. The exponent is sign-magnitude with the magnitude's leading 1 implicit (D=1: ±1,
    /// D=2: ±2…3, D=3: ±4…7, D=4: ±8…15; D=0: exponent 0); the rest of the 8 bits is mantissa
    /// (3, 3, 3, 2, 1 bits). The denormal codes 0x01…0x07 are 2^(M−23) for the 3-bit field M.
    /// 0x00 is zero, 0x80 the NaN, 0x6F/0xEF ±Inf (exponent +15, mantissa 1). Checked against
    /// en_dtypes 0.0.4 `hifloat8` code by code (Tests/OctetTests/HiF8Tests.swift).
    public static let hif8: TaperedFormat = {
        var list: [Binade] = []
        for m in 1...7 { list.append(Binade(exponent: m - 23, mantissaBits: 0, firstCode: m)) }
        list.append(Binade(exponent: 0, mantissaBits: 3, firstCode: 0b0001_000))
        // (prefix, prefix width, D, mantissa bits)
        for (prefix, width, d, m) in [(0b001, 3, 1, 3), (0b01, 2, 2, 3), (0b10, 2, 3, 2), (0b11, 2, 4, 1)] {
            for negative in [false, true] {
                for low in 0 ..< (1 << (d - 1)) {
                    let magnitude = (1 << (d - 1)) | low          // implicit leading 1
                    let expField = (negative ? 1 << (d - 1) : 0) | low
                    let code = (prefix << (7 - width)) | (expField << m)
                    list.append(Binade(exponent: negative ? -magnitude : magnitude, mantissaBits: m, firstCode: code))
                }
            }
        }
        return try! TaperedFormat(bits: 8, binades: list, maxFiniteMagnitude: 0x6E, normalExponent: -15)
    }()

    public var signBit: Int { 1 << (bits - 1) }
    public var magnitudeMask: Int { signBit - 1 }
    public var codeCount: Int { 1 << bits }
    public var minExponent: Int { binades[0].exponent }
    public var maxExponent: Int { binades[binades.count - 1].exponent }
    /// The single NaN: the negative-zero code.
    public var nanCode: Int { signBit }
    /// Magnitude code of +Inf: the slot just above max.
    public var infinityMagnitude: Int { maxFiniteMagnitude + 1 }
    public func infinityCode(negative: Bool) -> Int { (negative ? signBit : 0) | infinityMagnitude }
    /// The least and the most mantissa bits of any binade.
    public var mantissaWidths: ClosedRange<Int> {
        let w = binades.map(\.mantissaBits)
        return w.min()! ... w.max()!
    }

    public func binade(exponent e: Int) -> Binade? {
        let i = e - minExponent
        return i >= 0 && i < binades.count ? binades[i] : nil
    }

    public func classify(_ code: Int) -> CodeClass {
        if code == signBit { return .nan }
        let negative = code & signBit != 0
        let magnitude = code & magnitudeMask
        if magnitude == infinityMagnitude { return .infinity(negative: negative) }
        return .finite(negative: negative, magnitude: magnitude)
    }

    /// The exact value of a finite magnitude code (0 for the zero code).
    public func magnitudeValue(_ magnitude: Int) -> Rational {
        let i = Int(binadeOfCode[magnitude])
        guard i >= 0 else { return .zero }
        let b = binades[i]
        let fraction = magnitude - b.firstCode
        return Rational(BigInt(fraction | (1 << b.mantissaBits)), timesTwoToThe: b.exponent - b.mantissaBits)
    }

    public var maxFinite: Rational { magnitudeValue(maxFiniteMagnitude) }
    public var minPositive: Rational { Rational(BigInt(1), timesTwoToThe: minExponent) }
    public var minNormal: Rational { Rational(BigInt(1), timesTwoToThe: normalExponent) }
}

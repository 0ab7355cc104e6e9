import Octet
import OctetExact

/// Why a hardware configuration cannot be built.
public struct HardwareError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One multiplier input of a MAC: a format of the reference, and for signed integers optionally
/// the symmetric range ±(2^(N−1) − 1) that the paper's INT8 assumes (its 15-bit product).
///
/// Every width the hardware model uses comes from here or from `KulischDerivation`:
/// - `significandWidth` S: the signed significand of Figure 2 (sign, hidden bit, M fraction bits
///   for a float; N for an N-bit integer);
/// - `exponentCount` n_e: how many distinct exponents the finite non-zero values have
///   (subnormals share the lowest; Inf/NaN codes excluded), read off the exact grid;
/// - `exponentWidth` e = ⌈log2 n_e⌉: 0 for integers and for single-binade formats (FP8-E1).
public struct MACOperand: Sendable, Hashable {
    public let format: Format
    public let symmetric: Bool
    /// The format whose exact grid the widths are derived from: `format` itself, or, for a
    /// symmetric N-bit integer, its sign-magnitude twin `e1m(N−2):bias=1,specials=fnuz`, whose
    /// values are exactly k·2^−(N−2) for |k| ≤ 2^(N−1) − 1 (the paper's footnote 3: FP8-E1 is
    /// INT8). Register widths do not depend on the factor 2^−(N−2).
    public let derivationFormat: Format
    public let significandWidth: Int
    public let exponentCount: Int

    public init(_ format: Format, symmetric: Bool = false) throws(HardwareError) {
        self.format = format
        self.symmetric = symmetric
        switch format.kind {
        case .integer(let i):
            guard !symmetric || (i.signed && i.bits >= 2 && i.bits <= 16) else {
                throw HardwareError("symmetric applies to signed integers of 2 to 16 bits (got \(format.name))")
            }
            if symmetric {
                let layout: FloatFormat
                do {
                    layout = try FloatFormat(signed: true, exponentBits: 1, mantissaBits: i.bits - 2, bias: 1,
                                             specials: .fnuz)
                } catch { throw HardwareError(error.description) }
                derivationFormat = Format(name: "e1m\(i.bits - 2):bias=1,specials=fnuz",
                                          spec: "sign-magnitude twin of symmetric \(format.name)", kind: .float(layout))
            } else {
                derivationFormat = format
            }
            significandWidth = i.bits
            exponentCount = 1
        case .tapered:
            // The gate model sizes a multiplier from one significand width and an exponent range;
            // a tapered format's width changes with the exponent, which Appendix B does not cover.
            throw HardwareError("\(format.name) is tapered (its precision depends on the exponent): the gate model covers fixed-layout floats and integers")
        case .float(let f):
            guard !symmetric else { throw HardwareError("symmetric applies to integer formats (got \(format.name))") }
            guard format.isEnumerable else {
                throw HardwareError("\(format.name) has \(format.bits) bits: MAC inputs are formats of up to 16 bits")
            }
            derivationFormat = format
            significandWidth = f.mantissaBits + (f.signed ? 2 : 1)
            exponentCount = MACOperand.distinctExponents(format, f)
            guard exponentCount >= 1 else { throw HardwareError("\(format.name) has no finite non-zero value") }
        }
    }

    /// `int8`, `int8:symmetric`, `fp8_e4m3`, `e4m3:bias=8,specials=fnuz`, … (any reference spelling).
    public static func named(_ spelling: String) throws(HardwareError) -> MACOperand {
        var name = spelling
        var symmetric = false
        for suffix in [":symmetric", ":sym"] where name.lowercased().hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
            symmetric = true
        }
        let f: Format
        do { f = try FormatRegistry.named(name) } catch { throw HardwareError(error.description) }
        return try MACOperand(f, symmetric: symmetric)
    }

    /// The registered name, with `:symmetric` for a symmetric integer.
    public var name: String { symmetric ? format.name + ":symmetric" : format.name }
    /// e = ⌈log2 n_e⌉.
    public var exponentWidth: Int { GateCost.ceilLog2(exponentCount) }
    public var isFloat: Bool { exponentCount > 1 }

    /// Distinct binade exponents of the finite non-zero values, from the exact grid: a value v has
    /// exponent max(⌊log2 |v|⌋, emin), emin the exponent of the smallest normal binade.
    static func distinctExponents(_ format: Format, _ f: FloatFormat) -> Int {
        var exponents = Set<Int>()
        for code in format.codes {
            guard let v = format.value(ofCode: code).rational, !v.isZero else { continue }
            exponents.insert(max(v.magnitude.floorLog2, f.minExponent))
        }
        return exponents.count
    }

    /// The exact finite values (each once, ascending), from `Format.value(ofCode:)` of the
    /// derivation format; for a symmetric integer scaled back to the integers.
    public var grid: [Rational] {
        var seen = Set<Rational>()
        var values: [Rational] = []
        for code in derivationFormat.codes {
            guard var v = derivationFormat.value(ofCode: code).rational else { continue }
            if symmetric, let i = format.integerLayout { v = v.timesPowerOfTwo(i.bits - 2) }
            if seen.insert(v).inserted { values.append(v) }
        }
        return values.sorted()
    }
}

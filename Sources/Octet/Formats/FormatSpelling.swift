/// The parametric spellings that name any format the registry does not list.
///
/// - `binary<K>p<P><s|u><e|f>`: IEEE P3109 v4.0, bias derived from K and P.
/// - `int<N>`, `uint<N>`: integers of 1 to 16 bits.
/// - `e<E>m<M>[:option,option…]` with options `bias=<N>` (default 2^(E-1)-1, the IEEE bias),
///   `specials=ieee|fn|fnuz|p3109e|nan-top|inf-nan-top|none` (default `ieee`), `unsigned`,
///   `nosubnormals` (exponent field 0 is an ordinary binade and there is no zero, as in E8M0).
///   Examples: `e4m3:specials=fn` is OCP E4M3; `e8m0:unsigned,nosubnormals,bias=127,specials=nan-top`
///   is OCP E8M0; `e4m3:bias=8,specials=fnuz` is the paper's FP8-E4.
enum FormatSpelling {
    static func parse(_ spelling: String) throws(FormatError) -> Format {
        let s = spelling.lowercased()
        func fail(_ reason: String) -> FormatError { .malformed(spelling: spelling, reason: reason) }

        if s.hasPrefix("binary") {
            // binary<K>p<P><s|u><e|f>
            var rest = s.dropFirst("binary".count)
            guard let k = takeInt(&rest), rest.first == "p" else { throw .unknown(spelling) }
            rest = rest.dropFirst()
            guard let p = takeInt(&rest), rest.count == 2 else { throw fail("expected binary<K>p<P><s|u><e|f>") }
            let sign = rest.first!, domain = rest.last!
            guard sign == "s" || sign == "u", domain == "e" || domain == "f" else {
                throw fail("expected binary<K>p<P><s|u><e|f>")
            }
            return try FormatRegistry.p3109Format(k: k, p: p, signed: sign == "s", extended: domain == "e")
        }
        for (prefix, signed) in [("uint", false), ("int", true)] where s.hasPrefix(prefix) {
            var rest = s.dropFirst(prefix.count)
            guard let n = takeInt(&rest), rest.isEmpty else { throw .unknown(spelling) }
            let layout = try IntegerFormat(bits: n, signed: signed)
            return Format(name: "\(prefix)\(n)", spec: "\(signed ? "two's complement" : "unsigned") integer", kind: .integer(layout))
        }
        if s.hasPrefix("e") {
            let parts = s.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            var rest = parts[0].dropFirst()
            guard let e = takeInt(&rest), rest.first == "m" else { throw .unknown(spelling) }
            rest = rest.dropFirst()
            guard let m = takeInt(&rest), rest.isEmpty else { throw .unknown(spelling) }
            guard e >= 1, e <= 15 else { throw fail("exponent bits must be 1…15") }
            var bias = (1 << (e - 1)) - 1
            var specials = SpecialEncoding.ieee
            var signed = true
            var subnormals = true
            if parts.count > 1 {
                for option in parts[1].split(separator: ",", omittingEmptySubsequences: false) {
                    let kv = option.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    switch (kv[0], kv.count) {
                    case ("bias", 2):
                        guard let b = Int(kv[1]) else { throw fail("bias must be an integer") }
                        bias = b
                    case ("specials", 2):
                        guard let sp = SpecialEncoding(rawValue: String(kv[1])) else {
                            throw fail("specials must be one of \(SpecialEncoding.allCases.map(\.rawValue).joined(separator: ", "))")
                        }
                        specials = sp
                    case ("unsigned", 1): signed = false
                    case ("nosubnormals", 1): subnormals = false
                    default:
                        throw fail("unknown option '\(option)' (bias=N, specials=…, unsigned, nosubnormals)")
                    }
                }
            }
            let layout = try FloatFormat(signed: signed, exponentBits: e, mantissaBits: m, bias: bias,
                                         subnormals: subnormals, specials: specials)
            return Format(name: s, spec: "parametric", kind: .float(layout))
        }
        throw .unknown(spelling)
    }

    /// Consumes leading decimal digits (at most 6, so nothing overflows).
    private static func takeInt(_ s: inout Substring) -> Int? {
        let digits = s.prefix(while: { $0 >= "0" && $0 <= "9" })
        guard !digits.isEmpty, digits.count <= 6 else { return nil }
        s = s.dropFirst(digits.count)
        return Int(digits)
    }
}

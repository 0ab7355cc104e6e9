/// Every format Octet names, in the order `octet formats` lists them.
///
/// Facts come from the specifications cited in `spec`; the tests compare each row with an
/// independently written table. Names and aliases match case-insensitively.
public enum FormatRegistry {
    public static let all: [Format] = buildAll()

    /// Looks a name up among registered names and aliases, then tries the parametric spellings
    /// (`binary<K>p<P><s|u><e|f>`, `e<E>m<M>[:options]`, `int<N>`, `uint<N>`).
    public static func named(_ name: String) throws(FormatError) -> Format {
        let key = name.lowercased()
        if let f = byName[key] { return f }
        do { return try FormatSpelling.parse(name) } catch {
            // Name the spelling in every message, so a user sees which one was refused.
            if case .invalid(let reason) = error { throw .malformed(spelling: name, reason: reason) }
            throw error
        }
    }

    /// IEEE 754 interchange formats and bfloat16: inputs and outputs of arithmetic (accumulators,
    /// `--out`), named like the rest but not listed by `octet formats`, which lists the narrow ones.
    public static let interchange: [Format] = [
        float("binary16", ["fp16", "float16", "half"], spec: "IEEE 754 binary16", e: 5, m: 10, bias: 15, specials: .ieee),
        float("bfloat16", ["bf16"], spec: "bfloat16 (binary32's exponent, 7 mantissa bits)", e: 8, m: 7, bias: 127, specials: .ieee),
        float("binary32", ["fp32", "float32", "float"], spec: "IEEE 754 binary32", e: 8, m: 23, bias: 127, specials: .ieee),
        float("binary64", ["fp64", "float64", "double"], spec: "IEEE 754 binary64", e: 11, m: 52, bias: 1023, specials: .ieee),
        integer("int16", ["s16"], bits: 16, signed: true),
        integer("int32", ["s32"], bits: 32, signed: true),
    ]

    static let byName: [String: Format] = {
        var table: [String: Format] = [:]
        for f in all + interchange {
            for n in [f.name] + f.aliases {
                precondition(table[n.lowercased()] == nil, "duplicate format name \(n)")
                table[n.lowercased()] = f
            }
        }
        return table
    }()

    private static func float(_ name: String, _ aliases: [String], spec: String, signed: Bool = true,
                              e: Int, m: Int, bias: Int, subnormals: Bool = true,
                              specials: SpecialEncoding) -> Format {
        // The registry's own rows are valid by construction; a failure here is a programming
        // error caught by every test run.
        let layout = try! FloatFormat(signed: signed, exponentBits: e, mantissaBits: m, bias: bias,
                                      subnormals: subnormals, specials: specials)
        return Format(name: name, aliases: aliases, spec: spec, kind: .float(layout))
    }

    private static func integer(_ name: String, _ aliases: [String], bits: Int, signed: Bool) -> Format {
        Format(name: name, aliases: aliases, spec: "two's complement / unsigned integer (ONNX, ml_dtypes)",
               kind: .integer(try! IntegerFormat(bits: bits, signed: signed)))
    }

    private static func buildAll() -> [Format] {
        var list: [Format] = [
            float("float8_e4m3fn", ["e4m3fn", "ocp_e4m3", "f8e4m3fn", "float8e4m3fn"],
                  spec: "OCP OFP8 r1.0 E4M3", e: 4, m: 3, bias: 7, specials: .fn),
            float("float8_e5m2", ["ocp_e5m2", "f8e5m2", "float8e5m2"],
                  spec: "OCP OFP8 r1.0 E5M2 (IEEE 754 special values)", e: 5, m: 2, bias: 15, specials: .ieee),
            float("float8_e4m3fnuz", ["e4m3fnuz", "f8e4m3fnuz", "float8e4m3fnuz"],
                  spec: "Graphcore/AMD FNUZ (arXiv:2206.02915); same codes as binary8p4sf", e: 4, m: 3, bias: 8, specials: .fnuz),
            float("float8_e5m2fnuz", ["e5m2fnuz", "f8e5m2fnuz", "float8e5m2fnuz"],
                  spec: "Graphcore/AMD FNUZ (arXiv:2206.02915); same codes as binary8p3sf", e: 5, m: 2, bias: 16, specials: .fnuz),
            float("float8_e4m3b11fnuz", ["e4m3b11fnuz", "float8_e4m3b11", "f8e4m3b11fnuz"],
                  spec: "XLA/ml_dtypes: FNUZ encoding with bias 11", e: 4, m: 3, bias: 11, specials: .fnuz),
            float("float8_e4m3", ["f8e4m3"],
                  spec: "LLVM/ml_dtypes IEEE-like E4M3", e: 4, m: 3, bias: 7, specials: .ieee),
            float("float8_e3m4", ["f8e3m4"],
                  spec: "LLVM/ml_dtypes IEEE-like E3M4", e: 3, m: 4, bias: 3, specials: .ieee),
            float("float8_e8m0fnu", ["e8m0", "ocp_e8m0", "f8e8m0fnu", "float8e8m0"],
                  spec: "OCP MX v1.0 E8M0 scale (unsigned, no zero)", signed: false, e: 8, m: 0, bias: 127,
                  subnormals: false, specials: .nanTop),
            float("float6_e2m3fn", ["e2m3", "ocp_e2m3", "f6e2m3fn"],
                  spec: "OCP MX v1.0 FP6 E2M3", e: 2, m: 3, bias: 1, specials: .none),
            float("float6_e3m2fn", ["e3m2", "ocp_e3m2", "f6e3m2fn"],
                  spec: "OCP MX v1.0 FP6 E3M2", e: 3, m: 2, bias: 3, specials: .none),
            float("float4_e2m1fn", ["e2m1", "ocp_e2m1", "f4e2m1fn", "float4e2m1"],
                  spec: "OCP MX v1.0 FP4 E2M1", e: 2, m: 1, bias: 1, specials: .none),
            // Scale formats (issue 13). UE4M3 is E4M3 without its sign bit: 7 bits, stored in a byte
            // whose bit 7 is 0 (CUTLASS ignores it on decode and never sets it).
            float("float8_ue4m3", ["ue4m3", "float_ue4m3", "f8ue4m3"],
                  spec: "NVIDIA NVFP4 block scale, CUTLASS float_ue4m3_t (include/cutlass/float8.h, exmy_base.h @7107b05): unsigned E4M3, 7 of 8 bits, NaN 0x7F",
                  signed: false, e: 4, m: 3, bias: 7, specials: .nanTop),
            float("float8_e5m3fnu", ["ue5m3", "e5m3fnu", "f8e5m3fnu"],
                  spec: "ml_dtypes 0.7.0 float8_e5m3fnu (UE5M3 scale): unsigned, bias 15, subnormals, NaN 0xFF, no Inf",
                  signed: false, e: 5, m: 3, bias: 15, specials: .nanTop),
            float("float4_e1m2", ["e1m2", "float4_e1m2fn", "f4e1m2"],
                  spec: "en_dtypes 0.0.4 float4_e1m2 (Ascend FLOAT4_E1M2, torch_npu float4_e1m2fn_x2): bias 1, ±0, no Inf or NaN",
                  e: 1, m: 2, bias: 1, specials: .none),
            Format(name: "hifloat8", aliases: ["hif8", "hifloat8_t"],
                   spec: "Huawei HiFloat8 (arXiv:2409.16626): tapered, 3/3/3/2/1 mantissa bits by exponent, denormals to 2^-22, max 32768, NaN 0x80, ±Inf 0x6F/0xEF",
                   kind: .tapered(.hif8)),
        ]
        // IEEE P3109 v4.0, K = 8: signed P = 1…7, unsigned P = 1…8, Extended and Finite.
        for p in 1...7 {
            for ext in [true, false] {
                list.append(p3109(k: 8, p: p, signed: true, extended: ext))
            }
        }
        for p in 1...8 {
            for ext in [true, false] {
                list.append(p3109(k: 8, p: p, signed: false, extended: ext))
            }
        }
        list.append(p3109(k: 4, p: 2, signed: true, extended: false))
        // van Baalen et al. 2023: bias 2^(E-1), subnormals, the -0 code is the single NaN, no Inf.
        func paper(_ e: Int) -> String { "van Baalen et al. 2023, FP8-E\(e) (bias 2^(E-1), +0 only, NaN at 0x80, no Inf)" }
        list.append(float("fp8_e2m5", ["fp8-e2"], spec: paper(2) + "; same codes as binary8p6sf",
                          e: 2, m: 5, bias: 2, specials: .fnuz))
        list.append(float("fp8_e3m4", ["fp8-e3"], spec: paper(3) + "; same codes as binary8p5sf",
                          e: 3, m: 4, bias: 4, specials: .fnuz))
        list.append(float("fp8_e4m3", ["fp8-e4"], spec: paper(4) + "; same codes as float8_e4m3fnuz and binary8p4sf",
                          e: 4, m: 3, bias: 8, specials: .fnuz))
        list.append(float("fp8_e5m2", ["fp8-e5"], spec: paper(5) + "; same codes as float8_e5m2fnuz and binary8p3sf",
                          e: 5, m: 2, bias: 16, specials: .fnuz))
        list += [
            integer("int8", ["s8"], bits: 8, signed: true),
            integer("uint8", ["u8"], bits: 8, signed: false),
            integer("int4", ["s4"], bits: 4, signed: true),
            integer("uint4", ["u4"], bits: 4, signed: false),
            integer("int2", ["s2"], bits: 2, signed: true),
            integer("uint2", ["u2"], bits: 2, signed: false),
        ]
        return list
    }

    /// The P3109 v4.0 format Binary⟨K⟩p⟨P⟩⟨s|u⟩⟨e|f⟩: bias 2^(K-P-1) signed, 2^(K-P) unsigned.
    static func p3109(k: Int, p: Int, signed: Bool, extended: Bool) -> Format {
        try! p3109Format(k: k, p: p, signed: signed, extended: extended)
    }

    static func p3109Format(k: Int, p: Int, signed: Bool, extended: Bool) throws(FormatError) -> Format {
        guard (2...16).contains(k) else { throw .invalid("P3109 K must be 2…16 (got \(k))") }
        guard p >= 1, signed ? p < k : p <= k else {
            throw .invalid("P3109 precision must be 1 ≤ P \(signed ? "<" : "≤") K (got K=\(k), P=\(p))")
        }
        let name = "binary\(k)p\(p)\(signed ? "s" : "u")\(extended ? "e" : "f")"
        let layout = try FloatFormat(
            signed: signed,
            exponentBits: signed ? k - p : k - p + 1,
            mantissaBits: p - 1,
            bias: signed ? 1 << (k - p - 1) : 1 << (k - p),
            specials: signed ? (extended ? .p3109Extended : .fnuz) : (extended ? .infNanTop : .nanTop))
        return Format(name: name, spec: "IEEE P3109 v4.0 \(signed ? "signed" : "unsigned") \(extended ? "Extended" : "Finite")",
                      kind: .float(layout))
    }
}

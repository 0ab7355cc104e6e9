import OctetExact

/// "What will my framework produce here?" — the rounding, overflow, NaN-encoding and E8M0 choices
/// of one ecosystem, applied on top of the reference encoder. Each choice is sourced in
/// `../shared` formats reference §4–§6 and documented in Specs/formats.md §6.
public struct CompatibilityProfile: Sendable, Hashable {
    public let name: String
    public let rounding: RoundingMode
    public let overflow: OverflowPolicy
    /// Formats whose overflow policy differs from `overflow`: PyTorch saturates only E4M3FN.
    public let overflowByFormat: [String: OverflowPolicy]
    /// Formats the value passes through first, each with rne and IEEE overflow: [binary64,
    /// binary32] models a Python float put into a NumPy float64 array and cast via float32.
    public let intermediates: [String]
    /// NaN into a format without NaN (FP4/FP6): nil refuses, as the reference does; otherwise the
    /// code to produce for +NaN and -NaN.
    public let nanWithoutNaN: NaNFallback
    /// E8M0 (`float8_e8m0fnu`) conversions, which every ecosystem does differently.
    public let e8m0: E8M0Rule
    /// E5M2 NaN encoding: PyTorch gives 0x7F | sign instead of the quiet 0x7E | sign.
    public let e5m2NaNAllOnes: Bool
    /// NaN into `float8_e4m3fn` / `float8_e5m2` where the code depends on the binary type the input
    /// was held in (see `FP8NaN`).
    public let fp8NaN: FP8NaN
    /// Integer targets (int1 … int32, uint…): the profile's rounding and overflow, or a C cast.
    public let integerCast: IntegerCast

    public enum IntegerCast: String, Sendable, Hashable {
        /// The profile's rounding and overflow policy (integers saturate under every policy, §4.6).
        case reference
        /// ml_dtypes' intN (0.6.0): the binary32 is cast to a C++ `int` (truncation toward zero)
        /// and the low N bits are kept, for signed and unsigned types alike: 2.7 → 2, 8 → −8 and
        /// 300 → −4 in int4, −2.7 → 14 in uint4. Where that cast is undefined (|x| ≥ 2^31, ±Inf,
        /// NaN) x86-64 yields INT_MIN, whose low bits are 0, which is also what the exact
        /// truncation's low bits are for every binary32 of magnitude ≥ 2^31 (a multiple of 2^8):
        /// the profile gives 0 there (N ≤ 8; wider integer formats use the reference).
        case truncateWrap
    }

    public enum NaNFallback: String, Sendable, Hashable {
        case refuse
        /// ml_dtypes: +NaN → −0, −NaN → +0 (its `quiet_NaN()` of FP4/FP6 is −0, sign applied).
        case flippedZero
        /// CUDA 12.9 (`__nv_cvt_*_to_fp6`, `__nv_cvt_*_to_fp4`): every NaN → +max (0x1F, 0x07),
        /// the sign dropped, from every input type.
        case positiveMax
    }

    /// NaN into the two FP8 formats CUDA has, by the input's binary type.
    ///
    /// Why the profile needs the input type at all: CUDA 12.9's host code (cuda_fp8.hpp) has one
    /// rounding routine, `__nv_cvt_double_to_fp8`, and every other input type reaches it through
    /// `__nv_cvt_float_to_fp8`, which first replaces any NaN by the canonical float 0x7FFFFFFF. So a
    /// NaN from binary32, binary16 or bfloat16 gives 0x7F in E4M3 *and* E5M2, whatever its sign and
    /// payload, while a binary64 NaN keeps its sign and, in E5M2, bit 50 of its payload
    /// (`0x7E | mantissa`, the top two mantissa bits of the double). Finite values and ±Inf are
    /// one rounding from the exact value on every path (float → double is exact). An `ExactValue`
    /// NaN carries neither type nor payload, so `encode(_:into:)` gives the float paths' answer
    /// (the only one that does not depend on what is missing); `encode(bits:as:into:)` and
    /// `encode(parsing:into:)` know the type and give the double path's answer for binary64.
    public enum FP8NaN: String, Sendable, Hashable {
        /// The same for every input type: the reference's quiet NaN with the input's sign (§4.1),
        /// or 0x7F | sign in E5M2 under `e5m2NaNAllOnes`.
        case uniform
        /// CUDA 12.9 host code: binary32, binary16, bfloat16 and exact values → 0x7F (E4M3 and
        /// E5M2); binary64 → E4M3 0x7F | sign, E5M2 0x7E | (payload bit 50) | sign.
        case cudaHost
    }

    /// The binary interchange type an input was held in and its bits, for the one choice that depends
    /// on them (`FP8NaN.cudaHost`).
    public struct InputBits: Sendable, Hashable {
        public var type: IEEEBits.Format
        public var bits: UInt64
        public init(type: IEEEBits.Format, bits: UInt64) {
            self.type = type
            self.bits = bits
        }
    }

    public struct E8M0Rule: Sendable, Hashable {
        public var rounding: RoundingMode
        public var overflow: OverflowPolicy
        /// Use |x|: the sign bit is ignored (PyTorch, the ONNX reference, CUDA).
        public var magnitude: Bool
        /// Zero gives 2^-127 rather than NaN.
        public var zeroToMin: Bool
        /// ±Inf gives NaN even when saturating (the ONNX reference).
        public var infinityToNaN: Bool
    }

    public init(name: String, rounding: RoundingMode, overflow: OverflowPolicy, overflowByFormat: [String: OverflowPolicy] = [:],
                intermediates: [String], nanWithoutNaN: NaNFallback, e8m0: E8M0Rule, e5m2NaNAllOnes: Bool,
                fp8NaN: FP8NaN = .uniform, integerCast: IntegerCast = .reference) {
        self.name = name
        self.rounding = rounding
        self.overflow = overflow
        self.overflowByFormat = overflowByFormat
        self.intermediates = intermediates
        self.nanWithoutNaN = nanWithoutNaN
        self.e8m0 = e8m0
        self.e5m2NaNAllOnes = e5m2NaNAllOnes
        self.fp8NaN = fp8NaN
        self.integerCast = integerCast
    }

    /// The overflow policy the profile applies to `format`.
    public func overflow(for format: Format) -> OverflowPolicy { overflowByFormat[format.name] ?? overflow }

    public static let all: [CompatibilityProfile] = [
        CompatibilityProfile(name: "ml_dtypes", rounding: .rne, overflow: .nonsaturate, intermediates: ["binary64", "binary32"],
                             nanWithoutNaN: .flippedZero,
                             e8m0: E8M0Rule(rounding: .rna, overflow: .nonsaturate, magnitude: false, zeroToMin: false, infinityToNaN: false),
                             e5m2NaNAllOnes: false, integerCast: .truncateWrap),
        CompatibilityProfile(name: "onnx", rounding: .rne, overflow: .saturate, intermediates: ["binary64", "binary32"],
                             nanWithoutNaN: .flippedZero,
                             e8m0: E8M0Rule(rounding: .rup, overflow: .saturate, magnitude: true, zeroToMin: true, infinityToNaN: true),
                             e5m2NaNAllOnes: false),
        // PyTorch 2.15 (c10 Float8_e4m3fn.h): E4M3FN saturates finite overflow and ±Inf (older c10
        // source gave NaN); checked against torch 2.15 by Scripts/peers/peers.py --peers torch.
        CompatibilityProfile(name: "torch", rounding: .rne, overflow: .nonsaturate, overflowByFormat: ["float8_e4m3fn": .saturate],
                             intermediates: ["binary64", "binary32"],
                             nanWithoutNaN: .refuse,
                             e8m0: E8M0Rule(rounding: .rna, overflow: .nonsaturate, magnitude: true, zeroToMin: true, infinityToNaN: true),
                             e5m2NaNAllOnes: true),
        // CUDA 12.9 host code (cuda_fp8.hpp, cuda_fp6.hpp, cuda_fp4.hpp of nvidia-cuda-runtime-cu12
        // 12.9.79): `__nv_cvt_{double,float,halfraw,bfloat16raw}_to_fp8(…, __NV_SATFINITE, …)`,
        // `__nv_cvt_{double,float,bfloat16raw}_to_e8m0(…, __NV_SATFINITE, cudaRoundPosInf)` and
        // `__nv_cvt_*_to_fp6/_fp4(…, cudaRoundNearest)`: one RNE rounding from the exact value (a
        // decimal input is first a C++ double), saturating; NaN by input type (`FP8NaN.cudaHost`);
        // NaN into FP6/FP4 → +max; E8M0 reads |x| (−4 → 4), 0 → 2^-127, ±Inf → 2^127, NaN → NaN.
        // Checked on every binary16/bfloat16 and boundary binary32/binary64 input by
        // Scripts/peers/peers.py --peers cuda (Specs/peers.md).
        CompatibilityProfile(name: "cuda", rounding: .rne, overflow: .saturate, intermediates: ["binary64"],
                             nanWithoutNaN: .positiveMax,
                             e8m0: E8M0Rule(rounding: .rup, overflow: .saturate, magnitude: true, zeroToMin: true, infinityToNaN: false),
                             e5m2NaNAllOnes: false, fp8NaN: .cudaHost),
        CompatibilityProfile(name: "ocp", rounding: .rne, overflow: .saturate, intermediates: [],
                             nanWithoutNaN: .refuse,
                             e8m0: E8M0Rule(rounding: .rne, overflow: .saturate, magnitude: false, zeroToMin: false, infinityToNaN: false),
                             e5m2NaNAllOnes: false),
        CompatibilityProfile(name: "p3109", rounding: .rne, overflow: .ovfinf, intermediates: [],
                             nanWithoutNaN: .refuse,
                             e8m0: E8M0Rule(rounding: .rne, overflow: .ovfinf, magnitude: false, zeroToMin: false, infinityToNaN: false),
                             e5m2NaNAllOnes: false),
    ]

    public static func named(_ name: String) -> CompatibilityProfile? {
        all.first { $0.name == name.lowercased() || ($0.name == "torch" && name.lowercased() == "pytorch") }
    }

    /// Encodes `x` the way the ecosystem would. The input's binary type is unknown here: for the one
    /// choice that depends on it (`FP8NaN.cudaHost`) a NaN is taken as a binary32 NaN.
    public func encode(_ x: ExactValue, into format: Format) throws(EncodeError) -> Encoded {
        try encode(x, input: nil, into: format)
    }

    /// Encodes the datum of the binary64, binary32, binary16 or bfloat16 bit pattern `bits` the way the
    /// ecosystem would for an input of that type.
    public func encode(bits: UInt64, as type: IEEEBits.Format, into format: Format) throws(EncodeError) -> Encoded {
        try encode(IEEEBits.decode(bits, as: type), input: InputBits(type: type, bits: bits), into: format)
    }

    /// Parses `text` as `ValueParser` does and encodes it; the `f64:`, `f32:`, `f16:` and `bf16:`
    /// spellings carry their binary type (so `f64:FFF8000000000000` and `f32:FFC00000` can differ).
    public func encode(parsing text: String, into format: Format) throws -> Encoded {
        let x = try ValueParser.parse(text)
        let input = try IEEEBits.spelledBits(text).map { InputBits(type: $0.format, bits: $0.bits) }
        return try encode(x, input: input, into: format)
    }

    /// Encodes `x`, held as `input` when known, the way the ecosystem would.
    public func encode(_ x: ExactValue, input: InputBits?, into format: Format) throws(EncodeError) -> Encoded {
        if fp8NaN == .cudaHost, case .nan(let negative) = x, format.name == "float8_e4m3fn" || format.name == "float8_e5m2" {
            guard let input, input.type == .binary64 else { return Encoded(code: 0x7F, flags: []) }
            let sign = negative ? 0x80 : 0
            if format.name == "float8_e4m3fn" { return Encoded(code: sign | 0x7F, flags: []) }
            return Encoded(code: sign | 0x7E | Int((input.bits >> 50) & 1), flags: [])
        }
        var v = x
        for name in intermediates {
            let f = try! FormatRegistry.named(name)
            if case .number = v {
                let c = try f.encode(v, rounding: .rne, overflow: .ovfinf).code
                let decoded = f.value(ofCode: c)
                if case .zero = decoded, x.isNegative { v = .zero(negative: true) } else { v = decoded }
            }
        }
        if format.name == "float8_e8m0fnu" { return try encodeE8M0(v, format) }
        if integerCast == .truncateWrap, let layout = format.integerLayout, layout.bits <= 8 {
            return castAndWrap(v, layout)
        }
        if case .nan(let negative) = v, !format.hasNaN {
            guard nanWithoutNaN != .refuse, let f = format.floatLayout else { throw .nanNotRepresentable(format: format.name) }
            if nanWithoutNaN == .positiveMax { return Encoded(code: f.maxFiniteMagnitude, flags: .invalid) }
            return Encoded(code: negative ? 0 : (f.hasNegativeZero ? f.signBit : 0), flags: .invalid)
        }
        if e5m2NaNAllOnes, format.name == "float8_e5m2", case .nan(let negative) = v {
            return Encoded(code: (negative ? 0x80 : 0) | 0x7F, flags: [])
        }
        let r = try format.encode(v, rounding: rounding, overflow: overflow(for: format))
        if e5m2NaNAllOnes, format.name == "float8_e5m2", format.floatLayout!.classify(r.code) == .nan {
            return Encoded(code: (r.code & 0x80) | 0x7F, flags: r.flags)
        }
        return r
    }

    /// The exact truncation's low N bits; 0 for NaN and ±Inf (see `IntegerCast.truncateWrap`).
    func castAndWrap(_ v: ExactValue, _ layout: IntegerFormat) -> Encoded {
        switch v {
        case .zero: return Encoded(code: 0, flags: [])
        case .nan, .infinity: return Encoded(code: 0, flags: .invalid)
        case .number(let r):
            var t = r.magnitude.floor
            if r.isNegative { t = BigInt(0) - t }
            let mask = BigInt((1 << layout.bits) - 1)
            let low = t.floorDivided(by: mask + BigInt(1)).remainder   // t mod 2^N, in [0, 2^N)
            let code = low.asInt!
            var flags: ExceptionFlags = r.isInteger ? [] : .inexact
            if BigInt(layout.value(of: code)) != t { flags.formUnion(.overflow) }
            return Encoded(code: code, flags: flags)
        }
    }

    func encodeE8M0(_ x: ExactValue, _ f: Format) throws(EncodeError) -> Encoded {
        var v = x
        if e8m0.magnitude, !v.isNaN {
            switch v {
            case .zero: v = .zero(negative: false)
            case .number(let r): v = .number(r.magnitude)
            case .infinity: v = .infinity(negative: false)
            case .nan: break
            }
        }
        switch v {
        case .zero where e8m0.zeroToMin: return Encoded(code: 0, flags: .inexact)
        case .infinity where e8m0.infinityToNaN: return Encoded(code: 0xFF, flags: .invalid)
        default: break
        }
        return try f.encode(v, rounding: e8m0.rounding, overflow: e8m0.overflow)
    }
}

import OctetExact

/// "What will my framework produce here?" — the rounding, overflow, NaN-encoding and E8M0 choices
/// of one ecosystem, applied on top of the reference encoder. Each choice is sourced in
/// `../shared` formats reference §4–§6 and documented in Specs/formats.md §6.
public struct CompatibilityProfile: Sendable, Hashable {
    public let name: String
    public let rounding: RoundingMode
    public let overflow: OverflowPolicy
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

    public enum NaNFallback: String, Sendable, Hashable {
        case refuse
        /// ml_dtypes: +NaN → −0, −NaN → +0 (its `quiet_NaN()` of FP4/FP6 is −0, sign applied).
        case flippedZero
    }

    public struct E8M0Rule: Sendable, Hashable {
        public var rounding: RoundingMode
        public var overflow: OverflowPolicy
        /// Use |x|: the sign bit is ignored (PyTorch, the ONNX reference).
        public var magnitude: Bool
        /// Zero (and, for CUDA, negatives) gives 2^-127 rather than NaN.
        public var zeroToMin: Bool
        public var negativeToMin: Bool
        /// ±Inf gives NaN even when saturating (the ONNX reference).
        public var infinityToNaN: Bool
    }

    public static let all: [CompatibilityProfile] = [
        CompatibilityProfile(name: "ml_dtypes", rounding: .rne, overflow: .nonsaturate, intermediates: ["binary64", "binary32"],
                             nanWithoutNaN: .flippedZero,
                             e8m0: E8M0Rule(rounding: .rna, overflow: .nonsaturate, magnitude: false, zeroToMin: false, negativeToMin: false, infinityToNaN: false),
                             e5m2NaNAllOnes: false),
        CompatibilityProfile(name: "onnx", rounding: .rne, overflow: .saturate, intermediates: ["binary64", "binary32"],
                             nanWithoutNaN: .flippedZero,
                             e8m0: E8M0Rule(rounding: .rup, overflow: .saturate, magnitude: true, zeroToMin: true, negativeToMin: false, infinityToNaN: true),
                             e5m2NaNAllOnes: false),
        CompatibilityProfile(name: "torch", rounding: .rne, overflow: .nonsaturate, intermediates: ["binary64", "binary32"],
                             nanWithoutNaN: .refuse,
                             e8m0: E8M0Rule(rounding: .rna, overflow: .nonsaturate, magnitude: true, zeroToMin: true, negativeToMin: false, infinityToNaN: true),
                             e5m2NaNAllOnes: true),
        CompatibilityProfile(name: "cuda", rounding: .rne, overflow: .saturate, intermediates: ["binary64"],
                             nanWithoutNaN: .refuse,
                             e8m0: E8M0Rule(rounding: .rup, overflow: .saturate, magnitude: false, zeroToMin: true, negativeToMin: true, infinityToNaN: false),
                             e5m2NaNAllOnes: false),
        CompatibilityProfile(name: "ocp", rounding: .rne, overflow: .saturate, intermediates: [],
                             nanWithoutNaN: .refuse,
                             e8m0: E8M0Rule(rounding: .rne, overflow: .saturate, magnitude: false, zeroToMin: false, negativeToMin: false, infinityToNaN: false),
                             e5m2NaNAllOnes: false),
        CompatibilityProfile(name: "p3109", rounding: .rne, overflow: .ovfinf, intermediates: [],
                             nanWithoutNaN: .refuse,
                             e8m0: E8M0Rule(rounding: .rne, overflow: .ovfinf, magnitude: false, zeroToMin: false, negativeToMin: false, infinityToNaN: false),
                             e5m2NaNAllOnes: false),
    ]

    public static func named(_ name: String) -> CompatibilityProfile? {
        all.first { $0.name == name.lowercased() || ($0.name == "torch" && name.lowercased() == "pytorch") }
    }

    /// Encodes `x` the way the ecosystem would.
    public func encode(_ x: ExactValue, into format: Format) throws(EncodeError) -> Encoded {
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
        if case .nan(let negative) = v, format.floatLayout.map({ !$0.hasNaN }) ?? true {
            guard nanWithoutNaN == .flippedZero, let f = format.floatLayout else { throw .nanNotRepresentable(format: format.name) }
            return Encoded(code: negative ? 0 : (f.hasNegativeZero ? f.signBit : 0), flags: .invalid)
        }
        if e5m2NaNAllOnes, format.name == "float8_e5m2", case .nan(let negative) = v {
            return Encoded(code: (negative ? 0x80 : 0) | 0x7F, flags: [])
        }
        let r = try format.encode(v, rounding: rounding, overflow: overflow)
        if e5m2NaNAllOnes, format.name == "float8_e5m2", format.floatLayout!.classify(r.code) == .nan {
            return Encoded(code: (r.code & 0x80) | 0x7F, flags: r.flags)
        }
        return r
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
        case .number(let r) where r.isNegative && e8m0.negativeToMin: return Encoded(code: 0, flags: .inexact)
        case .infinity where e8m0.infinityToNaN: return Encoded(code: 0xFF, flags: .invalid)
        default: break
        }
        return try f.encode(v, rounding: e8m0.rounding, overflow: e8m0.overflow)
    }
}

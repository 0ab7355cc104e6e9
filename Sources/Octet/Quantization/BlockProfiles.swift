#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
import OctetExact

// Ecosystem profiles of block quantization (Specs/blocks.md §6). Each profile performs, in
// binary32, the steps one library performs: its amax, its division or reciprocal multiply, its
// clamps and its casts, in that library's order. Every binary32 step is a Swift `Float`
// operation (IEEE binary32, round to nearest even, no contraction: Swift never fuses a*b+c
// unless asked), and every cast into an element or scale format is Octet's exact encode of the
// binary32 value the library casts, or a transcription of the library's own bit-level cast
// where that cast is not a correct rounding for every input (torchao's FP4/FP6 cast of NaN).
// The result is an ordinary `BlockTensor`: the same scale codes, element codes and tensor
// scale bits the library produces. The exact default profile is `quantize` itself.

extension BlockScheme {
    /// Whose arithmetic computes the stored quantities.
    public enum Profile: String, Sendable, Hashable, CaseIterable {
        /// Octet's definition: one rounding of the exact value per stored quantity.
        case exact
        /// pytorch/ao 0.18.0 `torchao.prototype.mx_formats`: `to_mx` (FLOOR, CEIL, EVEN, RCEIL)
        /// and `nvfp4_quantize` (per-tensor scale or none).
        case torchao
        /// microsoft/microxcaling `mx` package: `_quantize_mx` (shared exponent from
        /// floor(log2 amax), elements rounded half away from zero by floor(|a| + 0.5)).
        case microxcaling
        /// NVIDIA TransformerEngine's reference quantizers (BlockProfilesTE.swift): NVFP4
        /// `NVFP4QuantizerRef` (reciprocal form, 1×16 and 16×16, per-tensor amax) and FP8 block
        /// scaling (`Float8BlockScaling`: 1×128, 128×128, binary32 or power-of-two scales).
        case te
        /// AutoGPTQ `Quantizer.find_params` + `quantize` on integer groups (BlockProfilesINT.swift).
        case gptq
        /// AutoAWQ `pseudo_quantize_tensor` on integer groups (BlockProfilesINT.swift).
        case awq
        /// compressed-tensors `calculate_qparams` + `_quantize`, as llm-compressor runs them on
        /// integer groups (BlockProfilesINT.swift).
        case llmcompressor
    }

    /// The same scheme computed with `profile`'s arithmetic; an error when that library does
    /// not implement the scheme (or the MX rule).
    public func with(profile: Profile) throws(QuantizerError) -> BlockScheme {
        try checkProfile(profile)
        return try BlockScheme(name: name, element: element, blockRows: blockRows, blockCols: blockCols, scaling: scaling,
                               rounding: rounding, packing: packing, mxInt8: mxInt8, profile: profile)
    }

    func checkProfile(_ p: Profile) throws(QuantizerError) {
        func no(_ why: String) -> QuantizerError { .invalid("profile \(p.rawValue) does not implement \(name): \(why)") }
        switch p {
        case .exact: return
        case .torchao:
            switch scaling {
            case .mx:
                if mxInt8 { throw no("torchao's MXTensor has no MXINT8 elements") }
            case .e4m3:
                if isTwoDimensional || blockCols != 16 { throw no("torchao's nvfp4_quantize takes 1×16 blocks only") }
            default: throw no("torchao profiles cover MX and NVFP4")
            }
        case .microxcaling:
            guard case .mx(let rule) = scaling, !isTwoDimensional else { throw no("microxcaling profiles cover the 1×k MX schemes") }
            if rule != .floor { throw no("microxcaling's shared exponent is floor(log2 amax) − emax (the floor rule)") }
            if element.name == "float8_e4m3fn" || element.name == "float8_e5m2" || element.name == "float6_e2m3fn"
                || element.name == "float6_e3m2fn" || element.name == "float4_e2m1fn" || mxInt8 { return }
            throw no("element \(element.name)")
        case .te:
            switch scaling {
            case .e4m3(true):
                if blockCols != 16 || (blockRows != 1 && blockRows != 16) { throw no("TE's NVFP4 reference takes 1×16 and 16×16 tiles") }
            case .float32, .mx(.rceil):
                if element.name != "float8_e4m3fn" || mxInt8 { throw no("TE's FP8 block scaling takes E4M3 elements") }
                if blockCols != 128 || (blockRows != 1 && blockRows != 128) { throw no("TE's FP8 block scaling takes 1×128 and 128×128 blocks") }
            default: throw no("TE profiles cover two-level NVFP4 and FP8 block scaling")
            }
        case .gptq, .awq, .llmcompressor:
            guard case .integer(let z) = scaling, !isTwoDimensional else { throw no("\(p.rawValue) profiles cover the 1×g integer groups") }
            if z == .float { throw no("the library's zero points are integers (use _asym)") }
        }
    }

    /// Quantization under a library profile (`profile != .exact`).
    func quantizeProfiled(_ values: [[ExactValue]]) throws(BlockError) -> BlockTensor {
        guard !values.isEmpty else { throw BlockError("an empty tensor (no rows)") }
        for (r, row) in values.enumerated() where row.isEmpty { throw BlockError(row: r + 1, "an empty row") }
        // The libraries take binary32 tensors: each value is rounded once to binary32 (RNE).
        let x: [[Float]] = values.map { $0.map { Float(bitPattern: UInt32(Self.fl32Bits($0))) } }
        switch profile {
        case .exact: return try quantize(values)
        case .torchao:
            if case .mx(let rule) = scaling { return try ProfileTorchao.mx(self, x, rule) }
            return try ProfileTorchao.nvfp4(self, x)
        case .microxcaling: return try ProfileMicroxcaling.mx(self, x)
        case .te:
            if case .e4m3 = scaling { return try ProfileTE.nvfp4(self, x) }
            if case .mx = scaling { return try ProfileTE.fp8(self, x, pow2: true) }
            return try ProfileTE.fp8(self, x, pow2: false)
        case .gptq: return try ProfileINT.quantize(self, x, .gptq)
        case .awq: return try ProfileINT.quantize(self, x, .awq)
        case .llmcompressor: return try ProfileINT.quantize(self, x, .llmcompressor)
        }
    }

    static func fl32Bits(_ v: ExactValue) -> Int {
        switch v {
        case .nan(let n): return n ? 0xFFC0_0000 : 0x7FC0_0000
        default: return try! binary32.encode(v, rounding: .rne, overflow: .ovfinf).code
        }
    }
}

/// Helpers shared by the profiles: exact casts of binary32 values and the binary32 log2.
enum ProfileMath {
    static let b32 = BlockScheme.binary32

    /// The exact value of a binary32.
    static func exact(_ f: Float) -> ExactValue { b32.value(ofCode: Int(f.bitPattern)) }

    /// RNE, saturating encode of a finite binary32 into `format` (one correct rounding).
    static func encode(_ f: Float, _ format: Format) -> Int {
        try! format.encode(exact(f), rounding: .rne, overflow: .saturate).code
    }

    /// binary32 log2 as torch's CPU kernel returns it for the floor/ceil the libraries take of it:
    /// the correctly rounded binary32 log2 (Scripts/peers/blocks_peers.py checks floor and ceil
    /// of torch 2.15's log2 against this on ±200 ulps around every power of two and 2M random
    /// binary32 values: no difference).
    static func log2f32(_ f: Float) -> Float {
        if f.isNaN { return .nan }
        if f == 0 { return -.infinity }
        if f < 0 { return .nan }
        if f.isInfinite { return .infinity }
        return Float(log2(Double(f)))
    }

    /// 2^k in binary32 for an integer k (torch.pow(2, k) / torch.exp2 of integers are exact):
    /// 0 below 2^-149, +inf above 2^127.
    static func pow2(_ k: Int) -> Float {
        if k > 127 { return .infinity }
        if k < -149 { return 0 }
        if k >= -126 { return Float(bitPattern: UInt32(k + 127) << 23) }
        return Float(bitPattern: UInt32(1) << UInt32(k + 149))
    }

    /// torch's vectorized CPU `x * s` with s broadcast per block: IEEE binary32; when s is NaN the
    /// result is s's NaN whatever x is (the broadcast operand's payload and sign, as AVX2 returns
    /// it), when only x is NaN it is x.
    static func multiply(_ x: Float, _ s: Float) -> Float { s.isNaN ? s : x * s }

    /// torch.clamp(x, lo, hi): NaN stays NaN (with its bits), -0 stays -0.
    static func clamp(_ x: Float, _ lo: Float, _ hi: Float) -> Float {
        if x.isNaN { return x }
        if x < lo { return lo }
        if x > hi { return hi }
        return x
    }

    /// max |x_i| as torch.amax(torch.abs(x)) returns it: NaN if any element is NaN.
    static func amax<S: Sequence>(_ xs: S) -> Float where S.Element == Float {
        var m: Float = 0
        for v in xs {
            if v.isNaN { return .nan }
            let a = abs(v)
            if a > m { m = a }
        }
        return m
    }

    /// `torch.max(torch.abs(x))` / `torch.amax` over all n elements of a tensor, as torchao's and
    /// TE's NVFP4 paths take the tensor amax. A NaN result carries the bits of torch 2.15's CPU
    /// reduction: the abs of the one element for n = 1, 0xFFFFFFFF (the vectorized compare's mask)
    /// for 2…32768 elements, 0x7FC00000 above the grain size 32768, where the reduction splits
    /// (measured with 2 threads; the peer scripts' cases hit the first two).
    static func torchMaxAbs<S: Sequence>(_ xs: S, count n: Int) -> Float where S.Element == Float {
        let m = amax(xs)
        guard m.isNaN else { return m }
        return Float(bitPattern: n == 1 || n > 32768 ? 0x7FC0_0000 : 0xFFFF_FFFF)
    }

    /// torch 2.15's cast of a binary32 to float8_e4m3fn / float8_e5m2: RNE, saturating finite
    /// values (torch ≥ 2.13: 500 → 0x7E), NaN → 0x7F with the input's sign. The profiles clamp
    /// before casting, as the libraries do, so only NaN reaches the special case.
    static func torchFP8(_ f: Float, _ format: Format) -> Int {
        if f.isNaN { return 0x7F | (f.bitPattern >> 31 == 1 ? 0x80 : 0) }
        return encode(f, format)
    }

    /// torchao `_f32_to_floatx_unpacked(x, ebits, mbits)` transcribed bit for bit (int32 wrapping
    /// arithmetic, the denormal branch's binary32 addition, uint8 truncation): RNE with saturation
    /// for numbers; NaN takes the normal branch on its bits, as the library does.
    static func torchaoFloatx(_ f: Float, ebits: Int, mbits: Int) -> Int {
        let expBias = (1 << (ebits - 1)) - 1
        let maxInt = (1 << (ebits + mbits)) - 1
        let signMask = 1 << (ebits + mbits)
        let magicAdder = Int32((1 << (23 - mbits - 1)) - 1)
        let topExponent: Int = (1 << ebits) - 1 - expBias
        let topSignificand: Double = Double((1 << (mbits + 1)) - 1) / Double(1 << mbits)
        let maxNormal = Float(Double.pow2(topExponent) * topSignificand)
        let minNormal = Float(Double.pow2(1 - expBias))
        let denormExp = Int32((127 - expBias) + (23 - mbits) + 1)
        let denormMaskInt = denormExp << 23
        let denormMaskFloat = Float(bitPattern: UInt32(bitPattern: denormMaskInt))
        var bits = Int32(bitPattern: f.bitPattern)
        let sign = bits & Int32(bitPattern: 0x8000_0000)
        bits ^= sign
        let x = Float(bitPattern: UInt32(bitPattern: bits))
        let saturate = x >= maxNormal
        let denormal = !saturate && x < minNormal
        let normal = !(saturate || denormal)
        let denormalX = UInt8(truncatingIfNeeded: Int32(bitPattern: (x + denormMaskFloat).bitPattern) &- denormMaskInt)
        var normalX = bits
        let mantOdd = (normalX >> Int32(23 - mbits)) & 1
        normalX = normalX &+ ((Int32(expBias - 127) << 23) &+ magicAdder)
        normalX = normalX &+ mantOdd
        normalX = normalX >> Int32(23 - mbits)
        var out = UInt8(truncatingIfNeeded: maxInt)
        if denormal { out = denormalX }
        if normal { out = UInt8(truncatingIfNeeded: normalX) }
        let signLp = UInt8(truncatingIfNeeded: sign >> Int32(23 + 8 - mbits - ebits)) & UInt8(signMask)
        return Int(out | signLp)
    }

    /// Cuts each row into 1×k blocks, refusing rows that are not whole blocks when `whole`.
    static func rowBlocks(_ s: BlockScheme, _ x: [[Float]], whole: Bool, who: String) throws(BlockError) -> [[Range<Int>]] {
        var out: [[Range<Int>]] = []
        for (r, row) in x.enumerated() {
            if whole && row.count % s.blockCols != 0 {
                throw BlockError(row: r + 1, "\(row.count) values: \(who) needs rows of a multiple of the block length \(s.blockCols)")
            }
            out.append(stride(from: 0, to: row.count, by: s.blockCols).map { $0 ..< min($0 + s.blockCols, row.count) })
        }
        return out
    }
}

extension Double {
    static func pow2(_ k: Int) -> Double { Double(sign: .plus, exponent: k, significand: 1) }
}

/// The MX element parameters the libraries use: (target_max_pow2 = emax, mantissa bits, max).
func mxElementParameters(_ s: BlockScheme) -> (emax: Int, mbits: Int, ebits: Int, max: Float) {
    if s.mxInt8 { return (0, 6, 0, 127.0 / 64.0) }
    switch s.element.name {
    case "float8_e4m3fn": return (8, 3, 4, 448)
    case "float8_e5m2": return (15, 2, 5, 57344)
    case "float6_e2m3fn": return (2, 3, 2, 7.5)
    case "float6_e3m2fn": return (4, 2, 3, 28)
    default: return (2, 1, 2, 6)   // float4_e2m1fn
    }
}

/// torchao 0.18.0 (`torchao/prototype/mx_formats/mx_tensor.py` `to_mx`, `nvfp4_tensor.py`
/// `nvfp4_quantize`, `custom_fp_utils.py` `_f32_to_floatx_unpacked`), eager CPU path.
enum ProfileTorchao {
    static func cast(_ s: BlockScheme, _ v: Float) -> Int {
        let p = mxElementParameters(s)
        switch s.element.name {
        case "float8_e4m3fn", "float8_e5m2": return ProfileMath.torchFP8(v, s.element)
        default: return ProfileMath.torchaoFloatx(v, ebits: p.ebits, mbits: p.mbits)
        }
    }

    /// The E8M0 code of one block and its elements (`to_mx`).
    static func mxBlock(_ s: BlockScheme, _ xs: ArraySlice<Float>, _ rule: MXScaleRule) -> (Int, [Int]) {
        let p = mxElementParameters(s)
        var maxAbs = ProfileMath.amax(xs)
        let isFP8 = s.element.name == "float8_e4m3fn" || s.element.name == "float8_e5m2"
        if rule == .rceil {
            // _to_mx_rceil: descale = max_abs / max_pos; exponent = clamp(ceil(log2(descale)), -127, 127) + 127
            let descale = maxAbs / p.max
            let code: Int
            if descale.isNaN { code = 255 } else if descale.isInfinite { code = 254 } else {
                let c = ProfileMath.log2f32(descale).rounded(.up)
                code = Int(max(-127, min(127, c))) + 127
            }
            // rcp: NaN -> descale; 254 -> 2^-127; 0 -> 1.0; else exp2(127 - code)
            let rcp: Float = code == 255 ? descale : code == 254 ? ProfileMath.pow2(-127) : code == 0 ? 1.0 : ProfileMath.pow2(127 - code)
            let elements = xs.map { cast(s, ProfileMath.clamp(ProfileMath.multiply($0, rcp), -p.max, p.max)) }
            return (code, elements)
        }
        let nan = maxAbs.isNaN
        var bits = Int32(bitPattern: maxAbs.bitPattern)
        if rule == .even && !nan {
            bits = (bits &+ Int32(1 << (23 - p.mbits - 1))) & Int32(bitPattern: 0xFF80_0000)
            maxAbs = Float(bitPattern: UInt32(bitPattern: bits))
        }
        var extracted = Int((bits >> 23) & 0xFF) - 127
        if rule == .ceil && (bits & 0x7F_FFFF) > 0 { extracted += 1 }
        let unbiased = max(-127, min(128, extracted - p.emax))
        var code = unbiased + 127
        if nan { code = 255 }
        // scale_fp32 = (code << 23) viewed as binary32, clamped below to 2^-126 (F32_MIN_NORMAL)
        var scale = Float(bitPattern: UInt32(code) << 23)
        scale = ProfileMath.clamp(scale, ProfileMath.pow2(-126), .infinity)
        let elements = xs.map { v -> Int in
            var d = v / scale
            if isFP8 { d = ProfileMath.clamp(d, -p.max, p.max) }
            return cast(s, d)
        }
        return (code, elements)
    }

    static func mx(_ s: BlockScheme, _ x: [[Float]], _ rule: MXScaleRule) throws(BlockError) -> BlockTensor {
        let blocks = try ProfileMath.rowBlocks(s, x, whole: true, who: "torchao's to_mx")
        var scales: [[Int]] = [], codes: [[Int]] = []
        for (r, row) in x.enumerated() {
            var rs: [Int] = [], rc: [Int] = []
            for b in blocks[r] {
                let (sc, el) = mxBlock(s, row[b], rule)
                rs.append(sc)
                rc += el
            }
            scales.append(rs)
            codes.append(rc)
        }
        return BlockTensor(scheme: s, columns: x.map(\.count), tensorScale: nil, scales: scales, zeroPoints: nil, codes: codes)
    }

    static let e4m3EPS = ProfileMath.pow2(-6)   // torch.finfo(torch.float8_e4m3fn).tiny

    /// `per_tensor_amax_to_scale(amax) = amax / (448 · 6)` then `nvfp4_quantize`.
    static func nvfp4(_ s: BlockScheme, _ x: [[Float]]) throws(BlockError) -> BlockTensor {
        let blocks = try ProfileMath.rowBlocks(s, x, whole: true, who: "torchao's nvfp4_quantize")
        var pts: Float?
        if case .e4m3(true) = s.scaling { pts = ProfileMath.torchMaxAbs(x.joined(), count: x.reduce(0) { $0 + $1.count }) / Float(2688) }
        var scales: [[Int]] = [], codes: [[Int]] = []
        for (r, row) in x.enumerated() {
            var rs: [Int] = [], rc: [Int] = []
            for b in blocks[r] {
                let blockScale = ProfileMath.amax(row[b]) / Float(6)
                let recip: Float
                let code: Int
                if let pts {
                    let scaled = blockScale / pts
                    code = ProfileMath.torchFP8(ProfileMath.clamp(scaled, e4m3EPS, 448), BlockScheme.e4m3)
                    let s8 = Float(bitPattern: UInt32(BlockScheme.binary32.encode8(BlockScheme.e4m3, code)))
                    recip = (Float(1) / pts) / s8
                } else {
                    code = ProfileMath.torchFP8(ProfileMath.clamp(blockScale, e4m3EPS, 448), BlockScheme.e4m3)
                    let s8 = Float(bitPattern: UInt32(BlockScheme.binary32.encode8(BlockScheme.e4m3, code)))
                    recip = Float(1) / s8
                }
                rs.append(code)
                for v in row[b] { rc.append(ProfileMath.torchaoFloatx(ProfileMath.clamp(ProfileMath.multiply(v, recip), -6, 6), ebits: 2, mbits: 1)) }
            }
            scales.append(rs)
            codes.append(rc)
        }
        return BlockTensor(scheme: s, columns: x.map(\.count), tensorScale: pts.map(\.bitPattern), scales: scales, zeroPoints: nil, codes: codes)
    }
}

extension Format {
    /// The binary32 bits of code `c` of an 8-bit-or-narrower `from` format as torch's
    /// `tensor.to(torch.float32)` gives them: exact; an E4M3FN NaN (0x7F, 0xFF) becomes
    /// 0x7FF00000 with the code's sign (c10 `fp8e4m3fn_to_fp32_value`).
    func encode8(_ from: Format, _ c: Int) -> Int {
        let v = from.value(ofCode: c)
        if case .nan(let n) = v { return n ? 0xFFF0_0000 : 0x7FF0_0000 }
        return try! encode(v, rounding: .rne, overflow: .ovfinf).code
    }
}

/// microsoft/microxcaling `mx/mx_ops.py` `_quantize_mx` (custom_cuda=False, round="nearest",
/// flush_fp32_subnorms=False, scale_bits 8) and `mx/elemwise_ops.py` `_quantize_elemwise_core`
/// (saturate_normals=True, allow_denorm=True). The library returns fake-quantized binary32
/// values; the element codes are those of the values `_quantize_elemwise_core` returns.
enum ProfileMicroxcaling {
    /// (ebits, mbits including sign and implicit bit, emax, max_norm) of `_get_format_params`.
    static func parameters(_ s: BlockScheme) -> (ebits: Int, mbits: Int, emax: Int, maxNorm: Float) {
        if s.mxInt8 { return (0, 8, 0, 127.0 / 64.0) }
        switch s.element.name {
        case "float8_e4m3fn": return (4, 5, 8, 448)
        case "float8_e5m2": return (5, 4, 15, 57344)
        case "float6_e2m3fn": return (2, 5, 2, 7.5)
        case "float6_e3m2fn": return (3, 4, 4, 28)
        default: return (2, 3, 2, 6)
        }
    }

    /// `_quantize_elemwise_core(A, bits, exp_bits, max_norm, round='nearest', saturate_normals=True)`.
    static func element(_ a: Float, _ p: (ebits: Int, mbits: Int, emax: Int, maxNorm: Float)) -> Float {
        var out = a
        var privateExp: Float?
        if p.ebits != 0 {
            var e = ProfileMath.log2f32(abs(a) + (a == 0 ? 1 : 0)).rounded(.down)
            let minExp = Float(-(1 << (p.ebits - 1)) + 2)
            if !e.isNaN && e < minExp { e = minExp }
            privateExp = e
        }
        let shift = Float(1 << (p.mbits - 2))
        // _safe_lshift: x / 2**exp * 2**bits
        if let e = privateExp { out = out / pow2f(e) * shift } else { out = out * shift }
        // _round_mantissa 'nearest': sign(A) * floor(|A| + 0.5)
        out = sign(out) * (abs(out) + 0.5).rounded(.down)
        // _safe_rshift: x / 2**bits * 2**exp
        if let e = privateExp { out = out / shift * pow2f(e) } else { out = out / shift }
        out = ProfileMath.clamp(out, -p.maxNorm, p.maxNorm)
        if a == .infinity { out = .infinity }
        if a == -.infinity { out = -.infinity }
        return out
    }

    /// torch.sign: -1, +0 (for both zeros: torch.sign(-0.0) is +0), 1, NaN.
    static func sign(_ x: Float) -> Float {
        if x.isNaN { return x }
        if x > 0 { return 1 }
        if x < 0 { return -1 }
        return 0
    }

    /// torch.pow(2, e) of an integer-valued binary32 (NaN → NaN, ±inf → inf / 0).
    static func pow2f(_ e: Float) -> Float {
        if e.isNaN { return .nan }
        if e == .infinity { return .infinity }
        if e == -.infinity { return 0 }
        return ProfileMath.pow2(Int(e))
    }

    static func mx(_ s: BlockScheme, _ x: [[Float]]) throws(BlockError) -> BlockTensor {
        let p = parameters(s)
        // ragged last blocks: the library pads with zeros, which change no amax
        let blocks = try ProfileMath.rowBlocks(s, x, whole: false, who: "microxcaling")
        var scales: [[Int]] = [], codes: [[Int]] = []
        for (r, row) in x.enumerated() {
            var rs: [Int] = [], rc: [Int] = []
            for b in blocks[r] {
                let amax = ProfileMath.amax(row[b])
                // _shared_exponents: floor(log2(amax + FP32_MIN_NORMAL * (amax == 0)))
                var se = ProfileMath.log2f32(amax + (amax == 0 ? ProfileMath.pow2(-126) : 0)).rounded(.down)
                se = se - Float(p.emax)
                if se > 127 { se = .nan }
                if se < -127 { se = -127 }
                if se.isNaN {
                    // the NaN shared exponent: every output is NaN; element codes 0 (convention)
                    rs.append(255)
                    rc += row[b].map { _ in 0 }
                    continue
                }
                rs.append(Int(se) + 127)
                let scale = pow2f(se)
                for v in row[b] {
                    let q = element(v / scale, p)
                    if s.mxInt8 {
                        rc.append(ProfileMath.encode(q * 64, s.element))
                    } else {
                        rc.append(ProfileMath.encode(q, s.element))
                    }
                }
            }
            scales.append(rs)
            codes.append(rc)
        }
        return BlockTensor(scheme: s, columns: x.map(\.count), tensorScale: nil, scales: scales, zeroPoints: nil, codes: codes)
    }
}

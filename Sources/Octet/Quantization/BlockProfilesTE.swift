import OctetExact

// The `te` profile (Specs/blocks.md §6): NVIDIA TransformerEngine's reference quantizers, step
// for step in binary32, from NVIDIA/TransformerEngine at d0067d0d (2026-08-22):
// - NVFP4: `transformer_engine/pytorch/custom_recipes/reference_nvfp4.py`,
//   `NVFP4QuantizerRef._quantize_blockwise_reference` (pow_2_scales=False, no 4over6, no RHT,
//   rowwise), 1×16 and 16×16 tiles, with the per-tensor amax;
// - FP8 block scaling (recipe `Float8BlockScaling`, E4M3, amax_epsilon 0):
//   `tests/pytorch/references/blockwise_quantizer_reference.py` (`_quantize_vectorwise_reference`,
//   `_quantize_square_block_tiling`) with `quantize_scale_calc.py` `scale_from_amax_tensor`,
//   1×128 and 128×128 blocks, binary32 or power-of-two scales.
//
// What is stored: TE keeps the *decode* scales. NVFP4's `scale` is the E4M3 decode scale (the
// block scale code here); the tensor level is kept as `global_amax`, from which TE's GEMM
// forms alpha = amax_a·amax_b/(6·6·448·448). The tensor scale of the BlockTensor is the binary32
// `global_decode_scale = fl32(1/fl32(2688/amax))` the quantizer divided by (through its
// reciprocal), so that dequantization reproduces what the elements were scaled by. FP8 blocks
// store `scale_inv = fl32(1/scale)` (binary32 bits; `_pow2`: its E8M0 code, 2^k → k + 127).
enum ProfileTE {
    static let fltMax = Float.greatestFiniteMagnitude

    /// torch.minimum / torch.maximum of element `i` of an n-element tensor with a 0-dim tensor
    /// (torch 2.15, CPU, AVX2): a NaN result is 0xFFFFFFFF (the vectorized blend's all-ones mask)
    /// for the elements of the vectorized loop, which runs in chunks of 16 (two AVX2 vectors), and
    /// the canonical 0x7FC00000 from the scalar loop for the last n mod 16 elements (measured on
    /// these TE paths by Scripts/peers/blocks_int_te_peers.py: a 1-element global amax gives
    /// 0x7FC00000, 16 blocks give 0xFFFFFFFF).
    static func nanAt(_ i: Int, _ n: Int) -> Float {
        Float(bitPattern: i < n / 16 * 16 ? 0xFFFF_FFFF : 0x7FC0_0000)
    }
    static func tmin(_ a: Float, _ b: Float, at i: Int, of n: Int) -> Float { a.isNaN || b.isNaN ? nanAt(i, n) : Swift.min(a, b) }
    static func tmax(_ a: Float, _ b: Float, at i: Int, of n: Int) -> Float { a.isNaN || b.isNaN ? nanAt(i, n) : Swift.max(a, b) }

    /// `cast_to_fp4x2` (reference_nvfp4.py): E2M1 codes by threshold comparisons (RNE on the
    /// clamped values); -0 → code 0 (-0 < -0 is false), NaN → code 0 (no comparison holds).
    static func fp4(_ x: Float) -> Int {
        if x >= 0 && x <= 0.25 { return 0 }
        if x > 0.25 && x < 0.75 { return 1 }
        if x >= 0.75 && x <= 1.25 { return 2 }
        if x > 1.25 && x < 1.75 { return 3 }
        if x >= 1.75 && x <= 2.5 { return 4 }
        if x > 2.5 && x < 3.5 { return 5 }
        if x >= 3.5 && x <= 5.0 { return 6 }
        if x > 5.0 { return 7 }
        if x >= -0.25 && x < -0.0 { return 8 }
        if x < -0.25 && x > -0.75 { return 9 }
        if x <= -0.75 && x >= -1.25 { return 10 }
        if x < -1.25 && x > -1.75 { return 11 }
        if x <= -1.75 && x >= -2.5 { return 12 }
        if x < -2.5 && x > -3.5 { return 13 }
        if x <= -3.5 && x >= -5.0 { return 14 }
        if x < -5.0 { return 15 }
        return 0
    }

    /// The scheme's tiles over `x` (TE pads to whole tiles with zeros, which change no amax).
    static func tiles(_ s: BlockScheme, _ x: [[Float]]) throws(BlockError) -> [[[(Int, Int)]]] {
        if s.isTwoDimensional, let r = x.firstIndex(where: { $0.count != x[0].count }) {
            throw s.notRectangular(row: r, count: x[r].count, first: x[0].count)
        }
        return s.tiles(rowLengths: x.map(\.count))
    }

    /// `_quantize_blockwise_reference(x, global_amax, 16, 1 or 16, pow_2_scales=False)`.
    static func nvfp4(_ s: BlockScheme, _ x: [[Float]]) throws(BlockError) -> BlockTensor {
        let ts = try tiles(s, x)
        // global_amax = torch.max(torch.abs(x)) (NaN propagates)
        let globalAmax = ProfileMath.torchMaxAbs(x.joined(), count: x.reduce(0) { $0 + $1.count })
        // global_encode_scale = min((448 · 6) / global_amax, FLT_MAX); 0 → 1
        var ges = tmin(Float(448) * Float(6) / globalAmax, fltMax, at: 0, of: 1)
        if ges == 0 { ges = 1 }
        let gds = Float(1) / ges
        // global_encode_scale_multiplier = global_encode_scale * torch.reciprocal(6.0)
        let mult = ges * (Float(1) / Float(6))
        var scales: [[Int]] = [], codes = x.map { Array(repeating: 0, count: $0.count) }
        // decode_scale is an (m, n/16, 1) tensor, the 2-D tiles' amax repeated on their 16 rows
        let nb = ts.map(\.count).max()!, n = ts.count * s.blockRows * nb
        for (br, line) in ts.enumerated() {
            var rs: [Int] = []
            for (bc, t) in line.enumerated() {
                let vecMax = ProfileMath.torchMaxAbs(t.map { x[$0.0][$0.1] }, count: s.blockRows * s.blockCols)
                var d = tmin(vecMax * mult, fltMax, at: br * s.blockRows * nb + bc, of: n)
                d = ProfileMath.clamp(d, -448, 448)
                let code = ProfileMath.torchFP8(d, BlockScheme.e4m3)
                let s8 = Float(bitPattern: UInt32(BlockScheme.binary32.encode8(BlockScheme.e4m3, code)))
                let enc = tmin(Float(1) / (s8 * gds), fltMax, at: br * s.blockRows * nb + bc, of: n)
                rs.append(code)
                for (r, c) in t { codes[r][c] = fp4(ProfileMath.clamp(ProfileMath.multiply(x[r][c], enc), -6, 6)) }
            }
            scales.append(rs)
        }
        return BlockTensor(scheme: s, columns: x.map(\.count), tensorScale: gds.bitPattern, scales: scales, zeroPoints: nil, codes: codes)
    }

    /// glibc frexp's exponent (torch.frexp on CPU): 0 for 0, NaN and ±inf.
    static func frexpExponent(_ f: Float) -> Int {
        if f == 0 || !f.isFinite { return 0 }
        return Int(f.exponent) + 1
    }

    /// `scale_from_amax_tensor(amax, e4m3, eps=0, pow_2_scales)` then `x * scale`, clamp ±448,
    /// `.to(float8_e4m3fn)`.
    static func fp8(_ s: BlockScheme, _ x: [[Float]], pow2: Bool) throws(BlockError) -> BlockTensor {
        let ts = try tiles(s, x)
        var scales: [[Int]] = [], codes = x.map { Array(repeating: 0, count: $0.count) }
        // the amax grid is a (block rows, block columns) tensor
        let nb = ts.map(\.count).max()!, n = ts.count * nb
        for (br, line) in ts.enumerated() {
            var rs: [Int] = []
            for (bc, t) in line.enumerated() {
                // amax = torch.max(amax, torch.tensor(eps)), eps = 0 (Float8BlockScaling's amax_epsilon)
                let amax = tmax(ProfileMath.torchMaxAbs(t.map { x[$0.0][$0.1] }, count: s.blockRows * s.blockCols), 0, at: br * nb + bc, of: n)
                var scale = Float(448) / amax
                if scale == .infinity { scale = fltMax }
                if pow2 {
                    // _, exp = torch.frexp(scale); ldexp(1, exp - 1); amax == inf → 0
                    scale = ProfileMath.pow2(frexpExponent(scale) - 1)
                    if amax == .infinity { scale = 0 }
                }
                if amax == 0 { scale = 1 }
                let scaleInv = Float(1) / scale   // torch.reciprocal
                if pow2 {
                    // E8M0 code of the power of two scale_inv; +inf (a block holding ±inf) → 0xFF
                    rs.append(scaleInv.isFinite ? Int(scaleInv.exponent) + 127 : 255)
                } else {
                    rs.append(Int(scaleInv.bitPattern))
                }
                for (r, c) in t {
                    codes[r][c] = ProfileMath.torchFP8(ProfileMath.clamp(ProfileMath.multiply(x[r][c], scale), -448, 448), BlockScheme.e4m3)
                }
            }
            scales.append(rs)
        }
        return BlockTensor(scheme: s, columns: x.map(\.count), tensorScale: nil, scales: scales, zeroPoints: nil, codes: codes)
    }
}

import OctetExact

// The group-wise integer profiles `gptq`, `awq`, `llmcompressor` (Specs/blocks.md §6): the
// binary32 steps of each library's round-to-nearest group quantizer, on groups of g along a row.
// torch.round is round half to even (`.toNearestOrEven`); every division below is one binary32
// division, in the library's order.
// - AutoGPTQ/AutoGPTQ at 9f7d3707 (2025-04-11), `auto_gptq/quantization/quantizer.py`
//   `Quantizer.find_params(x, weight=True)` (perchannel, no mse) and `quantize`.
// - casper-hansen/AutoAWQ at 88e4c76b (2025-05-11), `awq/quantize/quantizer.py`
//   `AwqQuantizer.pseudo_quantize_tensor` (zero_point True for `_asym`, False for symmetric).
// - neuralmagic/compressed-tensors at 52792be0 (2025-10-30) as llm-compressor uses it,
//   `quantization/utils/helpers.py` `calculate_qparams` and `lifecycle/forward.py` `_quantize`
//   (type int, strategy group, min/max per group).
//
// Mapping to the scheme's stored quantities ((q − z)·s): the binary32 scale as computed.
// Symmetric schemes (signed codes, no zero point): AutoGPTQ's unsigned q with zero 2^(b−1)
// is stored as q − 2^(b−1); AWQ and compressed-tensors already produce signed q. `_asym`
// (unsigned codes, integer zero point): AutoGPTQ's and AWQ's q and zero as they are;
// compressed-tensors' signed q and zero point plus 2^(b−1) (the same (q − z)).
enum ProfileINT {
    enum Library { case gptq, awq, llmcompressor }

    static func rne(_ f: Float) -> Float { f.rounded(.toNearestOrEven) }
    static func clamp(_ f: Float, _ lo: Float, _ hi: Float) -> Float { Swift.min(Swift.max(f, lo), hi) }

    static func quantize(_ s: BlockScheme, _ x: [[Float]], _ lib: Library) throws(BlockError) -> BlockTensor {
        guard case .integer(let zp) = s.scaling, let layout = s.element.integerLayout else {
            throw BlockError("integer profiles take integer-group schemes")
        }
        let bits = layout.bits
        let sym = zp == .symmetric
        for (r, row) in x.enumerated() {
            for (c, v) in row.enumerated() where !v.isFinite {
                throw BlockError(row: r + 1, column: c + 1, "\(v) in an integer group (the library asserts or produces no defined code)")
            }
        }
        let blocks = try ProfileMath.rowBlocks(s, x, whole: lib == .awq, who: "AutoAWQ's pseudo_quantize_tensor")
        var scales: [[Int]] = [], zeros: [[Int]] = [], codes: [[Int]] = []
        for (r, row) in x.enumerated() {
            var rs: [Int] = [], rz: [Int] = [], rc: [Int] = []
            for b in blocks[r] {
                let g = row[b]
                let (scale, zero, q) = group(g, bits: bits, sym: sym, lib)
                if scale == 0 {
                    throw BlockError(row: r + 1, column: b.lowerBound + 1, "the group's scale underflows to 0 in binary32 (the library then divides by 0)")
                }
                rs.append(Int(scale.bitPattern))
                if let zero {
                    guard zero >= 0, zero < 1 << bits else { throw BlockError(row: r + 1, column: b.lowerBound + 1, "zero point \(zero) outside the element range") }
                    rz.append(zero)
                }
                rc += q.map { layout.code(of: $0) }
            }
            scales.append(rs)
            zeros.append(rz)
            codes.append(rc)
        }
        return BlockTensor(scheme: s, columns: x.map(\.count), tensorScale: nil, scales: scales, zeroPoints: sym ? nil : zeros, codes: codes)
    }

    /// One group: (binary32 scale, zero point code for `_asym`, element values of the scheme).
    static func group(_ g: ArraySlice<Float>, bits: Int, sym: Bool, _ lib: Library) -> (Float, Int?, [Int]) {
        let gmin = g.min()!, gmax = g.max()!
        switch lib {
        case .gptq:
            let maxq = Float((1 << bits) - 1)
            // xmin = minimum(x.min(), 0), xmax = maximum(x.max(), 0)
            var xmin = Swift.min(gmin, 0), xmax = Swift.max(gmax, 0)
            if sym {
                xmax = Swift.max(abs(xmin), xmax)
                if xmin < 0 { xmin = -xmax }
            }
            if xmin == 0 && xmax == 0 { xmin = -1; xmax = 1 }
            let scale = (xmax - xmin) / maxq
            // A range below maxq·2^-150 makes the scale 0; AutoGPTQ then divides by 0. The caller
            // refuses a zero scale with the group's position (nothing below may convert NaN to Int).
            if scale == 0 { return (0, nil, []) }
            let zero = sym ? Float(1 << (bits - 1)) : rne(-xmin / scale)
            // quantize: clamp(round(x / scale) + zero, 0, maxq)
            let q = g.map { Int(clamp(rne($0 / scale) + zero, 0, maxq)) }
            if sym { return (scale, nil, q.map { $0 - (1 << (bits - 1)) }) }
            return (scale, Int(zero), q)
        case .awq:
            if sym {
                // max_val = clamp(|w|.amax(), min=1e-5); scales = max_val / (2^(b-1) - 1)
                let maxInt = Float((1 << (bits - 1)) - 1), minInt = Float(-(1 << (bits - 1)))
                let maxVal = Swift.max(Swift.max(abs(gmin), abs(gmax)), Float(1e-5))
                let scale = maxVal / maxInt
                return (scale, nil, g.map { Int(clamp(rne($0 / scale), minInt, maxInt)) })
            }
            let maxInt = Float((1 << bits) - 1)
            // scales = (max - min).clamp(min=1e-5) / max_int; zeros = (-round(min / scales)).clamp(0, max_int)
            let scale = Swift.max(gmax - gmin, Float(1e-5)) / maxInt
            let zero = clamp(-rne(gmin / scale), 0, maxInt)
            return (scale, Int(zero), g.map { Int(clamp(rne($0 / scale) + zero, 0, maxInt)) })
        case .llmcompressor:
            // calculate_range: q_min = -2^b/2, q_max = 2^b/2 - 1 (binary32 tensors)
            let qmin = Float(-(1 << (bits - 1))), qmax = Float((1 << (bits - 1)) - 1)
            let bitRange = qmax - qmin
            let eps = Float.ulpOfOne   // torch.finfo(torch.float32).eps
            let minv = Swift.min(gmin, 0), maxv = Swift.max(gmax, 0)
            if sym {
                // scales = max(|min|, |max|) / (float(bit_range) / 2), clamped to ≥ eps; zero point 0
                let scale = Swift.max(Swift.max(abs(minv), abs(maxv)) / (bitRange / 2), eps)
                return (scale, nil, g.map { Int(rne(clamp($0 / scale + 0, qmin, qmax))) })
            }
            // scales = (max - min) / bit_range ≥ eps; zero_points = round(clamp(q_min - min/scales, q_min, q_max))
            let scale = Swift.max((maxv - minv) / bitRange, eps)
            let zp = rne(clamp(qmin - minv / scale, qmin, qmax))
            let off = 1 << (bits - 1)
            // _quantize: round(clamp(x / scale + zero_point, q_min, q_max))
            let q = g.map { Int(rne(clamp($0 / scale + zp, qmin, qmax))) + off }
            return (scale, Int(zp) + off, q)
        }
    }
}

import Foundation
import Testing
import Octet
import OctetExact
import OctetKernels

/// The block quantization kernels (blockquant.c) against the reference `BlockScheme.quantize`:
/// every element code's value, the midpoints between neighbours and the binary32 values one ulp
/// either side, under representative scales; every MX rule; NaN/Inf/zero/subnormal inputs; ragged
/// last blocks and odd rows (packing); random tensors of several distributions; from binary32 and
/// from bfloat16; on the dispatched (AVX2) path and on the scalar path.
@Suite struct BlockQuantizeKernelTests {
    enum Source: CaseIterable { case f32, bf16 }

    /// The element values of a format (non-negative finite codes), as Double: independent of Octet.
    static func values(_ el: BlockKernels.MXElement) -> [Double] {
        let (m, bias, maxc): (Int, Int, Int)
        switch el {
        case .e4m3: (m, bias, maxc) = (3, 7, 0x7E)
        case .e5m2: (m, bias, maxc) = (2, 15, 0x7B)
        case .e2m1: (m, bias, maxc) = (1, 1, 0x7)
        }
        return (0 ... maxc).map { c in
            let ef = c >> m, f = c & ((1 << m) - 1)
            return ef == 0 ? Double(f) * pow(2, Double(1 - bias - m)) : Double((1 << m) + f) * pow(2, Double(ef - bias - m))
        }
    }

    /// Each value, each midpoint to the next, and the neighbours of both one ulp of the source
    /// format (binary32 or bfloat16) either side, times `scale`, both signs; as binary32 values
    /// that the source format holds exactly.
    static func sweep(_ vs: [Double], scale: Double, _ src: Source) -> [Float] {
        var out: [Float] = []
        var points = vs
        for i in 0 ..< vs.count - 1 { points.append((vs[i] + vs[i + 1]) / 2) }
        points.append(vs.last! * 1.25)   // beyond the max (saturation)
        for p in points {
            let x = Float(p * scale)
            let near: [Float]
            switch src {
            case .f32: near = [x, x.nextUp, x.nextDown]
            case .bf16:
                let b = x.bitPattern >> 16
                near = [b, b + 1, b == 0 ? 0 : b - 1].map { Float(bitPattern: $0 << 16) }
            }
            for y in near where y.isFinite && y >= 0 { out.append(y); out.append(-y) }
        }
        return out
    }

    /// The reference scheme `name` with blocks of `block` (the `_bK` spelling).
    static func scheme(_ name: String, rule: MXScaleRule? = nil, block: Int) -> BlockScheme {
        let s = try! BlockSchemes.named("\(name)_b\(block)")
        precondition(s.blockCols == block && s.blockRows == 1)
        return rule.map { try! s.with(rule: $0) } ?? s
    }

    static func exact(_ xs: [Float], _ src: Source) -> [ExactValue] {
        switch src {
        case .f32: return xs.map { IEEEBits.decode(UInt64($0.bitPattern), as: .binary32) }
        case .bf16: return xs.map { IEEEBits.decode(UInt64($0.bitPattern >> 16), as: .bfloat16) }
        }
    }

    /// The kernel's result for `name` (the same call the reference answers): codes, packed
    /// nibbles and scales through the array API, or, with `packedOnly`, through the buffer API
    /// with no code buffer (4-bit schemes: the packed stores alone).
    static func kernel(_ name: String, rule: MXScaleRule?, _ xs: [Float], _ bits: [UInt16], rows: Int, cols: Int, block: Int, src: Source,
                       packedOnly: Bool) -> Swift.Result<BlockKernels.Result, BlockKernels.NVFP4Error> {
        let f = src == .f32 ? xs : nil, b = src == .bf16 ? bits : nil
        let el: BlockKernels.MXElement = name == "mxfp4" ? .e2m1 : name == "mxfp8_e5m2" ? .e5m2 : .e4m3
        let r = BlockKernels.MXRule(rawValue: (rule ?? .floor).rawValue)!
        if !packedOnly {
            if name.hasPrefix("nvfp4") {
                return Swift.Result { () throws(BlockKernels.NVFP4Error) in
                    try BlockKernels.quantizeNVFP4(f32: f, bf16: b, rows: rows, cols: cols, block: block, oneLevel: name == "nvfp4_1level")
                }
            }
            return .success(BlockKernels.quantizeMX(el, rule: r, f32: f, bf16: b, rows: rows, cols: cols, block: block))
        }
        var packed = [UInt8](repeating: 0xEE, count: BlockKernels.packedCount(rows: rows, cols: cols))
        var scales = [UInt8](repeating: 0xEE, count: BlockKernels.scaleCount(rows: rows, cols: cols, block: block))
        let st: Swift.Result<UInt32?, BlockKernels.NVFP4Error> = BlockKernels.withInput(f32: f, bf16: b) { input in
            packed.withUnsafeMutableBufferPointer { p in
                scales.withUnsafeMutableBufferPointer { sc in
                    Swift.Result { () throws(BlockKernels.NVFP4Error) -> UInt32? in
                        switch name {
                        case "nvfp4": return try BlockKernels.quantizeNVFP4(input, rows: rows, cols: cols, block: block, codes: nil, packed: p, scales: sc)
                        case "nvfp4_1level":
                            try BlockKernels.quantizeNVFP4OneLevel(input, rows: rows, cols: cols, block: block, codes: nil, packed: p, scales: sc)
                            return nil
                        default:
                            BlockKernels.quantizeMX(el, rule: r, input, rows: rows, cols: cols, block: block, codes: nil, packed: p, scales: sc)
                            return nil
                        }
                    }
                }
            }
        }
        return st.map { BlockKernels.Result(codes: [], packed: packed, scales: scales, tensorScale: $0) }
    }

    /// Compares kernel output for one tensor (rows × cols) with the reference, on both paths
    /// (dispatched and scalar), and for 4-bit schemes also with the packed output alone.
    static func check(_ name: String, rule: MXScaleRule? = nil, _ xs: [Float], rows: Int, cols: Int, block: Int, src: Source,
                      _ context: String, log: inout MismatchLog) {
        precondition(xs.count == rows * cols)
        let s = scheme(name, rule: rule, block: block)
        let ex = exact(xs, src)
        let table = (0 ..< rows).map { Array(ex[$0 * cols ..< ($0 + 1) * cols]) }
        let bits = xs.map { UInt16($0.bitPattern >> 16) }
        let refResult = Result { () throws(BlockError) in try s.quantize(table) }
        let fourBit = name == "mxfp4" || name.hasPrefix("nvfp4")
        for scalar in [false, true] {
            for packedOnly in fourBit ? [false, true] : [false] {
                let run = { kernel(name, rule: rule, xs, bits, rows: rows, cols: cols, block: block, src: src, packedOnly: packedOnly) }
                let k = scalar ? Kernels.withScalarPaths(run) : run()
                let where_ = "\(context) \(name) \(rule.map(\.rawValue) ?? "") \(src) \(scalar ? "scalar" : "dispatched")\(packedOnly ? " packed-only" : "")"
                switch (refResult, k) {
                case (.failure(let e), .failure(let ke)):
                    // the same refusal at the same place
                    switch ke {
                    case .nonFinite(let i):
                        if e.row != i / cols + 1 || e.column != i % cols + 1 { log.record("\(where_): the reference refuses at \(e), the kernel at index \(i)") }
                    case .tensorScaleUnderflow:
                        if e.row != nil || !e.message.contains("underflow") { log.record("\(where_): the reference refuses with \(e), the kernel with \(ke)") }
                    }
                    continue
                case (.failure(let e), .success): log.record("\(where_): the reference refuses (\(e)), the kernel does not"); continue
                case (.success, .failure(let e)): log.record("\(where_): the kernel refuses (\(e))"); continue
                case (.success(let ref), .success(let got)):
                    if ref.tensorScale != got.tensorScale {
                        log.record("\(where_): tensor scale \(String(describing: ref.tensorScale)) vs \(String(describing: got.tensorScale))")
                    }
                    let nb = (cols + block - 1) / block
                    for r in 0 ..< rows {
                        for b in 0 ..< nb where ref.scales[r][b] != Int(got.scales[r * nb + b]) {
                            log.record("\(where_): row \(r) block \(b) scale ref \(KernelTest.hex(ref.scales[r][b])) kernel \(KernelTest.hex(got.scales[r * nb + b]))")
                        }
                        if !packedOnly {
                            for c in 0 ..< cols where ref.codes[r][c] != Int(got.codes[r * cols + c]) {
                                let x = xs[r * cols + c]
                                log.record("\(where_): [\(r),\(c)] x=\(x) (\(KernelTest.floatBits(x))) scale \(KernelTest.hex(ref.scales[r][c / block])) ref \(KernelTest.hex(ref.codes[r][c])) kernel \(KernelTest.hex(got.codes[r * cols + c]))")
                            }
                        }
                        if fourBit {
                            let pc = (cols + 1) / 2
                            let want = try! ref.packed(row: r, .lowFirst)
                            if let p = got.packed, Array(p[r * pc ..< (r + 1) * pc]) == want {} else { log.record("\(where_): row \(r) packing differs") }
                        }
                    }
                }
            }
        }
    }

    static let mxSchemes: [(String, BlockKernels.MXElement)] = [("mxfp8_e4m3", .e4m3), ("mxfp8_e5m2", .e5m2), ("mxfp4", .e2m1)]

    /// Blocks whose first element fixes the scale (max·2^e, a power of two, or max·2^e one ulp
    /// up), the rest sweeping every code's value, midpoints and ulp neighbours at that scale.
    @Test(arguments: [Source.f32, .bf16])
    func mxEveryCodeUnderRepresentativeScales(src: Source) {
        var log = MismatchLog("mx sweep")
        for (name, el) in Self.mxSchemes {
            let vs = Self.values(el)
            let emax = Int(log2(vs.last!).rounded(.down))
            for e in [-135, -127, -126, -100, -20, -3, 0, 7, 60, 110, 127 - emax] where e + emax <= 127 {
                let scale = pow(2.0, Double(e))
                let elems = Self.sweep(vs, scale: scale, src)
                for head in [Float(vs.last! * scale), Float(pow(2.0, Double(e + emax))), Float(vs.last! * scale).nextUp] where head.isFinite && head > 0 {
                    var xs: [Float] = []
                    for chunk in stride(from: 0, to: elems.count, by: 31) {
                        xs.append(head)
                        xs += elems[chunk ..< min(chunk + 31, elems.count)]
                        while xs.count % 32 != 0 { xs.append(0) }
                    }
                    for rule in MXScaleRule.allCases {
                        Self.check(name, rule: rule, xs, rows: 1, cols: xs.count, block: 32, src: src, "e=\(e) head=\(head)", log: &log)
                    }
                }
            }
        }
        log.finish()
    }

    /// NVFP4: tensor scales exact and inexact (normal and subnormal s_t), every E4M3 block scale
    /// code, each block sweeping E2M1's values, midpoints and ulp neighbours; block maxima on
    /// the E4M3 midpoints (and one ulp away) of amax/(6 s_t).
    @Test(arguments: [Source.f32, .bf16])
    func nvfp4EveryCodeUnderEveryBlockScale(src: Source) {
        var log = MismatchLog("nvfp4 sweep")
        let e2m1 = Self.values(.e2m1)
        let e4m3 = Self.values(.e4m3)
        // nil: nvfp4_1level (s_t = 1, no tensor amax); its blocks also go past 6·448 (saturating scales)
        for amaxT in [Float(2688), 1000, 1, 3.1e-3, 1e30, 1e-33, 2.5e-40, nil] {
            let st = amaxT.map { Double($0 / 2688) } ?? 1
            let limit = amaxT ?? .greatestFiniteMagnitude
            var xs: [Float] = []
            var row0 = [amaxT ?? 1e6]
            while row0.count < 16 { row0.append(0) }
            xs += row0
            if amaxT == nil {   // block maxima that round to scale 0, to the smallest scales, and beyond 448
                for y: Float in [1e-3, 6 * 0x1p-10, (6 * 0x1p-10 as Float).nextUp, (6 * 0x1p-10 as Float).nextDown, 6 * 0x1p-9, 3000, 2688, 2784, Float(2784).nextUp, Float(2784).nextDown, 1e38] {
                    var b: [Float] = [y, -y / 2, y / 5, -0.0]
                    while b.count < 16 { b.append(-y / Float(b.count + 2)) }
                    xs += b
                }
            }
            for sc in 1 ..< e4m3.count {
                let d = e4m3[sc] * st
                let head = Float(6 * d)
                guard head > 0, head <= limit else { continue }
                let elems = Self.sweep(e2m1, scale: d, src).filter { abs($0) <= head }
                for chunk in stride(from: 0, to: elems.count, by: 15) {
                    var b = [head] + elems[chunk ..< min(chunk + 15, elems.count)]
                    while b.count < 16 { b.append(0) }
                    xs += b
                }
                // the block scale's own rounding: maxima at midpoints of E4M3 · 6 s_t and neighbours
                if sc + 1 < e4m3.count {
                    let m = Float((e4m3[sc] + e4m3[sc + 1]) / 2 * 6 * st)
                    for y in [m, m.nextUp, m.nextDown] where y > 0 && y <= limit {
                        var b = [y, -y / 3, y / 7, Float(-0.0)]
                        while b.count < 16 { b.append(y / Float(b.count + 1)) }
                        xs += b
                    }
                }
            }
            // rows of one block (the per-block route) and of four (the kernel's four-block route)
            while xs.count % 64 != 0 { xs.append(0) }
            for cols in [16, 64] {
                Self.check(amaxT == nil ? "nvfp4_1level" : "nvfp4", xs, rows: xs.count / cols, cols: cols, block: 16, src: src,
                           "amax_t=\(amaxT.map { "\($0)" } ?? "none") cols=\(cols)", log: &log)
            }
        }
        log.finish()
    }

    @Test func specialsZerosAndSubnormals() {
        var log = MismatchLog("edges")
        let nan = Float.nan, inf = Float.infinity
        let sub: Float = .leastNonzeroMagnitude
        let blocks: [[Float]] = [
            [1, 2, nan, 3], [1, -inf, 0.5, 7], [inf, 0, 0, 0], [0, 0, 0, 0], [-0.0, -0.0, 0, -0.0],
            [sub, -sub, sub * 3, 0], [Float.leastNormalMagnitude, sub * 1000, -sub, 1e-39],
            [Float.greatestFiniteMagnitude, -1, 1e38, 3], [-Float.greatestFiniteMagnitude, 6, 1, 0.1],
        ]
        for src in Source.allCases {
            for (name, _) in Self.mxSchemes {
                for rule in MXScaleRule.allCases {
                    var row: [Float] = []
                    for b in blocks {
                        let xs = (0 ..< 8).flatMap { i in b.map { $0 * (i % 2 == 0 ? 1 : -1) } }   // 32 elements
                        Self.check(name, rule: rule, xs, rows: 1, cols: 32, block: 32, src: src, "edge \(b)", log: &log)
                        row += xs
                    }
                    // every edge block in one row (the kernel's multi-block route), and two such rows
                    Self.check(name, rule: rule, row, rows: 1, cols: row.count, block: 32, src: src, "edge row", log: &log)
                    Self.check(name, rule: rule, row + row.reversed(), rows: 2, cols: row.count, block: 32, src: src, "edge rows", log: &log)
                }
            }
            for b in blocks {
                let xs = (0 ..< 4).flatMap { _ in b }
                for name in ["nvfp4", "nvfp4_1level"] { Self.check(name, xs, rows: 1, cols: 16, block: 16, src: src, "edge \(b)", log: &log) }
                // the same block beside three others (zero, tiny, ordinary) on the four-block route
                let four = xs + [Float](repeating: 0, count: 16) + xs.map { $0 * 1e-30 } + (0 ..< 16).map { Float($0) - 7.5 }
                for name in ["nvfp4", "nvfp4_1level"] { Self.check(name, four, rows: 1, cols: 64, block: 16, src: src, "edge×4 \(b)", log: &log) }
            }
            // a NaN in the second row, after finite rows (the first non-finite position is reported)
            let late = [Float](repeating: 1, count: 16) + [2, 3, -.infinity] + [Float](repeating: 1, count: 13)
            for name in ["nvfp4", "nvfp4_1level"] { Self.check(name, late, rows: 2, cols: 16, block: 16, src: src, "late inf", log: &log) }
            // all-zero tensor, tensor scale underflow, subnormal tensor scale
            Self.check("nvfp4", [Float](repeating: 0, count: 32), rows: 2, cols: 16, block: 16, src: src, "zeros", log: &log)
            Self.check("nvfp4", [Float](repeating: -0.0, count: 16), rows: 1, cols: 16, block: 16, src: src, "-zeros", log: &log)
            if src == .f32 {
                Self.check("nvfp4", [sub] + [Float](repeating: 0, count: 15), rows: 1, cols: 16, block: 16, src: src, "underflow", log: &log)
                Self.check("nvfp4", (0 ..< 32).map { Float($0) * sub * 40000 }, rows: 2, cols: 16, block: 16, src: src, "subnormal s_t", log: &log)
            }
        }
        log.finish()
        // the errors the kernel reports
        #expect(throws: BlockKernels.NVFP4Error.nonFinite(index: 5)) { try BlockKernels.quantizeNVFP4(f32: [1, 2, 3, 4, 5, .nan, .infinity], rows: 1, cols: 7) }
        #expect(throws: BlockKernels.NVFP4Error.tensorScaleUnderflow) { try BlockKernels.quantizeNVFP4(f32: [sub, 0], rows: 1, cols: 2) }
    }

    /// Ragged last blocks, odd row lengths (packing), several rows, and block lengths that take
    /// the scalar route (not a multiple of 8) beside those that take the vector one.
    @Test func raggedTailsAndOddRows() {
        var log = MismatchLog("ragged")
        var rng = BenchmarkData.Random(state: 99)
        for src in Source.allCases {
            for (rows, cols) in [(1, 1), (1, 7), (3, 37), (2, 50), (4, 33), (2, 64), (3, 95)] {
                let xs = (0 ..< rows * cols).map { _ in Float(Int(rng.next() % 2001) - 1000) / 37 }
                for (name, _) in Self.mxSchemes {
                    for block in [32, 16, 8, 5] {
                        Self.check(name, rule: .floor, xs, rows: rows, cols: cols, block: block, src: src, "\(rows)x\(cols) b\(block)", log: &log)
                    }
                }
                for block in [16, 32, 7] {
                    for name in ["nvfp4", "nvfp4_1level"] {
                        Self.check(name, xs, rows: rows, cols: cols, block: block, src: src, "\(rows)x\(cols) b\(block)", log: &log)
                    }
                }
            }
        }
        log.finish()
    }

    /// Random tensors: normal-like, uniform, log-uniform over binary32's range, random finite bit
    /// patterns, and normals with rare large outliers.
    @Test(arguments: [Source.f32, .bf16])
    func randomTensors(src: Source) {
        var log = MismatchLog("random")
        var rng = BenchmarkData.Random(state: 0xB10C)
        func unit() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        let dists: [(String, () -> Float)] = [
            ("normal", { Float((0 ..< 6).map { _ in unit() }.reduce(0, +) - 3) }),
            ("uniform", { Float(unit() * 2 - 1) }),
            ("log-uniform", { Float((unit() < 0.5 ? -1.0 : 1.0) * pow(2, unit() * 200 - 100)) }),
            ("bits", {
                var u: UInt32
                repeat { u = UInt32(truncatingIfNeeded: rng.next()) } while u & 0x7F80_0000 == 0x7F80_0000
                return Float(bitPattern: u)
            }),
            ("outliers", { let g = Float((0 ..< 4).map { _ in unit() }.reduce(0, +) - 2); return unit() < 0.01 ? g * 1e4 : g }),
        ]
        for (dname, gen) in dists {
            for _ in 0 ..< 2 {
                let rows = 4, cols = 96
                let xs = (0 ..< rows * cols).map { _ in gen() }
                for (name, _) in Self.mxSchemes {
                    for rule in MXScaleRule.allCases {
                        Self.check(name, rule: rule, xs, rows: rows, cols: cols, block: 32, src: src, dname, log: &log)
                    }
                }
                Self.check("nvfp4", xs, rows: rows, cols: cols, block: 16, src: src, dname, log: &log)
                Self.check("nvfp4_1level", xs, rows: rows, cols: cols, block: 16, src: src, dname, log: &log)
            }
        }
        log.finish()
    }
}

import Octet
import OctetExact
import Testing

/// Block schemes checked against a second, brute-force implementation written here: element
/// values from hand-written tables or the bit layout formula, the nearest value found by scanning
/// the table (ties to the even code), binary32 scales from the hardware's correctly rounded Float
/// division, MX exponents by searching the binade. Nothing below calls `Format.encode`.
enum BruteBlocks {
    /// E2M1 magnitudes by code 0…7 (OCP MX v1.0 Table: 0, 0.5, 1, 1.5, 2, 3, 4, 6).
    static let e2m1: [Rational] = [0, 1, 2, 3, 4, 6, 8, 12].map { Rational(BigInt($0), timesTwoToThe: -1) }
    /// E4M3FN magnitudes by code 0…126 (0x7F is NaN): subnormals m/8·2^-6, normals (1+m/8)·2^(e-7).
    static let e4m3: [Rational] = (0 ..< 127).map { c in
        let e = c >> 3, m = c & 7
        return e == 0 ? Rational(BigInt(m), timesTwoToThe: -9) : Rational(BigInt(8 + m), timesTwoToThe: e - 10)
    }

    static func rational(_ f: Float) -> Rational {
        if f == 0 { return .zero }
        let m = Int(f.significand * 8_388_608)
        let r = Rational(BigInt(m), timesTwoToThe: Int(f.exponent) - 23)
        return f < 0 ? -r : r
    }

    /// The code of the table value nearest |x| (ties to the even code), saturating at the top.
    static func nearest(_ x: Rational, _ table: [Rational]) -> Int {
        var best = 0
        for c in table.indices {
            let d = (table[c] - x).magnitude, db = (table[best] - x).magnitude
            if d < db || (d == db && c % 2 == 0 && best % 2 == 1) { best = c }
        }
        return best
    }

    /// A signed table code: sign bit `signBit` for negative x (−0 stays −0).
    static func signed(_ x: Rational, negativeZero: Bool = false, _ table: [Rational], signBit: Int) -> Int {
        let c = nearest(x.magnitude, table)
        return x.isNegative || (x.isZero && negativeZero) ? c | signBit : c
    }

    /// Integer nearest x, ties to even.
    static func rne(_ x: Rational) -> Int {
        // scan the two candidates around x
        var lo = 0
        while Rational(lo) > x { lo -= 1 }
        while Rational(lo + 1) <= x { lo += 1 }
        let dl = x - Rational(lo), dh = Rational(lo + 1) - x
        if dl < dh { return lo }
        if dh < dl { return lo + 1 }
        return lo % 2 == 0 ? lo : lo + 1
    }
}

@Suite("Block schemes against a brute-force second implementation")
struct BlockSchemeTests {
    static func randomTensor(_ rng: inout SplitMix64, rows: Int, cols: Int, spread: Int = 6) -> [[Float]] {
        (0 ..< rows).map { _ in
            (0 ..< cols).map { _ in
                let k = Int(rng.next() % 255) - 127, j = Int(rng.next() % UInt64(2 * spread + 1)) - spread
                return Float(k) / 16 * Float(sign: .plus, exponent: j, significand: 1)
            }
        }
    }

    static func exact(_ t: [[Float]]) -> [[ExactValue]] { t.map { $0.map { ExactValue(BruteBlocks.rational($0)) } } }

    /// NVFP4 (two-level, 1×16), one-level and 2-D, on random tensors: every scale and code.
    @Test(arguments: ["nvfp4", "nvfp4_1level", "nvfp4_2d"])
    func nvfp4MatchesBruteForce(_ name: String) throws {
        let scheme = try BlockSchemes.named(name)
        var rng = SplitMix64(seed: 7)
        for trial in 0 ..< 12 {
            let rows = 1 + Int(rng.next() % 20), cols = 1 + Int(rng.next() % 40)
            let t = Self.randomTensor(&rng, rows: rows, cols: cols)
            let q = try scheme.quantize(Self.exact(t))
            // tensor scale: amax / 2688 by Float's correctly rounded division
            let amax = t.flatMap { $0 }.map(abs).max()!
            let two = name != "nvfp4_1level"
            let st: Float = two ? amax / 2688 : 1
            if two { #expect(q.tensorScale == st.bitPattern, "trial \(trial)") } else { #expect(q.tensorScale == nil) }
            let (br, bc) = name == "nvfp4_2d" ? (16, 16) : (1, 16)
            for r in 0 ..< rows {
                for c0 in stride(from: 0, to: cols, by: bc) {
                    let r0 = r / br * br
                    var bmax: Float = 0
                    for rr in r0 ..< min(r0 + br, rows) { for c in c0 ..< min(c0 + bc, cols) { bmax = max(bmax, abs(t[rr][c])) } }
                    let stR = BruteBlocks.rational(st)
                    let sc = bmax == 0 ? 0 : BruteBlocks.nearest(BruteBlocks.rational(bmax).divided(by: Rational(6) * stR)!, BruteBlocks.e4m3)
                    #expect(q.scale(row: r, column: c0) == sc, "trial \(trial) row \(r) block \(c0 / bc)")
                    let d = BruteBlocks.e4m3[sc] * stR
                    for c in c0 ..< min(c0 + bc, cols) {
                        let x = BruteBlocks.rational(t[r][c])
                        let want = d.isZero ? 0 : BruteBlocks.signed(x.divided(by: d)!, negativeZero: t[r][c].sign == .minus, BruteBlocks.e2m1, signBit: 8)
                        #expect(q.codes[r][c] == want, "trial \(trial) (\(r),\(c)) x=\(t[r][c])")
                        // dequantized: table value × scale, exactly
                        let mag = BruteBlocks.e2m1[want & 7] * d
                        let v = q.value(row: r, column: c)
                        #expect(v.rational == (want & 8 != 0 ? -mag : mag) || (mag.isZero && { if case .zero = v { return true } else { return false } }()), "(\(r),\(c))")
                    }
                }
            }
        }
    }

    /// MX (floor rule): 2^e with 2^(e+emax) ≤ amax < 2^(e+emax+1), found by search; elements
    /// nearest x/2^e in the element table, saturating. E2M1 (emax 2) and E4M3 (emax 8).
    @Test(arguments: [("mxfp4", 2), ("mxfp8_e4m3", 8)])
    func mxMatchesBruteForce(_ name: String, _ emax: Int) throws {
        let scheme = try BlockSchemes.named(name)
        let table = name == "mxfp4" ? BruteBlocks.e2m1 : BruteBlocks.e4m3
        let signBit = name == "mxfp4" ? 8 : 0x80
        var rng = SplitMix64(seed: 11)
        for _ in 0 ..< 8 {
            let cols = 1 + Int(rng.next() % 100)
            let t = Self.randomTensor(&rng, rows: 3, cols: cols, spread: 20)
            let q = try scheme.quantize(Self.exact(t))
            for r in 0 ..< 3 {
                for c0 in stride(from: 0, to: cols, by: 32) {
                    let block = t[r][c0 ..< min(c0 + 32, cols)]
                    let amax = BruteBlocks.rational(block.map(abs).max()!)
                    var e = -127
                    if !amax.isZero { e = -160; while Rational(BigInt(1), timesTwoToThe: e + 1 + emax) <= amax { e += 1 } }
                    #expect(q.scale(row: r, column: c0) == max(e, -127) + 127)
                    for c in c0 ..< min(c0 + 32, cols) {
                        let x = BruteBlocks.rational(t[r][c]).timesPowerOfTwo(-max(e, -127))
                        #expect(q.codes[r][c] == BruteBlocks.signed(x, negativeZero: t[r][c].sign == .minus, table, signBit: signBit), "\(name) (\(r),\(c))")
                    }
                }
            }
        }
    }

    /// FP8 1×128 blocks: binary32 scale amax/448 (Float division), E4M3 elements of x/s.
    @Test func fp8BlocksMatchBruteForce() throws {
        let scheme = try BlockSchemes.named("fp8_1x128")
        var rng = SplitMix64(seed: 3)
        let t = Self.randomTensor(&rng, rows: 4, cols: 300, spread: 10)
        let q = try scheme.quantize(Self.exact(t))
        for r in 0 ..< 4 {
            for c0 in stride(from: 0, to: 300, by: 128) {
                let amax = t[r][c0 ..< min(c0 + 128, 300)].map(abs).max()!
                let s: Float = amax / 448
                #expect(q.scale(row: r, column: c0) == Int(s.bitPattern))
                for c in c0 ..< min(c0 + 128, 300) {
                    let x = BruteBlocks.rational(t[r][c]).divided(by: BruteBlocks.rational(s))!
                    #expect(q.codes[r][c] == BruteBlocks.signed(x, negativeZero: t[r][c].sign == .minus, BruteBlocks.e4m3, signBit: 0x80))
                }
            }
        }
    }

    /// Group INT4: symmetric s = amax/7, q = RNE(x/s) in −8…7; asymmetric s = (hi − lo)/15,
    /// z = RNE(−lo/s) in 0…15, q = RNE(x/s + z) in 0…15; float zero point z = fl32(−lo/s).
    @Test func integerGroupsMatchBruteForce() throws {
        var rng = SplitMix64(seed: 5)
        let t = Self.randomTensor(&rng, rows: 3, cols: 200, spread: 3)
        let sym = try BlockSchemes.named("int4_g64").quantize(Self.exact(t))
        let asym = try BlockSchemes.named("int4_g64_asym").quantize(Self.exact(t))
        let asymf = try BlockSchemes.named("int4_g64_asymf").quantize(Self.exact(t))
        func clamp(_ v: Int, _ lo: Int, _ hi: Int) -> Int { min(max(v, lo), hi) }
        for r in 0 ..< 3 {
            for c0 in stride(from: 0, to: 200, by: 64) {
                let g = t[r][c0 ..< min(c0 + 64, 200)]
                let s: Float = g.map(abs).max()! / 7
                #expect(sym.scale(row: r, column: c0) == Int(s.bitPattern))
                let lo = min(g.min()!, 0), hi = max(g.max()!, 0)
                let sa: Float = (hi - lo) / 15          // hi − lo is exact here (both k/16·2^j with small j)
                #expect(asym.scale(row: r, column: c0) == Int(sa.bitPattern))
                let saR = BruteBlocks.rational(sa)
                let z = clamp(BruteBlocks.rne((-BruteBlocks.rational(lo)).divided(by: saR)!), 0, 15)
                #expect(asym.zeroPoints![r][c0 / 64] == z)
                let zf: Float = -lo / sa
                #expect(asymf.zeroPoints![r][c0 / 64] == Int(zf.bitPattern))
                for c in c0 ..< min(c0 + 64, 200) {
                    let x = BruteBlocks.rational(t[r][c])
                    let qs = clamp(BruteBlocks.rne(x.divided(by: BruteBlocks.rational(s))!), -8, 7)
                    #expect(sym.codes[r][c] == (qs & 0xF))
                    #expect(asym.codes[r][c] == clamp(BruteBlocks.rne(x.divided(by: saR)! + Rational(z)), 0, 15))
                    #expect(asymf.codes[r][c] == clamp(BruteBlocks.rne(x.divided(by: saR)! + BruteBlocks.rational(zf)), 0, 15))
                    #expect(asym.value(row: r, column: c).rational ?? .zero == (Rational(asym.codes[r][c]) - Rational(z)) * saR)
                }
            }
        }
    }

    /// Edges: an all-zero tensor, signed zeros, a block scale that rounds to 0, NaN refused with
    /// its position (MX takes it: the NaN scale), ragged last blocks, 2-D rows of other lengths.
    @Test func edges() throws {
        let nv = try BlockSchemes.named("nvfp4")
        let zeros = try nv.quantize([[.zero(negative: false), .zero(negative: true)]])
        #expect(zeros.tensorScale == 0 && zeros.scales == [[0]] && zeros.codes == [[0, 0]])
        // −0 beside non-zeros keeps its sign: E2M1 code 0x8
        let mixed = try nv.quantize([[.zero(negative: true), ExactValue(Rational(6))]])
        #expect(mixed.codes == [[8, 7]])
        // a block whose scale rounds to 0 (amax far below the tensor's): +0 elements
        let tiny = try nv.quantize([Array(repeating: ExactValue(Rational(1000)), count: 16) + [ExactValue(Rational(BigInt(1), timesTwoToThe: -30))]])
        #expect(tiny.scales[0][1] == 0 && tiny.codes[0][16] == 0)
        #expect(throws: BlockError(row: 1, column: 2, "nan has no encoding in nvfp4 (its scales and elements have no NaN or infinity)")) {
            try nv.quantize([[ExactValue(Rational(1)), .nan(negative: false)]])
        }
        let mx = try BlockSchemes.named("mxfp8_e4m3").quantize([[ExactValue(Rational(1)), .nan(negative: false)]])
        #expect(mx.scales == [[0xFF]])
        #expect(mx.value(row: 0, column: 0).isNaN)
        // ragged: 20 values in blocks of 16 give 2 scales
        let ragged = try nv.quantize([(1 ... 20).map { ExactValue(Rational($0)) }])
        #expect(ragged.scales[0].count == 2)
        #expect(throws: BlockError.self) { try BlockSchemes.named("nvfp4_2d").quantize([[ExactValue(Rational(1))], []]) }
        #expect(throws: BlockError(row: 2, "1 values, but row 1 has 2: a 16×16 scheme tiles a rectangular tensor")) {
            try BlockSchemes.named("nvfp4_2d").quantize([[ExactValue(Rational(1)), ExactValue(Rational(2))], [ExactValue(Rational(1))]])
        }
    }

    /// Packing orders, by hand: codes 1…8.
    @Test func packing() throws {
        let s = try BlockSchemes.named("int4_g128_asym")
        let t = BlockTensor(scheme: s, columns: [8], tensorScale: nil, scales: [[0x3F80_0000]], zeroPoints: [[0]], codes: [[1, 2, 3, 4, 5, 6, 7, 8]])
        #expect(try t.packed(row: 0, .lowFirst) == [0x21, 0x43, 0x65, 0x87])
        #expect(try t.packed(row: 0, .highFirst) == [0x12, 0x34, 0x56, 0x78])
        // AWQ: nibble k holds element [0,2,4,6,1,3,5,7][k] → word 0x8642_7531, little-endian bytes
        #expect(try t.packed(row: 0, .awq) == [0x31, 0x75, 0x42, 0x86])
        #expect(throws: BlockError.self) { try BlockSchemes.named("mxfp8_e4m3").quantize([[ExactValue(Rational(1))]]).packed(row: 0) }
    }

    /// The block dot of two MX vectors equals the MX block dot of the existing quantizer (a
    /// second path), exact accumulator, binary32 output.
    @Test func mxDotAgreesWithMXQuantizer() throws {
        let scheme = try BlockSchemes.named("mxfp8_e4m3")
        let mxq = try MXQuantizer(element: try FormatRegistry.named("float8_e4m3fn"))
        let b32 = try FormatRegistry.named("binary32")
        var rng = SplitMix64(seed: 9)
        for _ in 0 ..< 20 {
            let t = Self.exact(Self.randomTensor(&rng, rows: 2, cols: 32, spread: 12))
            let q = try scheme.quantize(t).dequantize()
            let e = try BlockArithmetic.dot(q[0], q[1], model: .exact, output: b32)
            let a = try mxq.quantize(t[0]), b = try mxq.quantize(t[1])
            #expect(e == (try mxq.dot(a, b, output: b32, overflow: .ovfinf)))
        }
    }

    @Test func namesAndSpellings() throws {
        for n in BlockSchemes.registered { #expect(try BlockSchemes.named(n).name == n) }
        #expect(try BlockSchemes.named("mxfp4_b16").blockCols == 16)
        #expect(try BlockSchemes.named("NVFP4_B32").blockCols == 32)
        let t = try BlockSchemes.named("fp8_64x32")
        #expect(t.blockRows == 64 && t.blockCols == 32)
        #expect(try BlockSchemes.named("int8_g32_asymf").blockCols == 32)
        for bad in ["mxfp4_b0", "mxfp4_b", "fp8_1x", "int4_g", "int4_g-1", "nvfp5", "fp8_1x128_pow3"] {
            #expect(throws: QuantizerError.self, "\(bad)") { try BlockSchemes.named(bad) }
        }
        #expect(throws: QuantizerError.self) { try BlockSchemes.named("nvfp4").with(rule: .ceil) }
    }
}

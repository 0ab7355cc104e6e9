import Foundation
import Testing
import PropertyBased
import Octet
import OctetExact
import OctetKernels
import OctetKernelsBridge

/// The integer multiply-accumulate kernels against `Dot.compute(…, model: .exact, output: int32)`:
/// property checks (random and boundary-weighted inputs, unaligned starts, shrinking) and seeded
/// deterministic sweeps over lengths 0 … 65,536, on the dispatched and on the scalar path.
@Suite struct IntegerMAC {
    static let int8 = KernelTest.format("int8")
    static let uint8 = KernelTest.format("uint8")
    static let int4 = KernelTest.format("int4")

    /// The reference: the exact dot product of the codes, rounded into int32 (exact here).
    static func reference(_ a: [Int], _ af: Format, _ b: [Int], _ bf: Format) -> Int32 {
        let r = try! Dot.compute(a, af, b, bf, model: .exact, output: KernelTest.int32)
        let e = r.exact.dyadic!
        let v = (e.significand << e.exponent).asInt!   // integers: the exponent is ≥ 0
        precondition(v >= Int(Int32.min) && v <= Int(Int32.max))
        #expect(Int32(truncatingIfNeeded: r.output.code) == Int32(v))
        return Int32(v)
    }

    static func codes(_ v: [Int8]) -> [Int] { v.map { Int(UInt8(bitPattern: $0)) } }

    /// Both paths; returns (dispatched, scalar).
    static func bothPaths<R>(_ body: () -> R) -> (R, R) { (body(), Kernels.withScalarPaths(body)) }

    static func dotI8(_ a: [Int8], _ b: [Int8], _ offA: Int, _ offB: Int) -> (Int32, Int32) {
        withOffsetBuffer(a, offset: offA) { pa in
            withOffsetBuffer(b, offset: offB) { pb in bothPaths { octet_dot_i8(pa.baseAddress, pb.baseAddress, a.count) } }
        }
    }

    static func dotU8I8(_ a: [UInt8], _ b: [Int8], _ offA: Int, _ offB: Int) -> (Int32, Int32) {
        withOffsetBuffer(a, offset: offA) { pa in
            withOffsetBuffer(b, offset: offB) { pb in bothPaths { octet_dot_u8i8(pa.baseAddress, pb.baseAddress, a.count) } }
        }
    }

    /// Packs int4 values two per byte, element 0 in the low nibble, written here independently of
    /// `octet_pack4`; the unused high nibble of an odd count holds garbage (it must be ignored).
    static func packInt4(_ v: [Int8]) -> [UInt8] {
        var out = [UInt8](repeating: 0xF0, count: (v.count + 1) / 2)
        for (i, x) in v.enumerated() {
            let nib = UInt8(bitPattern: x) & 0xF
            if i % 2 == 0 { out[i / 2] = (out[i / 2] & 0xF0) | nib } else { out[i / 2] = (out[i / 2] & 0x0F) | nib << 4 }
        }
        return out
    }

    static func dotI4I8(_ a: [Int8], _ b: [Int8], _ offA: Int, _ offB: Int) -> (Int32, Int32) {
        let packed = packInt4(a)
        return withOffsetBuffer(packed, offset: offA) { pa in
            withOffsetBuffer(b, offset: offB) { pb in bothPaths { octet_dot_i4i8(pa.baseAddress, pb.baseAddress, a.count) } }
        }
    }

    // MARK: Generators (boundary-weighted; every generator shrinks toward small, short inputs)

    /// Selector 0…4: any value; 5…7: −128, 127, −1. The selector shrinks toward "any value",
    /// which shrinks toward 0.
    static let int8Element = zip(Gen.int(in: 0 ... 7), Gen.int8()).map { s, v -> Int8 in
        s < 5 ? v : [Int8.min, Int8.max, -1][s - 5]
    }
    static let uint8Element = zip(Gen.int(in: 0 ... 7), Gen.uint8()).map { s, v -> UInt8 in
        s < 5 ? v : [UInt8.max, 0x80, 1][s - 5]
    }
    static let int4Element = zip(Gen.int(in: 0 ... 5), Gen.int8(in: -8 ... 7)).map { s, v -> Int8 in
        s < 4 ? v : [-8, 7][s - 4]
    }

    // MARK: Property checks

    @Test(.shrinking) func dotInt8Property() async {
        await propertyCheck(count: 150, input: Self.int8Element.pair.array(of: 0 ... 300), Gen.int(in: 0 ... 31), Gen.int(in: 0 ... 31)) { pairs, offA, offB in
            let a = pairs.map(\.0), b = pairs.map(\.1)
            let expected = Self.reference(Self.codes(a), Self.int8, Self.codes(b), Self.int8)
            let (fast, slow) = Self.dotI8(a, b, offA, offB)
            #expect(fast == expected, "dot_i8 dispatched, offsets \(offA) \(offB)")
            #expect(slow == expected, "dot_i8 scalar, offsets \(offA) \(offB)")
        }
    }

    @Test(.shrinking) func dotUInt8Int8Property() async {
        await propertyCheck(count: 150, input: zip(Self.uint8Element, Self.int8Element).array(of: 0 ... 300), Gen.int(in: 0 ... 31), Gen.int(in: 0 ... 31)) { pairs, offA, offB in
            let a = pairs.map(\.0), b = pairs.map(\.1)
            let expected = Self.reference(a.map(Int.init), Self.uint8, Self.codes(b), Self.int8)
            let (fast, slow) = Self.dotU8I8(a, b, offA, offB)
            #expect(fast == expected, "dot_u8i8 dispatched, offsets \(offA) \(offB)")
            #expect(slow == expected, "dot_u8i8 scalar, offsets \(offA) \(offB)")
        }
    }

    @Test(.shrinking) func dotInt4Int8Property() async {
        await propertyCheck(count: 150, input: zip(Self.int4Element, Self.int8Element).array(of: 0 ... 300), Gen.int(in: 0 ... 31), Gen.int(in: 0 ... 31)) { pairs, offA, offB in
            let a = pairs.map(\.0), b = pairs.map(\.1)
            let expected = Self.reference(a.map { Int($0) & 0xF }, Self.int4, Self.codes(b), Self.int8)
            let (fast, slow) = Self.dotI4I8(a, b, offA, offB)
            #expect(fast == expected, "dot_i4i8 dispatched, offsets \(offA) \(offB)")
            #expect(slow == expected, "dot_i4i8 scalar, offsets \(offA) \(offB)")
        }
    }

    // MARK: Deterministic sweeps

    /// Every length 0…130, lengths around powers of two up to 4097, and 65,535 / 65,536; random
    /// offsets 0…31; plus the extreme vectors (all −128, all 127, −128 × 127, alternating signs).
    static let sweepLengths: [Int] = Array(0 ... 130) + [191, 192, 193, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 4095, 4096, 4097, 65535, 65536]

    @Test func int8Sweep() {
        var rng = SplitMix(seed: 0x18)
        var log = MismatchLog("dot_i8 sweep")
        for n in Self.sweepLengths {
            var vectors: [([Int8], [Int8])] = [((0 ..< n).map { _ in Int8(truncatingIfNeeded: rng.next()) }, (0 ..< n).map { _ in Int8(truncatingIfNeeded: rng.next()) })]
            if n <= 130 || n == 65536 || n == 4097 {
                vectors.append((Array(repeating: -128, count: n), Array(repeating: -128, count: n)))
                vectors.append((Array(repeating: -128, count: n), Array(repeating: 127, count: n)))
                vectors.append((Array(repeating: 127, count: n), Array(repeating: 127, count: n)))
                vectors.append(((0 ..< n).map { $0 % 2 == 0 ? -128 : 127 }, Array(repeating: -128, count: n)))
            }
            for (a, b) in vectors {
                let expected = Self.reference(Self.codes(a), Self.int8, Self.codes(b), Self.int8)
                let offA = Int(rng.next() % 32), offB = Int(rng.next() % 32)
                let (fast, slow) = Self.dotI8(a, b, offA, offB)
                if fast != expected || slow != expected {
                    log.record("n \(n) offsets \(offA)/\(offB) a[0..3] \(a.prefix(4)) b[0..3] \(b.prefix(4)): dispatched \(fast) scalar \(slow) reference \(expected)")
                }
            }
        }
        log.finish()
        #expect(log.count == 0)
    }

    @Test func uint8Int8AndInt4Int8Sweep() {
        var rng = SplitMix(seed: 0x48)
        var log = MismatchLog("dot_u8i8 / dot_i4i8 sweep")
        for n in Self.sweepLengths {
            let a8 = (0 ..< n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let a4 = (0 ..< n).map { _ in Int8(truncatingIfNeeded: rng.next() % 16) - 8 }
            let b = (0 ..< n).map { _ in Int8(truncatingIfNeeded: rng.next()) }
            var cases: [([UInt8], [Int8], [Int8])] = [(a8, a4, b)]
            if n <= 130 || n == 65536 {
                cases.append((Array(repeating: 255, count: n), Array(repeating: -8, count: n), Array(repeating: -128, count: n)))
                cases.append((Array(repeating: 255, count: n), Array(repeating: 7, count: n), Array(repeating: 127, count: n)))
            }
            for (u, q, s) in cases {
                let offA = Int(rng.next() % 32), offB = Int(rng.next() % 32)
                let e1 = Self.reference(u.map(Int.init), Self.uint8, Self.codes(s), Self.int8)
                let (f1, s1) = Self.dotU8I8(u, s, offA, offB)
                if f1 != e1 || s1 != e1 { log.record("u8i8 n \(n) offsets \(offA)/\(offB): dispatched \(f1) scalar \(s1) reference \(e1)") }
                let e2 = Self.reference(q.map { Int($0) & 0xF }, Self.int4, Self.codes(s), Self.int8)
                let (f2, s2) = Self.dotI4I8(q, s, offA, offB)
                if f2 != e2 || s2 != e2 { log.record("i4i8 n \(n) offsets \(offA)/\(offB): dispatched \(f2) scalar \(s2) reference \(e2)") }
            }
        }
        log.finish()
        #expect(log.count == 0)
    }

    // MARK: GEMM

    /// C = A·Btᵀ over int8, M × N × K, against M·N reference dots; and the scaled epilogue
    /// out = ((float)C · row[i]) · col[j] in binary32 (rne, no fusion), compared bit for bit.
    static func checkGEMM(_ M: Int, _ N: Int, _ K: Int, _ A: [Int8], _ Bt: [Int8], _ row: [Float], _ col: [Float],
                          _ log: inout MismatchLog) {
        var C = [Int32](repeating: 0, count: M * N)
        for i in 0 ..< M {
            for j in 0 ..< N {
                C[i * N + j] = reference(codes(Array(A[i * K ..< i * K + K])), int8, codes(Array(Bt[j * K ..< j * K + K])), int8)
            }
        }
        for scalar in [false, true] {
            var got = [Int32](repeating: 0x5A5A, count: M * N + 4)
            var scaled = [Float](repeating: .nan, count: M * N + 4)
            func run() {
                withOffsetBuffer(A, offset: 1) { pa in
                    withOffsetBuffer(Bt, offset: 3) { pb in
                        octet_gemm_i8(pa.baseAddress, pb.baseAddress, &got, M, N, K)
                        octet_gemm_i8_scaled(pa.baseAddress, pb.baseAddress, row, col, &scaled, M, N, K)
                    }
                }
            }
            if scalar { Kernels.withScalarPaths(run) } else { run() }
            let path = scalar ? "scalar" : "dispatched"
            for i in 0 ..< M {
                for j in 0 ..< N {
                    let c = C[i * N + j]
                    if got[i * N + j] != c { log.record("gemm \(M)x\(N)x\(K) \(path) C[\(i),\(j)] = \(got[i * N + j]), reference \(c)") }
                    let e = (Float(c) * row[i]) * col[j]
                    let g = scaled[i * N + j]
                    if !(e.isNaN && g.isNaN) && e.bitPattern != g.bitPattern {
                        log.record("gemm_scaled \(M)x\(N)x\(K) \(path) [\(i),\(j)]: C \(c) row \(row[i]) col \(col[j]) → \(KernelTest.floatBits(g)), expected \(KernelTest.floatBits(e))")
                    }
                }
            }
            for k in M * N ..< M * N + 4 where got[k] != 0x5A5A || !scaled[k].isNaN { log.record("gemm \(M)x\(N)x\(K) \(path) wrote past C at \(k)") }
        }
    }

    static let scaleEdges: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0x1p-126, 3.0e-39, 1.5]

    @Test(.shrinking) func gemmProperty() async {
        let dims = zip(Gen.int(in: 0 ... 9), Gen.int(in: 0 ... 9), Gen.int(in: 0 ... 70))
        await propertyCheck(count: 60, input: dims, Gen.uint64()) { d, seed in
            let (M, N, K) = d
            var rng = SplitMix(seed: seed)
            let A = (0 ..< M * K).map { _ in rng.next() % 5 == 0 ? Int8.min : Int8(truncatingIfNeeded: rng.next()) }
            let Bt = (0 ..< N * K).map { _ in rng.next() % 5 == 0 ? Int8.min : Int8(truncatingIfNeeded: rng.next()) }
            let row = (0 ..< M).map { _ in rng.next() % 4 == 0 ? Self.scaleEdges[Int(rng.next() % 12)] : Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()) & 0x3FFF_FFFF | 0x3000_0000) }
            let col = (0 ..< N).map { _ in rng.next() % 4 == 0 ? Self.scaleEdges[Int(rng.next() % 12)] : Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())) }
            var log = MismatchLog("gemm \(M)x\(N)x\(K) seed \(seed)")
            Self.checkGEMM(M, N, K, A, Bt, row, col, &log)
            log.finish()
            #expect(log.count == 0)
        }
    }

    @Test func gemmShapes() {
        var rng = SplitMix(seed: 0x6E)
        var log = MismatchLog("gemm shapes")
        let shapes = [(4, 2, 16), (8, 8, 256), (5, 3, 17), (7, 9, 33), (1, 1, 1), (3, 5, 0), (0, 4, 8), (4, 0, 8), (12, 6, 100), (6, 7, 1000)]
        for (M, N, K) in shapes {
            for extreme in [false, true] {
                let A = (0 ..< M * K).map { _ in extreme ? Int8.min : Int8(truncatingIfNeeded: rng.next()) }
                let Bt = (0 ..< N * K).map { _ in extreme ? Int8.min : Int8(truncatingIfNeeded: rng.next()) }
                let row = (0 ..< M).map { _ in Float(Int(rng.next() % 2000) - 1000) / 256 }
                let col = (0 ..< N).map { _ in Float(bitPattern: 0x3800_0000 | UInt32(truncatingIfNeeded: rng.next()) & 0x0FFF_FFFF) }
                Self.checkGEMM(M, N, K, A, Bt, row, col, &log)
            }
        }
        log.finish()
        #expect(log.count == 0)
    }
}

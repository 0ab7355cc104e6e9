import COctetKernels

/// The plain Swift loops `octet bench` and `Benchmarks/` put beside the kernels (scalar loops, as a
/// Swift user would write them), and the helpers both measure with.
public enum BenchmarkBaselines {
    /// binary32 → float8_e4m3fn, rne, saturate: bit manipulation, one element at a time.
    @inline(never)
    public static func convertE4M3FN(_ input: UnsafeBufferPointer<Float>, _ out: UnsafeMutableBufferPointer<UInt8>) {
        for i in 0 ..< input.count {
            let u = input[i].bitPattern
            let sign = UInt8(truncatingIfNeeded: u >> 24) & 0x80
            let a = u & 0x7FFF_FFFF
            if a > 0x7F80_0000 { out[i] = sign | 0x7F; continue }          // NaN
            if a >= 0x43E0_0000 { out[i] = sign | 0x7E; continue }         // ≥ 448 (and Inf): saturate
            if a < 0x3C80_0000 {                                           // below 2^-6: subnormal grid 2^-9
                out[i] = sign | UInt8((Float(bitPattern: a) * 512).rounded(.toNearestOrEven))
                continue
            }
            let r = (a &+ 0x7FFFF &+ ((a >> 20) & 1)) >> 20                // keep 3 mantissa bits, rne
            out[i] = sign | UInt8(min(r &- ((127 - 7) << 3), 0x7E))
        }
    }

    /// FP8 → binary32 through a 256-entry table.
    @inline(never)
    public static func decode(_ input: UnsafeBufferPointer<UInt8>, _ table: UnsafeBufferPointer<Float>, _ out: UnsafeMutableBufferPointer<Float>) {
        for i in 0 ..< input.count { out[i] = table[Int(input[i])] }
    }

    /// C = A · Btᵀ in int32 (A is M × K, Bt is N × K).
    @inline(never)
    public static func gemm(_ A: UnsafePointer<Int8>, _ Bt: UnsafePointer<Int8>, _ C: UnsafeMutablePointer<Int32>, _ M: Int, _ N: Int, _ K: Int) {
        for i in 0 ..< M {
            for j in 0 ..< N {
                var s: Int32 = 0
                for k in 0 ..< K { s &+= Int32(A[i * K + k]) &* Int32(Bt[j * K + k]) }
                C[i * N + j] = s
            }
        }
    }

    /// FP8 dot with binary32 lanes (the kernel's order: element i to lane i mod 32, then folding).
    @inline(never)
    public static func dotFP8(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, _ table: UnsafeBufferPointer<Float>) -> Float {
        var lanes = [Float](repeating: 0, count: 32)
        lanes.withUnsafeMutableBufferPointer { l in
            for i in 0 ..< a.count { l[i & 31] += table[Int(a[i])] * table[Int(b[i])] }
        }
        var w = 16
        while w >= 1 { for j in 0 ..< w { lanes[j] += lanes[j + w] }; w /= 2 }
        return lanes[0]
    }

    /// INT8 dots over n elements in calls of at most 65,536 (the kernel's int32 contract), summed.
    @inline(__always)
    public static func chunkedDot(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, _ n: Int,
                                  _ f: (UnsafePointer<Int8>, UnsafePointer<Int8>, Int) -> Int32) -> Int64 {
        var s: Int64 = 0, i = 0
        while i < n {
            let m = min(65536, n - i)
            s &+= Int64(f(a + i, b + i, m))
            i += m
        }
        return s
    }

    /// The binary32 value of a code from a plan's table.
    public static func tableValue(_ plan: octet_plan, _ code: Int) -> Float {
        withUnsafeBytes(of: plan.decode_table) { $0.load(fromByteOffset: 4 * code, as: Float.self) }
    }
}

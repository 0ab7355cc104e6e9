@_exported import COctetKernels

/// Swift entry points over unsafe buffers. Each forwards to the C kernel of the same name; the
/// semantics, stated in terms of the reference, are in `octet_kernels.h`.
public enum Kernels {
    /// Whether the AVX2 paths are in use on this machine.
    public static var usesAVX2: Bool { octet_has_avx2() != 0 }

    /// Runs `body` with the scalar paths forced (for tests and baselines).
    public static func withScalarPaths<T>(_ body: () throws -> T) rethrows -> T {
        octet_force_scalar(1)
        defer { octet_force_scalar(0) }
        return try body()
    }

    /// A conversion plan, or nil for an unsupported combination.
    public static func plan(_ format: octet_format, rounding: octet_rounding = OCTET_RNE,
                            overflow: octet_overflow = OCTET_SATURATE, srBits: Int = 0) -> octet_plan? {
        var p = octet_plan()
        guard octet_plan_init(&p, format, rounding, overflow, Int32(srBits)) == 0 else { return nil }
        return p
    }

    @inlinable
    public static func convert(_ plan: inout octet_plan, _ input: UnsafeBufferPointer<Float>, _ output: UnsafeMutableBufferPointer<UInt8>,
                               randomBits: UnsafeBufferPointer<UInt32>? = nil) -> Int {
        precondition(output.count >= input.count)
        return octet_convert_f32(&plan, input.baseAddress, output.baseAddress, input.count, randomBits?.baseAddress)
    }

    @inlinable
    public static func convertF16(_ plan: inout octet_plan, _ input: UnsafeBufferPointer<UInt16>, _ output: UnsafeMutableBufferPointer<UInt8>,
                                  randomBits: UnsafeBufferPointer<UInt32>? = nil) -> Int {
        precondition(output.count >= input.count)
        return octet_convert_f16(&plan, input.baseAddress, output.baseAddress, input.count, randomBits?.baseAddress)
    }

    @inlinable
    public static func convertBF16(_ plan: inout octet_plan, _ input: UnsafeBufferPointer<UInt16>, _ output: UnsafeMutableBufferPointer<UInt8>,
                                   randomBits: UnsafeBufferPointer<UInt32>? = nil) -> Int {
        precondition(output.count >= input.count)
        return octet_convert_bf16(&plan, input.baseAddress, output.baseAddress, input.count, randomBits?.baseAddress)
    }

    @inlinable
    public static func dotInt8(_ a: UnsafeBufferPointer<Int8>, _ b: UnsafeBufferPointer<Int8>) -> Int32 {
        precondition(a.count == b.count)
        return octet_dot_i8(a.baseAddress, b.baseAddress, a.count)
    }

    /// The portable Swift loop: the baseline the benchmarks print beside the C kernel.
    @inlinable
    public static func dotInt8Swift(_ a: UnsafeBufferPointer<Int8>, _ b: UnsafeBufferPointer<Int8>) -> Int32 {
        var s: Int32 = 0
        for j in 0 ..< min(a.count, b.count) { s &+= Int32(a[j]) &* Int32(b[j]) }
        return s
    }

    /// The exact value of an `octet_exact_sum` as (Int128 significand, exponent), nil for specials.
    public static func int128(_ s: octet_exact_sum) -> Int128 {
        (Int128(s.hi) << 64) | Int128(s.lo)
    }
}

import Foundation

/// The data both `octet bench` and the ordo-one benchmarks in `Benchmarks/` measure on, so that
/// their numbers describe the same inputs: conversion inputs spread over E4M3's range and a little
/// beyond (binary32 exponents 2^-10 … 2^11, both signs, so about a fifth of them land in E4M3's
/// subnormal range), the same values as binary16 and bfloat16, random finite E4M3 codes and random
/// INT8 values. Deterministic (splitmix64 from a fixed seed).
public struct BenchmarkData: @unchecked Sendable {
    public let f32: UnsafeMutableBufferPointer<Float>
    public let f16: UnsafeMutableBufferPointer<UInt16>
    public let bf16: UnsafeMutableBufferPointer<UInt16>
    public let codesA: UnsafeMutableBufferPointer<UInt8>
    public let codesB: UnsafeMutableBufferPointer<UInt8>
    public let i8a: UnsafeMutableBufferPointer<Int8>
    public let i8b: UnsafeMutableBufferPointer<Int8>

    /// Buffers of `count` elements each; they live until the process exits.
    public init(count: Int) {
        var rng = Random(state: 0x0C7E7)
        let f32 = Self.buffer(count) { _ -> Float in
            let r = rng.next()
            return Float(bitPattern: UInt32(truncatingIfNeeded: r) & 0x807F_FFFF | UInt32(117 + Int(r >> 40) % 22) << 23)
        }
        self.f32 = f32
        // The same values as binary16 (exact: 10 of binary32's 23 mantissa bits are kept and the
        // exponents 2^-10 … 2^11 are binary16 normals) and bfloat16 (the top half).
        f16 = Self.buffer(count) { i -> UInt16 in
            let b = f32[i].bitPattern
            return UInt16(truncatingIfNeeded: (b >> 16) & 0x8000 | ((b >> 23 & 0xFF) - 112) << 10 | (b >> 13) & 0x3FF)
        }
        bf16 = Self.buffer(count) { i -> UInt16 in UInt16(truncatingIfNeeded: f32[i].bitPattern >> 16) }
        codesA = Self.buffer(count) { _ -> UInt8 in UInt8(truncatingIfNeeded: rng.next() % 0x7E) | (rng.next() & 1 == 0 ? 0 : 0x80) }
        codesB = Self.buffer(count) { _ -> UInt8 in UInt8(truncatingIfNeeded: rng.next() % 0x7E) | (rng.next() & 1 == 0 ? 0 : 0x80) }
        i8a = Self.buffer(count) { _ in Int8(truncatingIfNeeded: rng.next()) }
        i8b = Self.buffer(count) { _ in Int8(truncatingIfNeeded: rng.next()) }
    }

    /// splitmix64 (Octet has the same generator as SplitMix64, but the kernels never depend on Octet
    /// and its GMP).
    public struct Random {
        public var state: UInt64
        public init(state: UInt64) { self.state = state }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A 64-byte aligned buffer that lives until exit. `fill` gives the first 65,536 elements; the
    /// rest repeats them (memcpy), which keeps setup fast in debug builds and changes nothing
    /// measured.
    public static func buffer<T>(_ count: Int, _ fill: (Int) -> T) -> UnsafeMutableBufferPointer<T> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<T>.stride, alignment: 64)
        let p = raw.bindMemory(to: T.self, capacity: count)
        let head = min(count, 1 << 16)
        for i in 0 ..< head { (p + i).initialize(to: fill(i)) }
        var done = head
        while done < count {
            let m = min(done, count - done)
            memcpy(p + done, p, m * MemoryLayout<T>.stride)
            done += m
        }
        return UnsafeMutableBufferPointer(start: p, count: count)
    }
}

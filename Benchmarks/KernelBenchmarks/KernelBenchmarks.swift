// The OctetKernels benchmarks for ordo-one/benchmark (see Benchmarks/README.md).
//
// Each kernel is measured beside its baselines, in the same run on the same data:
//   [kernel]      the dispatched C kernel (AVX2 where the CPU has it)
//   [scalar C]    the portable scalar C path of the same kernel (Kernels.withScalarPaths)
//   [Swift loop]  a plain Swift loop doing the same job
//   [reference]   the GMP reference (Format.encode, Format.value(ofCode:), Dot.compute), n = 4096 only
//   memcpy 64 MiB the bandwidth bound of the streaming (n = 16 Mi) kernels
// One iteration is one call over n elements; elements/s = n / wall clock. `octet bench` prints
// the same comparisons as a table of throughputs and ratios.
import Benchmark
import Foundation
import Octet
import OctetExact
import OctetKernels

let l1 = 4096
let streaming = 16 << 20

/// The data recipe shared with `octet bench`.
let data = BenchmarkData(count: streaming)
nonisolated(unsafe) let f32 = data.f32
nonisolated(unsafe) let f16 = data.f16
nonisolated(unsafe) let bf16 = data.bf16
nonisolated(unsafe) let codesA = data.codesA
nonisolated(unsafe) let codesB = data.codesB
nonisolated(unsafe) let i8a = data.i8a
nonisolated(unsafe) let i8b = data.i8b

func buffer<T>(_ count: Int, _ fill: (Int) -> T) -> UnsafeMutableBufferPointer<T> { BenchmarkData.buffer(count, fill) }

nonisolated(unsafe) let out8 = buffer(streaming) { _ in UInt8(0) }
nonisolated(unsafe) let out32 = buffer(streaming) { _ in Float(0) }
nonisolated(unsafe) let gemmC = buffer(256 * 256) { _ in Int32(0) }

/// Plans built from plain data (the kernels never see the reference's types).
let e4m3fnFormat = octet_format(is_signed: 1, exponent_bits: 4, mantissa_bits: 3, bias: 7, subnormals: 1, specials: OCTET_SPECIALS_FN)
let e5m2Format = octet_format(is_signed: 1, exponent_bits: 5, mantissa_bits: 2, bias: 15, subnormals: 1, specials: OCTET_SPECIALS_IEEE)
nonisolated(unsafe) var planE4 = Kernels.plan(e4m3fnFormat, rounding: OCTET_RNE, overflow: OCTET_SATURATE)!
nonisolated(unsafe) var planE5 = Kernels.plan(e5m2Format, rounding: OCTET_RNE, overflow: OCTET_SATURATE)!
nonisolated(unsafe) let table = buffer(256) { BenchmarkBaselines.tableValue(planE4, $0) }
nonisolated(unsafe) var planA = planE4
nonisolated(unsafe) var planB = planE4

// Plain Swift baselines: BenchmarkBaselines (shared with `octet bench`).

/// Int8 dots over n elements in calls of at most 65,536 (the kernel's int32 contract).
@inline(__always)
func chunkedDot(_ n: Int, _ f: (UnsafePointer<Int8>, UnsafePointer<Int8>, Int) -> Int32) -> Int64 {
    BenchmarkBaselines.chunkedDot(i8a.baseAddress!, i8b.baseAddress!, n, f)
}

func sizeName(_ n: Int) -> String { n >= 1 << 20 ? "\(n >> 20)Mi" : "\(n)" }

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput],
        warmupIterations: 3,
        maxDuration: .seconds(1),
        maxIterations: 100_000
    )

    Benchmark("memcpy 64 MiB") { b in
        for _ in b.scaledIterations { memcpy(out32.baseAddress!, f32.baseAddress!, streaming * 4) }
    }

    for n in [l1, streaming] {
        let s = sizeName(n)
        // Conversions
        Benchmark("f32->e4m3fn rne sat n=\(s) [kernel]") { b in
            for _ in b.scaledIterations { blackHole(octet_convert_f32(&planE4, f32.baseAddress, out8.baseAddress, n, nil)) }
        }
        Benchmark("f32->e4m3fn rne sat n=\(s) [scalar C]") { b in
            for _ in b.scaledIterations { blackHole(Kernels.withScalarPaths { octet_convert_f32(&planE4, f32.baseAddress, out8.baseAddress, n, nil) }) }
        }
        Benchmark("f32->e4m3fn rne sat n=\(s) [Swift loop]") { b in
            for _ in b.scaledIterations { BenchmarkBaselines.convertE4M3FN(UnsafeBufferPointer(rebasing: UnsafeBufferPointer(f32)[0 ..< n]), out8) }
        }
        Benchmark("f32->e5m2 rne sat n=\(s) [kernel]") { b in
            for _ in b.scaledIterations { blackHole(octet_convert_f32(&planE5, f32.baseAddress, out8.baseAddress, n, nil)) }
        }
        Benchmark("f32->e5m2 rne sat n=\(s) [scalar C]") { b in
            for _ in b.scaledIterations { blackHole(Kernels.withScalarPaths { octet_convert_f32(&planE5, f32.baseAddress, out8.baseAddress, n, nil) }) }
        }
        Benchmark("f16->e4m3fn rne sat n=\(s) [kernel]") { b in
            for _ in b.scaledIterations { blackHole(octet_convert_f16(&planE4, f16.baseAddress, out8.baseAddress, n, nil)) }
        }
        Benchmark("f16->e4m3fn rne sat n=\(s) [scalar C]") { b in
            for _ in b.scaledIterations { blackHole(Kernels.withScalarPaths { octet_convert_f16(&planE4, f16.baseAddress, out8.baseAddress, n, nil) }) }
        }
        Benchmark("bf16->e4m3fn rne sat n=\(s) [kernel]") { b in
            for _ in b.scaledIterations { blackHole(octet_convert_bf16(&planE4, bf16.baseAddress, out8.baseAddress, n, nil)) }
        }
        Benchmark("bf16->e4m3fn rne sat n=\(s) [scalar C]") { b in
            for _ in b.scaledIterations { blackHole(Kernels.withScalarPaths { octet_convert_bf16(&planE4, bf16.baseAddress, out8.baseAddress, n, nil) }) }
        }
        // Decode
        Benchmark("e4m3fn->f32 n=\(s) [kernel]") { b in
            for _ in b.scaledIterations { octet_decode_f32(&planE4, codesA.baseAddress, out32.baseAddress, n) }
        }
        Benchmark("e4m3fn->f32 n=\(s) [scalar C]") { b in
            for _ in b.scaledIterations { Kernels.withScalarPaths { octet_decode_f32(&planE4, codesA.baseAddress, out32.baseAddress, n) } }
        }
        Benchmark("e4m3fn->f32 n=\(s) [Swift loop]") { b in
            for _ in b.scaledIterations { BenchmarkBaselines.decode(UnsafeBufferPointer(rebasing: UnsafeBufferPointer(codesA)[0 ..< n]), UnsafeBufferPointer(table), out32) }
        }
        // Int8 dot
        Benchmark("int8 dot n=\(s) [kernel]") { b in
            for _ in b.scaledIterations { blackHole(chunkedDot(n) { octet_dot_i8($0, $1, $2) }) }
        }
        Benchmark("int8 dot n=\(s) [scalar C]") { b in
            for _ in b.scaledIterations { blackHole(Kernels.withScalarPaths { chunkedDot(n) { octet_dot_i8($0, $1, $2) } }) }
        }
        Benchmark("int8 dot n=\(s) [Swift loop]") { b in
            for _ in b.scaledIterations {
                blackHole(chunkedDot(n) { Kernels.dotInt8Swift(UnsafeBufferPointer(start: $0, count: $2), UnsafeBufferPointer(start: $1, count: $2)) })
            }
        }
        // FP8 dots
        Benchmark("fp8 e4m3fn dot fp32:lanes32 n=\(s) [kernel]") { b in
            for _ in b.scaledIterations { blackHole(octet_dot_fp8_f32(&planA, &planB, codesA.baseAddress, codesB.baseAddress, n)) }
        }
        Benchmark("fp8 e4m3fn dot fp32:lanes32 n=\(s) [scalar C]") { b in
            for _ in b.scaledIterations { blackHole(Kernels.withScalarPaths { octet_dot_fp8_f32(&planA, &planB, codesA.baseAddress, codesB.baseAddress, n) }) }
        }
        Benchmark("fp8 e4m3fn dot exact n=\(s) [kernel]") { b in
            for _ in b.scaledIterations { blackHole(octet_dot_fp8_exact(&planA, &planB, codesA.baseAddress, codesB.baseAddress, n).lo) }
        }
        Benchmark("fp8 e4m3fn dot exact n=\(s) [scalar C]") { b in
            for _ in b.scaledIterations { blackHole(Kernels.withScalarPaths { octet_dot_fp8_exact(&planA, &planB, codesA.baseAddress, codesB.baseAddress, n).lo }) }
        }
    }

    // GEMM 256^3
    Benchmark("int8 gemm 256x256x256 [kernel]") { b in
        for _ in b.scaledIterations { octet_gemm_i8(i8a.baseAddress, i8b.baseAddress, gemmC.baseAddress, 256, 256, 256) }
    }
    Benchmark("int8 gemm 256x256x256 [scalar C]") { b in
        for _ in b.scaledIterations { Kernels.withScalarPaths { octet_gemm_i8(i8a.baseAddress, i8b.baseAddress, gemmC.baseAddress, 256, 256, 256) } }
    }
    Benchmark("int8 gemm 256x256x256 [Swift loop]") { b in
        for _ in b.scaledIterations { BenchmarkBaselines.gemm(i8a.baseAddress!, i8b.baseAddress!, gemmC.baseAddress!, 256, 256, 256) }
    }

    // The GMP reference, n = 4096 (one iteration = 4096 elements).
    let e4m3fn = try! FormatRegistry.named("float8_e4m3fn"), int8 = try! FormatRegistry.named("int8")
    let int32 = try! FormatRegistry.named("int32"), binary32 = try! FormatRegistry.named("binary32")
    let inputs = (0 ..< l1).map { IEEEBits.decode(UInt64(f32[$0].bitPattern), as: .binary32) }
    let ca = (0 ..< l1).map { Int(codesA[$0]) }, cb = (0 ..< l1).map { Int(codesB[$0]) }
    let ia = (0 ..< l1).map { Int(UInt8(bitPattern: i8a[$0])) }, ib = (0 ..< l1).map { Int(UInt8(bitPattern: i8b[$0])) }
    let lanes32 = try! AccumulatorModel.parse("fp32:lanes32")
    Benchmark("f32->e4m3fn rne sat n=4096 [reference]") { b in
        for _ in b.scaledIterations { for x in inputs { blackHole(try? e4m3fn.encode(x, rounding: .rne, overflow: .saturate)) } }
    }
    Benchmark("e4m3fn->f32 n=4096 [reference]") { b in
        for _ in b.scaledIterations { for c in ca { blackHole(e4m3fn.value(ofCode: c)) } }
    }
    Benchmark("int8 dot n=4096 [reference]") { b in
        for _ in b.scaledIterations { blackHole(try? Dot.compute(ia, int8, ib, int8, model: .exact, output: int32)) }
    }
    Benchmark("fp8 e4m3fn dot fp32:lanes32 n=4096 [reference]") { b in
        for _ in b.scaledIterations { blackHole(try? Dot.compute(ca, e4m3fn, cb, e4m3fn, model: lanes32, output: binary32, rounding: .rne, overflow: .ovfinf)) }
    }
    Benchmark("fp8 e4m3fn dot exact n=4096 [reference]") { b in
        for _ in b.scaledIterations { blackHole(try? Dot.compute(ca, e4m3fn, cb, e4m3fn, model: .exact, output: binary32)) }
    }
}

import ArgumentParser
import Foundation
import Octet
import OctetExact
import OctetKernels
import OctetKernelsBridge

/// `octet bench`: the fast kernels measured in this process, each beside its baselines.
///
/// Method: single thread, best-of-N wall clock (ContinuousClock). A sample repeats the call until
/// it lasts at least `minSample` seconds; the reported time per call is the best sample divided by
/// its repetitions. Sizes: n = 4096 (L1-resident) and n = 16 Mi (streaming). Baselines, measured in
/// the same run on the same data: the portable scalar C path of the same kernel
/// (`Kernels.withScalarPaths`), a plain Swift loop, the GMP reference (`Format.encode`,
/// `Format.value(ofCode:)`, `Dot.compute`; on n = 4096 only — at 16 Mi it would take minutes), and
/// for streaming kernels the bandwidth of a plain `memcpy` of 64 MiB, timed again beside each of
/// them (bytes read + written per second; the kernel's figure counts its own input and output
/// bytes the same way).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the fast kernels on this machine, each beside its baselines.",
        discussion: """
        Single-threaded, best-of-N wall clock, n = 4096 (L1-resident) and n = 16 Mi (streaming). \
        Baselines from the same run: the scalar C path, a plain Swift loop, the GMP reference \
        (n = 4096 only) and, for streaming kernels, a plain memcpy timed beside each. Units: M elem/s for \
        conversions, GMAC/s for dot products and GEMM, GB/s (bytes read + written) against memcpy. \
        For stable numbers build with -c release and pin the process, e.g. \
        `taskset -c 1 .build/release/octet bench`. \
        --json prints one object per line: kernel, n, throughput, unit, baseline, \
        baseline_throughput, ratio (throughput / baseline_throughput).
        """)

    @Flag(help: "Fewer and shorter samples: finishes in well under 30 seconds.")
    var quick = false

    @Flag(help: "One JSON object per line instead of a table.")
    var json = false

    @Option(help: "Only the kernels whose name contains this text (at least one must match).")
    var filter: String?

    func validate() throws {
        guard let f = filter else { return }
        if f.isEmpty { throw ValidationError("--filter is empty (give part of a kernel name: \(BenchSuite.kernels.joined(separator: "; ")))") }
        if !BenchSuite.kernels.contains(where: { $0.contains(f) }) {
            throw ValidationError("--filter '\(f)' matches no benchmark (kernels: \(BenchSuite.kernels.joined(separator: "; ")))")
        }
    }

    func run() throws {
        var suite = BenchSuite(quick: quick, json: json, filter: filter)
        suite.runAll()
    }
}

/// One line of the report.
struct BenchRow {
    let kernel: String
    let n: Int
    let throughput: Double
    let unit: String
    let baseline: String
    let baselineThroughput: Double
    var ratio: Double { baselineThroughput > 0 ? throughput / baselineThroughput : 0 }

    var json: JSON {
        .object([
            ("kernel", .string(kernel)), ("n", .number(String(n))),
            ("throughput", .number(BenchRow.num(throughput))), ("unit", .string(unit)),
            ("baseline", .string(baseline)), ("baseline_throughput", .number(BenchRow.num(baselineThroughput))),
            ("ratio", .number(BenchRow.num(ratio))),
        ])
    }

    static func num(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        return String(format: x >= 100 ? "%.1f" : x >= 1 ? "%.3f" : "%.6f", x)
    }
}

/// A 64-byte aligned buffer that lives until exit (`BenchmarkData.buffer`).
func benchBuffer<T>(_ count: Int, _ fill: (Int) -> T) -> UnsafeMutableBufferPointer<T> {
    BenchmarkData.buffer(count, fill)
}

struct BenchSuite {
    let quick: Bool
    let json: Bool
    let filter: String?
    var rows: [BenchRow] = []

    let l1 = 4096
    let streaming = 16 << 20
    var samples: Int { quick ? 2 : 9 }
    var minSample: Double { quick ? 0.004 : 0.05 }

    init(quick: Bool, json: Bool, filter: String?) {
        self.quick = quick
        self.json = json
        self.filter = filter
    }

    /// Seconds per call: the best of `samples` samples, each repeating `body` for at least `minSample`.
    func seconds(maxSamples: Int? = nil, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        func time(_ reps: Int) -> Double {
            let t0 = clock.now
            for _ in 0 ..< reps { body() }
            let d = clock.now - t0
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        var reps = 1
        var t = time(1)
        while t < minSample && reps < 1 << 26 {
            let grow = t <= 0 ? 64 : min(64, max(2, Int((minSample / t) * 1.3)))
            reps *= grow
            t = time(reps)
        }
        var best = t / Double(reps)
        if quick && t > 0.02 { return best }   // --quick: one sample of a slow call is enough
        for _ in 1 ..< (maxSamples ?? samples) { best = min(best, time(reps) / Double(reps)) }
        return best
    }

    /// The names of the kernels measured (what --filter matches).
    static let kernels = [
        "convert f32->float8_e4m3fn rne saturate", "convert f32->float8_e5m2 rne saturate",
        "convert f16->float8_e4m3fn rne saturate", "convert bf16->float8_e4m3fn rne saturate",
        "decode float8_e4m3fn->f32", "dot int8 x int8 (exact int32)", "gemm int8 256x256x256 (exact int32)",
        "dot fp8 e4m3fn fp32:lanes32", "dot fp8 e4m3fn exact (kulisch)",
        "blocks quantize f32->mxfp8_e4m3", "blocks quantize bf16->mxfp8_e4m3", "blocks quantize f32->mxfp4",
        "blocks quantize bf16->mxfp4", "blocks quantize f32->nvfp4", "blocks quantize bf16->nvfp4",
    ]

    func wanted(_ kernel: String) -> Bool {
        assert(BenchSuite.kernels.contains(kernel), "bench kernel '\(kernel)' missing from BenchSuite.kernels")
        return filter.map { kernel.contains($0) } ?? true
    }

    mutating func emit(_ kernel: String, n: Int, unit: String, throughput: Double, baselines: [(String, Double)]) {
        for (name, value) in baselines {
            let row = BenchRow(kernel: kernel, n: n, throughput: throughput, unit: unit, baseline: name, baselineThroughput: value)
            rows.append(row)
            if json { print(row.json.rendered()) } else { printRow(row) }
        }
        StandardOutput.flushOrExit()   // each row as soon as it is measured (a failed write stops the run)
    }

    func printRow(_ r: BenchRow) {
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
        func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        let n = r.kernel.hasPrefix("gemm") ? "256^3" : r.n >= 1 << 20 ? "\(r.n >> 20)Mi" : "\(r.n)"
        print(pad(r.kernel, 44) + lpad(n, 7) + lpad(BenchRow.num(r.throughput), 11) + " " + pad(r.unit, 9)
              + pad(r.baseline, 34) + lpad(BenchRow.num(r.baselineThroughput), 11) + lpad(String(format: "%.2fx", r.ratio), 10))
    }

    mutating func runAll() {
        if !json {
            print("octet bench\(quick ? " --quick" : ""): AVX2 paths \(Kernels.usesAVX2 ? "on" : "off"), one thread, best of \(samples) samples")
            print(String(repeating: "-", count: 126))
            print("kernel                                            n  throughput unit     baseline                           baseline      ratio")
            StandardOutput.flushOrExit()
        }
        let n = streaming
        // The data recipe shared with Benchmarks/ (BenchmarkData).
        let data = BenchmarkData(count: n)
        let (f32, f16, bf16) = (data.f32, data.f16, data.bf16)
        let (codesA, codesB, i8a, i8b) = (data.codesA, data.codesB, data.i8a, data.i8b)
        let out8 = benchBuffer(n) { _ in UInt8(0) }
        let out32 = benchBuffer(n) { _ in Float(0) }
        let copyDst = benchBuffer(n) { _ in Float(0) }

        // memcpy of 64 MiB: the bandwidth bound of the streaming kernels.
        let copyBytes = n * 4
        // Measured again beside every streaming kernel: this VM's bandwidth drifts within a run,
        // and a ratio is only meaningful against a copy timed under the same conditions.
        func copyGBs() -> Double {
            let copySeconds = seconds(maxSamples: max(samples, 3)) { memcpy(copyDst.baseAddress!, f32.baseAddress!, copyBytes) }
            return Double(2 * copyBytes) / copySeconds / 1e9
        }
        if !json { print("memcpy 64 MiB: \(BenchRow.num(copyGBs())) GB/s (read + write; measured again beside each streaming kernel)") }

        // MARK: conversions
        let e4m3fn = try! FormatRegistry.named("float8_e4m3fn"), e5m2 = try! FormatRegistry.named("float8_e5m2")
        var planE4 = Kernels.plan(e4m3fn.kernelFormat!, rounding: OCTET_RNE, overflow: OCTET_SATURATE)!
        var planE5 = Kernels.plan(e5m2.kernelFormat!, rounding: OCTET_RNE, overflow: OCTET_SATURATE)!
        let refInputs = (0 ..< l1).map { IEEEBits.decode(UInt64(f32[$0].bitPattern), as: .binary32) }

        func convertRows(_ name: String, bytesPerElement: Int, swiftLoop: ((Int) -> Void)?, reference: (() -> Void)?, _ kernel: @escaping (Int) -> Void) {
            guard wanted(name) else { return }
            for size in [l1, streaming] {
                let t = seconds { kernel(size) }
                let tScalar = seconds { Kernels.withScalarPaths { kernel(size) } }
                let me = Double(size) / t / 1e6
                var baselines: [(String, Double)] = [("scalar C path", Double(size) / tScalar / 1e6)]
                if let s = swiftLoop { baselines.append(("plain Swift loop", Double(size) / seconds { s(size) } / 1e6)) }
                if size == l1, let r = reference {
                    baselines.append(("GMP reference (Format.encode)", Double(l1) / seconds(maxSamples: 2, r) / 1e6))
                }
                emit(name, n: size, unit: "M elem/s", throughput: me, baselines: baselines)
                if size == streaming {
                    emit(name, n: size, unit: "GB/s", throughput: Double(size * bytesPerElement) / t / 1e9, baselines: [("memcpy bandwidth", copyGBs())])
                }
            }
        }

        let inF32 = UnsafeBufferPointer(f32)
        convertRows("convert f32->float8_e4m3fn rne saturate", bytesPerElement: 5,
                    swiftLoop: { size in BenchmarkBaselines.convertE4M3FN(UnsafeBufferPointer(rebasing: inF32[0 ..< size]), out8) },
                    reference: { for x in refInputs { _ = try? e4m3fn.encode(x, rounding: .rne, overflow: .saturate) } }) { size in
            _ = octet_convert_f32(&planE4, f32.baseAddress, out8.baseAddress, size, nil)
        }
        if wanted("convert f32->float8_e4m3fn rne saturate") {
            // The plain Swift loop is a baseline only if it computes the same thing.
            let check = benchBuffer(l1) { _ in UInt8(0) }
            BenchmarkBaselines.convertE4M3FN(UnsafeBufferPointer(rebasing: inF32[0 ..< l1]), check)
            _ = octet_convert_f32(&planE4, f32.baseAddress, out8.baseAddress, l1, nil)
            if !(0 ..< l1).allSatisfy({ check[$0] == out8[$0] }) { FileHandle.standardError.write(Data("warning: the Swift baseline disagrees with the kernel\n".utf8)) }
        }
        convertRows("convert f32->float8_e5m2 rne saturate", bytesPerElement: 5, swiftLoop: nil,
                    reference: { for x in refInputs { _ = try? e5m2.encode(x, rounding: .rne, overflow: .saturate) } }) { size in
            _ = octet_convert_f32(&planE5, f32.baseAddress, out8.baseAddress, size, nil)
        }
        let refF16 = (0 ..< l1).map { IEEEBits.decode(UInt64(f16[$0]), as: .binary16) }
        convertRows("convert f16->float8_e4m3fn rne saturate", bytesPerElement: 3, swiftLoop: nil,
                    reference: { for x in refF16 { _ = try? e4m3fn.encode(x, rounding: .rne, overflow: .saturate) } }) { size in
            _ = octet_convert_f16(&planE4, f16.baseAddress, out8.baseAddress, size, nil)
        }
        let refBF16 = (0 ..< l1).map { IEEEBits.decode(UInt64(bf16[$0]), as: .bfloat16) }
        convertRows("convert bf16->float8_e4m3fn rne saturate", bytesPerElement: 3, swiftLoop: nil,
                    reference: { for x in refBF16 { _ = try? e4m3fn.encode(x, rounding: .rne, overflow: .saturate) } }) { size in
            _ = octet_convert_bf16(&planE4, bf16.baseAddress, out8.baseAddress, size, nil)
        }

        // MARK: decode
        let decodeName = "decode float8_e4m3fn->f32"
        if wanted(decodeName) {
            let table = benchBuffer(256) { BenchmarkBaselines.tableValue(planE4, $0) }
            for size in [l1, streaming] {
                let t = seconds { octet_decode_f32(&planE4, codesA.baseAddress, out32.baseAddress, size) }
                let ts = seconds { Kernels.withScalarPaths { octet_decode_f32(&planE4, codesA.baseAddress, out32.baseAddress, size) } }
                let tw = seconds { BenchmarkBaselines.decode(UnsafeBufferPointer(rebasing: UnsafeBufferPointer(codesA)[0 ..< size]), UnsafeBufferPointer(table), out32) }
                var baselines = [("scalar C path", Double(size) / ts / 1e6), ("plain Swift loop", Double(size) / tw / 1e6)]
                if size == l1 {
                    let codes = (0 ..< l1).map { Int(codesA[$0]) }
                    let tr = seconds(maxSamples: 2) { for c in codes { _ = e4m3fn.value(ofCode: c) } }
                    baselines.append(("GMP reference (value(ofCode:))", Double(l1) / tr / 1e6))
                }
                emit(decodeName, n: size, unit: "M elem/s", throughput: Double(size) / t / 1e6, baselines: baselines)
                if size == streaming {
                    emit(decodeName, n: size, unit: "GB/s", throughput: Double(size * 5) / t / 1e9, baselines: [("memcpy bandwidth", copyGBs())])
                }
            }
        }

        // MARK: int8 dot
        let int8 = try! FormatRegistry.named("int8"), int32 = try! FormatRegistry.named("int32")
        let dotName = "dot int8 x int8 (exact int32)"
        if wanted(dotName) {
            var sink: Int64 = 0
            /// The kernel's contract keeps n ≤ 131071 per call: streaming runs in 65,536-element calls.
            func chunked(_ size: Int, _ f: (UnsafePointer<Int8>, UnsafePointer<Int8>, Int) -> Int32) {
                sink &+= BenchmarkBaselines.chunkedDot(i8a.baseAddress!, i8b.baseAddress!, size, f)
            }
            for size in [l1, streaming] {
                let t = seconds { chunked(size) { octet_dot_i8($0, $1, $2) } }
                let ts = seconds { Kernels.withScalarPaths { chunked(size) { octet_dot_i8($0, $1, $2) } } }
                let tw = seconds { chunked(size) { Kernels.dotInt8Swift(UnsafeBufferPointer(start: $0, count: $2), UnsafeBufferPointer(start: $1, count: $2)) } }
                var baselines = [("scalar C path", Double(size) / ts / 1e9), ("plain Swift loop", Double(size) / tw / 1e9)]
                if size == l1 {
                    let a = (0 ..< l1).map { Int(UInt8(bitPattern: i8a[$0])) }, b = (0 ..< l1).map { Int(UInt8(bitPattern: i8b[$0])) }
                    let tr = seconds(maxSamples: 2) { _ = try? Dot.compute(a, int8, b, int8, model: .exact, output: int32) }
                    baselines.append(("GMP reference (Dot.compute exact)", Double(l1) / tr / 1e9))
                }
                emit(dotName, n: size, unit: "GMAC/s", throughput: Double(size) / t / 1e9, baselines: baselines)
                if size == streaming {
                    emit(dotName, n: size, unit: "GB/s", throughput: Double(size * 2) / t / 1e9, baselines: [("memcpy bandwidth", copyGBs())])
                }
            }
            if sink == 42 { print("") }
        }

        // MARK: int8 GEMM 256^3
        let gemmName = "gemm int8 256x256x256 (exact int32)"
        if wanted(gemmName) {
            let d = 256
            let c = benchBuffer(d * d) { _ in Int32(0) }
            let macs = Double(d * d * d)
            let t = seconds { octet_gemm_i8(i8a.baseAddress, i8b.baseAddress, c.baseAddress, d, d, d) }
            let ts = seconds(maxSamples: min(samples, 3)) { Kernels.withScalarPaths { octet_gemm_i8(i8a.baseAddress, i8b.baseAddress, c.baseAddress, d, d, d) } }
            let tw = seconds(maxSamples: min(samples, 3)) { BenchmarkBaselines.gemm(i8a.baseAddress!, i8b.baseAddress!, c.baseAddress!, d, d, d) }
            var baselines = [("scalar C path", macs / ts / 1e9), ("plain Swift loop", macs / tw / 1e9)]
            if !quick {
                // The reference on 8 x 8 x 256 (64 exact dots): GMAC/s of the same operation.
                let rows = (0 ..< 8).map { i in (0 ..< d).map { Int(UInt8(bitPattern: i8a[i * d + $0])) } }
                let cols = (0 ..< 8).map { j in (0 ..< d).map { Int(UInt8(bitPattern: i8b[j * d + $0])) } }
                let tr = seconds(maxSamples: 2) { for r in rows { for cc in cols { _ = try? Dot.compute(r, int8, cc, int8, model: .exact, output: int32) } } }
                baselines.append(("GMP reference (8x8x256 dots)", Double(64 * d) / tr / 1e9))
            }
            emit(gemmName, n: d * d * d, unit: "GMAC/s", throughput: macs / t / 1e9, baselines: baselines)
        }

        // MARK: FP8 dots
        var planA = planE4, planB = planE4
        let lanes32 = try! AccumulatorModel.parse("fp32:lanes32")
        let binary32 = try! FormatRegistry.named("binary32")
        let refA = (0 ..< l1).map { Int(codesA[$0]) }, refB = (0 ..< l1).map { Int(codesB[$0]) }
        let f32DotName = "dot fp8 e4m3fn fp32:lanes32"
        if wanted(f32DotName) {
            let table = benchBuffer(256) { BenchmarkBaselines.tableValue(planE4, $0) }
            var sink: Float = 0
            for size in [l1, streaming] {
                let t = seconds { sink += octet_dot_fp8_f32(&planA, &planB, codesA.baseAddress, codesB.baseAddress, size) }
                let ts = seconds { Kernels.withScalarPaths { sink += octet_dot_fp8_f32(&planA, &planB, codesA.baseAddress, codesB.baseAddress, size) } }
                let tw = seconds { sink += BenchmarkBaselines.dotFP8(UnsafeBufferPointer(rebasing: UnsafeBufferPointer(codesA)[0 ..< size]), UnsafeBufferPointer(codesB), UnsafeBufferPointer(table)) }
                var baselines = [("scalar C path", Double(size) / ts / 1e9), ("plain Swift loop", Double(size) / tw / 1e9)]
                if size == l1 {
                    let tr = seconds(maxSamples: 1) { _ = try? Dot.compute(refA, e4m3fn, refB, e4m3fn, model: lanes32, output: binary32, rounding: .rne, overflow: .ovfinf) }
                    baselines.append(("GMP reference (Dot.compute lanes32)", Double(l1) / tr / 1e9))
                }
                emit(f32DotName, n: size, unit: "GMAC/s", throughput: Double(size) / t / 1e9, baselines: baselines)
                if size == streaming {
                    emit(f32DotName, n: size, unit: "GB/s", throughput: Double(size * 2) / t / 1e9, baselines: [("memcpy bandwidth", copyGBs())])
                }
            }
            if sink == 42 { print("") }
        }
        let exactName = "dot fp8 e4m3fn exact (kulisch)"
        if wanted(exactName) {
            var sink: Int64 = 0
            for size in [l1, streaming] {
                // 16 Mi terms need W = 61 bits: the int64 path; 4096 terms: binary64.
                let t = seconds { sink &+= octet_dot_fp8_exact(&planA, &planB, codesA.baseAddress, codesB.baseAddress, size).hi }
                let ts = seconds { Kernels.withScalarPaths { sink &+= octet_dot_fp8_exact(&planA, &planB, codesA.baseAddress, codesB.baseAddress, size).hi } }
                var baselines = [("scalar C path", Double(size) / ts / 1e9)]
                if size == l1 {
                    let tr = seconds(maxSamples: 1) { _ = try? Dot.compute(refA, e4m3fn, refB, e4m3fn, model: .exact, output: binary32) }
                    baselines.append(("GMP reference (Dot.compute exact)", Double(l1) / tr / 1e9))
                }
                let path = octet_dot_fp8_exact(&planA, &planB, codesA.baseAddress, codesB.baseAddress, size).path
                emit(exactName + " [path \(path)]", n: size, unit: "GMAC/s", throughput: Double(size) / t / 1e9, baselines: baselines)
                if size == streaming {
                    emit(exactName + " [path \(path)]", n: size, unit: "GB/s", throughput: Double(size * 2) / t / 1e9, baselines: [("memcpy bandwidth", copyGBs())])
                }
            }
            if sink == 42 { print("") }
        }

        // MARK: block quantization (Specs/blocks.md §2; blockquant.c)
        // A tensor of 1 × 4096 (L1) or 4096 × 4096 (streaming), blocks along rows. Outputs: MXFP8
        // codes (1 byte per element), MXFP4 and NVFP4 packed nibbles (½ byte), and the scales (one
        // byte per 32 or 16 elements). The GB/s row counts the input once plus every output byte;
        // NVFP4 reads its input twice (the tensor amax, then the blocks), which the count does not
        // credit, so its figure is the bandwidth of the operation, not of the memory traffic.
        let packedOut = benchBuffer(n / 2) { _ in UInt8(0) }
        let scaleOut = benchBuffer(n / 16) { _ in UInt8(0) }
        struct BlockCase { let name: String; let scheme: String; let bf16: Bool; let outBytes: Double }
        let blockCases = [
            BlockCase(name: "blocks quantize f32->mxfp8_e4m3", scheme: "mxfp8_e4m3", bf16: false, outBytes: 1 + 1.0 / 32),
            BlockCase(name: "blocks quantize bf16->mxfp8_e4m3", scheme: "mxfp8_e4m3", bf16: true, outBytes: 1 + 1.0 / 32),
            BlockCase(name: "blocks quantize f32->mxfp4", scheme: "mxfp4", bf16: false, outBytes: 0.5 + 1.0 / 32),
            BlockCase(name: "blocks quantize bf16->mxfp4", scheme: "mxfp4", bf16: true, outBytes: 0.5 + 1.0 / 32),
            BlockCase(name: "blocks quantize f32->nvfp4", scheme: "nvfp4", bf16: false, outBytes: 0.5 + 1.0 / 16),
            BlockCase(name: "blocks quantize bf16->nvfp4", scheme: "nvfp4", bf16: true, outBytes: 0.5 + 1.0 / 16),
        ]
        for bc in blockCases where wanted(bc.name) {
            let input: BlockKernels.Input = bc.bf16 ? .bf16(UnsafeBufferPointer(bf16)) : .f32(UnsafeBufferPointer(f32))
            func quantize(_ size: Int) {
                let cols = 4096, rows = size / cols
                if bc.scheme == "nvfp4" {
                    _ = try? BlockKernels.quantizeNVFP4(input, rows: rows, cols: cols, codes: nil, packed: packedOut, scales: scaleOut)
                } else {
                    let el: BlockKernels.MXElement = bc.scheme == "mxfp4" ? .e2m1 : .e4m3
                    BlockKernels.quantizeMX(el, input, rows: rows, cols: cols, codes: el == .e2m1 ? nil : out8,
                                            packed: el == .e2m1 ? packedOut : nil, scales: scaleOut)
                }
            }
            for size in [l1, streaming] {
                let t = seconds { quantize(size) }
                let ts = seconds(maxSamples: size == l1 ? nil : min(samples, 3)) { Kernels.withScalarPaths { quantize(size) } }
                var baselines = [("scalar C path", Double(size) / ts / 1e6)]
                if size == l1 {
                    let scheme = try! BlockSchemes.named(bc.scheme)
                    let row = [bc.bf16 ? refBF16 : refInputs]
                    let tr = seconds(maxSamples: 1) { _ = try? scheme.quantize(row) }
                    baselines.append(("GMP reference (BlockScheme.quantize)", Double(l1) / tr / 1e6))
                }
                emit(bc.name, n: size, unit: "M elem/s", throughput: Double(size) / t / 1e6, baselines: baselines)
                if size == streaming {
                    let bytes = Double(size) * ((bc.bf16 ? 2 : 4) + bc.outBytes)
                    emit(bc.name, n: size, unit: "GB/s", throughput: bytes / t / 1e9, baselines: [("memcpy bandwidth", copyGBs())])
                }
            }
        }
    }
}

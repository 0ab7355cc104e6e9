import Testing
import Octet
import OctetExact
import OctetKernels
import OctetKernelsBridge

/// A first exhaustive check: every bfloat16 input into float8_e4m3fn and float8_e5m2 under rne,
/// both OCP policies, on the dispatched path and on the scalar path, against the reference encoder.
@Suite struct ConversionSmoke {
    @Test(arguments: ["float8_e4m3fn", "float8_e5m2"], [OverflowPolicy.saturate, .nonsaturate])
    func bfloat16Exhaustive(name: String, policy: OverflowPolicy) throws {
        let f = try FormatRegistry.named(name)
        var plan = try #require(Kernels.plan(f.kernelFormat!, rounding: OCTET_RNE, overflow: policy.kernelOverflow))
        let inputs = (0 ..< 65536).map { UInt16($0) }
        var fast = [UInt8](repeating: 0, count: inputs.count)
        var slow = [UInt8](repeating: 0, count: inputs.count)
        inputs.withUnsafeBufferPointer { i in
            fast.withUnsafeMutableBufferPointer { o in _ = Kernels.convertBF16(&plan, i, o) }
            Kernels.withScalarPaths {
                slow.withUnsafeMutableBufferPointer { o in _ = Kernels.convertBF16(&plan, i, o) }
            }
        }
        var mismatches = 0
        for (i, bits) in inputs.enumerated() {
            let x = IEEEBits.decode(UInt64(bits), as: .bfloat16)
            let expected = try f.encode(x, rounding: .rne, overflow: policy).code
            if Int(fast[i]) != expected || Int(slow[i]) != expected {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("bf16 0x\(String(bits, radix: 16)) (\(x)) -> \(name) \(policy): kernel 0x\(String(fast[i], radix: 16)) scalar 0x\(String(slow[i], radix: 16)) reference 0x\(String(expected, radix: 16))")
                }
            }
        }
        #expect(mismatches == 0)
    }
}

/// The streaming paths: from 2^18 elements the rne loops store with non-temporal stores after
/// converting a few elements one by one until the output is 32-byte aligned. Four times the 65,536
/// binary16 / bfloat16 patterns (shuffled), and as many random binary32 patterns, go to an output
/// starting one byte past an alignment boundary; the dispatched kernel must agree with the scalar
/// path, which the exhaustive tests hold to the reference.
@Suite struct StreamingConversions {
    static let n = 4 * 65536 + 77

    static func inputs16() -> [UInt16] {
        var rng = SplitMix(seed: 0x57EA)
        var v = (0 ..< n).map { UInt16(truncatingIfNeeded: $0) }
        for i in stride(from: n - 1, to: 0, by: -1) { v.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        return v
    }

    static func compare(_ name: String, _ source: String, _ run: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        var fastStore = [UInt8](repeating: 0xAA, count: n + 33), slowStore = [UInt8](repeating: 0x55, count: n + 33)
        var fast: [UInt8] = [], slow: [UInt8] = []
        fastStore.withUnsafeMutableBufferPointer { o in
            let base = Int(bitPattern: o.baseAddress!)
            let skip = (33 - base % 32) % 32   // the output starts one byte past a 32-byte boundary
            run(UnsafeMutableBufferPointer(rebasing: o[skip ..< skip + n]))
            fast = Array(o[skip ..< skip + n])
        }
        slowStore.withUnsafeMutableBufferPointer { o in
            Kernels.withScalarPaths { run(UnsafeMutableBufferPointer(rebasing: o[0 ..< n])) }
            slow = Array(o[0 ..< n])
        }
        let bad = (0 ..< n).filter { fast[$0] != slow[$0] }
        let count = bad.count, first = bad.first ?? -1
        #expect(count == 0, "\(source) -> \(name): \(count) of \(n) differ from the scalar path, first at \(first)")
    }

    @Test(arguments: ["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "fp8_e3m4"])
    func largeUnalignedOutputs(name: String) throws {
        let f = try FormatRegistry.named(name)
        let in16 = Self.inputs16()
        var rng = SplitMix(seed: 0xF32)
        let in32 = (0 ..< Self.n).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())) }
        for policy in [OverflowPolicy.saturate, .nonsaturate] {
            var plan = try #require(Kernels.plan(f.kernelFormat!, rounding: OCTET_RNE, overflow: policy.kernelOverflow))
            in16.withUnsafeBufferPointer { i in
                Self.compare(name, "binary16 \(policy)") { o in _ = Kernels.convertF16(&plan, i, o) }
                Self.compare(name, "bfloat16 \(policy)") { o in _ = Kernels.convertBF16(&plan, i, o) }
            }
            in32.withUnsafeBufferPointer { i in
                Self.compare(name, "binary32 \(policy)") { o in _ = Kernels.convert(&plan, i, o) }
            }
        }
    }
}

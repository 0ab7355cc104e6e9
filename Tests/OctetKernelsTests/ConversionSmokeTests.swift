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

import Foundation
import Testing
import Octet
import OctetExact
import OctetKernels
import OctetKernelsBridge

/// binary16 and bfloat16 → every float format of at most 8 bits in the registry (E8M0 included:
/// it takes the scalar path), all 65,536 inputs, modes rne, rtz and sr (N = 4 with two patterns of R,
/// and N = 1), all four overflow policies, on the dispatched path and on the scalar path, against
/// `Format.encode`.
///
/// The reference is called for every input under `saturate`. Under the other policies it is
/// called again wherever a policy can matter — the input is NaN, ±Inf or ±0, or the `saturate`
/// result is ±max, or code 0 of an unsigned or zero-less format (the only codes `saturate` gives for
/// out-of-range values, Specs/formats.md §4.4–4.5) — and the `saturate` result is reused for the
/// rest, where the policy is never consulted (`Format.encode` reads it only in `beyondMax` and
/// `belowMin`). The kernel is still compared on every input under every policy. With
/// `OCTET_EXHAUSTIVE=1` the reference is called for every input under every policy.
///
/// NaN into a format without NaN: the reference refuses; the kernel writes 0 and counts the input.
/// The test checks the count and skips those codes.
@Suite struct HalfInputConversions {
    enum Source: String, CaseIterable, Sendable { case bf16, f16 }

    struct Mode: Sendable, CustomStringConvertible {
        let rounding: RoundingMode
        let srBits: Int
        let name: String
        let r: @Sendable (Int) -> UInt32
        var description: String { name }
    }

    static let deterministicModes: [Mode] = [
        Mode(rounding: .rne, srBits: 0, name: "rne", r: { _ in 0 }),
        Mode(rounding: .rtz, srBits: 0, name: "rtz", r: { _ in 0 }),
    ]
    static let stochasticModes: [Mode] = [
        Mode(rounding: .sr, srBits: 4, name: "sr N=4 R=7i mod 16", r: { UInt32($0 &* 7 & 15) }),
        Mode(rounding: .sr, srBits: 4, name: "sr N=4 R=15-(5i mod 16)", r: { UInt32(15 - ($0 &* 5 & 15)) }),
        Mode(rounding: .sr, srBits: 1, name: "sr N=1 R=i mod 2", r: { UInt32($0 & 1) }),
    ]

    @Test(arguments: KernelTest.narrowFloatFormatNames)
    func rneAndRtzAll65536(name: String) {
        let f = KernelTest.format(name)
        for source in Source.allCases {
            for mode in Self.deterministicModes { Self.check(f, source, mode) }
        }
    }

    @Test(arguments: KernelTest.narrowFloatFormatNames)
    func stochasticAll65536(name: String) {
        let f = KernelTest.format(name)
        for source in Source.allCases {
            for mode in Self.stochasticModes { Self.check(f, source, mode) }
        }
    }

    /// Whether the reference must be asked again under a policy other than `saturate`.
    static func policyMayMatter(_ x: ExactValue, saturateCode: Int?, _ l: FloatFormat) -> Bool {
        guard let c = saturateCode else { return true }
        if case .number = x {} else { return true }
        if c == l.maxFiniteMagnitude || c == (l.signBit | l.maxFiniteMagnitude) { return true }
        if c == 0 && (!l.signed || !l.hasZero) { return true }
        return false
    }

    static func check(_ f: Format, _ source: Source, _ mode: Mode) {
        let layout = f.floatLayout!
        let values = source == .bf16 ? KernelTest.bf16Values : KernelTest.f16Values
        let n = values.count
        let rbits: [UInt32] = (0 ..< n).map(mode.r)
        let random: (Int) -> StochasticBits? = { i in
            mode.rounding == .sr ? try! StochasticBits(count: mode.srBits, value: UInt64(rbits[i])) : nil
        }
        let saturate = (0 ..< n).map { KernelTest.reference(f, values[$0], mode.rounding, .saturate, random: random($0)) }

        for policy in OverflowPolicy.allCases {
            var plan = KernelTest.plan(f, mode.rounding, policy, srBits: mode.srBits)
            var fast = [UInt8](repeating: 0xAA, count: n), slow = [UInt8](repeating: 0x55, count: n)
            var invalidFast = 0, invalidSlow = 0
            KernelTest.all16BitPatterns.withUnsafeBufferPointer { inp in
                rbits.withUnsafeBufferPointer { rb in
                    let r = mode.rounding == .sr ? rb : nil
                    fast.withUnsafeMutableBufferPointer { o in
                        invalidFast = source == .bf16 ? Kernels.convertBF16(&plan, inp, o, randomBits: r)
                                                      : Kernels.convertF16(&plan, inp, o, randomBits: r)
                    }
                    Kernels.withScalarPaths {
                        slow.withUnsafeMutableBufferPointer { o in
                            invalidSlow = source == .bf16 ? Kernels.convertBF16(&plan, inp, o, randomBits: r)
                                                          : Kernels.convertF16(&plan, inp, o, randomBits: r)
                        }
                    }
                }
            }
            // The same inputs rotated by 7 and shuffled: the dispatched kernel converts blocks of 32
            // by a 16-bit shortcut unless a block holds an input it does not cover, so every input
            // must also come out right next to neighbours of other kinds.
            var shuffled = Array(0 ..< n)
            var rng = SplitMix(seed: UInt64(n) ^ 0x5EED)
            for i in stride(from: n - 1, to: 0, by: -1) { shuffled.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            var mixedOrders: [(String, [Int], [UInt8])] = []
            for (label, order) in [("rotated by 7", (0 ..< n).map { ($0 + 7) % n }), ("shuffled", shuffled)] where mode.rounding != .sr {
                let inputs = order.map { KernelTest.all16BitPatterns[$0] }
                var out = [UInt8](repeating: 0xAA, count: n)
                inputs.withUnsafeBufferPointer { inp in
                    out.withUnsafeMutableBufferPointer { o in
                        _ = source == .bf16 ? Kernels.convertBF16(&plan, inp, o, randomBits: nil) : Kernels.convertF16(&plan, inp, o, randomBits: nil)
                    }
                }
                mixedOrders.append((label, order, out))
            }
            var log = MismatchLog("\(source) → \(f.name) \(mode) \(policy)")
            for (label, order, out) in mixedOrders {
                for (k, i) in order.enumerated() where Int(out[k]) != Int(fast[i]) {
                    log.record("\(source) \(KernelTest.hex(i, 4)) \(label): \(KernelTest.hex(out[k])), in order \(KernelTest.hex(fast[i]))")
                }
            }
            var refused = 0
            for i in 0 ..< n {
                let expected: Int?
                if policy == .saturate || (!KernelTest.exhaustive && !policyMayMatter(values[i], saturateCode: saturate[i], layout)) {
                    expected = saturate[i]
                } else {
                    expected = KernelTest.reference(f, values[i], mode.rounding, policy, random: random(i))
                }
                guard let e = expected else {
                    refused += 1
                    if fast[i] != 0 || slow[i] != 0 {
                        log.record("\(source) \(KernelTest.hex(i, 4)) (NaN, refused by the reference): kernel wrote \(KernelTest.hex(fast[i])) / scalar \(KernelTest.hex(slow[i])), expected 0")
                    }
                    continue
                }
                if Int(fast[i]) != e || Int(slow[i]) != e {
                    let r = mode.rounding == .sr ? " R=\(rbits[i])" : ""
                    log.record("\(source) \(KernelTest.hex(i, 4)) (\(values[i]))\(r): dispatched \(KernelTest.hex(fast[i])) scalar \(KernelTest.hex(slow[i])) reference \(KernelTest.hex(e))")
                }
            }
            log.finish()
            #expect(log.count == 0, "\(source) → \(f.name) \(mode) \(policy)")
            #expect(invalidFast == refused && invalidSlow == refused,
                    "\(source) → \(f.name) \(mode) \(policy): NaN count dispatched \(invalidFast) scalar \(invalidSlow), reference refused \(refused)")
        }
    }
}

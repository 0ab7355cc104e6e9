import Foundation
import Testing
import Octet
import OctetExact
import OctetKernels
import OctetKernelsBridge

/// Every one of the 2^32 binary32 inputs into float8_e4m3fn and float8_e5m2 (rne; saturate and
/// nonsaturate), on the dispatched and on the scalar path. Opt-in, because it takes minutes:
///
///     OCTET_EXHAUSTIVE=1 swift test --filter Exhaustive
///
/// (about 10 minutes on 2 cores in a debug build, where the C kernels are compiled at -O0;
/// `OCTET_EXHAUSTIVE=1 swift test -c release --filter Exhaustive` is several times faster.)
/// The filter also runs the other `…Exhaustive` tests of the kernels, which take seconds.
///
/// The oracle is a table derived from the reference: for each sign, rounding to nearest is a
/// monotone step function of the binary32 magnitude, and binary32 magnitudes are ordered like
/// their bit patterns. So the reference code of every input follows from the reference code at the
/// "thresholds" — the first bit pattern of each step — which are found by binary search in which
/// every probe is a call of `Format.encode` on the exact value of the pattern. The monotonicity is
/// the only assumption; `Binary32Conversions` checks the midpoints ± 1 ulp independently. NaN and
/// ±Inf inputs take the reference's code for one NaN/Inf of each sign (the reference ignores the
/// payload). The kernel's output for each step is then checked with `memcmp`, which keeps the
/// check as fast as the kernel.
@Suite(.enabled(if: KernelTest.exhaustive, "set OCTET_EXHAUSTIVE=1 to run the 2^32 sweeps"))
struct Binary32Exhaustive {
    /// One step of the oracle: bit patterns from `start` (up to the next step's start) give `code`.
    struct Step { let start: UInt32; let code: UInt8 }

    struct Oracle {
        let format: Format
        let policy: OverflowPolicy
        /// Per sign, the steps over magnitudes 0 … 0x7F7FFFFF, then Inf and NaN.
        let steps: [[Step]]
        let infCode: [UInt8]
        let nanCode: [UInt8]

        init(_ f: Format, _ policy: OverflowPolicy) {
            format = f
            self.policy = policy
            let mask = f.floatLayout!.magnitudeMask
            func ref(_ bits: UInt32) -> Int { KernelTest.reference(f, IEEEBits.decode(UInt64(bits), as: .binary32), .rne, policy)! }
            var all: [[Step]] = []
            for sign: UInt32 in [0, 0x8000_0000] {
                var steps: [Step] = []
                var lo: UInt32 = 0
                var code = ref(sign | lo)
                steps.append(Step(start: 0, code: UInt8(code)))
                let last: UInt32 = 0x7F7F_FFFF
                while ref(sign | last) & mask != code & mask {
                    precondition(ref(sign | last) & mask > code & mask, "the reference is not monotone")
                    // ref(lo) has code's magnitude, ref(last) a larger one: find the first larger.
                    var a = lo, b = last
                    while b - a > 1 {
                        let mid = a + (b - a) / 2
                        if ref(sign | mid) & mask > code & mask { b = mid } else { a = mid }
                    }
                    code = ref(sign | b)
                    steps.append(Step(start: b, code: UInt8(code)))
                    lo = b
                }
                all.append(steps)
            }
            steps = all
            infCode = [UInt8(ref(0x7F80_0000)), UInt8(ref(0xFF80_0000))]
            nanCode = [UInt8(ref(0x7FC0_0000)), UInt8(ref(0xFFC0_0000))]
        }

        /// The expected codes over [first, first + count) of one sign, as runs (offset, length, code).
        func runs(chunkStart first: UInt32, count: Int) -> [(Int, Int, UInt8)] {
            let sign = Int(first >> 31)
            let m0 = UInt64(first & 0x7FFF_FFFF), m1 = m0 + UInt64(count)   // magnitudes [m0, m1)
            var out: [(Int, Int, UInt8)] = []
            func add(_ lo: UInt64, _ hi: UInt64, _ code: UInt8) {
                let a = max(lo, m0), b = min(hi, m1)
                if a < b { out.append((Int(a - m0), Int(b - a), code)) }
            }
            let s = steps[sign]
            for (k, step) in s.enumerated() {
                let end = k + 1 < s.count ? UInt64(s[k + 1].start) : 0x7F80_0000
                add(UInt64(step.start), end, step.code)
            }
            add(0x7F80_0000, 0x7F80_0001, infCode[sign])
            add(0x7F80_0001, 0x8000_0000, nanCode[sign])
            return out
        }
    }

    static let chunkBits = 24
    static let oracles: [Oracle] = {
        var o: [Oracle] = []
        for name in ["float8_e4m3fn", "float8_e5m2"] {
            for p in [OverflowPolicy.saturate, .nonsaturate] { o.append(Oracle(KernelTest.format(name), p)) }
        }
        return o
    }()

    /// Quarter q of the input space (64 chunks of 2^24 patterns), all four (format, policy) pairs,
    /// both paths. The four quarters run in parallel.
    @Test(arguments: 0 ..< 4)
    func all2To32Binary32Inputs(quarter: Int) {
        let n = 1 << Self.chunkBits
        let input = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: n)
        let out = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: n)
        defer { input.deallocate(); out.deallocate() }
        let oracles = Self.oracles
        var plans = oracles.map { KernelTest.plan($0.format, .rne, $0.policy) }
        var logs = oracles.map { MismatchLog("binary32 → \($0.format.name) rne \($0.policy)", limit: 4) }
        for chunk in (quarter * 64) ..< (quarter * 64 + 64) {
            let base = UInt32(chunk) << UInt32(Self.chunkBits)
            for i in 0 ..< n { input[i] = base | UInt32(i) }
            for k in oracles.indices {
                let runs = oracles[k].runs(chunkStart: base, count: n)
                for scalar in [false, true] {
                    input.withMemoryRebound(to: Float.self) { m in
                        let floats = UnsafeBufferPointer(m)
                        if scalar { Kernels.withScalarPaths { _ = Kernels.convert(&plans[k], floats, out) } }
                        else { _ = Kernels.convert(&plans[k], floats, out) }
                    }
                    for (offset, length, code) in runs {
                        let p = out.baseAddress! + offset
                        if p[0] != code || (length > 1 && memcmp(p, p + 1, length - 1) != 0) {
                            // Find the first wrong element of the run for the report.
                            var j = 0
                            while j < length && p[j] == code { j += 1 }
                            let bits = base &+ UInt32(offset + j)
                            logs[k].record("\(scalar ? "scalar" : "dispatched") \(KernelTest.hex(bits, 8)): kernel \(KernelTest.hex(p[j])) reference \(KernelTest.hex(code))")
                        }
                    }
                }
            }
        }
        for log in logs { log.finish(); #expect(log.count == 0, "\(log.context)") }
    }
}

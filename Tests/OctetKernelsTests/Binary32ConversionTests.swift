import Foundation
import Testing
import Octet
import OctetExact
import OctetKernels
import OctetKernelsBridge

/// binary32 → float8_e4m3fn and float8_e5m2 (rne; saturate and nonsaturate) on a dense
/// boundary-and-random subset, both paths, against `Format.encode`. The full 2^32 sweep is
/// `Binary32Exhaustive` (opt-in: `OCTET_EXHAUSTIVE=1 swift test --filter Exhaustive`).
@Suite struct Binary32Conversions {
    /// The inputs, as binary32 bit patterns, for one target format (both signs of everything):
    /// - every value of the target's grid extended one binade beyond max (so the overflow
    ///   thresholds are in), and each of them ± 1 and ± 2 ulp of binary32;
    /// - every midpoint between neighbouring grid values ± 1 and ± 2 ulp;
    /// - every binary32 binade edge 2^e (e = −126…127), and its neighbours, and the largest
    ///   finite value;
    /// - ±0, ±Inf, quiet and signalling NaNs with several payloads;
    /// - binary32 subnormals: the smallest, the largest, powers of two and 2,000 random ones;
    /// - 100,000 random bit patterns (seeded).
    static func inputs(for f: Format) -> [UInt32] {
        let l = f.floatLayout!
        var grid: [Float] = []
        // Grid: the format's finite magnitudes, then up to twice the next power of two above max
        // (the reference rounds on a grid unbounded above and decides overflow afterwards).
        for m in 0 ... l.maxFiniteMagnitude {
            if case .finite = l.classify(m) {} else { continue }
            grid.append(Self.magnitude(l, m))
        }
        let maxv = grid.max()!
        let ulpAtMax = maxv - grid.filter { $0 < maxv }.max()!
        let top = Float(sign: .plus, exponent: maxv.exponent + 1, significand: 1)
        var v = maxv + ulpAtMax
        while v < top { grid.append(v); v += ulpAtMax }
        let step = top / Float(1 << l.mantissaBits)
        v = top
        while v <= 2 * top { grid.append(v); v += step }
        grid = Array(Set(grid)).sorted()
        var mags: [Float] = []
        func around(_ x: Float) {
            var lo = x, hi = x
            mags.append(x)
            for _ in 0 ..< 2 { lo = lo.nextDown; hi = hi.nextUp; mags.append(lo); mags.append(hi) }
        }
        for x in grid { around(x) }
        for k in 0 ..< grid.count - 1 { around((grid[k] + grid[k + 1]) / 2) }   // exact: ≤ 6 significant bits
        var bits = mags.filter { $0 >= 0 && $0.isFinite }.map(\.bitPattern)
        for e in 1 ... 254 {
            let b = UInt32(e) << 23
            bits += [b - 1, b, b + 1, b | 0x400000]
        }
        bits += [0x7F7F_FFFF, 0, 0x7F80_0000, 0x7FC0_0000, 0x7F80_0001, 0x7FFF_FFFF, 0x7FA0_0000, 0x7FC0_0001]
        bits += [0x0000_0001, 0x0000_0002, 0x0000_0003, 0x007F_FFFF, 0x0040_0000, 0x0040_0001, 0x003F_FFFF]
        for k in 0 ..< 23 { bits.append(1 << UInt32(k)) }
        var rng = SplitMix(seed: 0x0C7E7_5EED ^ UInt64(l.exponentBits))
        for _ in 0 ..< 2000 { bits.append(UInt32(truncatingIfNeeded: rng.next()) & 0x007F_FFFF) }
        bits += bits.map { $0 | 0x8000_0000 }
        for _ in 0 ..< 100_000 { bits.append(UInt32(truncatingIfNeeded: rng.next())) }
        return bits
    }

    /// The value of a finite magnitude code, from the layout's fields (exact in binary32).
    static func magnitude(_ l: FloatFormat, _ m: Int) -> Float {
        let e = m >> l.mantissaBits, frac = m & ((1 << l.mantissaBits) - 1)
        if l.subnormals && e == 0 {
            return Float(sign: .plus, exponent: 1 - l.bias - l.mantissaBits, significand: Float(frac))
        }
        return Float(sign: .plus, exponent: e - l.bias - l.mantissaBits, significand: Float(frac | 1 << l.mantissaBits))
    }

    @Test(arguments: ["float8_e4m3fn", "float8_e5m2"])
    func denseBoundaryAndRandom(name: String) {
        let f = KernelTest.format(name)
        let bits = Self.inputs(for: f)
        let values = bits.map { IEEEBits.decode(UInt64($0), as: .binary32) }
        let floats = bits.map { Float(bitPattern: $0) }
        for policy in [OverflowPolicy.saturate, .nonsaturate] {
            var plan = KernelTest.plan(f, .rne, policy)
            var fast = [UInt8](repeating: 0xAA, count: bits.count), slow = [UInt8](repeating: 0x55, count: bits.count)
            withOffsetBuffer(floats, offset: 3) { inp in
                fast.withUnsafeMutableBufferPointer { o in _ = Kernels.convert(&plan, inp, o) }
                Kernels.withScalarPaths {
                    slow.withUnsafeMutableBufferPointer { o in _ = Kernels.convert(&plan, inp, o) }
                }
            }
            var log = MismatchLog("binary32 → \(name) rne \(policy)")
            for i in bits.indices {
                let e = KernelTest.reference(f, values[i], .rne, policy)!   // both formats have NaN
                if Int(fast[i]) != e || Int(slow[i]) != e {
                    log.record("\(KernelTest.hex(bits[i], 8)) (\(values[i])): dispatched \(KernelTest.hex(fast[i])) scalar \(KernelTest.hex(slow[i])) reference \(KernelTest.hex(e))")
                }
            }
            log.finish()
            #expect(log.count == 0)
            #expect(bits.count > 100_000)
        }
    }
}

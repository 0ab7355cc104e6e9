import Octet
import OctetExact

/// A named, index-addressable source of test cases: case i is a pure function of (seed, i), so any
/// subset — a shard, a reproduction — can be regenerated without the rest.
public struct CaseGenerator: Sendable {
    public let name: String
    /// How many cases this generator contributes under the run's budget.
    public let count: Int
    let make: @Sendable (Int) -> CheckCase

    public func caseAt(_ i: Int) -> CheckCase { make(i) }

    /// A fixed list, truncated to `limit`.
    static func list(_ name: String, _ cases: [CheckCase], limit: Int) -> CaseGenerator {
        let n = min(cases.count, max(limit, 0))
        return CaseGenerator(name: name, count: n, make: { cases[$0] })
    }

    /// A seeded random source.
    static func random(_ name: String, count: Int, seed: UInt64, _ body: @escaping @Sendable (inout SplitMix64) -> CheckCase) -> CaseGenerator {
        let salt = name.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
        return CaseGenerator(name: name, count: max(count, 0), make: { i in
            var rng = SplitMix64(seed: seed ^ salt ^ (UInt64(i) &* 0x9E37_79B9_7F4A_7C15))
            _ = rng.next()
            return body(&rng)
        })
    }
}

public enum Generators {
    static let binary32 = try! FormatRegistry.named("binary32")

    /// binary32 bits of an exact value already known to be representable, or of its rounding.
    static func f32Bits(_ v: Rational) -> UInt32 {
        UInt32(truncatingIfNeeded: try! binary32.encode(ExactValue(v), rounding: .rne, overflow: .ovfinf).code)
    }

    /// The default budget of an operation: finishes well within a minute on one core (release).
    public static func defaultBudget(_ spec: OctetOperation) -> Int {
        switch spec.kind {
        case .convert: return 400_000
        case .mul: return 70_000
        case .dot: return 2_000
        case .dotI8: return 20_000
        }
    }

    /// Every generator that applies to the operation, sized for `budget` cases in all.
    public static func all(for spec: OctetOperation, budget: Int, seed: UInt64) -> [CaseGenerator] {
        switch spec {
        case .convert(_, let f, _, _, _): return convert(f, budget: budget, seed: seed)
        case .mul(let a, let b, _, _, _): return mul(a, b, budget: budget, seed: seed)
        case .dot(let a, let b, _, _, _, _, _): return dot(a, b, budget: budget, seed: seed)
        case .dotI8: return dotI8(budget: budget, seed: seed)
        case .decode, .blockQuantize: return []   // no kernel ABI: decode is checked through vector files
        }
    }

    // MARK: convert

    static func convert(_ f: Format, budget: Int, seed: UInt64) -> [CaseGenerator] {
        var specials: [UInt32] = [0, 0x8000_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0000, 0x7F80_0001, 0xFF80_0001,
                                  0x7FFF_FFFF, 0x7F7F_FFFF, 0xFF7F_FFFF, 0x0000_0001, 0x8000_0001, 0x0080_0000, 0x007F_FFFF, 0x3F80_0000, 0xBF80_0000]
        specials += specials.map { $0 ^ 0x8000_0000 }
        // Every value of the format, its neighbours in binary32, the midpoints between neighbours
        // (and between max and the next value of the unbounded grid: the overflow threshold).
        var values: [Rational] = []
        for c in f.codes { if let r = f.value(ofCode: c).rational, !r.isNegative { values.append(r) } }
        values = Array(Set(values)).sorted()
        if let fl = f.floatLayout, let maxV = values.last {
            let e = maxV.floorLog2
            values.append(maxV + Rational(BigInt(1), timesTwoToThe: e - fl.mantissaBits))   // next value of the grid
        } else if let t = f.taperedLayout, let maxV = values.last {
            let top = t.binade(exponent: t.maxExponent)!
            values.append(maxV + Rational(BigInt(1), timesTwoToThe: top.exponent - top.mantissaBits))
        }
        var points: [UInt32] = []
        var mids: [UInt32] = []
        for (i, v) in values.enumerated() {
            let b = f32Bits(v)
            points += [b, b &+ 1, b == 0 ? 0x8000_0001 : b &- 1]
            if i + 1 < values.count {
                let m = f32Bits((v + values[i + 1]).timesPowerOfTwo(-1))
                mids += [m, m &+ 1, m &- 1]
            }
        }
        points += points.map { $0 ^ 0x8000_0000 }
        mids += mids.map { $0 ^ 0x8000_0000 }
        // TestFloat-style patterns: exponents across the format's range (and binary32's ends)
        // times significands that stress carries: walking ones, filled-from-the-top, complements.
        var exps: [UInt32] = [0, 1, 2, 253, 254]
        if let lo = values.first(where: { !$0.isZero }), let hi = values.last {
            let e0 = max(lo.floorLog2 - 3 + 127, 1), e1 = min(hi.floorLog2 + 3 + 127, 254)
            if e0 <= e1 { exps += (e0 ... e1).map { UInt32($0) } }
        }
        var sigs: [UInt32] = [0, 1, 0x7F_FFFF, 0x7F_FFFE]
        for k in 0 ..< 23 {
            sigs.append(1 << k)
            let top = (0x7F_FFFF as UInt32) & ~((1 << UInt32(22 - k)) - 1)
            sigs.append(top)
            sigs.append(0x7F_FFFF ^ (1 << k))
        }
        var patterns: [UInt32] = []
        for e in exps { for s in sigs { patterns.append(e << 23 | s); patterns.append(0x8000_0000 | e << 23 | s) } }

        let fixed = specials.count + points.count + mids.count + patterns.count
        let randomShare = max(budget - fixed, 2_000)
        let loExp = Int(exps.count > 5 ? exps[5] : 100), hiExp = Int(exps.last!)
        return [
            .list("specials", specials.map { .convert($0) }, limit: budget),
            .list("values", points.map { .convert($0) }, limit: budget),
            .list("midpoints", mids.map { .convert($0) }, limit: budget),
            .list("patterned", patterns.map { .convert($0) }, limit: budget),
            .random("random-in-range", count: randomShare / 2, seed: seed) { rng in
                let e = UInt32(loExp + Int(rng.next() % UInt64(max(hiExp - loExp + 1, 1))))
                return .convert(UInt32(truncatingIfNeeded: rng.next()) & 0x807F_FFFF | e << 23)
            },
            .random("random-bits", count: randomShare - randomShare / 2, seed: seed) { rng in
                .convert(UInt32(truncatingIfNeeded: rng.next()))
            },
        ]
    }

    // MARK: mul

    static func mul(_ a: Format, _ b: Format, budget: Int, seed: UInt64) -> [CaseGenerator] {
        if a.bits + b.bits <= 16 {
            let nb = b.codeCount
            return [CaseGenerator(name: "exhaustive", count: a.codeCount * nb, make: { i in .mul(i / nb, i % nb) })]
        }
        return [.random("random", count: budget, seed: seed) { rng in
            .mul(Int(rng.next() % UInt64(a.codeCount)), Int(rng.next() % UInt64(b.codeCount)))
        }]
    }

    // MARK: dot

    /// Lengths that cross SIMD widths and unrolling factors, weighted toward the short ones.
    static let dotLengths = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 96, 127, 128, 129,
                             255, 256, 257, 511, 1000, 1024, 4095, 4096, 4097]

    static func finiteCodes(_ f: Format) -> [Int] {
        f.codes.filter { f.value(ofCode: $0).isFinite }
    }

    static func dot(_ a: Format, _ b: Format, budget: Int, seed: UInt64) -> [CaseGenerator] {
        let fa = finiteCodes(a), fb = finiteCodes(b)
        let specialsA = a.codes.filter { !a.value(ofCode: $0).isFinite }, specialsB = b.codes.filter { !b.value(ofCode: $0).isFinite }
        func byMagnitude(_ f: Format, _ codes: [Int]) -> [Int] {
            codes.sorted { f.value(ofCode: $0).rational!.magnitude < f.value(ofCode: $1).rational!.magnitude }
        }
        let sortedA = byMagnitude(a, fa), sortedB = byMagnitude(b, fb)
        @Sendable func negate(_ f: Format, _ c: Int) -> Int? {
            guard f.isSigned, let r = f.value(ofCode: c).rational else { return nil }
            return (try? f.encode(ExactValue(-r)).code).flatMap { f.value(ofCode: $0).rational == -r ? $0 : nil }
        }
        @Sendable func length(_ rng: inout SplitMix64) -> Int { dotLengths[Int(rng.next() % UInt64(dotLengths.count))] }
        let share = max(budget / 6, 5)
        return [
            .random("random", count: share, seed: seed) { rng in
                let n = length(&rng)
                return .dot((0 ..< n).map { _ in fa[Int(rng.next() % UInt64(fa.count))] }, (0 ..< n).map { _ in fb[Int(rng.next() % UInt64(fb.count))] })
            },
            .random("cancellation", count: share, seed: seed) { rng in
                // pairs x·y and (−x)·y, shuffled: the exact sum is small or zero
                let n = length(&rng) / 2
                var xs: [Int] = [], ys: [Int] = []
                for _ in 0 ..< n {
                    let x = fa[Int(rng.next() % UInt64(fa.count))], y = fb[Int(rng.next() % UInt64(fb.count))]
                    xs.append(x); ys.append(y)
                    if let nx = negate(a, x) { xs.append(nx); ys.append(y) }
                }
                var idx = Array(0 ..< xs.count)
                for i in stride(from: idx.count - 1, to: 0, by: -1) { idx.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
                return .dot(idx.map { xs[$0] }, idx.map { ys[$0] })
            },
            .random("extremes", count: share, seed: seed) { rng in
                // the largest and smallest magnitudes, both signs
                let n = length(&rng)
                let pickA = Array(sortedA.prefix(3) + sortedA.suffix(3)), pickB = Array(sortedB.prefix(3) + sortedB.suffix(3))
                return .dot((0 ..< n).map { _ in pickA[Int(rng.next() % UInt64(pickA.count))] }, (0 ..< n).map { _ in pickB[Int(rng.next() % UInt64(pickB.count))] })
            },
            .random("huge-then-tiny", count: share, seed: seed) { rng in
                let n = max(length(&rng), 2)
                var xs = [sortedA.last!], ys = [sortedB.last!]
                let tinyA = Array(sortedA.dropFirst().prefix(8)), tinyB = Array(sortedB.dropFirst().prefix(8))
                for _ in 1 ..< n { xs.append(tinyA[Int(rng.next() % UInt64(tinyA.count))]); ys.append(tinyB[Int(rng.next() % UInt64(tinyB.count))]) }
                return .dot(xs, ys)
            },
            .random("ties", count: share, seed: seed) { rng in
                // a large term and many equal small ones: partial sums in binary32 land on ties
                let n = max(length(&rng), 2)
                let big = sortedA[sortedA.count - 1 - Int(rng.next() % 4)]
                let small = sortedA[1 + Int(rng.next() % UInt64(max(sortedA.count / 2, 1)))]
                let one = fb.first { b.value(ofCode: $0).rational == .one } ?? sortedB.last!
                return .dot([big] + Array(repeating: small, count: n - 1), Array(repeating: one, count: n))
            },
            .random("specials", count: max(budget - 5 * share, 5), seed: seed) { rng in
                let n = max(length(&rng), 1)
                var xs = (0 ..< n).map { _ in fa[Int(rng.next() % UInt64(fa.count))] }
                let ys = (0 ..< n).map { _ in fb[Int(rng.next() % UInt64(fb.count))] }
                if !specialsA.isEmpty { xs[Int(rng.next() % UInt64(n))] = specialsA[Int(rng.next() % UInt64(specialsA.count))] }
                _ = specialsB
                return .dot(xs, ys)
            },
            .list("long", [65536, 16384].map { n in
                var rng = SplitMix64(seed: seed ^ UInt64(n))
                return CheckCase.dot((0 ..< n).map { _ in fa[Int(rng.next() % UInt64(fa.count))] }, (0 ..< n).map { _ in fb[Int(rng.next() % UInt64(fb.count))] })
            }, limit: 2),
        ]
    }

    // MARK: dot-i8

    static func dotI8(budget: Int, seed: UInt64) -> [CaseGenerator] {
        let share = max(budget / 3, 5)
        @Sendable func length(_ rng: inout SplitMix64) -> Int { dotLengths[Int(rng.next() % UInt64(dotLengths.count))] }
        let extremes: [CheckCase] = [1, 2, 15, 16, 17, 31, 32, 33, 64, 4096, 65536, 131071].flatMap { n -> [CheckCase] in
            [.dotI8(Array(repeating: -128, count: n), Array(repeating: -128, count: n)),
             .dotI8(Array(repeating: 127, count: n), Array(repeating: 127, count: n)),
             .dotI8(Array(repeating: -128, count: n), Array(repeating: 127, count: n)),
             .dotI8((0 ..< n).map { $0 % 2 == 0 ? -128 : 127 }, Array(repeating: -128, count: n))]
        }
        return [
            .list("extremes", extremes, limit: budget),
            .random("random", count: share, seed: seed) { rng in
                let n = length(&rng)
                return .dotI8((0 ..< n).map { _ in Int8(truncatingIfNeeded: rng.next()) }, (0 ..< n).map { _ in Int8(truncatingIfNeeded: rng.next()) })
            },
            .random("saturating-pairs", count: share, seed: seed) { rng in
                // pairs whose two products sum beyond Int16: catches 16-bit pair sums
                let n = length(&rng)
                return .dotI8((0 ..< n).map { _ in rng.next() % 2 == 0 ? -128 : 127 }, (0 ..< n).map { _ in rng.next() % 2 == 0 ? -128 : 127 })
            },
            .random("long", count: 4, seed: seed) { rng in
                let n = 65536
                return .dotI8((0 ..< n).map { _ in Int8(truncatingIfNeeded: rng.next()) }, (0 ..< n).map { _ in Int8(truncatingIfNeeded: rng.next()) })
            },
        ]
    }
}

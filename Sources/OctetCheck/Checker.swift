import Octet
import OctetExact
#if canImport(Glibc)
import Glibc
#endif

/// One shard of a sweep: the cases whose global index i satisfies i mod count == index.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int
    public init(index: Int, count: Int) throws(CheckError) {
        guard count >= 1, (0 ..< count).contains(index) else { throw .usage("--shard I/N needs 0 ≤ I < N (got \(index)/\(count))") }
        self.index = index
        self.count = count
    }
    public static let whole = try! Shard(index: 0, count: 1)
    public func contains(_ global: Int) -> Bool { global % count == index }
    public var description: String { "\(index)/\(count)" }

    public static func parse(_ text: String) throws(CheckError) -> Shard {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else { throw .usage("--shard takes I/N, e.g. 0/4 (got '\(text)')") }
        return try Shard(index: i, count: n)
    }
}

public enum CheckError: Error, CustomStringConvertible {
    case usage(String)
    public var description: String {
        switch self { case .usage(let s): return s }
    }
}

/// A mismatch, after shrinking.
public struct Counterexample: Sendable {
    public let generator: String
    public let index: Int
    public let original: CheckCase
    public let shrunk: CheckCase
    public let observed: CheckResult
    public let expected: CheckResult
    public let shrinkSteps: Int
}

/// The outcome of a run: cases per generator (executed in this shard) and the first mismatch.
public struct CheckReport: Sendable {
    public let title: String
    public let seed: UInt64
    public let shard: Shard
    public var counts: [(name: String, cases: Int)]
    public var passed: Int
    public var failed: Int
    public var counterexample: Counterexample?

    /// Generators that ran no case, which makes the run a failure: a generator that never runs
    /// tests nothing.
    public var idleGenerators: [String] { counts.filter { $0.cases == 0 }.map(\.name) }
}

public struct Checker {
    public let spec: CheckSpec
    public let kernel: KernelUnderTest
    public var batchSize = 4096

    public init(spec: CheckSpec, kernel: KernelUnderTest) {
        self.spec = spec
        self.kernel = kernel
    }

    /// Runs every generator's cases in the shard; stops at the first mismatch and shrinks it.
    /// `progress(done, total)` is called now and then.
    public func run(budget: Int, seed: UInt64, shard: Shard = .whole,
                    progress: ((Int, Int) -> Void)? = nil) -> CheckReport {
        let gens = Generators.all(for: spec, budget: budget, seed: seed)
        let total = gens.reduce(0) { $0 + $1.count }
        var report = CheckReport(title: spec.title, seed: seed, shard: shard, counts: [], passed: 0, failed: 0, counterexample: nil)
        var offset = 0
        var done = 0
        let batched = spec.kind == .convert || spec.kind == .mul
        for g in gens {
            var executed = 0
            var pending: [(Int, CheckCase)] = []
            func flush() -> Bool {
                guard !pending.isEmpty else { return true }
                let cases = pending.map(\.1)
                let observed = spec.run(kernel, cases)
                for (k, (idx, c)) in pending.enumerated() {
                    let e = spec.expected(c)
                    if !spec.matches(observed[k], e) {
                        report.failed += 1
                        report.counterexample = shrink(generator: g.name, index: idx, batch: cases, position: k, observed: observed[k], expected: e)
                        executed += k + 1
                        report.passed += k
                        pending = []
                        return false
                    }
                }
                executed += pending.count
                report.passed += pending.count
                done += pending.count
                progress?(done, total)
                pending = []
                return true
            }
            var ok = true
            for i in 0 ..< g.count where shard.contains(offset + i) {
                pending.append((i, g.caseAt(i)))
                if !batched || pending.count >= batchSize {
                    if !flush() { ok = false; break }
                }
            }
            if ok { ok = flush() }
            report.counts.append((g.name, executed))
            offset += g.count
            if !ok {
                // Record the generators that did not get to run, so the report is complete.
                for rest in gens.drop(while: { $0.name != g.name }).dropFirst() { report.counts.append((rest.name, 0)) }
                break
            }
        }
        return report
    }

    // MARK: Shrinking

    func fails(_ batch: [CheckCase], at k: Int) -> (CheckResult, CheckResult)? {
        let o = spec.run(kernel, batch)[k]
        let e = spec.expected(batch[k])
        return spec.matches(o, e) ? nil : (o, e)
    }

    /// Reduces a failing case: shorter vectors, and codes or values closer to zero and one.
    /// Batched cases are shrunk in place inside their batch, so a fault that needs the SIMD body
    /// still shows.
    func shrink(generator: String, index: Int, batch: [CheckCase], position k: Int,
                observed: CheckResult, expected: CheckResult) -> Counterexample {
        var current = batch
        var steps = 0
        var result = (observed, expected)
        func attempt(_ candidate: CheckCase) -> Bool {
            var trial = current
            trial[k] = candidate
            if let r = fails(trial, at: k) {
                current = trial
                result = r
                steps += 1
                return true
            }
            return false
        }
        var improved = true
        while improved && steps < 500 {
            improved = false
            for c in candidates(current[k]) where attempt(c) {
                improved = true
                break
            }
        }
        return Counterexample(generator: generator, index: index, original: batch[k], shrunk: current[k],
                              observed: result.0, expected: result.1, shrinkSteps: steps)
    }

    /// Simpler versions of a case, simplest first. Lazy: a long vector has about 2n chunk
    /// removals of n elements each, too many to build at once (65,536 pairs would need gigabytes).
    func candidates(_ c: CheckCase) -> AnySequence<CheckCase> {
        switch c {
        case .convert(let u):
            var out: [CheckCase] = []
            let a = u & 0x7FFF_FFFF
            if u & 0x8000_0000 != 0 { out.append(.convert(a)) }             // drop the sign
            let m = a & 0x7F_FFFF
            if m != 0 {                                                      // fewer significand bits
                let low = m & (~m &+ 1)
                out.append(.convert(u & ~low))
                if m & 0xFFFF != 0 { out.append(.convert(u & ~0xFFFF)) }
            }
            return AnySequence(out)
        case .mul(let x, let y):
            guard case .mul(let fa, let fb, _, _, _) = spec else { return AnySequence([]) }
            return AnySequence(simplerCodes(x, fa).map { .mul($0, y) } + simplerCodes(y, fb).map { .mul(x, $0) })
        case .dot(let xs, let ys):
            let dropped = Checker.chunkRemovals(xs.count).lazy.map { (s, e) in
                CheckCase.dot(Array(xs[..<s] + xs[e...]), Array(ys[..<s] + ys[e...]))
            }
            guard case .dot(let fa, let fb, _, _) = spec else { return AnySequence(dropped) }
            let simpler = (0 ..< min(xs.count, 64)).lazy.flatMap { i in                // simpler codes
                self.simplerCodes(xs[i], fa).map { s -> CheckCase in var v = xs; v[i] = s; return .dot(v, ys) }
                    + self.simplerCodes(ys[i], fb).map { s -> CheckCase in var v = ys; v[i] = s; return .dot(xs, v) }
            }
            return AnySequence(dropped.concatenated(with: simpler))
        case .dotI8(let xs, let ys):
            return AnySequence(Checker.chunkRemovals(xs.count).lazy.map { (s, e) in
                CheckCase.dotI8(Array(xs[..<s] + xs[e...]), Array(ys[..<s] + ys[e...]))
            })
        }
    }

    /// The ranges [start, end) to drop from a vector of n elements: halves first, then quarters, …,
    /// then single elements.
    static func chunkRemovals(_ n: Int) -> AnySequence<(Int, Int)> {
        AnySequence { () -> AnyIterator<(Int, Int)> in
            var chunk = n / 2, start = 0
            return AnyIterator {
                while chunk >= 1 {
                    if start < n {
                        let end = min(start + chunk, n)
                        defer { start = end }
                        return (start, end)
                    }
                    chunk /= 2
                    start = 0
                }
                return nil
            }
        }
    }

    /// Codes of smaller magnitude or without the sign, of the same class (a finite code shrinks to
    /// finite codes only, so shrinking keeps the kind of failure).
    func simplerCodes(_ code: Int, _ f: Format) -> [Int] {
        let finite = f.value(ofCode: code).isFinite
        var out: [Int] = []
        let signBit = f.isSigned && f.floatLayout != nil ? f.floatLayout!.signBit : 0
        if signBit != 0 && code & signBit != 0 { out.append(code & ~signBit) }
        let mag = signBit != 0 ? code & ~signBit : code
        if mag > 1 { out.append((code & signBit) | mag / 2) }
        if mag > 0 { out.append((code & signBit) | (mag - 1)) }
        return out.filter { f.contains(code: $0) && f.value(ofCode: $0).isFinite == finite }
    }
}

extension Sequence {
    /// This sequence, then `other`, lazily.
    func concatenated<S: Sequence>(with other: S) -> AnySequence<Element> where S.Element == Element {
        AnySequence { () -> AnyIterator<Element> in
            var first = self.makeIterator()
            var second = other.makeIterator()
            var inFirst = true
            return AnyIterator {
                if inFirst {
                    if let x = first.next() { return x }
                    inFirst = false
                }
                return second.next()
            }
        }
    }
}

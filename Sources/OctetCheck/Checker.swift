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

/// A kernel defect found in the run, with the case that triggers it (isolated by bisection when
/// the batch was one call).
public struct DefectReport: Sendable {
    public let defect: KernelDefect
    public let generator: String
    public let index: Int?
    public let input: CheckCase?
    public init(defect: KernelDefect, generator: String, index: Int?, input: CheckCase?) {
        self.defect = defect
        self.generator = generator
        self.index = index
        self.input = input
    }
}

/// The first mismatch of a signature, enough to shrink it again: its batch and position.
public struct FailureExample: Sendable {
    public let generator: String
    /// The generator's position in the operation's list, so examples order the same in every shard.
    public let generatorPosition: Int
    public let index: Int
    public let batch: [CheckCase]
    public let position: Int
    public let observed: CheckResult
    public let expected: CheckResult
    public var input: CheckCase { batch[position] }
}

/// All mismatches that fit exactly the same set of explanations.
public struct SignatureTally: Sendable {
    public let hypotheses: [Hypothesis]
    public var count: Int
    public var example: FailureExample
}

/// A class of mismatches: the explanation chosen for them, how many, and a shrunk example.
public struct FailureClass: Sendable {
    public let hypothesis: Hypothesis
    public let count: Int
    /// Other explanations that fit every case of the class as well.
    public let also: [Hypothesis]
    public let example: Counterexample
}

/// The outcome of a run.
public struct CheckReport: Sendable {
    public let title: String
    public let seed: UInt64
    public let shard: Shard
    public var budget: Int
    public var counts: [(name: String, cases: Int)]
    public var generatorFailures: [String: Int] = [:]
    public var passed: Int
    public var failed: Int
    /// Cases where the reference has no defined result (NaN into a format without NaN).
    public var undefined = 0
    public var signatures: [SignatureTally] = []
    public var classes: [FailureClass] = []
    public var defect: DefectReport?
    /// True when --max-failures stopped the run before the end of the budget.
    public var stoppedEarly = false

    public init(title: String, seed: UInt64, shard: Shard, budget: Int, counts: [(name: String, cases: Int)] = [], passed: Int = 0, failed: Int = 0) {
        self.title = title
        self.seed = seed
        self.shard = shard
        self.budget = budget
        self.counts = counts
        self.passed = passed
        self.failed = failed
    }

    /// pass, mismatch, or the defect's status.
    public var status: String { defect?.defect.status ?? (failed > 0 ? "mismatch" : "pass") }
    /// The first class's example: the counterexample to look at first.
    public var counterexample: Counterexample? { classes.first?.example }

    /// Generators that ran no case, which makes the run a failure: a generator that never runs
    /// tests nothing.
    public var idleGenerators: [String] { counts.filter { $0.cases == 0 }.map(\.name) }
}

/// Groups signatures into classes by greedy set cover: the explanation that fits the most
/// mismatches not yet covered becomes a class, until every mismatch has one. It depends only on
/// the summed counts, so shards merged give the classes of the whole run.
public enum ClassCover {
    /// Each class: its explanation, its count, the signatures it covers, and the other
    /// explanations that fit every one of its cases too (ambiguities the user should see).
    public static func cover(_ signatures: [(hypotheses: [Hypothesis], count: Int)]) -> [(hypothesis: Hypothesis, count: Int, members: [Int], also: [Hypothesis])] {
        var open = Set(signatures.indices.filter { signatures[$0].count > 0 })
        var out: [(Hypothesis, Int, [Int], [Hypothesis])] = []
        while !open.isEmpty {
            var score: [Hypothesis: Int] = [:]
            for i in open { for h in signatures[i].hypotheses { score[h, default: 0] += signatures[i].count } }
            guard let best = score.max(by: { $0.value != $1.value ? $0.value < $1.value : $1.key < $0.key }) else { break }
            let members = open.filter { signatures[$0].hypotheses.contains(best.key) }.sorted()
            var also = Set(signatures[members[0]].hypotheses)
            for m in members { also.formIntersection(signatures[m].hypotheses) }
            also.remove(best.key)
            out.append((best.key, best.value, members, also.sorted()))
            open.subtract(members)
        }
        return out
    }
}

public struct Checker {
    public let spec: OctetOperation
    public let runner: KernelRunner
    public var batchSize = 4096
    /// Elements per dot batch (the shared region holds 64 MiB).
    public var dotElements = 1 << 20
    /// How many fresh calls confirm a failing batch's answers.
    public var reruns = 3

    public init(spec: OctetOperation, kernel: KernelUnderTest) {
        self.spec = spec
        self.runner = InProcessRunner(kernel)
    }

    public init(spec: OctetOperation, runner: KernelRunner) {
        self.spec = spec
        self.runner = runner
    }

    var batched: Bool { spec.kind == .convert || spec.kind == .mul }

    /// Splits the indices into batches: at most `batchSize` (convert, mul; at least three
    /// batches per generator when it has three cases, so every generator meets several buffer
    /// placements) or `dotElements` elements and 256 calls (dots).
    func batches(_ g: CaseGenerator, _ indices: [Int]) -> [[Int]] {
        if batched {
            let size = max(1, min(batchSize, (indices.count + 2) / 3))
            return stride(from: 0, to: indices.count, by: size).map { Array(indices[$0 ..< min($0 + size, indices.count)]) }
        }
        var out: [[Int]] = [], cur: [Int] = [], elems = 0
        for i in indices {
            let n: Int
            switch g.caseAt(i) { case .dot(let a, _): n = a.count; case .dotI8(let a, _): n = a.count; default: n = 1 }
            if !cur.isEmpty && (elems + n > dotElements || cur.count >= 256) { out.append(cur); cur = []; elems = 0 }
            cur.append(i)
            elems += n
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    /// Runs every generator's cases in the shard, reports every mismatch grouped into classes
    /// (or stops after `maxFailures`), and stops at the first kernel defect.
    /// `progress(done, total)` is called now and then.
    public func run(budget: Int, seed: UInt64, shard: Shard = .whole, maxFailures: Int? = nil,
                    progress: ((Int, Int) -> Void)? = nil) -> CheckReport {
        let gens = Generators.all(for: spec, budget: budget, seed: seed)
        let total = gens.reduce(0) { $0 + $1.count } / shard.count
        var report = CheckReport(title: spec.title, seed: seed, shard: shard, budget: budget)
        var tallies: [[Hypothesis]: SignatureTally] = [:]
        var order: [[Hypothesis]] = []
        var offset = 0, done = 0, placement = -1
        var stop = false
        for (gi, g) in gens.enumerated() {
            var executed = 0
            if stop { report.counts.append((g.name, 0)); offset += g.count; continue }
            let indices = (0 ..< g.count).filter { shard.contains(offset + $0) }
            batchLoop: for batch in batches(g, indices) {
                let cases = batch.map(g.caseAt)
                placement += 1
                switch runner.run(cases, placement: placement) {
                case .defect(let d, let pos):
                    let (p, d2) = pos.map { ($0, d) } ?? isolate(cases, placement: placement, defect: d)
                    report.defect = DefectReport(defect: d2, generator: g.name, index: batch[p], input: cases[p])
                    stop = true
                    break batchLoop
                case .results(let observed):
                    var failing: [Int] = []
                    for k in cases.indices {
                        let e = spec.expected(cases[k])
                        if case .undefined = e { report.undefined += 1; continue }
                        if spec.matches(observed[k], e) { report.passed += 1 } else { failing.append(k) }
                    }
                    executed += cases.count
                    done += cases.count
                    if !failing.isEmpty {
                        if let (k, d) = confirm(cases, observed, placement: placement) {
                            report.defect = DefectReport(defect: d, generator: g.name, index: batch[k], input: cases[k])
                            stop = true
                            break batchLoop
                        }
                        for k in failing {
                            let e = spec.expected(cases[k])
                            let hs = Array(Set(Classifier.explain(spec, cases[k], observed: observed[k], expected: e))).sorted()
                            if tallies[hs] == nil {
                                order.append(hs)
                                tallies[hs] = SignatureTally(hypotheses: hs, count: 0,
                                                             example: FailureExample(generator: g.name, generatorPosition: gi, index: batch[k], batch: cases, position: k, observed: observed[k], expected: e))
                            }
                            tallies[hs]!.count += 1
                            report.failed += 1
                            report.generatorFailures[g.name, default: 0] += 1
                            if let m = maxFailures, report.failed >= m {
                                report.stoppedEarly = true
                                stop = true
                                break batchLoop
                            }
                        }
                    }
                    progress?(done, total)
                }
            }
            report.counts.append((g.name, executed))
            offset += g.count
        }
        report.signatures = order.map { tallies[$0]! }
        classify(&report)
        return report
    }

    /// Reruns a batch with mismatches `reruns` times, in fresh batches at other placements; the
    /// first case whose answers differ is nondeterministic (a defect found on the way is returned
    /// as it is).
    func confirm(_ cases: [CheckCase], _ observed: [CheckResult], placement: Int) -> (Int, KernelDefect)? {
        for j in 1 ... max(reruns, 1) {
            switch runner.run(cases, placement: placement + j) {
            case .defect(let d, let pos):
                let (p, d2) = pos.map { ($0, d) } ?? isolate(cases, placement: placement + j, defect: d)
                return (p, d2)
            case .results(let again):
                if let k = cases.indices.first(where: { again[$0] != observed[$0] }) {
                    return (k, .nondeterministic(answers: [CheckText.describe(observed[k], spec), CheckText.describe(again[k], spec)]))
                }
            }
        }
        return nil
    }

    /// Bisects a batch that ended in a defect to the case that triggers it: the first half that
    /// still fails, down to one case (or the first of the smallest range that needs all of its
    /// cases).
    func isolate(_ cases: [CheckCase], placement: Int, defect: KernelDefect) -> (Int, KernelDefect) {
        var lo = 0, hi = cases.count, d = defect
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if case .defect(let d1, _) = runner.run(Array(cases[lo ..< mid]), placement: placement) { hi = mid; d = d1; continue }
            if case .defect(let d2, _) = runner.run(Array(cases[mid ..< hi]), placement: placement) { lo = mid; d = d2; continue }
            break
        }
        return (lo, d)
    }

    /// Classes by greedy cover, each with its first example shrunk (keeping its explanation) and
    /// checked to reproduce in a fresh worker.
    func classify(_ report: inout CheckReport) {
        let cover = ClassCover.cover(report.signatures.map { ($0.hypotheses, $0.count) })
        for c in cover {
            let ex = c.members.map { report.signatures[$0].example }.min { ($0.generatorPosition, $0.index) < ($1.generatorPosition, $1.index) }!
            let ce = shrink(ex, keeping: c.hypothesis)
            report.classes.append(FailureClass(hypothesis: c.hypothesis, count: c.count, also: c.also, example: ce))
        }
        guard report.defect == nil, let first = report.classes.first?.example else { return }
        // The reproduce line must reproduce: the shrunk case, in a fresh process.
        let fresh = runner.fresh()
        if case .results(let again) = fresh.run([first.shrunk], placement: 0), again[0] != first.observed,
           case .results(let again2) = fresh.run([first.shrunk], placement: 1), again2[0] != first.observed {
            report.defect = DefectReport(defect: .nondeterministic(answers: [CheckText.describe(first.observed, spec), CheckText.describe(again[0], spec)]),
                                         generator: first.generator, index: first.index, input: first.shrunk)
        }
    }

    // MARK: Shrinking

    func fails(_ batch: [CheckCase], at k: Int) -> (CheckResult, CheckResult)? {
        guard case .results(let o) = runner.run(batch, placement: 0) else { return nil }
        let e = spec.expected(batch[k])
        if case .undefined = e { return nil }
        return spec.matches(o[k], e) ? nil : (o[k], e)
    }

    /// Reduces a failing case: shorter vectors, and codes or values closer to zero and one, as
    /// long as the mismatch keeps its explanation. Batched cases are shrunk in place inside their
    /// batch, so a fault that needs the SIMD body still shows.
    func shrink(_ ex: FailureExample, keeping h: Hypothesis) -> Counterexample {
        // Dots are one call per case: shrink the case alone. Batched cases stay in their batch.
        var current = batched ? ex.batch : [ex.input]
        let k = batched ? ex.position : 0
        var steps = 0
        var result = (ex.observed, ex.expected)
        var attempts = 0
        var work = 0   // elements the tries have cost: a try of a long vector costs a pass over it
        func attempt(_ candidate: CheckCase) -> Bool {
            attempts += 1
            work += Checker.length(candidate)
            var trial = current
            trial[k] = candidate
            if let r = fails(trial, at: k), Classifier.explain(spec, candidate, observed: r.0, expected: r.1, only: h).contains(h) {
                current = trial
                result = r
                steps += 1
                return true
            }
            return false
        }
        var improved = true
        // At most 500 simplifications, 3000 tries and tries over 4 Mi elements in all: removing
        // single elements from a long vector costs a reference dot per try (and the classifier's
        // passes over it), so a 65,536-term counterexample is shrunk for seconds, not minutes.
        func budgetLeft() -> Bool { attempts < 3000 && work < Checker.shrinkWork }
        while improved && steps < 500 && budgetLeft() {
            improved = false
            for c in candidates(current[k]) where budgetLeft() && attempt(c) {
                improved = true
                break
            }
        }
        return Counterexample(generator: ex.generator, index: ex.index, original: ex.input, shrunk: current[k],
                              observed: result.0, expected: result.1, shrinkSteps: steps)
    }

    static let shrinkWork = 1 << 22

    /// Elements of a case: what one try of it costs.
    static func length(_ c: CheckCase) -> Int {
        switch c {
        case .dot(let xs, _): return max(xs.count, 1)
        case .dotI8(let xs, _): return max(xs.count, 1)
        default: return 1
        }
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
            guard case .dot(let fa, let fb, _, _, _, _, _) = spec else { return AnySequence(dropped) }
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
        let signBit = f.floatLayout?.signBit ?? f.taperedLayout?.signBit ?? 0
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

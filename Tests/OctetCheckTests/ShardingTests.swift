import Foundation
import Octet
import OctetCheck
import PlantedKernels
import Testing

/// `--shard I/N`: the shards of a sweep are disjoint and their union is the whole sweep, for every
/// operation and N = 1…4. Two views: the case identities (generator, index) that `Shard` selects
/// from `Generators.all`, and the cases the checker actually hands a kernel in each shard.
enum ShardFixtures {
    static let e4m3fn = try! FormatRegistry.named("float8_e4m3fn")

    /// One spec per operation.
    static let specs: [String: OctetOperation] = [
        "convert": .convert(to: e4m3fn, rounding: .rne, overflow: .saturate),
        "mul": .mul(a: e4m3fn, b: e4m3fn, out: e4m3fn, rounding: .rne, overflow: .saturate),
        "dot": .dot(a: e4m3fn, b: e4m3fn, model: try! AccumulatorModel.parse("exact"), modelName: "exact"),
        "dot-i8": .dotI8,
    ]

    struct CaseID: Hashable, CustomStringConvertible {
        let generator: String
        let index: Int
        var description: String { "\(generator)#\(index)" }
    }

    /// The case identities of shard `shard` of the sweep: the global index runs over the
    /// generators in order, and the shard keeps the indices it contains.
    static func ids(_ gens: [CaseGenerator], _ shard: Shard) -> [CaseID] {
        var out: [CaseID] = []
        var offset = 0
        for g in gens {
            for i in 0 ..< g.count where shard.contains(offset + i) { out.append(CaseID(generator: g.name, index: i)) }
            offset += g.count
        }
        return out
    }
}

/// Records every case a kernel is called with, then computes the right answer with a correct
/// planted kernel. C function pointers cannot capture, so the record is global (the suite that
/// uses it is serialized).
enum Recorder {
    nonisolated(unsafe) static var cases: [CheckCase] = []
    static let lock = NSLock()
    static func add(_ c: CheckCase) {
        lock.lock()
        cases.append(c)
        lock.unlock()
    }
    static func take() -> [CheckCase] {
        lock.lock()
        defer { cases = []; lock.unlock() }
        return cases
    }

    static let convert: ConvertF32Kernel = { input, output, n in
        for i in 0 ..< n { Recorder.add(.convert(input![i].bitPattern)) }
        planted_convert_e4m3fn_correct(input, output, n)
    }
    static let mul: MulKernel = { a, b, output, n in
        for i in 0 ..< n { Recorder.add(.mul(Int(a![i]), Int(b![i]))) }
        planted_mul_e4m3fn_correct(a, b, output, n)
    }
    static let dot: DotF32Kernel = { a, b, n in
        Recorder.add(.dot((0 ..< n).map { Int(a![$0]) }, (0 ..< n).map { Int(b![$0]) }))
        return planted_dot_e4m3fn_exact(a, b, n)
    }
    static let dotI8: DotI8Kernel = { a, b, n in
        Recorder.add(.dotI8((0 ..< n).map { a![$0] }, (0 ..< n).map { b![$0] }))
        return planted_dot_i8_correct(a, b, n)
    }

    static func kernel(for op: String) -> KernelUnderTest {
        switch op {
        case "convert": return .convert(convert)
        case "mul": return .mul(mul)
        case "dot": return .dot(dot)
        default: return .dotI8(dotI8)
        }
    }
}

@Suite("Sharding: disjoint shards whose union is the sweep")
struct ShardIdentityTests {
    /// By case identity, at the default budget of each operation.
    @Test(arguments: ["convert", "mul", "dot", "dot-i8"])
    func shardsPartitionTheSweep(_ op: String) throws {
        let spec = ShardFixtures.specs[op]!
        let gens = Generators.all(for: spec, budget: Generators.defaultBudget(spec), seed: 1)
        let whole = ShardFixtures.ids(gens, .whole)
        let total = gens.reduce(0) { $0 + $1.count }
        #expect(whole.count == total)
        #expect(Set(whole).count == total, "case identities repeat")
        for n in 1 ... 4 {
            var seen = Set<ShardFixtures.CaseID>()
            var sizes: [Int] = []
            for i in 0 ..< n {
                let part = ShardFixtures.ids(gens, try Shard(index: i, count: n))
                let mine = Set(part)
                #expect(mine.count == part.count)
                #expect(seen.isDisjoint(with: mine), "\(op) \(i)/\(n) overlaps an earlier shard")
                seen.formUnion(mine)
                sizes.append(part.count)
            }
            #expect(seen == Set(whole), "\(op): the \(n) shards do not cover the sweep")
            // round robin: sizes differ by at most one
            #expect(sizes.max()! - sizes.min()! <= 1, "\(op) N=\(n): \(sizes)")
        }
    }

    /// A case is a pure function of (seed, generator, index): regenerating a shard's cases from
    /// fresh generators gives the same cases as the whole sweep.
    @Test(arguments: ["convert", "mul", "dot", "dot-i8"])
    func casesAreReproducible(_ op: String) throws {
        let spec = ShardFixtures.specs[op]!
        let budget = op == "convert" ? 20_000 : op == "mul" ? 70_000 : 200
        let a = Generators.all(for: spec, budget: budget, seed: 7), b = Generators.all(for: spec, budget: budget, seed: 7)
        #expect(a.map(\.name) == b.map(\.name))
        #expect(a.map(\.count) == b.map(\.count))
        let shard = try Shard(index: 2, count: 3)
        let byName = Dictionary(uniqueKeysWithValues: b.map { ($0.name, $0) })
        for id in ShardFixtures.ids(a, shard) {
            let g = a.first { $0.name == id.generator }!
            #expect(g.caseAt(id.index) == byName[id.generator]!.caseAt(id.index), "\(op): \(id)")
        }
        // and another seed changes the random cases
        let c = Generators.all(for: spec, budget: budget, seed: 8)
        if let g = a.first(where: { $0.name.hasPrefix("random") }), let h = c.first(where: { $0.name == g.name }), g.count > 3 {
            #expect((0 ..< 3).contains { g.caseAt($0) != h.caseAt($0) })
        }
    }

    @Test func shardParsing() throws {
        #expect(try Shard.parse("0/1") == .whole)
        #expect(try Shard.parse("3/4") == Shard(index: 3, count: 4))
        for bad in ["4/4", "-1/4", "0/0", "1", "a/b", "1/2/3", "", "/", "1/"] {
            #expect(throws: CheckError.self, "\(bad)") { try Shard.parse(bad) }
        }
    }
}

@Suite("Sharding through the checker: each shard's kernel calls and counts add up to the whole", .serialized)
struct ShardCheckerTests {
    static let budgets = ["convert": 6_000, "mul": 70_000, "dot": 30, "dot-i8": 120]

    @Test(arguments: ["convert", "mul", "dot", "dot-i8"])
    func shardRunsAddUp(_ op: String) throws {
        let spec = ShardFixtures.specs[op]!
        let budget = Self.budgets[op]!
        let gens = Generators.all(for: spec, budget: budget, seed: 1)
        let checker = Checker(spec: spec, kernel: Recorder.kernel(for: op))
        _ = Recorder.take()
        let whole = checker.run(budget: budget, seed: 1)
        let wholeCases = Recorder.take()
        #expect(whole.counterexample == nil)
        #expect(whole.idleGenerators.isEmpty)
        #expect(wholeCases.count == whole.passed)
        #expect(wholeCases == ShardFixtures.ids(gens, .whole).map { id in gens.first { $0.name == id.generator }!.caseAt(id.index) })
        let wholeCounts = Dictionary(uniqueKeysWithValues: whole.counts.map { ($0.name, $0.cases) })

        for n in 2 ... 4 {
            var counts: [String: Int] = [:]
            var passed = 0
            var union: [CheckCase] = []
            for i in 0 ..< n {
                let shard = try Shard(index: i, count: n)
                let r = checker.run(budget: budget, seed: 1, shard: shard)
                let called = Recorder.take()
                #expect(r.counterexample == nil)
                #expect(r.shard == shard)
                // exactly the cases of the shard's identities, in order
                let expected = ShardFixtures.ids(gens, shard).map { id in gens.first { $0.name == id.generator }!.caseAt(id.index) }
                #expect(called == expected, "\(op) \(shard): the kernel saw other cases than the shard's")
                for (name, k) in r.counts { counts[name, default: 0] += k }
                passed += r.passed
                union += called
            }
            #expect(counts == wholeCounts, "\(op) N=\(n)")
            #expect(passed == whole.passed)
            #expect(union.count == wholeCases.count)
            // the union is the whole sweep (as a multiset: generators may produce equal cases)
            var multiset: [CheckCase: Int] = [:]
            for c in wholeCases { multiset[c, default: 0] += 1 }
            for c in union { multiset[c, default: 0] -= 1 }
            #expect(multiset.values.allSatisfy { $0 == 0 }, "\(op) N=\(n): shards' cases differ from the whole")
        }
    }

    /// Shard JSON merges back into the whole (the library side of `octet merge`).
    @Test func mergeOfShardJSON() throws {
        let spec = ShardFixtures.specs["convert"]!
        let checker = Checker(spec: spec, kernel: .convert(planted_convert_e4m3fn_correct))
        let whole = checker.run(budget: 3_000, seed: 5)
        var merged = ShardMerge()
        var partial = ShardMerge()
        for i in 0 ..< 3 {
            let r = checker.run(budget: 3_000, seed: 5, shard: try Shard(index: i, count: 3))
            let json = CheckText.json(r, spec: spec)
            try merged.add(json)
            if i != 1 { try partial.add(json) }
        }
        #expect(merged.complete && merged.ok)
        #expect(merged.passed == whole.passed && merged.failed == 0)
        #expect(merged.generators.mapValues(\.cases) == Dictionary(uniqueKeysWithValues: whole.counts.map { ($0.name, $0.cases) }))
        #expect(merged.summary.contains("3 shard(s), complete"))
        #expect(!partial.complete && !partial.ok)
        #expect(partial.summary.contains("INCOMPLETE: shards [0, 2] of 3"))
        // the same shard twice, and shards of another operation or seed, are refused
        var twice = ShardMerge()
        let r0 = CheckText.json(checker.run(budget: 300, seed: 5, shard: try Shard(index: 0, count: 2)), spec: spec)
        try twice.add(r0)
        #expect(throws: ShardMerge.MergeError.self) { try twice.add(r0) }
        var other = ShardMerge()
        try other.add(r0)
        let otherSeed = CheckText.json(checker.run(budget: 300, seed: 6, shard: try Shard(index: 1, count: 2)), spec: spec)
        #expect(throws: ShardMerge.MergeError.self) { try other.add(otherSeed) }
        let dotI8 = CheckText.json(Checker(spec: .dotI8, kernel: .dotI8(planted_dot_i8_correct)).run(budget: 20, seed: 5, shard: try Shard(index: 1, count: 2)), spec: .dotI8)
        #expect(throws: ShardMerge.MergeError.self) { try other.add(dotI8) }
        #expect(throws: ShardMerge.MergeError.self) { try other.add("not json") }
    }
}

import Foundation

/// Sums `octet check --json` results of shards and checks that they cover one sweep.
public struct ShardMerge {
    public var operation: String?
    public var seed: Int?
    public var shards: [Int: Int] = [:]        // index → count N
    public var generators: [String: Int] = [:]
    public var order: [String] = []
    public var passed = 0
    public var failed = 0
    public var counterexamples: [String] = []

    public init() {}

    public struct MergeError: Error, CustomStringConvertible { public let description: String }

    public mutating func add(_ json: String) throws {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw MergeError(description: "not a JSON object")
        }
        guard let op = obj["operation"] as? String, let shard = obj["shard"] as? String,
              let p = obj["passed"] as? Int, let f = obj["failed"] as? Int, let gens = obj["generators"] as? [String: Any] else {
            throw MergeError(description: "missing keys (operation, shard, passed, failed, generators)")
        }
        if let o = operation, o != op { throw MergeError(description: "operation '\(op)' differs from '\(o)'") }
        operation = op
        let s = obj["seed"] as? Int
        if let s0 = seed, let s, s0 != s { throw MergeError(description: "seed \(s) differs from \(s0)") }
        seed = s ?? seed
        let parts = shard.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else { throw MergeError(description: "bad shard '\(shard)'") }
        if shards[i] != nil { throw MergeError(description: "shard \(shard) appears twice") }
        shards[i] = n
        for (k, v) in gens.sorted(by: { $0.key < $1.key }) {
            if generators[k] == nil { order.append(k) }
            generators[k, default: 0] += (v as? Int) ?? 0
        }
        passed += p
        failed += f
        if let ce = obj["counterexample"] as? [String: Any] {
            // in a fixed order (a dictionary's description has none)
            func text(_ key: String) -> String { ce[key].map { "\($0)" } ?? "?" }
            counterexamples.append("shard \(shard): counterexample from \(text("generator")) case \(text("case")): \(text("inputs")); observed \(text("observed")), expected \(text("expected"))")
        }
    }

    public var complete: Bool {
        guard let n = shards.values.first, shards.values.allSatisfy({ $0 == n }) else { return false }
        return Set(shards.keys) == Set(0 ..< n)
    }
    public var ok: Bool { complete && failed == 0 }

    public var summary: String {
        var s = "\(operation ?? "?") — \(shards.count) shard(s)\(complete ? ", complete" : ", INCOMPLETE: shards \(shards.keys.sorted()) of \(shards.values.first ?? 0)")\n"
        for k in order { s += "  \(k): \(generators[k]!) cases\n" }
        for c in counterexamples { s += "  \(c)\n" }
        s += "\(passed) passed, \(failed) failed"
        return s
    }
}

import Foundation

/// Sums `octet check --json` results of shards, checks that they cover one sweep, and classifies
/// the mismatches of all shards together: signatures are summed and the classes recomputed by the
/// same greedy cover, so the classes and counts do not depend on how the sweep was split.
public struct ShardMerge {
    public var operation: String?
    public var seed: Int?
    public var shards: [Int: Int] = [:]        // index → count N
    public var generators: [String: (cases: Int, failed: Int)] = [:]
    public var order: [String] = []
    public var passed = 0
    public var failed = 0
    public var undefined = 0
    /// Shard statuses other than pass and mismatch (kernel defects), with their description.
    public var defects: [String] = []
    public var statuses: Set<String> = []
    var signatures: [[Hypothesis]: (count: Int, example: [String: Any], key: (Int, Int))] = [:]
    var signatureOrder: [[Hypothesis]] = []

    public init() {}

    public struct MergeError: Error, CustomStringConvertible { public let description: String }

    public mutating func add(_ json: String) throws {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw MergeError(description: "not a JSON object")
        }
        guard let op = obj["operation"] as? String, let shard = obj["shard"] as? String, let status = obj["status"] as? String,
              let p = obj["passed"] as? Int, let f = obj["failed"] as? Int, let gens = obj["generators"] as? [[String: Any]] else {
            throw MergeError(description: "missing keys (status, operation, shard, passed, failed, generators)")
        }
        if let o = operation, o != op { throw MergeError(description: "operation '\(op)' differs from '\(o)'") }
        let s = obj["seed"] as? Int
        if let s0 = seed, let s, s0 != s { throw MergeError(description: "seed \(s) differs from \(s0)") }
        let parts = shard.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else { throw MergeError(description: "bad shard '\(shard)'") }
        if shards[i] != nil { throw MergeError(description: "shard \(shard) appears twice") }
        var newSignatures: [([Hypothesis], Int, [String: Any])] = []
        for sig in (obj["signatures"] as? [[String: Any]]) ?? [] {
            guard let hs = sig["hypotheses"] as? [String], let c = sig["count"] as? Int, let ex = sig["example"] as? [String: Any] else {
                throw MergeError(description: "shard \(shard): a signature lacks hypotheses, count or example")
            }
            let parsed = hs.compactMap(Hypothesis.init(parsing:))
            guard parsed.count == hs.count else { throw MergeError(description: "shard \(shard): unreadable hypothesis in \(hs)") }
            newSignatures.append((parsed.sorted(), c, ex))
        }
        operation = op
        seed = s ?? seed
        shards[i] = n
        statuses.insert(status)
        for g in gens {
            guard let name = g["name"] as? String, let c = g["cases"] as? Int else { throw MergeError(description: "shard \(shard): a generator lacks name or cases") }
            if generators[name] == nil { order.append(name); generators[name] = (0, 0) }
            generators[name]!.cases += c
            generators[name]!.failed += (g["failed"] as? Int) ?? 0
        }
        passed += p
        failed += f
        undefined += (obj["undefined"] as? Int) ?? 0
        if status != "pass" && status != "mismatch" {
            var text = "shard \(shard): \(status)"
            if let d = obj["defect"] as? String { text += ": \(d)" }
            if let c = obj["case"] as? [String: Any] { text += " (generator \(c["generator"] ?? "?"), case \(c["index"] ?? "?"), input \(c["input"] ?? "?"))" }
            defects.append(text)
        }
        for (hs, c, ex) in newSignatures {
            let key = ((ex["generator_position"] as? Int) ?? 0, (ex["index"] as? Int) ?? 0)
            if let old = signatures[hs] {
                signatures[hs] = (old.count + c, key < old.key ? ex : old.example, key < old.key ? key : old.key)
            } else {
                signatureOrder.append(hs)
                signatures[hs] = (c, ex, key)
            }
        }
    }

    public var complete: Bool {
        guard let n = shards.values.first, shards.values.allSatisfy({ $0 == n }) else { return false }
        return Set(shards.keys) == Set(0 ..< n)
    }
    public var ok: Bool { complete && failed == 0 && defects.isEmpty }

    /// The status of the merged run: a defect of any shard, else mismatch or pass.
    public var status: String {
        if let d = statuses.subtracting(["pass", "mismatch"]).sorted().first { return d }
        return failed > 0 ? "mismatch" : "pass"
    }

    /// The classes of all shards together: (explanation, count, example of the earliest case).
    public var classes: [(hypothesis: Hypothesis, count: Int, also: [Hypothesis], example: [String: Any])] {
        let list = signatureOrder.map { (hypotheses: $0, count: signatures[$0]!.count) }
        return ClassCover.cover(list).map { c in
            let ex = c.members.map { signatures[signatureOrder[$0]]! }.min { $0.key < $1.key }!.example
            return (c.hypothesis, c.count, c.also, ex)
        }
    }

    public var summary: String {
        var s = "\(operation ?? "?") — \(shards.count) shard(s)\(complete ? ", complete" : ", INCOMPLETE: shards \(shards.keys.sorted()) of \(shards.values.first ?? 0)"), status \(status)\n"
        for k in order {
            let g = generators[k]!
            s += "  \(k): \(g.cases) cases\(g.failed > 0 ? ", \(g.failed) failed" : "")\n"
        }
        for d in defects { s += "  \(d)\n" }
        for c in classes {
            s += "  class \(c.hypothesis.cls) (\(c.hypothesis.evidence)): \(c.count) cases; first: generator \(c.example["generator"] ?? "?") case \(c.example["index"] ?? "?"): \(c.example["inputs"] ?? "?"); observed \(c.example["observed"] ?? "?"), expected \(c.example["expected"] ?? "?")\n"
        }
        s += "\(passed) passed, \(failed) failed"
        if undefined > 0 { s += ", \(undefined) undefined" }
        return s
    }

    /// The merged run as one JSON object (the fields of `octet check --json` that add up).
    public var json: String {
        func q(_ s: String) -> String { CheckText.q(s) }
        var s = "{\"status\": \(q(status)), \"operation\": \(q(operation ?? "")), \"seed\": \(seed ?? 0), \"complete\": \(complete), "
        s += "\"shards\": \(shards.count), \"passed\": \(passed), \"failed\": \(failed), \"undefined\": \(undefined), "
        s += "\"generators\": [" + order.map { "{\"name\": \(q($0)), \"cases\": \(generators[$0]!.cases), \"failed\": \(generators[$0]!.failed)}" }.joined(separator: ", ") + "], "
        s += "\"classes\": [" + classes.map { c in
            let ex = ["generator", "input", "inputs", "observed", "expected"].map { "\(q($0)): \(q("\(c.example[$0] ?? "")"))" }.joined(separator: ", ")
            return "{\"class\": \(q(c.hypothesis.cls)), \"count\": \(c.count), \"evidence\": \(q(c.hypothesis.evidence)), \"also\": [\(c.also.map { q($0.description) }.joined(separator: ", "))], \"example\": {\(ex), \"index\": \((c.example["index"] as? Int) ?? 0)}}"
        }.joined(separator: ", ") + "], "
        s += "\"defects\": [" + defects.map(q).joined(separator: ", ") + "]}"
        return s
    }
}

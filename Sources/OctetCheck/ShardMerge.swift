import Foundation

/// Sums `octet check --json` results of shards, checks that they cover one sweep, and classifies
/// the mismatches of all shards together: signatures are summed and the classes recomputed by the
/// same greedy cover, so the classes and counts do not depend on how the sweep was split.
public struct ShardMerge {
    public var operation: String?
    public var seed: Int?
    public var budget: Int?
    /// The kernel's SHA-256 and symbol (the path may differ between machines).
    public var kernel: (sha256: String, symbol: String)?
    public var shards: [Int: Int] = [:]        // index → count N
    public var generators: [String: (cases: Int, failed: Int)] = [:]
    public var order: [String] = []
    public var passed = 0
    public var failed = 0
    public var undefined = 0
    /// Shard statuses other than pass and mismatch (kernel defects), with their description.
    public var defects: [String] = []
    /// Shards that stopped at --max-failures (they did not run all their cases).
    public var stoppedEarly: [String] = []
    public var statuses: Set<String> = []
    /// Whether every result must name its kernel (`octet merge`: results of `octet check --json`).
    public let requireKernel: Bool
    var fields: [String: String]?
    var signatures: [[Hypothesis]: (count: Int, example: [String: Any], key: (Int, Int))] = [:]
    var signatureOrder: [[Hypothesis]] = []

    public init(requireKernel: Bool = false) { self.requireKernel = requireKernel }

    public struct MergeError: Error, CustomStringConvertible { public let description: String }

    /// Adds one shard's `octet check --json` object. Refuses (changing nothing) a result that
    /// differs from those already added in operation, kernel, seed, budget or shard count, one
    /// whose counts are negative or do not add up, and one whose generators' case counts are not
    /// those the operation, budget and seed give its shard.
    public mutating func add(_ json: String) throws {
        func fail(_ s: String) -> MergeError { MergeError(description: s) }
        guard let obj = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw fail("not a JSON object")
        }
        func int(_ key: String, in o: [String: Any] = obj, _ what: String = "") throws -> Int {
            guard let v = o[key] as? Int else {
                throw fail("\(what)'\(key)' is missing or not an integer")
            }
            guard v >= 0 else { throw fail("\(what)'\(key)' is negative (\(v))") }
            return v
        }
        guard let op = obj["operation"] as? String, let shard = obj["shard"] as? String, let status = obj["status"] as? String,
              let gens = obj["generators"] as? [[String: Any]] else {
            throw fail("missing keys (status, operation, shard, generators)")
        }
        let p = try int("passed"), f = try int("failed"), u = try int("undefined"), s = try int("seed"), b = try int("budget")
        guard b >= 1 else { throw fail("budget 0") }
        if let o = operation, o != op { throw fail("operation '\(op)' differs from '\(o)'") }
        if let s0 = seed, s0 != s { throw fail("seed \(s) differs from \(s0)") }
        if let b0 = budget, b0 != b { throw fail("budget \(b) differs from \(b0)") }
        var k: (sha256: String, symbol: String)?
        if let kj = obj["kernel"] as? [String: Any] {
            guard let sha = kj["sha256"] as? String, sha.count == 64, sha.allSatisfy(\.isHexDigit), let sym = kj["symbol"] as? String, !sym.isEmpty else {
                throw fail("kernel lacks sha256 or symbol")
            }
            k = (sha, sym)
        } else if requireKernel {
            throw fail("no kernel {path, sha256, symbol} (not a result of `octet check --json`)")
        }
        if shards.isEmpty {
            // the first result fixes the kernel (or its absence)
        } else if let k0 = kernel, let k {
            if k0.sha256 != k.sha256 { throw fail("kernel library sha256 \(k.sha256.prefix(12))… differs from \(k0.sha256.prefix(12))… (shards of different libraries)") }
            if k0.symbol != k.symbol { throw fail("symbol '\(k.symbol)' differs from '\(k0.symbol)'") }
        } else if (kernel == nil) != (k == nil) {
            throw fail("one result names its kernel and another does not")
        }
        let parts = shard.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (0 ..< n).contains(i) else { throw fail("bad shard '\(shard)'") }
        if shards[i] != nil { throw fail("shard \(shard) appears twice") }
        if let n0 = shards.values.first, n0 != n { throw fail("shard \(shard) is of \(n) shards, others of \(n0)") }
        let stopped = (obj["stopped_early"] as? Bool) ?? false
        let defect = status != "pass" && status != "mismatch"
        guard ["pass", "mismatch", "crash", "timeout", "exited", "oob-write", "oob-read", "input-modified", "nondeterministic"].contains(status) else {
            throw fail("unknown status '\(status)'")
        }
        if defect != (obj["defect"] != nil) { throw fail("status '\(status)' \(defect ? "without" : "with") a defect") }

        // The operation's header fields name it exactly; its generators are recomputed from them.
        var opFields: [String: String]?
        var expectedCounts: [(String, Int)]?
        if let fj = obj["operation_fields"] as? [[String]] {
            guard fj.allSatisfy({ $0.count == 2 }) else { throw fail("operation_fields: pairs of strings expected") }
            let header = VectorHeader(fj.map { ($0[0], $0[1]) })
            let spec: OctetOperation
            do { spec = try OctetOperation(header: header) } catch { throw fail("operation_fields: \(error.message)") }
            guard spec.title == op else { throw fail("operation_fields name '\(spec.title)', not '\(op)'") }
            opFields = Dictionary(fj.map { ($0[0], $0[1]) }, uniquingKeysWith: { a, _ in a })
            let part = try Shard(index: i, count: n)
            var offset = 0
            expectedCounts = Generators.all(for: spec, budget: b, seed: UInt64(s)).map { g in
                var c = 0
                for j in 0 ..< g.count where part.contains(offset + j) { c += 1 }
                offset += g.count
                return (g.name, c)
            }
        } else if requireKernel {
            throw fail("no operation_fields (written by `octet check --json` since vector format 1 with case counts)")
        }
        if let f0 = fields, let opFields, f0 != opFields { throw fail("operation fields differ") }

        var parsedGens: [(String, Int, Int)] = []
        for (gi, g) in gens.enumerated() {
            guard let name = g["name"] as? String else { throw fail("generator \(gi + 1) has no name") }
            parsedGens.append((name, try int("cases", in: g, "generator \(name): "), try int("failed", in: g, "generator \(name): ")))
        }
        guard Set(parsedGens.map(\.0)).count == parsedGens.count else { throw fail("a generator appears twice") }
        if let expectedCounts {
            guard parsedGens.map(\.0) == expectedCounts.map(\.0) else {
                throw fail("generators \(parsedGens.map(\.0)) are not the operation's \(expectedCounts.map(\.0))")
            }
            for ((name, c, _), (_, e)) in zip(parsedGens, expectedCounts) {
                if stopped || defect ? c > e : c != e {
                    throw fail("generator \(name) ran \(c) cases, but budget \(b), seed \(s) give shard \(shard) \(e)")
                }
            }
        } else if parsedGens.isEmpty {
            throw fail("no generators")
        }
        let total = parsedGens.reduce(0) { $0 + $1.1 }, genFailed = parsedGens.reduce(0) { $0 + $1.2 }
        if genFailed != f { throw fail("'failed' is \(f) but the generators' failures add up to \(genFailed)") }
        for (name, c, fl) in parsedGens where fl > c { throw fail("generator \(name): \(fl) failures in \(c) cases") }
        if !stopped && !defect && p + f + u != total {
            throw fail("passed \(p) + failed \(f) + undefined \(u) = \(p + f + u), but the generators ran \(total) cases")
        }
        if stopped || defect, p + f + u > total { throw fail("passed + failed + undefined = \(p + f + u) exceeds the \(total) cases run") }
        if status == "pass" && (f > 0 || stopped) { throw fail("status pass with \(f) failed") }
        if status == "mismatch" && f == 0 { throw fail("status mismatch with 0 failed") }
        if f == 0 && obj["counterexample"] != nil { throw fail("a counterexample with 0 failed") }
        if f > 0 && obj["counterexample"] == nil { throw fail("\(f) failed but no counterexample") }

        var newSignatures: [([Hypothesis], Int, [String: Any])] = []
        for sig in (obj["signatures"] as? [[String: Any]]) ?? [] {
            guard let hs = sig["hypotheses"] as? [String], let ex = sig["example"] as? [String: Any] else {
                throw fail("a signature lacks hypotheses, count or example")
            }
            let c = try int("count", in: sig, "signature: ")
            let parsed = hs.compactMap(Hypothesis.init(parsing:))
            guard parsed.count == hs.count else { throw fail("unreadable hypothesis in \(hs)") }
            newSignatures.append((parsed.sorted(), c, ex))
        }
        let sigTotal = newSignatures.reduce(0) { $0 + $1.1 }
        if sigTotal != f { throw fail("signature counts add up to \(sigTotal), but 'failed' is \(f)") }

        // Everything checked: take it.
        operation = op
        seed = s
        budget = b
        if shards.isEmpty { kernel = k }
        fields = opFields ?? fields
        shards[i] = n
        statuses.insert(status)
        for (name, c, fl) in parsedGens {
            if generators[name] == nil { order.append(name); generators[name] = (0, 0) }
            generators[name]!.cases += c
            generators[name]!.failed += fl
        }
        passed += p
        failed += f
        undefined += u
        if stopped { stoppedEarly.append(shard) }
        if defect {
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
    public var ok: Bool { complete && failed == 0 && defects.isEmpty && stoppedEarly.isEmpty }

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
        for st in stoppedEarly { s += "  shard \(st) stopped early (--max-failures): its cases were not all run\n" }
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

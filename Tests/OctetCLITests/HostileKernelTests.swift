import Foundation
import OctetTestSupport
import Testing

/// Kernels that attack the checker (Tests/HostileKernels): each ends in its own status, names the
/// input that triggers it, and the checker itself exits normally (1) with one JSON object.
@Suite("Hostile kernels: the checker survives and names the defect", .serialized)
struct HostileKernelTests {
    static let source = CheckCLI.root.appendingPathComponent("Tests/HostileKernels/hostile.c").path
    static let constructorSource = CheckCLI.root.appendingPathComponent("Tests/HostileKernels/hostile_constructor.c").path
    static let dir = try! CheckCLI.tempDir()
    static let lib = try! CheckCLI.compile(source, into: dir, name: "hostile")
    static let trigger = "3FC00000"

    static func check(_ symbol: String, _ extra: [String] = [], op: [String] = ["--op", "convert", "--to", "float8_e4m3fn"]) throws -> (OctetRun, [String: Any]) {
        let r = try CheckCLI.check(["--kernel", lib, "--symbol", symbol] + op + ["--budget", "20000", "--json"] + extra)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return (r, try #require(obj, "\(symbol): stdout is not one JSON object: \(r.stdout.prefix(300)) stderr: \(r.stderr.prefix(300))"))
    }

    static func caseInput(_ obj: [String: Any]) -> String? { (obj["case"] as? [String: Any])?["input"] as? String }

    @Test(arguments: [("hostile_segv", "crash", "signal 11"), ("hostile_abort", "crash", "signal 6"),
                      ("hostile_exit", "exited", "exit status 0"), ("hostile_mutate", "input-modified", "input")])
    func perInputDefects(_ symbol: String, _ status: String, _ text: String) throws {
        let (r, obj) = try Self.check(symbol)
        #expect(r.status == 1, "\(symbol): rc \(r.status)")
        #expect(obj["status"] as? String == status)
        #expect((obj["defect"] as? String ?? "").contains(text), "\(obj["defect"] ?? "")")
        #expect(Self.caseInput(obj) == Self.trigger, "\(symbol): \(obj["case"] ?? "no case")")
        #expect((obj["case"] as? [String: Any])?["generator"] as? String == "values")
        let kernel = obj["kernel"] as? [String: Any]
        #expect((kernel?["sha256"] as? String)?.count == 64)
        #expect(kernel?["symbol"] as? String == symbol)
    }

    @Test func endlessLoopTimesOut() throws {
        let start = Date()
        let (r, obj) = try Self.check("hostile_loop", ["--timeout", "1"])
        #expect(r.status == 1)
        #expect(obj["status"] as? String == "timeout")
        #expect(Self.caseInput(obj) == Self.trigger)
        #expect(Date().timeIntervalSince(start) < 60)
    }

    @Test(arguments: [("hostile_overwrite1", "oob-write", "wrote 1 byte(s) past the end"), ("hostile_overwrite64", "oob-write", "wrote 64 byte(s) past the end"),
                      ("hostile_overread1", "oob-read", "read input 1 byte(s) past its end"), ("hostile_overread64", "oob-read", "read input 64 byte(s) past its end"),
                      ("hostile_underread", "oob-read", "before its start")])
    func memoryDefects(_ symbol: String, _ status: String, _ text: String) throws {
        let (r, obj) = try Self.check(symbol)
        #expect(r.status == 1)
        #expect(obj["status"] as? String == status)
        #expect((obj["defect"] as? String ?? "").contains(text), "\(obj["defect"] ?? "")")
        // every call does it: bisection comes down to one case, which is named
        #expect(Self.caseInput(obj) != nil)
    }

    @Test func dotInputMutationNamesTheOriginalOperands() throws {
        let (r, obj) = try Self.check("hostile_dot_i8_mutate", op: ["--op", "dot-i8"])
        #expect(r.status == 1)
        #expect(obj["status"] as? String == "input-modified")
        // the parent's copy: the operands as generated, not as the kernel left them
        let input = try #require(Self.caseInput(obj))
        let parts = input.split(separator: " ")
        #expect(parts.count == 2)
        #expect(!(parts.first?.hasSuffix(",00") ?? true), "\(input)")
    }

    @Test func nondeterminismIsReported() throws {
        let (r, obj) = try Self.check("hostile_nondet")
        #expect(r.status == 1)
        #expect(obj["status"] as? String == "nondeterministic")
        #expect(Self.caseInput(obj) == Self.trigger)
        #expect((obj["answers"] as? [String])?.count == 2)
    }

    @Test func stdoutNoiseDoesNotReachTheReport() throws {
        let (r, obj) = try Self.check("hostile_noise")
        #expect(r.status == 0)
        #expect(obj["status"] as? String == "pass")
        #expect(!r.stdout.contains("\"noise\":") && !r.stderr.contains("kernel says hello"))
        #expect(r.stdout.split(separator: "\n").count == 1)
    }

    @Test func constructorThatExitsIsNotAPass() throws {
        let lib = try CheckCLI.compile(Self.constructorSource, into: Self.dir, name: "ctor")
        let r = try CheckCLI.check(["--kernel", lib] + CheckCLI.convertArgs + ["--json"])
        #expect(r.status == 1)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["status"] as? String == "exited")
        #expect(obj["case"] == nil)
        // unloadable stays a usage error
        let missing = try CheckCLI.check(["--kernel", lib, "--symbol", "nope", "--op", "convert", "--to", "float8_e4m3fn"])
        #expect(missing.status == 1)   // the constructor exits before dlsym: still exited
        let none = try CheckCLI.check(["--kernel", Self.dir.appendingPathComponent("absent.so").path] + CheckCLI.convertArgs)
        #expect(none.status == 2)
        let nosym = try CheckCLI.check(["--kernel", Self.lib, "--symbol", "nope", "--op", "convert", "--to", "float8_e4m3fn"])
        #expect(nosym.status == 2 && nosym.stderr.contains("no symbol 'nope'"))
    }

    /// Double rounding and overflow policy through the command line, whole and in three shards
    /// merged: the same classes with the same counts.
    @Test func classesThroughTheCommandLineAndMerge() throws {
        let base = ["--kernel", Self.lib, "--symbol", "hostile_via_binary16", "--op", "convert", "--to", "float8_e4m3fn", "--budget", "20000", "--json"]
        let whole = try CheckCLI.check(base)
        #expect(whole.status == 1)
        let w = try #require(try JSONSerialization.jsonObject(with: Data(whole.stdout.utf8)) as? [String: Any])
        let classes = try #require(w["classes"] as? [[String: Any]])
        #expect(classes.count == 1)
        #expect(classes.first?["class"] as? String == "double-rounding")
        #expect(classes.first?["evidence"] as? String == "via binary16")
        var files: [String] = []
        for i in 0 ..< 3 {
            let r = try CheckCLI.check(base + ["--shard", "\(i)/3"])
            let f = Self.dir.appendingPathComponent("shard\(i).json").path
            try r.stdout.write(toFile: f, atomically: true, encoding: .utf8)
            files.append(f)
        }
        let merged = try OctetBinary.run(["merge", "--json"] + files)
        #expect(merged.status == 1)
        let m = try #require(try JSONSerialization.jsonObject(with: Data(merged.stdout.utf8)) as? [String: Any])
        let mc = try #require(m["classes"] as? [[String: Any]])
        #expect(mc.map { "\($0["class"]!) \($0["evidence"]!) \($0["count"]!)" } == classes.map { "\($0["class"]!) \($0["evidence"]!) \($0["count"]!)" })
        #expect(m["failed"] as? Int == w["failed"] as? Int)

        let (_, nonsat) = try Self.check("hostile_nonsaturate")
        let nc = try #require(nonsat["classes"] as? [[String: Any]])
        #expect(nc.first?["class"] as? String == "overflow-policy")
        #expect(nc.first?["evidence"] as? String == "matches --overflow nonsaturate")
        #expect(nc.count == 1)
    }
}

import Foundation
import Octet
import OctetCheck
import OctetExact
import PlantedKernels
import Testing

/// `check` runs the whole budget and classifies every mismatch. The expected counts are derived
/// here without the classifier: from Swift's own binary16 conversion (IEEE rne in hardware or
/// compiler-rt) and from the overflow threshold of E4M3FN written down by hand.
@Suite("Classes: every mismatch counted and explained, independent of sharding", .serialized)
struct ClassificationTests {
    static let budget = 60_000
    static let spec = Planted.convertSat

    /// The cases of the sweep whose direct rounding differs from the rounding of their binary16
    /// rounding: what a double-rounding kernel gets wrong.
    static func doubleRoundingCount() -> Int {
        var n = 0
        for g in Generators.all(for: spec, budget: budget, seed: 1) {
            for i in 0 ..< g.count {
                guard case .convert(let u) = g.caseAt(i) else { continue }
                let x = Float(bitPattern: u)
                if x.isNaN { continue }
                let y = Float(Float16(x))
                if spec.expected(.convert(u)) != spec.expected(.convert(y.bitPattern)) { n += 1 }
            }
        }
        return n
    }

    @Test func doubleRoundingViaBinary16IsCountedExactly() throws {
        let report = Checker(spec: Self.spec, kernel: .convert(planted_convert_e4m3fn_via_binary16)).run(budget: Self.budget, seed: 1)
        let expected = Self.doubleRoundingCount()
        #expect(expected > 100)
        #expect(report.status == "mismatch")
        #expect(report.failed == expected)
        let c = try #require(report.classes.first)
        #expect(report.classes.count == 1, "\(report.classes.map { "\($0.hypothesis) \($0.count)" })")
        #expect(c.hypothesis == Hypothesis("double-rounding", "via binary16"))
        #expect(c.count == expected)
        // the shrunk example still double-rounds: its binary16 rounding changes the result
        guard case .convert(let u) = c.example.shrunk else { Issue.record("not a convert case"); return }
        #expect(Self.spec.expected(.convert(u)) != Self.spec.expected(.convert(Float(Float16(Float(bitPattern: u))).bitPattern)))
        #expect(report.passed + report.failed + report.undefined == Generators.all(for: Self.spec, budget: Self.budget, seed: 1).reduce(0) { $0 + $1.count })
    }

    @Test func classesDoNotDependOnSharding() throws {
        let checker = Checker(spec: Self.spec, kernel: .convert(planted_convert_e4m3fn_via_binary16))
        let whole = checker.run(budget: Self.budget, seed: 1)
        var merged = ShardMerge()
        var perShard: [[String]] = []
        for i in 0 ..< 3 {
            let r = checker.run(budget: Self.budget, seed: 1, shard: try Shard(index: i, count: 3))
            perShard.append(r.classes.map { "\($0.hypothesis) \($0.count)" })
            try merged.add(CheckText.json(r, spec: Self.spec))
        }
        #expect(merged.complete && merged.status == "mismatch")
        #expect(merged.failed == whole.failed)
        #expect(merged.classes.map { "\($0.hypothesis) \($0.count)" } == whole.classes.map { "\($0.hypothesis) \($0.count)" })
        // each shard's counts are a part of the whole's
        #expect(perShard.count == 3)
    }

    /// A kernel with OCP non-saturating overflow, checked as saturating: every input beyond the
    /// overflow threshold (|x| > 464, the tie at 464 rounding to even 448) and ±Inf is off, and
    /// the class names the policy the kernel follows.
    @Test func overflowPolicyIsNamed() throws {
        let report = Checker(spec: Self.spec, kernel: .convert(planted_convert_e4m3fn_nonsat_correct)).run(budget: Self.budget, seed: 1)
        var beyond = 0
        for g in Generators.all(for: Self.spec, budget: Self.budget, seed: 1) {
            for i in 0 ..< g.count {
                guard case .convert(let u) = g.caseAt(i) else { continue }
                let x = Float(bitPattern: u)
                if !x.isNaN && abs(x) > 464 { beyond += 1 }
            }
        }
        let c = try #require(report.classes.first)
        #expect(report.classes.count == 1, "\(report.classes.map { "\($0.hypothesis) \($0.count)" })")
        #expect(c.hypothesis == Hypothesis("overflow-policy", "matches --overflow nonsaturate"))
        #expect(c.count == beyond && report.failed == beyond)
    }

    /// The policy differences of real converters come out as their own classes, not as one
    /// first mismatch that hides the rest.
    @Test func signAndNaNClasses() throws {
        let negZero = Checker(spec: Self.spec, kernel: .convert(planted_convert_e4m3fn_lost_negative_zero)).run(budget: 20_000, seed: 1)
        #expect(negZero.classes.map(\.hypothesis.cls) == ["zero-sign"])
        let nan = Checker(spec: Self.spec, kernel: .convert(planted_convert_e4m3fn_nan_to_max)).run(budget: 20_000, seed: 1)
        #expect(nan.classes.allSatisfy { $0.hypothesis.cls == "other" || $0.hypothesis.cls == "profile" })
        // --max-failures stops early and says so
        let few = Checker(spec: Self.spec, kernel: .convert(planted_convert_e4m3fn_via_binary16)).run(budget: Self.budget, seed: 1, maxFailures: 5)
        #expect(few.failed == 5 && few.stoppedEarly)
    }

    /// A wide format's values print as powers of two.
    @Test func powersOfTwoPrintAsPowers() {
        #expect(CheckText.valueText(.number(Rational(BigInt(1), timesTwoToThe: -127))) == "2^-127")
        #expect(CheckText.valueText(.number(Rational(BigInt(-1), timesTwoToThe: 100))) == "-2^100")
        #expect(CheckText.valueText(.number(Rational(BigInt(1), timesTwoToThe: -3))) == "0.125")
    }
}

import Foundation
import Octet
import OctetCheck
import OctetExact
import OctetKernels
import PlantedKernels
import Testing

/// Kernels of the C ABI with a planted bug each (Tests/PlantedKernels/planted.c), and correct ones:
/// the checker, with the default budget and seed 1, must catch every bug and shrink it, and must
/// pass every correct kernel.
enum Planted {
    static let e4m3fn = try! FormatRegistry.named("float8_e4m3fn")
    static let e5m2 = try! FormatRegistry.named("float8_e5m2")

    static let convertSat = OctetOperation.convert(to: e4m3fn, rounding: .rne, overflow: .saturate)
    static let convertNonsat = OctetOperation.convert(to: e4m3fn, rounding: .rne, overflow: .nonsaturate)
    static let mulSat = OctetOperation.mul(a: e4m3fn, b: e4m3fn, out: e4m3fn, rounding: .rne, overflow: .saturate)
    static func dot(_ model: String) -> OctetOperation {
        .dot(a: e4m3fn, b: e4m3fn, model: try! AccumulatorModel.parse(model), modelName: model)
    }

    struct Entry: Sendable {
        let spec: OctetOperation
        let kernel: KernelUnderTest
        /// nil: the default budget of the operation.
        var budget: Int? = nil
    }

    /// Broken kernels, by name, with the spec they claim.
    static let broken: [String: Entry] = [
        "convert: ties away": Entry(spec: convertSat, kernel: .convert(planted_convert_e4m3fn_ties_away)),
        "convert: double rounding through binary16": Entry(spec: convertSat, kernel: .convert(planted_convert_e4m3fn_via_binary16)),
        "convert: flushed subnormals": Entry(spec: convertSat, kernel: .convert(planted_convert_e4m3fn_flush_subnormals)),
        "convert: NaN turned into max": Entry(spec: convertSat, kernel: .convert(planted_convert_e4m3fn_nan_to_max)),
        "convert: lost -0": Entry(spec: convertSat, kernel: .convert(planted_convert_e4m3fn_lost_negative_zero)),
        "convert: truncation in the subnormal range": Entry(spec: convertSat, kernel: .convert(planted_convert_e4m3fn_truncate_subnormals)),
        "convert nonsaturate: overflow from 456": Entry(spec: convertNonsat, kernel: .convert(planted_convert_e4m3fn_nonsat_overflow_at_456)),
        "convert nonsaturate: kernel saturates": Entry(spec: convertNonsat, kernel: .convert(octet_abi_convert_e4m3fn_rne_saturate)),
        "mul: flushed subnormals": Entry(spec: mulSat, kernel: .mul(planted_mul_e4m3fn_flush_subnormals)),
        "dot-i8: pair sums saturated to 16 bits": Entry(spec: .dotI8, kernel: .dotI8(planted_dot_i8_pair_saturate16)),
        "dot: claims fp32:sequential, uses 8 lanes": Entry(spec: dot("fp32:sequential"), kernel: .dot(planted_dot_e4m3fn_lanes8)),
        "dot: claims exact, accumulates in binary32": Entry(spec: dot("exact"), kernel: .dot(planted_dot_e4m3fn_f32_as_exact)),
        "dot: claims fp32:sequential, OctetKernels lanes32": Entry(spec: dot("fp32:sequential"), kernel: .dot(octet_abi_dot_e4m3fn_f32_lanes32)),
    ]

    /// Correct kernels: the library's own (OctetKernels through the ABI, default budgets) and the
    /// planted twins. The twins' dots run a tenth of the default budget (every generator still
    /// runs): in a debug build the reference dot costs tens of seconds per default-budget sweep.
    static let correct: [String: Entry] = [
        "octet_abi_convert_e4m3fn_rne_saturate": Entry(spec: convertSat, kernel: .convert(octet_abi_convert_e4m3fn_rne_saturate)),
        "octet_abi_convert_e4m3fn_rne_nonsaturate": Entry(spec: convertNonsat, kernel: .convert(octet_abi_convert_e4m3fn_rne_nonsaturate)),
        "octet_abi_convert_e5m2_rne_saturate": Entry(spec: .convert(to: e5m2, rounding: .rne, overflow: .saturate),
                                                     kernel: .convert(octet_abi_convert_e5m2_rne_saturate)),
        "octet_abi_dot_e4m3fn_f32_lanes32": Entry(spec: dot("fp32:lanes32"), kernel: .dot(octet_abi_dot_e4m3fn_f32_lanes32)),
        "octet_abi_dot_i8": Entry(spec: .dotI8, kernel: .dotI8(octet_abi_dot_i8)),
        "planted correct convert (saturate)": Entry(spec: convertSat, kernel: .convert(planted_convert_e4m3fn_correct)),
        "planted correct convert (nonsaturate)": Entry(spec: convertNonsat, kernel: .convert(planted_convert_e4m3fn_nonsat_correct)),
        "planted correct mul": Entry(spec: mulSat, kernel: .mul(planted_mul_e4m3fn_correct)),
        "planted correct fp32:sequential dot": Entry(spec: dot("fp32:sequential"), kernel: .dot(planted_dot_e4m3fn_sequential), budget: 200),
        "planted correct fp32:lanes8 dot": Entry(spec: dot("fp32:lanes8"), kernel: .dot(planted_dot_e4m3fn_lanes8), budget: 200),
        "planted correct exact dot": Entry(spec: dot("exact"), kernel: .dot(planted_dot_e4m3fn_exact), budget: 200),
        "planted correct dot-i8": Entry(spec: .dotI8, kernel: .dotI8(planted_dot_i8_correct), budget: 300),
    ]

    /// Stops at the first mismatch (--max-failures 1): these tests look at the first, shrunk
    /// counterexample; ClassificationTests run whole budgets.
    static func run(_ e: Entry) -> CheckReport {
        Checker(spec: e.spec, kernel: e.kernel).run(budget: e.budget ?? Generators.defaultBudget(e.spec), seed: 1, maxFailures: 1)
    }

    /// binary32 bits of a convert case.
    static func input(_ c: CheckCase) -> UInt32? {
        if case .convert(let u) = c { return u }
        return nil
    }

    static func length(_ c: CheckCase) -> Int? {
        switch c {
        case .dot(let xs, _): return xs.count
        case .dotI8(let xs, _): return xs.count
        default: return nil
        }
    }

    /// The shrunk case fails on its own too (every planted kernel is elementwise or one call per case).
    static func failsAlone(_ e: Entry, _ c: CheckCase) -> Bool {
        guard case .results(let r) = InProcessRunner(e.kernel).run([c], placement: 0) else { return true }
        return !e.spec.matches(r[0], e.spec.expected(c))
    }

    /// Significant bits of a binary32 input: what the convert shrinker reduces.
    static func complexity(_ c: CheckCase) -> Int {
        switch c {
        case .convert(let u): return (u & 0x7F_FFFF).nonzeroBitCount + Int(u >> 31)
        case .mul(let x, let y): return x + y
        case .dot(let xs, _): return xs.count
        case .dotI8(let xs, _): return xs.count
        }
    }
}

@Suite("Planted bugs: every broken kernel is caught with the default budget, and shrunk", .serialized)
struct PlantedBugTests {
    @Test(arguments: Planted.broken.keys.sorted())
    func caughtAndShrunk(_ name: String) throws {
        let e = Planted.broken[name]!
        let start = ContinuousClock.now
        let report = Planted.run(e)
        let ce = try #require(report.counterexample, "\(name): not caught")
        #expect(report.failed == 1)
        #expect(!e.spec.matches(ce.observed, ce.expected))
        #expect(Planted.failsAlone(e, ce.shrunk), "\(name): the shrunk case \(ce.shrunk) does not fail")
        #expect(Planted.complexity(ce.shrunk) <= Planted.complexity(ce.original))
        if let n = Planted.length(ce.shrunk) {
            // a dot counterexample is a short vector, whatever the length of the first failure
            #expect(n <= 8, "\(name): shrunk to \(n) pairs (from \(Planted.length(ce.original)!))")
        }
        let text = CheckText.render(report, spec: e.spec, command: "octet check …")
        #expect(text.hasPrefix("MISMATCH  "))
        #expect(text.contains("seed 1"))
        #expect(text.contains("observed  ") && text.contains("expected  "))
        #expect(text.contains("reproduce: octet check … --seed 1"))
        #expect(text.contains("1 failed"))
        let json = CheckText.json(report, spec: e.spec)
        #expect(json.contains("\"counterexample\""))
        print("[planted] \(name): \(ContinuousClock.now - start), caught by \(ce.generator) case \(ce.index), shrunk in \(ce.shrinkSteps) steps to \(ce.shrunk)")
    }

    /// What each bug's minimal counterexample looks like.
    @Test func counterexamplesPointAtTheBug() throws {
        func shrunk(_ name: String) throws -> Counterexample { try #require(Planted.run(Planted.broken[name]!).counterexample) }
        func value(_ c: CheckCase) -> Float { Float(bitPattern: Planted.input(c)!) }

        // ties away: the shrunk input is a tie (a midpoint of the format), rounded away from even
        let ties = try shrunk("convert: ties away")
        let tieText = CheckText.neighbours(ties.shrunk, Planted.convertSat) ?? ""
        #expect(tieText.contains("tie"), "\(tieText)")
        // NaN in, max out
        let nan = try shrunk("convert: NaN turned into max")
        #expect(value(nan.shrunk).isNaN)
        #expect(nan.observed == .code(0x7E) || nan.observed == .code(0xFE))
        // -0 lost: expected the negative zero code
        let negZero = try shrunk("convert: lost -0")
        #expect(negZero.expected == .code(0x80) && negZero.observed == .code(0x00))
        // subnormal bugs happen below 2^-6
        for name in ["convert: flushed subnormals", "convert: truncation in the subnormal range"] {
            let c = try shrunk(name)
            #expect(abs(value(c.shrunk)) < 0x1p-6, "\(name): \(value(c.shrunk))")
        }
        // overflow from 456: an input in (456, 464] that must give 448
        let ovf = try shrunk("convert nonsaturate: overflow from 456")
        #expect((456 ... 464).contains(abs(value(ovf.shrunk))), "\(value(ovf.shrunk))")
        #expect(ovf.expected == .code(0x7E) || ovf.expected == .code(0xFE))
        // double rounding: the input is not a tie itself, but its binary16 rounding is
        let dr = try shrunk("convert: double rounding through binary16")
        let x = value(dr.shrunk)
        #expect(Float(Float16(x)) != x)
        // int8 pair sums: two products of -128·-128 (or 127·127… cannot exceed 32767) overflow int16
        let i8 = try shrunk("dot-i8: pair sums saturated to 16 bits")
        guard case .dotI8(let xs, let ys) = i8.shrunk else { Issue.record("not a dot-i8 case"); return }
        #expect(xs.count == 2)
        #expect(zip(xs, ys).map { Int($0) * Int($1) }.reduce(0, +) > 32767)
        // the order bugs need at least three terms
        for name in ["dot: claims fp32:sequential, uses 8 lanes", "dot: claims exact, accumulates in binary32"] {
            let c = try shrunk(name)
            #expect((3 ... 8).contains(Planted.length(c.shrunk)!), "\(name): \(c.shrunk)")
        }
    }
}

@Suite("Correct kernels pass: no false alarm with the default budget")
struct CorrectKernelTests {
    @Test(arguments: Planted.correct.keys.sorted())
    func passes(_ name: String) {
        let e = Planted.correct[name]!
        let start = ContinuousClock.now
        let report = Planted.run(e)
        let total = Generators.all(for: e.spec, budget: e.budget ?? Generators.defaultBudget(e.spec), seed: 1).reduce(0) { $0 + $1.count }
        #expect(report.counterexample == nil, "\(name): \(report.counterexample == nil ? "" : CheckText.render(report, spec: e.spec, command: nil))")
        #expect(report.failed == 0)
        #expect(report.passed == total)
        #expect(report.idleGenerators.isEmpty, "\(name): idle generators \(report.idleGenerators)")
        #expect(report.counts.reduce(0) { $0 + $1.cases } == total)
        print("[correct] \(name): \(total) cases in \(ContinuousClock.now - start)")
    }
}

import Foundation
import Octet
import OctetExact

/// TestFloat-style text for reports: codes in hex with their exact values.
public enum CheckText {
    static let binary32 = try! FormatRegistry.named("binary32")

    public static func describe(_ c: CheckCase, _ spec: OctetOperation) -> [String] {
        switch (c, spec) {
        case (.convert(let u), _):
            return ["input     \(binary32.hex(Int(u)))  = \(IEEEBits.decode(UInt64(u), as: .binary32))"]
        case (.mul(let x, let y), .mul(let fa, let fb, _, _, _)):
            return ["a         \(fa.hex(x))  = \(valueText(fa.value(ofCode: x)))", "b         \(fb.hex(y))  = \(valueText(fb.value(ofCode: y)))"]
        case (.dot(let xs, let ys), .dot(let fa, let fb, _, _, _, _, _)):
            return ["n         \(xs.count)",
                    "a         " + xs.map { fa.hex($0) }.joined(separator: ","),
                    "          = " + xs.map { valueText(fa.value(ofCode: $0)) }.joined(separator: ", "),
                    "b         " + ys.map { fb.hex($0) }.joined(separator: ","),
                    "          = " + ys.map { valueText(fb.value(ofCode: $0)) }.joined(separator: ", ")]
        case (.dotI8(let xs, let ys), _):
            return ["n         \(xs.count)", "a         " + xs.map(String.init).joined(separator: ","), "b         " + ys.map(String.init).joined(separator: ",")]
        default:
            return ["\(c)"]
        }
    }

    public static func describe(_ r: CheckResult, _ spec: OctetOperation) -> String {
        switch r {
        case .code(let c):
            let f: Format
            switch spec {
            case .convert(_, let t, _, _, _): f = t
            case .mul(_, _, let out, _, _): f = out
            default: return "\(c)"
            }
            return "\(f.hex(c))  = \(valueText(f.value(ofCode: c)))"
        case .binary32(let b): return "\(binary32.hex(Int(b)))  = \(binary32.value(ofCode: Int(b)))"
        case .int32(let v): return "\(v)"
        case .undefined(let why): return "(none: \(why))"
        }
    }

    /// The exact result of the operation, its two neighbours in the result format, and whether it
    /// is a tie between them.
    public static func neighbours(_ c: CheckCase, _ spec: OctetOperation) -> String? {
        let exact: ExactValue
        let f: Format
        switch (c, spec) {
        case (.convert(let u), .convert(_, let t, _, _, _)):
            exact = IEEEBits.decode(UInt64(u), as: .binary32); f = t
        case (.mul(let x, let y), .mul(let fa, let fb, let out, _, _)):
            exact = ExactArithmetic.multiply(fa.operand(ofCode: x), fb.operand(ofCode: y)).exactValue; f = out
        case (.dot(let xs, let ys), .dot(let fa, let fb, _, _, _, _, _)):
            let ps = zip(xs, ys).map { ExactArithmetic.multiply(fa.operand(ofCode: $0), fb.operand(ofCode: $1)) }
            exact = ExactArithmetic.sum(ps).exactValue; f = binary32
        default: return nil
        }
        guard case .number(let r) = exact,
              let lo = try? f.encode(exact, rounding: .rdown, overflow: .saturate).code,
              let hi = try? f.encode(exact, rounding: .rup, overflow: .saturate).code else {
            return "exact     \(exact)"
        }
        let lv = f.value(ofCode: lo).rational, hv = f.value(ofCode: hi).rational
        var tie = false
        if let lv, let hv, lv != hv { tie = (lv + hv) == r.timesPowerOfTwo(1) }
        return "exact     \(valueText(exact))\nneighbours \(f.hex(lo)) = \(valueText(f.value(ofCode: lo))) and \(f.hex(hi)) = \(valueText(f.value(ofCode: hi)))\(tie ? "; the exact value is a tie" : "")"
    }

    /// A value as people read it: powers of two beyond 2^±20 as `2^k` (E8M0 spans 2^-127 … 2^127,
    /// whose decimals run to 120 digits), everything else exactly.
    public static func valueText(_ v: ExactValue) -> String {
        if case .number(let r) = v, let e = r.magnitude.exactLog2, e.magnitude > 20 { return (r.isNegative ? "-" : "") + "2^\(e)" }
        return v.description
    }

    /// The operands of a case as the fields of an `octet gen` line.
    public static func inputHex(_ c: CheckCase, _ spec: OctetOperation) -> String { spec.operandFields(c) }

    /// The identity of the kernel under test, for reports.
    public struct KernelIdentity: Sendable {
        public let path: String
        public let sha256: String
        public let symbol: String
        public init(path: String, sha256: String, symbol: String) { self.path = path; self.sha256 = sha256; self.symbol = symbol }
    }

    static func example(_ ce: Counterexample, _ spec: OctetOperation) -> [String] {
        var out = describe(ce.shrunk, spec)
        out.append("observed  \(describe(ce.observed, spec))")
        out.append("expected  \(describe(ce.expected, spec))")
        if let n = neighbours(ce.shrunk, spec) { out += n.split(separator: "\n").map(String.init) }
        return out
    }

    public static func render(_ report: CheckReport, spec: OctetOperation, command: String?) -> String {
        var out = ""
        if let d = report.defect {
            out += "\(d.defect.status.uppercased())  \(report.title)\n"
            out += "\(d.defect)\n"
            if let input = d.input {
                out += "generator \(d.generator), case \(d.index ?? 0), seed \(report.seed), shard \(report.shard)\n"
                for line in describe(input, spec) { out += line + "\n" }
                out += "fields    \(inputHex(input, spec))\n"
            } else {
                out += "(while loading the library, before any call)\n"
            }
            if let command { out += "reproduce: \(command) --seed \(report.seed)\n" }
        }
        if !report.classes.isEmpty {
            if report.defect == nil { out += "MISMATCH  \(report.title)\n" }
            out += "\(report.failed) case\(report.failed == 1 ? "" : "s") fail\(report.failed == 1 ? "s" : ""), in \(report.classes.count) class\(report.classes.count == 1 ? "" : "es")\(report.stoppedEarly ? " (stopped by --max-failures)" : ""):\n"
            for c in report.classes {
                out += "  \(c.hypothesis.cls.padding(16)) \(String(c.count).padding(8)) \(c.hypothesis.evidence)"
                out += c.also.isEmpty ? "\n" : " (also fits: \(c.also.map(\.description).joined(separator: "; ")))\n"
            }
            for c in report.classes {
                let ce = c.example
                out += "\n\(c.hypothesis.cls) (\(c.hypothesis.evidence)), first example: generator \(ce.generator), case \(ce.index), seed \(report.seed), shard \(report.shard)"
                out += ce.shrinkSteps > 0 ? " (shrunk in \(ce.shrinkSteps) steps)\n" : "\n"
                for line in example(ce, spec) { out += line + "\n" }
            }
            if report.defect == nil, let command { out += "reproduce: \(command) --seed \(report.seed)\n" }
        }
        for (name, n) in report.counts {
            let f = report.generatorFailures[name] ?? 0
            out += "  \(name.padding(18)) \(n) cases\(f > 0 ? ", \(f) failed" : "")\n"
        }
        out += "\(report.passed) passed, \(report.failed) failed"
        if report.undefined > 0 { out += ", \(report.undefined) without a defined result (undefined)" }
        out += "\n"
        return out
    }

    static func q(_ s: String) -> String {
        var o = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": o += "\\\""
            case "\\": o += "\\\\"
            case "\n": o += "\\n"
            case "\t": o += "\\t"
            default:
                if ch.value < 0x20 { o += String(format: "\\u%04x", ch.value) } else { o.unicodeScalars.append(ch) }
            }
        }
        return o + "\""
    }

    static func exampleJSON(_ ce: Counterexample, _ spec: OctetOperation, position: Int? = nil) -> String {
        var s = "{\"generator\": \(q(ce.generator)), \"index\": \(ce.index), "
        if let position { s += "\"generator_position\": \(position), " }
        s += "\"input\": \(q(inputHex(ce.shrunk, spec))), \"inputs\": \(q(describe(ce.shrunk, spec).joined(separator: "; "))), "
        s += "\"observed\": \(q(describe(ce.observed, spec))), \"expected\": \(q(describe(ce.expected, spec))), \"shrink_steps\": \(ce.shrinkSteps)}"
        return s
    }

    /// The JSON contract of `octet check --json` (Specs/vectors.md, "Checking a kernel").
    public static func json(_ report: CheckReport, spec: OctetOperation, kernel: KernelIdentity? = nil) -> String {
        var s = "{\"status\": \(q(report.status)), \"operation\": \(q(report.title)), "
        // The operation's vector-header fields: what `octet merge` rebuilds the generators from.
        s += "\"operation_fields\": [" + spec.headerFields.map { "[\(q($0.0)), \(q($0.1))]" }.joined(separator: ", ") + "], "
        if let k = kernel { s += "\"kernel\": {\"path\": \(q(k.path)), \"sha256\": \(q(k.sha256)), \"symbol\": \(q(k.symbol))}, " }
        s += "\"seed\": \(report.seed), \"budget\": \(report.budget), \"shard\": \(q(report.shard.description)), "
        s += "\"passed\": \(report.passed), \"failed\": \(report.failed), \"undefined\": \(report.undefined), "
        s += "\"stopped_early\": \(report.stoppedEarly), "
        s += "\"generators\": [" + report.counts.map { "{\"name\": \(q($0.name)), \"cases\": \($0.cases), \"failed\": \(report.generatorFailures[$0.name] ?? 0)}" }.joined(separator: ", ") + "], "
        s += "\"classes\": [" + report.classes.map {
            "{\"class\": \(q($0.hypothesis.cls)), \"count\": \($0.count), \"evidence\": \(q($0.hypothesis.evidence)), \"also\": [\($0.also.map { q($0.description) }.joined(separator: ", "))], \"example\": \(exampleJSON($0.example, spec))}"
        }.joined(separator: ", ") + "], "
        // Every signature with its count: what `octet merge` sums to classify shards as one run.
        s += "\"signatures\": [" + report.signatures.map { t in
            let ex = t.example
            let ce = Counterexample(generator: ex.generator, index: ex.index, original: ex.input, shrunk: ex.input, observed: ex.observed, expected: ex.expected, shrinkSteps: 0)
            return "{\"hypotheses\": [" + t.hypotheses.map { q($0.description) }.joined(separator: ", ") + "], \"count\": \(t.count), \"example\": \(exampleJSON(ce, spec, position: ex.generatorPosition))}"
        }.joined(separator: ", ") + "]"
        if let d = report.defect {
            s += ", \"defect\": \(q(d.defect.description))"
            if let input = d.input {
                s += ", \"case\": {\"generator\": \(q(d.generator)), \"index\": \(d.index ?? 0), \"input\": \(q(inputHex(input, spec))), \"inputs\": \(q(describe(input, spec).joined(separator: "; ")))}"
            }
            if case .nondeterministic(let answers) = d.defect { s += ", \"answers\": [" + answers.map(q).joined(separator: ", ") + "]" }
        }
        if let ce = report.counterexample {
            s += ", \"counterexample\": {\"generator\": \(q(ce.generator)), \"case\": \(ce.index), "
            s += "\"inputs\": \(q(describe(ce.shrunk, spec).joined(separator: "; "))), "
            s += "\"observed\": \(q(describe(ce.observed, spec))), \"expected\": \(q(describe(ce.expected, spec)))}"
        }
        return s + "}"
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}

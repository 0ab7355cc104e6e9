import Octet
import OctetExact

/// TestFloat-style text for reports: codes in hex with their exact values.
public enum CheckText {
    static let binary32 = try! FormatRegistry.named("binary32")

    public static func describe(_ c: CheckCase, _ spec: CheckSpec) -> [String] {
        switch (c, spec) {
        case (.convert(let u), _):
            return ["input     \(binary32.hex(Int(u)))  = \(IEEEBits.decode(UInt64(u), as: .binary32))"]
        case (.mul(let x, let y), .mul(let fa, let fb, _, _, _)):
            return ["a         \(fa.hex(x))  = \(fa.value(ofCode: x))", "b         \(fb.hex(y))  = \(fb.value(ofCode: y))"]
        case (.dot(let xs, let ys), .dot(let fa, let fb, _, _)):
            return ["n         \(xs.count)",
                    "a         " + xs.map { fa.hex($0) }.joined(separator: ","),
                    "          = " + xs.map { fa.value(ofCode: $0).description }.joined(separator: ", "),
                    "b         " + ys.map { fb.hex($0) }.joined(separator: ","),
                    "          = " + ys.map { fb.value(ofCode: $0).description }.joined(separator: ", ")]
        case (.dotI8(let xs, let ys), _):
            return ["n         \(xs.count)", "a         " + xs.map(String.init).joined(separator: ","), "b         " + ys.map(String.init).joined(separator: ",")]
        default:
            return ["\(c)"]
        }
    }

    public static func describe(_ r: CheckResult, _ spec: CheckSpec) -> String {
        switch r {
        case .code(let c):
            let f: Format
            switch spec {
            case .convert(let t, _, _): f = t
            case .mul(_, _, let out, _, _): f = out
            default: return "\(c)"
            }
            return "\(f.hex(c))  = \(f.value(ofCode: c))"
        case .binary32(let b): return "\(binary32.hex(Int(b)))  = \(binary32.value(ofCode: Int(b)))"
        case .int32(let v): return "\(v)"
        case .undefined(let why): return "(none: \(why))"
        }
    }

    /// The exact result of the operation, its two neighbours in the result format, and whether it
    /// is a tie between them.
    public static func neighbours(_ c: CheckCase, _ spec: CheckSpec) -> String? {
        let exact: ExactValue
        let f: Format
        switch (c, spec) {
        case (.convert(let u), .convert(let t, _, _)):
            exact = IEEEBits.decode(UInt64(u), as: .binary32); f = t
        case (.mul(let x, let y), .mul(let fa, let fb, let out, _, _)):
            exact = ExactArithmetic.multiply(fa.operand(ofCode: x), fb.operand(ofCode: y)).exactValue; f = out
        case (.dot(let xs, let ys), .dot(let fa, let fb, _, _)):
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
        return "exact     \(exact)\nneighbours \(f.hex(lo)) = \(f.value(ofCode: lo)) and \(f.hex(hi)) = \(f.value(ofCode: hi))\(tie ? "; the exact value is a tie" : "")"
    }

    public static func render(_ report: CheckReport, spec: CheckSpec, command: String?) -> String {
        var out = ""
        if let ce = report.counterexample {
            out += "MISMATCH  \(report.title)\n"
            out += "generator \(ce.generator), case \(ce.index), seed \(report.seed), shard \(report.shard)"
            out += ce.shrinkSteps > 0 ? " (shrunk in \(ce.shrinkSteps) steps)\n" : "\n"
            for line in describe(ce.shrunk, spec) { out += line + "\n" }
            out += "observed  \(describe(ce.observed, spec))\n"
            out += "expected  \(describe(ce.expected, spec))\n"
            if let n = neighbours(ce.shrunk, spec) { out += n + "\n" }
            if let command { out += "reproduce: \(command) --seed \(report.seed)\n" }
        }
        for (name, n) in report.counts { out += "  \(name.padding(18)) \(n) cases\n" }
        out += "\(report.passed) passed, \(report.failed) failed\n"
        return out
    }

    public static func json(_ report: CheckReport, spec: CheckSpec) -> String {
        func q(_ s: String) -> String {
            var o = "\""
            for ch in s.unicodeScalars {
                switch ch {
                case "\"": o += "\\\""
                case "\\": o += "\\\\"
                case "\n": o += "\\n"
                default: o.unicodeScalars.append(ch)
                }
            }
            return o + "\""
        }
        var s = "{\"operation\": \(q(report.title)), \"seed\": \(report.seed), \"shard\": \(q(report.shard.description)), "
        s += "\"generators\": {" + report.counts.map { "\(q($0.name)): \($0.cases)" }.joined(separator: ", ") + "}, "
        s += "\"passed\": \(report.passed), \"failed\": \(report.failed)"
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

import Octet
import OctetExact

/// The ABI functions of `octet_kernel.h` a kernel under test can be.
public enum CheckOperationKind: String, Sendable, CaseIterable {
    case convert, mul, dot
    case dotI8 = "dot-i8"
}

/// What a kernel or a vector file computes, in terms of the reference: the one model of an
/// operation that `octet check`, `gen`, `verify`, `vectors export` and `merge` share. Each case
/// knows its title, its vector header (and how to read one back), its operand fields, how the
/// reference evaluates it and which kernel ABI function (if any) computes it; a new operation is
/// a new case here.
public enum OctetOperation: Sendable {
    /// code → exact value (vector files only; no kernel ABI yet).
    case decode(Format)
    /// An IEEE input (`from`) → `to`, one code per input; sr takes `srBits` random bits per case.
    case convert(from: VectorSource, to: Format, rounding: RoundingMode, overflow: OverflowPolicy, srBits: Int?)
    /// round(a·b) into `out`.
    case mul(a: Format, b: Format, out: Format, rounding: RoundingMode, overflow: OverflowPolicy)
    /// Σ a_i·b_i under `model` (spelled `modelName`), then one rounding into `out`.
    case dot(a: Format, b: Format, model: AccumulatorModel, modelName: String, out: Format, rounding: RoundingMode, overflow: OverflowPolicy)
    /// Σ a_i·b_i of INT8 vectors, exact, as int32.
    case dotI8
    /// A vector (one tensor row) → its block scales and element codes (vector files only).
    case blockQuantize(BlockScheme)

    static let binary32 = try! FormatRegistry.named("binary32")
    static let int8 = try! FormatRegistry.named("int8")

    /// binary32 → `to`: the convert of the kernel ABI.
    public static func convert(to: Format, rounding: RoundingMode, overflow: OverflowPolicy) -> OctetOperation {
        .convert(from: .binary32, to: to, rounding: rounding, overflow: overflow, srBits: nil)
    }

    /// A dot returned as binary32 (rne, IEEE overflow): the dot of the kernel ABI.
    public static func dot(a: Format, b: Format, model: AccumulatorModel, modelName: String) -> OctetOperation {
        .dot(a: a, b: b, model: model, modelName: modelName, out: binary32, rounding: .rne, overflow: .ovfinf)
    }

    /// The kernel ABI function that computes this operation, or nil when none does (decode,
    /// conversions from other inputs or with sr, dots into other than binary32 rne).
    public var abiKind: CheckOperationKind? {
        switch self {
        case .decode, .blockQuantize: return nil
        case .convert(let src, _, let r, _, _): return src == .binary32 && r != .sr ? .convert : nil
        case .mul(let a, let b, let out, _, _): return a.bits <= 8 && b.bits <= 8 && out.bits <= 8 ? .mul : nil
        case .dot(_, _, _, _, let out, let r, let o): return out.name == "binary32" && r == .rne && o == .ovfinf ? .dot : nil
        case .dotI8: return .dotI8
        }
    }

    /// The ABI kind, for operations the checker runs (precondition: `abiKind` is not nil).
    public var kind: CheckOperationKind {
        guard let k = abiKind else { preconditionFailure("\(title) has no kernel ABI function") }
        return k
    }

    public var title: String {
        switch self {
        case .decode(let f): return "decode \(f.name)"
        case .convert(let src, let f, let r, let o, let n):
            return "convert \(src.rawValue) -> \(f.name), \(r.rawValue)\(n.map { " with \($0) random bits" } ?? ""), \(o.rawValue)"
        case .mul(let a, let b, let out, let r, let o): return "mul \(a.name) x \(b.name) -> \(out.name), \(r.rawValue), \(o.rawValue)"
        case .dot(let a, let b, _, let m, let out, let r, let o):
            let tail = r == .rne && o == .ovfinf ? "" : ", \(r.rawValue), \(o.rawValue)"
            return "dot \(a.name) x \(b.name), accumulator \(m), result \(out.name)\(tail)"
        case .dotI8: return "dot int8 x int8, exact int32"
        case .blockQuantize(let s): return "blocks quantize \(s.name)"
        }
    }

    // MARK: Vector files

    /// The header fields that name the operation (Specs/vectors.md §2); writers append
    /// `generator` and `columns`.
    public var headerFields: [(String, String)] {
        switch self {
        case .decode(let f): return [("operation", "decode"), ("format", f.name)]
        case .convert(let src, let f, let r, let o, let n):
            var fields = [("operation", "convert"), ("input", src.rawValue), ("output", f.name), ("rounding", r.rawValue), ("overflow", o.rawValue)]
            if let n { fields.append(("random-bits", "\(n)")) }
            return fields
        case .mul(let a, let b, let out, let r, let o):
            return [("operation", "mul"), ("a", a.name), ("b", b.name), ("output", out.name), ("rounding", r.rawValue), ("overflow", o.rawValue)]
        case .dot(let a, let b, _, let name, let out, let r, let o):
            return [("operation", "dot"), ("a", a.name), ("b", b.name), ("accumulator", name), ("output", out.name), ("rounding", r.rawValue), ("overflow", o.rawValue)]
        case .dotI8:
            return [("operation", "dot-i8"), ("a", "int8"), ("b", "int8"), ("output", "int32")]
        case .blockQuantize(let s):
            return [("operation", "blocks-quantize"), ("scheme", s.name)]
        }
    }

    /// Reads the operation back from a header; errors name the header line.
    public init(header: VectorHeader) throws(VectorError) {
        func need(_ key: String) throws(VectorError) -> String {
            guard let v = header[key] else { throw VectorError(line: 0, message: "header lacks '# \(key): …'") }
            return v
        }
        func format(_ key: String) throws(VectorError) -> Format {
            let name = try need(key)
            do { return try FormatRegistry.named(name) } catch { throw VectorError(line: 0, message: "header \(key): \(error.description)") }
        }
        func mode() throws(VectorError) -> RoundingMode {
            let v = header["rounding"] ?? "rne"
            guard let m = RoundingMode(rawValue: v) else { throw VectorError(line: 0, message: "header rounding: unknown mode '\(v)'") }
            return m
        }
        func policy(_ fallback: OverflowPolicy) throws(VectorError) -> OverflowPolicy {
            guard let v = header["overflow"] else { return fallback }
            guard let p = OverflowPolicy(rawValue: v) else { throw VectorError(line: 0, message: "header overflow: unknown policy '\(v)'") }
            return p
        }
        switch try need("operation") {
        case "decode":
            self = .decode(try format("format"))
        case "convert":
            let srcName = header["input"] ?? "binary32"
            guard let src = VectorSource(rawValue: srcName) else { throw VectorError(line: 0, message: "header input: unknown source '\(srcName)'") }
            let m = try mode()
            var n: Int?
            if m == .sr {
                guard let s = header["random-bits"], let k = Int(s), (1...64).contains(k) else {
                    throw VectorError(line: 0, message: "rounding sr needs '# random-bits: N' (1…64)")
                }
                n = k
            }
            self = .convert(from: src, to: try format("output"), rounding: m, overflow: try policy(.saturate), srBits: n)
        case "mul":
            self = .mul(a: try format("a"), b: try format("b"), out: try format("output"), rounding: try mode(), overflow: try policy(.saturate))
        case "dot":
            let name = try need("accumulator")
            let model: AccumulatorModel
            do { model = try AccumulatorModel.parse(name) } catch { throw VectorError(line: 0, message: "header accumulator: \(error.description)") }
            self = .dot(a: try format("a"), b: try format("b"), model: model, modelName: name, out: try format("output"), rounding: try mode(),
                        overflow: try policy(.ovfinf))
        case "blocks-quantize":
            let name = try need("scheme")
            do { self = .blockQuantize(try BlockSchemes.named(name)) } catch { throw VectorError(line: 0, message: "header scheme: \(error.description)") }
        case "dot-i8":
            guard header["a"] ?? "int8" == "int8", header["b"] ?? "int8" == "int8", header["output"] ?? "int32" == "int32" else {
                throw VectorError(line: 0, message: "dot-i8 takes int8 × int8 into int32")
            }
            self = .dotI8
        case let other:
            throw VectorError(line: 0, message: "unknown operation '\(other)' (decode, convert, mul, dot, dot-i8)")
        }
    }

    /// Operand fields before the result on each line.
    public var operandCount: Int {
        switch self {
        case .decode, .blockQuantize: return 1
        case .convert(_, _, let r, _, _): return r == .sr ? 2 : 1
        case .mul, .dot, .dotI8: return 2
        }
    }

    /// The operand fields of a case on a vector line, as `octet gen` prints them (hex without
    /// 0x): convert `INPUT`, mul `A B`, dot `A1,A2,… B1,B2,…` (dot-i8: two's-complement bytes).
    public func operandFields(_ c: CheckCase) -> String {
        func h(_ f: Format, _ x: Int) -> String { String(f.hex(x).dropFirst(2)) }
        func byte(_ x: Int8) -> String { let s = String(UInt8(bitPattern: x), radix: 16, uppercase: true); return s.count < 2 ? "0" + s : s }
        switch (self, c) {
        case (.convert(let src, _, _, _, _), .convert(let u)): return src.hex(UInt64(u))
        case (.mul(let a, let b, _, _, _), .mul(let x, let y)): return "\(h(a, x)) \(h(b, y))"
        case (.dot(let a, let b, _, _, _, _, _), .dot(let xs, let ys)):
            return xs.map { h(a, $0) }.joined(separator: ",") + " " + ys.map { h(b, $0) }.joined(separator: ",")
        case (_, .dotI8(let xs, let ys)): return xs.map(byte).joined(separator: ",") + " " + ys.map(byte).joined(separator: ",")
        default: preconditionFailure("case does not match the operation")
        }
    }

    // MARK: The reference

    /// The reference's result for one case of the checker.
    public func expected(_ c: CheckCase) -> CheckResult {
        switch (self, c) {
        case (.convert(let src, let f, let r, let o, _), .convert(let bits)):
            do { return .code(try f.encode(IEEEBits.decode(UInt64(bits), as: src.ieee), rounding: r, overflow: o).code) } catch {
                return .undefined(error.description)
            }
        case (.mul(let a, let b, let out, let r, let o), .mul(let x, let y)):
            do { return .code(try Operations.mul(x, a, y, b, into: out, rounding: r, overflow: o).code) } catch {
                return .undefined(error.description)
            }
        case (.dot(let a, let b, let model, _, let out, let r, let o), .dot(let xs, let ys)):
            do {
                let res = try Dot.compute(xs, a, ys, b, model: model, output: out, rounding: r, overflow: o)
                return out.name == "binary32" ? .binary32(UInt32(truncatingIfNeeded: res.output.code)) : .code(res.output.code)
            } catch {
                return .undefined(error.description)
            }
        case (.dotI8, .dotI8(let xs, let ys)):
            var s = 0
            for (x, y) in zip(xs, ys) { s += Int(x) * Int(y) }
            guard let v = Int32(exactly: s) else { return .undefined("the exact sum \(s) does not fit int32") }
            return .int32(v)
        default:
            preconditionFailure("case does not match the operation")
        }
    }

    /// Whether an observed result is the expected one. Bit-exact, except that any NaN matches any
    /// NaN for binary32 results (their payloads are not part of the reference). Undefined
    /// expected results are counted apart by the checker, never compared.
    public func matches(_ observed: CheckResult, _ expected: CheckResult) -> Bool {
        switch (observed, expected) {
        case (_, .undefined): return true
        case (.binary32(let o), .binary32(let e)):
            if o == e { return true }
            return (o & 0x7FFF_FFFF) > 0x7F80_0000 && (e & 0x7FFF_FFFF) > 0x7F80_0000
        default: return observed == expected
        }
    }
}

/// One test case: the operands of one call (a batch element for convert and mul).
public enum CheckCase: Sendable, Hashable {
    case convert(UInt32)
    case mul(Int, Int)
    case dot([Int], [Int])
    case dotI8([Int8], [Int8])
}

/// A kernel result: a code (convert, mul), binary32 bits (dot), or an int32 (dot-i8).
public enum CheckResult: Sendable, Hashable {
    case code(Int)
    case binary32(UInt32)
    case int32(Int32)
    /// The reference has no result (NaN into a format without NaN).
    case undefined(String)
}

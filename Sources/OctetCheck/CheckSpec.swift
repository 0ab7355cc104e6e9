import Octet
import OctetExact

public enum CheckOperationKind: String, Sendable, CaseIterable {
    case convert, mul, dot
    case dotI8 = "dot-i8"
}

/// What a kernel claims to compute, in terms of the reference.
public enum CheckSpec: Sendable {
    /// binary32 → `to`, one code per input.
    case convert(to: Format, rounding: RoundingMode, overflow: OverflowPolicy)
    /// out[i] = round(a[i]·b[i]) into `out`.
    case mul(a: Format, b: Format, out: Format, rounding: RoundingMode, overflow: OverflowPolicy)
    /// Σ a_i·b_i under `model`, returned as binary32 (rne for the final conversion).
    case dot(a: Format, b: Format, model: AccumulatorModel, modelName: String)
    /// Σ a_i·b_i of INT8 vectors, exact, as int32.
    case dotI8

    public var kind: CheckOperationKind {
        switch self {
        case .convert: return .convert
        case .mul: return .mul
        case .dot: return .dot
        case .dotI8: return .dotI8
        }
    }

    public var title: String {
        switch self {
        case .convert(let f, let r, let o): return "convert binary32 -> \(f.name), \(r.rawValue), \(o.rawValue)"
        case .mul(let a, let b, let out, let r, let o): return "mul \(a.name) x \(b.name) -> \(out.name), \(r.rawValue), \(o.rawValue)"
        case .dot(let a, let b, _, let m): return "dot \(a.name) x \(b.name), accumulator \(m), result binary32"
        case .dotI8: return "dot int8 x int8, exact int32"
        }
    }

    static let binary32 = try! FormatRegistry.named("binary32")
    static let int8 = try! FormatRegistry.named("int8")
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

extension CheckSpec {
    /// The reference's result for one case.
    public func expected(_ c: CheckCase) -> CheckResult {
        switch (self, c) {
        case (.convert(let f, let r, let o), .convert(let bits)):
            do { return .code(try f.encode(IEEEBits.decode(UInt64(bits), as: .binary32), rounding: r, overflow: o).code) } catch {
                return .undefined(error.description)
            }
        case (.mul(let a, let b, let out, let r, let o), .mul(let x, let y)):
            do { return .code(try Operations.mul(x, a, y, b, into: out, rounding: r, overflow: o).code) } catch {
                return .undefined(error.description)
            }
        case (.dot(let a, let b, let model, _), .dot(let xs, let ys)):
            do {
                let res = try Dot.compute(xs, a, ys, b, model: model, output: CheckSpec.binary32, rounding: .rne, overflow: .ovfinf)
                return .binary32(UInt32(truncatingIfNeeded: res.output.code))
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
    /// NaN for binary32 results (their payloads are not part of the reference).
    public func matches(_ observed: CheckResult, _ expected: CheckResult) -> Bool {
        switch (observed, expected) {
        case (_, .undefined): return true
        case (.binary32(let o), .binary32(let e)):
            if o == e { return true }
            return (o & 0x7FFF_FFFF) > 0x7F80_0000 && (e & 0x7FFF_FFFF) > 0x7F80_0000
        default: return observed == expected
        }
    }

    /// Runs the kernel on a batch of cases of the same kind (convert and mul in one call each;
    /// dot cases one call per case).
    public func run(_ kernel: KernelUnderTest, _ cases: [CheckCase]) -> [CheckResult] {
        switch kernel {
        case .convert(let fn):
            let inputs: [Float] = cases.map { if case .convert(let b) = $0 { return Float(bitPattern: b) } else { return 0 } }
            var out = [UInt8](repeating: 0, count: inputs.count)
            inputs.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { o in fn(i.baseAddress, o.baseAddress, i.count) } }
            return out.map { .code(Int($0)) }
        case .mul(let fn):
            var a: [UInt8] = [], b: [UInt8] = []
            for c in cases { if case .mul(let x, let y) = c { a.append(UInt8(x)); b.append(UInt8(y)) } }
            var out = [UInt8](repeating: 0, count: a.count)
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in out.withUnsafeMutableBufferPointer { o in fn(pa.baseAddress, pb.baseAddress, o.baseAddress, pa.count) } } }
            return out.map { .code(Int($0)) }
        case .dot(let fn):
            return cases.map { c in
                guard case .dot(let xs, let ys) = c else { return .undefined("") }
                let a = xs.map { UInt8($0) }, b = ys.map { UInt8($0) }
                let r = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in fn(pa.baseAddress, pb.baseAddress, pa.count) } }
                return .binary32(r.bitPattern)
            }
        case .dotI8(let fn):
            return cases.map { c in
                guard case .dotI8(let xs, let ys) = c else { return .undefined("") }
                return .int32(xs.withUnsafeBufferPointer { pa in ys.withUnsafeBufferPointer { pb in fn(pa.baseAddress, pb.baseAddress, pa.count) } })
            }
        }
    }
}

import Octet
import OctetExact

/// Golden-vector files: a header of `# key: value` lines naming everything a result depends on,
/// then one case per line in hex. `Specs/vectors.md` is the normative description.
public struct VectorHeader: Sendable, Equatable {
    public var fields: [(String, String)]
    public init(_ fields: [(String, String)]) { self.fields = fields }
    public subscript(_ key: String) -> String? { fields.first { $0.0 == key }?.1 }
    public static func == (l: VectorHeader, r: VectorHeader) -> Bool { l.fields.elementsEqual(r.fields, by: { $0 == $1 }) }

    public var text: String {
        "# octet-vectors 1\n" + fields.map { "# \($0.0): \($0.1)\n" }.joined()
    }
}

public struct VectorError: Error, CustomStringConvertible {
    public let line: Int
    public let message: String
    public var description: String { "line \(line): \(message)" }
}

/// Flags as four characters `voux` (invalid, overflow, underflow, inexact), `.` when clear.
public func flagLetters(_ f: ExceptionFlags) -> String {
    (f.contains(.invalid) ? "v" : ".") + (f.contains(.overflow) ? "o" : ".") + (f.contains(.underflow) ? "u" : ".") + (f.contains(.inexact) ? "x" : ".")
}

public func parseFlagLetters(_ s: String) -> ExceptionFlags? {
    guard s.count == 4 else { return nil }
    var f: ExceptionFlags = []
    for (ch, (letter, flag)) in zip(s, [("v", ExceptionFlags.invalid), ("o", .overflow), ("u", .underflow), ("x", .inexact)]) {
        if String(ch) == letter { f.insert(flag) } else if ch != "." { return nil }
    }
    return f
}

public enum VectorSource: String, Sendable, CaseIterable {
    case binary32, binary16, bfloat16, binary64

    var ieee: IEEEBits.Format {
        switch self {
        case .binary32: return .binary32
        case .binary16: return .binary16
        case .bfloat16: return .bfloat16
        case .binary64: return .binary64
        }
    }
    var hexDigits: Int { ieee.totalBits / 4 }
    func hex(_ bits: UInt64) -> String {
        let s = String(bits, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, hexDigits - s.count)) + s
    }
}

/// Builds vector files from the reference.
public enum VectorWriter {
    static func code(_ f: Format, _ c: Int) -> String { String(f.hex(c).dropFirst(2)) }

    public static func decodeTable(_ f: Format) -> (String, Int) {
        var s = VectorHeader(OctetOperation.decode(f).headerFields + [("cases", "\(f.codeCount)"), ("columns", "code value")]).text
        for c in f.codes { s += "\(code(f, c)) \(f.value(ofCode: c))\n" }
        return (s, f.codeCount)
    }

    /// Boundary inputs of a format as binary32 bits: every value, the midpoints of neighbouring
    /// values (and of max and the next grid value) with their binary32 neighbours, both signs, and
    /// ±0, ±Inf, NaN.
    public static func boundaryInputs(_ f: Format) -> [UInt32] {
        // The fixed lists are truncated to the budget: ask for all of them (budget 0 gave none).
        let gens = Generators.convert(f, budget: Int.max, seed: 1)
        var out: [UInt32] = []
        for g in gens where g.name == "specials" || g.name == "values" || g.name == "midpoints" {
            for i in 0 ..< g.count { if case .convert(let u) = g.caseAt(i) { out.append(u) } }
        }
        var seen = Set<UInt32>()
        return out.filter { seen.insert($0).inserted }
    }

    public static func conversion(_ f: Format, rounding: RoundingMode, overflow: OverflowPolicy, inputs: [UInt32],
                                  srBits: Int = 4, seed: UInt64 = 1) -> (String, Int) {
        var fields = OctetOperation.convert(from: .binary32, to: f, rounding: rounding, overflow: overflow, srBits: rounding == .sr ? srBits : nil).headerFields
        fields.append(("generator", "boundaries"))
        var s = ""
        var rng = SplitMix64(seed: seed)
        var n = 0
        for u in inputs {
            let x = IEEEBits.decode(UInt64(u), as: .binary32)
            var r: UInt64 = 0
            var bits: StochasticBits?
            if rounding == .sr {
                r = rng.next() % (1 << UInt64(srBits))
                bits = try! StochasticBits(count: srBits, value: r)
            }
            guard let e = try? f.encode(x, rounding: rounding, overflow: overflow, random: bits) else { continue }
            s += VectorSource.binary32.hex(UInt64(u)) + (rounding == .sr ? " \(r)" : "") + " \(code(f, e.code)) \(flagLetters(e.flags))\n"
            n += 1
        }
        fields.append(("cases", "\(n)"))
        fields.append(("columns", rounding == .sr ? "input R result flags" : "input result flags"))
        return (VectorHeader(fields).text + s, n)
    }

    public static func products(_ f: Format, rounding: RoundingMode = .rne, overflow: OverflowPolicy = .saturate) -> (String, Int) {
        var s = ""
        var n = 0
        for x in f.codes {
            for y in f.codes {
                guard let e = try? Operations.mul(x, f, y, f, into: f, rounding: rounding, overflow: overflow) else { continue }
                s += "\(code(f, x)) \(code(f, y)) \(code(f, e.code)) \(flagLetters(e.flags))\n"
                n += 1
            }
        }
        let header = VectorHeader(OctetOperation.mul(a: f, b: f, out: f, rounding: rounding, overflow: overflow).headerFields
                                  + [("generator", "exhaustive"), ("cases", "\(n)"), ("columns", "a b result flags")])
        return (header.text + s, n)
    }

    public static func dots(_ a: Format, _ b: Format, modelName: String, count: Int, maxLength: Int, seed: UInt64) -> (String, Int) {
        let model = try! AccumulatorModel.parse(modelName)
        let b32 = try! FormatRegistry.named("binary32")
        var s = ""
        var n = 0
        let gens = Generators.dot(a, b, budget: count, seed: seed).filter { $0.name != "long" }
        var i = 0
        while n < count {
            let g = gens[i % gens.count]
            let c = g.caseAt(i / gens.count)
            i += 1
            guard case .dot(let xs, let ys) = c, !xs.isEmpty, xs.count <= maxLength else { continue }
            guard let r = try? Dot.compute(xs, a, ys, b, model: model, output: b32, rounding: .rne, overflow: .ovfinf) else { continue }
            s += xs.map { code(a, $0) }.joined(separator: ",") + " " + ys.map { code(b, $0) }.joined(separator: ",")
            s += " \(code(b32, r.output.code)) \(flagLetters(r.output.flags))\n"
            n += 1
        }
        let header = VectorHeader(OctetOperation.dot(a: a, b: b, model: model, modelName: modelName).headerFields
                                  + [("generator", "dot seed=\(seed)"), ("cases", "\(n)"), ("columns", "a-codes b-codes result flags")])
        return (header.text + s, n)
    }

    /// The result field of a one-row block tensor: `[T/]S1,S2,…[/Z1,…]/C1,C2,…`: the tensor scale
    /// (two-level schemes), the block scales, the zero points (asymmetric groups), the element
    /// codes, each in hex without a prefix (Specs/vectors.md §3).
    public static func blockResult(_ t: BlockTensor) -> String {
        let s = t.scheme
        var parts: [String] = []
        if let ts = t.tensorScale { parts.append(code(BlockScheme.tensorScaleFormat, Int(ts))) }
        parts.append(t.rowScales(0).map { code(s.scaleFormat, $0) }.joined(separator: ","))
        if let z = t.rowZeroPoints(0) {
            let zf: Format
            if case .integer(.float) = s.scaling { zf = s.scaleFormat } else { zf = s.element }
            parts.append(z.map { code(zf, $0) }.joined(separator: ","))
        }
        parts.append(t.codes[0].map { code(s.element, $0) }.joined(separator: ","))
        return parts.joined(separator: "/")
    }

    /// The numbers of a block result field, per segment (nil when malformed).
    public static func parseBlockResult(_ text: String) -> [[UInt64]]? {
        var out: [[UInt64]] = []
        for seg in text.split(separator: "/", omittingEmptySubsequences: false) {
            var list: [UInt64] = []
            for t in seg.split(separator: ",", omittingEmptySubsequences: false) {
                guard let v = VectorVerifier.hexInt(t) else { return nil }
                list.append(v)
            }
            out.append(list)
        }
        return out
    }

    /// Block-quantization cases of every registered scheme: one-row tensors of binary32-exact
    /// values (k/16 · 2^j) whose lengths cross the block size, plus zero, signed-zero and
    /// saturating rows. Columns `values result`.
    public static func blockQuantizations(_ scheme: BlockScheme, seed: UInt64 = 1) -> (String, Int) {
        var rng = SplitMix64(seed: seed)
        let k = scheme.blockCols
        var lengths = [1, 2, k - 1, k, k + 1, 2 * k + 3].filter { $0 >= 1 && $0 <= 300 }
        lengths += [5, 17, 33, 64, 129, 257].filter { $0 <= 300 && !lengths.contains($0) }
        var rows: [[ExactValue]] = []
        for n in lengths {
            for spread in [2, 12] {
                rows.append((0 ..< n).map { _ in
                    let m = Int(rng.next() % 255) - 127, j = Int(rng.next() % UInt64(2 * spread + 1)) - spread
                    return ExactValue(Rational(BigInt(m), timesTwoToThe: j - 4))
                })
            }
        }
        rows.append(Array(repeating: .zero(negative: false), count: min(k, 40)))
        rows.append([.zero(negative: true), ExactValue(Rational(6)), ExactValue(Rational(-448)), ExactValue(Rational(BigInt(1), timesTwoToThe: -20))])
        var body = ""
        var n = 0
        for r in rows {
            guard let t = try? scheme.quantize([r]) else { continue }
            body += r.map(\.description).joined(separator: ",") + " " + blockResult(t) + "\n"
            n += 1
        }
        var columns = "values "
        if case .e4m3(true) = scheme.scaling { columns += "tensor-scale/" }
        columns += "scales/"
        if case .integer(let z) = scheme.scaling, z != .symmetric { columns += "zero-points/" }
        columns += "codes"
        let header = VectorHeader(OctetOperation.blockQuantize(scheme).headerFields + [("generator", "blocks seed=\(seed)"), ("cases", "\(n)"), ("columns", columns)])
        return (header.text + body, n)
    }

    /// The curated set: every decode table; conversion boundary sets for every format × mode ×
    /// policy; all products of the main FP8 formats (rne, saturate); dot cases for each model.
    /// Returns (relative path, contents, case count), sorted by path.
    public static func curatedSet() -> [(String, String, Int)] {
        var files: [(String, String, Int)] = []
        for f in FormatRegistry.all {
            let (d, n) = decodeTable(f)
            files.append(("decode/\(f.name).txt", d, n))
            guard f.isFloatingPoint else { continue }
            let inputs = boundaryInputs(f)
            for mode in RoundingMode.allCases {
                for policy in OverflowPolicy.allCases {
                    let (c, k) = conversion(f, rounding: mode, overflow: policy, inputs: inputs)
                    files.append(("convert/\(f.name)/\(mode.rawValue)-\(policy.rawValue).txt", c, k))
                }
            }
        }
        for name in ["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz"] {
            let f = try! FormatRegistry.named(name)
            let (p, n) = products(f)
            files.append(("mul/\(name)-rne-saturate.txt", p, n))
        }
        let e4m3 = try! FormatRegistry.named("float8_e4m3fn"), e5m2 = try! FormatRegistry.named("float8_e5m2")
        for model in ["exact", "kulisch", "fp32:sequential", "fp32:pairwise", "fp32:lanes8", "fp32:lanes32",
                      "fp16:sequential", "bf16:sequential", "truncated:hopper-fp8"] {
            let safe = model.replacingColons()
            let (d, n) = dots(e4m3, e4m3, modelName: model, count: 120, maxLength: 300, seed: 1)
            files.append(("dot/float8_e4m3fn-\(safe).txt", d, n))
        }
        let (mixed, mn) = dots(e4m3, e5m2, modelName: "exact", count: 120, maxLength: 300, seed: 2)
        files.append(("dot/float8_e4m3fn-float8_e5m2-exact.txt", mixed, mn))
        for scheme in BlockSchemes.all {
            let (b, n) = blockQuantizations(scheme)
            files.append(("blocks/\(scheme.name).txt", b, n))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    public static func manifest(_ files: [(String, String, Int)]) -> String {
        var s = "# Octet golden vectors: sha256  cases  path (regenerate with `octet vectors export --out Vectors`)\n"
        for (path, text, n) in files { s += "\(SHA256.hex(Array(text.utf8)))  \(n)  \(path)\n" }
        return s
    }
}

extension String {
    func replacingColons() -> String { String(map { $0 == ":" ? "-" : $0 }) }
}

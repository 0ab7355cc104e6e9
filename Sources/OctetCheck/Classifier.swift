import Octet
import OctetExact

/// One explanation a mismatch fits: a class (`nan`, `zero-sign`, `overflow-policy`,
/// `rounding-mode`, `double-rounding`, `profile`, `accumulator`, `other`) and its evidence.
public struct Hypothesis: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let cls: String
    public let evidence: String
    public init(_ cls: String, _ evidence: String) { self.cls = cls; self.evidence = evidence }

    /// Classes in the order they are preferred when they explain equally many cases: the most
    /// specific first.
    public static let classOrder = ["nan", "zero-sign", "overflow-policy", "rounding-mode", "double-rounding", "profile", "accumulator", "other"]
    var rank: Int { Hypothesis.classOrder.firstIndex(of: cls) ?? Hypothesis.classOrder.count }
    /// Within a class, the smaller departure first: an intermediate format of more precision.
    var subrank: Int { ["via binary32", "via binary16", "via bfloat16"].firstIndex(of: evidence) ?? 3 }
    public static func < (l: Hypothesis, r: Hypothesis) -> Bool { (l.rank, l.subrank, l.evidence) < (r.rank, r.subrank, r.evidence) }
    /// `class: evidence`, the spelling in signatures and JSON.
    public var description: String { "\(cls): \(evidence)" }
    public init?(parsing s: String) {
        guard let r = s.range(of: ": ") else { return nil }
        self.init(String(s[..<r.lowerBound]), String(s[r.upperBound...]))
    }
}

/// Which explanations fit a mismatch: the observed result is recomputed under other semantics
/// (another overflow policy, rounding mode, an intermediate format, a compatibility profile,
/// another accumulator), and compared.
public enum Classifier {
    static let binary32 = try! FormatRegistry.named("binary32")
    static let intermediates = ["binary16", "bfloat16", "binary32"].map { try! FormatRegistry.named($0) }
    /// Accumulators a dot kernel may really use.
    static let accumulators = ["exact", "kulisch", "fp32:sequential", "fp32:pairwise", "fp32:lanes4", "fp32:lanes8", "fp32:lanes16",
                               "fp32:sequential,fused", "bf16:sequential", "fp16:sequential", "truncated:g4n26", "exact,c=+0"]
    /// Dots longer than this are not recomputed under every other accumulator (cost).
    static let accumulatorLimit = 4097

    /// The hypotheses that explain `observed` where the reference gave `expected` (never empty:
    /// `other` with the distance when nothing else fits).
    /// With `only`, just whether that one explanation fits (the shrinker's question; it skips
    /// recomputing the dot under every other accumulator).
    public static func explain(_ spec: OctetOperation, _ c: CheckCase, observed: CheckResult, expected: CheckResult, only: Hypothesis? = nil) -> [Hypothesis] {
        var out: [Hypothesis] = []
        switch (spec, c, observed, expected) {
        case (.convert(_, let f, let r, let o, _), .convert(let u), .code(let oc), .code(let ec)):
            let x = IEEEBits.decode(UInt64(u), as: .binary32)
            out += codeClasses(f, oc, ec)
            out += alternatives(f, oc, r, o, exact: x, viaInput: binary32)
        case (.mul(let fa, let fb, let out0, let r, let o), .mul(let x, let y), .code(let oc), .code(let ec)):
            let p = ExactArithmetic.multiply(fa.operand(ofCode: x), fb.operand(ofCode: y)).exactValue
            out += codeClasses(out0, oc, ec)
            out += alternatives(out0, oc, r, o, exact: p, viaInput: nil)
        case (.dot(let fa, let fb, _, let name, _, _, _), .dot(let xs, let ys), .binary32(let ob), .binary32(let eb)):
            // A +0 where every product is -0: the kernel's accumulator starts at +0.
            out += codeClasses(binary32, Int(ob), Int(eb)).map {
                $0.cls == "zero-sign" && ob == 0 ? Hypothesis($0.cls, $0.evidence + " (an accumulator that starts at +0: --acc \(name),c=+0)") : $0
            }
            if xs.count <= accumulatorLimit && (only == nil || only!.cls == "accumulator") {
                for m in accumulators where m != name && (only == nil || only!.evidence == "matches --acc \(m)") {
                    guard let model = try? AccumulatorModel.parse(m),
                          let res = try? Dot.compute(xs, fa, ys, fb, model: model, output: binary32, rounding: .rne, overflow: .ovfinf) else { continue }
                    if UInt32(truncatingIfNeeded: res.output.code) == ob { out.append(Hypothesis("accumulator", "matches --acc \(m)")) }
                }
            }
            if out.isEmpty {
                let o = other(binary32, Int(ob), Int(eb))
                out.append(xs.count <= accumulatorLimit ? o : Hypothesis("other", o.evidence + " (other accumulators are not tried beyond \(accumulatorLimit) terms)"))
            }
            return out
        case (.dotI8, .dotI8(let xs, let ys), .int32(let ov), .int32(let ev)):
            // narrower accumulators that wrap
            for bits in [16, 24] {
                var acc = 0
                let m = 1 << bits
                for (x, y) in zip(xs, ys) {
                    acc = (acc + Int(x) * Int(y)) & (m - 1)
                }
                if acc >= m / 2 { acc -= m }
                if acc == Int(ov) { out.append(Hypothesis("accumulator", "matches an int\(bits) accumulator that wraps")) }
            }
            if out.isEmpty {
                let d = Int(ov) - Int(ev)
                out.append(Hypothesis("other", "observed is \(d.magnitude) \(d > 0 ? "above" : "below") the exact sum"))
            }
            return out
        default:
            break
        }
        if out.isEmpty, case .code(let oc) = observed, case .code(let ec) = expected {
            let f: Format
            switch spec {
            case .convert(_, let t, _, _, _): f = t
            case .mul(_, _, let t, _, _): f = t
            default: f = binary32
            }
            out.append(other(f, oc, ec, exact: exactValue(spec, c)))
        }
        if out.isEmpty { out.append(Hypothesis("other", "observed differs")) }
        return out
    }

    static func exactValue(_ spec: OctetOperation, _ c: CheckCase) -> ExactValue? {
        switch (spec, c) {
        case (.convert, .convert(let u)): return IEEEBits.decode(UInt64(u), as: .binary32)
        case (.mul(let fa, let fb, _, _, _), .mul(let x, let y)): return ExactArithmetic.multiply(fa.operand(ofCode: x), fb.operand(ofCode: y)).exactValue
        default: return nil
        }
    }

    /// NaN codes and zero signs.
    static func codeClasses(_ f: Format, _ oc: Int, _ ec: Int) -> [Hypothesis] {
        let ov = f.value(ofCode: oc), ev = f.value(ofCode: ec)
        if ov.isNaN && ev.isNaN { return [Hypothesis("nan", "the kernel's NaN is \(f.hex(oc)) where the reference gives \(f.hex(ec))")] }
        if case .zero(let on) = ov, case .zero(let en) = ev, on != en {
            return [Hypothesis("zero-sign", "the kernel gives \(on ? "-0" : "+0") where the reference gives \(en ? "-0" : "+0")")]
        }
        return []
    }

    /// Other overflow policies, other roundings, double rounding through an intermediate format,
    /// compatibility profiles.
    static func alternatives(_ f: Format, _ oc: Int, _ r: RoundingMode, _ o: OverflowPolicy, exact x: ExactValue, viaInput: Format?) -> [Hypothesis] {
        var out: [Hypothesis] = []
        func code(_ v: ExactValue, _ r: RoundingMode, _ o: OverflowPolicy) -> Int? { try? f.encode(v, rounding: r, overflow: o).code }
        for p in OverflowPolicy.allCases where p != o && code(x, r, p) == oc {
            out.append(Hypothesis("overflow-policy", "matches --overflow \(p.rawValue)"))
        }
        for m in RoundingMode.allCases where m != r && m != .sr && code(x, m, o) == oc {
            out.append(Hypothesis("rounding-mode", "matches --rounding \(m.rawValue)"))
        }
        for mid in intermediates where mid.name != f.name && mid.name != viaInput?.name {
            guard let y = try? mid.encode(x, rounding: .rne, overflow: .ovfinf) else { continue }
            if code(mid.value(ofCode: y.code), r, o) == oc { out.append(Hypothesis("double-rounding", "via \(mid.name)")) }
        }
        for p in CompatibilityProfile.all {
            if let y = try? p.encode(x, into: f), y.code == oc { out.append(Hypothesis("profile", "matches profile \(p.name)")) }
        }
        return out
    }

    /// Where the observed code lies relative to the expected one: N codes above or below (in
    /// value order), and for a neighbour, on which side of the midpoint the exact value is.
    static func other(_ f: Format, _ oc: Int, _ ec: Int, exact: ExactValue? = nil) -> Hypothesis {
        let ov = f.value(ofCode: oc), ev = f.value(ofCode: ec)
        guard let ok = key(ov), let ek = key(ev) else {
            return Hypothesis("other", ov.isNaN ? "the kernel gives NaN \(f.hex(oc))" : "the reference gives NaN, the kernel \(f.hex(oc))")
        }
        let above = ek < ok
        let steps: Int
        if f.isEnumerable {
            var values = Set<Key>()
            for c in f.codes { if let k = key(f.value(ofCode: c)) { values.insert(k) } }
            steps = values.filter { above ? ($0 > ek && $0 <= ok) : ($0 < ek && $0 >= ok) }.count
        } else {
            steps = Int(ordered32(UInt32(truncatingIfNeeded: oc)).distance(to: ordered32(UInt32(truncatingIfNeeded: ec))).magnitude)
        }
        var text = "observed is \(steps > 3 ? "more than 3" : String(steps)) code\(steps == 1 ? "" : "s") \(above ? "above" : "below") the reference"
        if steps == 1, let exact, case .number(let x) = exact, let orat = ov.rational ?? (ov.isFinite ? Rational(0) : nil),
           let erat = ev.rational ?? (ev.isFinite ? Rational(0) : nil) {
            let mid = (orat + erat).timesPowerOfTwo(-1)
            if x != mid { text += x > mid ? ", the exact value just above the midpoint" : ", the exact value just below the midpoint" }
            else { text += ", the exact value on the midpoint" }
        }
        return Hypothesis("other", text)
    }

    /// A totally ordered key of a non-NaN value.
    struct Key: Hashable, Comparable {
        let tier: Int
        let value: Rational
        static func < (l: Key, r: Key) -> Bool { (l.tier, l.value) < (r.tier, r.value) }
        static func == (l: Key, r: Key) -> Bool { l.tier == r.tier && l.value == r.value }
        func hash(into h: inout Hasher) { h.combine(tier); h.combine(value) }
    }
    static func key(_ v: ExactValue) -> Key? {
        switch v {
        case .nan: return nil
        case .infinity(let n): return Key(tier: n ? -1 : 1, value: Rational(0))
        case .zero: return Key(tier: 0, value: Rational(0))
        case .number(let r): return Key(tier: 0, value: r)
        }
    }
    static func ordered32(_ b: UInt32) -> Int64 { b & 0x8000_0000 != 0 ? -Int64(b & 0x7FFF_FFFF) : Int64(b) }
}


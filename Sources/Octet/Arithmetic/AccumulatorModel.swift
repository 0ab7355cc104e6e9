import OctetExact

/// How a dot product is accumulated before its final rounding. `Specs/accumulation.md` is the
/// normative text; each case documents its semantics.
public enum AccumulatorModel: Sendable, Hashable {
    /// Infinite precision: the exact sum, rounded once at the end.
    case exact
    /// A fixed-point register. Nil: the minimal register for the two formats and the number of
    /// terms n (V = ⌈log2 n⌉), derived by `KulischDerivation`. Otherwise the given register.
    case kulisch(KulischRegister?)
    case float(FloatAccumulator)
    case truncated(TruncatedAccumulator)
    /// The model with an initial value C: D = Σ a_i·b_i + C, with C the first term (the exact
    /// sum's first term, the value a Kulisch register starts from, the first addend of lane 0 of
    /// a float accumulator, a term of the first truncated group). `exact,c=+0` is the exact sum
    /// of a kernel whose accumulator starts at +0 (an integer register, an `acc = 0` loop): an
    /// exact zero sum is then +0 even when every product is -0 (Specs/accumulation.md §2.5).
    indirect case initialized(AccumulatorModel, ExactValue)

    /// Reads the `--acc` spellings:
    /// - `exact`
    /// - `kulisch` (derived), `kulisch:W` (W bits, LSB derived), `kulisch:W:LSB`
    /// - `<format>:<order>[,fused][,rounding=MODE][,overflow=POLICY]` with `<format>` any format
    ///   name (`fp32`, `fp16`, `bf16`, `float8_e4m3fn`, …) and `<order>` `sequential`, `pairwise`
    ///   or `lanes<L>` (e.g. `fp32:lanes8`).
    /// - `truncated:<preset>` (see `TruncatedAccumulator.preset`) or
    ///   `truncated:g<G>n<N>[,out=FORMAT][,rounding=MODE][,promote=K]` (defaults: binary32, rtz).
    /// - any of these followed by `,c=VALUE` (a dyadic value in any spelling of the value parser,
    ///   `+0`, `-0`, `1.5`, `0x1p-3`, `inf`): the initial value C.
    /// The range of the last `,c=` (any case) in `text`: the initial-value suffix.
    static func lastInitialMarker(in text: String) -> Range<String.Index>? {
        var i = text.endIndex
        while i > text.startIndex {
            i = text.index(before: i)
            guard text[i] == "," else { continue }
            let c = text.index(after: i)
            guard c < text.endIndex, text[c] == "c" || text[c] == "C" else { continue }
            let eq = text.index(after: c)
            guard eq < text.endIndex, text[eq] == "=" else { continue }
            return i..<text.index(after: eq)
        }
        return nil
    }

    public static func parse(_ text: String) throws(ModelError) -> AccumulatorModel {
        if let r = Self.lastInitialMarker(in: text) {
            let inner = try parse(String(text[..<r.lowerBound]))
            if case .initialized = inner { throw ModelError(text, "c= given twice") }
            let spelled = String(text[r.upperBound...])
            let c: ExactValue
            do { c = try ValueParser.parse(spelled) } catch { throw ModelError(text, "c=\(spelled): \(error.description)") }
            if c.isNaN { throw ModelError(text, "c=\(spelled): the initial value must be a number, ±0 or ±Inf") }
            if case .number(let q) = c, Dyadic(exactly: q) == nil { throw ModelError(text, "c=\(spelled) is not a dyadic value (no binary format holds it)") }
            return .initialized(inner, c)
        }
        let s = text.lowercased()
        if s == "exact" { return .exact }
        let parts = s.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        switch parts[0] {
        case "kulisch":
            if parts.count == 1 { return .kulisch(nil) }
            guard let w = Int(parts[1]), (2...100_000).contains(w) else { throw ModelError(text, "kulisch:W needs a width of 2 to 100000 bits") }
            if parts.count == 3 {
                guard let lsb = Int(parts[2]), lsb.magnitude <= 1 << 20 else { throw ModelError(text, "kulisch:W:LSB needs an integer LSB exponent") }
                return .kulisch(KulischRegister(width: w, lsbExponent: lsb))
            }
            return .kulisch(KulischRegister(width: w, lsbExponent: Int.min))   // LSB derived per use
        case "truncated":
            guard parts.count >= 2 else { throw ModelError(text, "truncated needs a preset or g<G>n<N> (presets: \(TruncatedAccumulator.presetNames.joined(separator: ", ")))") }
            let spec = parts.dropFirst().joined(separator: ":")
            if let p = TruncatedAccumulator.preset(spec) { return .truncated(p) }
            return .truncated(try parseTruncated(spec, text))
        default:
            guard parts.count >= 2 else {
                throw ModelError(text, "expected exact, kulisch[:W[:LSB]], <format>:<order>[,fused] or truncated:<preset>")
            }
            let format: Format
            do { format = try FormatRegistry.named(parts[0]) } catch { throw ModelError(text, error.description) }
            let options = parts.dropFirst().joined(separator: ":").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let order: SummationOrder
            switch options[0] {
            case "sequential": order = .sequential
            case "pairwise": order = .pairwise
            case let o where o.hasPrefix("lanes"):
                guard let l = Int(o.dropFirst(5)), (1...4096).contains(l) else { throw ModelError(text, "lanes<L> needs 1 ≤ L ≤ 4096") }
                order = .lanes(l)
            default: throw ModelError(text, "unknown order '\(options[0])' (sequential, pairwise, lanes<L>)")
            }
            var fused = false
            var rounding = RoundingMode.rne
            var overflow = OverflowPolicy.ovfinf
            for o in options.dropFirst() {
                if o == "fused" { fused = true; continue }
                let kv = o.split(separator: "=", maxSplits: 1).map(String.init)
                if kv.count == 2, kv[0] == "rounding", let r = RoundingMode(rawValue: kv[1]), r != .sr { rounding = r; continue }
                if kv.count == 2, kv[0] == "overflow", let p = OverflowPolicy(rawValue: kv[1]) { overflow = p; continue }
                throw ModelError(text, "unknown option '\(o)' (fused, rounding=MODE without sr, overflow=POLICY)")
            }
            return .float(FloatAccumulator(format: format, order: order, fused: fused, rounding: rounding, overflow: overflow))
        }
    }

    private static func parseTruncated(_ spec: String, _ text: String) throws(ModelError) -> TruncatedAccumulator {
        let options = spec.split(separator: ",").map(String.init)
        guard let first = options.first else { throw ModelError(text, "truncated needs a preset or g<G>n<N>") }
        var head = Substring(first)
        guard head.first == "g" else { throw ModelError(text, "unknown truncated preset (presets: \(TruncatedAccumulator.presetNames.joined(separator: ", ")); or g<G>n<N>)") }
        head = head.dropFirst()
        let gDigits = head.prefix(while: \.isNumber)
        head = head.dropFirst(gDigits.count)
        guard head.first == "n", let g = Int(gDigits), (1...65536).contains(g), let n = Int(head.dropFirst()), (0...1000).contains(n) else {
            throw ModelError(text, "expected g<G>n<N> with 1 ≤ G ≤ 65536 and 0 ≤ N ≤ 1000")
        }
        var out = try! FormatRegistry.named("binary32")
        var rounding = RoundingMode.rtz
        var promote: Int?
        for o in options.dropFirst() {
            let kv = o.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw ModelError(text, "unknown option '\(o)'") }
            switch kv[0] {
            case "out":
                do { out = try FormatRegistry.named(kv[1]) } catch { throw ModelError(text, error.description) }
            case "rounding":
                guard let r = RoundingMode(rawValue: kv[1]), r != .sr else { throw ModelError(text, "unknown rounding '\(kv[1])'") }
                rounding = r
            case "promote":
                guard let k = Int(kv[1]), k > 0, k % g == 0 else { throw ModelError(text, "promote=K needs a positive multiple of G") }
                promote = k
            default: throw ModelError(text, "unknown option '\(o)' (out=, rounding=, promote=)")
            }
        }
        return TruncatedAccumulator(groupSize: g, fractionBits: n, accumulatorFormat: out, accumulatorRounding: rounding, promoteEvery: promote)
    }
}

public struct ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    public let input: String
    public let reason: String
    init(_ input: String, _ reason: String) {
        self.input = input
        self.reason = reason
    }
    public var description: String { "bad accumulator model '\(input)': \(reason)" }
}

/// Why a dot product could not be computed.
public enum DotError: Error, Sendable, Equatable, CustomStringConvertible {
    case lengthMismatch(Int, Int)
    case kulisch(KulischError)
    case encode(EncodeError)

    public var description: String {
        switch self {
        case .lengthMismatch(let a, let b): return "vectors of different lengths (\(a) and \(b))"
        case .kulisch(let e): return e.description
        case .encode(let e): return e.description
        }
    }
}

/// The result of a dot product: the exact value, the model's value before the final rounding, and
/// the final code in the output format.
public struct DotResult: Sendable, Hashable {
    public let exact: Operand
    public let accumulated: Operand
    public let output: Encoded
}

public enum Dot {
    /// ⌈log2 n⌉ (0 for n ≤ 1): the V of a Kulisch register that must hold n terms.
    public static func termsLog2(_ n: Int) -> Int { n <= 1 ? 0 : Int.bitWidth - (n - 1).leadingZeroBitCount }

    /// The register a `kulisch` model uses for n terms of formats a and b.
    public static func register(for model: KulischRegister?, _ a: Format, _ b: Format, terms n: Int) -> KulischRegister {
        let derived = KulischDerivation.derive(a, b, termsLog2: termsLog2(n)).register
        guard let m = model else { return derived }
        return KulischRegister(width: m.width, lsbExponent: m.lsbExponent == Int.min ? derived.lsbExponent : m.lsbExponent)
    }

    /// Σ a_i·b_i under `model`, then one rounding into `output`.
    public static func compute(_ a: [Int], _ aFormat: Format, _ b: [Int], _ bFormat: Format, model: AccumulatorModel,
                               output: Format, rounding: RoundingMode = .rne, overflow: OverflowPolicy = .saturate) throws(DotError) -> DotResult {
        guard a.count == b.count else { throw .lengthMismatch(a.count, b.count) }
        var model = model
        var initial: Operand?
        while case .initialized(let inner, let c) = model {   // (nested only when built in code: the innermost C counts)
            model = inner
            initial = Operand(c)
        }
        // Long vectors repeat codes: each code is decoded once and, for formats of at most 16 bits
        // together, each pair of codes multiplied once. Equal operands then share their storage,
        // so the memory of a long dot product is one array of products (not three arrays of
        // separately allocated values).
        var operandsA: [Int: Operand] = [:], operandsB: [Int: Operand] = [:]
        func x(_ i: Int) -> Operand {
            if let o = operandsA[a[i]] { return o }
            let o = aFormat.operand(ofCode: a[i])
            operandsA[a[i]] = o
            return o
        }
        func y(_ i: Int) -> Operand {
            if let o = operandsB[b[i]] { return o }
            let o = bFormat.operand(ofCode: b[i])
            operandsB[b[i]] = o
            return o
        }
        let pairShift = bFormat.bits
        var pairProducts: [Int: Operand]? = aFormat.bits + bFormat.bits <= 16 ? [:] : nil
        // C is the first term for the exact sum, a Kulisch register and a truncated group; a
        // float accumulator starts from it (FloatAccumulator.accumulate).
        let offset = initial == nil ? 0 : 1
        var products: [Operand] = []
        products.reserveCapacity(a.count + offset)
        if let initial { products.append(initial) }
        for i in a.indices {
            if pairProducts != nil, a[i] >= 0, a[i] >> aFormat.bits == 0, b[i] >= 0, b[i] >> pairShift == 0 {
                let key = a[i] << pairShift | b[i]
                if let p = pairProducts![key] { products.append(p); continue }
                let p = ExactArithmetic.multiply(x(i), y(i))
                pairProducts![key] = p
                products.append(p)
            } else {
                products.append(ExactArithmetic.multiply(x(i), y(i)))
            }
        }
        let exact = ExactArithmetic.sum(products, rounding: rounding)
        let accumulated: Operand
        do {
            switch model {
            case .exact:
                accumulated = exact
            case .kulisch(let reg):
                accumulated = try register(for: reg, aFormat, bFormat, terms: products.count).accumulate(products, rounding: rounding)
            case .float(let acc):
                accumulated = try acc.accumulate(initial == nil ? products : Array(products.dropFirst()), initial: initial)
            case .initialized:
                preconditionFailure("initial values are unwrapped above")
            case .truncated(let t):
                var terms = a.indices.map { i -> TruncatedAccumulator.Term in
                    let ex = x(i).dyadic.map { TruncatedAccumulator.binadeExponent($0, in: aFormat) } ?? 0
                    let ey = y(i).dyadic.map { TruncatedAccumulator.binadeExponent($0, in: bFormat) } ?? 0
                    return TruncatedAccumulator.Term(value: products[i + offset], exponent: ex + ey)
                }
                if let initial {
                    // C's own binade exponent (0 for zero): it aligns like a product of that exponent.
                    let e = initial.dyadic.flatMap { $0.isZero ? nil : $0.rational.floorLog2 } ?? 0
                    terms.insert(TruncatedAccumulator.Term(value: initial, exponent: e), at: 0)
                }
                accumulated = try t.accumulate(terms)
            }
        } catch let e as KulischError {
            throw .kulisch(e)
        } catch let e as EncodeError {
            throw .encode(e)
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
        let out: Encoded
        do { out = try ExactArithmetic.round(accumulated, to: output, rounding: rounding, overflow: overflow) } catch { throw .encode(error) }
        return DotResult(exact: exact, accumulated: accumulated, output: out)
    }
}

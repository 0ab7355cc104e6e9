import Octet
import OctetExact

/// The three stacked parts of Figure 3 (its colours: multiply, align/add, normalize/accumulate).
public enum MACPart: String, Sendable, Hashable, CaseIterable {
    case mpy, alignadd, normacc
}

/// One priced block of a datapath.
public struct HardwareComponent: Sendable, Hashable {
    public let part: MACPart
    public let name: String
    /// The Appendix B row that prices it (or "leading-zero counter", Octet's choice).
    public let primitive: String
    /// Its data width in bits (for a shifter its output width, for a multiplier the wider input).
    public let width: Int
    /// Widths and ranges in words, e.g. "5×5", "«[0,28] widen, 9 → 37 bits".
    public let detail: String
    public let gates: Int
    /// 1, or the block size for per-block logic of an MX unit, whose gates are shared by that many products.
    public let sharedBy: Int

    public init(_ part: MACPart, _ name: String, primitive: String, width: Int, detail: String, gates: Int, sharedBy: Int = 1) {
        self.part = part
        self.name = name
        self.primitive = primitive
        self.width = width
        self.detail = detail
        self.gates = gates
        self.sharedBy = sharedBy
    }

    /// The gates this component costs each product.
    public var gatesPerProduct: Double { Double(gates) / Double(sharedBy) }
}

/// The accumulator of a MAC.
public enum AccumulatorSpec: Sendable, Hashable {
    /// A Kulisch (exact fixed-point) register holding any sum of 2^V extreme products: the
    /// paper's "FX+V", width from `KulischDerivation.derive(a, b, termsLog2: V)`.
    case kulisch(termsLog2: Int)
    /// A fixed-point register of a given width with the exact product's LSB, e.g. INT32 for
    /// INT8 inputs: a Kulisch register for 2^(bits − W0) terms.
    case fixedPoint(bits: Int)
    /// A floating-point accumulator (Figure 2b): binary16, binary32, bfloat16, or any signed float format.
    case float(Format)
    /// An OCP MX unit: blocks of `blockSize` element products summed exactly, scaled by the sum
    /// of the two shared scale exponents and accumulated in `outer` (Figure 2b), the per-block
    /// logic amortized over the block.
    case mxBlock(blockSize: Int, scale: Format, outer: Format)

    /// `fx+12`, `int32`, `fp16`, `fp32`, `bf16`, `binary16`, any float format name, `mx32:fp32`.
    public static func named(_ spelling: String) throws(HardwareError) -> AccumulatorSpec {
        let s = spelling.lowercased()
        if s.hasPrefix("fx+"), let v = Int(s.dropFirst(3)), (0...64).contains(v) { return .kulisch(termsLog2: v) }
        if s.hasPrefix("mx") {
            let parts = s.dropFirst(2).split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let k = Int(parts[0]), k >= 2, k <= 1 << 16 else {
                throw HardwareError("cannot read accumulator '\(spelling)' (expected mx<K>:<format>, e.g. mx32:fp32)")
            }
            let outer = try floatAccumulator(String(parts[1]))
            return .mxBlock(blockSize: k, scale: try! FormatRegistry.named("float8_e8m0fnu"), outer: outer)
        }
        let f: Format
        do { f = try FormatRegistry.named(spelling) } catch {
            throw HardwareError("unknown accumulator '\(spelling)' (fx+V, int32, fp16, fp32, bf16, a float format, mx32:fp32)")
        }
        if let i = f.integerLayout {
            guard i.signed else { throw HardwareError("an integer accumulator must be signed (got \(f.name))") }
            return .fixedPoint(bits: i.bits)
        }
        return .float(try floatAccumulator(spelling))
    }

    static func floatAccumulator(_ spelling: String) throws(HardwareError) -> Format {
        let f: Format
        do { f = try FormatRegistry.named(spelling) } catch { throw HardwareError(error.description) }
        guard let l = f.floatLayout, l.signed, l.subnormals else {
            throw HardwareError("a floating-point accumulator must be a signed float format with subnormals (got \(f.name))")
        }
        return f
    }

    /// The paper's spelling for the IEEE formats (`fp16`, `fp32`, `bf16`), the format name otherwise.
    public var name: String {
        switch self {
        case .kulisch(let v): return "fx+\(v)"
        case .fixedPoint(let bits): return "int\(bits)"
        case .float(let f): return AccumulatorSpec.shortName(f)
        case .mxBlock(let k, _, let outer): return "mx\(k):\(AccumulatorSpec.shortName(outer))"
        }
    }

    static func shortName(_ f: Format) -> String {
        switch f.name {
        case "binary16": return "fp16"
        case "binary32": return "fp32"
        case "binary64": return "fp64"
        case "bfloat16": return "bf16"
        default: return f.name
        }
    }
}

/// Two multiplier inputs and an accumulator.
public struct MACConfiguration: Sendable, Hashable {
    public let a: MACOperand
    public let b: MACOperand
    public let accumulator: AccumulatorSpec

    public init(_ a: MACOperand, _ b: MACOperand, _ accumulator: AccumulatorSpec) {
        self.a = a
        self.b = b
        self.accumulator = accumulator
    }
    public init(_ both: MACOperand, _ accumulator: AccumulatorSpec) { self.init(both, both, accumulator) }

    /// The input format's name when both inputs agree (`int8`, `fp8_e4m3`), else `a×b` (`int4×int8`).
    public var inputs: String { a.format == b.format ? a.format.name : "\(a.format.name)×\(b.format.name)" }
    public var symmetric: Bool { a.symmetric || b.symmetric }
}

/// A named width of a datapath, for listings.
public struct DatapathWidth: Sendable, Hashable {
    public let name: String
    public let bits: Int
}

/// A MAC datapath priced component by component.
public struct MACDatapath: Sendable {
    public let configuration: MACConfiguration
    public let components: [HardwareComponent]
    public let widths: [DatapathWidth]
    /// Where the configuration violates a constraint of Figure 2b (priced as labelled anyway).
    public let notes: [String]

    public func gates(_ part: MACPart) -> Double {
        components.filter { $0.part == part }.reduce(0) { $0 + $1.gatesPerProduct }
    }
    public var mpy: Double { gates(.mpy) }
    public var alignadd: Double { gates(.alignadd) }
    public var normacc: Double { gates(.normacc) }
    public var total: Double { components.reduce(0) { $0 + $1.gatesPerProduct } }
    public func width(_ name: String) -> Int? { widths.first { $0.name == name }?.bits }
}

// MARK: - Building

extension MACDatapath {
    /// The widths every datapath shares: derived from the two operands and the exact product.
    struct Product {
        let sa: Int, sb: Int
        let ea: Int, eb: Int
        /// Shift range of the exact product: (n_ea − 1) + (n_eb − 1).
        let k: Int
        /// Exact product width (Kulisch register for one term).
        let w0: Int
        /// Product significand width P = W0 − k.
        let p: Int
        /// E = max(ea, eb); the exponent adder exists when both operands have exponents.
        var e: Int { max(ea, eb) }
        var bothExponents: Bool { ea > 0 && eb > 0 }
    }

    static func product(_ c: MACConfiguration) -> Product {
        let d = KulischDerivation.derive(c.a.derivationFormat, c.b.derivationFormat, termsLog2: 0)
        let k = (c.a.exponentCount - 1) + (c.b.exponentCount - 1)
        let w0 = d.register.width
        return Product(sa: c.a.significandWidth, sb: c.b.significandWidth,
                       ea: c.a.exponentWidth, eb: c.b.exponentWidth, k: k, w0: w0, p: w0 - k)
    }

    /// Prices a configuration.
    public static func build(_ c: MACConfiguration) throws(HardwareError) -> MACDatapath {
        let pr = product(c)
        var notes: [String] = []
        if pr.p != pr.sa + pr.sb - 1 {
            notes.append("the exact product needs P = \(pr.p) bits, not 2S−1 = \(pr.sa + pr.sb - 1) (a two's-complement minimum squared)")
        }
        var widths = [
            DatapathWidth(name: "significand_a", bits: pr.sa), DatapathWidth(name: "significand_b", bits: pr.sb),
            DatapathWidth(name: "exponent_a", bits: pr.ea), DatapathWidth(name: "exponent_b", bits: pr.eb),
            DatapathWidth(name: "product", bits: pr.p), DatapathWidth(name: "shift_range", bits: pr.k),
            DatapathWidth(name: "exact_product", bits: pr.w0),
        ]
        var parts = multiplier(pr, floatPath: false)
        switch c.accumulator {
        case .kulisch(let v):
            let (comps, w) = kulisch(c, pr, termsLog2: v)
            parts += comps
            widths.append(DatapathWidth(name: "accumulator", bits: w))
        case .fixedPoint(let bits):
            guard bits >= pr.w0 else {
                throw HardwareError("a \(bits)-bit fixed-point accumulator cannot hold one exact \(c.inputs) product (\(pr.w0) bits)")
            }
            let (comps, w) = kulisch(c, pr, termsLog2: bits - pr.w0)
            precondition(w == bits)
            parts += comps
            widths.append(DatapathWidth(name: "accumulator", bits: w))
            widths.append(DatapathWidth(name: "terms_log2", bits: bits - pr.w0))
        case .float(let f):
            parts = multiplier(pr, floatPath: true)
            let l = f.floatLayout!
            let ep = productExponentBits(pr)
            parts += floatAccumulation(productBits: pr.p, productExponentBits: ep, accumulator: l, sharedBy: 1)
            widths += [DatapathWidth(name: "product_exponent", bits: ep),
                       DatapathWidth(name: "accumulator_exponent", bits: l.exponentBits),
                       DatapathWidth(name: "accumulator_significand", bits: l.mantissaBits + 2)]
            notes += floatNotes(c, productBits: pr.p, productExponentBits: ep, f)
        case .mxBlock(let blockSize, let scale, let outer):
            let v = GateCost.ceilLog2(blockSize)
            let (comps, w) = kulisch(c, pr, termsLog2: v)
            parts += comps
            let l = outer.floatLayout!
            let es = scale.floatLayout?.exponentBits ?? scale.bits
            let sa = l.mantissaBits + 2
            // Per block: add the two scale exponents, normalize the exact block sum to S_A + 2
            // bits (leading-zero count, left shift, sticky OR of the rest, exponent adjust), then
            // accumulate it in the outer format (Figure 2b with the block sum as its product).
            let dropped = max(0, w - (sa + 2))
            parts += [
                HardwareComponent(.mpy, "scale exponent adder", primitive: "N-bit add", width: es,
                                  detail: "E8M0 + E8M0, \(es) → \(es + 1) bits", gates: GateCost.adder(es), sharedBy: blockSize),
                HardwareComponent(.normacc, "block-sum leading-zero counter", primitive: "leading-zero counter", width: w,
                                  detail: "\(w) bits", gates: GateCost.leadingZeroCounter(w), sharedBy: blockSize),
                HardwareComponent(.normacc, "block-sum normalization shifter", primitive: "N-bit « [0,k]", width: w,
                                  detail: "«[0,\(w - 1)], \(w) bits", gates: GateCost.shiftLeft(w, range: w - 1), sharedBy: blockSize),
                HardwareComponent(.normacc, "block-sum sticky OR", primitive: "[N]OR2", width: dropped,
                                  detail: "\(dropped) bits below S_A+2", gates: max(0, dropped - 1) * GateCost.or2, sharedBy: blockSize),
                HardwareComponent(.normacc, "block exponent adjust", primitive: "N-bit add", width: es + 2,
                                  detail: "scale sum − leading zeros, \(es + 2) bits", gates: GateCost.adder(es + 2), sharedBy: blockSize),
            ]
            parts += floatAccumulation(productBits: sa + 2, productExponentBits: es + 2, accumulator: l, sharedBy: blockSize)
            widths += [DatapathWidth(name: "block_accumulator", bits: w), DatapathWidth(name: "block_size", bits: blockSize),
                       DatapathWidth(name: "accumulator_exponent", bits: l.exponentBits),
                       DatapathWidth(name: "accumulator_significand", bits: sa)]
        }
        return MACDatapath(configuration: c, components: parts, widths: widths, notes: notes)
    }

    /// The exponent field of the product in the pipeline register: E + 2 when both inputs have
    /// exponents (Figure 2b's width), e + 1 when one has, 0 for integers.
    static func productExponentBits(_ pr: Product) -> Int {
        if pr.bothExponents { return pr.e + 2 }
        return pr.e > 0 ? pr.e + 1 : 0
    }

    /// The significand multiplier and the exponent adder (the `mpy` part).
    static func multiplier(_ pr: Product, floatPath: Bool) -> [HardwareComponent] {
        var c = [
            HardwareComponent(.mpy, "significand partial products", primitive: "N×N partial-product bits",
                              width: max(pr.sa, pr.sb), detail: "\(pr.sa)×\(pr.sb)", gates: GateCost.partialProducts(pr.sa, pr.sb)),
            HardwareComponent(.mpy, "partial-product reduction", primitive: "N×N partial-product reduce",
                              width: max(pr.sa, pr.sb), detail: "\(pr.sa)×\(pr.sb) → \(pr.p) bits",
                              gates: GateCost.partialProductReduction(pr.sa, pr.sb)),
        ]
        if pr.bothExponents {
            // Figure 2a: E + E → E+1 bits; Figure 2b: (E+1) + (E+1) → E+2 bits.
            let n = floatPath ? pr.e + 1 : pr.e
            c.append(HardwareComponent(.mpy, "exponent adder", primitive: "N-bit add", width: n,
                                       detail: "\(n) + \(n) → \(n + 1) bits", gates: GateCost.adder(n)))
        }
        return c
    }

    /// Figure 2a after the multiplier: product pipeline register and alignment shifter (FP inputs
    /// only), the W0-bit adder, the accumulator register and the incrementer of its top V bits.
    static func kulisch(_ c: MACConfiguration, _ pr: Product, termsLog2 v: Int) -> ([HardwareComponent], Int) {
        let acc = KulischDerivation.derive(c.a.derivationFormat, c.b.derivationFormat, termsLog2: v)
        let w = acc.register.width
        precondition(w == pr.w0 + v, "Kulisch width \(w) ≠ exact product \(pr.w0) + V \(v)")
        var comps: [HardwareComponent] = []
        if pr.k > 0 {
            let ep = productExponentBits(pr)
            comps += [
                HardwareComponent(.alignadd, "product pipeline register", primitive: "FF", width: pr.p + ep,
                                  detail: "\(pr.p) product + \(ep) exponent bits", gates: GateCost.register(pr.p + ep)),
                HardwareComponent(.alignadd, "product alignment shifter", primitive: "N-bit « [0,k] widen", width: pr.w0,
                                  detail: "«[0,\(pr.k)] widen, \(pr.p) → \(pr.w0) bits",
                                  gates: GateCost.shiftLeftWiden(pr.p, range: pr.k)),
            ]
        }
        comps += [
            HardwareComponent(.alignadd, "Kulisch adder", primitive: "N-bit add", width: pr.w0,
                              detail: "\(pr.w0) bits", gates: GateCost.adder(pr.w0)),
            HardwareComponent(.normacc, "accumulator register", primitive: "FF", width: w,
                              detail: "\(w) bits (2^\(v) extreme terms)", gates: GateCost.register(w)),
            HardwareComponent(.normacc, "carry incrementer", primitive: "N-bit increment", width: v,
                              detail: "top \(v) bits", gates: GateCost.incrementer(v)),
        ]
        return (comps, w)
    }

    /// Figure 2b after the multiplier, every width from its labels with E_A and S_A the
    /// accumulator's exponent width and signed significand (sign, hidden bit, fraction).
    static func floatAccumulation(productBits p: Int, productExponentBits ep: Int, accumulator l: FloatFormat,
                                  sharedBy: Int) -> [HardwareComponent] {
        let ea = l.exponentBits, sa = l.mantissaBits + 2
        return [
            HardwareComponent(.alignadd, "product pipeline register", primitive: "FF", width: p + ep,
                              detail: "\(p) product + \(ep) exponent bits", gates: GateCost.register(p + ep), sharedBy: sharedBy),
            HardwareComponent(.alignadd, "exponent difference (max/diff)", primitive: "N-bit add", width: ea,
                              detail: "E_A = \(ea) bits", gates: GateCost.adder(ea), sharedBy: sharedBy),
            HardwareComponent(.alignadd, "sort on exponent", primitive: "MUX2", width: sa,
                              detail: "2 × S_A = 2 × \(sa) bits", gates: 2 * sa * GateCost.mux2, sharedBy: sharedBy),
            HardwareComponent(.alignadd, "alignment shifter (align smaller)", primitive: "N-bit » [0,k] signed", width: sa + 2,
                              detail: "»[0,\(sa + 1)], S_A+2 = \(sa + 2) bits", gates: GateCost.shiftRightSigned(sa + 2, range: sa + 1),
                              sharedBy: sharedBy),
            HardwareComponent(.alignadd, "significand adder", primitive: "N-bit add", width: sa + 3,
                              detail: "S_A+3 = \(sa + 3) bits", gates: GateCost.adder(sa + 3), sharedBy: sharedBy),
            HardwareComponent(.alignadd, "sum register", primitive: "FF", width: ea + sa + 3,
                              detail: "E_A + S_A+3 = \(ea + sa + 3) bits", gates: GateCost.register(ea + sa + 3), sharedBy: sharedBy),
            HardwareComponent(.normacc, "leading-zero counter", primitive: "leading-zero counter", width: sa + 3,
                              detail: "S_A+3 = \(sa + 3) bits", gates: GateCost.leadingZeroCounter(sa + 3), sharedBy: sharedBy),
            HardwareComponent(.normacc, "exponent update", primitive: "N-bit add", width: ea + 1,
                              detail: "E_A+1 = \(ea + 1) bits", gates: GateCost.adder(ea + 1), sharedBy: sharedBy),
            HardwareComponent(.normacc, "normalization shifter", primitive: "N-bit « [0,k]", width: sa + 2,
                              detail: "«[0,\(sa + 1)], S_A+2 = \(sa + 2) bits", gates: GateCost.shiftLeft(sa + 2, range: sa + 1),
                              sharedBy: sharedBy),
            HardwareComponent(.normacc, "rounding incrementer", primitive: "N-bit increment", width: sa,
                              detail: "S_A = \(sa) bits", gates: GateCost.incrementer(sa), sharedBy: sharedBy),
            HardwareComponent(.normacc, "accumulator register", primitive: "FF", width: ea + sa,
                              detail: "E_A + S_A = \(ea + sa) bits", gates: GateCost.register(ea + sa), sharedBy: sharedBy),
        ]
    }

    /// Where a floating-point accumulator falls short of Figure 2b's constraints, and what that
    /// means for the exact products (their range from the Kulisch derivation).
    static func floatNotes(_ c: MACConfiguration, productBits p: Int, productExponentBits ep: Int, _ acc: Format) -> [String] {
        var notes: [String] = []
        let l = acc.floatLayout!
        let name = AccumulatorSpec.shortName(acc)
        let ea = l.exponentBits, sa = l.mantissaBits + 2
        if sa < p {
            notes.append("S_A = \(sa) < P = \(p) (Figure 2b asks S_A ≥ 2S−1): products are rounded on entry to \(name)")
        }
        if ea < ep {
            notes.append("E_A = \(ea) < E+2 = \(ep) (Figure 2b asks E_A ≥ E+2)")
        }
        let d = KulischDerivation.derive(c.a.derivationFormat, c.b.derivationFormat, termsLog2: 0)
        if d.maxAbsProduct > l.maxFinite {
            notes.append("products up to \(ExactValue(d.maxAbsProduct)) exceed \(name)'s largest finite value \(ExactValue(l.maxFinite))")
        }
        if let tiny = l.minSubnormal, d.minAbsProduct < tiny {
            notes.append("products down to 2^\(d.minAbsProduct.floorLog2) lie below \(name)'s smallest subnormal 2^\(tiny.floorLog2)")
        }
        return notes
    }
}

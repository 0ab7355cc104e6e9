import OctetExact

/// How an MX block's shared E8M0 scale X = 2^e is chosen from the block's largest magnitude amax.
/// `emax` is the exponent of the element format's largest normal value (E4M3 8, E5M2 15, E3M2 4,
/// E2M3 2, E2M1 2, MXINT8 0) and `max` its largest finite value.
public enum MXScaleRule: String, Sendable, Hashable, CaseIterable {
    /// OCP MX v1.0 Algorithm 1: e = floor(log2 amax) − emax. Block maxima may round above the
    /// element's max after scaling; they saturate.
    case floor
    /// e = ceil(log2 amax) − emax (torchao CEIL).
    case ceil
    /// NVIDIA's choice: e = ceil(log2(amax / max)), the smallest power of two that scales amax
    /// into range, so nothing clips.
    case rceil
    /// torchao EVEN: amax is first rounded to the element's precision (round to nearest even,
    /// exponent unbounded), then e = floor(log2 of that) − emax.
    case even
}

/// A quantized MX block: the E8M0 scale code and the element codes.
public struct MXBlock: Sendable, Hashable {
    public let scaleCode: Int
    public let elements: [Int]
    public init(scaleCode: Int, elements: [Int]) {
        self.scaleCode = scaleCode
        self.elements = elements
    }
}

/// OCP MX block quantization: one shared E8M0 scale per block (32 elements by default) and
/// elements in FP8 (E4M3, E5M2), FP6 (E2M3, E3M2), FP4 (E2M1) or MXINT8.
///
/// 1. amax = max |v_i| over the block. An all-zero block gets e = −127 (the smallest scale). A
///    block with a NaN or infinite value gets the NaN scale (0xFF) and element codes 0: the block
///    decodes to NaN, as OCP MX says for a NaN scale.
/// 2. e by the rule; e < −127 is clamped to −127; e > 127 gives the NaN scale.
/// 3. P_i = encode(v_i / 2^e) into the element format with the rounding mode and saturation:
///    values beyond the element's max become ±max (MX "saturate normals").
///
/// MXINT8 elements are 8-bit two's complement with an implicit 2^-6: the values k/64,
/// k = −128…127 (−2.0 allowed, as gfloat; microxcaling clamps to ±127/64 — use
/// `symmetricInt8` to reproduce that).
public struct MXQuantizer: Sendable, Hashable {
    public let element: Format
    public let rule: MXScaleRule
    public let rounding: RoundingMode
    public let blockSize: Int
    public let symmetricInt8: Bool

    public static let e8m0 = try! FormatRegistry.named("float8_e8m0fnu")

    public init(element: Format, rule: MXScaleRule = .floor, rounding: RoundingMode = .rne, blockSize: Int = 32,
                symmetricInt8: Bool = false) throws(QuantizerError) {
        guard blockSize >= 1 else { throw .invalid("block size must be positive") }
        guard rounding != .sr else { throw .invalid("stochastic rounding needs random bits; MX quantization takes deterministic modes") }
        switch element.kind {
        case .integer(let i): guard i.bits == 8 && i.signed else { throw .invalid("the MX integer element is int8 (MXINT8)") }
        case .float: break
        case .tapered: throw .invalid("\(element.name) is tapered: MX elements are the OCP FP8/FP6/FP4 layouts or int8")
        }
        self.element = element
        self.rule = rule
        self.rounding = rounding
        self.blockSize = blockSize
        self.symmetricInt8 = symmetricInt8
    }

    /// The exponent of the element format's largest normal, and its largest finite value.
    public var elementEmax: Int {
        element.integerLayout != nil ? 0 : element.maxFinite.floorLog2
    }
    public var elementMax: Rational {
        element.integerLayout != nil ? Rational(numerator: BigInt(127), denominator: BigInt(64))! : element.maxFinite
    }

    /// The shared exponent e for a block maximum (nil: the NaN scale).
    public func sharedExponent(amax: Rational) -> Int? {
        guard !amax.isZero else { return -127 }
        let e: Int
        switch rule {
        case .floor: e = amax.floorLog2 - elementEmax
        case .ceil: e = ceilLog2(amax) - elementEmax
        case .rceil: e = ceilLog2(amax.divided(by: elementMax)!)
        case .even:
            // init admits fixed-layout floats and int8 (MXINT8: 7 magnitude bits)
            let p = element.floatLayout?.precision ?? 7
            let q = amax.floorLog2 - (p - 1)
            let (t, _) = Format.roundScaled(amax, scale: q, negative: false, mode: .rne, random: nil, lowerIsEven: { !$0.isOdd })
            e = Rational(t, timesTwoToThe: q).floorLog2 - elementEmax
        }
        if e > 127 { return nil }
        return max(e, -127)
    }

    func ceilLog2(_ r: Rational) -> Int {
        let f = r.floorLog2
        return r.exactLog2 != nil ? f : f + 1
    }

    public func quantize(_ values: [ExactValue]) throws(QuantizerError) -> MXBlock {
        guard values.count == blockSize else { throw .invalid("a block has \(blockSize) values (got \(values.count))") }
        if values.contains(where: { !$0.isFinite }) {
            return MXBlock(scaleCode: MXQuantizer.e8m0.floatLayout!.nanCode(negative: false)!, elements: Array(repeating: 0, count: blockSize))
        }
        var amax = Rational.zero
        for v in values { let m = v.rational!.magnitude; if m > amax { amax = m } }
        guard let e = sharedExponent(amax: amax) else {
            return MXBlock(scaleCode: 0xFF, elements: Array(repeating: 0, count: blockSize))
        }
        var codes: [Int] = []
        for v in values {
            let scaled: ExactValue
            switch v {
            case .zero: scaled = v
            default: scaled = ExactValue(v.rational!.timesPowerOfTwo(-e))
            }
            codes.append(try encodeElement(scaled))
        }
        return MXBlock(scaleCode: e + 127, elements: codes)
    }

    func encodeElement(_ x: ExactValue) throws(QuantizerError) -> Int {
        switch element.kind {
        case .float, .tapered:
            do { return try element.encode(x, rounding: rounding, overflow: .saturate).code } catch { throw .encode(error) }
        case .integer(let i):
            // MXINT8: round x · 64 to an integer, saturate to −128…127 (or −127…127).
            let wide = try! FormatRegistry.named("int32")
            let k = wide.integerLayout!.value(of: try! wide.encode(ExactValue(x.rational!.timesPowerOfTwo(6)), rounding: rounding).code)
            return i.code(of: min(max(k, symmetricInt8 ? -127 : -128), 127))
        }
    }

    /// The value of element code `code` under scale code `scaleCode` (NaN for the NaN scale).
    public func value(scaleCode: Int, element code: Int) -> ExactValue {
        guard scaleCode != 0xFF else { return .nan(negative: false) }
        let p = elementValue(code)
        guard let r = p.rational else { return p }
        if r.isZero { return p }
        return ExactValue(r.timesPowerOfTwo(scaleCode - 127))
    }

    func elementValue(_ code: Int) -> ExactValue {
        switch element.kind {
        case .float, .tapered: return element.value(ofCode: code)
        case .integer(let i): return ExactValue(Rational(BigInt(i.value(of: code)), timesTwoToThe: -6))
        }
    }

    /// The exact value X(A)·X(B)·Σ P_i(A)·P_i(B) (NaN for a NaN scale).
    public func exactDot(_ a: MXBlock, _ b: MXBlock, other: MXQuantizer? = nil) -> ExactValue {
        let bq = other ?? self
        if a.scaleCode == 0xFF || b.scaleCode == 0xFF { return .nan(negative: false) }
        let products = zip(a.elements, b.elements).map {
            ExactArithmetic.multiply(Operand(elementValue($0)), Operand(bq.elementValue($1)))
        }
        switch ExactArithmetic.sum(products) {
        case .finite(let d, let nz):
            return Operand.finite(d.timesPowerOfTwo(a.scaleCode - 127 + b.scaleCode - 127), negativeZero: nz).exactValue
        case let other: return other.exactValue
        }
    }

    /// The MX dot product of two blocks, `X(A)·X(B)·Σ P_i(A)·P_i(B)`, exact, rounded once into
    /// `output`. A NaN scale on either side gives NaN.
    public func dot(_ a: MXBlock, _ b: MXBlock, other: MXQuantizer? = nil, output: Format,
                    rounding: RoundingMode = .rne, overflow: OverflowPolicy = .saturate) throws(QuantizerError) -> Encoded {
        let bq = other ?? self
        guard a.elements.count == b.elements.count else { throw .invalid("blocks of different sizes (\(a.elements.count) and \(b.elements.count))") }
        if a.scaleCode == 0xFF || b.scaleCode == 0xFF {
            do { return try output.encode(.nan(negative: false), rounding: rounding, overflow: overflow) } catch { throw .encode(error) }
        }
        let products = zip(a.elements, b.elements).map {
            ExactArithmetic.multiply(Operand(elementValue($0)), Operand(bq.elementValue($1)))
        }
        let s = ExactArithmetic.sum(products, rounding: rounding)
        let scaled: Operand
        switch s {
        case .finite(let d, let nz):
            scaled = .finite(d.timesPowerOfTwo(a.scaleCode - 127 + b.scaleCode - 127), negativeZero: nz)
        default: scaled = s
        }
        do { return try ExactArithmetic.round(scaled, to: output, rounding: rounding, overflow: overflow) } catch { throw .encode(error) }
    }
}

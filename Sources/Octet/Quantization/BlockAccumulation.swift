import OctetExact

/// Block-scaled dots under every accumulator model of Specs/accumulation.md (§ "Block-scaled
/// dots"). A term is the exact product of two dequantized elements, x·y with x = q_x·S_x: an
/// element value q in its own format times its block's scale S (block scale × tensor scale; for
/// integer groups q is q − z). The exact and float models need only the value; the truncated
/// model also needs the exponent at which a datapath holds the product unnormalised, and a
/// derived Kulisch register needs the terms' range. Both come from the tensors here, not from
/// the dequantized values alone.
public struct BlockTerm: Sendable, Hashable {
    /// The exact product x·y (NaN or an infinity when an MX block holds one).
    public let value: Operand
    /// e(q_x) + e(q_y) + ⌊log2 S_x⌋ + ⌊log2 S_y⌋, with e the binade exponent of an element in its
    /// format (`TruncatedAccumulator.binadeExponent`: subnormals keep emin). For a power-of-two
    /// scale (MX) this is exactly the element model's exponent shifted by the scales; a scale
    /// with a significand (E4M3, binary32) leaves the product's significand in [0, 8) or wider,
    /// not renormalised, as for subnormal products.
    public let exponent: Int
    public init(value: Operand, exponent: Int) {
        self.value = value
        self.exponent = exponent
    }
}

extension BlockTensor {
    /// The element at (r, c) as a datapath holds it: its value in the element format (MXINT8:
    /// the code × 2^-6; integer groups: q − z), that value's binade exponent, and the scale S it
    /// is multiplied by (nil when the scale is NaN or infinite: an MX NaN scale, or a user-supplied non-finite scale).
    public func factor(row r: Int, column c: Int) -> (element: ExactValue, exponent: Int, scale: Rational?) {
        let sc = scale(row: r, column: c)
        let code = codes[r][c]
        let element: ExactValue, s: Rational?
        switch scheme.scaling {
        case .mx:
            let e8 = BlockScheme.e8m0.value(ofCode: sc)
            s = e8.rational
            if scheme.mxInt8 {
                element = ExactValue(Rational(scheme.element.integerLayout!.value(of: code)).timesPowerOfTwo(-6))
            } else {
                element = scheme.element.value(ofCode: code)
            }
        case .e4m3:
            let st = tensorScale.map { BlockScheme.binary32.value(ofCode: Int($0)).rational } ?? .one
            element = scheme.element.value(ofCode: code)
            s = BlockScheme.ue4m3.value(ofCode: sc).rational.flatMap { b in st.map { b * $0 } }
        case .float32:
            element = scheme.element.value(ofCode: code)
            s = BlockScheme.binary32.value(ofCode: sc).rational
        case .integer(let zp):
            let i = scheme.element.integerLayout!
            var z = Rational.zero
            if let zc = zeroPoints?[r / scheme.blockRows][c / scheme.blockCols] {
                z = zp == .integer ? Rational(i.value(of: zc)) : (BlockScheme.binary32.value(ofCode: zc).rational ?? .zero)
            }
            element = ExactValue(Rational(i.value(of: code)) - z)   // (a non-finite zero point: value(row:column:) is NaN)
            s = BlockScheme.binary32.value(ofCode: sc).rational
        }
        let e: Int
        if let d = element.rational.flatMap({ Dyadic(exactly: $0) }) {
            if case .float = scheme.element.kind, !scheme.mxInt8 {
                e = TruncatedAccumulator.binadeExponent(d.magnitude, in: scheme.element)
            } else {
                e = d.isZero ? 0 : d.floorLog2
            }
        } else {
            e = 0
        }
        return (element, e, s)
    }

    /// The terms of the dot of row `r` of this tensor with row `rb` of `other` (rows of one length).
    public func terms(row r: Int, with other: BlockTensor, row rb: Int) throws(BlockError) -> [BlockTerm] {
        guard columns[r] == other.columns[rb] else {
            throw BlockError("vectors of \(columns[r]) and \(other.columns[rb]) elements")
        }
        return (0 ..< columns[r]).map { c in
            let x = factor(row: r, column: c), y = other.factor(row: rb, column: c)
            let p = ExactArithmetic.multiply(Operand(value(row: r, column: c)), Operand(other.value(row: rb, column: c)))
            let sx = x.scale.flatMap { $0.isZero ? nil : $0.floorLog2 } ?? 0
            let sy = y.scale.flatMap { $0.isZero ? nil : $0.floorLog2 } ?? 0
            return BlockTerm(value: p, exponent: x.exponent + y.exponent + sx + sy)
        }
    }
}

extension BlockArithmetic {
    /// The dot of row `ra` of `a` with row `rb` of `b` (both 1×k-blocked along the vector), under
    /// any accumulator model, rounded once into `output`. Returns the exact sum too.
    public static func dot(_ a: BlockTensor, row ra: Int, _ b: BlockTensor, row rb: Int, model: AccumulatorModel, output: Format,
                           rounding: RoundingMode = .rne, overflow: OverflowPolicy = .ovfinf) throws(BlockError) -> Encoded {
        try accumulate(try a.terms(row: ra, with: b, row: rb), model: model, output: output, rounding: rounding, overflow: overflow)
    }

    /// Σ terms under `model`, then one rounding into `output`. `.initialized(m, C)` puts C first,
    /// with exponent ⌊log2|C|⌋ (as Dot.compute does for element formats). A `kulisch` register
    /// without an LSB takes the lowest set bit of the terms; without a width, the smallest width
    /// holding every partial sum of these terms (Σ|t| bounds them) — the register this data needs.
    public static func accumulate(_ terms: [BlockTerm], model: AccumulatorModel, output: Format,
                                  rounding: RoundingMode = .rne, overflow: OverflowPolicy = .ovfinf) throws(BlockError) -> Encoded {
        var model = model
        var terms = terms
        var initial: Operand?
        while case .initialized(let inner, let c) = model {
            model = inner
            initial = Operand(c)
        }
        if let initial {
            let e = initial.dyadic.flatMap { $0.isZero ? nil : $0.floorLog2 } ?? 0
            terms.insert(BlockTerm(value: initial, exponent: e), at: 0)
        }
        let products = terms.map(\.value)
        let acc: Operand
        do {
            switch model {
            case .exact, .initialized:
                acc = ExactArithmetic.sum(products, rounding: rounding)
            case .float(let f):
                acc = try f.accumulate(initial == nil ? products : Array(products.dropFirst()), initial: initial)
            case .truncated(let t):
                acc = try t.accumulate(terms.map { TruncatedAccumulator.Term(value: $0.value, exponent: $0.exponent) })
            case .kulisch(let reg):
                acc = try register(for: reg, products).accumulate(products, rounding: rounding)
            }
        } catch let e as KulischError {
            throw BlockError(e.description)
        } catch let e as EncodeError {
            throw BlockError(e.description)
        } catch {
            throw BlockError("\(error)")
        }
        do { return try ExactArithmetic.round(acc, to: output, rounding: rounding, overflow: overflow) } catch {
            throw BlockError(error.description)
        }
    }

    /// The register of a `kulisch` model for these products (see `accumulate`).
    static func register(for model: KulischRegister?, _ products: [Operand]) -> KulischRegister {
        let finite = products.compactMap(\.dyadic).filter { !$0.isZero }
        let lsb = model.map(\.lsbExponent).flatMap { $0 == Int.min ? nil : $0 } ?? (finite.map(\.exponent).min() ?? 0)
        if let m = model { return KulischRegister(width: m.width, lsbExponent: lsb) }
        var total = BigInt(0)
        for d in finite where d.exponent >= lsb { total += d.magnitude.significand << (d.exponent - lsb) }
        return KulischRegister(width: KulischDerivation.twosComplementWidth(total), lsbExponent: lsb)
    }

    /// Terms of two vectors of raw dequantized values (no element format known): each value's
    /// exponent is ⌊log2|x|⌋ (0 for zero and non-finite values).
    public static func terms(_ x: [ExactValue], _ y: [ExactValue]) -> [BlockTerm] {
        zip(x, y).map { a, b in
            func e(_ v: ExactValue) -> Int { v.rational.flatMap { $0.isZero ? nil : $0.floorLog2 } ?? 0 }
            return BlockTerm(value: ExactArithmetic.multiply(Operand(a), Operand(b)), exponent: e(a) + e(b))
        }
    }
}

extension BlockArithmetic {
    /// C = A·B with A's rows and Bᵀ's rows (B's columns) quantized tensors of one row length K;
    /// each entry one `dot` of tensor rows, so every accumulator model applies.
    public static func gemm(_ a: BlockTensor, _ bColumns: BlockTensor, model: AccumulatorModel, output: Format,
                            rounding: RoundingMode = .rne, overflow: OverflowPolicy = .ovfinf) throws(BlockError) -> [[Encoded]] {
        guard let k = a.columns.first, a.columns.allSatisfy({ $0 == k }) else { throw BlockError("A must be a non-empty matrix with rows of one length") }
        guard bColumns.columns.allSatisfy({ $0 == k }) else { throw BlockError("B has \(bColumns.columns.first ?? 0) rows, A has \(k) columns") }
        var out: [[Encoded]] = []
        for i in 0 ..< a.rows {
            var r: [Encoded] = []
            for j in 0 ..< bColumns.rows {
                do { r.append(try dot(a, row: i, bColumns, row: j, model: model, output: output, rounding: rounding, overflow: overflow)) } catch {
                    throw BlockError(row: i + 1, column: j + 1, error.message)
                }
            }
            out.append(r)
        }
        return out
    }
}

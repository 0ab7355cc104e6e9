import OctetExact

/// A block-scaled tensor format, as data: the element format, the block shape, how each block's
/// scale (and, for integers, zero point) is chosen and stored, and how codes are packed. Like a
/// `Format`, a scheme is looked up by name (`BlockSchemes.named`) and every quantity it stores is
/// the result of exactly one rounding of an exact value (Specs/blocks.md).
public struct BlockScheme: Sendable, Hashable, CustomStringConvertible {
    /// How a block's scale is derived from its largest magnitude amax and stored.
    public enum Scaling: Sendable, Hashable {
        /// OCP MX v1.0: a shared E8M0 power of two by `MXScaleRule` (and `pow2` FP8 blocks, which
        /// are the `rceil` rule). Elements are `x / 2^e`, saturating.
        case mx(MXScaleRule)
        /// NVFP4: block scales in (U)E4M3, `E4M3(amax_block / (max_elem · s_t))`; with
        /// `tensorScale`, a binary32 `s_t = fl32(amax_tensor / (max_elem · 448))`, else s_t = 1.
        case e4m3(tensorScale: Bool)
        /// A binary32 scale `fl32(amax / max_elem)` per block (FP8 1×128 and 128×128 blocks).
        case float32
        /// Integer groups: binary32 scale and, unless symmetric, a zero point.
        case integer(ZeroPoint)
    }

    /// Zero points of integer groups (dequantized value `(q − z) · s`).
    public enum ZeroPoint: String, Sendable, Hashable {
        /// z = 0, `s = fl32(amax / qmax)`, signed elements.
        case symmetric
        /// z an integer code of the element format: `z = clamp(RNE(−lo / s))`.
        case integer
        /// z a binary32 value: `z = fl32(−lo / s)`.
        case float
    }

    /// How sub-byte codes are packed into bytes (JSON and plain output list codes unpacked).
    public enum Packing: String, Sendable, Hashable, CaseIterable {
        /// Two 4-bit codes per byte, element 2i in the low nibble (PyTorch `float4_e2m1fn_x2`,
        /// NVIDIA's FP4 tensors).
        case lowFirst = "low-first"
        /// Element 2i in the high nibble.
        case highFirst = "high-first"
        /// AWQ: eight 4-bit codes per little-endian 32-bit word, nibble k holding element
        /// [0, 2, 4, 6, 1, 3, 5, 7][k].
        case awq
    }

    public let name: String
    public let element: Format
    /// Block shape: rows × columns (1 × k runs along each row).
    public let blockRows: Int
    public let blockCols: Int
    public let scaling: Scaling
    public let rounding: RoundingMode
    /// The default packing of sub-byte elements.
    public let packing: Packing
    /// MXINT8 elements: int8 codes with an implicit 2^-6.
    public let mxInt8: Bool
    /// Whose arithmetic computes the stored quantities (Specs/blocks.md §6): `.exact` (one
    /// rounding per stored quantity), or a library's binary32 steps (BlockProfiles.swift).
    public let profile: Profile

    public var description: String { name }
    public var isTwoDimensional: Bool { blockRows > 1 }

    static let binary32 = try! FormatRegistry.named("binary32")
    /// The format of the tensor scale of two-level schemes (binary32).
    public static let tensorScaleFormat = binary32
    static let e4m3 = try! FormatRegistry.named("float8_e4m3fn")
    /// NVFP4's block-scale format: the unsigned E4M3 of CUTLASS `float_ue4m3_t` (the codes of
    /// float8_e4m3fn's non-negative values; a scale is never negative).
    static let ue4m3 = try! FormatRegistry.named("float8_ue4m3")
    static let e8m0 = try! FormatRegistry.named("float8_e8m0fnu")

    /// The format of the stored block scales.
    public var scaleFormat: Format {
        switch scaling {
        case .mx: return Self.e8m0
        case .e4m3: return Self.ue4m3
        case .float32, .integer: return Self.binary32
        }
    }

    public init(name: String, element: Format, blockRows: Int = 1, blockCols: Int, scaling: Scaling,
                rounding: RoundingMode = .rne, packing: Packing = .lowFirst, mxInt8: Bool = false, profile: Profile = .exact) throws(QuantizerError) {
        guard blockRows >= 1, blockCols >= 1, blockRows <= 1 << 16, blockCols <= 1 << 16 else {
            throw .invalid("block shape \(blockRows)×\(blockCols): each side must be 1…65536")
        }
        guard rounding != .sr else { throw .invalid("block quantization takes deterministic rounding modes (sr needs random bits)") }
        if case .integer(let z) = scaling {
            guard let i = element.integerLayout else { throw .invalid("integer groups need an integer element format") }
            if z == .symmetric && !i.signed { throw .invalid("symmetric groups need a signed element format") }
            if z != .symmetric && i.signed { throw .invalid("groups with a zero point use an unsigned element format") }
        } else if element.integerLayout != nil && !mxInt8 {
            throw .invalid("\(element.name) elements need integer scaling (or MXINT8)")
        }
        guard element.bits <= 8 else { throw .invalid("block elements have at most 8 bits") }
        // MX blocks are quantized and decoded by MXQuantizer: refuse here what it refuses (a tapered
        // element), so the quantizer built later from this scheme always exists.
        if case .mx(let rule) = scaling { _ = try MXQuantizer(element: element, rule: rule, rounding: rounding, blockSize: 1) }
        self.name = name
        self.element = element
        self.blockRows = blockRows
        self.blockCols = blockCols
        self.scaling = scaling
        self.rounding = rounding
        self.packing = packing
        self.mxInt8 = mxInt8
        self.profile = profile
        try checkProfile(profile)
    }

    /// The same scheme with another MX scale rule (an error for schemes that are not MX).
    public func with(rule: MXScaleRule) throws(QuantizerError) -> BlockScheme {
        guard case .mx = scaling else { throw .invalid("--rule applies to MX schemes, not \(name)") }
        return try BlockScheme(name: name, element: element, blockRows: blockRows, blockCols: blockCols, scaling: .mx(rule),
                               rounding: rounding, packing: packing, mxInt8: mxInt8, profile: profile)
    }

    /// The largest finite element value (MXINT8: 127/64; integers: their largest code value).
    public var elementMax: Rational {
        if mxInt8 { return Rational(numerator: BigInt(127), denominator: BigInt(64))! }
        return element.maxFinite
    }

    /// Whether the scheme stores NaN (only MX: the E8M0 NaN scale marks a block with NaN or Inf).
    public var hasNaN: Bool { if case .mx = scaling { return true } else { return false } }
}

/// A quantized tensor: per-row element codes, per-block scales (and zero points), a tensor scale.
public struct BlockTensor: Sendable, Hashable {
    public let scheme: BlockScheme
    /// Row lengths (equal for 2-D schemes).
    public let columns: [Int]
    /// binary32 bits of the tensor scale s_t (two-level schemes only).
    public var tensorScale: UInt32?
    /// scales[blockRow][blockCol]: codes of `scheme.scaleFormat` (binary32 bits for float32 scales).
    public var scales: [[Int]]
    /// zeroPoints[blockRow][blockCol]: element codes (integer zero points) or binary32 bits.
    public var zeroPoints: [[Int]]?
    /// codes[row][column]: element codes.
    public var codes: [[Int]]

    public var rows: Int { codes.count }

    public init(scheme: BlockScheme, columns: [Int], tensorScale: UInt32?, scales: [[Int]], zeroPoints: [[Int]]?, codes: [[Int]]) {
        self.scheme = scheme
        self.columns = columns
        self.tensorScale = tensorScale
        self.scales = scales
        self.zeroPoints = zeroPoints
        self.codes = codes
    }

    /// The scale code of the block holding (row, column).
    public func scale(row: Int, column: Int) -> Int { scales[row / scheme.blockRows][column / scheme.blockCols] }

    /// The scale codes of one row's blocks, in column order (2-D tiles repeat on each of their rows).
    public func rowScales(_ r: Int) -> [Int] { scales[r / scheme.blockRows] }
    public func rowZeroPoints(_ r: Int) -> [Int]? { zeroPoints?[r / scheme.blockRows] }
}

/// A position in a tensor, for errors: 1-based row and column.
public struct BlockError: Error, Sendable, Equatable, CustomStringConvertible {
    public let row: Int?
    public let column: Int?
    public let message: String
    public init(row: Int? = nil, column: Int? = nil, _ message: String) {
        self.row = row
        self.column = column
        self.message = message
    }
    public var description: String {
        var s = ""
        if let row { s += "row \(row)" }
        if let column { s += (s.isEmpty ? "" : ", ") + "column \(column)" }
        return s.isEmpty ? message : s + ": " + message
    }
}

extension BlockScheme {
    /// Quantizes a tensor given as rows of exact values (Specs/blocks.md §2). 1-D schemes take
    /// rows of any lengths, each cut into blocks of `blockCols` from its start (the last block
    /// of a row may be shorter); 2-D schemes need rows of one length and tile them, the tiles at
    /// the bottom and right edges being smaller when the shape does not divide.
    public func quantize(_ values: [[ExactValue]]) throws(BlockError) -> BlockTensor {
        if profile != .exact { return try quantizeProfiled(values) }
        guard !values.isEmpty else { throw BlockError("an empty tensor (no rows)") }
        for (r, row) in values.enumerated() {
            if row.isEmpty { throw BlockError(row: r + 1, "an empty row") }
            if isTwoDimensional && row.count != values[0].count { throw notRectangular(row: r, count: row.count, first: values[0].count) }
        }
        if !hasNaN {
            for (r, row) in values.enumerated() {
                for (c, v) in row.enumerated() where !v.isFinite {
                    throw BlockError(row: r + 1, column: c + 1, "\(v) has no encoding in \(name) (its scales and elements have no NaN or infinity)")
                }
            }
        }
        // The tensor scale (two-level schemes).
        var st: Rational = .one
        var tensorScale: UInt32?
        if case .e4m3(true) = scaling {
            var amax = Rational.zero
            for row in values { for v in row { if let m = v.rational?.magnitude, m > amax { amax = m } } }
            let code = Self.fl32(amax.divided(by: elementMax * Rational(448))!)
            tensorScale = UInt32(code)
            st = Self.binary32.value(ofCode: code).rational ?? .zero
            if st.isZero && !amax.isZero {
                throw BlockError("the tensor's amax \(amax) makes the binary32 tensor scale amax/\(elementMax * Rational(448)) underflow to 0")
            }
        }
        var scales: [[Int]] = [], zeros: [[Int]]? = nil
        var codes = values.map { Array(repeating: 0, count: $0.count) }
        if case .integer(let z) = scaling, z != .symmetric { zeros = [] }
        for line in tiles(rowLengths: values.map(\.count)) {
            var rowScales: [Int] = [], rowZeros: [Int] = []
            for block in line {
                let (s, z, q) = try quantizeBlock(block.map { values[$0.0][$0.1] }, tensorScale: st, at: (block[0].0 + 1, block[0].1 + 1))
                rowScales.append(s)
                if let z { rowZeros.append(z) }
                for (k, (r, c)) in block.enumerated() { codes[r][c] = q[k] }
            }
            scales.append(rowScales)
            if zeros != nil { zeros!.append(rowZeros) }
        }
        return BlockTensor(scheme: self, columns: values.map(\.count), tensorScale: tensorScale, scales: scales, zeroPoints: zeros, codes: codes)
    }

    /// The blocks of a tensor with these row lengths, in the order their scales are stored:
    /// [block row][block column] → the (row, column) positions of the block, row by row. Blocks
    /// start at each row's start; a row's last block and the last block row may be short.
    func tiles(rowLengths: [Int]) -> [[[(Int, Int)]]] {
        stride(from: 0, to: rowLengths.count, by: blockRows).map { r0 in
            let rows = r0 ..< min(r0 + blockRows, rowLengths.count)
            let width = rows.map { rowLengths[$0] }.max()!
            return stride(from: 0, to: width, by: blockCols).map { c0 in
                rows.flatMap { r in (c0 ..< min(c0 + blockCols, rowLengths[r])).map { (r, $0) } }
            }
        }
    }

    /// The error for row `r` (0-based) of a 2-D scheme's tensor whose length differs from row 1's.
    func notRectangular(row r: Int, count: Int, first: Int) -> BlockError {
        BlockError(row: r + 1, "\(count) values, but row 1 has \(first): a \(blockRows)×\(blockCols) scheme tiles a rectangular tensor")
    }

    /// binary32 code of fl32(r): round to nearest even, IEEE overflow.
    static func fl32(_ r: Rational) -> Int {
        try! binary32.encode(ExactValue(r), rounding: .rne, overflow: .ovfinf).code
    }

    static func amax(_ xs: [ExactValue]) -> Rational {
        var m = Rational.zero
        for x in xs { if let r = x.rational?.magnitude, r > m { m = r } }
        return m
    }

    func encodeElement(_ x: ExactValue) throws(BlockError) -> Int {
        do { return try element.encode(x, rounding: rounding, overflow: .saturate).code } catch {
            throw BlockError("\(error.description)")
        }
    }

    /// One block: (scale code, zero point code, element codes).
    func quantizeBlock(_ xs: [ExactValue], tensorScale st: Rational, at position: (Int, Int)) throws(BlockError) -> (Int, Int?, [Int]) {
        switch scaling {
        case .mx(let rule):
            let q: MXQuantizer
            do { q = try MXQuantizer(element: element, rule: rule, rounding: rounding, blockSize: xs.count) } catch {
                throw BlockError(row: position.0, column: position.1, error.description)
            }
            do {
                let b = try q.quantize(xs)
                return (b.scaleCode, nil, b.elements)
            } catch {
                throw BlockError(row: position.0, column: position.1, error.description)
            }
        case .e4m3:
            let a = Self.amax(xs)
            guard !st.isZero, !a.isZero else { return (0, nil, xs.map { _ in 0 }) }
            let sc: Int
            do { sc = try Self.ue4m3.encode(ExactValue(a.divided(by: elementMax * st)!), rounding: .rne, overflow: .saturate).code } catch {
                throw BlockError(row: position.0, column: position.1, error.description)
            }
            let scaleValue = Self.ue4m3.value(ofCode: sc).rational!
            if scaleValue.isZero { return (sc, nil, xs.map { _ in 0 }) }   // a block scale that rounds to 0: +0 elements
            let d = scaleValue * st
            var out: [Int] = []
            for x in xs { out.append(try encodeElement(Self.divide(x, d))) }
            return (sc, nil, out)
        case .float32:
            let a = Self.amax(xs)
            let sc = a.isZero ? Self.fl32(.one) : Self.fl32(a.divided(by: elementMax)!)
            let s = Self.binary32.value(ofCode: sc).rational!
            if s.isZero { throw BlockError(row: position.0, column: position.1, "the block's amax \(a) makes its binary32 scale underflow to 0") }
            var out: [Int] = []
            for x in xs { out.append(try encodeElement(Self.divide(x, s))) }
            return (sc, nil, out)
        case .integer(let zp):
            let i = element.integerLayout!
            var lo = Rational.zero, hi = Rational.zero
            for x in xs { if let r = x.rational { if r < lo { lo = r }; if r > hi { hi = r } } }
            let sc: Int
            if zp == .symmetric {
                let a = max(-lo, hi)
                sc = a.isZero ? Self.fl32(.one) : Self.fl32(a.divided(by: Rational(i.maxValue))!)
            } else {
                let span = hi - lo
                sc = span.isZero ? Self.fl32(.one) : Self.fl32(span.divided(by: Rational(i.maxValue - i.minValue))!)
            }
            let s = Self.binary32.value(ofCode: sc).rational!
            if s.isZero { throw BlockError(row: position.0, column: position.1, "the group's range makes its binary32 scale underflow to 0") }
            var z = Rational.zero
            var zCode: Int?
            switch zp {
            case .symmetric: break
            case .integer:
                let k = try encodeElement(ExactValue((-lo).divided(by: s)!))   // RNE, clamped to the element's range
                zCode = k
                z = Rational(i.value(of: k))
            case .float:
                let k = Self.fl32((-lo).divided(by: s)!)
                zCode = k
                z = Self.binary32.value(ofCode: k).rational!
            }
            var out: [Int] = []
            for x in xs { out.append(try encodeElement(ExactValue(x.rational!.divided(by: s)! + z))) }
            return (sc, zCode, out)
        }
    }

    /// x / d for d > 0, keeping the sign of zero.
    static func divide(_ x: ExactValue, _ d: Rational) -> ExactValue {
        guard let r = x.rational, !r.isZero else { return x }
        return ExactValue(r.divided(by: d)!)
    }
}

extension BlockTensor {
    /// The exact value of the element at (row, column): element × block scale (× tensor scale);
    /// (q − z) · s for integer groups; NaN in an MX block with the NaN scale.
    public func value(row r: Int, column c: Int) -> ExactValue {
        let sc = scale(row: r, column: c)
        let code = codes[r][c]
        switch scheme.scaling {
        case .mx:
            let q = try! MXQuantizer(element: scheme.element, rule: .floor, rounding: scheme.rounding, blockSize: 1)
            return q.value(scaleCode: sc, element: code)
        case .e4m3:
            let st = tensorScale.map { BlockScheme.binary32.value(ofCode: Int($0)) } ?? ExactValue(Rational.one)
            return Self.scaled(Self.scaled(scheme.element.value(ofCode: code), BlockScheme.ue4m3.value(ofCode: sc)), st)
        case .float32:
            return Self.scaled(scheme.element.value(ofCode: code), BlockScheme.binary32.value(ofCode: sc))
        case .integer(let zp):
            let i = scheme.element.integerLayout!
            let s = BlockScheme.binary32.value(ofCode: sc)
            var z = ExactValue(Rational.zero)
            if let zc = zeroPoints?[r / scheme.blockRows][c / scheme.blockCols] {
                z = zp == .integer ? ExactValue(Rational(i.value(of: zc))) : BlockScheme.binary32.value(ofCode: zc)
            }
            let q = Rational(i.value(of: code))
            if let zr = z.rational, let sr = s.rational { return ExactValue((q - zr) * sr) }
            // A NaN or infinite scale or zero point (only in tensors a user supplies): IEEE rules.
            return ExactArithmetic.multiply(ExactArithmetic.sum([Operand(ExactValue(q)), Operand(-z)]), Operand(s)).exactValue
        }
    }

    /// Element × scale. A finite scale follows `scaled(_:_:)` below; a NaN or infinite scale (only
    /// in tensors a user supplies: quantize never stores one outside MX) multiplies by IEEE rules,
    /// so NaN propagates and 0 × Inf is NaN.
    static func scaled(_ v: ExactValue, _ s: ExactValue) -> ExactValue {
        if let sr = s.rational { return scaled(v, sr) }
        return ExactArithmetic.multiply(Operand(v), Operand(s)).exactValue
    }

    static func scaled(_ v: ExactValue, _ s: Rational) -> ExactValue {
        guard let r = v.rational else { return v }
        if r.isZero { return s.isZero ? .zero(negative: false) : v }
        return ExactValue(r * s)
    }

    /// Every value, row by row.
    public func dequantize() -> [[ExactValue]] {
        codes.indices.map { r in codes[r].indices.map { value(row: r, column: $0) } }
    }

    /// The codes of row `r` packed into bytes (4-bit elements only), by `packing`; an odd
    /// count leaves the last nibble 0, AWQ pads to a whole word with zero codes.
    public func packed(row r: Int, _ packing: BlockScheme.Packing? = nil) throws(BlockError) -> [UInt8] {
        guard scheme.element.bits == 4 else { throw BlockError("packing is defined for 4-bit elements; \(scheme.element.name) is \(scheme.element.bits) bits (use the unpacked codes)") }
        let cs = codes[r]
        switch packing ?? scheme.packing {
        case .lowFirst, .highFirst:
            let low = (packing ?? scheme.packing) == .lowFirst
            return stride(from: 0, to: cs.count, by: 2).map { i in
                let a = UInt8(cs[i] & 0xF), b = UInt8(i + 1 < cs.count ? cs[i + 1] & 0xF : 0)
                return low ? a | b << 4 : a << 4 | b
            }
        case .awq:
            let order = [0, 2, 4, 6, 1, 3, 5, 7]
            var out: [UInt8] = []
            for w in stride(from: 0, to: cs.count, by: 8) {
                var word: UInt32 = 0
                for (k, e) in order.enumerated() where w + e < cs.count { word |= UInt32(cs[w + e] & 0xF) << (4 * k) }
                out += [UInt8(word & 0xFF), UInt8(word >> 8 & 0xFF), UInt8(word >> 16 & 0xFF), UInt8(word >> 24)]
            }
            return out
        }
    }
}

/// Block-scaled dot products and GEMMs: exact products of dequantized elements, summed under an
/// accumulator model (exact, or a float accumulator of Specs/accumulation.md), rounded once.
public enum BlockArithmetic {
    /// Σ x_i·y_i of two dequantized vectors, under `model` (exact or float), into `output`.
    public static func dot(_ x: [ExactValue], _ y: [ExactValue], model: AccumulatorModel, output: Format,
                           rounding: RoundingMode = .rne, overflow: OverflowPolicy = .ovfinf) throws(BlockError) -> Encoded {
        guard x.count == y.count else { throw BlockError("vectors of \(x.count) and \(y.count) elements") }
        let products = zip(x, y).map { ExactArithmetic.multiply(Operand($0), Operand($1)) }
        let acc: Operand
        switch model {
        case .exact: acc = ExactArithmetic.sum(products, rounding: rounding)
        case .float(let f):
            do { acc = try f.accumulate(products, initial: nil) } catch { throw BlockError("\(error)") }
        default:   // kulisch, truncated, an initial C: the general path (BlockAccumulation.swift)
            return try accumulate(terms(x, y), model: model, output: output, rounding: rounding, overflow: overflow)
        }
        do { return try ExactArithmetic.round(acc, to: output, rounding: rounding, overflow: overflow) } catch {
            throw BlockError(error.description)
        }
    }

    /// C = A·B for A (M×K, blocks along K in each row) and B given as its N columns (each K
    /// long, blocks along K), both already dequantized; each entry one `dot`.
    public static func gemm(_ a: [[ExactValue]], _ bColumns: [[ExactValue]], model: AccumulatorModel, output: Format,
                            rounding: RoundingMode = .rne, overflow: OverflowPolicy = .ovfinf) throws(BlockError) -> [[Encoded]] {
        guard let k = a.first?.count, a.allSatisfy({ $0.count == k }) else { throw BlockError("A must be a non-empty matrix with rows of one length") }
        guard bColumns.allSatisfy({ $0.count == k }) else { throw BlockError("B has \(bColumns.first?.count ?? 0) rows, A has \(k) columns") }
        var out: [[Encoded]] = []
        for (i, row) in a.enumerated() {
            var r: [Encoded] = []
            for (j, col) in bColumns.enumerated() {
                do { r.append(try dot(row, col, model: model, output: output, rounding: rounding, overflow: overflow)) } catch {
                    throw BlockError(row: i + 1, column: j + 1, error.message)
                }
            }
            out.append(r)
        }
        return out
    }
}

/// The registered block schemes and the spellings of other block sizes.
///
/// - MX (OCP MX v1.0, 1×32, E8M0 scales, rule floor): `mxfp8_e4m3`, `mxfp8_e5m2`, `mxfp6_e2m3`,
///   `mxfp6_e3m2`, `mxfp4`, `mxint8`; `_bK` for blocks of K (`mxfp4_b16`).
/// - NVFP4 (E2M1 elements, E4M3 block scales): `nvfp4` (1×16, binary32 tensor scale),
///   `nvfp4_2d` (16×16 tiles, tensor scale), `nvfp4_1level` (1×16, block scales only); `_bK`.
/// - FP8 blocks (E4M3 elements, binary32 scales amax/448): `fp8_1x128`, `fp8_128x128`, any
///   `fp8_RxC`; `_pow2` for power-of-two UE8M0 scales `2^ceil(log2(amax/448))` (MX rceil).
/// - Integer groups (binary32 scales): `int4_g128`, `int8_g128` (symmetric, signed), `_asym`
///   (unsigned, integer zero point), `_asymf` (unsigned, binary32 zero point); any `gK`.
public enum BlockSchemes {
    public static let registered = ["mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e2m3", "mxfp6_e3m2", "mxfp4", "mxint8",
                                    "nvfp4", "nvfp4_2d", "nvfp4_1level", "fp8_1x128", "fp8_128x128", "fp8_1x128_pow2", "fp8_128x128_pow2",
                                    "int4_g128", "int4_g128_asym", "int4_g128_asymf", "int8_g128", "int8_g128_asym", "int8_g128_asymf"]

    public static var all: [BlockScheme] { registered.map { try! named($0) } }

    static func f(_ n: String) -> Format { try! FormatRegistry.named(n) }

    static let mxElements: [String: String] = ["mxfp8_e4m3": "float8_e4m3fn", "mxfp8_e5m2": "float8_e5m2", "mxfp6_e2m3": "float6_e2m3fn",
                                               "mxfp6_e3m2": "float6_e3m2fn", "mxfp4": "float4_e2m1fn", "mxint8": "int8"]

    /// A scheme by name (case-insensitive); errors list the registered names.
    public static func named(_ text: String) throws(QuantizerError) -> BlockScheme {
        let name = text.lowercased()
        func size(_ s: Substring) throws(QuantizerError) -> Int {
            guard let k = Int(s), (1 ... 1 << 16).contains(k), s.first != "0", s.first != "+" else {
                throw .invalid("block size '\(s)' in '\(text)' must be 1…65536")
            }
            return k
        }
        // _bK: another block length of an MX or NVFP4 scheme.
        var base = Substring(name)
        var blockLength: Int?
        let chars = Array(name)
        if name.hasPrefix("mx") || name.hasPrefix("nvfp4"),
           let i = (0 ..< max(chars.count - 1, 0)).reversed().first(where: { chars[$0] == "_" && chars[$0 + 1] == "b" }) {
            blockLength = try size(Substring(String(chars[(i + 2)...])))
            base = Substring(String(chars[..<i]))
        }
        if let el = mxElements[String(base)] {
            return try BlockScheme(name: name, element: f(el), blockCols: blockLength ?? 32, scaling: .mx(.floor), mxInt8: base == "mxint8")
        }
        switch base {
        case "nvfp4": return try BlockScheme(name: name, element: f("float4_e2m1fn"), blockCols: blockLength ?? 16, scaling: .e4m3(tensorScale: true))
        case "nvfp4_1level": return try BlockScheme(name: name, element: f("float4_e2m1fn"), blockCols: blockLength ?? 16, scaling: .e4m3(tensorScale: false))
        case "nvfp4_2d":
            let k = blockLength ?? 16
            return try BlockScheme(name: name, element: f("float4_e2m1fn"), blockRows: k, blockCols: k, scaling: .e4m3(tensorScale: true))
        default: break
        }
        if name.hasPrefix("fp8_") {
            var spec = name.dropFirst(4)
            let pow2 = spec.hasSuffix("_pow2")
            if pow2 { spec = spec.dropLast(5) }
            let parts = spec.split(separator: "x", omittingEmptySubsequences: false)
            if parts.count == 2 {
                return try BlockScheme(name: name, element: f("float8_e4m3fn"), blockRows: try size(parts[0]), blockCols: try size(parts[1]),
                                       scaling: pow2 ? .mx(.rceil) : .float32)
            }
        }
        for bits in ["int4", "int8"] where name.hasPrefix(bits + "_g") {
            var spec = name.dropFirst(bits.count + 2)
            var zp = BlockScheme.ZeroPoint.symmetric
            if spec.hasSuffix("_asymf") { zp = .float; spec = spec.dropLast(6) } else if spec.hasSuffix("_asym") { zp = .integer; spec = spec.dropLast(5) }
            let element = f(zp == .symmetric ? bits : "u" + bits)
            return try BlockScheme(name: name, element: element, blockCols: try size(spec), scaling: .integer(zp), packing: .lowFirst)
        }
        throw .invalid("unknown block scheme '\(text)' (registered: \(registered.joined(separator: ", ")); other sizes: mxfp4_b16, nvfp4_b32, fp8_1x64, int4_g64_asym, …)")
    }
}

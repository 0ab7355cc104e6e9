import COctetKernels

/// Block-scaled quantization kernels (blockquant.c): MXFP8 (E4M3, E5M2), MXFP4 and NVFP4 from
/// binary32 or bfloat16, bit for bit as the reference's `BlockScheme.quantize` (Specs/blocks.md).
/// The tensor is `rows × cols` row-major; blocks run along each row, the last one shorter when
/// the block length does not divide `cols`.
public enum BlockKernels {
    /// MX element formats the kernels implement.
    public enum MXElement: Sendable, CaseIterable {
        case e4m3, e5m2, e2m1
        var c: octet_bq_element {
            switch self {
            case .e4m3: return OCTET_BQ_E4M3
            case .e5m2: return OCTET_BQ_E5M2
            case .e2m1: return OCTET_BQ_E2M1
            }
        }
        public var isFourBit: Bool { self == .e2m1 }
    }

    /// The OCP MX scale rules (Specs/mx.md §1).
    public enum MXRule: String, Sendable, CaseIterable {
        case floor, ceil, rceil, even
        var c: octet_mx_rule {
            switch self {
            case .floor: return OCTET_MX_FLOOR
            case .ceil: return OCTET_MX_CEIL
            case .rceil: return OCTET_MX_RCEIL
            case .even: return OCTET_MX_EVEN
            }
        }
    }

    /// The input of a kernel: binary32 values or bfloat16 bit patterns.
    public enum Input {
        case f32(UnsafeBufferPointer<Float>)
        case bf16(UnsafeBufferPointer<UInt16>)
        var count: Int {
            switch self {
            case .f32(let b): return b.count
            case .bf16(let b): return b.count
            }
        }
        func with<T>(_ body: (UnsafeRawPointer?, Int32) -> T) -> T {
            switch self {
            case .f32(let b): return body(UnsafeRawPointer(b.baseAddress), 0)
            case .bf16(let b): return body(UnsafeRawPointer(b.baseAddress), 1)
            }
        }
    }

    /// Bytes of packed 4-bit codes for a tensor: `ceil(cols / 2)` per row.
    public static func packedCount(rows: Int, cols: Int) -> Int { rows * ((cols + 1) / 2) }
    /// Scale codes for a tensor: `ceil(cols / block)` per row.
    public static func scaleCount(rows: Int, cols: Int, block: Int) -> Int { rows * ((cols + block - 1) / block) }

    /// The shape and the buffer sizes every entry point requires.
    static func checkBuffers(_ input: Input, rows: Int, cols: Int, block: Int, codes: UnsafeMutableBufferPointer<UInt8>?,
                             packed: UnsafeMutableBufferPointer<UInt8>?, scales: UnsafeMutableBufferPointer<UInt8>) {
        precondition(rows >= 0 && cols >= 0 && block >= 1 && input.count >= rows * cols)
        precondition((codes?.count ?? Int.max) >= rows * cols && scales.count >= scaleCount(rows: rows, cols: cols, block: block))
        precondition((packed?.count ?? Int.max) >= packedCount(rows: rows, cols: cols))
    }

    /// MX quantize into caller buffers. `codes` (one per element) and `packed` (4-bit elements,
    /// low-first per row) may be nil; `scales` gets the E8M0 codes.
    public static func quantizeMX(_ element: MXElement, rule: MXRule = .floor, _ input: Input, rows: Int, cols: Int, block: Int = 32,
                                  codes: UnsafeMutableBufferPointer<UInt8>?, packed: UnsafeMutableBufferPointer<UInt8>? = nil,
                                  scales: UnsafeMutableBufferPointer<UInt8>) {
        precondition(packed == nil || element.isFourBit)
        checkBuffers(input, rows: rows, cols: cols, block: block, codes: codes, packed: packed, scales: scales)
        input.with { p, bf16 in
            octet_mx_quantize(element.c, rule.c, p, bf16, rows, cols, block, codes?.baseAddress, packed?.baseAddress, scales.baseAddress)
        }
    }

    /// Why NVFP4 quantization was refused (the reference's errors).
    public enum NVFP4Error: Error, Equatable, Sendable {
        /// NaN or ±Inf at this element index (row-major).
        case nonFinite(index: Int)
        /// A non-zero amax whose tensor scale amax/2688 underflows to 0.
        case tensorScaleUnderflow
    }

    /// NVFP4 quantize: the tensor scale (returned, binary32 bits), E4M3 block scales into
    /// `scales`, E2M1 codes into `codes` and/or `packed`.
    @discardableResult
    public static func quantizeNVFP4(_ input: Input, rows: Int, cols: Int, block: Int = 16,
                                     codes: UnsafeMutableBufferPointer<UInt8>?, packed: UnsafeMutableBufferPointer<UInt8>? = nil,
                                     scales: UnsafeMutableBufferPointer<UInt8>) throws(NVFP4Error) -> UInt32 {
        checkBuffers(input, rows: rows, cols: cols, block: block, codes: codes, packed: packed, scales: scales)
        var st: UInt32 = 0
        var bad = 0
        let r = input.with { p, bf16 in
            octet_nvfp4_quantize(p, bf16, rows, cols, block, &st, codes?.baseAddress, packed?.baseAddress, scales.baseAddress, &bad)
        }
        switch r {
        case 0: return st
        case 1: throw .nonFinite(index: bad)
        default: throw .tensorScaleUnderflow
        }
    }

    /// nvfp4_1level: E4M3 block scales `E4M3(amax_block / 6)` and E2M1 elements, no tensor scale.
    public static func quantizeNVFP4OneLevel(_ input: Input, rows: Int, cols: Int, block: Int = 16,
                                             codes: UnsafeMutableBufferPointer<UInt8>?, packed: UnsafeMutableBufferPointer<UInt8>? = nil,
                                             scales: UnsafeMutableBufferPointer<UInt8>) throws(NVFP4Error) {
        checkBuffers(input, rows: rows, cols: cols, block: block, codes: codes, packed: packed, scales: scales)
        var bad = 0
        let r = input.with { p, bf16 in
            octet_nvfp4_1level_quantize(p, bf16, rows, cols, block, codes?.baseAddress, packed?.baseAddress, scales.baseAddress, &bad)
        }
        if r != 0 { throw .nonFinite(index: bad) }
    }

    /// A quantized tensor in arrays (the convenience entry points below).
    public struct Result: Sendable, Equatable {
        public var codes: [UInt8]
        public var packed: [UInt8]?
        public var scales: [UInt8]
        public var tensorScale: UInt32?
        public init(codes: [UInt8], packed: [UInt8]?, scales: [UInt8], tensorScale: UInt32?) {
            self.codes = codes
            self.packed = packed
            self.scales = scales
            self.tensorScale = tensorScale
        }
    }

    /// MX quantize of an array (binary32 values or, with `bf16`, bfloat16 bits in `bits`).
    public static func quantizeMX(_ element: MXElement, rule: MXRule = .floor, f32 values: [Float]? = nil, bf16 bits: [UInt16]? = nil,
                                  rows: Int, cols: Int, block: Int = 32) -> Result {
        var codes = [UInt8](repeating: 0, count: rows * cols)
        var packed: [UInt8]? = element.isFourBit ? [UInt8](repeating: 0, count: packedCount(rows: rows, cols: cols)) : nil
        var scales = [UInt8](repeating: 0, count: scaleCount(rows: rows, cols: cols, block: block))
        withInput(f32: values, bf16: bits) { input in
            codes.withUnsafeMutableBufferPointer { c in
                scales.withUnsafeMutableBufferPointer { s in
                    if packed != nil {
                        packed!.withUnsafeMutableBufferPointer { p in
                            quantizeMX(element, rule: rule, input, rows: rows, cols: cols, block: block, codes: c, packed: p, scales: s)
                        }
                    } else {
                        quantizeMX(element, rule: rule, input, rows: rows, cols: cols, block: block, codes: c, packed: nil, scales: s)
                    }
                }
            }
        }
        return Result(codes: codes, packed: packed, scales: scales, tensorScale: nil)
    }

    /// NVFP4 quantize of an array (binary32 values or bfloat16 bits); `oneLevel`: nvfp4_1level
    /// (no tensor scale, `tensorScale` nil in the result).
    public static func quantizeNVFP4(f32 values: [Float]? = nil, bf16 bits: [UInt16]? = nil, rows: Int, cols: Int, block: Int = 16,
                                     oneLevel: Bool = false) throws(NVFP4Error) -> Result {
        var codes = [UInt8](repeating: 0, count: rows * cols)
        var packed = [UInt8](repeating: 0, count: packedCount(rows: rows, cols: cols))
        var scales = [UInt8](repeating: 0, count: scaleCount(rows: rows, cols: cols, block: block))
        let r: Swift.Result<UInt32?, NVFP4Error> = withInput(f32: values, bf16: bits) { input in
            codes.withUnsafeMutableBufferPointer { c in
                scales.withUnsafeMutableBufferPointer { s in
                    packed.withUnsafeMutableBufferPointer { p in
                        Swift.Result { () throws(NVFP4Error) -> UInt32? in
                            if oneLevel {
                                try quantizeNVFP4OneLevel(input, rows: rows, cols: cols, block: block, codes: c, packed: p, scales: s)
                                return nil
                            }
                            return try quantizeNVFP4(input, rows: rows, cols: cols, block: block, codes: c, packed: p, scales: s)
                        }
                    }
                }
            }
        }
        let st = try r.get()
        return Result(codes: codes, packed: packed, scales: scales, tensorScale: st)
    }

    public static func withInput<T>(f32: [Float]?, bf16: [UInt16]?, _ body: (Input) -> T) -> T {
        if let f32 { return f32.withUnsafeBufferPointer { body(.f32($0)) } }
        return (bf16 ?? []).withUnsafeBufferPointer { body(.bf16($0)) }
    }
}

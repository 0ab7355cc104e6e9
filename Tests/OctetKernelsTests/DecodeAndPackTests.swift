import Foundation
import Testing
import Octet
import OctetExact
import OctetKernels
import OctetKernelsBridge

/// Codes → binary32 / binary16 / bfloat16 for every code of every float format of at most 8 bits,
/// dispatched and scalar paths, against `Format.value(ofCode:)`:
/// - binary32: the kernel's value must be the reference value exactly (±0 distinguished; NaN for NaN);
/// - binary16 and bfloat16: the kernel's bits must be the reference value encoded into binary16 /
///   bfloat16 with rne and `ovfinf` (IEEE: overflow to ±Inf), any NaN for NaN.
/// Narrow formats read their code from the low bits of each byte: the same codes with garbage in
/// the unused high bits must decode identically.
@Suite struct DecodeKernels {
    @Test(arguments: KernelTest.narrowFloatFormatNames)
    func everyCodeOfEveryFormat(name: String) throws {
        let f = KernelTest.format(name)
        var plan = KernelTest.plan(f, .rne, .saturate)
        let count = f.codeCount
        // Each code, then the same codes with every pattern of unused high bits.
        var bytes: [UInt8] = []
        for high in 0 ..< (256 / count) { for c in 0 ..< count { bytes.append(UInt8(high * count + c)) } }
        let n = bytes.count
        let refValues = (0 ..< count).map { f.value(ofCode: $0) }
        let ref16 = refValues.map { v -> Int in try! KernelTest.binary16.encode(v, rounding: .rne, overflow: .ovfinf).code }
        let refB16 = refValues.map { v -> Int in try! KernelTest.bfloat16.encode(v, rounding: .rne, overflow: .ovfinf).code }
        for scalar in [false, true] {
            var out32 = [Float](repeating: 0, count: n)
            var out16 = [UInt16](repeating: 0, count: n), outB16 = [UInt16](repeating: 0, count: n)
            func run() {
                withOffsetBuffer(bytes, offset: 5) { inp in
                    octet_decode_f32(&plan, inp.baseAddress, &out32, n)
                    octet_decode_f16(&plan, inp.baseAddress, &out16, n)
                    octet_decode_bf16(&plan, inp.baseAddress, &outB16, n)
                }
            }
            if scalar { Kernels.withScalarPaths(run) } else { run() }
            var log = MismatchLog("decode \(name) (\(scalar ? "scalar" : "dispatched"))")
            for i in 0 ..< n {
                let code = Int(bytes[i]) % count
                let ref = refValues[code]
                let got32 = IEEEBits.decode(UInt64(out32[i].bitPattern), as: .binary32)
                if !got32.sameClassAndValue(ref) {
                    log.record("byte \(KernelTest.hex(bytes[i])) (code \(f.hex(code))) → binary32 \(KernelTest.floatBits(out32[i])) (\(got32)), reference \(ref)")
                }
                let isNaN16 = out16[i] & 0x7C00 == 0x7C00 && out16[i] & 0x3FF != 0
                if ref.isNaN ? !isNaN16 : Int(out16[i]) != ref16[code] {
                    log.record("byte \(KernelTest.hex(bytes[i])) (code \(f.hex(code)), \(ref)) → binary16 \(KernelTest.hex(out16[i], 4)), reference \(KernelTest.hex(ref16[code], 4))")
                }
                let isNaNB16 = outB16[i] & 0x7F80 == 0x7F80 && outB16[i] & 0x7F != 0
                if ref.isNaN ? !isNaNB16 : Int(outB16[i]) != refB16[code] {
                    log.record("byte \(KernelTest.hex(bytes[i])) (code \(f.hex(code)), \(ref)) → bfloat16 \(KernelTest.hex(outB16[i], 4)), reference \(KernelTest.hex(refB16[code], 4))")
                }
            }
            log.finish()
            #expect(log.count == 0)
        }
    }

    /// Long buffers at every start offset 0…31 and lengths around the vector width (tails).
    @Test func unalignedStartsAndTails() {
        let f = KernelTest.format("float8_e4m3fn")
        var plan = KernelTest.plan(f, .rne, .saturate)
        let table = (0 ..< 256).map { f.value(ofCode: $0) }
        var rng = SplitMix(seed: 17)
        var log = MismatchLog("decode float8_e4m3fn offsets/tails")
        for offset in 0 ..< 32 {
            for n in [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000] {
                let bytes = (0 ..< n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                var out = [Float](repeating: .nan, count: n + 8)
                withOffsetBuffer(bytes, offset: offset) { inp in octet_decode_f32(&plan, inp.baseAddress, &out, n) }
                for i in 0 ..< n where !IEEEBits.decode(UInt64(out[i].bitPattern), as: .binary32).sameClassAndValue(table[Int(bytes[i])]) {
                    log.record("offset \(offset) n \(n) element \(i) code \(KernelTest.hex(bytes[i])): \(out[i])")
                }
                for i in n ..< n + 8 where !out[i].isNaN { log.record("offset \(offset) n \(n): wrote past the end at \(i)") }
            }
        }
        log.finish()
        #expect(log.count == 0)
    }

    /// From 2^16 codes the binary32 decode stores non-temporally after a prelude that aligns the
    /// output to 32 bytes: 2^16 + 77 random codes into an output starting one float past a 32-byte
    /// boundary, against the reference's values.
    @Test func streamingStores() {
        let f = KernelTest.format("float8_e4m3fn")
        var plan = KernelTest.plan(f, .rne, .saturate)
        let table = (0 ..< 256).map { f.value(ofCode: $0) }
        var rng = SplitMix(seed: 0x5712)
        let n = (1 << 16) + 77
        let bytes = (0 ..< n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var store = [Float](repeating: .nan, count: n + 16)
        var out: [Float] = []
        store.withUnsafeMutableBufferPointer { o in
            let skip = (9 - (Int(bitPattern: o.baseAddress!) / 4) % 8) % 8   // one float past a 32-byte boundary
            bytes.withUnsafeBufferPointer { inp in octet_decode_f32(&plan, inp.baseAddress, o.baseAddress! + skip, n) }
            out = Array(o[skip ..< skip + n])
        }
        var log = MismatchLog("decode float8_e4m3fn, streaming")
        for i in 0 ..< n where !IEEEBits.decode(UInt64(out[i].bitPattern), as: .binary32).sameClassAndValue(table[Int(bytes[i])]) {
            log.record("element \(i) code \(KernelTest.hex(bytes[i])): \(out[i])")
        }
        log.finish()
        #expect(log.count == 0)
    }
}

/// 4-bit packing: element 2k in the low nibble of byte k, element 2k+1 in the high nibble; an odd
/// count leaves the last high nibble 0 and writes nothing past ⌈n/2⌉ bytes.
@Suite struct PackKernels {
    @Test func layoutAndRoundTrip() {
        var rng = SplitMix(seed: 4)
        var log = MismatchLog("pack4/unpack4")
        for n in Array(0 ... 70) + [127, 128, 129, 1000, 4097] {
            for offset in [0, 1, 3, 17] {
                let codes = (0 ..< n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }   // high nibbles are ignored
                let bytes = (n + 1) / 2
                var packed = [UInt8](repeating: 0xEE, count: bytes + 4)
                withOffsetBuffer(codes, offset: offset) { c in octet_pack4(c.baseAddress, &packed, n) }
                for k in 0 ..< bytes {
                    let lo = codes[2 * k] & 0xF
                    let hi = 2 * k + 1 < n ? codes[2 * k + 1] & 0xF : 0
                    if packed[k] != lo | hi << 4 {
                        log.record("n \(n) byte \(k): \(KernelTest.hex(packed[k])), expected \(KernelTest.hex(lo | hi << 4))")
                    }
                }
                for k in bytes ..< bytes + 4 where packed[k] != 0xEE { log.record("n \(n): pack wrote byte \(k) past ⌈n/2⌉") }
                var unpacked = [UInt8](repeating: 0xEE, count: n + 4)
                withOffsetBuffer(Array(packed[0 ..< bytes]), offset: offset) { p in octet_unpack4(p.baseAddress, &unpacked, n) }
                for i in 0 ..< n where unpacked[i] != codes[i] & 0xF {
                    log.record("n \(n) element \(i): unpacked \(KernelTest.hex(unpacked[i])), expected \(KernelTest.hex(codes[i] & 0xF))")
                }
                for i in n ..< n + 4 where unpacked[i] != 0xEE { log.record("n \(n): unpack wrote element \(i) past n") }
            }
        }
        // The documented layout on a fixed example: codes 1,2,3 → bytes 0x21, 0x03.
        var p = [UInt8](repeating: 0, count: 2)
        octet_pack4([1, 2, 3], &p, 3)
        #expect(p == [0x21, 0x03])
        log.finish()
        #expect(log.count == 0)
    }
}

import Foundation
import OctetTestSupport
import Testing

/// `octet blocks`: each command end to end, with expected outputs worked by hand (comments), and
/// bad input named by line and element.
@Suite("octet blocks")
struct BlocksCLITests {
    /// nvfp4_1level on 1…16, −100 (Specs/blocks.md §4): block 1 amax 16, 16/6 ≈ 2.667 rounds to
    /// E4M3 2.75 (0x43); 1/2.75 ≈ 0.36 → E2M1 0.5 (0x1); 16/2.75 ≈ 5.8 → 6 (0x7). Block 2: 100/6 ≈
    /// 16.7 → 16 (0x58); −100/16 = −6.25 saturates to −6 (0xF).
    @Test func quantizeAndDequantize() throws {
        let input = (1 ... 16).map(String.init).joined(separator: " ") + " -100\n"
        let q = try OctetBinary.run(["blocks", "quantize", "--scheme", "nvfp4_1level"], stdin: input)
        #expect(q.status == 0, "\(q.stderr)")
        #expect(q.stdout == "scales=0x43,0x58 codes=0x01,0x01,0x02,0x03,0x04,0x04,0x05,0x05,0x05,0x06,0x06,0x06,0x06,0x07,0x07,0x07,0x0F\n")
        let d = try OctetBinary.run(["blocks", "dequantize", "--scheme", "nvfp4_1level"], stdin: q.stdout)
        // 0.5·2.75, 0.5·2.75, 1·2.75, 1.5·2.75, 2·2.75, … 6·2.75 = 16.5, −6·16 = −96
        #expect(d.stdout == "1.375,1.375,2.75,4.125,5.5,5.5,8.25,8.25,8.25,11,11,11,11,16.5,16.5,16.5,-96\n", "\(d.stdout)\(d.stderr)")
        let j = try OctetBinary.run(["blocks", "quantize", "--scheme", "nvfp4", "--json"], stdin: input)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        #expect(obj["scheme"] as? String == "nvfp4")
        // s_t = fl32(100/2688) = 0x3D186186
        #expect(obj["tensor_scale_bits"] as? String == "0x3D186186")
        let rows = try #require(obj["rows"] as? [[String: Any]])
        #expect(rows.count == 1 && (rows[0]["scales"] as? [String]) == ["0x69", "0x7E"] && (rows[0]["codes"] as? [String])?.count == 17)
    }

    /// Scales a user supplies may be NaN or infinite (UE4M3 0x7F, binary32 bits, a float zero
    /// point): dequantize multiplies by IEEE rules instead of trapping, and a UE4M3 code with bit
    /// 7 set does not exist.
    @Test func nonFiniteScalesDequantize() throws {
        func deq(_ scheme: String, _ line: String) throws -> (Int32, String) {
            let r = try OctetBinary.run(["blocks", "dequantize", "--scheme", scheme], stdin: line + "\n")
            return (r.status, r.stdout)
        }
        #expect(try deq("nvfp4", "tensor_scale=0x3F800000 scales=0x7F codes=0x1,0x0") == (0, "nan,nan\n"))
        #expect(try deq("nvfp4", "tensor_scale=0x7F800000 scales=0x38 codes=0x1,0x0") == (0, "inf,nan\n"))
        #expect(try deq("fp8_1x128", "scales=0xFF800000 codes=0x38,0x00") == (0, "-inf,nan\n"))
        #expect(try deq("int4_g128_asymf", "scales=0x3F800000 zero_points=0x7FC00000 codes=0x1") == (0, "nan\n"))
        // (1 − Inf)·1 = −Inf and (0 − 1)·Inf = −Inf, (1 − 1)·Inf = NaN: IEEE rules, not "NaN whenever non-finite"
        #expect(try deq("int4_g128_asymf", "scales=0x3F800000 zero_points=0x7F800000 codes=0x1") == (0, "-inf\n"))
        #expect(try deq("int4_g128_asymf", "scales=0x7F800000 zero_points=0x3F800000 codes=0x0,0x1") == (0, "-inf,nan\n"))
        #expect(try deq("nvfp4", "tensor_scale=0x3F800000 scales=0x80 codes=0x1").0 == 1)
    }

    /// A gptq group whose binary32 scale underflows to 0 is refused with its position (it trapped
    /// converting x/0 to an integer before the check).
    @Test func gptqZeroScaleIsRefused() throws {
        for scheme in ["int4_g128", "int4_g128_asym"] {
            let r = try OctetBinary.run(["blocks", "quantize", "--scheme", scheme, "--profile", "gptq"],
                                        stdin: "f32:00000001,0,0,f32:00000001\n")
            #expect(r.status == 1, "\(scheme): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("line 1, element 1") && r.stderr.contains("scale underflows"), "\(r.stderr)")
        }
    }

    @Test func packedAndZeroPoints() throws {
        // int4_g128_asym on 1 2 3 −4: s = fl32(7/15) = 0x3EEEEEEF, z = RNE(4/s = 8.57) = 9,
        // q = RNE(x/s + 9): 11, 13, 15, 0 → low-first bytes 0xDB, 0x0F.
        let q = try OctetBinary.run(["blocks", "quantize", "--scheme", "int4_g128_asym", "--packed"], stdin: "1 2 3 -4\n")
        #expect(q.stdout == "scales=0x3EEEEEEF zero_points=0x09 packed=DB0F\n", "\(q.stdout)\(q.stderr)")
        #expect(try OctetBinary.run(["blocks", "quantize", "--scheme", "mxfp8_e4m3", "--packed"], stdin: "1\n").status == 2)
    }

    @Test func dotAndGemm() throws {
        // MXFP8 E4M3 of 1,2,3 and 4,5,6: all exact under scale 2^0 (amax 3 and 6 < 2^9), so the dot
        // is 4 + 10 + 18 = 32 = 0x42000000.
        let d = try OctetBinary.run(["blocks", "dot", "--scheme", "mxfp8_e4m3"], stdin: "1,2,3 4,5,6\n")
        #expect(d.stdout == "0x42000000 32\n", "\(d.stdout)\(d.stderr)")
        // pow2 FP8 blocks keep small integers exact: [[1,2],[3,4]]·I = the same matrix.
        let g = try OctetBinary.run(["blocks", "gemm", "--scheme", "fp8_1x128_pow2"], stdin: "1 2\n3 4\n\n1 0\n0 1\n")
        #expect(g.stdout == "0x3F800000,0x40000000\n0x40400000,0x40800000\n", "\(g.stdout)\(g.stderr)")
        let bad = try OctetBinary.run(["blocks", "gemm", "--scheme", "fp8_1x128_pow2"], stdin: "1 2\n3 4\n\n1 0\n")
        #expect(bad.status == 1 && bad.stderr.contains("A has 2 columns but B has 1 rows"))
    }

    @Test func badInputNamesItsPosition() throws {
        let nan = try OctetBinary.run(["blocks", "quantize", "--scheme", "nvfp4"], stdin: "1 2\n3 nan\n")
        #expect(nan.status == 1 && nan.stderr.contains("line 2, element 2: nan has no encoding in nvfp4"), "\(nan.stderr)")
        let ragged = try OctetBinary.run(["blocks", "quantize", "--scheme", "nvfp4_2d"], stdin: "1 2\n3\n")
        #expect(ragged.status == 1 && ragged.stderr.contains("line 2: 1 values, but row 1 has 2"), "\(ragged.stderr)")
        let blank = try OctetBinary.run(["blocks", "quantize", "--scheme", "mxfp4"], stdin: "1\n\n2\n")
        #expect(blank.status == 1 && blank.stderr.contains("line 2: blank line"))
        let empty = try OctetBinary.run(["blocks", "quantize", "--scheme", "mxfp4"], stdin: "1,,2\n")
        #expect(empty.status == 1 && empty.stderr.contains("line 1, element 2: empty element"))
        #expect(try OctetBinary.run(["blocks", "quantize", "--scheme", "nvfp5"], stdin: "1\n").status == 2)
        #expect(try OctetBinary.run(["blocks", "quantize", "--scheme", "nvfp4", "--rule", "ceil"], stdin: "1\n").status == 2)
        // MX takes NaN: the block gets the NaN scale
        let mx = try OctetBinary.run(["blocks", "quantize", "--scheme", "mxfp4"], stdin: "1 nan\n")
        #expect(mx.stdout == "scales=0xFF codes=0x00,0x00\n", "\(mx.stdout)\(mx.stderr)")
    }
}

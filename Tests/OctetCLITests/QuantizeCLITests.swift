// `octet quantize`, `octet mx quantize` and `octet mx dot`: output formats and bad input, checked
// against `Specs/quantization.md`, `Specs/mx.md` and the command's help text. Expected outputs are
// derived by hand in the comments.
//
// Everything here is `private` so that it cannot collide with other files of the test target.

import OctetTestSupport
import Testing

/// A refusal: a normal non-zero exit (1 for errors in the input, 2 for usage errors),
/// not a crash (a signal, reported as its number: 4 SIGILL, 5 SIGTRAP, 6 SIGABRT, 11 SIGSEGV) and
/// no Swift runtime trap message.
private func expectRefusal(_ r: OctetRun, mentioning needles: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.status == 1 || r.status == 2, "status \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(!r.stderr.contains("Fatal error"), "\(r.stderr)", sourceLocation: sourceLocation)
    #expect(!r.stderr.contains("crashed"), "\(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stdout.isEmpty || !r.stdout.contains("Fatal error"), sourceLocation: sourceLocation)
    for n in needles {
        #expect(r.stderr.contains(n), "stderr lacks '\(n)': \(r.stderr)", sourceLocation: sourceLocation)
    }
}

@Suite("QuantizeCLI: octet quantize")
struct QuantizeCLIQuantizeTests {
    @Test("per-tensor scale: header, codes, ties, saturation")
    func perTensorScale() throws {
        // s = 0.5: 1 → 2 = 0x02; 2.5 → 5 = 0x05; −1.25 → −2.5 → −2 (rne) = 0xFE;
        // 200 → 400 → 127 = 0x7F; −inf → −128 = 0x80.
        let r = try OctetBinary.run(["quantize", "--to", "int8", "--scale", "0.5"], stdin: "1 2.5 -1.25\n200 -inf\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "# scale 0.5 zero_point 0\n0x02 0x05 0xFE\n0x7F 0x80\n")
        // rna: −2.5 → −3 = 0xFD. Commas separate values too.
        let a = try OctetBinary.run(["quantize", "--to", "int8", "--scale", "0.5", "--rounding", "rna"], stdin: "1,2.5,-1.25\n")
        #expect(a.stdout == "# scale 0.5 zero_point 0\n0x02 0x05 0xFD\n")
        // --narrow: −200 → −127 = 0x81.
        let n = try OctetBinary.run(["quantize", "--to", "int8", "--scale", "1", "--narrow"], stdin: "-200 200\n")
        #expect(n.stdout == "# scale 1 zero_point 0\n0x81 0x7F\n")
        // Zero point after rounding: uint8 zp 129, 2.5 → 2 + 129 = 131 = 0x83; −200 → 0x00.
        let z = try OctetBinary.run(["quantize", "--to", "uint8", "--scale", "1", "--zero-point", "129"], stdin: "2.5 -200\n")
        #expect(z.stdout == "# scale 1 zero_point 129\n0x83 0x00\n")
        // int4 codes are printed with two hex digits: −1 → 0x0F, 9 → 7 = 0x07.
        let i4 = try OctetBinary.run(["quantize", "--to", "int4", "--scale", "1"], stdin: "-1 9\n")
        #expect(i4.stdout == "# scale 1 zero_point 0\n0x0F 0x07\n")
        // A blank line is refused, naming it (one output line per input line; AlignedStreamTests).
        let bl = try OctetBinary.run(["quantize", "--to", "int8", "--scale", "1"], stdin: "3\n\n")
        expectRefusal(bl, mentioning: ["line 2", "blank line"])
        #expect(bl.stdout == "# scale 1 zero_point 0\n0x03\n")
    }

    @Test("--verbose prints the dequantized value")
    func verbose() throws {
        // s = 0.5, zp 0: 1 → 0x02 = 2·0.5 = 1; 0.3 → 0.6 → 1 = 0x01 → 0.5; −1.25 → 0xFE → −1.
        let r = try OctetBinary.run(["quantize", "--to", "int8", "--scale", "0.5", "--verbose"], stdin: "1 0.3 -1.25\n")
        #expect(r.stdout == "# scale 0.5 zero_point 0\n0x02=1 0x01=0.5 0xFE=-1\n")
    }

    @Test("--symmetric over all input and --per-channel")
    func symmetric() throws {
        // All input: amax 254 → s = 254/127 = 2. Line 1: 1/2 = 0.5 → 0 = 0x00, −2/2 = −1 = 0xFF;
        // line 2: 127 = 0x7F, 63.5 → 64 = 0x40.
        let all = try OctetBinary.run(["quantize", "--to", "int8", "--symmetric"], stdin: "1 -2\n254 127\n")
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout == "# scale 2 zero_point 0\n0x00 0xFF\n0x7F 0x40\n")
        // Per channel: line 1 amax 2 → s = 2/127: 1 → 63.5 → 64 = 0x40; −2 → −127 = 0x81.
        // Line 2 amax 254 → s = 2 (a new header).
        let pc = try OctetBinary.run(["quantize", "--to", "int8", "--symmetric", "--per-channel"], stdin: "1 -2\n254 127\n")
        #expect(pc.stdout == "# scale 2/127 zero_point 0\n0x40 0x81\n# scale 2 zero_point 0\n0x7F 0x40\n")
        // Half range: amax 254 → s = 254/127.5 = 508/255; −254 → −127.5 → −128 = 0x80; 254 → 127.
        let hr = try OctetBinary.run(["quantize", "--to", "int8", "--symmetric", "--half-range"], stdin: "-254 254\n")
        #expect(hr.stdout == "# scale 508/255 zero_point 0\n0x80 0x7F\n")
        // Floating target: E4M3FN amax 896 → s = 896/448 = 2: 3 → 1.5 = 0x3C, −896 → −448 = 0xFE.
        let f = try OctetBinary.run(["quantize", "--to", "float8_e4m3fn", "--symmetric"], stdin: "3 -896\n")
        #expect(f.stdout == "# scale 2 zero_point 0\n0x3C 0xFE\n")
        // Two identical per-channel scales print one header.
        let same = try OctetBinary.run(["quantize", "--to", "int8", "--symmetric", "--per-channel"], stdin: "127 1\n-127 2\n")
        #expect(same.stdout == "# scale 1 zero_point 0\n0x7F 0x01\n0x81 0x02\n")
    }

    @Test("--asymmetric, per tensor and per channel")
    func asymmetric() throws {
        // [−1, 3] into uint8: s = 4/255, zp = −round(−63.75) = 64; −1 → −64 + 64 = 0x00;
        // 3 → 191.25 → 191 + 64 = 255 = 0xFF; 0 → 64 = 0x40.
        let r = try OctetBinary.run(["quantize", "--to", "uint8", "--asymmetric"], stdin: "-1 3 0\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "# scale 4/255 zero_point 64\n0x00 0xFF 0x40\n")
        // Per channel: line 1 [0, 255] → s = 1, zp 0: 0x00 0xFF; line 2 [−1, 509] → s = 2,
        // min/s = −0.5 → −0 → zp 0: −1 → −0.5 → 0 = 0x00; 509 → 254.5 → 254 = 0xFE.
        let pc = try OctetBinary.run(["quantize", "--to", "uint8", "--asymmetric", "--per-channel"], stdin: "0 255\n-1 509\n")
        #expect(pc.stdout == "# scale 1 zero_point 0\n0x00 0xFF\n# scale 2 zero_point 0\n0x00 0xFE\n")
    }

    @Test("--scales: one scale per line")
    func scalesPerLine() throws {
        // Line 1 s = 1: 3 → 0x03; line 2 s = 0.25: 3 → 12 = 0x0C.
        let r = try OctetBinary.run(["quantize", "--to", "int8", "--scales", "1,0.25"], stdin: "3\n3\n")
        #expect(r.stdout == "# scale 1 zero_point 0\n0x03\n# scale 0.25 zero_point 0\n0x0C\n")
        let bad = try OctetBinary.run(["quantize", "--to", "int8", "--scales", "1,2,3"], stdin: "3\n3\n")
        expectRefusal(bad, mentioning: ["--scales"])
    }

    @Test("--arithmetic onnx / pytorch: x = 2.25, s = fl32(0.3) = f32:3E99999A")
    func arithmetic() throws {
        // Hand derivation in QuantizationTests (handExample): exact 7, onnx 7, pytorch 8.
        for (mode, expected) in [("exact", "0x07"), ("onnx", "0x07"), ("pytorch", "0x08")] {
            let r = try OctetBinary.run(["quantize", "--to", "int8", "--scale", "f32:3E99999A", "--arithmetic", mode], stdin: "2.25\n")
            #expect(r.status == 0, "\(mode): \(r.stderr)")
            #expect(r.stdout == "# scale 0.300000011920928955078125 zero_point 0\n\(expected)\n", "\(mode)")
        }
        // A scale that is not binary32 is refused under the float32 conventions.
        expectRefusal(try OctetBinary.run(["quantize", "--to", "int8", "--scale", "0.3", "--arithmetic", "onnx"], stdin: "1\n"),
                      mentioning: ["binary32"])
    }

    @Test("PyTorch convention with s = 2^-149: 1/s overflows binary32 to +Inf, 1 → 127")
    func pytorchTinyScale() throws {
        // fl32(1/2^-149) = +Inf; fl32(1 · Inf) = +Inf → saturates to 127 = 0x7F (spec: ±Inf saturate).
        // ONNX for comparison: fl32(1/2^-149) = +Inf as well → 0x7F.
        let onnx = try OctetBinary.run(["quantize", "--to", "int8", "--scale", "0x1p-149", "--arithmetic", "onnx"], stdin: "1\n")
        #expect(onnx.stdout == "# scale \(tinyScaleDecimal) zero_point 0\n0x7F\n")
        // PyTorch: 1 → +Inf → 0x7F; −3 → −Inf → 0x80.
        let r = try OctetBinary.run(["quantize", "--to", "int8", "--scale", "0x1p-149", "--arithmetic", "pytorch"], stdin: "1 -3\n")
        #expect(r.status == 0, "status \(r.status): \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
        #expect(r.stdout == "# scale \(tinyScaleDecimal) zero_point 0\n0x7F 0x80\n")
        // 0 · Inf = NaN: refused with the line and the token, not a crash.
        expectRefusal(try OctetBinary.run(["quantize", "--to", "int8", "--scale", "0x1p-149", "--arithmetic", "pytorch"], stdin: "1\n0\n"),
                      mentioning: ["line 2"])
    }

    @Test("bad input names the line; conflicting options are refused without a crash")
    func badInput() throws {
        // A non-numeric value on line 2.
        expectRefusal(try OctetBinary.run(["quantize", "--to", "int8", "--scale", "1"], stdin: "1 2\n3 abc\n"),
                      mentioning: ["line 2", "abc"])
        // NaN cannot be quantized to an integer: names line 1 and the token.
        expectRefusal(try OctetBinary.run(["quantize", "--to", "int8", "--scale", "1"], stdin: "1 nan\n"),
                      mentioning: ["line 1", "nan"])
        // Conflicting or missing scale sources.
        let conflicting: [[String]] = [
            ["--scale", "1", "--symmetric"],
            ["--symmetric", "--asymmetric"],
            ["--scale", "1", "--scales", "1"],
            [],
            ["--scale", "1", "--per-channel"],
            ["--scales", "1", "--per-channel"],
            ["--asymmetric", "--half-range"],
            ["--scale", "1", "--half-range"],
        ]
        for extra in conflicting {
            expectRefusal(try OctetBinary.run(["quantize", "--to", "int8"] + extra, stdin: "1\n"))
        }
        // --zero-point with a derived scale: the derivation fixes zp (symmetric: 0; asymmetric:
        // qmin − round(min/s)), so an explicit --zero-point conflicts with it. The command refuses it.
        for derive in [["--symmetric"], ["--asymmetric"]] {
            let r = try OctetBinary.run(["quantize", "--to", "int8", "--zero-point", "5"] + derive, stdin: "1 -1\n")
            #expect(r.status == 2, "status \(r.status), stdout: \(r.stdout)")
            #expect(!r.stderr.contains("Fatal error"))
        }
        // Invalid parameters.
        expectRefusal(try OctetBinary.run(["quantize", "--to", "int8", "--scale", "0"], stdin: "1\n"))
        expectRefusal(try OctetBinary.run(["quantize", "--to", "int8", "--scale", "-1"], stdin: "1\n"))
        expectRefusal(try OctetBinary.run(["quantize", "--to", "int8", "--scale", "abc"], stdin: "1\n"), mentioning: ["--scale"])
        expectRefusal(try OctetBinary.run(["quantize", "--to", "int8", "--scale", "inf"], stdin: "1\n"))
        expectRefusal(try OctetBinary.run(["quantize", "--to", "int8", "--scale", "1", "--zero-point", "300"], stdin: "1\n"))
        expectRefusal(try OctetBinary.run(["quantize", "--to", "float8_e4m3fn", "--scale", "1", "--zero-point", "1"], stdin: "1\n"))
        expectRefusal(try OctetBinary.run(["quantize", "--to", "uint8", "--scale", "1", "--narrow"], stdin: "1\n"))
        expectRefusal(try OctetBinary.run(["quantize", "--to", "int8", "--scale", "1", "--rounding", "sr"], stdin: "1\n"))
        expectRefusal(try OctetBinary.run(["quantize", "--to", "nosuchformat", "--scale", "1"], stdin: "1\n"))
        // Nothing to derive a scale from.
        expectRefusal(try OctetBinary.run(["quantize", "--to", "int8", "--symmetric"], stdin: "0 0\n"))
        expectRefusal(try OctetBinary.run(["quantize", "--to", "int8", "--symmetric", "--per-channel"], stdin: "1\n0\n"),
                      mentioning: ["line 2"])
        expectRefusal(try OctetBinary.run(["quantize", "--to", "float8_e4m3fn", "--asymmetric"], stdin: "1 2\n"))
    }
}

/// 2^-149 as a terminating decimal (1 followed by … digits): 5^149 / 10^149.
private let tinyScaleDecimal: String = {
    // 2^-149 = 5^149 · 10^-149; 5^149 has 105 digits, so the decimal is "0." + 44 zeros + digits.
    var digits: [Int] = [1]
    for _ in 0 ..< 149 {
        var carry = 0
        for i in digits.indices {
            let v = digits[i] * 5 + carry
            digits[i] = v % 10
            carry = v / 10
        }
        while carry > 0 { digits.append(carry % 10); carry /= 10 }
    }
    let s = digits.reversed().map(String.init).joined()
    return "0." + String(repeating: "0", count: 149 - s.count) + s
}()

@Suite("QuantizeCLI: octet mx")
struct QuantizeCLIMXTests {
    @Test("mx quantize: `0xSS 0xHH,…` per block")
    func mxQuantize() throws {
        // E4M3 floor, block 2: [957, 1] → e = 1 (0x80), 478.5 → 480 > 448 → 0x7E, 0.5 = 0x30
        // (microxcaling#4); [0, −0] → 0x00 and 0x00,0x80; [1, nan] → 0xFF and codes 0.
        let r = try OctetBinary.run(["mx", "quantize", "--element", "float8_e4m3fn", "--block-size", "2"],
                                    stdin: "957 1\n0 -0\n1 nan\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "0x80 0x7E,0x30\n0x00 0x00,0x80\n0xFF 0x00,0x00\n")
        // rceil: e = 2 (0x81), 239.25 → 240 = 0x77, 0.25 = 0x28.
        let rc = try OctetBinary.run(["mx", "quantize", "--element", "float8_e4m3fn", "--block-size", "2", "--rule", "rceil"],
                                     stdin: "957 1\n")
        #expect(rc.stdout == "0x81 0x77,0x28\n")
        // E2M1 (aliased e2m1): [7.99, −1] floor: e = 0 (0x7F); 7.99 → 6 = 0x07; −1 = 1 01 0 = 0x0A.
        let f4 = try OctetBinary.run(["mx", "quantize", "--element", "e2m1", "--block-size", "2"], stdin: "7.99 -1\n")
        #expect(f4.stdout == "0x7F 0x07,0x0A\n")
        // MXINT8: [−0x1.ffp0 = −(2 − 2^-8), 0.5] → e = 0; −127.75 → −128 = 0x80 allowed, −127 = 0x81
        // with --symmetric-int8; 0.5·64 = 32 = 0x20.
        let i8 = try OctetBinary.run(["mx", "quantize", "--element", "int8", "--block-size", "2"], stdin: "-0x1.ffp0 0.5\n")
        #expect(i8.stdout == "0x7F 0x80,0x20\n")
        let i8s = try OctetBinary.run(["mx", "quantize", "--element", "int8", "--block-size", "2", "--symmetric-int8"], stdin: "-0x1.ffp0 0.5\n")
        #expect(i8s.stdout == "0x7F 0x81,0x20\n")
        // E5M2 127.9999 (ao#436): e = −9 = 0x76, saturates to 0x7B.
        let e5 = try OctetBinary.run(["mx", "quantize", "--element", "float8_e5m2", "--block-size", "1"], stdin: "127.9999\n")
        #expect(e5.stdout == "0x76 0x7B\n")
        // Default block size 32: the values 1…32 → scale 0x7C (e = 5 − 8 = −3), first element 8 = 0x50.
        let full = try OctetBinary.run(["mx", "quantize", "--element", "float8_e4m3fn"], stdin: (1 ... 32).map(String.init).joined(separator: " ") + "\n")
        #expect(full.status == 0, "\(full.stderr)")
        #expect(full.stdout.hasPrefix("0x7C 0x50,"))
        #expect(full.stdout.split(separator: ",").count == 32)
    }

    @Test("mx quantize: bad input")
    func mxQuantizeBad() throws {
        // Wrong block length on line 2.
        expectRefusal(try OctetBinary.run(["mx", "quantize", "--element", "float8_e4m3fn", "--block-size", "2"], stdin: "1 2\n1 2 3\n"),
                      mentioning: ["line 2"])
        // Non-numeric value on line 3.
        expectRefusal(try OctetBinary.run(["mx", "quantize", "--element", "float8_e4m3fn", "--block-size", "2"], stdin: "1 2\n3 4\n1 x\n"),
                      mentioning: ["line 3"])
        // Invalid options.
        expectRefusal(try OctetBinary.run(["mx", "quantize", "--element", "int4", "--block-size", "2"], stdin: "1 2\n"))
        expectRefusal(try OctetBinary.run(["mx", "quantize", "--element", "float8_e4m3fn", "--block-size", "0"], stdin: "1\n"))
        expectRefusal(try OctetBinary.run(["mx", "quantize", "--element", "float8_e4m3fn", "--rule", "nearest"], stdin: "1\n"))
        expectRefusal(try OctetBinary.run(["mx", "quantize", "--element", "float8_e4m3fn", "--rounding", "sr", "--block-size", "1"], stdin: "1\n"))
        expectRefusal(try OctetBinary.run(["mx", "quantize", "--block-size", "1"], stdin: "1\n"))
    }

    @Test("mx dot: `EXACT 0xHH…`")
    func mxDot() throws {
        // X = 2^9 each; Σ = 8·16 + 2^-9·2^-8 + 2^-9·2^-9 = 128 + 3·2^-18; × 2^18 = 2^25 + 3 = 33554435,
        // one rounding into binary32 (spacing 4) → 2^25 + 4 = 0x4C000001.
        let line = "0x88 0x50,0x01,0x01 0x88 0x58,0x02,0x01\n"
        let r = try OctetBinary.run(["mx", "dot", "--element", "float8_e4m3fn", "--block-size", "3"], stdin: line)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "33554435 0x4C000001\n")
        // binary16 output: saturates to 65504 = 0x7BFF.
        let h = try OctetBinary.run(["mx", "dot", "--element", "float8_e4m3fn", "--block-size", "3", "--out", "binary16"], stdin: line)
        #expect(h.stdout == "33554435 0x7BFF\n")
        // A NaN scale → nan and the binary32 quiet NaN 0x7FC00000.
        let n = try OctetBinary.run(["mx", "dot", "--element", "float8_e4m3fn", "--block-size", "3"],
                                    stdin: "0xFF 0x50,0x01,0x01 0x88 0x58,0x02,0x01\n")
        #expect(n.stdout == "nan 0x7FC00000\n")
        // Small: X = 1 [1.5, 2] · X = 2^-1 [3, −0.5] = (4.5 − 1)/2 = 1.75 = 0x3FE00000.
        let s = try OctetBinary.run(["mx", "dot", "--element", "float8_e4m3fn", "--block-size", "2"], stdin: "0x7F 0x3C,0x40 0x7E 0x44,0xB0\n")
        #expect(s.stdout == "1.75 0x3FE00000\n")
        // Round trip: mx quantize output feeds mx dot. [957, 1] → 0x80 0x7E,0x30 = [896, 1];
        // [1, 1] → e = −8: 0x77 0x78,0x78 = [1, 1]: 896 + 1 = 897 = 1.751953125·2^9 = 0x44604000.
        let q = try OctetBinary.run(["mx", "quantize", "--element", "float8_e4m3fn", "--block-size", "2"], stdin: "957 1\n1 1\n")
        let blocks = q.stdout.split(separator: "\n").map(String.init)
        #expect(blocks.count == 2)
        if blocks.count == 2 {
            let d = try OctetBinary.run(["mx", "dot", "--element", "float8_e4m3fn", "--block-size", "2"], stdin: blocks[0] + " " + blocks[1] + "\n")
            #expect(d.stdout == "897 0x44604000\n")
        }
    }

    @Test("mx dot: bad input names the line")
    func mxDotBad() throws {
        let args = ["mx", "dot", "--element", "float8_e4m3fn", "--block-size", "2"]
        // Wrong element count on line 2.
        expectRefusal(try OctetBinary.run(args, stdin: "0x7F 0x38,0x38 0x7F 0x38,0x38\n0x7F 0x38 0x7F 0x38,0x38\n"),
                      mentioning: ["line 2"])
        // Three fields.
        expectRefusal(try OctetBinary.run(args, stdin: "0x7F 0x38,0x38 0x7F\n"), mentioning: ["line 1"])
        // A code that does not exist / is not hex.
        expectRefusal(try OctetBinary.run(args, stdin: "0x100 0x38,0x38 0x7F 0x38,0x38\n"), mentioning: ["line 1"])
        expectRefusal(try OctetBinary.run(args, stdin: "0x7F 0x38,zz 0x7F 0x38,0x38\n"), mentioning: ["line 1"])
        expectRefusal(try OctetBinary.run(args, stdin: "0x7F 0x38,,0x38 0x7F 0x38,0x38\n"), mentioning: ["line 1"])
        // E2M1 elements are 4 bits: 0x10 does not exist.
        expectRefusal(try OctetBinary.run(["mx", "dot", "--element", "float4_e2m1fn", "--block-size", "1"], stdin: "0x7F 0x10 0x7F 0x01\n"),
                      mentioning: ["line 1"])
        expectRefusal(try OctetBinary.run(args + ["--out", "nosuchformat"], stdin: "0x7F 0x38,0x38 0x7F 0x38,0x38\n"))
    }
}

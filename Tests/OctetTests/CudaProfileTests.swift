import Testing
import OctetExact
@testable import Octet

/// The `cuda` profile against what CUDA 12.9's own host code produced (issue 12). The expected codes
/// were printed by Scripts/peers/cuda_host.cpp — `__nv_cvt_{double,float,halfraw,bfloat16raw}_to_fp8`
/// (`__NV_SATFINITE`), `__nv_cvt_{double,float,bfloat16raw}_to_e8m0` (`__NV_SATFINITE`,
/// `cudaRoundPosInf`) and `__nv_cvt_*_to_fp6` / `_fp4` (`cudaRoundNearest`) of the headers of
/// nvidia-cuda-runtime-cu12 12.9.79, compiled with g++ 12.2 as host code — not by Octet. Each input is
/// passed to the entry point of its own type (`f64:` → the double path, `f32:` the float path, …);
/// Scripts/peers/peers.py --peers cuda checks the profile on every binary16/bfloat16 pattern and the
/// boundary cases of `octet gen` (Specs/peers.md, "cuda 12.9 (host code)").
@Suite struct CudaProfileTests {
    struct Case: CustomStringConvertible, Sendable {
        let format: String, input: String, code: Int
        var description: String { "\(format) \(input)" }
    }

    static let observed: [Case] = {
        var c: [Case] = []
        func add(_ format: String, _ pairs: [(String, Int)]) {
            c += pairs.map { Case(format: format, input: $0.0, code: $0.1) }
        }
        // NaN: 0x7F from binary32/16/bfloat16 whatever the sign and payload; binary64 keeps the sign
        // and (E5M2) payload bit 50. Overflow and ±Inf saturate; ties to even (464 → 448, 61440 → Inf
        // → 57344); 2^-10 (half the smallest E4M3 subnormal) → 0.
        add("float8_e4m3fn", [
            ("f32:7FC00000", 0x7F), ("f32:FFC00000", 0x7F), ("f32:7F800001", 0x7F), ("f32:FF800001", 0x7F), ("f32:7FFFFFFF", 0x7F),
            ("f32:C0800000", 0xC8), ("f32:C0A00000", 0xCA), ("f32:00000000", 0x00), ("f32:80000000", 0x80), ("f32:43E80000", 0x7E),
            ("f32:43E80001", 0x7E), ("f32:C3E80001", 0xFE), ("f32:7F800000", 0x7E), ("f32:FF800000", 0xFE), ("f32:47700000", 0x7E),
            ("f32:476FFFFF", 0x7E), ("f32:3A800000", 0x00), ("f32:3A800001", 0x01), ("f32:3AC00000", 0x01), ("f32:00400000", 0x00),
            ("f32:00400001", 0x00), ("f32:003FFFFF", 0x00), ("f32:7F7FFFFF", 0x7E), ("f32:40400000", 0x44), ("f32:3FC00000", 0x3C),
            ("f32:40D00000", 0x4D), ("f32:40F00000", 0x4F), ("f32:40F80000", 0x50), ("f32:41E00000", 0x5E), ("f32:41F00000", 0x5F),
            ("f32:3E800000", 0x28), ("f32:3E800001", 0x28), ("f32:3F400000", 0x34), ("f32:C0500000", 0xC5), ("f64:7FF8000000000000", 0x7F),
            ("f64:FFF8000000000000", 0xFF), ("f64:7FF4000000000000", 0x7F), ("f64:FFFC000000000000", 0xFF), ("f64:7FF0000000000001", 0x7F), ("f64:FFF0000000000001", 0xFF),
            ("f64:C010000000000000", 0xC8), ("f64:C014000000000000", 0xCA), ("f64:407D000000000000", 0x7E), ("f64:407D000000000001", 0x7E), ("f64:40EE000000000000", 0x7E),
            ("f64:40EDFFFFFFFFFFFF", 0x7E), ("f64:3F50000000000000", 0x00), ("f64:3F50000000000001", 0x01), ("f64:3FF0000000000001", 0x38), ("f64:47EFFFFFE0000000", 0x7E),
            ("f64:47F0000000000000", 0x7E), ("f64:3800000000000000", 0x00), ("f64:3800000000000001", 0x00), ("f64:37FFFFFFFFFFFFFF", 0x00), ("f64:36A0000000000000", 0x00),
            ("f64:0000000000000001", 0x00), ("f64:8000000000000000", 0x80), ("f64:3FD0000000000000", 0x28), ("f64:3FD0000000000001", 0x28), ("f64:401E000000000000", 0x4F),
            ("f64:401F000000000000", 0x50), ("f16:7E00", 0x7F), ("f16:FE00", 0x7F), ("f16:7C01", 0x7F), ("f16:FC01", 0x7F),
            ("f16:C400", 0xC8), ("f16:5F40", 0x7E), ("f16:5F41", 0x7E), ("f16:DF41", 0xFE), ("f16:7BFF", 0x7E),
            ("f16:7C00", 0x7E), ("f16:FC00", 0xFE), ("f16:1400", 0x00), ("f16:1401", 0x01), ("f16:0001", 0x00),
            ("f16:8000", 0x80), ("f16:3E00", 0x3C), ("f16:4680", 0x4D), ("f16:4780", 0x4F), ("f16:4F00", 0x5E),
            ("f16:3400", 0x28), ("bf16:7FC0", 0x7F), ("bf16:FFC0", 0x7F), ("bf16:7F81", 0x7F), ("bf16:FF81", 0x7F),
            ("bf16:C080", 0xC8), ("bf16:C0A0", 0xCA), ("bf16:0000", 0x00), ("bf16:8000", 0x80), ("bf16:0040", 0x00),
            ("bf16:0041", 0x00), ("bf16:003F", 0x00), ("bf16:0001", 0x00), ("bf16:7F7F", 0x7E), ("bf16:7F80", 0x7E),
            ("bf16:FF80", 0xFE), ("bf16:43E8", 0x7E), ("bf16:43E9", 0x7E), ("bf16:4770", 0x7E), ("bf16:3FC0", 0x3C)
        ])
        add("float8_e5m2", [
            ("f32:7FC00000", 0x7F), ("f32:FFC00000", 0x7F), ("f32:7F800001", 0x7F), ("f32:FF800001", 0x7F), ("f32:7FFFFFFF", 0x7F),
            ("f32:C0800000", 0xC4), ("f32:C0A00000", 0xC5), ("f32:00000000", 0x00), ("f32:80000000", 0x80), ("f32:43E80000", 0x5F),
            ("f32:43E80001", 0x5F), ("f32:C3E80001", 0xDF), ("f32:7F800000", 0x7B), ("f32:FF800000", 0xFB), ("f32:47700000", 0x7B),
            ("f32:476FFFFF", 0x7B), ("f32:3A800000", 0x14), ("f32:3A800001", 0x14), ("f32:3AC00000", 0x16), ("f32:00400000", 0x00),
            ("f32:00400001", 0x00), ("f32:003FFFFF", 0x00), ("f32:7F7FFFFF", 0x7B), ("f32:40400000", 0x42), ("f32:3FC00000", 0x3E),
            ("f32:40D00000", 0x46), ("f32:40F00000", 0x48), ("f32:40F80000", 0x48), ("f32:41E00000", 0x4F), ("f32:41F00000", 0x50),
            ("f32:3E800000", 0x34), ("f32:3E800001", 0x34), ("f32:3F400000", 0x3A), ("f32:C0500000", 0xC2), ("f64:7FF8000000000000", 0x7E),
            ("f64:FFF8000000000000", 0xFE), ("f64:7FF4000000000000", 0x7F), ("f64:FFFC000000000000", 0xFF), ("f64:7FF0000000000001", 0x7E), ("f64:FFF0000000000001", 0xFE),
            ("f64:C010000000000000", 0xC4), ("f64:C014000000000000", 0xC5), ("f64:407D000000000000", 0x5F), ("f64:407D000000000001", 0x5F), ("f64:40EE000000000000", 0x7B),
            ("f64:40EDFFFFFFFFFFFF", 0x7B), ("f64:3F50000000000000", 0x14), ("f64:3F50000000000001", 0x14), ("f64:3FF0000000000001", 0x3C), ("f64:47EFFFFFE0000000", 0x7B),
            ("f64:47F0000000000000", 0x7B), ("f64:3800000000000000", 0x00), ("f64:3800000000000001", 0x00), ("f64:37FFFFFFFFFFFFFF", 0x00), ("f64:36A0000000000000", 0x00),
            ("f64:0000000000000001", 0x00), ("f64:8000000000000000", 0x80), ("f64:3FD0000000000000", 0x34), ("f64:3FD0000000000001", 0x34), ("f64:401E000000000000", 0x48),
            ("f64:401F000000000000", 0x48), ("f16:7E00", 0x7F), ("f16:FE00", 0x7F), ("f16:7C01", 0x7F), ("f16:FC01", 0x7F),
            ("f16:C400", 0xC4), ("f16:5F40", 0x5F), ("f16:5F41", 0x5F), ("f16:DF41", 0xDF), ("f16:7BFF", 0x7B),
            ("f16:7C00", 0x7B), ("f16:FC00", 0xFB), ("f16:1400", 0x14), ("f16:1401", 0x14), ("f16:0001", 0x00),
            ("f16:8000", 0x80), ("f16:3E00", 0x3E), ("f16:4680", 0x46), ("f16:4780", 0x48), ("f16:4F00", 0x4F),
            ("f16:3400", 0x34), ("bf16:7FC0", 0x7F), ("bf16:FFC0", 0x7F), ("bf16:7F81", 0x7F), ("bf16:FF81", 0x7F),
            ("bf16:C080", 0xC4), ("bf16:C0A0", 0xC5), ("bf16:0000", 0x00), ("bf16:8000", 0x80), ("bf16:0040", 0x00),
            ("bf16:0041", 0x00), ("bf16:003F", 0x00), ("bf16:0001", 0x00), ("bf16:7F7F", 0x7B), ("bf16:7F80", 0x7B),
            ("bf16:FF80", 0xFB), ("bf16:43E8", 0x5F), ("bf16:43E9", 0x5F), ("bf16:4770", 0x7B), ("bf16:3FC0", 0x3E)
        ])
        // E8M0: |x| rounded up (−4 → 4, −5 → 8), ±0 → 2^-127, ±Inf → 2^127, NaN → NaN.
        add("float8_e8m0fnu", [
            ("f32:7FC00000", 0xFF), ("f32:FFC00000", 0xFF), ("f32:7F800001", 0xFF), ("f32:FF800001", 0xFF), ("f32:7FFFFFFF", 0xFF),
            ("f32:C0800000", 0x81), ("f32:C0A00000", 0x82), ("f32:00000000", 0x00), ("f32:80000000", 0x00), ("f32:43E80000", 0x88),
            ("f32:43E80001", 0x88), ("f32:C3E80001", 0x88), ("f32:7F800000", 0xFE), ("f32:FF800000", 0xFE), ("f32:47700000", 0x8F),
            ("f32:476FFFFF", 0x8F), ("f32:3A800000", 0x75), ("f32:3A800001", 0x76), ("f32:3AC00000", 0x76), ("f32:00400000", 0x00),
            ("f32:00400001", 0x01), ("f32:003FFFFF", 0x00), ("f32:7F7FFFFF", 0xFE), ("f32:40400000", 0x81), ("f32:3FC00000", 0x80),
            ("f32:40D00000", 0x82), ("f32:40F00000", 0x82), ("f32:40F80000", 0x82), ("f32:41E00000", 0x84), ("f32:41F00000", 0x84),
            ("f32:3E800000", 0x7D), ("f32:3E800001", 0x7E), ("f32:3F400000", 0x7F), ("f32:C0500000", 0x81), ("f64:7FF8000000000000", 0xFF),
            ("f64:FFF8000000000000", 0xFF), ("f64:7FF4000000000000", 0xFF), ("f64:FFFC000000000000", 0xFF), ("f64:7FF0000000000001", 0xFF), ("f64:FFF0000000000001", 0xFF),
            ("f64:C010000000000000", 0x81), ("f64:C014000000000000", 0x82), ("f64:407D000000000000", 0x88), ("f64:407D000000000001", 0x88), ("f64:40EE000000000000", 0x8F),
            ("f64:40EDFFFFFFFFFFFF", 0x8F), ("f64:3F50000000000000", 0x75), ("f64:3F50000000000001", 0x76), ("f64:3FF0000000000001", 0x80), ("f64:47EFFFFFE0000000", 0xFE),
            ("f64:47F0000000000000", 0xFE), ("f64:3800000000000000", 0x00), ("f64:3800000000000001", 0x01), ("f64:37FFFFFFFFFFFFFF", 0x00), ("f64:36A0000000000000", 0x00),
            ("f64:0000000000000001", 0x00), ("f64:8000000000000000", 0x00), ("f64:3FD0000000000000", 0x7D), ("f64:3FD0000000000001", 0x7E), ("f64:401E000000000000", 0x82),
            ("f64:401F000000000000", 0x82), ("bf16:7FC0", 0xFF), ("bf16:FFC0", 0xFF), ("bf16:7F81", 0xFF), ("bf16:FF81", 0xFF),
            ("bf16:C080", 0x81), ("bf16:C0A0", 0x82), ("bf16:0000", 0x00), ("bf16:8000", 0x00), ("bf16:0040", 0x00),
            ("bf16:0041", 0x01), ("bf16:003F", 0x00), ("bf16:0001", 0x00), ("bf16:7F7F", 0xFE), ("bf16:7F80", 0xFE),
            ("bf16:FF80", 0xFE), ("bf16:43E8", 0x88), ("bf16:43E9", 0x88), ("bf16:4770", 0x8F), ("bf16:3FC0", 0x80)
        ])
        // FP6/FP4: NaN of either sign → +max; overflow and ±Inf → ±max; ties to even.
        add("float6_e2m3fn", [
            ("f32:7FC00000", 0x1F), ("f32:FFC00000", 0x1F), ("f32:7F800001", 0x1F), ("f32:FF800001", 0x1F), ("f32:7FFFFFFF", 0x1F),
            ("f32:C0800000", 0x38), ("f32:C0A00000", 0x3A), ("f32:00000000", 0x00), ("f32:80000000", 0x20), ("f32:43E80000", 0x1F),
            ("f32:43E80001", 0x1F), ("f32:C3E80001", 0x3F), ("f32:7F800000", 0x1F), ("f32:FF800000", 0x3F), ("f32:47700000", 0x1F),
            ("f32:476FFFFF", 0x1F), ("f32:3A800000", 0x00), ("f32:3A800001", 0x00), ("f32:3AC00000", 0x00), ("f32:00400000", 0x00),
            ("f32:00400001", 0x00), ("f32:003FFFFF", 0x00), ("f32:7F7FFFFF", 0x1F), ("f32:40400000", 0x14), ("f32:3FC00000", 0x0C),
            ("f32:40D00000", 0x1D), ("f32:40F00000", 0x1F), ("f32:40F80000", 0x1F), ("f32:41E00000", 0x1F), ("f32:41F00000", 0x1F),
            ("f32:3E800000", 0x02), ("f32:3E800001", 0x02), ("f32:3F400000", 0x06), ("f32:C0500000", 0x35), ("f64:7FF8000000000000", 0x1F),
            ("f64:FFF8000000000000", 0x1F), ("f64:7FF4000000000000", 0x1F), ("f64:FFFC000000000000", 0x1F), ("f64:7FF0000000000001", 0x1F), ("f64:FFF0000000000001", 0x1F),
            ("f64:C010000000000000", 0x38), ("f64:C014000000000000", 0x3A), ("f64:407D000000000000", 0x1F), ("f64:407D000000000001", 0x1F), ("f64:40EE000000000000", 0x1F),
            ("f64:40EDFFFFFFFFFFFF", 0x1F), ("f64:3F50000000000000", 0x00), ("f64:3F50000000000001", 0x00), ("f64:3FF0000000000001", 0x08), ("f64:47EFFFFFE0000000", 0x1F),
            ("f64:47F0000000000000", 0x1F), ("f64:3800000000000000", 0x00), ("f64:3800000000000001", 0x00), ("f64:37FFFFFFFFFFFFFF", 0x00), ("f64:36A0000000000000", 0x00),
            ("f64:0000000000000001", 0x00), ("f64:8000000000000000", 0x20), ("f64:3FD0000000000000", 0x02), ("f64:3FD0000000000001", 0x02), ("f64:401E000000000000", 0x1F),
            ("f64:401F000000000000", 0x1F), ("f16:7E00", 0x1F), ("f16:FE00", 0x1F), ("f16:7C01", 0x1F), ("f16:FC01", 0x1F),
            ("f16:C400", 0x38), ("f16:5F40", 0x1F), ("f16:5F41", 0x1F), ("f16:DF41", 0x3F), ("f16:7BFF", 0x1F),
            ("f16:7C00", 0x1F), ("f16:FC00", 0x3F), ("f16:1400", 0x00), ("f16:1401", 0x00), ("f16:0001", 0x00),
            ("f16:8000", 0x20), ("f16:3E00", 0x0C), ("f16:4680", 0x1D), ("f16:4780", 0x1F), ("f16:4F00", 0x1F),
            ("f16:3400", 0x02), ("bf16:7FC0", 0x1F), ("bf16:FFC0", 0x1F), ("bf16:7F81", 0x1F), ("bf16:FF81", 0x1F),
            ("bf16:C080", 0x38), ("bf16:C0A0", 0x3A), ("bf16:0000", 0x00), ("bf16:8000", 0x20), ("bf16:0040", 0x00),
            ("bf16:0041", 0x00), ("bf16:003F", 0x00), ("bf16:0001", 0x00), ("bf16:7F7F", 0x1F), ("bf16:7F80", 0x1F),
            ("bf16:FF80", 0x3F), ("bf16:43E8", 0x1F), ("bf16:43E9", 0x1F), ("bf16:4770", 0x1F), ("bf16:3FC0", 0x0C)
        ])
        add("float6_e3m2fn", [
            ("f32:7FC00000", 0x1F), ("f32:FFC00000", 0x1F), ("f32:7F800001", 0x1F), ("f32:FF800001", 0x1F), ("f32:7FFFFFFF", 0x1F),
            ("f32:C0800000", 0x34), ("f32:C0A00000", 0x35), ("f32:00000000", 0x00), ("f32:80000000", 0x20), ("f32:43E80000", 0x1F),
            ("f32:43E80001", 0x1F), ("f32:C3E80001", 0x3F), ("f32:7F800000", 0x1F), ("f32:FF800000", 0x3F), ("f32:47700000", 0x1F),
            ("f32:476FFFFF", 0x1F), ("f32:3A800000", 0x00), ("f32:3A800001", 0x00), ("f32:3AC00000", 0x00), ("f32:00400000", 0x00),
            ("f32:00400001", 0x00), ("f32:003FFFFF", 0x00), ("f32:7F7FFFFF", 0x1F), ("f32:40400000", 0x12), ("f32:3FC00000", 0x0E),
            ("f32:40D00000", 0x16), ("f32:40F00000", 0x18), ("f32:40F80000", 0x18), ("f32:41E00000", 0x1F), ("f32:41F00000", 0x1F),
            ("f32:3E800000", 0x04), ("f32:3E800001", 0x04), ("f32:3F400000", 0x0A), ("f32:C0500000", 0x32), ("f64:7FF8000000000000", 0x1F),
            ("f64:FFF8000000000000", 0x1F), ("f64:7FF4000000000000", 0x1F), ("f64:FFFC000000000000", 0x1F), ("f64:7FF0000000000001", 0x1F), ("f64:FFF0000000000001", 0x1F),
            ("f64:C010000000000000", 0x34), ("f64:C014000000000000", 0x35), ("f64:407D000000000000", 0x1F), ("f64:407D000000000001", 0x1F), ("f64:40EE000000000000", 0x1F),
            ("f64:40EDFFFFFFFFFFFF", 0x1F), ("f64:3F50000000000000", 0x00), ("f64:3F50000000000001", 0x00), ("f64:3FF0000000000001", 0x0C), ("f64:47EFFFFFE0000000", 0x1F),
            ("f64:47F0000000000000", 0x1F), ("f64:3800000000000000", 0x00), ("f64:3800000000000001", 0x00), ("f64:37FFFFFFFFFFFFFF", 0x00), ("f64:36A0000000000000", 0x00),
            ("f64:0000000000000001", 0x00), ("f64:8000000000000000", 0x20), ("f64:3FD0000000000000", 0x04), ("f64:3FD0000000000001", 0x04), ("f64:401E000000000000", 0x18),
            ("f64:401F000000000000", 0x18), ("f16:7E00", 0x1F), ("f16:FE00", 0x1F), ("f16:7C01", 0x1F), ("f16:FC01", 0x1F),
            ("f16:C400", 0x34), ("f16:5F40", 0x1F), ("f16:5F41", 0x1F), ("f16:DF41", 0x3F), ("f16:7BFF", 0x1F),
            ("f16:7C00", 0x1F), ("f16:FC00", 0x3F), ("f16:1400", 0x00), ("f16:1401", 0x00), ("f16:0001", 0x00),
            ("f16:8000", 0x20), ("f16:3E00", 0x0E), ("f16:4680", 0x16), ("f16:4780", 0x18), ("f16:4F00", 0x1F),
            ("f16:3400", 0x04), ("bf16:7FC0", 0x1F), ("bf16:FFC0", 0x1F), ("bf16:7F81", 0x1F), ("bf16:FF81", 0x1F),
            ("bf16:C080", 0x34), ("bf16:C0A0", 0x35), ("bf16:0000", 0x00), ("bf16:8000", 0x20), ("bf16:0040", 0x00),
            ("bf16:0041", 0x00), ("bf16:003F", 0x00), ("bf16:0001", 0x00), ("bf16:7F7F", 0x1F), ("bf16:7F80", 0x1F),
            ("bf16:FF80", 0x3F), ("bf16:43E8", 0x1F), ("bf16:43E9", 0x1F), ("bf16:4770", 0x1F), ("bf16:3FC0", 0x0E)
        ])
        add("float4_e2m1fn", [
            ("f32:7FC00000", 0x07), ("f32:FFC00000", 0x07), ("f32:7F800001", 0x07), ("f32:FF800001", 0x07), ("f32:7FFFFFFF", 0x07),
            ("f32:C0800000", 0x0E), ("f32:C0A00000", 0x0E), ("f32:00000000", 0x00), ("f32:80000000", 0x08), ("f32:43E80000", 0x07),
            ("f32:43E80001", 0x07), ("f32:C3E80001", 0x0F), ("f32:7F800000", 0x07), ("f32:FF800000", 0x0F), ("f32:47700000", 0x07),
            ("f32:476FFFFF", 0x07), ("f32:3A800000", 0x00), ("f32:3A800001", 0x00), ("f32:3AC00000", 0x00), ("f32:00400000", 0x00),
            ("f32:00400001", 0x00), ("f32:003FFFFF", 0x00), ("f32:7F7FFFFF", 0x07), ("f32:40400000", 0x05), ("f32:3FC00000", 0x03),
            ("f32:40D00000", 0x07), ("f32:40F00000", 0x07), ("f32:40F80000", 0x07), ("f32:41E00000", 0x07), ("f32:41F00000", 0x07),
            ("f32:3E800000", 0x00), ("f32:3E800001", 0x01), ("f32:3F400000", 0x02), ("f32:C0500000", 0x0D), ("f64:7FF8000000000000", 0x07),
            ("f64:FFF8000000000000", 0x07), ("f64:7FF4000000000000", 0x07), ("f64:FFFC000000000000", 0x07), ("f64:7FF0000000000001", 0x07), ("f64:FFF0000000000001", 0x07),
            ("f64:C010000000000000", 0x0E), ("f64:C014000000000000", 0x0E), ("f64:407D000000000000", 0x07), ("f64:407D000000000001", 0x07), ("f64:40EE000000000000", 0x07),
            ("f64:40EDFFFFFFFFFFFF", 0x07), ("f64:3F50000000000000", 0x00), ("f64:3F50000000000001", 0x00), ("f64:3FF0000000000001", 0x02), ("f64:47EFFFFFE0000000", 0x07),
            ("f64:47F0000000000000", 0x07), ("f64:3800000000000000", 0x00), ("f64:3800000000000001", 0x00), ("f64:37FFFFFFFFFFFFFF", 0x00), ("f64:36A0000000000000", 0x00),
            ("f64:0000000000000001", 0x00), ("f64:8000000000000000", 0x08), ("f64:3FD0000000000000", 0x00), ("f64:3FD0000000000001", 0x01), ("f64:401E000000000000", 0x07),
            ("f64:401F000000000000", 0x07), ("f16:7E00", 0x07), ("f16:FE00", 0x07), ("f16:7C01", 0x07), ("f16:FC01", 0x07),
            ("f16:C400", 0x0E), ("f16:5F40", 0x07), ("f16:5F41", 0x07), ("f16:DF41", 0x0F), ("f16:7BFF", 0x07),
            ("f16:7C00", 0x07), ("f16:FC00", 0x0F), ("f16:1400", 0x00), ("f16:1401", 0x00), ("f16:0001", 0x00),
            ("f16:8000", 0x08), ("f16:3E00", 0x03), ("f16:4680", 0x07), ("f16:4780", 0x07), ("f16:4F00", 0x07),
            ("f16:3400", 0x00), ("bf16:7FC0", 0x07), ("bf16:FFC0", 0x07), ("bf16:7F81", 0x07), ("bf16:FF81", 0x07),
            ("bf16:C080", 0x0E), ("bf16:C0A0", 0x0E), ("bf16:0000", 0x00), ("bf16:8000", 0x08), ("bf16:0040", 0x00),
            ("bf16:0041", 0x00), ("bf16:003F", 0x00), ("bf16:0001", 0x00), ("bf16:7F7F", 0x07), ("bf16:7F80", 0x07),
            ("bf16:FF80", 0x0F), ("bf16:43E8", 0x07), ("bf16:43E9", 0x07), ("bf16:4770", 0x07), ("bf16:3FC0", 0x03)
        ])
        return c
    }()

    @Test(arguments: Self.observed)
    func reproducesCUDAHostCode(_ c: Case) throws {
        let profile = try #require(CompatibilityProfile.named("cuda"))
        let format = try FormatRegistry.named(c.format)
        let got = try profile.encode(parsing: c.input, into: format)
        #expect(got.code == c.code, "\(c): profile gives 0x\(String(got.code, radix: 16)), CUDA gave 0x\(String(c.code, radix: 16))")
        // The same through the bits API.
        let parts = c.input.split(separator: ":")
        let type = try #require(IEEEBits.Format(rawValue: String(parts[0])))
        let bits = try #require(UInt64(parts[1], radix: 16))
        #expect(try profile.encode(bits: bits, as: type, into: format).code == c.code, "\(c) via encode(bits:as:into:)")
        // Without the input type (the CLI's path) everything but a binary64 NaN into FP8 is the same.
        let x = try ValueParser.parse(c.input)
        if !(type == .binary64 && x.isNaN && format.name.hasPrefix("float8_e")) || format.name == "float8_e8m0fnu" {
            #expect(try profile.encode(x, into: format).code == c.code, "\(c) via encode(_:into:)")
        }
    }

    /// The two facts of issue 12, and the values the old profile gave (which CUDA does not).
    @Test func issue12() throws {
        let cuda = try #require(CompatibilityProfile.named("cuda"))
        let e4m3 = try FormatRegistry.named("float8_e4m3fn"), e5m2 = try FormatRegistry.named("float8_e5m2")
        let e8m0 = try FormatRegistry.named("float8_e8m0fnu"), fp4 = try FormatRegistry.named("float4_e2m1fn")
        // __nv_cvt_float_to_fp8: every NaN → 0x7F (the old profile: 0xFF for −NaN in E4M3, 0x7E | sign in E5M2).
        for text in ["nan", "-nan", "f32:FFC00000", "f32:7F800001", "f16:FE00", "bf16:FFC0"] {
            #expect(try cuda.encode(parsing: text, into: e4m3).code == 0x7F, "\(text)")
            #expect(try cuda.encode(parsing: text, into: e5m2).code == 0x7F, "\(text)")
        }
        // __nv_cvt_double_to_fp8: the sign kept, E5M2 0x7E | payload bit 50.
        #expect(try cuda.encode(parsing: "f64:FFF8000000000000", into: e4m3).code == 0xFF)
        #expect(try cuda.encode(parsing: "f64:FFF8000000000000", into: e5m2).code == 0xFE)
        #expect(try cuda.encode(parsing: "f64:7FFC000000000000", into: e5m2).code == 0x7F)
        // __nv_cvt_float_to_e8m0 reads |x|: −4 → 0x81 (the old profile: 0x00).
        #expect(try cuda.encode(ValueParser.parse("-4"), into: e8m0).code == 0x81)
        #expect(try cuda.encode(ValueParser.parse("-5"), into: e8m0).code == 0x82)
        #expect(try cuda.encode(ValueParser.parse("-inf"), into: e8m0).code == 0xFE)
        // NaN into FP4: +6 (the old profile refused it).
        #expect(try cuda.encode(ValueParser.parse("-nan"), into: fp4).code == 0x07)
    }
}

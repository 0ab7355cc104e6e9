#!/usr/bin/env python3
"""torchao's CPU block quantizers on the shapes `octet bench` measures, and the ratios to Octet.

Run:   /work/venv-blocks/bin/python Benchmarks/blocks_torchao.py [--quick] [--json] [--octet BENCH.jsonl]
Needs: torch (CPU) and torchao 0.18.0 (torchao.prototype.mx_formats); without them it says so and exits 0.

What is timed (each call is the whole quantization of one tensor, outputs included):
  mxfp8_e4m3  to_mx(x, torch.float8_e4m3fn, 32, ScaleCalculationMode.FLOOR)      (MXTensor.to_mx's core)
  mxfp4       to_mx(x, torch.float4_e2m1fn_x2, 32, ScaleCalculationMode.FLOOR)   (packed nibbles)
  nvfp4       nvfp4_quantize(x, 16, per_tensor_amax_to_scale(torch.max(torch.abs(x))))
              the tensor amax is inside the timed call, as in octet's two-pass kernel
  nvfp4 (NVFP4Tensor.to_nvfp4)  the tensor-subclass entry point with the same per-tensor scale
from binary32 and from bfloat16, on 1 x 4096 and 4096 x 4096 tensors (n = 4096 and 16 Mi), under
torch.set_num_threads(1) and under torch's default thread count. The data follow octet bench's
recipe (BenchmarkData: splitmix64 from 0x0C7E7, binary32 with random mantissas, both signs,
exponents 2^-10 .. 2^11; bfloat16 = the top 16 bits of those binary32 values, as octet bench).
Best-of-N wall clock, like octet bench. Prints M elements/s.

--octet FILE reads `octet bench --json` lines (e.g. `.build/release/octet bench --json --filter
"blocks quantize" > bench.jsonl`) and adds, per row, octet's M elem/s and the ratio octet / torchao.
"""
import json
import sys

try:
    import numpy as np
    import torch
    from torchao.prototype.mx_formats.mx_tensor import to_mx
    from torchao.prototype.mx_formats.config import ScaleCalculationMode
    from torchao.prototype.mx_formats.nvfp4_tensor import NVFP4Tensor, nvfp4_quantize, per_tensor_amax_to_scale
except ImportError as e:  # pragma: no cover
    print(f"blocks_torchao.py: torch and torchao are needed ({e}); use /work/venv-blocks/bin/python")
    sys.exit(0)
import peers   # octet bench's data recipe (splitmix64, inputs) and best-of-N timing (seconds); needs ml_dtypes

QUICK = "--quick" in sys.argv
JSON = "--json" in sys.argv
OCTET = sys.argv[sys.argv.index("--octet") + 1] if "--octet" in sys.argv else None
SAMPLES = 2 if QUICK else 5   # peers.seconds' sample count for these rows (its MIN_SAMPLE follows --quick too)


def nvfp4_call(x):
    pts = per_tensor_amax_to_scale(torch.max(torch.abs(x)))
    return nvfp4_quantize(x, 16, pts)


def nvfp4_tensor_call(x):
    pts = per_tensor_amax_to_scale(torch.max(torch.abs(x)))
    return NVFP4Tensor.to_nvfp4(x, 16, per_tensor_scale=pts)


CASES = [
    ("mxfp8_e4m3", "to_mx", lambda x: to_mx(x, torch.float8_e4m3fn, 32, ScaleCalculationMode.FLOOR)),
    ("mxfp4", "to_mx", lambda x: to_mx(x, torch.float4_e2m1fn_x2, 32, ScaleCalculationMode.FLOOR)),
    ("nvfp4", "nvfp4_quantize", nvfp4_call),
    ("nvfp4", "NVFP4Tensor.to_nvfp4", nvfp4_tensor_call),
]


def octet_rows(path):
    """{(kernel, n): M elem/s} from `octet bench --json` lines."""
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            r = json.loads(line)
            if r.get("unit") == "M elem/s" and r["kernel"].startswith("blocks quantize"):
                out[(r["kernel"], int(r["n"]))] = float(r["throughput"])
    return out


def main():
    octet = octet_rows(OCTET) if OCTET else {}
    default_threads = torch.get_num_threads()
    rows = []
    for n in (4096, 16 << 20):
        bits = peers.inputs(n).view(np.uint32)
        cols = 4096
        f32 = torch.from_numpy(bits.view(np.float32).reshape(n // cols, cols).copy())
        bf16 = torch.from_numpy((bits >> np.uint32(16)).astype(np.uint16).view(np.int16).reshape(n // cols, cols).copy()).view(torch.bfloat16)
        for src, x in (("f32", f32), ("bf16", bf16)):
            for scheme, entry, fn in CASES:
                for threads in (1, default_threads):
                    torch.set_num_threads(threads)
                    fn(x)   # warm-up (first-call dispatch, allocations)
                    peers.SAMPLES = SAMPLES if n == 4096 else min(SAMPLES, 3)
                    t = peers.seconds(lambda: fn(x))
                    me = n / t / 1e6
                    kernel = f"blocks quantize {src}->{scheme}"
                    row = {"library": "torchao", "entry": entry, "kernel": kernel, "n": n, "threads": threads,
                           "throughput": round(me, 3), "unit": "M elem/s"}
                    if (kernel, n) in octet:
                        row["octet"] = octet[(kernel, n)]
                        row["ratio"] = round(octet[(kernel, n)] / me, 2)
                    rows.append(row)
                    if JSON:
                        print(json.dumps(row))
                    else:
                        extra = f"  octet {row['octet']:9.1f}  ratio {row['ratio']:8.1f}x" if "octet" in row else ""
                        nn = "16Mi" if n >= 1 << 20 else str(n)
                        print(f"{kernel:34s} {entry:22s} {nn:>5s} threads {threads}  {me:10.2f} M elem/s{extra}", flush=True)
                    if threads == default_threads:
                        break
    torch.set_num_threads(default_threads)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""ml_dtypes (NumPy) throughput for the conversions `octet bench` measures, on the same sizes.

Run:   python3 Benchmarks/peers.py [--quick] [--json]
Needs: numpy and ml_dtypes (`pip install ml_dtypes`); without them it says so and exits 0.

Each conversion is `astype` on a contiguous array, single-threaded (NumPy casts do not thread),
best-of-N wall clock, n = 4096 (L1-resident) and n = 16 Mi (streaming). The data follow the same
recipe as `octet bench`: binary32 values with random mantissas, both signs, exponents 2^-10 … 2^11
(so some inputs exceed E4M3's range). Note the semantics differ from Octet's kernels where
ml_dtypes chooses differently: its casts are non-saturating (values beyond max become NaN / Inf),
while the kernels measured by `octet bench` use `saturate`; the work per element is the same.
Prints M elements/s; compare with `octet bench` for the ratio.
"""
import json
import sys
import time

try:
    import numpy as np
    import ml_dtypes
except ImportError as e:  # pragma: no cover
    print(f"peers.py: numpy and ml_dtypes are needed ({e}); pip install ml_dtypes")
    sys.exit(0)

QUICK = "--quick" in sys.argv
JSON = "--json" in sys.argv
SAMPLES = 3 if QUICK else 9
MIN_SAMPLE = 0.004 if QUICK else 0.05


def splitmix(state, count):
    """The same splitmix64 stream as octet bench (vectorised)."""
    idx = np.arange(1, count + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(state) + idx * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def inputs(n):
    head = min(n, 1 << 16)
    r = splitmix(0x0C7E7, head)
    exp = (np.uint64(117) + (r >> np.uint64(40)) % np.uint64(22)).astype(np.uint32)
    bits = (r.astype(np.uint32) & np.uint32(0x807FFFFF)) | (exp << np.uint32(23))
    f = bits.view(np.float32)
    return np.resize(f, n)   # repeats the first 65,536 values, like octet bench


def seconds(fn):
    reps, t = 1, 0.0
    while True:
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        t = time.perf_counter() - t0
        if t >= MIN_SAMPLE or reps >= 1 << 20:
            break
        reps *= max(2, min(64, int(MIN_SAMPLE / max(t, 1e-9) * 1.3)))
    best = t / reps
    for _ in range(SAMPLES - 1):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        best = min(best, (time.perf_counter() - t0) / reps)
    return best


def main():
    e4m3fn, e5m2 = ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e5m2
    rows = []
    for n in (4096, 16 << 20):
        x = inputs(n)
        x16 = x.astype(np.float16)
        xb16 = x.astype(ml_dtypes.bfloat16)
        codes = x.astype(e4m3fn)
        cases = [
            ("convert f32->float8_e4m3fn", lambda: x.astype(e4m3fn)),
            ("convert f32->float8_e5m2", lambda: x.astype(e5m2)),
            ("convert f16->float8_e4m3fn", lambda: x16.astype(e4m3fn)),
            ("convert bf16->float8_e4m3fn", lambda: xb16.astype(e4m3fn)),
            ("decode float8_e4m3fn->f32", lambda: codes.astype(np.float32)),
        ]
        for name, fn in cases:
            t = seconds(fn)
            rows.append({"kernel": name, "n": n, "throughput": n / t / 1e6, "unit": "M elem/s",
                         "implementation": f"ml_dtypes {ml_dtypes.__version__} astype"})
    if JSON:
        for r in rows:
            print(json.dumps(r))
    else:
        print(f"ml_dtypes {ml_dtypes.__version__}, numpy {np.__version__}: astype, one thread, best of {SAMPLES}")
        for r in rows:
            n = f"{r['n'] >> 20}Mi" if r["n"] >= 1 << 20 else str(r["n"])
            print(f"{r['kernel']:<32}{n:>7}{r['throughput']:>11.1f} M elem/s")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Block-scheme peers: Octet's ecosystem profiles against the libraries they reproduce.

For random tensors of several distributions, runs the real library (torchao's to_mx and
nvfp4_quantize, microxcaling's _quantize_mx), then `octet blocks quantize --scheme S --profile P
--json` and `--profile exact`, compares every scale code, element code and tensor scale, and
classifies each disagreement. Writes the `## Block schemes` section of Specs/peers.md (spliced
between its markers; the rest of the file is untouched) and the fixtures of
Tests/Fixtures/block-profiles/ that BlockProfileTests replays without torch.

    /work/venv-blocks/bin/python Scripts/peers/blocks_peers.py --octet .build-prof/debug/octet \\
        --mx-src /tmp/mx-src [--cases 40] [--seed 1] [--splice] [--fixtures DIR]

Needs torch, torchao, numpy, ml_dtypes in the running interpreter; microxcaling from a source
tree (`git archive` of microsoft/microxcaling) given by --mx-src.
"""
import argparse, collections, datetime, fractions, json, math, os, subprocess, sys

import numpy as np

F = fractions.Fraction

# ---------------------------------------------------------------- element formats (exact grids)
ELEMENTS = {
    "float8_e4m3fn": dict(ebits=4, mbits=3, bias=7, max=448.0, nan=True),
    "float8_e5m2": dict(ebits=5, mbits=2, bias=15, max=57344.0, nan=True),
    "float6_e2m3fn": dict(ebits=2, mbits=3, bias=1, max=7.5, nan=False),
    "float6_e3m2fn": dict(ebits=3, mbits=2, bias=3, max=28.0, nan=False),
    "float4_e2m1fn": dict(ebits=2, mbits=1, bias=1, max=6.0, nan=False),
}


def decode(fmt, code):
    """Exact value (Fraction, or None for NaN/Inf) of a code of a float element format."""
    p = ELEMENTS[fmt]
    bits = 1 + p["ebits"] + p["mbits"]
    s = -1 if code >> (bits - 1) & 1 else 1
    e = code >> p["mbits"] & ((1 << p["ebits"]) - 1)
    m = code & ((1 << p["mbits"]) - 1)
    if fmt == "float8_e4m3fn" and e == 15 and m == 7:
        return None
    if fmt == "float8_e5m2" and e == 31:
        return None
    if e == 0:
        v = F(m, 1 << p["mbits"]) * F(2) ** (1 - p["bias"])
    else:
        v = (1 + F(m, 1 << p["mbits"])) * F(2) ** (e - p["bias"])
    return s * v


def grid(fmt):
    bits = 1 + ELEMENTS[fmt]["ebits"] + ELEMENTS[fmt]["mbits"]
    vals = sorted({decode(fmt, c) for c in range(1 << (bits - 1)) if decode(fmt, c) is not None})
    return vals


GRIDS = {f: grid(f) for f in ELEMENTS}

MX_SCHEMES = {"mxfp8_e4m3": "float8_e4m3fn", "mxfp8_e5m2": "float8_e5m2", "mxfp6_e2m3": "float6_e2m3fn",
              "mxfp6_e3m2": "float6_e3m2fn", "mxfp4": "float4_e2m1fn"}
MX_EMAX = {"float8_e4m3fn": 8, "float8_e5m2": 15, "float6_e2m3fn": 2, "float6_e3m2fn": 4, "float4_e2m1fn": 2}


def f32bits(a):
    return np.asarray(a, dtype=np.float32).view(np.uint32)


def exact(x):
    """Fraction of a finite binary32/float."""
    return F(float(x))


# ---------------------------------------------------------------- tensors
def tensors(kind, scheme, rng, rows, cols):
    """A float32 tensor of `kind` for `scheme`."""
    if scheme.startswith("mx"):
        elem = MX_SCHEMES.get(scheme, "float8_e4m3fn")
        emax = MX_EMAX[elem] if scheme != "mxint8" else 0
        gmax = ELEMENTS[elem]["max"] if scheme != "mxint8" else 127 / 64
        block = 32
    else:
        elem, emax, gmax, block = "float4_e2m1fn", 2, 6.0, 16
    g = [float(v) for v in GRIDS[elem]] if scheme != "mxint8" else [k / 64 for k in range(128)]
    if kind == "normal":
        x = rng.standard_normal((rows, cols)) * 10.0 ** rng.uniform(-3, 3)
    elif kind == "heavy":
        x = rng.standard_t(1.3, (rows, cols)) * 10.0 ** rng.uniform(-2, 2)
        x *= np.where(rng.random((rows, cols)) < 0.02, 10.0 ** rng.uniform(1, 4), 1.0)
    elif kind == "lognormal":
        x = np.exp(rng.normal(0, 4, (rows, cols))) * rng.choice([-1, 1], (rows, cols))
    elif kind == "boundary":
        # block maxima at element/scale boundaries: 2^k * max_elem, 2^k, nudged by a few ulps;
        # other elements at grid points and midpoints of the scaled grid, nudged by ulps
        x = np.zeros((rows, cols))
        for r in range(rows):
            for b in range(0, cols, block):
                k = int(rng.integers(-20, 20))
                if scheme.startswith("nvfp4"):
                    s = float(rng.choice([1.0, 2688.0 / 6, 448.0, 1 / 6, 0.75, 3.0, 2.0 ** -7]))
                    s *= 2.0 ** k
                else:
                    s = 2.0 ** k
                for j in range(b, min(b + block, cols)):
                    i = int(rng.integers(0, len(g) - 1))
                    v = g[i] if rng.random() < 0.4 else (g[i] + g[i + 1]) / 2
                    x[r, j] = v * s * (1 if rng.random() < 0.5 else -1)
                top = rng.choice([gmax, 2.0 ** (emax + 1), 2.0 ** emax, gmax * 1.5, 1.0, 2 * gmax])
                x[r, b + int(rng.integers(0, min(block, cols - b)))] = top * s
        x = x.astype(np.float32)
        u = f32bits(x).astype(np.int64)
        nz = (u & 0x7FFFFFFF) != 0
        u = np.where(nz & (rng.random(x.shape) < 0.5), u + rng.integers(-3, 4, x.shape), u)
        return u.astype(np.uint32).view(np.float32)
    elif kind == "ties":
        x = np.zeros((rows, cols))
        for r in range(rows):
            for b in range(0, cols, block):
                s = 2.0 ** int(rng.integers(-10, 10))
                if scheme.startswith("nvfp4"):
                    s *= float(rng.choice([1.0, 1.125, 0.75, 1.5]))
                for j in range(b, min(b + block, cols)):
                    i = int(rng.integers(0, len(g) - 1))
                    x[r, j] = (g[i] + g[i + 1]) / 2 * s * (1 if rng.random() < 0.5 else -1)
                x[r, b] = gmax * s
    elif kind == "tiny":
        x = rng.standard_normal((rows, cols)) * 2.0 ** rng.uniform(-149, -112)
    elif kind == "zeros":
        x = rng.standard_normal((rows, cols)) * 10.0 ** rng.uniform(-2, 2)
        for r in range(rows):
            for b in range(0, cols, block):
                if rng.random() < 0.5:
                    x[r, b:b + block] = 0.0
                    x[r, b:b + block:3] = -0.0
        if rng.random() < 0.25:
            x[:] = 0.0
            x[:, ::5] = -0.0
        x = np.where(rng.random((rows, cols)) < 0.1, -0.0, x)
    elif kind == "specials":
        x = rng.standard_normal((rows, cols))
        for _ in range(3):
            x[int(rng.integers(0, rows)), int(rng.integers(0, cols))] = rng.choice([np.inf, -np.inf, np.nan, -np.nan])
    else:
        raise ValueError(kind)
    return np.asarray(x, dtype=np.float32)


KINDS = ["normal", "heavy", "lognormal", "boundary", "ties", "tiny", "zeros", "specials"]


# ---------------------------------------------------------------- libraries
def lib_torchao_mx(x, scheme, rule):
    import torch
    from torchao.prototype.mx_formats.mx_tensor import to_mx
    from torchao.prototype.mx_formats.config import ScaleCalculationMode
    from torchao.prototype.mx_formats.constants import DTYPE_FP6_E2M3, DTYPE_FP6_E3M2
    elem = MX_SCHEMES[scheme]
    dt = {"float8_e4m3fn": torch.float8_e4m3fn, "float8_e5m2": torch.float8_e5m2, "float6_e2m3fn": DTYPE_FP6_E2M3,
          "float6_e3m2fn": DTYPE_FP6_E3M2, "float4_e2m1fn": torch.float4_e2m1fn_x2}[elem]
    mode = getattr(ScaleCalculationMode, rule.upper())
    scale, data = to_mx(torch.from_numpy(x.copy()), dt, 32, mode)
    scales = scale.view(torch.uint8).numpy().reshape(x.shape[0], -1)
    if elem.startswith("float8"):
        codes = data.view(torch.uint8).numpy().reshape(x.shape)
    elif elem.startswith("float6"):
        codes = data.numpy().reshape(x.shape)
    else:
        p = data.view(torch.uint8).numpy().reshape(x.shape[0], -1)
        codes = np.stack([p & 0xF, p >> 4], axis=-1).reshape(x.shape)
    return dict(scales=scales.tolist(), codes=codes.astype(int).tolist(), ts=None)


def lib_torchao_nvfp4(x, scheme):
    import torch
    from torchao.prototype.mx_formats.nvfp4_tensor import nvfp4_quantize, per_tensor_amax_to_scale
    t = torch.from_numpy(x.copy())
    pts = per_tensor_amax_to_scale(torch.max(torch.abs(t))) if scheme == "nvfp4" else None
    scales, data = nvfp4_quantize(t, 16, pts)
    p = data.view(torch.uint8).numpy().reshape(x.shape[0], -1)
    codes = np.stack([p & 0xF, p >> 4], axis=-1).reshape(x.shape)
    ts = None if pts is None else int(pts.float().view(torch.int32).item()) & 0xFFFFFFFF
    return dict(scales=scales.view(torch.uint8).numpy().reshape(x.shape[0], -1).astype(int).tolist(),
                codes=codes.astype(int).tolist(), ts=ts)


MX_STATE = {}


def lib_microxcaling(x, scheme):
    import torch
    import ml_dtypes
    from mx import mx_ops
    from mx.formats import ElemFormat
    fmt = {"mxfp8_e4m3": ElemFormat.fp8_e4m3, "mxfp8_e5m2": ElemFormat.fp8_e5m2, "mxfp6_e2m3": ElemFormat.fp6_e2m3,
           "mxfp6_e3m2": ElemFormat.fp6_e3m2, "mxfp4": ElemFormat.fp4, "mxint8": ElemFormat.int8}[scheme]
    if "orig" not in MX_STATE:
        MX_STATE["orig"] = (mx_ops._shared_exponents, mx_ops._quantize_elemwise_core)

        def se(*a, **k):
            r = MX_STATE["orig"][0](*a, **k)
            MX_STATE["se"] = r.clone()
            return r

        def core(*a, **k):
            r = MX_STATE["orig"][1](*a, **k)
            MX_STATE["q"] = r.clone()
            return r
        mx_ops._shared_exponents = se
        mx_ops._quantize_elemwise_core = core
    out = mx_ops._quantize_mx(torch.from_numpy(x.copy()), 8, fmt, shared_exp_method="max", axes=[-1], block_size=32,
                              round="nearest", flush_fp32_subnorms=False)
    emax = mx_ops._get_format_params(fmt)[2]
    # the three lines of _quantize_mx after _shared_exponents, transcribed to recover the codes
    se = MX_STATE["se"] - emax
    se[se > 127] = float("nan")
    se[se < -127] = -127
    se = se.numpy().reshape(x.shape[0], -1)
    q = MX_STATE["q"].numpy().reshape(x.shape[0], -1)[:, :x.shape[1]]
    scales = np.where(np.isnan(se), 255, np.nan_to_num(se, nan=0) + 127).astype(int)
    codes = np.zeros(x.shape, dtype=int)
    for r in range(x.shape[0]):
        for c in range(x.shape[1]):
            if scales[r, c // 32] == 255:
                continue
            v = q[r, c]
            if scheme == "mxint8":
                codes[r, c] = int(round(float(v) * 64)) & 0xFF
            else:
                elem = MX_SCHEMES[scheme]
                codes[r, c] = int(np.array([v], dtype=np.float32).astype(getattr(ml_dtypes, elem)).view(np.uint8)[0])
            # sanity: the library's output is q * 2^se
            o = float(out[r, c])
            want = float(v) * 2.0 ** float(se[r, c // 32])
            if not (o == want or (math.isnan(o) and math.isnan(want))) and abs(want) < 3e38:
                raise RuntimeError(f"microxcaling capture mismatch at {r},{c}: {o} vs {want}")
    return dict(scales=scales.tolist(), codes=codes.tolist(), ts=None)


# ---------------------------------------------------------------- octet
def octet(args, x, scheme, profile, rule=None):
    lines = "\n".join(",".join("f32:%08X" % b for b in f32bits(row)) for row in x) + "\n"
    cmd = [args.octet, "blocks", "quantize", "--scheme", scheme, "--profile", profile, "--json"]
    if rule:
        cmd += ["--rule", rule]
    p = subprocess.run(cmd, input=lines, capture_output=True, text=True)
    if p.returncode != 0:
        return dict(error=p.stderr.strip())
    j = json.loads(p.stdout)
    ts = j.get("tensor_scale_bits")
    return dict(scales=[[int(s, 16) for s in r["scales"]] for r in j["rows"]],
                codes=[[int(c, 16) for c in r["codes"]] for r in j["rows"]],
                ts=None if ts is None else int(ts, 16))


# ---------------------------------------------------------------- classification
def block_of(scheme):
    return 16 if scheme.startswith("nvfp4") else 32


def classify_exact(lib, scheme, rule, x, r, c, what, lv, ev, libres):
    """Why the library's quantity differs from Octet's exact one (a class key)."""
    bs = block_of(scheme)
    blk = x[r, (c // bs) * bs:(c // bs + 1) * bs]
    finite = np.all(np.isfinite(blk))
    if lib == "torchao" and scheme.startswith("nvfp4"):
        amax_t = float(np.max(np.abs(x)))
        if scheme == "nvfp4" and amax_t == 0:
            return "all-zero tensor: s_t = 0, block scale 0/0 = NaN (0x7F), elements from NaN"
        if what == "scale":
            if lv == 0x08 and ev < 0x08:
                return "block scale clamped up to E4M3 tiny 2^-6 (Octet: exact, subnormal or 0)"
            return "block scale fl32(fl32(amax/6)/s_t) rounds differently from amax/(6·s_t) (double rounding)"
        return None
    if lib == "torchao":
        if not finite:
            return "block with Inf: torchao gives a finite scale (only NaN marks the block), Octet the NaN scale"
        if what == "scale":
            if rule == "rceil":
                return "RCEIL as ceil(binary32 log2(fl32(amax/max))): rounds below the exact ceil"
            return "scale rule differs (unexpected)"
        if rule == "rceil" and libres["scales"][r][c // bs] == 0:
            return "RCEIL scale code 0 (2^-127): elements multiplied by 1.0 instead of 2^127"
        if rule != "rceil" and libres["scales"][r][c // bs] == 0:
            return "scale code 0 (2^-127): elements divided by 2^-126 (F32_MIN_NORMAL clamp), half their scaled value"
        return None
    if lib == "microxcaling":
        if not finite:
            return "NaN-scale block: element codes (library output NaN; convention 0 on both sides)"
        if what == "scale":
            if float(np.max(np.abs(blk))) == 0:
                return "all-zero block: shared exponent floor(log2(FP32_MIN_NORMAL)) − emax = −126 − emax, not −127 (MXINT8, emax 0: code 0x01)"
            return "shared exponent floor(binary32 log2(amax)): amax just below 2^k rounds to log2 = k"
        v = float(x[r, c])
        if scheme == "mxint8" and lv == 0x81 and ev == 0x80:
            return "MXINT8 -2.0 clamped to -127/64 (microxcaling max_norm)"
        if v == 0 or (lv == 0 and ev == 0x80):
            return "negative value rounding to zero / -0: sign(a) = +0 gives +0 (Octet -0)"
        return None
    return None


def classify_element(lib, scheme, x, r, c, lv, ev, libres, exres):
    """Finer element classes needing the exact scaled value."""
    bs = block_of(scheme)
    sl = libres["scales"][r][c // bs]
    se = exres["scales"][r][c // bs]
    if sl != se:
        return "element follows a different block scale"
    v = exact(x[r, c])
    if lib == "microxcaling" or (lib == "torchao" and scheme.startswith("mx")):
        a = v / F(2) ** (sl - 127)
        if scheme == "mxint8":
            g = [F(k, 64) for k in range(128)]
        else:
            g = GRIDS[MX_SCHEMES[scheme]]
        m = abs(a)
        lo = max([t for t in g if t <= m], default=g[0])
        hi = min([t for t in g if t >= m], default=g[-1])
        if lib == "microxcaling":
            if lo != hi and m == (lo + hi) / 2:
                return "tie: round half away from zero, floor(|a| + 0.5) (Octet RNE)"
            if lo != hi and m < (lo + hi) / 2:
                return "floor(|a| + 0.5) in binary32 rounds a value just below a half up (double rounding)"
        return "unclassified element difference"
    if lib == "torchao":
        return "elements x·fl32(fl32(1/s_t)/s8) (reciprocal multiply) round differently from x/(s8·s_t)"
    return "unclassified element difference"


def compare(a, b):
    """(kind, row, col, a, b) for each difference of two results (scales, codes, ts)."""
    d = []
    if a.get("ts") != b.get("ts"):
        d.append(("ts", 0, 0, a.get("ts"), b.get("ts")))
    for r in range(len(a["scales"])):
        for k, (p, q) in enumerate(zip(a["scales"][r], b["scales"][r])):
            if p != q:
                d.append(("scale", r, k, p, q))
        for c, (p, q) in enumerate(zip(a["codes"][r], b["codes"][r])):
            if p != q:
                d.append(("code", r, c, p, q))
    return d


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--octet", default=os.environ.get("OCTET", ".build/debug/octet"))
    ap.add_argument("--mx-src", default="/tmp/mx-src")
    ap.add_argument("--cases", type=int, default=10, help="tensors per distribution per configuration")
    ap.add_argument("--rows", type=int, default=2)
    ap.add_argument("--cols", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="Specs/peers.md")
    ap.add_argument("--splice", action="store_true", help="rewrite the ## Block schemes section of --out")
    ap.add_argument("--fixtures", default="Tests/Fixtures/block-profiles")
    ap.add_argument("--fixture-cases", type=int, default=1, help="tensors per distribution per configuration kept in the fixture")
    args = ap.parse_args()
    sys.path.insert(0, args.mx_src)
    import torch, torchao, ml_dtypes
    rng = np.random.default_rng(args.seed)

    configs = []
    for s in MX_SCHEMES:
        for rule in ["floor", "ceil", "even", "rceil"]:
            configs.append(("torchao", s, rule))
    configs += [("torchao", "nvfp4", None), ("torchao", "nvfp4_1level", None)]
    for s in list(MX_SCHEMES) + ["mxint8"]:
        configs.append(("microxcaling", s, None))

    stats = collections.OrderedDict()
    prof_classes = collections.OrderedDict()
    exact_classes = collections.OrderedDict()
    fixtures = collections.defaultdict(list)
    for lib, scheme, rule in configs:
        key = (lib, scheme, rule)
        st = stats.setdefault(key, dict(cases=0, quantities=0, prof=0, exact=0))
        for kind in KINDS:
            for i in range(args.cases):
                x = tensors(kind, scheme, rng, args.rows, args.cols)
                if lib == "torchao" and scheme.startswith("nvfp4"):
                    L = lib_torchao_nvfp4(x, scheme)
                elif lib == "torchao":
                    L = lib_torchao_mx(x, scheme, rule)
                else:
                    L = lib_microxcaling(x, scheme)
                P = octet(args, x, scheme, lib, rule)
                E = octet(args, x, scheme, "exact", rule if lib == "torchao" else None)
                st["cases"] += 1
                st["quantities"] += sum(len(r) for r in L["scales"]) + x.size + (1 if L["ts"] is not None else 0)
                if "error" in P:
                    raise SystemExit(f"octet failed on {key} {kind}: {P['error']}")
                dp = compare(L, P)
                st["prof"] += len(dp)
                for (w, r, c, lv, ov) in dp:
                    k2 = (lib, "profile disagreement (Octet profile bug: fix)")
                    e = prof_classes.setdefault(k2, dict(n=0, ex=[]))
                    e["n"] += 1
                    if len(e["ex"]) < 3:
                        e["ex"].append(f"{scheme} {rule or ''} {kind}: {w} at row {r+1} index {c+1}: library {lv}, profile {ov}; x = {x[r].tolist()[c if w=='code' else 0]}")
                if "error" not in E:
                    de = compare(L, E)
                    st["exact"] += len(de)
                    for (w, r, c, lv, ev) in de:
                        cls = classify_exact(lib, scheme, rule, x, r, c * (block_of(scheme) if w == "scale" else 1), w, lv, ev, L)
                        if cls is None and w == "code":
                            cls = classify_element(lib, scheme, x, r, c, lv, ev, L, E)
                        if cls is None:
                            cls = "unclassified"
                        e = exact_classes.setdefault((lib, scheme if lib == "microxcaling" else scheme.split("_")[0], cls), dict(n=0, ex=[]))
                        e["n"] += 1
                        if len(e["ex"]) < 1:
                            cc = c * (block_of(scheme) if w == "scale" else 1)
                            bs = block_of(scheme)
                            b0 = (cc // bs) * bs
                            blk = x[r, b0:b0 + bs]
                            amax = float(np.max(np.abs(blk))) if np.all(np.isfinite(blk)) else float("nan")
                            e["ex"].append(dict(scheme=scheme, rule=rule, kind=kind, what=w, x=float(x[r, cc]), xbits="%08X" % f32bits([x[r, cc]])[0],
                                                amax=amax, amaxbits="%08X" % f32bits([amax])[0], lib=lv, exact=ev,
                                                libscale=L["scales"][r][cc // bs], exscale=E["scales"][r][cc // bs], ts=L["ts"]))
                if i < args.fixture_cases:
                    fixtures[lib].append((scheme, rule, kind, x, L))
    # ---- fixtures
    os.makedirs(args.fixtures, exist_ok=True)
    for lib, cases in fixtures.items():
        path = os.path.join(args.fixtures, f"{lib}.txt")
        with open(path, "w") as f:
            f.write(f"# {lib} outputs captured by Scripts/peers/blocks_peers.py (torch {torch.__version__}, torchao {torchao.__version__}, microxcaling at {MX_REV}), seed {args.seed}\n")
            f.write("# scheme rule kind | input rows (binary32 hex, 8 digits each, rows split by ';') | tensor scale bits or - | scale codes (2 hex digits) | element codes (2 hex digits)\n")
            f.write(f"# cases: {len(cases)}\n")
            for scheme, rule, kind, x, L in cases:
                rows = ";".join("".join("%08X" % b for b in f32bits(row)) for row in x)
                scales = ";".join("".join("%02X" % s for s in row) for row in L["scales"])
                codes = ";".join("".join("%02X" % c for c in row) for row in L["codes"])
                ts = "-" if L["ts"] is None else "%08X" % L["ts"]
                f.write(f"{scheme} {rule or '-'} {kind} | {rows} | {ts} | {scales} | {codes}\n")
    # ---- report
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    out = []
    out.append("## Block schemes")
    out.append("")
    out.append(f"Generated by `Scripts/peers/blocks_peers.py --cases {args.cases} --seed {args.seed} --splice` on "
               f"{datetime.date.today()} at Octet {rev}, with torch {torch.__version__}, torchao {torchao.__version__} (eager CPU), "
               f"ml_dtypes {ml_dtypes.__version__} and microxcaling at {MX_REV}. Each case is a {args.rows}×{args.cols} binary32 tensor of one "
               f"distribution ({', '.join(KINDS)}); every scale code, element code and tensor scale of the library is compared with "
               "`octet blocks quantize --profile LIB --json` (the profile) and with `--profile exact` (Octet's definition). "
               "TransformerEngine's PyTorch extension cannot be built here, so the `te` profile is a transcription of its reference "
               "code (Specs/blocks.md §6) and is not in this table; nor are the INT4 conventions.")
    out.append("")
    out.append("| library | scheme | rule | tensors | quantities compared | profile ≠ library | exact ≠ library |")
    out.append("| --- | --- | --- | --- | --- | --- | --- |")
    tot = [0, 0, 0, 0]
    for (lib, scheme, rule), st in stats.items():
        out.append(f"| {lib} | `{scheme}` | {rule or '–'} | {st['cases']} | {st['quantities']} | {st['prof']} | {st['exact']} |")
        tot = [tot[0] + st["cases"], tot[1] + st["quantities"], tot[2] + st["prof"], tot[3] + st["exact"]]
    out.append(f"| **total** | | | {tot[0]} | {tot[1]} | {tot[2]} | {tot[3]} |")
    out.append("")
    out.append("### Profile disagreements")
    out.append("")
    if not prof_classes:
        out.append("None: every profile reproduces its library bit for bit on every case above.")
    for (lib, cls), e in prof_classes.items():
        out.append(f"- **{lib}: {cls}** ({e['n']}): " + "; ".join(e["ex"]))
    out.append("")
    out.append("### Where the libraries differ from the exact definition")
    out.append("")
    out.append("Each class: the library, the scheme family, why (the classification), how many quantities, and one example "
               "(x and the block amax as binary32 bits, the library's and Octet's exact codes). "
               "Classes marked *bug* are library bugs (the library's own definition or documentation says otherwise); "
               "the others are the library's documented arithmetic or conventions.")
    out.append("")
    out.append("| library | scheme | class | count | example |")
    out.append("| --- | --- | --- | --- | --- |")
    for (lib, fam, cls), e in exact_classes.items():
        ex = e["ex"][0]
        exs = (f"`{ex['scheme']}`{' ' + ex['rule'] if ex['rule'] else ''} ({ex['kind']}): {ex['what']} of x = 0x{ex['xbits']} ({ex['x']:.9g}), "
               f"amax 0x{ex['amaxbits']} ({ex['amax']:.9g}){', s_t 0x%08X' % ex['ts'] if ex['ts'] is not None else ''}: "
               f"library 0x{ex['lib']:02X} (scale 0x{ex['libscale']:02X}), exact 0x{ex['exact']:02X} (scale 0x{ex['exscale']:02X})")
        mark = " *bug*" if cls in BUGS else ""
        out.append(f"| {lib} | `{fam}` | {cls}{mark} | {e['n']} | {exs} |")
    out.append("")
    section = "\n".join(out) + "\n"
    if args.splice:
        text = open(args.out).read()
        a, b = "<!-- blocks_peers:begin -->", "<!-- blocks_peers:end -->"
        if a in text:
            i, j = text.index(a), text.index(b) + len(b)
            text = text[:i] + a + "\n" + section + b + text[j:]
        else:
            text = text.rstrip("\n") + "\n\n" + a + "\n" + section + b + "\n"
        open(args.out, "w").write(text)
    else:
        sys.stdout.write(section)
    print(f"total: {tot[0]} tensors, {tot[1]} quantities, {tot[2]} profile disagreements, {tot[3]} exact differences", file=sys.stderr)


# Classes that are library bugs: the stored scale code and the elements disagree (dequantizing
# the library's own output does not give the quantized tensor the scale code says).
BUGS = {
    "scale code 0 (2^-127): elements divided by 2^-126 (F32_MIN_NORMAL clamp), half their scaled value",
    "RCEIL scale code 0 (2^-127): elements multiplied by 1.0 instead of 2^127",
}

MX_REV = os.environ.get("MX_REV", "microsoft/microxcaling 7bc4195")

if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Peer conformance: compare Octet with ml_dtypes, gfloat, ONNX, PyTorch and CUDA, input by input.

Run from the package root (see Scripts/peers/README.md):

    swift build -c release --product octet
    python3 Scripts/peers/peers.py --octet .build/release/octet
    python3 Scripts/peers/peers.py --no-venv --peers cuda --splice   # only the CUDA 12.9 section
    python3 Scripts/peers/peers.py --peers gfloat,onnx --splice       # only those peers' parts (torch kept)

The script creates a virtualenv under /tmp (nothing outside it is installed), installs the peers
into it, re-runs itself there, and writes Specs/peers.md. It is not part of `swift test`.

What it does, for every format a peer shares with Octet:

* decode tables: every code -> value, against `octet decode` (NaN compared as NaN);
* conversions of the boundary cases of `octet gen --op convert --to F` (binary32 bit patterns),
  taken as binary32 and as binary64 values, plus binary64 values at and just around every
  midpoint of F (the binary64 neighbours of a midpoint expose double rounding through binary32),
  under each rounding / overflow choice the peer offers, against `octet encode` with the
  matching options and, where an ecosystem profile exists, against `octet encode --profile`;
* every disagreement is judged with exact arithmetic (fractions.Fraction of the input) by an
  independent Python model of Specs/formats.md §2-§4, then grouped by cause;
* named cases: the fixed inputs of known peer bugs (GFLOAT_NAMED_FP4, QL_NAMED), listed input by input
  with both sides' codes (a peer's exception with its text) under the peer.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import datetime
import math
import os
import platform
import re
import struct
import subprocess
import sys
import time
import warnings
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# The peers. onnx < 1.20 still carries its own float8 conversion helpers (onnx.helper
# float32_to_float8e4m3 / float32_to_float8e5m2, onnx.numpy_helper decoders and to_float8e8m0,
# onnx.subbyte); later releases delegate to ml_dtypes, so they would not be independent.
REQUIREMENTS = ["numpy", "ml_dtypes==0.6.0", "gfloat==0.5.2", "onnx<1.20"]
# PyTorch only when asked for (--peers ...,torch): its wheel and CUDA libraries are several GB.
# --torch-path DIR uses an existing install instead (e.g. `pip install --target DIR torch`).
REQUIREMENTS_TORCH = ["torch"]
DEFAULT_VENV = "/tmp/octet-peers-venv"


# ----------------------------------------------------------------------------------------------
# Bootstrap: a private virtualenv, then re-exec inside it.
# ----------------------------------------------------------------------------------------------

def bootstrap(args: argparse.Namespace) -> None:
    if args.no_venv or os.environ.get("OCTET_PEERS_IN_VENV") == "1":
        return
    venv = os.path.abspath(args.venv)
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        print(f"[peers] creating virtualenv {venv}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    reqs = list(REQUIREMENTS)
    if "torch" in args.peers.split(",") and not args.torch_path:
        reqs += REQUIREMENTS_TORCH
    print(f"[peers] installing {' '.join(reqs)} into {venv}", file=sys.stderr)
    subprocess.run([py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *reqs],
                   check=True)
    env = dict(os.environ, OCTET_PEERS_IN_VENV="1", PYTHONWARNINGS="ignore")
    os.execve(py, [py, os.path.abspath(__file__), *sys.argv[1:]], env)


# ----------------------------------------------------------------------------------------------
# Exact values.  A value is (kind, negative, magnitude): kind in num / zero / inf / nan.
# ----------------------------------------------------------------------------------------------

NUM, ZERO, INF, NAN = "num", "zero", "inf", "nan"


def value_of_float(x: float):
    if math.isnan(x):
        return (NAN, math.copysign(1.0, x) < 0, None)
    if math.isinf(x):
        return (INF, x < 0, None)
    if x == 0:
        return (ZERO, math.copysign(1.0, x) < 0, None)
    return (NUM, x < 0, Fraction(abs(x)))


def value_of_text(t: str):
    t = t.strip()
    if t in ("nan", "-nan", "+nan"):
        return (NAN, t.startswith("-"), None)
    if t in ("inf", "+inf", "-inf"):
        return (INF, t.startswith("-"), None)
    f = Fraction(t)
    if f == 0:
        return (ZERO, t.startswith("-"), None)
    return (NUM, f < 0, abs(f))


def same_value(a, b, signed_zero=True) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == NAN:
        return True
    if a[0] == ZERO:
        return (a[1] == b[1]) or not signed_zero
    return a[1] == b[1] and a[2] == b[2]


def f32_bits_to_float(bits: int) -> float:
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def f64_bits_to_float(bits: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def float_to_f64_bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def f32_bits_of(x: float) -> int:
    """Bits of the binary32 nearest x (RNE), as NumPy's float64 → float32 cast gives them."""
    import numpy as np
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return int(np.array([x], dtype=np.float64).astype(np.float32).view(np.uint32)[0])


def f32_bits_to_f64_bits(b: int) -> int:
    """Widen binary32 bits to binary64 bits exactly (NaN payloads and the quiet bit kept)."""
    sign = b >> 31
    exp = (b >> 23) & 0xFF
    man = b & 0x7FFFFF
    if exp == 0xFF:
        return (sign << 63) | (0x7FF << 52) | (man << 29)
    return float_to_f64_bits(f32_bits_to_float(b))


def value_of_f32_bits(b: int):
    sign = (b >> 31) == 1
    exp = (b >> 23) & 0xFF
    man = b & 0x7FFFFF
    if exp == 0xFF:
        return (NAN, sign, None) if man else (INF, sign, None)
    return value_of_float(f32_bits_to_float(b))


def exact_text(v) -> str:
    """The exact value: a terminating decimal when short, else m·2^e."""
    kind, neg, a = v
    s = "-" if neg else ""
    if kind == NAN:
        return s + "NaN"
    if kind == INF:
        return s + "Inf"
    if kind == ZERO:
        return s + "0"
    num, den = a.numerator, a.denominator
    k = den.bit_length() - 1  # den is a power of two for every value here
    if den == 1 << k:
        digits = str(num * 5 ** k)
        if k:
            digits = digits.rjust(k + 1, "0")
            dec = digits[:-k] + "." + digits[-k:]
        else:
            dec = digits
        if len(dec) <= 32:
            return s + dec
        # m·2^e with odd m
        e = -k
        while num % 2 == 0:
            num //= 2
            e += 1
        return f"{s}{num}·2^{e} (≈ {s}{float(a):.17g})"
    return s + str(a)


def floor_log2(a: Fraction) -> int:
    n, d = a.numerator, a.denominator
    e = n.bit_length() - d.bit_length()
    # 2^e <= n/d < 2^(e+1) after adjustment
    if e >= 0:
        if n < d << e:
            e -= 1
    else:
        if n << -e < d:
            e -= 1
    return e


def pow2(e: int) -> Fraction:
    return Fraction(1 << e) if e >= 0 else Fraction(1, 1 << -e)


# ----------------------------------------------------------------------------------------------
# An independent model of Specs/formats.md §2-§4 (the judge).
# ----------------------------------------------------------------------------------------------

class Model:
    """A format per Specs/formats.md §2 (floats) or §3 (integers), written from the text."""

    def __init__(self, name, *, signed=True, E=0, M=0, bias=0, subnormals=True, specials="none",
                 integer=False, bits=None):
        self.name = name
        self.signed = signed
        self.integer = integer
        self.E, self.M, self.bias, self.subnormals, self.specials = E, M, bias, subnormals, specials
        self.bits = bits if integer else (1 if signed else 0) + E + M
        self.size = 1 << self.bits
        self.values = [self._decode(c) for c in range(self.size)]
        self.code_of = {}
        for c, v in enumerate(self.values):
            if v[0] in (NUM, ZERO):
                self.code_of.setdefault((v[0], v[1], v[2]), c)
        finite = [(v[2] if v[0] == NUM else Fraction(0), c) for c, v in enumerate(self.values)
                  if v[0] in (NUM, ZERO) and not v[1]]
        self.max = max(finite)[0]
        self.max_code = max(finite)[1]
        self.min_code = self.code_of.get((NUM, True, self.max)) if signed else None
        self.has_nan = any(v[0] == NAN for v in self.values)
        self.has_inf = any(v[0] == INF for v in self.values)
        self.has_zero = any(v[0] == ZERO for v in self.values)
        self.has_negzero = (ZERO, True, None) in self.code_of
        self.lo_code = self.code_of[(ZERO, False, None)] if self.has_zero else \
            min((v[2], c) for c, v in enumerate(self.values) if v[0] == NUM)[1]
        if integer:
            self.imin = -(1 << (bits - 1)) if signed else 0
            self.imax = (1 << (bits - 1)) - 1 if signed else (1 << bits) - 1

    # --- §2 decode
    def _decode(self, c):
        if self.integer:
            v = c - (1 << self.bits) if (self.signed and c >> (self.bits - 1)) else c
            return (ZERO, False, None) if v == 0 else (NUM, v < 0, Fraction(abs(v)))
        sign = bool(c >> (self.bits - 1)) if self.signed else False
        mag = c & ((1 << (self.bits - 1)) - 1) if self.signed else c
        allones = (1 << (self.E + self.M)) - 1
        e, m = mag >> self.M, mag & ((1 << self.M) - 1)
        sp = self.specials
        if sp == "ieee" and e == (1 << self.E) - 1:
            return (NAN, sign, None) if m else (INF, sign, None)
        if sp == "fn" and mag == allones:
            return (NAN, sign, None)
        if sp in ("fnuz", "p3109e") and sign and mag == 0:
            return (NAN, False, None)
        if sp == "p3109e" and mag == allones:
            return (INF, sign, None)
        if sp in ("nan-top", "inf-nan-top") and c == self.size - 1:
            return (NAN, False, None)
        if sp == "inf-nan-top" and c == self.size - 2:
            return (INF, False, None)
        if e == 0 and self.subnormals:
            a = Fraction(m) * pow2(1 - self.bias - self.M)
        else:
            a = Fraction((1 << self.M) + m) * pow2(e - self.bias - self.M)
        return (ZERO, sign, None) if a == 0 else (NUM, sign, a)

    def is_nan_code(self, c) -> bool:
        return isinstance(c, int) and self.values[c][0] == NAN

    def nan_code(self, neg: bool):
        """§4.1: the quiet NaN, sign kept where NaNs are signed."""
        sp = self.specials
        sb = (1 << (self.bits - 1)) if (self.signed and neg) else 0
        if sp == "ieee":
            return sb | (((1 << self.E) - 1) << self.M) | (1 << (self.M - 1))
        if sp == "fn":
            return sb | ((1 << (self.bits - 1)) - 1)
        if sp in ("fnuz", "p3109e"):
            return 1 << (self.bits - 1)
        if sp in ("nan-top", "inf-nan-top"):
            return self.size - 1
        return None

    def inf_code(self, neg: bool):
        for c, v in enumerate(self.values):
            if v[0] == INF and v[1] == neg:
                return c
        return None

    def max_of(self, neg: bool):
        return self.min_code if (neg and self.signed) else self.max_code

    def code_of_value(self, neg: bool, a: Fraction):
        if a == 0:
            if neg and self.has_negzero:
                return self.code_of[(ZERO, True, None)]
            return self.code_of[(ZERO, False, None)]
        return self.code_of[(NUM, neg, a)]

    def value_text(self, c) -> str:
        if not isinstance(c, int):
            return str(c)
        return exact_text(self.values[c])


def _round_mag(a: Fraction, q: int, mode: str, neg: bool, odd_of, N=None, R=None):
    """§4.2: magnitude a on the grid 2^q; returns the rounded multiple t+d (an integer)."""
    s = a / pow2(q)
    t = s.numerator // s.denominator
    nu = s - t
    if nu == 0:
        return t
    if mode == "rne":
        d = nu > Fraction(1, 2) or (nu == Fraction(1, 2) and odd_of(t))
    elif mode == "rna":
        d = nu >= Fraction(1, 2)
    elif mode == "rtz":
        d = False
    elif mode == "rup":
        d = not neg
    elif mode == "rdown":
        d = neg
    elif mode == "rto":
        d = not odd_of(t)
    elif mode == "sr":
        w = nu * (1 << N)
        d = (w.numerator // w.denominator) + R >= (1 << N)
    else:
        raise ValueError(mode)
    return t + (1 if d else 0)


def _toward_zero(mode: str, neg: bool) -> bool:
    return mode == "rtz" or (mode == "rdown" and not neg) or (mode == "rup" and neg)


def judge(m: Model, v, mode="rne", policy="saturate", N=None, R=None):
    """Specs/formats.md §4: the code for exact value v, or 'error' (§4.1: NaN refused)."""
    kind, neg, a = v
    if kind == NAN:
        return m.nan_code(neg) if m.has_nan else "error"
    if m.integer:  # §4.6
        if kind == INF:
            return _int_code(m, m.imin if neg else m.imax)
        if kind == ZERO:
            return 0
        t = _round_mag(a, 0, mode, neg, lambda t: t & 1, N, R)
        val = -t if neg else t
        return _int_code(m, min(max(val, m.imin), m.imax))
    bottom = _bottom(m, policy)
    if kind == ZERO:
        if not m.has_zero:
            return bottom(finite=True)
        return m.code_of_value(neg, Fraction(0))
    if kind == INF:
        if neg and not m.signed:
            return bottom(finite=False)
        if policy == "saturate":
            return m.max_of(neg)
        if policy in ("nonsaturate", "propagate"):
            if m.has_inf:
                return m.inf_code(neg)
            return m.nan_code(neg) if m.has_nan else m.max_of(neg)
        if policy == "ovfinf":
            return m.inf_code(neg) if m.has_inf else m.max_of(neg)
        raise ValueError(policy)
    # finite non-zero
    e = floor_log2(a)
    emin = (1 - m.bias) if m.subnormals else -m.bias
    q = max(e, emin) - m.M

    def odd_of(t):
        if m.M > 0:
            return t & 1 == 1
        return t != 0 and ((q + m.bias) & 1) == 1

    t = _round_mag(a, q, mode, neg, odd_of, N, R)
    r = t * pow2(q)
    if neg and not m.signed:
        if r == 0:
            # §4.5: a negative value that rounds to zero gives +0 (E8M0: out of range, like zero)
            return m.code_of_value(False, Fraction(0)) if m.has_zero else bottom(finite=True)
        if mode in ("rtz", "rup"):
            return m.lo_code
        return bottom(finite=True)
    if r == 0:
        if not m.has_zero:
            return m.lo_code  # §4.3: below the smallest value of E8M0 gives the smallest
        return m.code_of_value(neg, Fraction(0))
    if r > m.max:
        if policy in ("saturate", "propagate") or _toward_zero(mode, neg):
            return m.max_of(neg)
        if mode == "rto":
            ic = m.inf_code(neg)
            if ic is not None and policy in ("nonsaturate", "ovfinf") and (ic & 1) and not (m.max_of(neg) & 1):
                return ic
            return m.max_of(neg)
        if policy == "nonsaturate":
            if m.has_inf:
                return m.inf_code(neg)
            return m.nan_code(neg) if m.has_nan else m.max_of(neg)
        if policy == "ovfinf":
            return m.inf_code(neg) if m.has_inf else m.max_of(neg)
        raise ValueError(policy)
    return m.code_of_value(neg, r)


def _int_code(m: Model, val: int) -> int:
    return val & (m.size - 1)


def _bottom(m: Model, policy: str):
    """§4.5: out of range at the bottom (negative into unsigned, zero into E8M0)."""
    def f(finite: bool):
        if policy == "saturate":
            return m.lo_code
        if policy == "propagate" and finite:
            return m.lo_code
        return m.nan_code(False) if m.has_nan else m.lo_code
    return f


class PeerError(str):
    """A peer's exception, standing for the code "error" (it compares equal to "error") and keeping
    the exception's type and text for the report."""

    def __new__(cls, exc: BaseException):
        self = super().__new__(cls, "error")
        self.text = f"{type(exc).__name__}: {exc}"
        return self


def judge_quant(m: Model, v, zp: int = 0, mode: str = "rne"):
    """Specs/quantization.md §1 for scale 1 (the only scale the script sends): q = clamp(round(x) + zp,
    lo, hi); ±Inf saturate to the ends; NaN is an error."""
    kind, neg, a = v
    if kind == NAN:
        return "error"
    if kind == INF:
        return _int_code(m, m.imin if neg else m.imax)
    t = 0 if kind == ZERO else _round_mag(a, 0, mode, neg, lambda t: t & 1)
    val = (-t if neg else t) + zp
    return _int_code(m, min(max(val, m.imin), m.imax))


def onnx_quantize_linear_model(m: Model, v, zp: int = 0):
    """What onnx 1.19's reference QuantizeLinear computes (op_quantize_linear.py, integer targets):
    `np.rint(x / y_scale).astype(np.int32)`, then `+= zero_point` in int32, then `np.clip`. The float →
    int32 cast is undefined in C for NaN, ±Inf and values outside int32; x86-64 (cvttss2si) gives
    INT32_MIN = −2^31 there, and the int32 addition wraps around."""
    kind, neg, a = v
    if kind in (NAN, INF):
        xi = -(1 << 31)
    elif kind == ZERO:
        xi = 0
    else:
        t = _round_mag(a, 0, "rne", neg, lambda t: t & 1)
        xi = -t if neg else t
        if not -(1 << 31) <= xi < (1 << 31):
            xi = -(1 << 31)
    xi = ((xi + zp + (1 << 31)) % (1 << 32)) - (1 << 31)
    return _int_code(m, min(max(xi, m.imin), m.imax))


def round_to_binary32(v):
    """The binary32 value nearest v (RNE, IEEE overflow): the first rounding of a double path."""
    kind, neg, a = v
    if kind != NUM:
        return v
    import numpy as np
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = float(np.float32(float(a)))
    if math.isinf(f):
        return (INF, neg, None)
    if f == 0:
        return (ZERO, neg, None)
    return (NUM, neg, Fraction(f))


# ----------------------------------------------------------------------------------------------
# Formats shared with the peers (written from Specs/formats.md §2.2, independently of the code).
# ----------------------------------------------------------------------------------------------

def build_models():
    ms = {}

    def fl(name, signed, E, M, bias, subn, sp):
        ms[name] = Model(name, signed=signed, E=E, M=M, bias=bias, subnormals=subn, specials=sp)

    fl("float8_e4m3fn", True, 4, 3, 7, True, "fn")
    fl("float8_e5m2", True, 5, 2, 15, True, "ieee")
    fl("float8_e4m3fnuz", True, 4, 3, 8, True, "fnuz")
    fl("float8_e5m2fnuz", True, 5, 2, 16, True, "fnuz")
    fl("float8_e4m3b11fnuz", True, 4, 3, 11, True, "fnuz")
    fl("float8_e4m3", True, 4, 3, 7, True, "ieee")
    fl("float8_e3m4", True, 3, 4, 3, True, "ieee")
    fl("float8_e8m0fnu", False, 8, 0, 127, False, "nan-top")
    fl("float6_e2m3fn", True, 2, 3, 1, True, "none")
    fl("float6_e3m2fn", True, 3, 2, 3, True, "none")
    fl("float4_e2m1fn", True, 2, 1, 1, True, "none")
    fl("binary4p2sf", True, 2, 1, 2, True, "fnuz")
    for P in range(1, 8):
        fl(f"binary8p{P}se", True, 8 - P, P - 1, 1 << (7 - P), True, "p3109e")
        fl(f"binary8p{P}sf", True, 8 - P, P - 1, 1 << (7 - P), True, "fnuz")
    for P in range(1, 9):
        fl(f"binary8p{P}ue", False, 9 - P, P - 1, 1 << (8 - P), True, "inf-nan-top")
        fl(f"binary8p{P}uf", False, 9 - P, P - 1, 1 << (8 - P), True, "nan-top")
    for n in (1, 2, 4, 8):
        ms[f"int{n}"] = Model(f"int{n}", signed=True, integer=True, bits=n)
        ms[f"uint{n}"] = Model(f"uint{n}", signed=False, integer=True, bits=n)
    return ms


# ----------------------------------------------------------------------------------------------
# Octet, driven through its CLI in batches.
# ----------------------------------------------------------------------------------------------

def _is_nan_text(line: str) -> bool:
    t = line.split()[0]
    if t.startswith("f32:"):
        b = int(t[4:], 16)
        return (b >> 23) & 0xFF == 0xFF and b & 0x7FFFFF != 0
    if t.startswith("f64:"):
        b = int(t[4:], 16)
        return (b >> 52) & 0x7FF == 0x7FF and b & ((1 << 52) - 1) != 0
    if t.startswith("f16:"):
        b = int(t[4:], 16)
        return (b >> 10) & 0x1F == 0x1F and b & 0x3FF != 0
    if t.startswith("bf16:"):
        b = int(t[5:], 16)
        return (b >> 7) & 0xFF == 0xFF and b & 0x7F != 0
    return False


class Octet:
    def __init__(self, path: str):
        self.path = path
        self.cache: dict = {}
        self.nan_probe: dict = {}
        self.calls = 0
        self.values = 0

    def gen(self, fmt: str, budget: int, seed: int) -> list[int]:
        out = subprocess.run([self.path, "gen", "--op", "convert", "--to", fmt, "--budget", str(budget),
                              "--seed", str(seed)], capture_output=True, text=True, check=True).stdout
        return [int(l, 16) for l in out.splitlines() if l and not l.startswith("#")]

    def decode(self, fmt: str) -> dict:
        out = subprocess.run([self.path, "decode", fmt], capture_output=True, text=True, check=True).stdout
        table = {}
        for line in out.splitlines():
            code, val = line.split(None, 1)
            table[int(code, 16)] = value_of_text(val)
        return table

    def encode(self, fmt: str, opts: list[str], lines: list[str], command: str = "encode") -> list:
        self.prefetch([(fmt, opts, lines, command)])
        c = self.cache[(command, fmt, tuple(opts))]
        return [c[l] for l in lines]

    def prefetch(self, requests, workers: int = 4) -> None:
        """Run every (format, options, lines) request not yet cached, several processes at a time."""
        jobs = collections.OrderedDict()
        for req in requests:
            fmt, opts, lines = req[:3]
            command = req[3] if len(req) > 3 else "encode"
            key = (command, fmt, tuple(opts))
            c = self.cache.setdefault(key, {})
            todo = jobs.setdefault(key, {})
            for l in lines:
                if l not in c:
                    todo[l] = None
        work = []
        for (command, fmt, opts), todo in jobs.items():
            c = self.cache[(command, fmt, opts)]
            todo = list(todo)
            if command == "encode" and "--profile" not in opts and self.refuses_nan(fmt):
                # Octet refuses NaN for this format (probed with real calls); no need to send each NaN
                for l in todo:
                    if _is_nan_text(l):
                        c[l] = "error"
                todo = [l for l in todo if l not in c]
            if todo:
                # inputs Octet may refuse (NaN) go last
                todo.sort(key=_is_nan_text)
                work.append((command, fmt, list(opts), todo))
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as ex:
            for (command, fmt, opts, todo), res in zip(work, ex.map(lambda w: self._run(*w), work)):
                self.cache[(command, fmt, tuple(opts))].update(res)

    def refuses_nan(self, fmt: str) -> bool:
        if fmt not in self.nan_probe:
            out = []
            for line in ("nan", "-nan", "f32:7F800001", "f64:FFF8000000000000"):
                p = subprocess.run([self.path, "encode", fmt, line], capture_output=True, text=True)
                self.calls += 1
                out.append(p.returncode != 0)
            if any(out) and not all(out):
                raise RuntimeError(f"octet encode {fmt}: refuses some NaN spellings but not others")
            self.nan_probe[fmt] = all(out)
        return self.nan_probe[fmt]

    def _call(self, command, fmt, opts, chunk):
        """`octet encode F OPTS` or `octet quantize --to F OPTS` on the lines of chunk (quantize prints a
        `# scale S zero_point Z` line first, skipped here)."""
        self.calls += 1
        argv = [self.path, "encode", fmt, *opts] if command == "encode" else [self.path, command, "--to", fmt, *opts]
        p = subprocess.run(argv, input="\n".join(chunk) + "\n", capture_output=True, text=True)
        out = [o for o in p.stdout.splitlines() if not o.startswith("#")]
        self.values += len(out)
        res = {l: int(o.split()[-1], 16) for l, o in zip(chunk, out)}
        if p.returncode == 0:
            if len(out) != len(chunk):
                raise RuntimeError(f"octet {command} {fmt} {opts}: {len(out)} lines for {len(chunk)} inputs")
            return res, None
        m = re.search(r"line (\d+)", p.stderr)
        if not m or int(m.group(1)) != len(out) + 1:
            raise RuntimeError(f"octet {command} {fmt} {opts} failed: {p.stderr.strip()}")
        return res, int(m.group(1)) - 1

    def _run(self, command, fmt, opts, lines):
        """One batch; if Octet refuses a line, that line is 'error' and each later line runs alone."""
        results, failed = self._call(command, fmt, opts, lines)
        if failed is None:
            return results
        results[lines[failed]] = "error"
        for l in lines[failed + 1:]:
            r, f = self._call(command, fmt, opts, [l])
            results.update(r)
            if f is not None:
                results[l] = "error"
        return results


# ----------------------------------------------------------------------------------------------
# Inputs.
# ----------------------------------------------------------------------------------------------

class Input:
    __slots__ = ("source", "bits", "value", "octet", "pyfloat", "R")

    def __init__(self, source, bits, R=None):
        self.source = source  # "binary32" | "binary64" | "binary16" | "bfloat16" (the last two: cuda only)
        self.bits = bits
        self.R = R
        if source == "binary32":
            self.value = value_of_f32_bits(bits)
            self.octet = f"f32:{bits:08X}"
            self.pyfloat = None
        elif source == "bfloat16":
            self.value = value_of_f32_bits(bits << 16)
            self.octet = f"bf16:{bits:04X}"
            self.pyfloat = None if self.value[0] == NAN else f32_bits_to_float(bits << 16)
        elif source == "binary16":
            e, f = (bits >> 10) & 0x1F, bits & 0x3FF
            self.pyfloat = struct.unpack("<e", struct.pack("<H", bits))[0]
            self.value = (NAN, bool(bits >> 15), None) if (e == 0x1F and f) else value_of_float(self.pyfloat)
            self.octet = f"f16:{bits:04X}"
        else:
            self.pyfloat = f64_bits_to_float(bits)
            e = (bits >> 52) & 0x7FF
            if e == 0x7FF and bits & ((1 << 52) - 1):
                self.value = (NAN, bool(bits >> 63), None)
            else:
                self.value = value_of_float(self.pyfloat)
            self.octet = f"f64:{bits:016X}"
        if R is not None:
            self.octet += f" {R}"

    def hex(self) -> str:
        return self.octet.split()[0] + (f" (R = {self.R})" if self.R is not None else "")

    def with_R(self, R):
        return Input(self.source, self.bits, R)


def midpoints(m: Model) -> list[Fraction]:
    """Every midpoint between neighbouring values of m, and just beyond max (signed both ways)."""
    if m.integer:
        lo, hi = m.imin, m.imax
        mids = [Fraction(2 * k + 1, 2) for k in range(lo - 1, hi + 1)]
        return mids
    pos = sorted({v[2] for v in m.values if v[0] == NUM and not v[1]})
    if m.has_zero:
        pos = [Fraction(0)] + pos
    else:
        pos = [pos[0] / 2] + pos
    # the next grid point above max (the rounding grid is unbounded above, §4.2)
    e = floor_log2(m.max)
    pos.append(m.max + pow2(e - m.M))
    mids = [(x + y) / 2 for x, y in zip(pos, pos[1:])]
    out = list(mids)
    if m.signed:
        out += [-x for x in mids]
    return out


# Fixed binary32 vectors added to every format's boundary cases: the bit-exact test vectors of the
# formats reference §8 and the inputs of the known bugs of §7 (both signs).
VECTORS = [1.5, 3.0, 6.0, 12.0, 1.125, 1.25, 1.375, 1.75, 5.0, 7.0, 6.9, 7.1, 24.0, 0.25, 0.375, 0.75,
           464.0, 464.1, 465.0, 480.0, 488.0, 496.0, 500.0, 232.0, 232.1, 240.0, 248.0, 256.0,
           61439.0, 61440.0, 65535.0, 65536.0, 1e6, 2.0 ** -10, 0.75 * 2.0 ** -9, 1e-30,
           1.25 * 2.0 ** -127, 7.6, 8.0, 8.5, 17.0, 200.0, 300.0, 2.5]


def vector_bits() -> list[int]:
    out = []
    for x in VECTORS:
        for y in (x, -x):
            out.append(struct.unpack("<I", struct.pack("<f", y))[0])
    return out


def make_inputs(m: Model, f32_cases: list[int]):
    """binary32 inputs, and binary64 inputs: the same values widened, plus midpoint neighbours."""
    f32_cases = list(f32_cases) + vector_bits()
    b32 = [Input("binary32", b) for b in dict.fromkeys(f32_cases)]
    seen = {}
    for b in f32_cases:
        seen.setdefault(f32_bits_to_f64_bits(b), None)
    for mid in midpoints(m):
        x = float(mid)
        if float(Fraction(x)) != x or Fraction(x) != mid or math.isinf(x):
            continue
        for y in (math.nextafter(x, -math.inf), x, math.nextafter(x, math.inf)):
            seen.setdefault(float_to_f64_bits(y), None)
    b64 = [Input("binary64", b) for b in seen]
    return b32, b64


# ----------------------------------------------------------------------------------------------
# Comparisons and the classification of disagreements.
# ----------------------------------------------------------------------------------------------

class Comparison:
    """One peer entry point in one mode on one input set. `command` is the Octet command compared:
    `encode` (with --rounding/--overflow) or `quantize` (integer targets, scale 1, zero point `zp`,
    `--arithmetic onnx`). A `named` comparison holds the inputs of a named peer bug: it is reported in
    its own table (write_named_cases), not in the conversion counts."""

    def __init__(self, peer, entry, fmt, mode, source, inputs, codes, rounding, overflow,
                 profile=None, random_bits=None, command="encode", zp=0, named=None):
        self.peer, self.entry, self.fmt, self.mode, self.source = peer, entry, fmt, mode, source
        self.inputs, self.codes = inputs, codes
        self.rounding, self.overflow, self.profile, self.random_bits = rounding, overflow, profile, random_bits
        self.command, self.zp, self.named = command, zp, named
        # does this entry point narrow binary64 to binary32 before converting? (NumPy ml_dtypes casts do)
        self.via32 = peer in ("ml_dtypes", "onnx", "torch") and "scalar" not in entry
        self.octet = None
        self.octet_profile = None
        self.agree = 0
        self.agree_profile = 0
        self.classes = collections.Counter()
        self.profile_classes = collections.Counter()

    def options(self, overflow=None) -> list[str]:
        if self.command == "quantize":
            return ["--scale", "1", f"--zero-point={self.zp}", "--rounding", self.rounding, "--arithmetic", "onnx"]
        o = ["--rounding", self.rounding, "--overflow", overflow or self.overflow]
        if self.random_bits:
            o += ["--random-bits", str(self.random_bits)]
        return o

    def options_text(self) -> str:
        if self.command == "quantize":
            return f"quantize --to {self.fmt} " + " ".join(self.options())
        return " ".join(self.options())

    def judge(self, m: "Model", v, mode=None, policy=None, R=None):
        """The written rules' code for exact value v under this comparison's Octet options."""
        if self.command == "quantize":
            return judge_quant(m, v, self.zp, mode or self.rounding)
        return judge(m, v, mode or self.rounding, policy or self.overflow, self.random_bits, R)


class Disagreement:
    __slots__ = ("comp", "inp", "peer_code", "octet_code", "key", "against")

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)


CLASS_INFO = {}  # key -> (title, verdict, explanation, reproduce)


def cls(key, title, verdict, explanation, reproduce):
    CLASS_INFO.setdefault(key, (title, verdict, explanation, reproduce))
    return key


BUG, ALT, REFUSE, OCTET = "peer bug (Octet right)", "legitimate alternative policy", \
    "peer refuses the input", "OCTET DIFFERS FROM Specs/formats.md"


E8M0_ABS = ("E8M0: zero and negative inputs use |x| (ONNX)", ALT,
            "onnx.numpy_helper.to_float8e8m0 reads only the exponent and mantissa bits of the binary32 input: the "
            "sign is ignored and ±0 becomes 0x00 (2^-127) even with saturate=0. The ONNX documentation leaves "
            "negatives unspecified. Octet treats zero and negatives as out of range at the bottom (§4.5): 2^-127 "
            "when saturating, NaN otherwise.", "--profile onnx (|x|, 0 → 2^-127)")


def classify(c: Comparison, m: Model, inp: Input, pc, oc, against: str):
    """Name the cause of one disagreement between a peer's code pc and Octet's oc."""
    v = inp.value
    kind, neg, a = v
    R = inp.R
    N = c.random_bits
    J = lambda mode=c.rounding, policy=c.overflow, val=v: c.judge(m, val, mode, policy, R)  # noqa: E731
    if against == "reference":
        j = J()
        if not (j == oc or (m.is_nan_code(j) and m.is_nan_code(oc))):
            return cls("octet-spec", "Octet differs from the written rules", OCTET,
                       "Octet's code differs from the independent model of Specs/formats.md §4 in this script.",
                       "—")
    peer_nan = m.is_nan_code(pc)
    oct_nan = m.is_nan_code(oc)

    # ---- ONNX QuantizeLinear (reference evaluator): rint(x / y_scale) cast to int32 before the clip
    if c.command == "quantize" and c.peer == "onnx":
        if kind == NAN:
            return cls("onnx-ql-nan", "QuantizeLinear: NaN becomes INT32_MIN and so an integer code (ONNX reference "
                       "evaluator)", BUG,
                       "NaN has no integer value, and the operator's definition `y = saturate((x / y_scale) + "
                       "y_zero_point)` gives it none. The reference evaluator casts `np.rint(x / y_scale)` to int32, "
                       "which is undefined in C for NaN; x86-64 gives INT32_MIN = −2^31, and after `+ y_zero_point` "
                       "and `np.clip` the result is the type's minimum (int8 0x80 = −128, uint8 0x00) whatever "
                       "the NaN's sign, or with a negative zero point, which wraps INT32_MIN around, the maximum "
                       "(int8 zero point −100: 0x7F). Octet refuses NaN: `octet quantize` stops with 'int8 has no "
                       "NaN encoding, so NaN cannot be converted to it' (exit status 1; Specs/quantization.md §1, "
                       "'NaN is an error').", "— (Octet refuses NaN)")
        mo = onnx_quantize_linear_model(m, v, c.zp)
        if pc == mo:
            t = None if kind in (INF, ZERO) else _round_mag(a, 0, "rne", neg, lambda t: t & 1) * (-1 if neg else 1)
            if t is not None and -(1 << 31) <= t < (1 << 31) and not -(1 << 31) <= t + c.zp < (1 << 31):
                return cls("onnx-ql-zp-wrap", "QuantizeLinear: adding the zero point wraps around in int32 (ONNX "
                           "reference evaluator)", BUG,
                           "The reference evaluator adds y_zero_point to the int32 `np.rint(x / y_scale)` in int32 "
                           "(`xi += zero_point`), so a sum beyond ±(2^31 − 1) wraps to the other end before "
                           "`np.clip`: x = 2147483520 (the largest binary32 below 2^31) with a uint8 zero point of "
                           "200 gives 0 instead of 255. `saturate((x / y_scale) + y_zero_point)` saturates the "
                           "exact sum (Specs/quantization.md §1: the zero point is added after rounding, then the "
                           "result is clamped).", "—")
            return cls("onnx-ql-int32", "QuantizeLinear: ±Inf and |x / y_scale| ≥ 2^31 become INT32_MIN before "
                       "the clip (ONNX reference evaluator)", BUG,
                       "onnx 1.19's reference QuantizeLinear (onnx/reference/ops/op_quantize_linear.py) computes "
                       "`np.rint(x / y_scale).astype(np.int32)` and clips only afterwards. The float → int32 cast "
                       "is undefined in C for ±Inf and values outside int32; x86-64 gives INT32_MIN = −2^31, which "
                       "the clip turns into the type's minimum: +Inf, 3e9 and 2^31 give −128 (0x80) in int8 and 0 "
                       "(0x00) in uint8 instead of 127 (0x7F) and 255 (0xFF). A negative zero point wraps INT32_MIN "
                       "around in the int32 addition, so then −Inf and −3e9 give the maximum (int8, zero point −100: "
                       "0x7F instead of 0x80). The operator's definition "
                       "`y = saturate((x / y_scale) + y_zero_point)`, saturating to [−128, 127] for int8 and "
                       "[0, 255] for uint8 (the QuantizeLinear documentation; formats reference §4.7), gives the "
                       "maximum for +Inf and for everything above it; Octet saturates the exact value "
                       "(Specs/quantization.md §1: '±Inf saturate to the ends').", "—")

    # ---- the peer refuses (raises)
    if pc == "error":
        if kind == NAN:
            return cls("refuse-nan", "NaN into a format without NaN: the peer raises", REFUSE,
                       "gfloat raises ValueError for NaN into FP4/FP6; so does Octet for NaN (§4.1), "
                       "so this appears only against a profile that picks a code.", "—")
        if not m.signed and neg and kind in (NUM, INF):
            return cls("refuse-unsigned-neg", "Negative value into an unsigned format: the peer raises", BUG,
                       "gfloat's round_float ignores the sign for unsigned formats and returns a negative "
                       "number, for which encode_float asks for a −Inf code that does not exist (ValueError "
                       "'No -Inf'). "
                       "P3109 v4 §4.7 defines the result: NaN under SatNone, 0 under SatFinite/SatPropagate; "
                       "Octet follows it (§4.5).", "—")
        if not m.has_nan and not m.has_inf:
            return cls("refuse-overflow-noinf", "Overflow or ±Inf into FP4/FP6 with sat=False: gfloat raises "
                       "ValueError instead of giving ±max", BUG,
                       "gfloat 0.5.2's round_float raises `ValueError: No Infs or NaNs in format ocp_e2m1, and "
                       "sat=False` (ocp_e2m3, ocp_e3m2 alike) when the rounded magnitude exceeds max or the input is "
                       "±Inf, for every mode except those that round that sign toward zero, and for ±Inf under "
                       "every mode (TowardZero too); encode_float is never reached. The conversion has a defined "
                       "result: FP4/FP6 have neither Inf nor NaN, and the OCP MX element conversion saturates to "
                       "±max (formats reference §4.2: 'saturation of normal numbers to ±max of the element "
                       "format', microxcaling `saturate_normals=True`, 'Must be True for correct MX conversion'; "
                       "§5: OCP MX element quantize, overflow ±max, ±Inf input implementation-defined), as does "
                       "P3109 v4 SatNone in a format without Inf ('Finite ±max'). Specs/formats.md §4.4 gives ±max "
                       "under every policy for such a format (nonsaturate and ovfinf: 'else ±max'); Octet's "
                       "`--overflow nonsaturate`, the counterpart of sat=False, gives ±max (FP4: 0x07 = 6, "
                       "0x0F = −6).",
                       "— (Octet gives ±max under every overflow policy; gfloat's sat=True gives the same codes)")
        return cls("refuse-other", "The peer raises", REFUSE, "The peer raised an exception for this input.", "—")
    if c.peer == "cuda" and kind == NAN and not m.has_nan and not m.integer and pc == m.max_code:
        if against == "profile":
            return cls("cuda-nan-fp-max-profile", "NaN into FP4/FP6: CUDA gives +max, the profile something else", BUG,
                       "The profile should give +max here.", "—")
        return cls("cuda-nan-fp-max", "NaN into FP4/FP6: CUDA gives +max", ALT,
                   "__nv_cvt_double_to_fp6/_fp4 test the overflow threshold before anything else and send every "
                   "NaN there too, with the sign cleared: NaN of either sign → +max (7.5, 28, 6), from every input "
                   "type. The MX specification leaves NaN into FP4/FP6 implementation-defined; Octet refuses NaN "
                   "(§4.1) so the caller chooses.", "--profile cuda")
    if kind == NAN and not m.has_nan and not m.integer and pc == m.max_code:
        return cls("nan-fp4-max", "NaN into FP4: the ONNX helper gives +6 (max)", ALT,
                   "The MX specification leaves NaN into FP4/FP6 implementation-defined; the ONNX "
                   "documentation (float4.md) says +6 and onnx.subbyte.float32_to_float4e2m1_unpacked "
                   "does that, for either sign. Octet refuses NaN (§4.1) so the caller chooses.",
                   "none (Octet refuses; no profile gives +6)")
    if oc == "error":
        if kind == NAN:
            # NaN into FP4/FP6/integers: Octet refuses (§4.1)
            if m.integer:
                return cls("nan-int", "NaN into an integer format gives a number", BUG,
                           "ml_dtypes converts NaN with static_cast<int8_t>, which is undefined in C++ (here "
                           "it gives 0). An integer has no NaN; Octet refuses NaN (§4.1, §4.6).", "—")
            if pc == m.max_code:
                return cls("nan-fp4-max", "NaN into FP4: the ONNX helper gives +6 (max)", ALT,
                           "The MX specification leaves NaN into FP4/FP6 implementation-defined; the ONNX "
                           "documentation (float4.md) says +6 and onnx.subbyte.float32_to_float4e2m1_unpacked "
                           "does that, for either sign. Octet refuses NaN (§4.1) so the caller chooses.",
                           "none (Octet refuses; no profile gives +6)")
            return cls("nan-fp-zero", "NaN into FP4/FP6: ml_dtypes gives ∓0", ALT,
                       "The MX specification leaves NaN into FP4/FP6 implementation-defined. ml_dtypes' "
                       "quiet_NaN() for these types is −0 and the input's sign is applied to it: +NaN → −0, "
                       f"−NaN → +0. Octet refuses NaN (§4.1).",
                       "--profile ml_dtypes or --profile onnx")
        return cls("octet-refuses", "Octet refuses the input", REFUSE, "Octet reported an error.", "—")

    # ---- both NaN, different codes
    if peer_nan and oct_nan and c.peer == "cuda":
        if against == "profile" and inp.source == "binary64" and oc == 0x7F and not CUDA_CLI_TYPED[0]:
            return cls("cuda-nan-f64-untyped", "binary64 NaN into E4M3/E5M2: `octet encode --profile cuda` cannot tell "
                       "a binary64 NaN from a binary32 one", ALT,
                       "The CLI hands the profile the parsed value only, and a NaN value carries neither its type nor "
                       "its payload, so `--profile cuda` gives the binary32 answer 0x7F (`CompatibilityProfile.encode"
                       "(_:into:)`). The library's `encode(parsing:into:)` and `encode(bits:as:into:)` know the type "
                       "and give CUDA's double-path code (checked in Tests/OctetTests/CudaProfileTests.swift); the "
                       "CLI's encode command does not call them yet.", "—")
        if inp.source != "binary64" and pc == 0x7F:
            return cls("cuda-nan-canonical", "NaN encoding: every binary32/binary16/bfloat16 NaN → 0x7F (CUDA)", ALT,
                       "__nv_cvt_float_to_fp8 (which the half and bfloat16 entry points call) replaces every NaN by "
                       "the canonical binary32 0x7FFFFFFF before converting, so the sign and payload are lost: "
                       "E4M3 and E5M2 both give 0x7F. Any NaN code is a NaN; Octet keeps the input's sign and gives "
                       "the quiet NaN (§4.1: 0x7F/0xFF for E4M3FN, 0x7E/0xFE for E5M2).", "--profile cuda")
        if inp.source == "binary64" and m.name == "float8_e5m2" and (pc & 0x7E) == 0x7E:
            return cls("cuda-nan-f64-payload", "NaN encoding: binary64 NaN into E5M2 keeps payload bit 50 (CUDA)", ALT,
                       "__nv_cvt_double_to_fp8 gives 0x7E | mantissa | sign for a NaN, where mantissa is the top two "
                       "mantissa bits of the double (bits 51–50): a NaN whose bit 50 is set gives 0x7F | sign, "
                       "one whose bit 50 is clear 0x7E | sign. Both are NaN; Octet gives 0x7E | sign (§4.1).",
                       "--profile cuda" if CUDA_CLI_TYPED[0] else
                       "`CompatibilityProfile.named(\"cuda\")!.encode(bits:as:into:)` (the CLI has no input type)")
    if peer_nan and oct_nan:
        if m.name in ("float8_e4m3fn", "float8_e5m2") and pc == m.size - 1 and c.peer == "gfloat":
            return cls("nan-code-gfloat", "NaN encoding: gfloat always gives 0xFF", ALT,
                       "gfloat's encode_float returns code_of_nan, the all-ones code 0xFF, whatever the sign "
                       "and the format (OCP E4M3/E5M2). Any NaN code is a NaN; Octet keeps the input's sign "
                       "and gives the quiet NaN (§4.1: 0x7F/0xFF for E4M3FN, 0x7E/0xFE for E5M2).",
                       "none needed (both are NaN); −NaN inputs give 0xFF in Octet too")
        if m.name == "float8_e5m2" and (pc & 0x7F) == 0x7F:
            return cls("nan-code-e5m2-7f", "NaN encoding: E5M2 NaN as 0x7F | sign", ALT,
                       "onnx.helper.float32_to_float8e5m2 returns 0x7F | sign (all mantissa bits set), as "
                       "PyTorch does; Octet gives the quiet NaN 0x7E | sign (§4.1). Both are NaN.",
                       "--profile torch (0x7F | sign for E5M2)")
        return cls("nan-code-other", "NaN encoding differs", ALT,
                   f"Both codes are NaN ({pc:#04x} vs {oc:#04x}); any NaN code is a NaN.", "—")
    if kind == NAN:
        return cls("nan-to-number", "NaN input gives a number", BUG,
                   "The peer converted NaN to a non-NaN code.", "—")

    # ---- P3109 profile against gfloat: an earlier draft's SatNone on Finite formats
    if against == "profile" and c.profile == "p3109" and peer_nan and not oct_nan and kind in (NUM, INF):
        return cls("p3109-v3-finite", "P3109 Finite formats: overflow and ±Inf give NaN (gfloat) instead of ±max", ALT,
                   "gfloat 0.5 tracks the P3109 interim report v3: with sat=False a Finite format gives NaN for "
                   "finite overflow and ±Inf. Report v4.0's SatNone gives ±max in Finite formats (formats "
                   "reference D8), which is what `--profile p3109` (rne, ovfinf) reproduces.",
                   "--overflow nonsaturate")

    # ---- E8M0
    if m.name == "float8_e8m0fnu":
        lo = m.lo_code
        if c.peer == "onnx":
            if kind == INF and peer_nan:
                return cls("e8m0-inf-nan", "E8M0: ±Inf give NaN although saturating (ONNX)", ALT,
                           "to_float8e8m0 maps every binary32 with exponent 0xFF (NaN and ±Inf) to 0xFF = NaN "
                           "regardless of saturate, and ignores the sign; the ONNX Cast documentation says "
                           "Inf → E8M0_MAX under saturate+up (formats reference D6). Octet's saturate gives max "
                           "for +Inf and 2^-127 for −Inf (§4.4, §4.5).", "--profile onnx (±Inf → NaN)")
            if kind == ZERO and pc == lo:
                return cls("e8m0-abs", *E8M0_ABS)
            if kind == NUM:
                b = inp.bits if inp.source == "binary32" else f32_bits_of(inp.pyfloat)
                b &= 0x7FFFFFFF
                v32 = value_of_f32_bits(b)
                if neg and pc == judge(m, v32, c.rounding, c.overflow):
                    return cls("e8m0-abs", *E8M0_ABS)
                if v32[0] == NUM and (b >> 23) == 0 and pc != judge(m, v32, c.rounding, c.overflow):
                    return cls("e8m0-f32-subnormal", "E8M0 from binary32 subnormals: mantissa read as if normal (ONNX)",
                               BUG,
                               "to_float8e8m0 rounds on the binary32 mantissa bits and takes the exponent field as "
                               "the result. For a binary32 subnormal (exponent field 0) the value is m·2^-149, not "
                               "(1 + m·2^-23)·2^-127, so 'up' sends every subnormal, even 2^-127 itself, to 2^-126, "
                               "and 'nearest' rounds 1.25·2^-127 up.", "—")
                if c.rounding == "rup" and (b & 0x4FFFFF) == 0 and (b & 0x7FFFFF) != 0 \
                        and pc == judge(m, v32, "rtz", c.overflow):
                    return cls("e8m0-up-mask", "E8M0 'up': a fraction held only in mantissa bits 20–21 is not rounded up (ONNX)",
                               BUG,
                               "to_float8e8m0 in onnx 1.19 tests for a fraction with the mask 0x4FFFFF instead of "
                               "0x7FFFFF, so binary32 inputs whose only fraction bits are bits 20–21 (1.125, 1.25, "
                               "1.375, 2.5, 5.0, …) are truncated instead of rounded up (onnx/onnx PR #7784).", "—")
        if c.peer == "gfloat":
            if (kind == ZERO or (neg and kind == NUM)) and peer_nan:
                return cls("e8m0-zero-nan-sat", "E8M0: zero and negative inputs always give NaN (gfloat)",
                           ALT,
                           "gfloat maps values it cannot place in E8M0 (0, −0, negatives) to NaN (0xFF) whatever "
                           "the mode and sat. Octet treats them as out of range at the bottom (§4.5): saturate "
                           "gives the smallest value 2^-127 (as ml_dtypes' C++ kSaturate does), nonsaturate gives "
                           "NaN, except that modes rounding negatives toward zero (rtz, rup) give 2^-127 for a "
                           "negative value of magnitude at least 2^-127.",
                           "--overflow nonsaturate with rne/rna/rdown")
            if kind == NUM and not neg and a < pow2(-127) and peer_nan:
                return cls("e8m0-underflow-nan", "E8M0: values below 2^-127 give NaN (gfloat #62)", BUG,
                           "gfloat's round_float returns the unrepresentable input itself for values below 2^-127 "
                           "(E8M0 has no subnormals) and encode_float turns it into 0xFF = NaN. There is nothing "
                           "below 2^-127, so every mode gives 2^-127 (§4.3). Fixed upstream after gfloat 0.5.2 "
                           "(graphcore-research/gfloat#62, PR #66).", "—")
        if c.peer == "cuda":
            jm = judge(m, (kind, False, a), c.rounding, c.overflow) if kind in (NUM, INF) else None
            if kind == ZERO and pc == lo or (neg and kind in (NUM, INF) and pc == jm):
                return cls("e8m0-cuda-abs", "E8M0: the sign is ignored and ±0 gives 2^-127 (CUDA)", ALT,
                           "__nv_cvt_bfloat16raw_to_e8m0 takes the exponent field (x >> 7, cast to 8 bits, which "
                           "drops the sign) and rounds up on the magnitude; the float path reaches it through a "
                           "bfloat16 of x (RP: of |x|) and the double path through a float with a sticky bit. So "
                           "−4 → 0x81 (4), −5 → 0x82 (8) with cudaRoundPosInf, ±0 → 0x00 (2^-127), −Inf → 0xFE "
                           "(SATFINITE) or NaN (NOSAT). Octet treats zero and negatives as out of range at the "
                           "bottom (§4.5): 2^-127 when saturating, NaN otherwise.",
                           "--profile cuda (|x|, 0 → 2^-127)")
        if c.peer == "torch":
            if kind == ZERO and pc == lo:
                return cls("e8m0-torch-abs", "E8M0: zero and negative inputs use |x| (PyTorch)", ALT,
                           "c10's fp8e8m0fnu_from_fp32_value reads only the binary32 exponent field and the "
                           "guard/round/sticky bits: the sign is dropped and ±0 (exponent field 0) becomes "
                           "0x00 = 2^-127. Octet treats zero and negatives as out of range at the bottom (§4.5): "
                           "2^-127 when saturating, NaN otherwise.", "--profile torch (|x|, 0 → 2^-127)")
            if kind == NUM:
                b = inp.bits if inp.source == "binary32" else f32_bits_of(inp.pyfloat)
                v32 = value_of_f32_bits(b & 0x7FFFFFFF)
                jm = judge(m, v32, c.rounding, c.overflow)
                if v32[0] == NUM and pow2(-127) < v32[2] < pow2(-126) and pc == 1 and jm != 1:
                    return cls("e8m0-torch-low", "E8M0: binary32 subnormals above 2^-127 round up to 2^-126 (PyTorch)",
                               BUG,
                               "c10's fp8e8m0fnu_from_fp32_value rounds on the guard bit (mantissa bit 22) with "
                               "round and sticky bits, taking the implicit bit as the LSB. A binary32 subnormal "
                               "m·2^-149 in (2^-127, 2^-126) has guard bit 1 and a nonzero sticky part, so it "
                               "goes up to 2^-126, although everything below the midpoint 1.5·2^-127 is nearer "
                               "to 2^-127 (the same result as ml_dtypes' class above, from a different rule).",
                               "—")
                if neg and pc == jm:
                    return cls("e8m0-torch-abs", "E8M0: zero and negative inputs use |x| (PyTorch)", ALT,
                               "c10's fp8e8m0fnu_from_fp32_value reads only the binary32 exponent field and the "
                               "guard/round/sticky bits: the sign is dropped and ±0 (exponent field 0) becomes "
                               "0x00 = 2^-127. Octet treats zero and negatives as out of range at the bottom "
                               "(§4.5): 2^-127 when saturating, NaN otherwise.", "--profile torch (|x|, 0 → 2^-127)")
        if c.peer == "ml_dtypes" and kind == NUM and not neg and pow2(-127) < a < pow2(-126) and pc == 1 \
                and J() != 1:
            return cls("e8m0-mld-low", "E8M0: values just above 2^-127 round up to 2^-126 (ml_dtypes)", BUG,
                       "Every input strictly between 2^-127 and 2^-126 becomes 2^-126 in ml_dtypes 0.6.0, also "
                       "those below the midpoint 1.5·2^-127 (e.g. 1.25·2^-127). E8M0's exponent field 0 is an "
                       "ordinary binade (2^-127), but the generic ConvertImpl of float8.h computes a target "
                       "biased exponent base of −1 there and takes its denormal path, which halves 1.f and "
                       "rounds it to 1 for any f > 0. The nearest value below the midpoint is 2^-127 (§2, "
                       "§4.2).", "—")
        if kind == NUM:
            e = floor_log2(a)
            if a == Fraction(3, 2) * pow2(e) and pc == J("rna") and pc != J("rne"):
                return cls("e8m0-ties-away", "E8M0 ties: away from zero instead of to the even code", ALT,
                           "E8M0 has no mantissa bit, so a tie (1.5·2^k) lies between two powers of two. ml_dtypes "
                           "(RNE on the mantissa with the implicit bit as LSB) and ONNX 'nearest' round ties up in "
                           "magnitude (3 → 4); P3109's CodeIsEven, gfloat and Octet's rne go to the even code "
                           "(3 → 2, 6 → 8) (§4.2).", "--rounding rna (or --profile ml_dtypes)")
    # ---- ±Inf input
    if kind == INF:
        for pol, what in (("propagate", "kept (Inf, or NaN without Inf)"), ("nonsaturate", "→ Inf/NaN"),
                          ("saturate", "→ ±max"), ("ovfinf", "→ ±Inf or ±max")):
            if pol != c.overflow and pc == J(policy=pol):
                return cls(f"inf-{c.overflow}-as-{pol}", f"±Inf input under {c.overflow}: the peer behaves like "
                                                          f"--overflow {pol}", ALT,
                           f"The peer's ±Inf result ({what}) is the one of Octet's --overflow {pol}, not of "
                           f"{c.overflow} (§4.4). A policy choice; see the formats reference D2/D3.",
                           f"--overflow {pol}")
        if not m.signed and neg:
            return cls("unsigned-neg-inf", "−Inf into an unsigned format loses its sign", BUG,
                       "gfloat's round_float drops the sign for unsigned formats before the Inf test, so −Inf "
                       "becomes +Inf (sat=False) or max (sat=True). P3109 v4 §4.7.5: −Inf into an unsigned "
                       "format is NaN under SatNone and the smallest value (0; 2^-127 for E8M0) under SatFinite; "
                       "Octet follows it (§4.5).", "—")

    # ---- integers (ml_dtypes/ONNX reference intN casts)
    if m.integer and kind == NUM:
        if inp.source == "binary64" and c.via32:
            v = round_to_binary32(v)  # the peer's own path narrows to binary32 first
            kind, neg, a = v
    if m.integer and kind == NUM:
        tr = int(a)  # toward zero
        tv = -tr if neg else tr
        if m.imin <= tv <= m.imax and pc == _int_code(m, tv) and c.peer == "onnx":
            return cls("onnx-int-trunc", "INT4 Cast truncates toward zero instead of RNE (ONNX reference evaluator)", BUG,
                       "The ONNX documentation of INT4 (int4.md) converts floats by rounding to the nearest integer "
                       "with ties to even; the reference evaluator's Cast calls ml_dtypes, whose intN conversion "
                       "truncates toward zero (1.5 → 1, −2.5 → −2). onnx.subbyte.float32_to_4bit_unpacked, ONNX's "
                       "own helper, rounds to nearest even as documented, and so does the `onnx` profile.", "—")
        if m.imin <= tv <= m.imax and pc == _int_code(m, tv):
            return cls("int-trunc", "intN casts truncate toward zero", ALT,
                       "ml_dtypes converts float → intN with static_cast<int> (C++ truncation toward "
                       "zero), then keeps the low N bits: 1.5 → 1, −2.5 → −2. A legitimate C-style conversion; "
                       "ONNX documents RNE for INT4 but its reference evaluator inherits this (D12).",
                       "--profile ml_dtypes (or --rounding rtz for values that fit)")
        if -(1 << 31) <= tv < (1 << 31) and pc == _int_code(m, tv):
            return cls("int-wrap", "intN casts wrap modulo 2^N", ALT,
                       "After truncating to a C++ int, ml_dtypes keeps the low N bits, for signed and unsigned "
                       "types alike: 8.0 → −8 and 300 → −4 in int4, −2.7 → 14 in uint4. Octet's reference "
                       "saturates integers under every policy (§4.6); the ml_dtypes profile wraps.",
                       "--profile ml_dtypes")
        if (tv < -(1 << 31) or tv >= (1 << 31)) and pc == 0:
            return cls("int-ub", "intN casts beyond the int range: undefined behaviour (x86: 0)", ALT,
                       "static_cast<int>(float) is undefined in C++ when the truncated value does not fit an "
                       "int (and for ±Inf, NaN); x86-64 returns INT_MIN, whose low bits are 0, so ml_dtypes "
                       "(and the ONNX evaluator through it) gives 0 here. Octet's reference saturates (§4.6); "
                       "the ml_dtypes profile gives 0, like x86.", "--profile ml_dtypes")
    if m.integer and kind in (INF, NAN) and pc == 0:
        return cls("int-ub", "intN casts beyond the int range: undefined behaviour (x86: 0)", ALT,
                   "static_cast<int>(float) is undefined in C++ when the truncated value does not fit an "
                   "int (and for ±Inf, NaN); x86-64 returns INT_MIN, whose low bits are 0, so ml_dtypes "
                   "(and the ONNX evaluator through it) gives 0 here. Octet's reference saturates (§4.6); "
                   "the ml_dtypes profile gives 0, like x86.", "--profile ml_dtypes")

    # ---- double rounding through binary32
    if inp.source == "binary64" and kind == NUM and c.via32:
        v32 = round_to_binary32(v)
        if not same_value(v32, v):
            jds = [judge(m, v32, c.rounding, c.overflow, N, R)]
            if m.name == "float8_e8m0fnu" and c.rounding == "rne":
                jds.append(judge(m, v32, "rna", c.overflow, N, R))  # the peer's own E8M0 tie rule
            if any(pc == jd or (m.is_nan_code(pc) and m.is_nan_code(jd)) for jd in jds):
                return cls("double-rounding", "Double rounding: binary64 → binary32 → format", BUG,
                           "The binary64 input is first rounded to binary32 and then to the format. When the "
                           "binary64 value lies just beside a midpoint of the format, the first rounding lands "
                           "exactly on the midpoint and the second one breaks the tie the wrong way (ml_dtypes "
                           "NumPy array casts go through float; jax-ml/ml_dtypes PR #401; the ONNX reference "
                           "evaluator and to_float8e8m0 inherit it). One rounding from the exact value is "
                           "correct (§1, §4).", "--profile ml_dtypes or --profile onnx (they model the binary32 step)")

    # ---- negative values into unsigned formats
    if not m.signed and neg and kind == NUM:
        return cls("unsigned-neg", "Negative value into an unsigned format: wrong code", BUG,
                   "gfloat 0.5.2 drops the sign for unsigned formats (`sign = signbit(v) and fi.is_signed`) and "
                   "rounds the negative number through the positive path; depending on the mode the result is "
                   "NaN, 0 or a ValueError (previous class). P3109 v4 §4.7.5 defines it: a negative value that "
                   "rounds to 0 gives 0; otherwise NaN under SatNone (0 under SatFinite/SatPropagate, and 0 for "
                   "modes rounding negatives toward zero). Octet follows it (§4.5).", "—")

    # ---- ONNX float32_to_float8e5m2: rounding overflow ORs 0x7C into 0x7B
    if c.peer == "onnx" and m.name == "float8_e5m2" and kind == NUM and peer_nan and not oct_nan \
            and c.overflow == "nonsaturate" and (pc & 0x7F) == 0x7F:
        return cls("e5m2-or-7c", "E5M2 saturate=False: rounding past 57344 gives NaN 0x7F instead of Inf (ONNX)", BUG,
                   "onnx.helper.float32_to_float8e5m2 handles a carry out of the top binade with `ret |= 0x7C` on a "
                   "result that already holds 0x7B, so values in [61440, 65536) that round up become 0x7F (NaN) "
                   "instead of 0x7C (Inf). Non-saturating OCP E5M2 overflows to ±Inf (§4.4); values ≥ 65536 do get "
                   "0x7C in the same function.", "—")

    # ---- finite overflow (the exact value rounds beyond max)
    if kind == NUM:
        if J(policy="ovfinf") != J(policy="saturate") or (m.has_nan and J(policy="nonsaturate") != J(policy="saturate")):
            for pol in ("saturate", "nonsaturate", "propagate", "ovfinf"):
                if pol != c.overflow and pc == J(policy=pol):
                    key = f"ovf-{c.overflow}-as-{pol}"
                    if c.peer == "onnx" and m.name == "float8_e4m3fn" and pc == m.max_of(neg):
                        return cls("e4m3-480", "E4M3FN saturate=False: 480 ≤ |x| < 496 gives ±448 instead of NaN (ONNX)",
                                   BUG,
                                   "onnx.helper.float32_to_float8e4m3 (fn=True, saturate=False) turns the code "
                                   "0x7F that the 2^8 binade gives for |x| ≥ 480 into 0x7E (448) before looking at "
                                   "the rounding bit; when that bit is clear (480 ≤ |x| < 496) nothing else "
                                   "happens and ±448 comes out. Without saturation every |x| > 464 overflows to "
                                   "NaN (§4.4; OCP non-saturating); |x| ≥ 496 does give NaN in the same function.",
                                   "—")
                    return cls(key, f"Finite overflow under {c.overflow}: the peer behaves like --overflow {pol}", ALT,
                               f"The peer's overflow result matches Octet's --overflow {pol} (§4.4).",
                               f"--overflow {pol}")

    # ---- gfloat TiesToAway just below a midpoint (binary64 addition rounds delta + 0.5 up)
    if c.peer == "gfloat" and c.rounding == "rna" and kind == NUM and pc == J("rup" if not neg else "rdown"):
        return cls("gfloat-rna-add", "gfloat TiesToAway rounds values just below a midpoint away", BUG,
                   "round_float decides TiesToAway with the binary64 test `delta + 0.5 >= 1.0`. For an input "
                   "just below a midpoint whose fraction delta = ½ − 2^-54 (possible where the target's "
                   "subnormal spacing is coarser than the input's binade, so delta keeps more than 52 bits), "
                   "the sum rounds to 1.0 and the value is rounded away although ν < ½ (§4.2 `rna`).", "—")
    if c.peer == "gfloat" and c.rounding == "sr" and kind == NUM:
        return cls("gfloat-sr", "gfloat StochasticFastest rounds values just below a midpoint away", BUG,
                   "round_float decides StochasticFastest (= P3109 StochasticA) with the binary64 test "
                   "`delta + srbits·2^-N >= 1.0`. When delta has more than 53 significant fraction bits (inputs "
                   "in the subnormal range of the target), the sum rounds up to 1.0 although "
                   "floor(ν·2^N) + R < 2^N, the exact rule (§4.2 `sr`).", "—")

    # ---- fallback: which Octet rounding reproduces the peer?
    for mode in ("rne", "rna", "rtz", "rup", "rdown"):
        if mode != c.rounding and pc == J(mode):
            return cls(f"rounding-{c.rounding}-as-{mode}", f"Rounding: the peer rounds like --rounding {mode}",
                       BUG, "Unexplained rounding difference.", f"--rounding {mode}")
    return cls("unexplained", "Unexplained", BUG, "Not matched by any known cause.", "—")


# ----------------------------------------------------------------------------------------------
# The peers.
# ----------------------------------------------------------------------------------------------

MLD_FORMATS = ["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e4m3b11fnuz",
               "float8_e4m3", "float8_e3m4", "float8_e8m0fnu", "float6_e2m3fn", "float6_e3m2fn",
               "float4_e2m1fn", "int4", "uint4", "int2", "uint2", "int1", "uint1"]


def as_floats(inputs):
    """The inputs as a NumPy array of their own type: binary32 or binary64 (all of one source)."""
    import numpy as np
    if inputs and inputs[0].source == "binary64":
        return np.array([i.bits for i in inputs], dtype=np.uint64).view(np.float64)
    return np.array([i.bits for i in inputs], dtype=np.uint32).view(np.float32)


def np_codes(arr, m: Model):
    import numpy as np
    return [int(x) & (m.size - 1) for x in np.asarray(arr).view(np.uint8)]


def run_mldtypes(ctx):
    import numpy as np
    import ml_dtypes
    comps, decodes = [], []
    for fmt in MLD_FORMATS:
        if not hasattr(ml_dtypes, fmt):
            continue
        T = getattr(ml_dtypes, fmt)
        m = ctx.models[fmt]
        # decode table
        codes = np.arange(m.size, dtype=np.uint8).view(T)
        if m.integer:
            peer_vals = [value_of_float(float(int(x))) for x in codes.astype(np.int64)]
        else:
            peer_vals = [value_of_float(float(x)) for x in codes.astype(np.float64)]
        decodes.append(("ml_dtypes", fmt, "astype(float64) of every code", peer_vals))
        b32, b64 = ctx.inputs(fmt)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a32 = as_floats(b32)
            pc32 = np_codes(a32.astype(T), m)
            a64 = as_floats(b64)
            pc64 = np_codes(a64.astype(T), m)
        comps.append(Comparison("ml_dtypes", "NumPy astype", fmt, "RNE, non-saturating", "binary32", b32, pc32,
                                "rne", "nonsaturate", profile="ml_dtypes"))
        comps.append(Comparison("ml_dtypes", "NumPy astype", fmt, "RNE, non-saturating", "binary64", b64, pc64,
                                "rne", "nonsaturate", profile="ml_dtypes"))
        if not m.integer:
            vals = []
            for i in b64:
                vals.append(T(i.pyfloat))
            pcs = np_codes(np.array(vals, dtype=T), m)
            comps.append(Comparison("ml_dtypes", "scalar T(float)", fmt, "RNE, non-saturating", "binary64", b64, pcs,
                                    "rne", "nonsaturate"))
    return comps, decodes


GFLOAT_MODES = [("TowardZero", "rtz"), ("TowardNegative", "rdown"), ("TowardPositive", "rup"),
                ("TiesToEven", "rne"), ("TiesToAway", "rna"), ("ToOdd", "rto")]
SR_BITS = 5


def gfloat_formats():
    import gfloat.formats as F
    from gfloat.types import Domain, Signedness
    out = [(F.format_info_ocp_e4m3, "float8_e4m3fn"), (F.format_info_ocp_e5m2, "float8_e5m2"),
           (F.format_info_ocp_e2m3, "float6_e2m3fn"), (F.format_info_ocp_e3m2, "float6_e3m2fn"),
           (F.format_info_ocp_e2m1, "float4_e2m1fn"), (F.format_info_ocp_e8m0, "float8_e8m0fnu")]
    for P in range(1, 8):
        for dom, d in ((Domain.Extended, "e"), (Domain.Finite, "f")):
            out.append((F.format_info_p3109(8, P, Signedness.Signed, dom), f"binary8p{P}s{d}"))
    for P in range(1, 9):
        for dom, d in ((Domain.Extended, "e"), (Domain.Finite, "f")):
            out.append((F.format_info_p3109(8, P, Signedness.Unsigned, dom), f"binary8p{P}u{d}"))
    out.append((F.format_info_p3109(4, 2, Signedness.Signed, Domain.Finite), "binary4p2sf"))
    return out


def run_gfloat(ctx):
    import random
    import gfloat
    from gfloat import RoundMode, decode_float, encode_float, round_float
    comps, decodes = [], []
    modes = [(getattr(RoundMode, n), n, o) for n, o in GFLOAT_MODES if hasattr(RoundMode, n)]
    rng = random.Random(ctx.seed)
    for fi, fmt in gfloat_formats():
        m = ctx.models[fmt]
        decodes.append(("gfloat", fmt, "decode_float(fi, code).fval",
                        [value_of_float(decode_float(fi, c).fval) for c in range(m.size)]))
        _, b64 = ctx.inputs(fmt)
        b64sr = [i.with_R(rng.randrange(1 << SR_BITS)) for i in b64]
        for sat in (False, True):
            pol = "saturate" if sat else "nonsaturate"
            runs = [(rm, name, o, b64, {}) for rm, name, o in modes]
            runs.append((RoundMode.StochasticFastest, f"StochasticFastest N={SR_BITS}", "sr", b64sr,
                         {"srnumbits": SR_BITS}))
            for rm, name, o, inputs, extra in runs:
                pcs = []
                for i in inputs:
                    try:
                        kw = dict(extra)
                        if i.R is not None:
                            kw["srbits"] = i.R
                        r = round_float(fi, i.pyfloat, rm, sat, **kw)
                        pcs.append(encode_float(fi, r))
                    except (ValueError, AssertionError, OverflowError) as e:
                        pcs.append(PeerError(e))
                prof = None
                if o == "rne" and sat and fmt in ("float8_e4m3fn", "float8_e5m2", "float6_e2m3fn",
                                                  "float6_e3m2fn", "float4_e2m1fn", "float8_e8m0fnu"):
                    prof = "ocp"
                if o == "rne" and not sat and fmt.startswith("binary"):
                    prof = "p3109"
                comps.append(Comparison("gfloat", "round_float + encode_float", fmt, f"{name}, sat={sat}",
                                        "binary64", inputs, pcs, o, pol, profile=prof,
                                        random_bits=SR_BITS if o == "sr" else None))
    # named cases: FP4/FP6 overflow and ±Inf with sat=False (gfloat raises ValueError)
    fis = dict((f, fi) for fi, f in gfloat_formats())
    for fmt, xs, names in GFLOAT_NAMED_FP4:
        fi = fis[fmt]
        inputs = [Input("binary64", float_to_f64_bits(x)) for x in xs]
        for name in names:
            rm = getattr(RoundMode, name)
            o = dict(GFLOAT_MODES)[name]
            pcs = []
            for i in inputs:
                try:
                    pcs.append(encode_float(fi, round_float(fi, i.pyfloat, rm, False)))
                except (ValueError, AssertionError, OverflowError) as e:
                    pcs.append(PeerError(e))
            comps.append(Comparison("gfloat", "round_float + encode_float", fmt, f"{name}, sat=False", "binary64",
                                    inputs, pcs, o, "nonsaturate", named="gfloat-fp4-sat-false"))
    return comps, decodes


# The named inputs of gfloat's FP4/FP6 overflow refusal (sat=False): (format, inputs, RoundModes).
GFLOAT_NAMED_FP4 = [
    ("float4_e2m1fn", [6.5, 7.0, 100.0, math.inf, -7.0, -100.0, -math.inf],
     ["TiesToEven", "TowardZero", "TowardPositive", "TowardNegative", "TiesToAway"]),
    ("float6_e2m3fn", [100.0, math.inf, -math.inf], ["TiesToEven"]),
    ("float6_e3m2fn", [100.0, math.inf, -math.inf], ["TiesToEven"]),
]


def run_onnx(ctx):
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from onnx.reference import ReferenceEvaluator
    comps, decodes = [], []
    warnings.simplefilter("ignore")

    # ---- decoders of onnx.numpy_helper (independent of ml_dtypes in onnx < 1.20)
    dec = [("float8_e4m3fn", "float8e4m3_to_float32(fn=True, uz=False)",
            lambda c: numpy_helper.float8e4m3_to_float32(c, fn=True, uz=False)),
           ("float8_e4m3fnuz", "float8e4m3_to_float32(fn=True, uz=True)",
            lambda c: numpy_helper.float8e4m3_to_float32(c, fn=True, uz=True)),
           ("float8_e5m2", "float8e5m2_to_float32(fn=False, uz=False)",
            lambda c: numpy_helper.float8e5m2_to_float32(c, fn=False, uz=False)),
           ("float8_e5m2fnuz", "float8e5m2_to_float32(fn=True, uz=True)",
            lambda c: numpy_helper.float8e5m2_to_float32(c, fn=True, uz=True))]
    if hasattr(numpy_helper, "_unpacked_float4e2m1_to_float32"):
        dec.append(("float4_e2m1fn", "_unpacked_float4e2m1_to_float32",
                    lambda c: numpy_helper._unpacked_float4e2m1_to_float32(c.astype(np.uint8))))
    for fmt, name, f in dec:
        m = ctx.models[fmt]
        vals = f(np.arange(m.size, dtype=np.int32))
        decodes.append(("onnx", fmt, f"numpy_helper.{name}", [value_of_float(float(x)) for x in np.ravel(vals)]))

    # ---- float8 helpers (onnx.helper, binary32 in)
    f8 = []
    if hasattr(helper, "float32_to_float8e4m3"):
        f8 += [("float8_e4m3fn", "helper.float32_to_float8e4m3(fn=True, uz=False)",
                lambda x, s: helper.float32_to_float8e4m3(x, fn=True, uz=False, saturate=s)),
               ("float8_e4m3fnuz", "helper.float32_to_float8e4m3(fn=True, uz=True)",
                lambda x, s: helper.float32_to_float8e4m3(x, fn=True, uz=True, saturate=s))]
    if hasattr(helper, "float32_to_float8e5m2"):
        f8 += [("float8_e5m2", "helper.float32_to_float8e5m2(fn=False, uz=False)",
                lambda x, s: helper.float32_to_float8e5m2(x, fn=False, uz=False, saturate=s)),
               ("float8_e5m2fnuz", "helper.float32_to_float8e5m2(fn=True, uz=True)",
                lambda x, s: helper.float32_to_float8e5m2(x, fn=True, uz=True, saturate=s))]
    for fmt, name, f in f8:
        b32, _ = ctx.inputs(fmt)
        xs = as_floats(b32)
        for sat in (True, False):
            pcs = [int(f(x, sat)) for x in xs]
            comps.append(Comparison("onnx", name, fmt, f"saturate={sat}", "binary32", b32, pcs, "rne",
                                    "saturate" if sat else "nonsaturate", profile="onnx" if sat else None))

    # ---- E8M0 helper (numpy_helper.to_float8e8m0, binary32 in)
    if hasattr(numpy_helper, "to_float8e8m0"):
        fmt = "float8_e8m0fnu"
        b32, _ = ctx.inputs(fmt)
        xs = as_floats(b32)
        for rmode, o in (("up", "rup"), ("down", "rtz"), ("nearest", "rna")):
            for sat in (True, False):
                pcs = [int(x) for x in numpy_helper.to_float8e8m0(xs, sat, rmode).view(np.uint8)]
                comps.append(Comparison("onnx", "numpy_helper.to_float8e8m0", fmt,
                                        f"round_mode={rmode}, saturate={sat}", "binary32", b32, pcs, o,
                                        "saturate" if sat else "nonsaturate",
                                        profile="onnx" if (rmode == "up" and sat) else None))

    # ---- FP4 and INT4 helpers (onnx.subbyte, binary32 in)
    try:
        from onnx import subbyte
    except ImportError:
        subbyte = None
    if subbyte is not None and hasattr(subbyte, "float32_to_float4e2m1_unpacked"):
        fmt = "float4_e2m1fn"
        b32, _ = ctx.inputs(fmt)
        xs = as_floats(b32)
        pcs = [int(x) & 0xF for x in subbyte.float32_to_float4e2m1_unpacked(xs)]
        comps.append(Comparison("onnx", "subbyte.float32_to_float4e2m1_unpacked", fmt, "(RNE, saturating)",
                                "binary32", b32, pcs, "rne", "saturate", profile="onnx"))
    if subbyte is not None and hasattr(subbyte, "float32_to_4bit_unpacked"):
        for fmt, signed in (("int4", True), ("uint4", False)):
            b32, _ = ctx.inputs(fmt)
            keep = [i for i in b32 if i.value[0] != NAN]  # NaN → int: undefined (checked separately below)
            xs = as_floats(keep)
            pcs = [int(x) & 0xF for x in np.ravel(subbyte.float32_to_4bit_unpacked(xs, signed))]
            comps.append(Comparison("onnx", "subbyte.float32_to_4bit_unpacked", fmt, "(RNE, saturating)",
                                    "binary32", keep, pcs, "rne", "saturate", profile="onnx"))

    # ---- the reference evaluator's Cast (via ml_dtypes)
    opset = min(onnx.defs.onnx_opset_version(), 24)

    def cast(x, to, intype, **attrs):
        X = helper.make_tensor_value_info("X", intype, [None])
        Y = helper.make_tensor_value_info("Y", to, [None])
        node = helper.make_node("Cast", ["X"], ["Y"], to=to, **attrs)
        model = helper.make_model(helper.make_graph([node], "g", [X], [Y]),
                                  opset_imports=[helper.make_opsetid("", opset)])
        return ReferenceEvaluator(model).run(None, {"X": x})[0]

    targets = [("float8_e4m3fn", "FLOAT8E4M3FN"), ("float8_e4m3fnuz", "FLOAT8E4M3FNUZ"),
               ("float8_e5m2", "FLOAT8E5M2"), ("float8_e5m2fnuz", "FLOAT8E5M2FNUZ"),
               ("float4_e2m1fn", "FLOAT4E2M1"), ("float8_e8m0fnu", "FLOAT8E8M0"),
               ("int4", "INT4"), ("uint4", "UINT4"), ("int2", "INT2"), ("uint2", "UINT2")]
    for fmt, tname in targets:
        if not hasattr(TensorProto, tname):
            continue
        to = getattr(TensorProto, tname)
        m = ctx.models[fmt]
        b32, b64 = ctx.inputs(fmt)
        if m.integer:
            b32 = [i for i in b32 if i.value[0] != NAN]
            b64 = [i for i in b64 if i.value[0] != NAN]
        x32 = as_floats(b32)
        x64 = as_floats(b64)
        if fmt.startswith("float8_e") and fmt != "float8_e8m0fnu":
            variants = [("saturate=1", {"saturate": 1}, "rne", "saturate", "onnx"),
                        ("saturate=0", {"saturate": 0}, "rne", "nonsaturate", None)]
        elif fmt == "float8_e8m0fnu":
            variants = []
            for rmode, o in (("up", "rup"), ("down", "rtz"), ("nearest", "rna")):
                for s in (1, 0):
                    prof = "onnx" if (rmode == "up" and s == 1) else None
                    variants.append((f"round_mode={rmode}, saturate={s}", {"round_mode": rmode, "saturate": s},
                                     o, "saturate" if s else "nonsaturate", prof))
        else:
            variants = [("default", {}, "rne", "saturate", "onnx")]
        for label, attrs, o, pol, prof in variants:
            for source, inputs, x, intype in (("binary32", b32, x32, TensorProto.FLOAT),
                                              ("binary64", b64, x64, TensorProto.DOUBLE)):
                y = cast(x, to, intype, **attrs)
                pcs = np_codes(y, m)
                comps.append(Comparison("onnx", f"ReferenceEvaluator Cast-{opset}", fmt, label, source, inputs, pcs,
                                        o, pol, profile=prof))

    # ---- the reference evaluator's QuantizeLinear (integer targets, y_scale = 1 as a FLOAT, x FLOAT)
    def quantize_linear(x, to, zp):
        X = helper.make_tensor_value_info("X", TensorProto.FLOAT, [None])
        Y = helper.make_tensor_value_info("Y", to, [None])
        s = helper.make_tensor("s", TensorProto.FLOAT, [], [1.0])
        z = helper.make_tensor("z", to, [], [zp])
        node = helper.make_node("QuantizeLinear", ["X", "s", "z"], ["Y"])
        model = helper.make_model(helper.make_graph([node], "g", [X], [Y], initializer=[s, z]),
                                  opset_imports=[helper.make_opsetid("", opset)])
        return ReferenceEvaluator(model).run(None, {"X": x})[0]

    ql = f"ReferenceEvaluator QuantizeLinear-{opset}"
    for fmt, tname in QL_TARGETS:
        if not hasattr(TensorProto, tname):
            continue
        to = getattr(TensorProto, tname)
        m = ctx.models[fmt]
        b32, _ = ctx.inputs(fmt)
        y = quantize_linear(as_floats(b32), to, 0)
        pcs = [int(v) & (m.size - 1) for v in np.ravel(y).astype(np.int64)]
        comps.append(Comparison("onnx", ql, fmt, "y_scale=1, y_zero_point=0", "binary32", b32, pcs, "rne", "saturate",
                                command="quantize", zp=0))
    for fmt, tname, zp, xs in QL_NAMED:
        to = getattr(TensorProto, tname)
        m = ctx.models[fmt]
        inputs = [Input("binary32", b) for b in xs]
        y = quantize_linear(as_floats(inputs), to, zp)
        pcs = [int(v) & (m.size - 1) for v in np.ravel(y).astype(np.int64)]
        comps.append(Comparison("onnx", ql, fmt, f"y_scale=1, y_zero_point={zp}", "binary32", inputs, pcs, "rne",
                                "saturate", command="quantize", zp=zp, named="onnx-quantize-linear"))
    return comps, decodes


# QuantizeLinear's integer types that `octet gen` gives boundary cases for (INT16/UINT16: wider than a byte).
QL_TARGETS = [("int8", "INT8"), ("uint8", "UINT8"), ("int4", "INT4"), ("uint4", "UINT4")]


def _f32(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


# The named inputs of the QuantizeLinear int32 cast (binary32 bits). 2^31 − 1 is not a binary32: as FLOAT it is
# 2^31; 2147483520 = 2^31 − 128 is the largest binary32 below 2^31.
_QL_X = [_f32(x) for x in (math.inf, -math.inf, 3e9, -3e9, 2.0 ** 31, -2.0 ** 31, 2147483520.0, -2147483520.0,
                           1e38, -1e38, 127.5, -127.5, 128.5, -128.5, 255.5, -255.5, 256.0, -0.5, 0.5, 2.5)] \
    + [0x7FC00000, 0xFFC00000, 0x7F800001]
_QL_ZP_X = [_f32(x) for x in (2147483520.0, -2147483520.0, 2.0 ** 31, -2.0 ** 31, 3e9, -3e9, math.inf, -math.inf,
                              100.0)] + [0x7FC00000]
QL_NAMED = [("int8", "INT8", 0, _QL_X), ("uint8", "UINT8", 0, _QL_X), ("uint8", "UINT8", 200, _QL_ZP_X),
            ("int8", "INT8", -100, _QL_ZP_X)]


TORCH_FORMATS = ["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu"]


def torch_policy(fmt):
    """What PyTorch's c10 conversions do (torch/headeronly/util/Float8_*.h): RNE from binary32;
    e4m3fn saturates finite overflow and ±Inf to ±448 (as of torch 2.15; the older c10 source the
    formats reference quotes gave NaN), e5m2 overflows to ±Inf, the fnuz formats to NaN; E8M0 rounds |x| with ties up (the
    midpoint 1.5·2^e goes up) and overflows to NaN."""
    if fmt == "float8_e8m0fnu":
        return "rna", "nonsaturate", "RNA on |x|, overflow → NaN"
    if fmt == "float8_e4m3fn":
        return "rne", "saturate", "RNE, saturating"
    return "rne", "nonsaturate", "RNE, non-saturating"


def run_torch(ctx):
    import numpy as np
    import torch
    comps, decodes = [], []
    for fmt in TORCH_FORMATS:
        if not hasattr(torch, fmt):
            continue
        T = getattr(torch, fmt)
        m = ctx.models[fmt]
        codes = torch.arange(m.size, dtype=torch.int32).to(torch.uint8).view(T)
        decodes.append(("torch", fmt, "Tensor.view(dtype).to(float64) of every code",
                        [value_of_float(float(x)) for x in codes.to(torch.float64).tolist()]))
        b32, b64 = ctx.inputs(fmt)
        x32 = torch.from_numpy(as_floats(b32).copy())
        x64 = torch.from_numpy(as_floats(b64).copy())
        rounding, overflow, label = torch_policy(fmt)
        for source, inputs, x in (("binary32", b32, x32), ("binary64", b64, x64)):
            pcs = [int(c) for c in x.to(T).view(torch.uint8).tolist()]
            comps.append(Comparison("torch", "Tensor.to(dtype)", fmt, label, source, inputs, pcs,
                                    rounding, overflow, profile="torch"))
    return comps, decodes


# ----------------------------------------------------------------------------------------------
# CUDA 12.9 host code (Scripts/peers/cuda_host.cpp, built here with g++ against the headers of the
# PyPI wheels; no GPU: the host paths of cuda_fp8.hpp / cuda_fp6.hpp / cuda_fp4.hpp).
# ----------------------------------------------------------------------------------------------

CUDA_WHEELS = ["nvidia-cuda-runtime-cu12==12.9.*",   # cuda_fp8.h(pp), cuda_fp6.h(pp), cuda_fp4.h(pp)
               "nvidia-cuda-nvcc-cu12==12.9.*",      # crt/host_defines.h, which those headers include
               "nvidia-cuda-cccl-cu12==12.9.*"]      # nv/target
DEFAULT_CUDA_PATH = "/tmp/octet-cuda-12.9"
CUDA_SOURCES = [("binary64", "f64"), ("binary32", "f32"), ("binary16", "f16"), ("bfloat16", "bf16")]
# Does `octet encode --profile cuda` see the input's type (f64: NaN → the double path)? Probed in run_cuda.
CUDA_CLI_TYPED = [False]
CUDA_INFO: dict = {}


def cuda_octet_options(fmt, mode):
    """The Octet options matching one CUDA conversion, and whether the `cuda` profile claims it."""
    if fmt == "float8_e8m0fnu":
        r = "rup" if "PosInf" in mode else "rtz"
        o = "saturate" if "SATFINITE" in mode else "nonsaturate"
        return r, o, (r == "rup" and o == "saturate")
    if fmt in ("float8_e4m3fn", "float8_e5m2"):
        o = "saturate" if "SATFINITE" in mode else "nonsaturate"
        return "rne", o, o == "saturate"
    r = "rne" if "Nearest" in mode else "rtz"   # FP6/FP4 saturate always
    return r, "saturate", r == "rne"


def cuda_setup(path):
    d = os.path.abspath(path)
    inc = [os.path.join(d, "nvidia", sub, "include") for sub in ("cuda_runtime", "cuda_nvcc", "cuda_cccl")]
    need = [os.path.join(inc[0], "cuda_fp8.h"), os.path.join(inc[1], "crt", "host_defines.h"),
            os.path.join(inc[2], "nv", "target")]
    if not all(os.path.exists(n) for n in need):
        print(f"[peers] installing {' '.join(CUDA_WHEELS)} into {d} (headers only are used)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--no-deps", "--target", d, *CUDA_WHEELS], check=True)
    wheels = sorted(n[:-len(".dist-info")] for n in os.listdir(d) if n.endswith(".dist-info"))
    cxx = os.environ.get("CXX", "g++")
    import tempfile
    exe = os.path.join(tempfile.mkdtemp(prefix="octet-cuda-"), "cuda_host")
    cmd = [cxx, "-O2", "-std=c++17", *(f"-I{i}" for i in inc), os.path.join(HERE, "cuda_host.cpp"), "-o", exe]
    subprocess.run(cmd, check=True)
    cxxv = subprocess.run([cxx, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    ver = subprocess.run([exe, "version"], capture_output=True, text=True, check=True).stdout.strip()
    CUDA_INFO.update(exe=exe, wheels=wheels, cxx=cxxv, cudart=ver,
                     cmd=" ".join([os.path.basename(cxx), "-O2", "-std=c++17", "-I…", "Scripts/peers/cuda_host.cpp"]))
    return exe


def cuda_extra_bits():
    """The hard cases added to every format's inputs: every NaN class of binary32 and binary64 (both
    signs, quiet/signalling, payload bit 50 set/clear, all-ones), binary32 patterns whose low half
    decides CUDA's bfloat16 round-up (E8M0), and binary64 values just beside powers of two over the
    ranges where the E8M0 double path's float-with-sticky step and the targets' thresholds act."""
    import random
    f32 = [0x7F800001, 0x7FA00000, 0x7FBFFFFF, 0x7FC00000, 0x7FC00001, 0x7FE00000, 0x7FFFFFFF,
           0x00000001, 0x003FFFFF, 0x00400000, 0x00400001, 0x00600000, 0x007FFFFF, 0x00800000, 0x00800001,
           0x7F7FFFFF, 0x7F000000, 0x7F000001, 0x7EFFFFFF, 0x7F7F0000, 0x7F7F0001,
           0x3F800001, 0x3F808000, 0x3F80FFFF, 0x3F810000, 0x3FFF0001, 0x3FFFFFFF, 0x40400001, 0x40A00000]
    f32 += [b | 0x80000000 for b in f32]
    f64 = [0x7FF0000000000001, 0x7FF4000000000000, 0x7FF7FFFFFFFFFFFF, 0x7FF8000000000000,
           0x7FF8000000000001, 0x7FFBFFFFFFFFFFFF, 0x7FFC000000000000, 0x7FFFFFFFFFFFFFFF,
           0x7FEFFFFFFFFFFFFF, 0x0000000000000001, 0x0010000000000000]
    ks = list(range(-152, -118)) + list(range(-20, 21)) + list(range(120, 130)) + [-1074, -1022, -200, 200, 1023]
    for k in ks:
        for f in (1.0, 1 + 2.0 ** -52, 1 - 2.0 ** -53, 1 + 2.0 ** -30, 1 - 2.0 ** -30, 1 + 2.0 ** -24,
                  1 + 2.0 ** -23, 1 - 2.0 ** -24, 1.5, 1.5 * (1 + 2.0 ** -52), 1.5 * (1 - 2.0 ** -53), 1.25, 1.75):
            if k < -1022 and f != 1.0:
                continue
            x = math.ldexp(f, k)
            if x != 0 and not math.isinf(x):
                f64.append(float_to_f64_bits(x))
    rng = random.Random(12)
    for _ in range(2000):
        e = rng.randrange(1023 - 160, 1023 + 140)
        f64.append((e << 52) | rng.getrandbits(52))
    f64 += [b | (1 << 63) for b in f64]
    return f32, f64


def run_cuda(ctx):
    exe = CUDA_INFO["exe"]
    cols = []
    for line in subprocess.run([exe, "columns"], capture_output=True, text=True, check=True).stdout.splitlines():
        fmt, mode, *entries = line.split("\t")
        cols.append((fmt, mode, dict(zip([s for s, _ in CUDA_SOURCES], entries))))
    # the CLI: does --profile cuda see a binary64 NaN as binary64?
    probe = subprocess.run([ctx.octet.path, "encode", "float8_e4m3fn", "--profile", "cuda", "f64:FFF8000000000000"],
                           capture_output=True, text=True).stdout.split()
    CUDA_CLI_TYPED[0] = bool(probe) and probe[-1].upper() == "0XFF"
    x32, x64 = cuda_extra_bits()
    all16 = list(range(1 << 16))
    per_fmt = {}
    for fmt in dict.fromkeys(c[0] for c in cols):
        b32, b64 = ctx.inputs(fmt)
        seen32 = {i.bits for i in b32}
        seen64 = {i.bits for i in b64}
        b32 = b32 + [Input("binary32", b) for b in dict.fromkeys(x32) if b not in seen32]
        b64 = b64 + [Input("binary64", b) for b in dict.fromkeys(x64) if b not in seen64]
        per_fmt[fmt] = {"binary64": b64, "binary32": b32,
                        "binary16": [Input("binary16", b) for b in all16],
                        "bfloat16": [Input("bfloat16", b) for b in all16]}
    # one harness run over the union of the inputs
    lines = {}
    for fmt, d in per_fmt.items():
        for inputs in d.values():
            for i in inputs:
                t, h = i.octet.split(":")
                lines.setdefault(f"{t} {h}", None)
    out = subprocess.run([exe, "list"], input="\n".join(lines) + "\n", capture_output=True, text=True,
                         check=True).stdout.splitlines()
    res = {}
    for l in out:
        t, h, *codes = l.split()
        res[f"{t}:{h}"] = [None if c == "-" else int(c, 16) for c in codes]
    comps = []
    for k, (fmt, mode, entries) in enumerate(cols):
        r, o, prof = cuda_octet_options(fmt, mode)
        for source, _ in CUDA_SOURCES:
            if entries[source] == "-":
                continue
            inputs = per_fmt[fmt][source]
            codes = [res[i.octet][k] for i in inputs]
            comps.append(Comparison("cuda", entries[source], fmt, mode, source, inputs, codes, r, o,
                                    profile="cuda" if prof else None))
    decodes = []
    dec = collections.defaultdict(dict)
    for l in subprocess.run([exe, "decode"], capture_output=True, text=True, check=True).stdout.splitlines():
        fmt, code, t, h = l.split()
        b = int(h, 16)
        dec[(fmt, t)][int(code, 16)] = Input("binary16" if t == "f16" else "bfloat16", b).value
    names = {"float8_e4m3fn": "__nv_cvt_fp8_to_halfraw(x, __NV_E4M3)", "float8_e5m2": "__nv_cvt_fp8_to_halfraw(x, __NV_E5M2)",
             "float6_e2m3fn": "__nv_cvt_fp6_to_halfraw(x, __NV_E2M3)", "float6_e3m2fn": "__nv_cvt_fp6_to_halfraw(x, __NV_E3M2)",
             "float4_e2m1fn": "__nv_cvt_fp4_to_halfraw(x, __NV_E2M1)", "float8_e8m0fnu": "__nv_cvt_e8m0_to_bf16raw(x)"}
    for (fmt, t), table in dec.items():
        decodes.append(("cuda", fmt, names[fmt], [table[c] for c in range(len(table))]))
    # the sweeps of the harness itself (the profile's rule, independently of Octet)
    sweeps = []
    for t in ("f16", "bf16", "f32"):
        for l in subprocess.run([exe, "sweep", t], capture_output=True, text=True, check=True).stdout.splitlines():
            sweeps.append((t,) + tuple(l.split("\t")))
    if CUDA_INFO.get("sweep_all"):
        for l in open(CUDA_INFO["sweep_all"]).read().splitlines():
            if "\t" in l:
                sweeps.append(("f32 (all 2^32)",) + tuple(l.split("\t")))
    CUDA_INFO["sweeps"] = sweeps
    return comps, decodes


CUDA_SOURCE_RANK = {"binary64": 0, "binary32": 1, "binary16": 2, "bfloat16": 3}


def cuda_section(ctx, comps, dis, decode_rows):
    """The "## cuda 12.9 (host code)" section, in the style of the other peers' sections."""
    L = []
    w = L.append
    pc = [c for c in comps if c.peer == "cuda"]
    w("## cuda 12.9 (host code)")
    w("")
    w(f"CUDA's own conversion functions, compiled as host code (no `__CUDA_ARCH__`, so the `cvt` PTX paths a GPU "
      f"takes under `__NV_SATFINITE` are not exercised; the host code is what `nvcc` gives CPU code and what "
      f"cuda_fp8.hpp defines for every input type): headers of the PyPI wheels {', '.join(CUDA_INFO['wheels'])} "
      f"(cuda_fp8.hpp, cuda_fp6.hpp, cuda_fp4.hpp of the runtime wheel; the nvcc wheel supplies only "
      f"crt/host_defines.h, the cccl wheel nv/target), `CUDART_VERSION` {CUDA_INFO['cudart']}, built by "
      f"{CUDA_INFO['cxx']} (`{CUDA_INFO['cmd']}`) and driven by `cuda_host list`. Octet: "
      f"{CUDA_INFO.get('octet', '?')}.")
    w("")
    w("Inputs per format: the binary32 boundary cases and binary64 set of the other peers (Method), plus every "
      "NaN class of binary32 and binary64 (both signs, quiet and signalling, binary64 payload bit 50 set and "
      "clear), binary32 patterns whose low 16 bits decide CUDA's bfloat16 round-up, ~6000 binary64 values just "
      "beside powers of two and random ones (`cuda_extra_bits`), and **all 65536 binary16 and all 65536 bfloat16 "
      "patterns**. Each is passed to the entry point of its own type (there is no binary16 → E8M0 function).")
    w("")
    w("### Decode tables")
    w("")
    w("| format | entry point | codes | agree | differences |")
    w("| --- | --- | --- | --- | --- |")
    for r in decode_rows:
        if r[0] != "cuda":
            continue
        diffs = "; ".join(f"{c:#04x}: peer {exact_text(pv) if pv != 'model' else 'model'} vs Octet {exact_text(ov)}"
                          for c, pv, ov in r[5][:4])
        w(f"| {r[1]} | `{r[2]}` | {r[3]} | {r[4]} | {diffs or '—'} |")
    w("")
    w("NaN codes decode to the canonical binary16 NaN 0x7FFF whatever their sign (the tables compare values; "
      "NaN = NaN), and E8M0 0x00 decodes to the bfloat16 subnormal 0x0040 = 2^-127.")
    w("")
    w("### Conversions")
    w("")
    write_conversions_table(w, pc)
    w("")
    w("### Disagreement classes")
    w("")
    groups = collections.OrderedDict()
    for d in dis:
        if d.comp.peer == "cuda" and d.against == "reference":
            groups.setdefault(d.key, []).append(d)
    if not groups:
        w("None.")
        w("")
    for key, ds in sorted(groups.items(), key=lambda kv: (VERDICT_ORDER[CLASS_INFO[kv[0]][1]], -len(kv[1]))):
        write_class_head(w, key, ds)
        # one example per format, input type and kind of input (zero, number, infinity, NaN)
        ex = collections.OrderedDict()
        for d in sorted(ds, key=lambda d: (FORMAT_RANK.get(d.comp.fmt, 99), CUDA_SOURCE_RANK[d.comp.source],
                                           d.inp.value[0] != ZERO, len(exact_text(d.inp.value)), d.inp.bits)):
            ex.setdefault((d.comp.fmt, d.comp.source, d.inp.value[0]), d)
        for d in list(ex.values())[:16]:
            m = ctx.models[d.comp.fmt]
            j = d.comp.judge(m, d.inp.value, R=d.inp.R)
            w(f"| {d.comp.fmt} | {d.comp.entry}, {cell(d.comp.mode)} (`{d.comp.options_text()}`) | `{d.inp.hex()}` | "
              f"{exact_text(d.inp.value)} | {md_code(m, d.peer_code)} | {md_code(m, d.octet_code)} | {md_code(m, j)} |")
        w("")
    w("### The `cuda` profile against CUDA")
    w("")
    w("Every conversion the profile claims (`__NV_SATFINITE` FP8, `cudaRoundPosInf` + `__NV_SATFINITE` E8M0, "
      "`cudaRoundNearest` FP6/FP4), from every input type, against `octet encode F --profile cuda` on the same "
      "inputs" + ("." if CUDA_CLI_TYPED[0] else
                  " (the CLI hands the profile the parsed value only, see the class below if any)."))
    w("")
    w("| format | entry point | mode | source | cases | agree | rate | mismatch classes |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- |")
    n_all = a_all = 0
    for c in pc:
        if not c.profile:
            continue
        n = len(c.inputs)
        n_all += n
        a_all += c.agree_profile
        cl = cell(", ".join(f"{CLASS_INFO[k][0]} ({v})" for k, v in c.profile_classes.most_common()))
        w(f"| {c.fmt} | {c.entry} | {cell(c.mode)} | {c.source} | {n} | {c.agree_profile} | "
          f"{100.0 * c.agree_profile / max(n, 1):.2f} % | {cl or '—'} |")
    w("")
    pd = [d for d in dis if d.comp.peer == "cuda" and d.against == "profile"]
    w(f"Total: {n_all} cases, {a_all} agree, **{len(pd)} disagreements**.")
    w("")
    pk = collections.OrderedDict()
    for d in pd:
        pk.setdefault(d.key, []).append(d)
    for key, ds in pk.items():
        title, verdict, expl, repro = CLASS_INFO[key]
        d = min(ds, key=simplicity)
        m = ctx.models[d.comp.fmt]
        w(f"- **{title}** ({len(ds)} cases, {', '.join(sorted({x.comp.fmt for x in ds}))}). {expl} Example: "
          f"{d.comp.fmt} {d.comp.entry} `{d.inp.hex()}`: CUDA {md_code(m, d.peer_code)}, `--profile cuda` "
          f"{md_code(m, d.octet_code)}.")
    if pk:
        w("")
    sw = CUDA_INFO.get("sweeps", [])
    if sw:
        w("### Sweeps of the harness against the profile's rule")
        w("")
        w("`cuda_host sweep TYPE` runs every conversion on every binary16 and bfloat16 pattern and on binary32 "
          "patterns (every upper half with 13 lower halves, 851968 patterns; `sweep f32 all`: all 2^32) and "
          "compares CUDA with the rule Specs/formats.md §6 states for the `cuda` profile (and for the modes "
          "outside it: `__NV_NOSAT` overflow → `0x7F` | sign in E4M3, ±Inf in E5M2, NaN in E8M0; "
          "`cudaRoundZero` on the same terms), coded in the harness independently of Octet (exact: every "
          "midpoint of these formats is a double). The binary32 part covers patterns not sent through the "
          "Octet CLI.")
        w("")
        w("| inputs | format | mode | entry point | cases | differ from the rule |")
        w("| --- | --- | --- | --- | --- | --- |")
        for t, fmt, mode, entry, n, bad, *first in sw:
            w(f"| {t} | {fmt} | {cell(mode)} | {entry} | {n} | {bad}{' (' + first[0] + ')' if first else ''} |")
        w("")
    return L


# ----------------------------------------------------------------------------------------------
# Driver.
# ----------------------------------------------------------------------------------------------

class Context:
    def __init__(self, octet: Octet, budget: int, seed: int):
        self.octet, self.budget, self.seed = octet, budget, seed
        self.models = build_models()
        self._inputs = {}

    def inputs(self, fmt):
        if fmt not in self._inputs:
            cases = self.octet.gen(fmt, self.budget, self.seed)
            self._inputs[fmt] = make_inputs(self.models[fmt], cases)
        return self._inputs[fmt]


def evaluate(ctx: Context, comps, judge_all: bool):
    """Run Octet for every comparison and classify the disagreements."""
    dis = []
    octet_spec_checked = 0
    octet_spec_failures = []
    reqs = []
    for c in comps:
        reqs.append((c.fmt, c.options(), [i.octet for i in c.inputs], c.command))
        if c.profile:
            reqs.append((c.fmt, ["--profile", c.profile], [i.octet.split()[0] for i in c.inputs]))
    t = time.time()
    ctx.octet.prefetch(reqs)
    print(f"[peers] octet runs: {time.time() - t:.1f} s", file=sys.stderr)
    for c in comps:
        m = ctx.models[c.fmt]
        lines = [i.octet for i in c.inputs]
        c.octet = ctx.octet.encode(c.fmt, c.options(), lines, c.command)
        if c.profile:
            c.octet_profile = ctx.octet.encode(c.fmt, ["--profile", c.profile], [i.octet.split()[0] for i in c.inputs])
        for idx, (i, pc, oc) in enumerate(zip(c.inputs, c.codes, c.octet)):
            if judge_all and not c.named:
                octet_spec_checked += 1
                j = c.judge(m, i.value, R=i.R)
                if not (j == oc or (m.is_nan_code(j) and m.is_nan_code(oc))):
                    octet_spec_failures.append((c, i, oc, j))
            if pc == oc:
                c.agree += 1
            else:
                key = classify(c, m, i, pc, oc, "reference")
                c.classes[key] += 1
                dis.append(Disagreement(comp=c, inp=i, peer_code=pc, octet_code=oc, key=key, against="reference"))
            if c.profile:
                po = c.octet_profile[idx]
                if pc == po:
                    c.agree_profile += 1
                else:
                    key = classify(c, m, i, pc, po, "profile")
                    c.profile_classes[key] += 1
                    dis.append(Disagreement(comp=c, inp=i, peer_code=pc, octet_code=po, key=key, against="profile"))
    return dis, octet_spec_checked, octet_spec_failures


def decode_checks(ctx, decodes):
    rows = []
    for peer, fmt, how, vals in decodes:
        table = ctx.octet.decode(fmt)
        m = ctx.models[fmt]
        agree, bad = 0, []
        for c in range(m.size):
            ov = table.get(c)
            pv = vals[c]
            model_ok = same_value(ov, m.values[c])
            if same_value(pv, ov):
                agree += 1
            else:
                bad.append((c, pv, ov))
            if not model_ok:
                bad.append((c, "model", m.values[c]))
        rows.append((peer, fmt, how, m.size, agree, bad))
    return rows


FORMAT_RANK = {f: i for i, f in enumerate(["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz",
                                           "float4_e2m1fn", "float6_e2m3fn", "float6_e3m2fn", "float8_e8m0fnu",
                                           "int4", "uint4", "binary8p4se", "binary8p3se", "binary8p4sf"])}


def simplicity(d: Disagreement):
    v = d.inp.value
    t = exact_text(v)
    return (FORMAT_RANK.get(d.comp.fmt, 99), len(t), d.inp.source != "binary32",
            abs(v[2]) if v[2] is not None else 0)


def write_conversions_table(w, pc) -> None:
    """The table of conversions of one peer: cases, agreement, Octet options, classes."""
    w("| format | entry point | mode | source | cases | agree | Octet options | disagreement classes |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for c in pc:
        cl = cell(", ".join(f"{CLASS_INFO[k][0]} ({v})" for k, v in c.classes.most_common()))
        w(f"| {c.fmt} | {c.entry} | {cell(c.mode)} | {c.source} | {len(c.inputs)} | {c.agree} | "
          f"`{c.options_text()}` | {cl or '—'} |")


def write_class_head(w, key, ds) -> None:
    """A disagreement class's title, verdict, reproducing options, case counts and example-table header."""
    title, verdict, expl, repro = CLASS_INFO[key]
    fmts = sorted({d.comp.fmt for d in ds})
    entries = sorted({f"{d.comp.entry} ({d.comp.mode}, {d.comp.source})" for d in ds})
    w(f"#### {title}")
    w("")
    w(f"- **Verdict:** {verdict}. {expl}")
    w(f"- **Octet options that reproduce the peer:** {repro}")
    w(f"- **Cases:** {len(ds)} in {len(fmts)} format(s): {', '.join(fmts)}; "
      f"{len(entries)} entry point/mode combination(s)" + (f", e.g. {entries[0]}" if entries else "") + ".")
    w("")
    w("| format | entry point, mode | input | exact value | peer | Octet | exact rule (judge) |")
    w("| --- | --- | --- | --- | --- | --- | --- |")


def cell(t: str) -> str:
    """Text for a Markdown table cell."""
    return t.replace("|", "\\|")


def md_code(m: Model, c) -> str:
    if c == "error":
        text = getattr(c, "text", None)
        return f"error (raises `{text}`)" if text else "error (raises)"
    return f"`{c:#04x}` ({m.value_text(c)})"


def report_lines(ctx, versions, comps, dis, decode_rows, judge_info, elapsed, argv, named=(), note=""):
    """The whole report as a list of lines. comps and dis exclude the named comparisons, which go into
    each peer's "Named cases" subsection. note: a line put under each peer's heading (splice mode)."""
    checked, failures = judge_info
    L = []
    w = L.append
    w("# Peer conformance: ml_dtypes, gfloat, ONNX and PyTorch against Octet")
    w("")
    w("<!-- Generated by Scripts/peers/peers.py; do not edit by hand. Regenerate with the commands in "
      "Scripts/peers/README.md. -->")
    w("")
    w(f"Generated {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} on "
      f"{platform.system()} {platform.machine()} in {elapsed:.0f} s by `python3 Scripts/peers/peers.py "
      f"{' '.join(argv)}`.")
    w("")
    w("## Versions")
    w("")
    w("| component | version |")
    w("| --- | --- |")
    for k, v in versions.items():
        w(f"| {k} | {v} |")
    w("")
    w("## Method")
    w("")
    w(f"- **Inputs.** For every format F a peer shares with Octet, `octet gen --op convert --to F --budget "
      f"{ctx.budget} --seed {ctx.seed}` gives the boundary cases as binary32 bit patterns (specials, every value, "
      "midpoints ± 1 ulp, TestFloat patterns, random), to which the script adds the bit-exact vectors of the "
      f"formats reference §8 and the inputs of its known bugs (§7), {len(VECTORS)} values with both signs. "
      "They are converted as **binary32** values and, widened "
      "exactly, as **binary64** values; the binary64 set also holds every midpoint of F (and the one above max) "
      "with its two binary64 neighbours, which expose double rounding through binary32.")
    w("- **Peers.** ml_dtypes: NumPy `astype` from float32 and float64 arrays, and the scalar constructor "
      "`T(python_float)`. gfloat: `round_float(fi, x, mode, sat)` then `encode_float`, every `RoundMode` it has "
      f"(StochasticFastest with N = {SR_BITS} random bits, R drawn per input) × sat. onnx (a release before 1.20, "
      "whose helpers are its own code, not ml_dtypes): `onnx.helper.float32_to_float8e4m3/e5m2`, "
      "`numpy_helper.to_float8e8m0`, `subbyte.float32_to_float4e2m1_unpacked`, `subbyte.float32_to_4bit_unpacked`, "
      "the `numpy_helper` decoders, the ReferenceEvaluator's `Cast` (which uses ml_dtypes) and its `QuantizeLinear` "
      "to the integer types (y_scale = 1, x FLOAT; against `octet quantize --to F --scale 1 --arithmetic onnx`). "
      "Named cases: fixed inputs of a known peer bug, reported in their own table under the peer (not counted in "
      "the conversion cases). torch (when "
      "run with `--peers …,torch`): `Tensor.to(dtype)` from float32 and float64 tensors (c10's conversions, which "
      "take a float), and decoding every code with `view(dtype).to(float64)`.")
    w("- **Octet.** Each peer call is compared with `octet encode F --rounding R --overflow P` (the options named "
      "in the tables) and, where an ecosystem profile exists, with `octet encode F --profile NAME`. Codes must be "
      "equal bit for bit (two different NaN codes count as a disagreement of class *NaN encoding*); 'error' "
      "against 'error' (both refuse) is an agreement.")
    w("- **Judging.** Every input's exact value is a `fractions.Fraction` of the float. The script carries its own "
      "model of Specs/formats.md §2–§4 (formats, rounding on the 2^q grid, overflow and bottom policies) and "
      "recomputes the correct code for every disagreement" + (" and every Octet result" if checked else "") +
      "; each disagreement is then explained by the rule or path that reproduces the peer's code (another "
      "policy, a binary32 intermediate, truncation, …). One sentence pair of §4.5 reads two ways for a negative "
      "value of magnitude below 2^-127 into E8M0 under rtz/rup ('a mode that rounds negative values toward zero "
      "gives lo' and 'a negative value that rounds to zero … E8M0: out of range, like zero'); the model takes the "
      "more specific second one (NaN without saturation), as Octet does.")
    w("")
    # ---- summary
    w("## Summary")
    w("")
    w("| peer | version | decode codes (agree) | conversion cases | agree with Octet options | disagreements: "
      "peer bug | alternative policy | peer refuses | Octet wrong |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    verdict_counts = collections.defaultdict(collections.Counter)
    for d in dis:
        if d.against == "reference":
            verdict_counts[d.comp.peer][CLASS_INFO[d.key][1]] += 1
    ran = [p for p in ("ml_dtypes", "gfloat", "onnx", "torch", "cuda") if any(c.peer == p for c in comps)]
    for peer in ran:
        pc = [c for c in comps if c.peer == peer]
        dr = [r for r in decode_rows if r[0] == peer]
        n = sum(len(c.inputs) for c in pc)
        a = sum(c.agree for c in pc)
        vc = verdict_counts[peer]
        w(f"| {peer} | {versions.get(peer, '?')} | {sum(r[4] for r in dr)}/{sum(r[3] for r in dr)} | {n} | "
          f"{a} ({100.0 * a / max(n, 1):.2f} %) | {vc[BUG]} | {vc[ALT]} | {vc[REFUSE]} | {vc[OCTET]} |")
    w("")
    if checked:
        w(f"Octet against the script's model of Specs/formats.md: {checked} conversions recomputed, "
          f"**{len(failures)} differ**.")
        w("")
    nref = sum(1 for d in dis if d.against == "reference" and CLASS_INFO[d.key][1] == OCTET)
    w(f"Disagreements where Octet's code differs from the written rules: **{nref}**." +
      (" Every disagreement is a peer bug, a legitimate alternative policy, or a refusal." if nref == 0 else ""))
    w("")
    # ---- profiles
    w("## Compatibility profiles against their ecosystems")
    w("")
    w("Each row compares the peer's codes with `octet encode F --profile NAME` on the same inputs.")
    w("")
    w("| profile | peer entry point | format | mode | source | cases | agree | rate | mismatch classes |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    tot = collections.Counter()
    for c in comps:
        if not c.profile or c.peer == "cuda":   # the cuda section has its own profile table
            continue
        n = len(c.inputs)
        tot[(c.profile, "n")] += n
        tot[(c.profile, "a")] += c.agree_profile
        cl = cell(", ".join(f"{CLASS_INFO[k][0]} ({v})" for k, v in c.profile_classes.most_common()))
        w(f"| `{c.profile}` | {c.peer} {c.entry} | {c.fmt} | {c.mode} | {c.source} | {n} | {c.agree_profile} | "
          f"{100.0 * c.agree_profile / max(n, 1):.2f} % | {cl or '—'} |")
    w("")
    pv = collections.defaultdict(collections.Counter)
    for d in dis:
        if d.against == "profile":
            pv[d.comp.profile][CLASS_INFO[d.key][1]] += 1
    w("Totals, with the mismatches split by verdict: a peer bug the profile rightly does not copy, an "
      "ecosystem behaviour the profile does not model (alternative policy), a refusal by the peer.")
    w("")
    w("| profile | cases | agree | rate | mismatches: peer bug | not modelled | peer refuses |")
    w("| --- | --- | --- | --- | --- | --- | --- |")
    for p in ("ml_dtypes", "onnx", "ocp", "p3109", "torch", "cuda"):
        w(profile_total_row(p, comps, dis))
    w("")
    prof_keys = collections.OrderedDict()
    for d in dis:
        if d.against == "profile" and d.comp.peer != "cuda":
            prof_keys.setdefault((d.comp.profile, d.key), []).append(d)
    if prof_keys:
        w("### Profile mismatch classes")
        w("")
        for (p, key), ds in prof_keys.items():
            title, verdict, expl, repro = CLASS_INFO[key]
            ex = min(ds, key=simplicity)
            m = ctx.models[ex.comp.fmt]
            w(f"- **`{p}` — {title}** ({len(ds)} cases; {ex.comp.peer} {ex.comp.entry}, "
              f"{', '.join(sorted({d.comp.fmt for d in ds}))}). {expl} Example: {ex.comp.fmt} "
              f"`{ex.inp.hex()}` = {exact_text(ex.inp.value)}: peer {md_code(m, ex.peer_code)}, "
              f"`--profile {p}` {md_code(m, ex.octet_code)}. {PROFILE_NOTES.get(key, '')}")
        w("")
    # ---- per peer
    for peer in ran:
        if peer == "cuda":
            sec = cuda_section(ctx, comps, dis, decode_rows)
            L += sec[:2] + ([note, ""] if note else []) + sec[2:]
            continue
        pc = [c for c in comps if c.peer == peer]
        w(f"## {peer} {versions.get(peer, '')}")
        w("")
        if note:
            w(note)
            w("")
        w("### Decode tables")
        w("")
        w("| format | entry point | codes | agree | differences |")
        w("| --- | --- | --- | --- | --- |")
        for r in decode_rows:
            if r[0] != peer:
                continue
            diffs = "; ".join(f"{c:#04x}: peer {exact_text(pv) if pv != 'model' else 'model'} vs Octet {exact_text(ov)}"
                              for c, pv, ov in r[5][:4])
            w(f"| {r[1]} | `{r[2]}` | {r[3]} | {r[4]} | {diffs or '—'} |")
        w("")
        w("### Conversions")
        w("")
        modes = list(dict.fromkeys(c.mode for c in pc))
        rows = collections.OrderedDict()
        for c in pc:
            rows.setdefault((c.fmt, c.entry, c.source), {})[c.mode] = c
        if peer == "gfloat":
            w("Cells: agreements / cases against `octet encode` with the options in the legend.")
            w("")
            w("| format | source | " + " | ".join(modes) + " |")
            w("| --- | --- | " + " | ".join("---" for _ in modes) + " |")
            for (fmt, entry, source), byc in rows.items():
                cells = []
                for mo in modes:
                    c = byc.get(mo)
                    cells.append("–" if c is None else f"{c.agree}/{len(c.inputs)}")
                w(f"| {fmt} | {source} | " + " | ".join(cells) + " |")
            w("")
            w("Legend: " + "; ".join(f"{mo} ↔ `{next(c for c in pc if c.mode == mo).options_text()}`" for mo in modes)
              + ". gfloat takes Python floats, so its binary64 set holds the binary32 cases as exact values.")
        else:
            write_conversions_table(w, pc)
        w("")
        w("### Disagreement classes")
        w("")
        groups = collections.OrderedDict()
        for d in dis:
            if d.comp.peer == peer and d.against == "reference":
                groups.setdefault(d.key, []).append(d)
        if not groups:
            w("None.")
            w("")
        for key, ds in sorted(groups.items(), key=lambda kv: (VERDICT_ORDER[CLASS_INFO[kv[0]][1]], -len(kv[1]))):
            ex = min(ds, key=simplicity)
            m = ctx.models[ex.comp.fmt]
            write_class_head(w, key, ds)
            j = ex.comp.judge(m, ex.inp.value, R=ex.inp.R)
            w(f"| {ex.comp.fmt} | {ex.comp.entry}, {ex.comp.mode} (`{ex.comp.options_text()}`) | `{ex.inp.hex()}` | "
              f"{exact_text(ex.inp.value)} | {md_code(m, ex.peer_code)} | {md_code(m, ex.octet_code)} | {md_code(m, j)} |")
            w("")
        write_named_cases(w, ctx, [c for c in named if c.peer == peer])
    if failures:
        w("## Octet results that differ from the script's model")
        w("")
        w("| format | options | input | exact value | Octet | model |")
        w("| --- | --- | --- | --- | --- | --- |")
        for c, i, oc, j in failures[:50]:
            m = ctx.models[c.fmt]
            w(f"| {c.fmt} | `{c.options_text()}` | `{i.hex()}` | {exact_text(i.value)} | {md_code(m, oc)} | {md_code(m, j)} |")
        w("")
    return L


NAMED_INFO = {
    "gfloat-fp4-sat-false": (
        "FP4/FP6 overflow and ±Inf with sat=False",
        "`round_float(fi, x, mode, sat=False)` then `encode_float`, on fixed inputs beyond max and ±Inf, against "
        "`octet encode F --rounding R --overflow nonsaturate`; the last column gives Octet's code under the other "
        "overflow policies. FP4 E2M1 has no Inf and no NaN (max 6, code 0x07; −6 is 0x0F), FP6 E2M3 max 7.5 (0x1F), "
        "FP6 E3M2 max 28 (0x1F). The peer column shows gfloat's exception type and text where it raises."),
    "onnx-quantize-linear": (
        "QuantizeLinear: ±Inf, NaN and |x| ≥ 2^31 on integer targets",
        "A one-node model `QuantizeLinear(x, y_scale, y_zero_point)` run by `onnx.reference.ReferenceEvaluator` "
        "(x a FLOAT tensor, y_scale = 1.0 as FLOAT, y_zero_point a scalar of the target type), against `octet "
        "quantize --to F --scale 1 --zero-point Z --arithmetic onnx` (x / y_scale in binary32, which for "
        "y_scale = 1 is x itself). 2^31 − 1 is not a binary32: as a FLOAT it is 2^31 (the row `f32:4F000000`); "
        "2147483520 = 2^31 − 128 (`f32:4EFFFFFF`) is the largest binary32 below 2^31 and fits int32. NaN has no "
        "integer value: the Octet column shows that `octet quantize` refuses it (exit status 1, 'F has no NaN "
        "encoding, so NaN cannot be converted to it')."),
}


def write_named_cases(w, ctx, named) -> None:
    """The "Named cases" subsection of a peer: every named input with both sides' codes, the written
    rules' code, and the class of each disagreement."""
    if not named:
        return
    w("### Named cases")
    w("")
    groups = collections.OrderedDict()
    for c in named:
        groups.setdefault(c.named, []).append(c)
    for key, cs in groups.items():
        title, intro = NAMED_INFO[key]
        other = cs[0].command == "encode"
        w(f"#### {title}")
        w("")
        w(intro)
        w("")
        n = sum(len(c.inputs) for c in cs)
        dis = collections.Counter()
        rows = []
        for c in cs:
            m = ctx.models[c.fmt]
            others = {}
            if other:
                lines = [i.octet for i in c.inputs]
                for pol in ("saturate", "nonsaturate", "propagate", "ovfinf"):
                    if pol != c.overflow:
                        others[pol] = ctx.octet.encode(c.fmt, c.options(overflow=pol), lines)
            for k, (i, pc, oc) in enumerate(zip(c.inputs, c.codes, c.octet)):
                if pc == oc:
                    res = "agree"
                else:
                    key2 = classify(c, m, i, pc, oc, "reference")
                    title2, verdict = CLASS_INFO[key2][:2]
                    dis[key2] += 1
                    res = f"{title2} ({verdict})"
                j = c.judge(m, i.value, R=i.R)
                row = (f"| {c.fmt} | {c.entry}, {cell(c.mode)} (`{c.options_text()}`) | `{i.hex()}` | "
                       f"{exact_text(i.value)} | {md_code(m, pc)} | {md_code(m, oc)} | {md_code(m, j)} | {cell(res)} |")
                if other:
                    vals = {pol: o[k] for pol, o in others.items()}
                    if all(v == oc for v in vals.values()):
                        row += " same code under saturate, propagate and ovfinf |" if c.overflow == "nonsaturate" \
                            else " same code under every other policy |"
                    else:
                        row += " " + ", ".join(f"{pol} {md_code(m, v)}" for pol, v in vals.items()) + " |"
                rows.append(row)
        w(f"{n} inputs, {n - sum(dis.values())} agree; disagreements: " +
          (", ".join(f"{CLASS_INFO[k][0]} ({v})" for k, v in dis.most_common()) or "none") + ".")
        w("")
        head = "| format | entry point, mode | input | exact value | peer | Octet | exact rule (judge) | result |"
        sep = "| --- | --- | --- | --- | --- | --- | --- | --- |"
        if other:
            head += " Octet, other policies |"
            sep += " --- |"
        w(head)
        w(sep)
        for r in rows:
            w(r)
        w("")


VERDICT_ORDER = {OCTET: 0, BUG: 1, ALT: 2, REFUSE: 3}


def profile_total_row(p, comps, dis):
    """One row of the profile totals table."""
    n = sum(len(c.inputs) for c in comps if c.profile == p)
    a = sum(c.agree_profile for c in comps if c.profile == p)
    pv = collections.Counter(CLASS_INFO[d.key][1] for d in dis if d.against == "profile" and d.comp.profile == p)
    if n:
        return f"| `{p}` | {n} | {a} | {100.0 * a / n:.2f} % | {pv[BUG]} | {pv[ALT]} | {pv[REFUSE]} |"
    why = {"torch": "not checked: PyTorch is not among the peers installed here (its PyPI wheel pulls the CUDA stack)",
           "cuda": "not checked: run with --peers …,cuda (CUDA 12.9 host code, no GPU needed)"}.get(p, "not checked in this run")
    return f"| `{p}` | – | – | {why} | | | |"


PEER_ORDER = ["ml_dtypes", "gfloat", "onnx", "torch", "cuda"]
PROFILE_ORDER = ["ml_dtypes", "ocp", "p3109", "onnx", "torch", "cuda"]


def _section_bounds(lines, start):
    """[start, end) of the "## " section that begins at lines[start]."""
    end = next((k for k in range(start + 1, len(lines)) if lines[k].startswith("## ")), len(lines))
    return start, end


def _table_at(lines, header_prefix, lo=0, hi=None):
    """(first row, end) of the table whose header line starts with header_prefix, or None."""
    hi = len(lines) if hi is None else hi
    for k in range(lo, hi):
        if lines[k].startswith(header_prefix):
            a = k + 2
            b = a
            while b < len(lines) and lines[b].startswith("|"):
                b += 1
            return a, b
    return None


def _replace_keyed(old_rows, new_rows, key, keys, order):
    """old_rows with the rows of each key in keys replaced by new_rows of that key (at the place of the
    first old one; a key with no old rows goes before the first row of a later key in order, else last)."""
    out = list(old_rows)
    for k in keys:
        new_k = [r for r in new_rows if key(r) == k]
        idx = [n for n, r in enumerate(out) if key(r) == k]
        if idx:
            at = idx[0]
            out = [r for n, r in enumerate(out) if n not in set(idx)]
        else:
            later = set(order[order.index(k) + 1:]) if k in order else set()
            at = next((n for n, r in enumerate(out) if key(r) in later), len(out))
        out[at:at] = new_k
    return out


def splice_report(path, new, peers, profiles):
    """Put the parts of a report of some peers (new: the lines report_lines gave) into the existing report
    at path, leaving every other line as it is: each peer's "## " section, its row of the summary table,
    the rows, totals and mismatch classes of its profiles, and the Method section; then recompute the
    summary's two totals from its table."""
    old = open(path).read().split("\n")
    # ---- the peers' sections (inserted in PEER_ORDER where missing)
    for peer in peers:
        head_new = next((k for k, l in enumerate(new) if l.startswith(f"## {peer} ")), None)
        if head_new is None:
            continue
        a, b = _section_bounds(new, head_new)
        sec = new[a:b]
        head_old = next((k for k, l in enumerate(old) if l.startswith(f"## {peer} ")), None)
        if head_old is not None:
            oa, ob = _section_bounds(old, head_old)
            old[oa:ob] = sec
        else:
            later = PEER_ORDER[PEER_ORDER.index(peer) + 1:]
            at = next((k for k, l in enumerate(old)
                       if any(l.startswith(f"## {q} ") for q in later)
                       or l == "## Octet results that differ from the script's model"), None)
            if at is None:
                while old and old[-1] == "":
                    old.pop()
                old += [""]
                at = len(old)
            old[at:at] = sec if sec[-1] == "" else sec + [""]
    # ---- Method
    if "## Method" in old and "## Method" in new:
        oa, ob = _section_bounds(old, old.index("## Method"))
        na, nb = _section_bounds(new, new.index("## Method"))
        old[oa:ob] = new[na:nb]
    # ---- summary rows
    sh = "| peer | version | decode codes (agree) |"
    ot, nt = _table_at(old, sh), _table_at(new, sh)
    peer_of = lambda r: r.split("|")[1].strip()  # noqa: E731
    rows = _replace_keyed(old[ot[0]:ot[1]], new[nt[0]:nt[1]], peer_of, peers, PEER_ORDER)
    old[ot[0]:ot[1]] = rows
    cells = [[x.strip() for x in r.split("|")[1:-1]] for r in rows]
    total = sum(int(c[3]) for c in cells)
    wrong = sum(int(c[8]) for c in cells)
    for k, l in enumerate(old):
        m = re.match(r"Octet against the script's model of Specs/formats\.md: \d+ conversions recomputed, "
                     r"\*\*(\d+) differ\*\*\.", l)
        n = next((x for x in new if x.startswith("Octet against the script's model")), None)
        if m and n:
            if int(m.group(1)):
                sys.exit("--splice: the report lists Octet results that differ from the model; rerun it in full")
            differ = re.search(r"\*\*(\d+) differ", n).group(1)
            old[k] = (f"Octet against the script's model of Specs/formats.md: {total} conversions recomputed, "
                      f"**{differ} differ**.")
        if l.startswith("Disagreements where Octet's code differs from the written rules:"):
            old[k] = (f"Disagreements where Octet's code differs from the written rules: **{wrong}**." +
                      (" Every disagreement is a peer bug, a legitimate alternative policy, or a refusal."
                       if wrong == 0 else ""))
    # ---- the profiles table, the totals and the mismatch classes
    prof_of = lambda r: r.split("|")[1].strip().strip("`")  # noqa: E731
    ph = "| profile | peer entry point | format |"
    ot, nt = _table_at(old, ph), _table_at(new, ph)
    if ot and nt:
        old[ot[0]:ot[1]] = _replace_keyed(old[ot[0]:ot[1]], new[nt[0]:nt[1]], prof_of,
                                          [p for p in profiles if p != "cuda"], PROFILE_ORDER)
    th = "| profile | cases | agree | rate | mismatches:"
    ot, nt = _table_at(old, th), _table_at(new, th)
    old[ot[0]:ot[1]] = _replace_keyed(old[ot[0]:ot[1]], new[nt[0]:nt[1]], prof_of, profiles, PROFILE_ORDER)
    bullet = lambda l: l.startswith("- **`")  # noqa: E731
    bprof = lambda l: l[len("- **`"):].split("`")[0]  # noqa: E731
    mh = "### Profile mismatch classes"
    nb = []
    if mh in new:
        k = new.index(mh) + 2
        while k < len(new) and bullet(new[k]):
            nb.append(new[k])
            k += 1
    if mh in old:
        a = old.index(mh) + 2
        b = a
        while b < len(old) and bullet(old[b]):
            b += 1
        old[a:b] = _replace_keyed(old[a:b], nb, bprof, [p for p in profiles if p != "cuda"], PROFILE_ORDER)
    elif nb:
        ot = _table_at(old, th)
        old[ot[1]:ot[1]] = ["", mh, ""] + nb
    with open(path, "w") as f:
        f.write("\n".join(old))


PROFILE_NOTES = {
    "onnx-int-trunc": "The `onnx` profile follows the ONNX documentation and onnx.subbyte (RNE).",
    "int-trunc": "The `ml_dtypes` profile truncates and wraps like ml_dtypes; the `onnx` profile follows the "
                 "ONNX specification's INT4 rule (RNE, saturating, Specs/formats.md §4.6), as onnx.subbyte does, "
                 "not the ml_dtypes cast its reference evaluator inherits.",
    "int-wrap": "The `ml_dtypes` profile wraps. For ONNX, Cast from floating point to an integer out of range is undefined (the Cast documentation); the `onnx` profile saturates, as onnx.subbyte does.",
    "int-ub": "The `ml_dtypes` profile gives 0 (x86-64); ONNX leaves out-of-range casts undefined and the `onnx` profile saturates, as onnx.subbyte does.",
    "e8m0-up-mask": "A bug in onnx 1.19 (PR #7784); the profile models the intended round-up.",
    "e8m0-f32-subnormal": "A bug in the ONNX helper; the profile rounds the exact value up.",
    "nan-code-gfloat": "gfloat's single NaN code; the `ocp` profile keeps the sign (§4.1).",
    "nan-code-e5m2-7f": "ONNX disagrees with itself here: the deprecated helper gives 0x7F | sign, the reference "
                        "evaluator's Cast (ml_dtypes) gives 0x7E | sign; the `onnx` profile follows the evaluator.",
    "nan-fp4-max": "ONNX disagrees with itself here: the helper follows float4.md (NaN → +6), the reference "
                   "evaluator's Cast (ml_dtypes) gives ∓0; the `onnx` profile follows the evaluator.",
    "e5m2-or-7c": "A bug in the deprecated helper; the evaluator and the profile give Inf.",
    "e4m3-480": "A bug in the deprecated helper; the evaluator and the profile give NaN.",
    "e8m0-mld-low": "A bug in ml_dtypes 0.6.0 that the `ml_dtypes` profile does not model.",
    "e8m0-torch-low": "A bug in PyTorch's c10 conversion that the `torch` profile does not model.",
    "e8m0-torch-abs": "The `torch` profile models it (|x|, 0 → 2^-127).",
    "p3109-v3-finite": "gfloat predates report v4.0; with sat=False it reproduces Octet's nonsaturate, and "
                       "with sat=True Octet's saturate.",
    "e8m0-zero-nan-sat": "The `ocp` profile gives 2^-127 (saturating); gfloat gives NaN.",
    "e8m0-underflow-nan": "A gfloat bug (#62); the profile gives 2^-127.",
    "refuse-unsigned-neg": "A gfloat limitation; the `p3109` profile gives NaN (SatNone) as v4.0 specifies.",
    "unsigned-neg": "A gfloat bug; the `p3109` profile follows v4.0.",
    "unsigned-neg-inf": "A gfloat bug; the `p3109` profile follows v4.0.",
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--octet", default=os.environ.get("OCTET", os.path.join(ROOT, ".build", "release", "octet")),
                    help="path to the octet executable (default: .build/release/octet, or $OCTET)")
    ap.add_argument("--budget", type=int, default=1000, help="octet gen --budget (default 1000)")
    ap.add_argument("--seed", type=int, default=1, help="octet gen --seed and the stochastic R draws (default 1)")
    ap.add_argument("--out", default=os.path.join(ROOT, "Specs", "peers.md"), help="report path")
    ap.add_argument("--venv", default=DEFAULT_VENV, help=f"virtualenv to create/use (default {DEFAULT_VENV})")
    ap.add_argument("--no-venv", action="store_true", help="use the current interpreter's packages")
    ap.add_argument("--peers", default="ml_dtypes,gfloat,onnx",
                    help="comma-separated subset to run; add torch for PyTorch (a multi-GB install)")
    ap.add_argument("--torch-path", default="",
                    help="a folder holding an installed torch (pip install --target DIR torch), used instead "
                         "of installing it into the virtualenv")
    ap.add_argument("--no-judge-all", action="store_true",
                    help="judge only disagreements (default: recompute every Octet result with the model)")
    ap.add_argument("--dump", default="", help="print every disagreement of these class keys (comma-separated)")
    ap.add_argument("--cuda-path", default=DEFAULT_CUDA_PATH,
                    help="cuda: folder of `pip install --no-deps --target DIR` of the CUDA 12.9 header wheels "
                         f"(installed there when missing; default {DEFAULT_CUDA_PATH})")
    ap.add_argument("--cuda-sweep-all", default="",
                    help="cuda: a file holding the output of `cuda_host sweep f32 all` (all 2^32 binary32 "
                         "patterns, about 30 min on one core) to include in the report")
    ap.add_argument("--splice", action="store_true",
                    help="replace only what the peers of --peers produce in the existing --out file: their "
                         "sections, their summary rows, the rows, totals and mismatch classes of their profiles, "
                         "the Method section and the summary totals; every other line is left as it is (e.g. "
                         "--peers gfloat,onnx --splice keeps the torch and cuda sections)")
    args = ap.parse_args()
    bootstrap(args)
    warnings.simplefilter("ignore")
    if args.torch_path:
        sys.path.append(os.path.abspath(args.torch_path))

    import importlib.metadata as md
    octet_path = os.path.abspath(args.octet)
    if not os.access(octet_path, os.X_OK):
        sys.exit(f"octet not found at {octet_path}: build it (swift build -c release --product octet) "
                 "or pass --octet")
    versions = collections.OrderedDict()
    versions["python"] = platform.python_version()
    for p in ("numpy", "ml_dtypes", "gfloat", "onnx", "protobuf", "torch"):
        try:
            versions[p] = md.version(p)
        except md.PackageNotFoundError:
            versions[p] = "not installed"
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        versions["Octet"] = f"git {rev}{' + uncommitted changes' if dirty else ''}"
    except OSError:
        versions["Octet"] = "?"

    t0 = time.time()
    ctx = Context(Octet(octet_path), args.budget, args.seed)
    comps, decodes = [], []
    wanted = set(args.peers.split(","))
    unknown = wanted - set(PEER_ORDER)
    if unknown:
        sys.exit(f"unknown peers: {', '.join(sorted(unknown))} (known: {', '.join(PEER_ORDER)})")
    if args.splice and not os.path.exists(args.out):
        sys.exit(f"--splice needs an existing report at {args.out}")
    if "cuda" in wanted:
        cuda_setup(args.cuda_path)
        CUDA_INFO["octet"] = versions["Octet"]
        if args.cuda_sweep_all:
            CUDA_INFO["sweep_all"] = args.cuda_sweep_all
        rt = next((w.split("-", 1)[1] for w in CUDA_INFO["wheels"] if w.startswith("nvidia_cuda_runtime")), "12.9")
        versions["cuda"] = f"{rt} (host code)"
        versions["cuda headers"] = ", ".join(CUDA_INFO["wheels"]) + f" (CUDART_VERSION {CUDA_INFO['cudart']})"
        versions["cuda host compiler"] = CUDA_INFO["cxx"]
    for name, fn in (("ml_dtypes", run_mldtypes), ("gfloat", run_gfloat), ("onnx", run_onnx), ("torch", run_torch),
                     ("cuda", run_cuda)):
        if name not in wanted:
            continue
        t = time.time()
        c, d = fn(ctx)
        comps += c
        decodes += d
        print(f"[peers] {name}: {len(c)} comparisons, {sum(len(x.inputs) for x in c)} cases "
              f"({time.time() - t:.1f} s)", file=sys.stderr)
    t = time.time()
    dis, checked, failures = evaluate(ctx, comps, not args.no_judge_all)
    named = [c for c in comps if c.named]
    comps = [c for c in comps if not c.named]
    all_dis = dis
    dis = [d for d in dis if not d.comp.named]
    print(f"[peers] octet: {ctx.octet.calls} encode runs, {ctx.octet.values} values ({time.time() - t:.1f} s)",
          file=sys.stderr)
    rows = decode_checks(ctx, decodes)
    argv = [a for a in sys.argv[1:]]
    if args.splice:
        note = (f"Spliced into the report on {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} "
                f"by `python3 Scripts/peers/peers.py {' '.join(argv)}` (Octet {versions['Octet']}); the other "
                f"peers' sections are from the run named at the top.")
        lines = report_lines(ctx, versions, comps, dis, rows, (checked, failures), time.time() - t0, argv,
                             named=named, note=note)
        splice_report(args.out, lines, [p for p in PEER_ORDER if p in wanted],
                      [p for p in PROFILE_ORDER if any(c.profile == p for c in comps)])
    else:
        lines = report_lines(ctx, versions, comps, dis, rows, (checked, failures), time.time() - t0, argv,
                             named=named)
        with open(args.out, "w") as f:
            f.write("\n".join(lines))
    # console summary
    by = collections.Counter((d.comp.peer, "named" if d.comp.named else d.against, d.key) for d in all_dis)
    for (peer, against, key), n in sorted(by.items()):
        print(f"  {peer:9s} {against:9s} {n:6d}  {CLASS_INFO[key][1]:32s} {CLASS_INFO[key][0]}", file=sys.stderr)
    for d in all_dis:
        if args.dump and d.key in args.dump.split(","):
            m = ctx.models[d.comp.fmt]
            print(f"  DUMP {d.key} {d.against} {d.comp.peer} {d.comp.entry} [{d.comp.mode}] {d.comp.fmt} "
                  f"{d.inp.hex()} = {exact_text(d.inp.value)}: peer {md_code(m, d.peer_code)} octet "
                  f"{md_code(m, d.octet_code)}", file=sys.stderr)
    if failures:
        print(f"[peers] {len(failures)} Octet results differ from the model of Specs/formats.md", file=sys.stderr)
    print(f"[peers] wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()

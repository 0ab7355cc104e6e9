#!/usr/bin/env python3
"""Read Octet's golden vectors (Specs/vectors.md) without Octet, and check them independently.

    python3 Examples/python/read_vectors.py [VECTORS_DIR]

Reads the header and cases of a few files of the curated set and checks them with this file's own
decoder and encoder, written from the format definitions (Specs/formats.md) with exact rational
arithmetic (fractions.Fraction): the float8_e4m3fn and float8_e5m2 decode tables, their binary32
conversions under rne/saturate, every float8_e4m3fn product, and the exact dot products rounded
once to binary32. It also checks each file's SHA-256 against MANIFEST. Exit status 0 when
everything agrees.

The standard library is enough; numpy, when installed, decodes the binary32 inputs in one call.
"""
import hashlib
import os
import struct
import sys
from fractions import Fraction

try:
    import numpy as np
except ImportError:  # the standard library does the same, one value at a time
    np = None


# ---------------------------------------------------------------------------------------------
# Reading a vector file


def read_vectors(path):
    """Returns (header dict, list of (line number, fields)) of a vector file."""
    header, cases = {}, []
    in_header = True
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            text = line.strip(" \t\r\n")
            if not text:
                continue
            if text.startswith("#"):
                body = text[1:].strip()
                if body.startswith("octet-vectors"):
                    if body.split()[1:] != ["1"]:
                        raise ValueError(f"{path}:{number}: unsupported version: {body}")
                    continue
                if in_header and ":" in body:
                    key, value = body.split(":", 1)
                    header.setdefault(key.strip(), value.strip())
                continue
            in_header = False
            cases.append((number, text.split()))
    return header, cases


# ---------------------------------------------------------------------------------------------
# Formats: (exponent bits, mantissa bits, bias, specials), as in Specs/formats.md section 2


FORMATS = {
    "float8_e4m3fn": (4, 3, 7, "fn"),      # no Inf; NaN is S.1111.111
    "float8_e5m2": (5, 2, 15, "ieee"),     # IEEE-like: Inf and NaNs at exponent 11111
    "binary32": (8, 23, 127, "ieee"),
}

def is_nan(v):
    return isinstance(v, tuple) and v[0] == "nan"


def decode(fmt, code):
    """The exact value of a code: a Fraction, or ('zero' | 'inf' | 'nan', negative)."""
    e_bits, m_bits, bias, specials = FORMATS[fmt]
    sign = code >> (e_bits + m_bits) & 1
    e = code >> m_bits & ((1 << e_bits) - 1)
    m = code & ((1 << m_bits) - 1)
    top = (1 << e_bits) - 1
    if specials == "fn" and e == top and m == (1 << m_bits) - 1:
        return ("nan", sign == 1)
    if specials == "ieee" and e == top:
        return ("inf" if m == 0 else "nan", sign == 1)
    if e == 0:
        magnitude = Fraction(m, 1 << m_bits) * Fraction(2) ** (1 - bias)
    else:
        magnitude = (1 + Fraction(m, 1 << m_bits)) * Fraction(2) ** (e - bias)
    if magnitude == 0:
        return ("zero", sign == 1)
    return -magnitude if sign else magnitude


def spell(value):
    """The value column of a decode table: a terminating decimal, 0, -0, inf, -inf or nan."""
    if is_nan(value):
        return "nan"                 # whatever the sign
    if isinstance(value, tuple):
        kind, negative = value
        return ("-" if negative else "") + ("0" if kind == "zero" else "inf")
    sign = "-" if value < 0 else ""
    value = abs(value)
    # value = n / 2^k: n * 5^k / 10^k is a terminating decimal
    k = value.denominator.bit_length() - 1
    digits = str(value.numerator * 5 ** k).rjust(k + 1, "0")
    whole, frac = digits[: len(digits) - k], digits[len(digits) - k :].rstrip("0")
    return sign + whole + ("." + frac if frac else "")


def max_finite(fmt):
    e_bits, m_bits, bias, specials = FORMATS[fmt]
    top = (1 << e_bits) - 1
    if specials == "fn":
        return (2 - Fraction(2, 1 << m_bits)) * Fraction(2) ** (top - bias)
    return (2 - Fraction(1, 1 << m_bits)) * Fraction(2) ** (top - 1 - bias)


def floor_log2(x):
    """floor(log2(x)) of a positive Fraction."""
    e = x.numerator.bit_length() - x.denominator.bit_length()
    return e if Fraction(2) ** e <= x else e - 1


def encode(fmt, x, overflow="saturate"):
    """Round an exact value into fmt with round-to-nearest-even: (code, inexact).
    overflow: 'saturate' (to +-max) or 'ovfinf' (to +-Inf where the format has it)."""
    e_bits, m_bits, bias, specials = FORMATS[fmt]
    sign_bit = 1 << (e_bits + m_bits)
    top = (1 << e_bits) - 1
    quiet_nan = top << m_bits | (1 << m_bits) - 1 if specials == "fn" else top << m_bits | 1 << (m_bits - 1)
    if isinstance(x, tuple):
        kind, negative = x
        sign = sign_bit if negative else 0
        if kind == "nan":
            return sign | quiet_nan, False           # NaN keeps its sign (Specs/formats.md 4.1)
        if kind == "zero":
            return sign, False
        x = -max_finite(fmt) - 1 if negative else max_finite(fmt) + 1   # Inf: beyond every value
    sign = sign_bit if x < 0 else 0
    a = abs(x)
    emin = 1 - bias
    q = Fraction(2) ** (max(floor_log2(a), emin) - m_bits)   # the quantum at a
    v = round(a / q) * q                                   # Fraction rounds half to even
    if v > max_finite(fmt):
        if overflow == "ovfinf" and specials == "ieee":
            return sign | top << m_bits, True
        v = max_finite(fmt)
    if v == 0:
        return sign, a != 0
    if v < Fraction(2) ** emin:
        return sign | int(v / Fraction(2) ** (emin - m_bits)), v != a
    e = floor_log2(v)
    m = int(v / Fraction(2) ** (e - m_bits)) - (1 << m_bits)
    return sign | (e + bias) << m_bits | m, v != a


def binary32_values(hex_strings):
    """Exact values of binary32 bit patterns given in hex."""
    bits = [int(h, 16) for h in hex_strings]
    if np is not None:
        with np.errstate(invalid="ignore"):
            floats = np.array(bits, dtype=np.uint32).view(np.float32).astype(np.float64).tolist()
    else:
        floats = [struct.unpack("<f", struct.pack("<I", b))[0] for b in bits]
    out = []
    for b, f in zip(bits, floats):
        if f != f:
            out.append(("nan", b >> 31 == 1))
        elif f in (float("inf"), float("-inf")):
            out.append(("inf", f < 0))
        elif f == 0:
            out.append(("zero", b >> 31 == 1))
        else:
            out.append(Fraction(f))                      # a binary32 value is exact as a double
    return out


# ---------------------------------------------------------------------------------------------
# Checks


class Checker:
    def __init__(self, root):
        self.root = root
        self.failures = 0
        self.cases = 0

    def fail(self, path, number, message):
        self.failures += 1
        if self.failures <= 20:
            print(f"{path}:{number}: {message}")

    def decode_table(self, fmt):
        path = f"decode/{fmt}.txt"
        header, cases = read_vectors(os.path.join(self.root, path))
        assert header["operation"] == "decode" and header["format"] == fmt, header
        assert len(cases) == 256
        for number, (code, value) in cases:
            mine = spell(decode(fmt, int(code, 16)))
            if mine != value:
                self.fail(path, number, f"{code} is {mine}, the file says {value}")
        self.cases += len(cases)

    def conversions(self, fmt):
        path = f"convert/{fmt}/rne-saturate.txt"
        header, cases = read_vectors(os.path.join(self.root, path))
        assert (header["operation"], header["input"], header["output"], header["rounding"], header["overflow"]) == (
            "convert", "binary32", fmt, "rne", "saturate"), header
        values = binary32_values([fields[0] for _, fields in cases])
        for (number, (inp, result, flags)), x in zip(cases, values):
            code, inexact = encode(fmt, x)
            if code != int(result, 16):
                self.fail(path, number, f"{inp} -> {code:02X}, the file says {result}")
            if isinstance(x, Fraction) and abs(x) <= max_finite(fmt) and inexact != (flags[3] == "x"):
                self.fail(path, number, f"{inp}: inexact is {inexact}, the file says {flags}")
        self.cases += len(cases)

    def products(self, fmt):
        path = f"mul/{fmt}-rne-saturate.txt"
        header, cases = read_vectors(os.path.join(self.root, path))
        assert header["operation"] == "mul" and header["a"] == header["b"] == header["output"] == fmt
        for number, (a, b, result, _flags) in cases:
            x, y = decode(fmt, int(a, 16)), decode(fmt, int(b, 16))
            if is_nan(x) or is_nan(y):
                p = ("nan", False)          # a NaN product has no sign: it encodes as +NaN
            elif isinstance(x, tuple) or isinstance(y, tuple):
                # a zero factor (e4m3fn has no Inf): the sign of the zero is the XOR of the signs
                neg = lambda v: v[1] if isinstance(v, tuple) else v < 0
                p = ("zero", neg(x) != neg(y))
            else:
                p = x * y
            code, _ = encode(fmt, p)
            if code != int(result, 16):
                self.fail(path, number, f"{a} x {b} -> {code:02X}, the file says {result}")
        self.cases += len(cases)

    def exact_dots(self, fmt):
        path = f"dot/{fmt}-exact.txt"
        header, cases = read_vectors(os.path.join(self.root, path))
        assert header["accumulator"] == "exact" and header["output"] == "binary32"
        for number, (xs, ys, result, _flags) in cases:
            a = [decode(fmt, int(c, 16)) for c in xs.split(",")]
            b = [decode(fmt, int(c, 16)) for c in ys.split(",")]
            if any(is_nan(v) for v in a + b):
                expected = 0x7FC00000
            else:
                def value(v):
                    return 0 if isinstance(v, tuple) else v
                def negative(v):
                    return v[1] if isinstance(v, tuple) else v < 0
                total = sum(value(x) * value(y) for x, y in zip(a, b))
                if total == 0:
                    # an exact zero is -0 only when every term is -0 (Specs/accumulation.md section 1)
                    all_negative_zero = all(value(x) * value(y) == 0 and negative(x) != negative(y) for x, y in zip(a, b))
                    expected = 0x80000000 if all_negative_zero else 0
                else:
                    expected, _ = encode("binary32", total, overflow="ovfinf")
            if expected != int(result, 16):
                self.fail(path, number, f"dot of {len(a)} pairs -> {expected:08X}, the file says {result}")
        self.cases += len(cases)

    def manifest(self, paths):
        listed = {}
        with open(os.path.join(self.root, "MANIFEST"), encoding="utf-8") as f:
            for line in f:
                if not line.startswith("#"):
                    sha, count, path = line.split()
                    listed[path] = (sha, int(count))
        for path in paths:
            with open(os.path.join(self.root, path), "rb") as f:
                data = f.read()
            sha, count = listed[path]
            if hashlib.sha256(data).hexdigest() != sha:
                self.fail("MANIFEST", 0, f"{path}: SHA-256 differs")
            if count != len(read_vectors(os.path.join(self.root, path))[1]):
                self.fail("MANIFEST", 0, f"{path}: case count differs")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "Vectors")
    c = Checker(root)
    for fmt in ("float8_e4m3fn", "float8_e5m2"):
        c.decode_table(fmt)
        c.conversions(fmt)
    c.products("float8_e4m3fn")
    c.exact_dots("float8_e4m3fn")
    c.manifest(["decode/float8_e4m3fn.txt", "decode/float8_e5m2.txt", "convert/float8_e4m3fn/rne-saturate.txt",
                "convert/float8_e5m2/rne-saturate.txt", "mul/float8_e4m3fn-rne-saturate.txt", "dot/float8_e4m3fn-exact.txt"])
    print(f"{c.cases} cases checked{' with numpy' if np is not None else ''}, {c.failures} disagreement(s)")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())

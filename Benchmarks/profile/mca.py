#!/usr/bin/env python3
"""Static schedule of the FP8 dot kernels' inner loops (Benchmarks/README.md, Profile).

Compiles Sources/COctetKernels/fp8dot.c with the toolchain's clang, cuts out the innermost loop
that holds vcvtph2ps in dot_f32_avx2 and in sum_split_fast, and runs llvm-mca for Zen 3 on each:

    python3 Benchmarks/profile/mca.py [--mca /usr/lib/llvm-14/bin/llvm-mca]
"""
import argparse, os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRC = os.path.join(ROOT, "Sources", "COctetKernels")


def inner_loops(asm, func):
    """Bodies of the loops in func whose back edge jumps to a label above it."""
    lines = asm.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith(func + ":"))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(".Lfunc_end"))
    labels = {m.group(1): i for i in range(start, end) if (m := re.match(r"^(\.LBB\S+):", lines[i]))}
    for i in range(start, end):
        m = re.match(r"\s+j\w+\s+(\.LBB\S+)\s*$", lines[i])
        if m and m.group(1) in labels and labels[m.group(1)] < i:
            body = [l for l in lines[labels[m.group(1)] + 1:i + 1]
                    if l.strip() and not l.strip().startswith((".", "#")) and not re.match(r"^\.LBB", l)]
            yield body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mca", default="/usr/lib/llvm-14/bin/llvm-mca")
    ap.add_argument("--cc", default="clang")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        asm_path = os.path.join(d, "fp8dot.s")
        subprocess.run([args.cc, "-O2", "-S", "-I", os.path.join(SRC, "include"), "-I", SRC,
                        os.path.join(SRC, "fp8dot.c"), "-o", asm_path], check=True)
        asm = open(asm_path).read()
        for func in ("dot_f32_avx2", "sum_split_fast"):
            loops = [b for b in inner_loops(asm, func) if any("vcvtph2ps" in x for x in b)]
            body = min(loops, key=len)   # the innermost: the shortest loop that decodes
            path = os.path.join(d, func + ".s")
            open(path, "w").write("\n".join(body) + "\n")
            out = subprocess.run([args.mca, "-mcpu=znver3", "-iterations=500", path],
                                 capture_output=True, text=True, check=True).stdout
            cycles = int(re.search(r"Total Cycles:\s+(\d+)", out).group(1)) / 500
            rt = re.search(r"Block RThroughput:\s+(\S+)", out).group(1)
            count = lambda k: sum(k in x for x in body)
            print(f"{func}: {len(body)} instructions per 32 products ({count('vcvtph2ps')} vcvtph2ps, "
                  f"{count('vfm')} fused multiply-adds); mca {cycles:.1f} cycles per iteration "
                  f"(resource bound {rt})")


if __name__ == "__main__":
    sys.exit(main())

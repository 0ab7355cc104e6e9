#!/bin/sh
# The cost of isolation: `octet check` on the example kernel (default budget, 400,000 cases) with
# the kernel in a worker process on guarded buffers, against the same check with --in-process,
# alternating in one run of this script. Optionally a third binary (OLD=path/to/octet, e.g. a
# build of the commit before the worker existed) is timed the same way.
#   Benchmarks/check-overhead.sh [path/to/octet] [runs]
set -eu
OCTET=${1:-.build/release/octet}
RUNS=${2:-5}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
cc -O2 -shared -fPIC -I Sources/COctetKernels/include -o "$DIR/libe4m3.so" Examples/c-kernel/e4m3fn_convert.c
ARGS="check --kernel $DIR/libe4m3.so --symbol e4m3fn_convert --op convert --to float8_e4m3fn"
now() { date +%s.%N; }
i=0
while [ "$i" -lt "$RUNS" ]; do
    t0=$(now); "$OCTET" $ARGS --in-process > /dev/null; t1=$(now)
    "$OCTET" $ARGS > /dev/null; t2=$(now)
    line=$(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "in-process %.3f s  isolated %.3f s  ratio %.3f", b - a, c - b, (c - b) / (b - a) }')
    if [ -n "${OLD:-}" ]; then
        t3=$(now); "$OLD" $ARGS > /dev/null; t4=$(now)
        line="$line$(awk -v a="$t1" -v b="$t2" -v c="$t3" -v d="$t4" 'BEGIN { printf "  old %.3f s  isolated/old %.3f", d - c, (b - a) / (d - c) }')"
    fi
    echo "$line"
    i=$((i + 1))
done

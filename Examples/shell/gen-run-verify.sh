#!/usr/bin/env bash
# The TestFloat pipe, end to end, on the example kernel:
#
#   octet gen --op convert --to float8_e4m3fn | ./apply | octet verify
#
# `octet gen` prints a vector header (Specs/vectors.md) and one binary32 operand per line (hex).
# `apply` is a tiny C program around Examples/c-kernel/e4m3fn_convert.c: it copies the header,
# runs the kernel on each operand and appends the result code to the line. `octet verify`
# recomputes every result with the reference and reports each mismatch with its line number,
# then `N passed, M failed`. The script exits with verify's status: 0 when every case passed.
#
# Usage: Examples/shell/gen-run-verify.sh [--plant-tie-bug] [--budget N] [--seed S]
#   --plant-tie-bug  build the kernel with -DPLANT_TIE_BUG (ties away from zero): verify fails
#   --die-after N    the program is killed (SIGKILL) after answering N cases: verify fails with
#                    `truncated: N of M cases`, since the header counts the cases
# Environment: OCTET  the octet executable (default: built here with `swift build`)
#              CC     the C compiler (default: cc)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
plant=()
die=()
gen_options=()
while [ $# -gt 0 ]; do
    case "$1" in
        --plant-tie-bug) plant=(-DPLANT_TIE_BUG) ;;
        --budget|--seed) gen_options+=("$1" "$2"); shift ;;
        --die-after) die=(-DDIE_AFTER="$2"); shift ;;
        *) echo "usage: $0 [--plant-tie-bug] [--die-after N] [--budget N] [--seed S]" >&2; exit 2 ;;
    esac
    shift
done

if [ -z "${OCTET:-}" ]; then
    swift build --package-path "$root" --product octet >&2
    OCTET="$(swift build --package-path "$root" --show-bin-path)/octet"
fi
CC=${CC:-cc}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The program under test: header and comment lines pass through; every other line is one
# binary32 operand in hex, and gets the kernel's result appended as two hex digits.
cat > "$work/apply.c" <<'C'
#include "octet_kernel.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>

octet_convert_f32_fn e4m3fn_convert;

int main(void) {
    char line[4096];
    long answered = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == '#' || line[0] == 0) { puts(line); continue; }
        uint32_t bits = (uint32_t)strtoul(line, NULL, 16);
        float x;
        memcpy(&x, &bits, sizeof x);
        uint8_t code;
        e4m3fn_convert(&x, &code, 1);
        printf("%s %02X\n", line, code);
#ifdef DIE_AFTER
        if (++answered == DIE_AFTER) { fflush(stdout); raise(SIGKILL); }
#endif
        (void)answered;
    }
    return 0;
}
C
"$CC" -O2 "${plant[@]}" "${die[@]}" -I "$root/Sources/COctetKernels/include" -o "$work/apply" \
    "$work/apply.c" "$root/Examples/c-kernel/e4m3fn_convert.c"

"$OCTET" gen --op convert --to float8_e4m3fn --rounding rne --overflow saturate "${gen_options[@]}" \
    | "$work/apply" \
    | "$OCTET" verify --max-errors 10

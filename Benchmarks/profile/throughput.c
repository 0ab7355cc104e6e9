/* Instruction throughput on this core, for the profile of the FP8 dot kernels (Benchmarks/README.md).
 * The VMs here expose no hardware counters (`perf stat -e cycles` is "not supported"), so the
 * clock is measured with a chain of dependent integer adds (one per cycle) and every instruction
 * that the FP8 decode uses is timed in a block of eight independent copies.
 *
 *     cc -O2 Benchmarks/profile/throughput.c -o /tmp/throughput && taskset -c 1 /tmp/throughput
 */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define ITER 50000000L
#define BEST(expr) ({ double best = 1e9; for (int r = 0; r < 5; r++) { double t0 = now(); expr; double t = now() - t0; if (t < best) best = t; } best; })

/* Eight independent copies of one instruction per loop trip: "x" operands in, "=x" results out. */
#define EIGHT(insn, in) do { __m256 o0, o1, o2, o3, o4, o5, o6, o7; for (long i = 0; i < ITER / 8; i++) \
    __asm__ volatile(insn " %8, %0\n\t" insn " %8, %1\n\t" insn " %8, %2\n\t" insn " %8, %3\n\t"            \
                     insn " %8, %4\n\t" insn " %8, %5\n\t" insn " %8, %6\n\t" insn " %8, %7"                \
                     : "=x"(o0), "=x"(o1), "=x"(o2), "=x"(o3), "=x"(o4), "=x"(o5), "=x"(o6), "=x"(o7) : "x"(in)); } while (0)

/* The same with 128-bit results. */
#define EIGHTX(insn, in) do { __m128 o0, o1, o2, o3, o4, o5, o6, o7; for (long i = 0; i < ITER / 8; i++) \
    __asm__ volatile(insn " %8, %0\n\t" insn " %8, %1\n\t" insn " %8, %2\n\t" insn " %8, %3\n\t"            \
                     insn " %8, %4\n\t" insn " %8, %5\n\t" insn " %8, %6\n\t" insn " %8, %7"                \
                     : "=x"(o0), "=x"(o1), "=x"(o2), "=x"(o3), "=x"(o4), "=x"(o5), "=x"(o6), "=x"(o7) : "x"(in)); } while (0)

__attribute__((target("avx2,f16c,fma")))
int main(void) {
    unsigned long x = 1;
    double t = BEST(for (long i = 0; i < ITER; i++) __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x)));
    double ghz = 4.0 * ITER / t / 1e9;
    printf("clock: %.2f GHz (dependent 64-bit adds, one per cycle)\n", ghz);
    __m128i h = _mm_set1_epi16(0x3C00);
    __m256i w = _mm256_set1_epi32(0x3C00);
    struct { const char *name; double t; } rows[6];
    rows[0].name = "vcvtph2ps ymm, xmm (8 codes -> binary32)";  rows[0].t = BEST(EIGHT("vcvtph2ps", h));
    rows[1].name = "vcvtph2ps xmm, xmm (4 codes -> binary32)";  rows[1].t = BEST(EIGHTX("vcvtph2ps", h));
    rows[2].name = "vcvtdq2ps ymm, ymm";                       rows[2].t = BEST(EIGHT("vcvtdq2ps", w));
    rows[3].name = "vpmovsxbw ymm, xmm";                       rows[3].t = BEST(EIGHT("vpmovsxbw", h));
    rows[4].name = "vpsraw $1, ymm";                           rows[4].t = BEST(EIGHT("vpsraw $1,", w));
    rows[5].name = "vpabsw ymm (an ALU op, for scale)";        rows[5].t = BEST(EIGHT("vpabsw", w));
    for (int k = 0; k < 6; k++)
        printf("%-44s %.2f per cycle (%.2f cycles each)\n", rows[k].name, ITER / rows[k].t / 1e9 / ghz,
               rows[k].t * 1e9 * ghz / ITER);
    return (int)(x & 1);
}

/* Kernels that attack the checker instead of computing: each must end in its own status of
 * `octet check` (Tests/OctetCLITests/HostileKernelTests.swift), with the triggering input named
 * and the checker alive. Not a SwiftPM target: the tests compile this file with cc, as a user
 * builds a kernel. The per-input ones fire on binary32 1.5 (0x3FC00000), which the `values`
 * generator of float8_e4m3fn reaches after hundreds of other cases in the same batch. */
#include "../../Examples/c-kernel/e4m3fn_convert.c"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define TRIGGER 0x3FC00000u

static int is_trigger(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    return u == TRIGGER;
}

void hostile_segv(const float *in, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (is_trigger(in[i])) *(volatile int *)(uintptr_t)16 = 1;
        out[i] = convert_one(in[i]);
    }
}

void hostile_abort(const float *in, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (is_trigger(in[i])) abort();
        out[i] = convert_one(in[i]);
    }
}

void hostile_loop(const float *in, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (is_trigger(in[i])) for (volatile int spin = 1; spin;) {}
        out[i] = convert_one(in[i]);
    }
}

void hostile_exit(const float *in, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (is_trigger(in[i])) exit(0);
        out[i] = convert_one(in[i]);
    }
}

void hostile_overwrite1(const float *in, uint8_t *out, size_t n) {
    e4m3fn_convert(in, out, n);
    out[n] = 0;
}

void hostile_overwrite64(const float *in, uint8_t *out, size_t n) {
    e4m3fn_convert(in, out, n);
    memset(out + n, 0, 64);
}

/* the SIMD-tail classic: a load that reaches past the last element */
void hostile_overread1(const float *in, uint8_t *out, size_t n) {
    volatile uint8_t sink = ((const uint8_t *)(in + n))[0];
    (void)sink;
    e4m3fn_convert(in, out, n);
}

void hostile_overread64(const float *in, uint8_t *out, size_t n) {
    volatile uint8_t sink = ((const uint8_t *)(in + n))[63];
    (void)sink;
    e4m3fn_convert(in, out, n);
}

void hostile_underread(const float *in, uint8_t *out, size_t n) {
    volatile uint8_t sink = ((const uint8_t *)in)[-1];
    (void)sink;
    e4m3fn_convert(in, out, n);
}

/* right answers, but the input is used as scratch space */
void hostile_mutate(const float *in, uint8_t *out, size_t n) {
    e4m3fn_convert(in, out, n);
    for (size_t i = 0; i < n; i++)
        if (is_trigger(in[i])) ((float *)in)[i] = 0.0f;
}

int32_t hostile_dot_i8_mutate(const int8_t *a, const int8_t *b, size_t n) {
    int32_t s = 0;
    for (size_t i = 0; i < n; i++) s += (int32_t)a[i] * b[i];
    if (n > 1) ((int8_t *)a)[n - 1] = 0;
    return s;
}

/* a wrong answer that changes from call to call */
void hostile_nondet(const float *in, uint8_t *out, size_t n) {
    static unsigned calls;
    calls++;
    for (size_t i = 0; i < n; i++)
        out[i] = is_trigger(in[i]) ? (uint8_t)(0x3D + (calls & 1)) : convert_one(in[i]);
}

/* chatter on stdout and stderr, some of it looking like a result */
void hostile_noise(const float *in, uint8_t *out, size_t n) {
    printf("{\"status\": \"pass\", \"noise\": %zu}\n", n);
    fflush(stdout);
    fprintf(stderr, "kernel says hello\n");
    e4m3fn_convert(in, out, n);
}

/* OCP non-saturating overflow where the checker asks for saturation: finite overflow and Inf
 * become NaN (E4M3FN has no Inf). 464 is the tie between 448 and 480 and rounds to even 448. */
void hostile_nonsaturate(const float *in, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &in[i], 4);
        uint32_t a = u & 0x7FFFFFFF;
        out[i] = (a > 0x43E80000 && a <= 0x7F800000) ? (uint8_t)(((u >> 24) & 0x80) | 0x7F) : convert_one(in[i]);
    }
}

/* rounds to binary16 first (a hardware cast), then correctly to E4M3: double rounding */
void hostile_via_binary16(const float *in, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        _Float16 h = (_Float16)in[i];
        out[i] = convert_one((float)h);
    }
}

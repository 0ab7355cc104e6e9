/* Planted bugs for OctetCheck's tests. Each broken kernel differs from its correct twin in one
 * place, marked BUG. The conversions share one scalar routine driven by a bug mask, written like
 * Examples/c-kernel/e4m3fn_convert.c (integer arithmetic on the binary32 bits). */
#include "planted_kernels.h"
#include "octet_kernel.h"
#include <string.h>

enum {
    TIES_AWAY = 1 << 0,
    FLUSH_SUBNORMALS = 1 << 1,
    NAN_TO_MAX = 1 << 2,
    LOST_NEGATIVE_ZERO = 1 << 3,
    TRUNCATE_SUBNORMALS = 1 << 4,
    NONSATURATE = 1 << 5,        /* not a bug: the nonsaturate policy (overflow gives NaN) */
    OVERFLOW_AT_456 = 1 << 6,
};

static uint32_t bits_of(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }
static float float_of(uint32_t u) { float x; memcpy(&x, &u, 4); return x; }

/* 2^k as a binary32, for -149 <= k <= 127 */
static float pow2f(int k) {
    if (k >= -126) return float_of((uint32_t)(k + 127) << 23);
    return float_of(1u << (k + 149));
}

/* binary32 -> float8_e4m3fn (bias 7, no Inf, NaN = S.1111.111), rne unless a bug says otherwise */
static uint8_t e4m3fn_one(float x, int bugs) {
    uint32_t u = bits_of(x);
    uint32_t sign = (u >> 24) & 0x80, a = u & 0x7FFFFFFF;
    if (a > 0x7F800000) return (uint8_t)(sign | ((bugs & NAN_TO_MAX) ? 0x7E : 0x7F));   /* BUG NAN_TO_MAX */
    if (bugs & NONSATURATE) {
        uint32_t limit = (bugs & OVERFLOW_AT_456) ? 0x43E40000 : 0x43E80000;             /* BUG OVERFLOW_AT_456 */
        if (a > limit) return (uint8_t)(sign | 0x7F);        /* beyond 464 (and Inf): NaN */
    } else if (a >= 0x43E80000) {
        return (uint8_t)(sign | 0x7E);                       /* >= 464 (and Inf): saturate to 448 */
    }
    int e = (int)(a >> 23) - 127;
    uint32_t sig = (a & 0x7FFFFF) | ((a >> 23) ? 0x800000 : 0);
    if ((a >> 23) == 0) e = -126;
    int subnormal = e < -6;
    if (subnormal && (bugs & FLUSH_SUBNORMALS)) return (uint8_t)sign;                    /* BUG FLUSH_SUBNORMALS */
    int q = (e > -6 ? e : -6) - 3;
    int shift = q - (e - 23);
    uint32_t code;
    if (shift > 31) {
        code = 0;
    } else {
        uint32_t t = sig >> shift, rem = sig & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (subnormal && (bugs & TRUNCATE_SUBNORMALS)) {
            /* BUG TRUNCATE_SUBNORMALS: no rounding at all */
        } else if (bugs & TIES_AWAY) {
            if (rem >= half) t++;                                                          /* BUG TIES_AWAY */
        } else {
            if (rem > half || (rem == half && (t & 1))) t++;
        }
        int ee = e > -6 ? e : -6;
        code = ((uint32_t)(ee + 6) << 3) + t;
        if (code > 0x7E) code = 0x7E;
    }
    if (code == 0 && (bugs & LOST_NEGATIVE_ZERO)) return 0;                              /* BUG LOST_NEGATIVE_ZERO */
    return (uint8_t)(sign | code);
}

/* binary32 -> binary16 -> binary32, rne (finite results only matter here: beyond 65520 the
 * binary16 value is Inf, which saturates to 448 all the same) */
static float through_binary16(float x) {
    uint32_t u = bits_of(x), a = u & 0x7FFFFFFF;
    if (a > 0x7F800000) return x;                                          /* NaN stays NaN */
    if (a >= 0x477FF000) return float_of((u & 0x80000000) | 0x7F800000);   /* >= 65520 and Inf */
    if (a == 0) return x;
    int e = (a >> 23) ? (int)(a >> 23) - 127 : -126;
    uint32_t sig = (a & 0x7FFFFF) | ((a >> 23) ? 0x800000 : 0);
    int q = (e > -14 ? e : -14) - 10;
    int shift = q - (e - 23);
    if (shift <= 0) return x;
    if (shift > 31) return float_of(u & 0x80000000);
    uint32_t t = sig >> shift, rem = sig & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (t & 1))) t++;
    float v = (float)t * pow2f(q);
    return (u & 0x80000000) ? -v : v;
}

static void convert_loop(const float *in, uint8_t *out, size_t n, int bugs) {
    for (size_t i = 0; i < n; i++) out[i] = e4m3fn_one(in[i], bugs);
}

void planted_convert_e4m3fn_correct(const float *in, uint8_t *out, size_t n) { convert_loop(in, out, n, 0); }
void planted_convert_e4m3fn_ties_away(const float *in, uint8_t *out, size_t n) { convert_loop(in, out, n, TIES_AWAY); }
void planted_convert_e4m3fn_flush_subnormals(const float *in, uint8_t *out, size_t n) { convert_loop(in, out, n, FLUSH_SUBNORMALS); }
void planted_convert_e4m3fn_nan_to_max(const float *in, uint8_t *out, size_t n) { convert_loop(in, out, n, NAN_TO_MAX); }
void planted_convert_e4m3fn_lost_negative_zero(const float *in, uint8_t *out, size_t n) { convert_loop(in, out, n, LOST_NEGATIVE_ZERO); }
void planted_convert_e4m3fn_truncate_subnormals(const float *in, uint8_t *out, size_t n) { convert_loop(in, out, n, TRUNCATE_SUBNORMALS); }
void planted_convert_e4m3fn_nonsat_correct(const float *in, uint8_t *out, size_t n) { convert_loop(in, out, n, NONSATURATE); }
void planted_convert_e4m3fn_nonsat_overflow_at_456(const float *in, uint8_t *out, size_t n) {
    convert_loop(in, out, n, NONSATURATE | OVERFLOW_AT_456);
}
void planted_convert_e4m3fn_via_binary16(const float *in, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = e4m3fn_one(through_binary16(in[i]), 0);           /* BUG: two roundings */
}

/* float8_e4m3fn code -> binary32 (exact) */
static float e4m3fn_value(uint8_t c) {
    int s = c >> 7, E = (c >> 3) & 15, M = c & 7;
    float v;
    if (E == 15 && M == 7) v = float_of(0x7FC00000);
    else if (E == 0) v = (float)M * pow2f(-9);
    else v = (float)(8 + M) * pow2f(E - 10);
    return s ? -v : v;
}

/* The product of two e4m3fn values is exact in binary32 (at most 8 significant bits, 2^-18 … 2^18).
 * A NaN product has no sign in the reference (Specs/accumulation.md §1): it encodes as +NaN. */
static void mul_loop(const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n, int bugs) {
    for (size_t i = 0; i < n; i++) {
        float p = e4m3fn_value(a[i]) * e4m3fn_value(b[i]);
        out[i] = p != p ? 0x7F : e4m3fn_one(p, bugs);
    }
}
void planted_mul_e4m3fn_correct(const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n) { mul_loop(a, b, out, n, 0); }
void planted_mul_e4m3fn_flush_subnormals(const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n) {
    mul_loop(a, b, out, n, FLUSH_SUBNORMALS);
}

/* fp32:sequential: acc = +0; acc = round(acc + a_i*b_i) (the products are exact) */
float planted_dot_e4m3fn_sequential(const uint8_t *a, const uint8_t *b, size_t n) {
    float acc = 0.0f;
    for (size_t i = 0; i < n; i++) {
        volatile float p = e4m3fn_value(a[i]) * e4m3fn_value(b[i]);
        acc = acc + p;
    }
    return acc;
}

/* fp32:lanes8: element i in lane i mod 8, each lane sequential from +0, then folded in halves */
float planted_dot_e4m3fn_lanes8(const uint8_t *a, const uint8_t *b, size_t n) {
    float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        volatile float p = e4m3fn_value(a[i]) * e4m3fn_value(b[i]);
        lane[i % 8] = lane[i % 8] + p;
    }
    for (int w = 4; w >= 1; w /= 2)
        for (int j = 0; j < w; j++) lane[j] = lane[j] + lane[j + w];
    return lane[0];
}

/* exact: every product is a multiple of 2^-18 below 2^18 and n <= 2^16 terms stay below 2^34,
 * so binary64 holds every partial sum exactly; the one rounding is the final (float). The zero
 * rule: an exactly zero sum is -0 only when every term is -0 (start from -0), empty is +0. */
float planted_dot_e4m3fn_exact(const uint8_t *a, const uint8_t *b, size_t n) {
    if (n == 0) return 0.0f;
    double acc = -0.0;
    for (size_t i = 0; i < n; i++) acc += (double)e4m3fn_value(a[i]) * (double)e4m3fn_value(b[i]);
    return (float)acc;
}

/* claims exact, accumulates in binary32 */
float planted_dot_e4m3fn_f32_as_exact(const uint8_t *a, const uint8_t *b, size_t n) {
    if (n == 0) return 0.0f;
    float acc = -0.0f;
    for (size_t i = 0; i < n; i++) {
        volatile float p = e4m3fn_value(a[i]) * e4m3fn_value(b[i]);
        acc = acc + p;                                                                          /* BUG: rounds every step */
    }
    return acc;
}

int32_t planted_dot_i8_correct(const int8_t *a, const int8_t *b, size_t n) {
    int64_t s = 0;
    for (size_t i = 0; i < n; i++) s += (int32_t)a[i] * (int32_t)b[i];
    return (int32_t)s;
}

/* pairs of products summed in int16 with saturation, as vpmaddubsw/vpmaddwd chains do */
int32_t planted_dot_i8_pair_saturate16(const int8_t *a, const int8_t *b, size_t n) {
    int32_t s = 0;
    size_t i = 0;
    for (; i + 1 < n; i += 2) {
        int32_t pair = (int32_t)a[i] * b[i] + (int32_t)a[i + 1] * b[i + 1];
        if (pair > 32767) pair = 32767;                                                        /* BUG */
        if (pair < -32768) pair = -32768;
        s += pair;
    }
    if (i < n) s += (int32_t)a[i] * b[i];
    return s;
}

/* The types must be those of the ABI. */
static octet_convert_f32_fn *const check_convert = planted_convert_e4m3fn_correct;
static octet_mul_fn *const check_mul = planted_mul_e4m3fn_correct;
static octet_dot_f32_fn *const check_dot = planted_dot_e4m3fn_sequential;
static octet_dot_i8_fn *const check_dot_i8 = planted_dot_i8_correct;
void planted_kernels_abi_check(void) { (void)check_convert; (void)check_mul; (void)check_dot; (void)check_dot_i8; }

/* FP8 x FP8 dot products: binary32 accumulation in the order `fp32:lanes32`, and the exact sum.
 * See octet_kernels.h for the semantics and the exactness argument of each. */
#pragma STDC FP_CONTRACT OFF
#include "octet_kernels.h"
#include <math.h>
#include <string.h>
#include <immintrin.h>

/* ---- binary32 accumulation, fp32:lanes32 ---- */

static float fold32(float lanes[32]) {
    for (int w = 16; w >= 1; w /= 2)
        for (int j = 0; j < w; j++) lanes[j] = lanes[j] + lanes[j + w];
    return lanes[0];
}

static float dot_f32_scalar(const octet_plan *pa, const octet_plan *pb, const uint8_t *a, const uint8_t *b, size_t n) {
    float lanes[32] = {0};
    for (size_t i = 0; i < n; i++) {
        float p = pa->decode_table[a[i]] * pb->decode_table[b[i]];
        lanes[i & 31] = lanes[i & 31] + p;
    }
    return fold32(lanes);
}

__attribute__((target("avx2")))
static float dot_f32_avx2(const octet_plan *pa, const octet_plan *pb, const uint8_t *a, const uint8_t *b, size_t n) {
    const float *ta = pa->decode_table, *tb = pb->decode_table;
    __m256 acc[4] = { _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps() };
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 4; k++) {
            __m256i ia = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(a + i + 8 * k)));
            __m256i ib = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(b + i + 8 * k)));
            __m256 va = _mm256_i32gather_ps(ta, ia, 4), vb = _mm256_i32gather_ps(tb, ib, 4);
            acc[k] = _mm256_add_ps(acc[k], _mm256_mul_ps(va, vb));
        }
    }
    float lanes[32];
    for (int k = 0; k < 4; k++) _mm256_storeu_ps(lanes + 8 * k, acc[k]);
    for (; i < n; i++) {
        float p = ta[a[i]] * tb[b[i]];
        lanes[i & 31] = lanes[i & 31] + p;
    }
    return fold32(lanes);
}

float octet_dot_fp8_f32(const octet_plan *pa, const octet_plan *pb, const uint8_t *a, const uint8_t *b, size_t n) {
    if (octet_has_avx2()) return dot_f32_avx2(pa, pb, a, b, n);
    return dot_f32_scalar(pa, pb, a, b, n);
}

/* ---- exact sums ---- */

typedef __int128 i128;

static int floor_log2_double(double x) { return ilogb(x); }

/* Kulisch width for n terms (Specs/accumulation.md §2.1). */
static int kulisch_width(const octet_plan *pa, const octet_plan *pb, size_t n) {
    int v = 0;
    while (((size_t)1 << v) < n) v++;
    int lsb = pa->quantum_exponent + pb->quantum_exponent;
    return floor_log2_double(pa->max_abs * pb->max_abs) - lsb + v + 2;
}

/* The IEEE special outcome of the products, if any (Specs/accumulation.md §1): 0 none. */
static int special_outcome(const octet_plan *pa, const octet_plan *pb, const uint8_t *a, const uint8_t *b, size_t n) {
    if (!pa->has_specials && !pb->has_specials) return 0;
    int pinf = 0, ninf = 0;
    for (size_t i = 0; i < n; i++) {
        float x = pa->decode_table[a[i]], y = pb->decode_table[b[i]];
        if (isnan(x) || isnan(y)) return 1;
        if (isinf(x) || isinf(y)) {
            if (x == 0.0f || y == 0.0f) return 1;
            if (signbit(x) != signbit(y)) ninf = 1; else pinf = 1;
        }
    }
    if (pinf && ninf) return 1;
    return pinf ? 2 : ninf ? 3 : 0;
}

static int all_products_negative_zero(const octet_plan *pa, const octet_plan *pb, const uint8_t *a, const uint8_t *b, size_t n) {
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++) {
        float p = pa->decode_table[a[i]] * pb->decode_table[b[i]];
        float x = pa->decode_table[a[i]], y = pb->decode_table[b[i]];
        int zero = x == 0.0f || y == 0.0f;
        if (!zero || !(signbit(x) != signbit(y))) return 0;
        (void)p;
    }
    return 1;
}

/* A code's value as m · 2^(q + shift) with q the format's quantum exponent: m and shift. */
static void integer_form(const octet_plan *p, uint8_t c, int64_t *m, int *shift) {
    float v = p->decode_table[c];
    if (v == 0.0f || !isfinite(v)) { *m = 0; *shift = 0; return; }
    int e = ilogb(v) - 24;                  /* v = integer · 2^e with a 25-bit integer */
    if (e < p->quantum_exponent) e = p->quantum_exponent;
    *m = (int64_t)ldexp((double)v, -e);    /* exact */
    *shift = e - p->quantum_exponent;
}

__attribute__((target("avx2")))
static double sum_double_avx2(const octet_plan *pa, const octet_plan *pb, const uint8_t *a, const uint8_t *b, size_t n) {
    const float *ta = pa->decode_table, *tb = pb->decode_table;
    __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd(), s2 = _mm256_setzero_pd(), s3 = _mm256_setzero_pd();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256i ia0 = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(a + i)));
        __m256i ib0 = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(b + i)));
        __m256i ia1 = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(a + i + 8)));
        __m256i ib1 = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(b + i + 8)));
        __m256 va0 = _mm256_i32gather_ps(ta, ia0, 4), vb0 = _mm256_i32gather_ps(tb, ib0, 4);
        __m256 va1 = _mm256_i32gather_ps(ta, ia1, 4), vb1 = _mm256_i32gather_ps(tb, ib1, 4);
        s0 = _mm256_add_pd(s0, _mm256_mul_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(va0)), _mm256_cvtps_pd(_mm256_castps256_ps128(vb0))));
        s1 = _mm256_add_pd(s1, _mm256_mul_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(va0, 1)), _mm256_cvtps_pd(_mm256_extractf128_ps(vb0, 1))));
        s2 = _mm256_add_pd(s2, _mm256_mul_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(va1)), _mm256_cvtps_pd(_mm256_castps256_ps128(vb1))));
        s3 = _mm256_add_pd(s3, _mm256_mul_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(va1, 1)), _mm256_cvtps_pd(_mm256_extractf128_ps(vb1, 1))));
    }
    double lanes[4];
    _mm256_storeu_pd(lanes, _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3)));
    double s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    for (; i < n; i++) s += (double)ta[a[i]] * (double)tb[b[i]];
    return s;
}

octet_exact_sum octet_dot_fp8_exact(const octet_plan *pa, const octet_plan *pb, const uint8_t *a, const uint8_t *b, size_t n) {
    octet_exact_sum r;
    memset(&r, 0, sizeof r);
    r.lsb_exponent = pa->quantum_exponent + pb->quantum_exponent;
    r.special = special_outcome(pa, pb, a, b, n);
    if (r.special) return r;
    int w = kulisch_width(pa, pb, n);
    i128 k = 0;
    if (w <= 53) {
        r.path = 53;
        double s;
        if (octet_has_avx2()) s = sum_double_avx2(pa, pb, a, b, n);
        else {
            s = 0;
            for (size_t i = 0; i < n; i++) s += (double)pa->decode_table[a[i]] * (double)pb->decode_table[b[i]];
        }
        k = (i128)(int64_t)ldexp(s, -r.lsb_exponent);   /* exact: a multiple of 2^lsb below 2^(lsb+53) */
    } else {
        int64_t ma[256], mb[256];
        int sa[256], sb[256];
        for (int c = 0; c < 256; c++) { integer_form(pa, (uint8_t)c, &ma[c], &sa[c]); integer_form(pb, (uint8_t)c, &mb[c], &sb[c]); }
        if (w <= 63) {
            r.path = 63;
            int64_t acc = 0;
            for (size_t i = 0; i < n; i++) acc += (ma[a[i]] * mb[b[i]]) << (sa[a[i]] + sb[b[i]]);
            k = acc;
        } else {
            r.path = 127;
            for (size_t i = 0; i < n; i++) k += ((i128)(ma[a[i]] * mb[b[i]])) << (sa[a[i]] + sb[b[i]]);
        }
    }
    r.hi = (int64_t)(k >> 64);
    r.lo = (uint64_t)k;
    if (k == 0) r.negative_zero = all_products_negative_zero(pa, pb, a, b, n);
    return r;
}

/* K · 2^e rounded once to binary32 (rne; overflow to Inf; subnormals). */
static float exact_to_f32(i128 k, int e, int negative_zero) {
    if (k == 0) return negative_zero ? -0.0f : 0.0f;
    int neg = k < 0;
    unsigned __int128 m = neg ? (unsigned __int128)(-k) : (unsigned __int128)k;
    int len = 0;
    for (unsigned __int128 t = m; t; t >>= 1) len++;
    int top = e + len - 1;                        /* floor(log2 |value|) */
    int q = (top > -126 ? top : -126) - 23;      /* quantum of the result */
    uint32_t bits;
    if (top > 127) bits = 0x7F800000u;
    else {
        unsigned __int128 t;
        if (q <= e) t = m << (e - q);
        else {
            int s = q - e;
            if (s >= 128) t = 0; else {
                t = m >> s;
                unsigned __int128 rem = m - (t << s), half = (unsigned __int128)1 << (s - 1);
                if (rem > half || (rem == half && (t & 1))) t++;
            }
        }
        /* t has at most 25 bits: assemble via the same code-counting trick as the encoders */
        int ee = top > -126 ? top : -126;
        uint32_t code = ((uint32_t)(ee + 126) << 23) + (uint32_t)t;   /* subnormals: ee = -126, field 0 */
        bits = code >= 0x7F800000u ? 0x7F800000u : code;
    }
    bits |= neg ? 0x80000000u : 0u;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

float octet_mx_dot(const octet_plan *pa, const octet_plan *pb, uint8_t scale_a, uint8_t scale_b,
                   const uint8_t *a, const uint8_t *b, size_t n) {
    if (scale_a == 0xFF || scale_b == 0xFF) return __builtin_nanf("");
    octet_exact_sum s = octet_dot_fp8_exact(pa, pb, a, b, n);
    if (s.special == 1) return __builtin_nanf("");
    if (s.special == 2) return INFINITY;
    if (s.special == 3) return -INFINITY;
    i128 k = ((i128)s.hi << 64) | (i128)s.lo;
    return exact_to_f32(k, s.lsb_exponent + (int)scale_a - 127 + (int)scale_b - 127, s.negative_zero);
}

/* FP8 x FP8 dot products: binary32 accumulation in the order `fp32:lanes32`, and the exact sum.
 * See octet_kernels.h for the semantics and the exactness argument of each. */
#pragma STDC FP_CONTRACT OFF
#include "octet_kernels.h"
#include <math.h>
#include <string.h>
#include <immintrin.h>
#include "fast8.h"

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
static float dot_f32_gather(const octet_plan *pa, const octet_plan *pb, const uint8_t *a, const uint8_t *b, size_t n) {
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

/* 2^e as a binary32 (|e| <= 126), exactly. */
static inline float pow2f(int e) {
    uint32_t b = (uint32_t)(e + 127) << 23;
    float f;
    memcpy(&f, &b, 4);
    return f;
}

/* Both formats decode arithmetically (fast8.h) to v · 2^(bias - 15): every product is then the
 * exact product times c = 2^(ba + bb - 30), a normal binary32 (at least 2^-40), and so is every
 * partial sum of the lanes. Rounding to nearest commutes with scaling by a power of two as long
 * as neither computation meets a subnormal or an overflow: the reference's products are at least
 * 2^(qa + qb) >= 2^-126 (checked), its sums multiples of that, and neither side can reach 2^128
 * (|products| < 2^64). So the scaled lanes are exactly c times the reference's lanes; they are
 * unscaled (exact) before the tail and the fold. The products (at most 6 x 6 significant bits) are
 * exact in binary32, so a fused multiply-add rounds once, exactly where the reference's addition
 * rounds: fmadd(x, y, acc) = round(x·y + acc) = acc + x·y. Codes are decoded 32 at a time in the
 * even/odd order of octet_fast8_load32; accumulator k, lane j is reference lane
 * OCTET_FAST8_POSITION(k, j), and each reference lane still receives its terms in index order.
 * If any code of the vector part is special the result is recomputed with the table (gathers),
 * which handles NaN and Inf. */
__attribute__((target("avx2,f16c,fma")))
static float dot_f32_avx2(const octet_plan *pa, const octet_plan *pb, const uint8_t *a, const uint8_t *b, size_t n) {
    octet_fast8 da = octet_fast8_init(pa), db = octet_fast8_init(pb);
    if (!da.ok || !db.ok || pa->quantum_exponent + pb->quantum_exponent < -126) return dot_f32_gather(pa, pb, a, b, n);
    __m256 acc[4] = { _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps() };
    __m256i spec = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256 x[4], y[4];
        __m256i ca = octet_fast8_load32(&da, a + i, x), cb = octet_fast8_load32(&db, b + i, y);
        spec = _mm256_or_si256(spec, _mm256_or_si256(octet_fast8_special(&da, ca), octet_fast8_special(&db, cb)));
        for (int k = 0; k < 4; k++) acc[k] = _mm256_fmadd_ps(x[k], y[k], acc[k]);
    }
    /* The byte test sees every NaN and Inf code of a qualifying format; the tail below goes
     * through the table, which handles them like the gather path. */
    if (!_mm256_testz_si256(spec, spec)) return dot_f32_gather(pa, pb, a, b, n);
    const __m256 unscale = _mm256_set1_ps(pow2f(da.scale_exp + db.scale_exp));
    float lanes[32], t[8];
    for (int k = 0; k < 4; k++) {
        _mm256_storeu_ps(t, _mm256_mul_ps(acc[k], unscale));
        for (int j = 0; j < 8; j++) lanes[OCTET_FAST8_POSITION(k, j)] = t[j];
    }
    const float *ta = pa->decode_table, *tb = pb->decode_table;
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

/* Fast route (AVX2, both formats decode arithmetically, fast8.h): the products, scaled by
 * c = 2^(ba + bb - 30), are exact binary32 values, widened to binary64 and added in four lanes.
 * Returns 1 if a NaN/Inf code occurs (the sum is then not used), else 0 with the exact sum of the
 * scaled products in *out: the caller only uses it for a run of terms whose Kulisch width is at
 * most 53, where every partial sum (scaled by a power of two) is exact in binary64. The tail
 * (fewer than 32 terms) is added from the table, scaled the same way. */
__attribute__((target("avx2,f16c")))
static int sum_double_fast(const octet_fast8 *da, const octet_fast8 *db, const octet_plan *pa, const octet_plan *pb,
                           const uint8_t *a, const uint8_t *b, size_t n, double *out) {
    __m256d d0 = _mm256_setzero_pd(), d1 = _mm256_setzero_pd(), d2 = _mm256_setzero_pd(), d3 = _mm256_setzero_pd();
    __m256i spec = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        spec = _mm256_or_si256(spec, _mm256_or_si256(octet_fast8_special(da, _mm256_loadu_si256((const __m256i *)(a + i))),
                                                     octet_fast8_special(db, _mm256_loadu_si256((const __m256i *)(b + i)))));
        __m256 a0, a1, a2, a3, b0, b1, b2, b3;
        octet_fast8_raw16(da, a + i, &a0, &a1);
        octet_fast8_raw16(db, b + i, &b0, &b1);
        octet_fast8_raw16(da, a + i + 16, &a2, &a3);
        octet_fast8_raw16(db, b + i + 16, &b2, &b3);
        __m256 p0 = _mm256_mul_ps(a0, b0), p1 = _mm256_mul_ps(a1, b1), p2 = _mm256_mul_ps(a2, b2), p3 = _mm256_mul_ps(a3, b3);
        d0 = _mm256_add_pd(d0, _mm256_cvtps_pd(_mm256_castps256_ps128(p0)));
        d1 = _mm256_add_pd(d1, _mm256_cvtps_pd(_mm256_extractf128_ps(p0, 1)));
        d2 = _mm256_add_pd(d2, _mm256_cvtps_pd(_mm256_castps256_ps128(p1)));
        d3 = _mm256_add_pd(d3, _mm256_cvtps_pd(_mm256_extractf128_ps(p1, 1)));
        d0 = _mm256_add_pd(d0, _mm256_cvtps_pd(_mm256_castps256_ps128(p2)));
        d1 = _mm256_add_pd(d1, _mm256_cvtps_pd(_mm256_extractf128_ps(p2, 1)));
        d2 = _mm256_add_pd(d2, _mm256_cvtps_pd(_mm256_castps256_ps128(p3)));
        d3 = _mm256_add_pd(d3, _mm256_cvtps_pd(_mm256_extractf128_ps(p3, 1)));
    }
    if (!_mm256_testz_si256(spec, spec)) return 1;
    double lanes[4];
    _mm256_storeu_pd(lanes, _mm256_add_pd(_mm256_add_pd(d0, d1), _mm256_add_pd(d2, d3)));
    double s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    double c = ldexp(1.0, -(da->scale_exp + db->scale_exp));
    for (; i < n; i++) {
        float x = pa->decode_table[a[i]], y = pb->decode_table[b[i]];
        if (!__builtin_isfinite(x) || !__builtin_isfinite(y)) return 1;
        s += ((double)x * (double)y) * c;
    }
    *out = s;
    return 0;
}

/* Split route (AVX2, both formats decode arithmetically, products narrower than 2^41 units): every
 * operation is exact. Write L for the exponent of the smallest scaled product (2^L is the unit), wp
 * for the product width (|p| < 2^(L+wp)), R = 16 terms per accumulator lane between flushes and
 * s = max(wp - 19, 0) <= 21.
 *  1. p = x·y is exact in binary32 (at most 12 significant bits, normal: L >= -38).
 *  2. t = fma(x, y, C) = round(p + C) with C = 1.5·2^(L+s+23): |p| < 2^(L+wp) <= 2^(L+s+22), so t
 *     lies in C's binade [2^(L+s+23), 2^(L+s+24)), whose spacing is 2^(L+s); hi = t - C is exact
 *     (a multiple of 2^(L+s) below 2^(L+s+23)) and the nearest such multiple to p, and
 *     lo = fma(x, y, -hi) = p - hi is exact (a multiple of 2^L with |lo| <= 2^(L+s-1) <= 2^(L+20)).
 *  3. hi is summed as an integer: in one binade the bits of t are bits(C) + hi/2^(L+s), so int32
 *     lanes adding bits(t) hold R·bits(C) + Σ hi/2^(L+s) modulo 2^32; the true sum is below
 *     R·(2^(wp-s) + 1/2) <= 2^24 in magnitude (wp <= s + 19), so subtracting R·bits(C) recovers it.
 *     lo is summed in binary32: every partial sum is a multiple of 2^L of magnitude at most
 *     R·2^(L+s-1) <= 2^(L+24), hence representable: exact.
 *  4. Every R terms both are widened to binary64 and added into binary64 lanes (the hi sum times
 *     2^(L+s) by an exact fused multiply-add). Over a chunk of at most 2^(52-wp) terms every binary64
 *     partial sum is a multiple of 2^L of magnitude at most terms·(|p|max + 2^(L+s)) <=
 *     terms·2^(L+wp+1) <= 2^(L+53): exact. The chunk's sum is then an integer (units 2^L) below
 *     2^53, added to the 128-bit register exactly.
 * (The even/odd decode permutes the terms, which an exact sum does not see.) Returns 1 if a
 * NaN/Inf code occurs (nothing is added), else 0 with the sum, in units 2^lsb, added to *k. */
__attribute__((target("avx2,f16c,fma")))
static int sum_split_fast(const octet_fast8 *da, const octet_fast8 *db, const octet_plan *pa, const octet_plan *pb,
                          const uint8_t *a, const uint8_t *b, size_t n, int lsb, int wp, i128 *k) {
    const int unscale = da->scale_exp + db->scale_exp;   /* scaled products are 2^-unscale times the true ones */
    const int L = lsb - unscale;
    const int s = wp > 19 ? wp - 19 : 0;
    const float c = pow2f(L + s + 23) * 1.5f;
    const __m256 C = _mm256_set1_ps(c);
    uint32_t cbits;
    memcpy(&cbits, &c, 4);
    const size_t chunk = (size_t)1 << (52 - wp);        /* >= 2^12 terms, a multiple of 32 * 4 */
    const __m256d grid = _mm256_set1_pd(ldexp(1.0, L + s));
    i128 total = 0;
    size_t i = 0;
    while (i + 32 <= n) {
        size_t stop = n - i < chunk ? n - i : chunk;
        stop = i + stop / 32 * 32;
        __m256d d0 = _mm256_setzero_pd(), d1 = _mm256_setzero_pd();
        while (i < stop) {
            /* R = 16 terms per lane: 4 blocks of 32, four products per lane and block. One hi and
             * one lo accumulator and few temporaries, so that nothing is spilled (a spilled
             * accumulator puts a store-to-load round trip into every iteration). */
            size_t block_end = stop - i < 128 ? stop : i + 128;
            if (octet_fast8_any_special(da, db, a + i, b + i, block_end - i)) return 1;
            __m256i h = _mm256_setzero_si256();
            __m256 l = _mm256_setzero_ps();
            size_t terms = 0;
            for (; i < block_end; i += 32, terms += 4) {
                __m256i ea, oa, eb, ob;
                octet_fast8_words(da, _mm256_loadu_si256((const __m256i *)(a + i)), &ea, &oa);
                octet_fast8_words(db, _mm256_loadu_si256((const __m256i *)(b + i)), &eb, &ob);
                for (int k = 0; k < 2; k++) {
                    __m256 x0 = octet_fast8_widen(ea, oa, k), y0 = octet_fast8_widen(eb, ob, k);
                    __m256 x1 = octet_fast8_widen(ea, oa, k + 2), y1 = octet_fast8_widen(eb, ob, k + 2);
                    __m256 t0 = _mm256_fmadd_ps(x0, y0, C), t1 = _mm256_fmadd_ps(x1, y1, C);   /* round(p + C): p exact */
                    __m256 lo0 = _mm256_fmsub_ps(x0, y0, _mm256_sub_ps(t0, C));                /* p - hi, exact */
                    __m256 lo1 = _mm256_fmsub_ps(x1, y1, _mm256_sub_ps(t1, C));
                    h = _mm256_add_epi32(h, _mm256_add_epi32(_mm256_castps_si256(t0), _mm256_castps_si256(t1)));
                    l = _mm256_add_ps(l, _mm256_add_ps(lo0, lo1));
                }
            }
            /* t = C + hi lies in C's binade, so bits(t) = bits(C) + hi / 2^(L+s): the int32 lanes
             * hold terms·bits(C) + Σ hi / 2^(L+s) modulo 2^32, and |Σ hi| / 2^(L+s) < 2^24. */
            __m256i g = _mm256_sub_epi32(h, _mm256_set1_epi32((int32_t)((uint32_t)terms * cbits)));
            d0 = _mm256_fmadd_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(g)), grid, d0);
            d1 = _mm256_fmadd_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(g, 1)), grid, d1);
            d0 = _mm256_add_pd(d0, _mm256_cvtps_pd(_mm256_castps256_ps128(l)));
            d1 = _mm256_add_pd(d1, _mm256_cvtps_pd(_mm256_extractf128_ps(l, 1)));
        }
        double lanes[4];
        _mm256_storeu_pd(lanes, _mm256_add_pd(d0, d1));
        double sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
        total += (i128)(int64_t)ldexp(sum, -L);   /* an integer below 2^53 (step 4) */
    }
    for (; i < n; i++) {
        float x = pa->decode_table[a[i]], y = pb->decode_table[b[i]];
        if (!__builtin_isfinite(x) || !__builtin_isfinite(y)) return 1;
        total += (i128)(int64_t)ldexp((double)x * (double)y, -lsb);   /* exact: below 2^wp units */
    }
    *k += total;
    return 0;
}

octet_exact_sum octet_dot_fp8_exact(const octet_plan *pa, const octet_plan *pb, const uint8_t *a, const uint8_t *b, size_t n) {
    octet_exact_sum r;
    memset(&r, 0, sizeof r);
    r.lsb_exponent = pa->quantum_exponent + pb->quantum_exponent;
    int w = kulisch_width(pa, pb, n);
    i128 k = 0;
    if (octet_has_avx2()) {
        /* Binary64 sums of runs of at most 2^c terms, c the largest with width(2^c) <= 53: each run's
         * sum is exact (the W <= 53 argument), an integer multiple of 2^lsb below 2^(lsb+52), and is
         * added as an integer to the register the full width calls for (int64 when W <= 63, else
         * int128); when W <= 53 there is a single run. */
        octet_fast8 da = octet_fast8_init(pa), db = octet_fast8_init(pb);
        int wp = ilogb(pa->max_abs * pb->max_abs) + 1 - r.lsb_exponent;   /* |a·b| < 2^(lsb + wp) */
        if (da.ok && db.ok && wp <= 40 && w <= 127) {
            if (!sum_split_fast(&da, &db, pa, pb, a, b, n, r.lsb_exponent, wp, &k)) {
                r.path = w <= 53 ? 53 : w <= 63 ? 63 : 127;
                goto done;
            }
            k = 0;   /* a NaN/Inf code: the special outcome below */
            goto specials;
        }
        int c = 53 - kulisch_width(pa, pb, 1);
        int unscale = da.scale_exp + db.scale_exp;   /* the runs' sums are 2^-unscale times the products' */
        if (da.ok && db.ok && c >= 8 && w <= 127) {
            size_t run = c >= 40 ? (size_t)1 << 40 : (size_t)1 << c;
            int special = 0;
            int64_t k64 = 0;
            for (size_t s = 0; s < n; s += run) {
                size_t m = n - s < run ? n - s : run;
                double d;
                if (sum_double_fast(&da, &db, pa, pb, a + s, b + s, m, &d)) { special = 1; break; }
                if (w <= 63) k64 += (int64_t)ldexp(d, unscale - r.lsb_exponent);
                else k += (i128)(int64_t)ldexp(d, unscale - r.lsb_exponent);
            }
            if (w <= 63) k = k64;
            if (!special) {
                r.path = w <= 53 ? 53 : w <= 63 ? 63 : 127;
                goto done;
            }
            k = 0;   /* a NaN/Inf code: the special outcome below */
        }
    }
specials:
    r.special = special_outcome(pa, pb, a, b, n);
    if (r.special) return r;
    if (w > 127) return r;   /* path 0: beyond two words (see the header) */
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
            for (size_t i = 0; i < n; i++) acc += (ma[a[i]] * mb[b[i]]) * ((int64_t)1 << (sa[a[i]] + sb[b[i]]));
            k = acc;
        } else {
            r.path = 127;
            for (size_t i = 0; i < n; i++) k += ((i128)(ma[a[i]] * mb[b[i]])) * ((i128)1 << (sa[a[i]] + sb[b[i]]));
        }
    }
done:
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

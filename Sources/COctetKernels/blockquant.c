/* Block-scaled quantization from binary32 and bfloat16: MXFP8 (E4M3, E5M2), MXFP4 and NVFP4, bit
 * for bit as the reference's BlockScheme.quantize (Specs/blocks.md §2.1-2.2, Specs/mx.md §1).
 * Scalar paths and AVX2 paths (blocks whose length is a multiple of 8, at most 256), chosen at
 * run time. No GMP, no libm.
 *
 * MX. amax is the largest |x| of the block, found as the largest binary32 magnitude pattern (the
 * patterns of non-negative floats order as integers). A block holding NaN or Inf (amax pattern
 * >= 0x7F800000) gets scale 0xFF and codes 0. Otherwise the shared exponent e comes from amax's
 * exponent and significand bits (exact: floor/ceil of log2, the comparison of amax's significand
 * with the element max's for rceil, the significand rounded to P bits for even); e < -127 becomes
 * -127 and e > 127 the NaN scale. The element is then encode(x / 2^e): y = x · 2^-e in binary32 is
 * exact unless y falls below 2^-126, where every element rounds to a signed zero anyway (the
 * elements' smallest subnormal is 2^-16 at most), and binary32's rounding keeps the sign. 2^-e is
 * a normal binary32: e <= 126 always (amax < 2^128, emax >= 2), e >= -127. The element rounding
 * is convert.c's rne route: binary32's significand rounded in place for |y| >= 2^emin, the integer
 * |y| · 2^(M - emin) rounded by vcvtps2dq (or integer arithmetic) below, then saturation at the
 * largest code and the sign bit.
 *
 * NVFP4. s_t = fl32(amax_tensor / 2688) is one correctly rounded binary32 division. The block
 * scale E4M3(amax_b / (6 s_t)): 6 s_t is exact in binary64 (26 bits), the quotient q is rounded
 * once to binary64 and then to E4M3 by its bits; the second rounding can only go wrong when the
 * binary64 quotient is itself an E4M3 midpoint m (monotonicity: q < m implies RN64(q) <= m), and
 * then amax_b is compared with m · 6 s_t, exact in binary64 (5 + 26 bits): the exact residual
 * decides, and equality is a true tie (even). Elements: with D = dec(scale) · s_t (exact in
 * binary64, 4 + 24 bits), the E2M1 code of |x| / D is the number of midpoints t·D that |x|
 * exceeds (t = 0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5), where a tie |x| = t·D counts when the code
 * below the midpoint is odd (ties to even); every t·D is exact in binary64 (3 + 28 bits) and so is
 * every comparison. Past the last midpoint the code is 7 (6, saturation). A zero block, a zero
 * s_t or a scale that rounds to 0 gives +0 elements. NaN and Inf inputs are refused. */
#pragma STDC FP_CONTRACT OFF
#include "octet_kernels.h"
#include <string.h>
#include <stdlib.h>
#include <immintrin.h>

int octet_cpu_avx2(void);

typedef struct {
    int M, bias, emax;
    uint32_t maxcode;      /* largest finite magnitude code */
    uint32_t max_m23;      /* the element max's significand bits (rceil) */
    int sign_shift;        /* u >> sign_shift & sign_bit is the code's sign */
    uint32_t sign_bit;
} bq_elem;

static bq_elem bq_element(octet_bq_element el) {
    bq_elem e;
    switch (el) {
    case OCTET_BQ_E5M2: e.M = 2; e.bias = 15; e.emax = 15; e.maxcode = 0x7B; e.max_m23 = 0x600000; e.sign_shift = 24; e.sign_bit = 0x80; break;
    case OCTET_BQ_E2M1: e.M = 1; e.bias = 1; e.emax = 2; e.maxcode = 0x7; e.max_m23 = 0x400000; e.sign_shift = 28; e.sign_bit = 0x8; break;
    default: e.M = 3; e.bias = 7; e.emax = 8; e.maxcode = 0x7E; e.max_m23 = 0x600000; e.sign_shift = 24; e.sign_bit = 0x80; break;
    }
    return e;
}

static inline uint32_t load_bits(const void *src, size_t i, int kind) {
    if (kind == 0) { uint32_t u; memcpy(&u, (const char *)src + 4 * i, 4); return u; }
    uint16_t h; memcpy(&h, (const char *)src + 2 * i, 2);
    return (uint32_t)h << 16;
}

static inline float f32_of(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint32_t bits_of(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/* The element code of a finite magnitude pattern a, rne, saturating (convert.c's convert_one for
 * a signed format with subnormals and emin >= -126). */
static inline uint32_t enc_rne(const bq_elem *el, uint32_t a) {
    int emin = 1 - el->bias, M = el->M;
    int E = (int)(a >> 23), e = (E ? E : 1) - 127;
    uint32_t sig = (a & 0x7FFFFFu) | (E ? 0x800000u : 0u);
    int d = emin - e; if (d < 0) d = 0;
    int s = 23 - M + d; if (s > 25) s = 25;
    uint32_t t = sig >> s, rem = sig & ((1u << s) - 1u), half = 1u << (s - 1);
    int ee = e > emin ? e : emin;
    uint32_t code = ((uint32_t)(ee - emin) << M) + t;
    code += rem > half || (rem == half && (code & 1u));
    return code > el->maxcode ? el->maxcode : code;
}

/* The shared exponent of a finite non-zero amax pattern under the rule; 128 stands for "above 127". */
static int mx_exponent(const bq_elem *el, octet_mx_rule rule, uint32_t a) {
    if (a == 0) return -127;
    int E = (int)(a >> 23), fl;
    uint32_t m23;
    if (E) { fl = E - 127; m23 = a & 0x7FFFFFu; }
    else { int lz = __builtin_clz(a) - 8; fl = -126 - lz; m23 = (a << lz) & 0x7FFFFFu; }
    int e;
    switch (rule) {
    case OCTET_MX_CEIL: e = fl + (m23 != 0) - el->emax; break;
    case OCTET_MX_RCEIL: e = fl - el->emax + (m23 > el->max_m23); break;
    case OCTET_MX_EVEN: {
        int keep = 23 - el->M;
        uint32_t r = (m23 + (1u << (keep - 1)) - 1u + ((m23 >> keep) & 1u)) >> keep;
        e = fl + (int)(r >> el->M) - el->emax;
        break;
    }
    default: e = fl - el->emax; break;
    }
    if (e > 127) return 128;
    return e < -127 ? -127 : e;
}

static inline float pow2f(int k) {   /* 2^k, -127 <= k <= 127 */
    return f32_of(k >= -126 ? (uint32_t)(k + 127) << 23 : 0x00400000u);
}

/* 4-bit codes of one block packed low-first (block starts on an even element). */
static void pack_block(const uint8_t *c, uint8_t *p, size_t L) {
    size_t k = 0;
    for (; k + 1 < L; k += 2) p[k / 2] = (uint8_t)((c[k] & 0xF) | ((c[k + 1] & 0xF) << 4));
    if (k < L) p[k / 2] = (uint8_t)(c[k] & 0xF);
}

/* One MX block of L elements, scalar. Returns the scale code. */
static uint8_t mx_block_scalar(const bq_elem *el, octet_mx_rule rule, const void *src, size_t i0, size_t L, int kind, uint8_t *out) {
    uint32_t amax = 0;
    for (size_t k = 0; k < L; k++) { uint32_t a = load_bits(src, i0 + k, kind) & 0x7FFFFFFFu; if (a > amax) amax = a; }
    int e = amax >= 0x7F800000u ? 128 : mx_exponent(el, rule, amax);
    if (e > 127) { memset(out, 0, L); return 0xFF; }
    float s = pow2f(-e);
    for (size_t k = 0; k < L; k++) {
        uint32_t u = load_bits(src, i0 + k, kind);
        uint32_t y = bits_of(f32_of(u) * s);
        out[k] = (uint8_t)(enc_rne(el, y & 0x7FFFFFFFu) | ((u >> el->sign_shift) & el->sign_bit));
    }
    return (uint8_t)(e + 127);
}

/* E4M3 value of a positive code below 0x7F. */
static double e4m3_value(uint32_t c) {
    uint32_t ef = c >> 3, m = c & 7u;
    if (ef == 0) return (double)m * (1.0 / 512.0);
    uint64_t b = ((uint64_t)(ef - 7 + 1023) << 52) | ((uint64_t)m << 49);
    double v; memcpy(&v, &b, 8);
    return v;
}

/* E4M3(RNE, saturate)(amax / d6) for amax > 0, d6 = 6 s_t > 0 (see the header). */
static uint32_t nv_scale_code(double amax, double d6) {
    double q = amax / d6;
    uint64_t b; memcpy(&b, &q, 8);
    int64_t code;
    int up, tie;
    if (q >= 0x1p-6) {
        uint64_t low = b & ((1ull << 49) - 1u);
        code = (int64_t)(b >> 49) - ((int64_t)(1023 - 7) << 3);
        up = low > (1ull << 48);
        tie = low == (1ull << 48);
    } else {
        double t = q * 512.0;            /* exact, below 8 */
        uint32_t k = (uint32_t)t;
        double f = t - (double)k;        /* exact */
        code = k;
        up = f > 0.5;
        tie = f == 0.5;
    }
    if (tie) {   /* q is the midpoint: the exact residual amax - q·d6 decides */
        double m = q * d6;               /* exact: 5 + 26 significant bits */
        up = amax > m ? 1 : amax < m ? 0 : (int)(code & 1);
    }
    code += up;
    return code > 0x7E ? 0x7Eu : (uint32_t)code;
}

static const double nv_mid[7] = { 0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5.0 };

/* NVFP4 block, scalar; st the tensor scale (binary32 value), d6 = 6·st. Returns the scale code. */
static uint8_t nv_block_scalar(const void *src, size_t i0, size_t L, int kind, float st, uint8_t *out) {
    uint32_t amax = 0;
    for (size_t k = 0; k < L; k++) { uint32_t a = load_bits(src, i0 + k, kind) & 0x7FFFFFFFu; if (a > amax) amax = a; }
    if (amax == 0 || st == 0.0f) { memset(out, 0, L); return 0; }
    uint32_t sc = nv_scale_code((double)f32_of(amax), 6.0 * (double)st);
    if (sc == 0) { memset(out, 0, L); return 0; }
    double D = e4m3_value(sc) * (double)st, T[7];
    for (int k = 0; k < 7; k++) T[k] = nv_mid[k] * D;
    for (size_t k = 0; k < L; k++) {
        uint32_t u = load_bits(src, i0 + k, kind);
        double x = (double)f32_of(u & 0x7FFFFFFFu);
        uint32_t c = (x > T[0]) + (x >= T[1]) + (x > T[2]) + (x >= T[3]) + (x > T[4]) + (x >= T[5]) + (x > T[6]);
        out[k] = (uint8_t)(c | ((u >> 28) & 8u));
    }
    return (uint8_t)sc;
}

/* ---- AVX2 ---- */

__attribute__((target("avx2"), always_inline))
static inline __m256i load8(const void *src, size_t i, int kind) {
    if (kind == 0) return _mm256_loadu_si256((const __m256i *)((const uint32_t *)src + i));
    return _mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)((const uint16_t *)src + i))), 16);
}

__attribute__((target("avx2"), always_inline))
static inline uint32_t hmax_epu32(__m256i v) {
    __m128i m = _mm_max_epu32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    m = _mm_max_epu32(m, _mm_shuffle_epi32(m, 0x4E));
    m = _mm_max_epu32(m, _mm_shuffle_epi32(m, 0xB1));
    return (uint32_t)_mm_cvtsi128_si32(m);
}

/* Eight 32-bit codes (< 256) stored as 8 bytes. */
__attribute__((target("avx2"), always_inline))
static inline void store8b(uint8_t *out, __m256i v) {
    __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storel_epi64((__m128i *)out, _mm_packus_epi16(w, w));
}

/* Block codes (L bytes, L a multiple of 8) packed low-first into L/2 bytes. */
__attribute__((target("avx2"), always_inline))
static inline void pack_avx2(const uint8_t *c, uint8_t *p, size_t L) {
    const __m128i w = _mm_set1_epi16(0x1001);   /* bytes (1, 16): lo + 16·hi */
    size_t k = 0;
    for (; k + 16 <= L; k += 16) {
        __m128i v = _mm_maddubs_epi16(_mm_loadu_si128((const __m128i *)(c + k)), w);
        _mm_storel_epi64((__m128i *)(p + k / 2), _mm_packus_epi16(v, v));
    }
    for (; k < L; k += 2) p[k / 2] = (uint8_t)((c[k] & 0xF) | ((c[k + 1] & 0xF) << 4));
}

__attribute__((target("avx2"), always_inline))
static inline uint8_t mx_block_avx2(const bq_elem *el, octet_mx_rule rule, const void *src, size_t i0, size_t L, int kind, uint8_t *out) {
    __m256i mx = _mm256_setzero_si256();
    const __m256i absm = _mm256_set1_epi32(0x7FFFFFFF);
    for (size_t k = 0; k < L; k += 8) mx = _mm256_max_epu32(mx, _mm256_and_si256(load8(src, i0 + k, kind), absm));
    uint32_t amax = hmax_epu32(mx);
    int e = amax >= 0x7F800000u ? 128 : mx_exponent(el, rule, amax);
    if (e > 127) { memset(out, 0, L); return 0xFF; }
    const int M = el->M;
    const __m256 s = _mm256_set1_ps(pow2f(-e));
    const __m256 sub_scale = _mm256_set1_ps(pow2f(M - (1 - el->bias)));   /* 2^(M - emin) */
    const __m256i round_bias = _mm256_set1_epi32((1 << (22 - M)) - 1), one = _mm256_set1_epi32(1);
    const __m256i rebias = _mm256_set1_epi32((127 - el->bias) << M);
    const __m256i thresh = _mm256_set1_epi32((1 - el->bias + 127) << 23);
    const __m256i maxc = _mm256_set1_epi32((int)el->maxcode), sbit = _mm256_set1_epi32((int)el->sign_bit);
    for (size_t k = 0; k < L; k += 8) {
        __m256i u = load8(src, i0 + k, kind);
        __m256i a = _mm256_and_si256(_mm256_castps_si256(_mm256_mul_ps(_mm256_castsi256_ps(u), s)), absm);
        __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(a, 23 - M), one);
        __m256i normal = _mm256_sub_epi32(_mm256_srli_epi32(_mm256_add_epi32(_mm256_add_epi32(a, round_bias), lsb), 23 - M), rebias);
        __m256i sub = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_castsi256_ps(a), sub_scale));
        __m256i code = _mm256_blendv_epi8(normal, sub, _mm256_cmpgt_epi32(thresh, a));
        code = _mm256_min_epi32(code, maxc);
        code = _mm256_or_si256(code, _mm256_and_si256(_mm256_srli_epi32(u, el->sign_shift), sbit));
        store8b(out + k, code);
    }
    return (uint8_t)(e + 127);
}

__attribute__((target("avx2"), always_inline))
static inline __m256i nv_count4(__m256d x, const __m256d *T) {
    __m256i c = _mm256_castpd_si256(_mm256_cmp_pd(x, T[0], _CMP_GT_OQ));
    c = _mm256_add_epi64(c, _mm256_castpd_si256(_mm256_cmp_pd(x, T[1], _CMP_GE_OQ)));
    c = _mm256_add_epi64(c, _mm256_castpd_si256(_mm256_cmp_pd(x, T[2], _CMP_GT_OQ)));
    c = _mm256_add_epi64(c, _mm256_castpd_si256(_mm256_cmp_pd(x, T[3], _CMP_GE_OQ)));
    c = _mm256_add_epi64(c, _mm256_castpd_si256(_mm256_cmp_pd(x, T[4], _CMP_GT_OQ)));
    c = _mm256_add_epi64(c, _mm256_castpd_si256(_mm256_cmp_pd(x, T[5], _CMP_GE_OQ)));
    c = _mm256_add_epi64(c, _mm256_castpd_si256(_mm256_cmp_pd(x, T[6], _CMP_GT_OQ)));
    return c;   /* minus the count, in 64-bit lanes */
}

__attribute__((target("avx2"), always_inline))
static inline uint8_t nv_block_avx2(const void *src, size_t i0, size_t L, int kind, float st, uint8_t *out) {
    __m256i mx = _mm256_setzero_si256();
    const __m256i absm = _mm256_set1_epi32(0x7FFFFFFF);
    for (size_t k = 0; k < L; k += 8) mx = _mm256_max_epu32(mx, _mm256_and_si256(load8(src, i0 + k, kind), absm));
    uint32_t amax = hmax_epu32(mx);
    if (amax == 0 || st == 0.0f) { memset(out, 0, L); return 0; }
    uint32_t sc = nv_scale_code((double)f32_of(amax), 6.0 * (double)st);
    if (sc == 0) { memset(out, 0, L); return 0; }
    __m256d D = _mm256_set1_pd(e4m3_value(sc) * (double)st), T[7];
    for (int k = 0; k < 7; k++) T[k] = _mm256_mul_pd(_mm256_set1_pd(nv_mid[k]), D);
    const __m256i sbit = _mm256_set1_epi32(8);
    for (size_t k = 0; k < L; k += 8) {
        __m256i u = load8(src, i0 + k, kind);
        __m256i a = _mm256_and_si256(u, absm);
        __m256d x0 = _mm256_cvtps_pd(_mm256_castps256_ps128(_mm256_castsi256_ps(a)));
        __m256d x1 = _mm256_cvtps_pd(_mm256_extractf128_ps(_mm256_castsi256_ps(a), 1));
        __m256i c0 = nv_count4(x0, T), c1 = nv_count4(x1, T);
        /* low halves of the 64-bit lanes, in order: (c0_0 c0_1 c1_0 c1_1 | c0_2 c0_3 c1_2 c1_3) -> order */
        __m256i c = _mm256_castps_si256(_mm256_shuffle_ps(_mm256_castsi256_ps(c0), _mm256_castsi256_ps(c1), 0x88));
        c = _mm256_permute4x64_epi64(c, 0xD8);
        c = _mm256_sub_epi32(_mm256_setzero_si256(), c);
        c = _mm256_or_si256(c, _mm256_and_si256(_mm256_srli_epi32(u, 28), sbit));
        store8b(out + k, c);
    }
    return (uint8_t)sc;
}

/* ---- drivers ---- */

typedef struct { bq_elem el; octet_mx_rule rule; float st; int nv; } bq_ctx;

__attribute__((target("avx2,fma,f16c")))
static uint8_t block_avx2(const bq_ctx *c, const void *src, size_t i0, size_t L, int kind, uint8_t *out) {
    if (c->nv) return kind == 0 ? nv_block_avx2(src, i0, L, 0, c->st, out) : nv_block_avx2(src, i0, L, 1, c->st, out);
    return kind == 0 ? mx_block_avx2(&c->el, c->rule, src, i0, L, 0, out) : mx_block_avx2(&c->el, c->rule, src, i0, L, 1, out);
}

__attribute__((target("avx2,fma,f16c")))
static void pack_avx2_fn(const uint8_t *c, uint8_t *p, size_t L) { pack_avx2(c, p, L); }

static uint8_t block_scalar(const bq_ctx *c, const void *src, size_t i0, size_t L, int kind, uint8_t *out) {
    return c->nv ? nv_block_scalar(src, i0, L, kind, c->st, out) : mx_block_scalar(&c->el, c->rule, src, i0, L, kind, out);
}

static void quantize_rows(const bq_ctx *c, const void *src, int kind, size_t rows, size_t cols, size_t block,
                          uint8_t *codes, uint8_t *packed, uint8_t *scales) {
    if (rows == 0 || cols == 0 || block == 0) return;
    const int avx = octet_has_avx2();
    const size_t nb = (cols + block - 1) / block, pcols = (cols + 1) / 2;
    const int even_blocks = (block % 2) == 0;
    uint8_t tmp[256];
    uint8_t *rowbuf = NULL;
    if (packed && !even_blocks && !codes) rowbuf = (uint8_t *)malloc(cols);
    for (size_t r = 0; r < rows; r++) {
        uint8_t *rc = codes ? codes + r * cols : rowbuf;
        for (size_t b = 0; b < nb; b++) {
            size_t c0 = b * block, L = cols - c0 < block ? cols - c0 : block;
            size_t i0 = r * cols + c0;
            uint8_t *out = rc ? rc + c0 : (L <= sizeof tmp ? tmp : NULL);
            uint8_t *heap = NULL;
            if (!out) out = heap = (uint8_t *)malloc(L);
            int vec = avx && L % 8 == 0 && L <= 256;
            scales[r * nb + b] = vec ? block_avx2(c, src, i0, L, kind, out) : block_scalar(c, src, i0, L, kind, out);
            if (packed && even_blocks) {
                if (vec) pack_avx2_fn(out, packed + r * pcols + c0 / 2, L);
                else pack_block(out, packed + r * pcols + c0 / 2, L);
            }
            free(heap);
        }
        if (packed && !even_blocks) pack_block(rc, packed + r * pcols, cols);
    }
    free(rowbuf);
}

void octet_mx_quantize(octet_bq_element element, octet_mx_rule rule, const void *in, int bf16, size_t rows, size_t cols,
                       size_t block, uint8_t *codes, uint8_t *packed, uint8_t *scales) {
    bq_ctx c = { bq_element(element), rule, 0.0f, 0 };
    if (element != OCTET_BQ_E2M1) packed = NULL;
    quantize_rows(&c, in, bf16 ? 1 : 0, rows, cols, block, codes, packed, scales);
}

void octet_mx_quantize_f32(octet_bq_element element, octet_mx_rule rule, const float *in, size_t rows, size_t cols,
                           size_t block, uint8_t *codes, uint8_t *packed, uint8_t *scales) {
    octet_mx_quantize(element, rule, in, 0, rows, cols, block, codes, packed, scales);
}

void octet_mx_quantize_bf16(octet_bq_element element, octet_mx_rule rule, const uint16_t *in, size_t rows, size_t cols,
                            size_t block, uint8_t *codes, uint8_t *packed, uint8_t *scales) {
    octet_mx_quantize(element, rule, in, 1, rows, cols, block, codes, packed, scales);
}

__attribute__((target("avx2")))
static uint32_t amax_avx2(const void *src, int kind, size_t n, size_t *i_out) {
    __m256i m0 = _mm256_setzero_si256(), m1 = m0, m2 = m0, m3 = m0;
    const __m256i absm = _mm256_set1_epi32(0x7FFFFFFF);
    size_t i = 0;
    if (kind == 0) {
        for (; i + 32 <= n; i += 32) {
            m0 = _mm256_max_epu32(m0, _mm256_and_si256(load8(src, i, 0), absm));
            m1 = _mm256_max_epu32(m1, _mm256_and_si256(load8(src, i + 8, 0), absm));
            m2 = _mm256_max_epu32(m2, _mm256_and_si256(load8(src, i + 16, 0), absm));
            m3 = _mm256_max_epu32(m3, _mm256_and_si256(load8(src, i + 24, 0), absm));
        }
    } else {
        const __m256i abs16 = _mm256_set1_epi16(0x7FFF);
        for (; i + 32 <= n; i += 32) {
            m0 = _mm256_max_epu16(m0, _mm256_and_si256(_mm256_loadu_si256((const __m256i *)((const uint16_t *)src + i)), abs16));
            m1 = _mm256_max_epu16(m1, _mm256_and_si256(_mm256_loadu_si256((const __m256i *)((const uint16_t *)src + i + 16)), abs16));
        }
        m0 = _mm256_max_epu16(m0, m1);
        m1 = m2;
        /* 16-bit maxima to 32-bit patterns */
        m0 = _mm256_max_epu32(_mm256_slli_epi32(m0, 16), _mm256_and_si256(m0, _mm256_set1_epi32((int)0xFFFF0000u)));
    }
    *i_out = i;
    return hmax_epu32(_mm256_max_epu32(_mm256_max_epu32(m0, m1), _mm256_max_epu32(m2, m3)));
}

static uint32_t amax_bits(const void *src, int kind, size_t n) {
    size_t i = 0;
    uint32_t m = 0;
    if (octet_has_avx2()) m = amax_avx2(src, kind, n, &i);
    for (; i < n; i++) { uint32_t a = load_bits(src, i, kind) & 0x7FFFFFFFu; if (a > m) m = a; }
    return m;
}

uint32_t octet_amax_f32(const float *in, size_t n) { return amax_bits(in, 0, n); }
uint32_t octet_amax_bf16(const uint16_t *in, size_t n) { return amax_bits(in, 1, n); }

uint32_t octet_nvfp4_tensor_scale(uint32_t amax_bits_) {
    return bits_of(f32_of(amax_bits_) / 2688.0f);   /* one correctly rounded binary32 division */
}

void octet_nvfp4_quantize_scaled(const void *in, int bf16, size_t rows, size_t cols, size_t block, uint32_t tensor_scale,
                                 uint8_t *codes, uint8_t *packed, uint8_t *scales) {
    bq_ctx c = { bq_element(OCTET_BQ_E2M1), OCTET_MX_FLOOR, f32_of(tensor_scale), 1 };
    quantize_rows(&c, in, bf16 ? 1 : 0, rows, cols, block, codes, packed, scales);
}

int octet_nvfp4_quantize(const void *in, int bf16, size_t rows, size_t cols, size_t block, uint32_t *tensor_scale,
                         uint8_t *codes, uint8_t *packed, uint8_t *scales, size_t *bad) {
    const int kind = bf16 ? 1 : 0;
    size_t n = rows * cols;
    uint32_t a = amax_bits(in, kind, n);
    if (a >= 0x7F800000u) {
        for (size_t i = 0; i < n; i++) if ((load_bits(in, i, kind) & 0x7FFFFFFFu) >= 0x7F800000u) { if (bad) *bad = i; break; }
        return 1;
    }
    uint32_t st = octet_nvfp4_tensor_scale(a);
    *tensor_scale = st;
    if (st == 0 && a != 0) return 2;
    octet_nvfp4_quantize_scaled(in, bf16, rows, cols, block, st, codes, packed, scales);
    return 0;
}

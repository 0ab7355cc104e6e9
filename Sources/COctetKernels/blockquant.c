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
#include "codes8.h"

typedef struct {
    int M, bias, emax;
    uint32_t maxcode;      /* largest finite magnitude code */
    uint32_t max_m23;      /* the element max's significand bits (rceil) */
    int sign_shift;        /* u >> sign_shift & sign_bit is the code's sign */
    uint32_t sign_bit;
} bq_elem;

static inline bq_elem bq_element(octet_bq_element el) {
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

/* The largest magnitude pattern of L elements from i0 (NaN patterns above 0x7F800000). */
static inline uint32_t amax_scalar(const void *src, size_t i0, size_t L, int kind) {
    uint32_t m = 0;
    for (size_t k = 0; k < L; k++) { uint32_t a = load_bits(src, i0 + k, kind) & 0x7FFFFFFFu; if (a > m) m = a; }
    return m;
}

/* The index of the first NaN or Inf in [from, to), or SIZE_MAX. */
static size_t first_nonfinite(const void *src, size_t from, size_t to, int kind) {
    for (size_t i = from; i < to; i++) if ((load_bits(src, i, kind) & 0x7FFFFFFFu) >= 0x7F800000u) return i;
    return SIZE_MAX;
}

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

/* The shared exponent of an amax pattern under the rule; 128 stands for "above 127" and for a
 * block holding NaN or Inf (the NaN scale). */
static int mx_exponent(const bq_elem *el, octet_mx_rule rule, uint32_t a) {
    if (a >= 0x7F800000u) return 128;
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
static int mx_block_scalar(const bq_elem *el, octet_mx_rule rule, const void *src, size_t i0, size_t L, int kind, uint8_t *out) {
    int e = mx_exponent(el, rule, amax_scalar(src, i0, L, kind));
    if (e > 127) { memset(out, 0, L); return 0xFF; }
    float s = pow2f(-e);
    for (size_t k = 0; k < L; k++) {
        uint32_t u = load_bits(src, i0 + k, kind);
        uint32_t y = bits_of(f32_of(u) * s);
        out[k] = (uint8_t)(enc_rne(el, y & 0x7FFFFFFFu) | ((u >> el->sign_shift) & el->sign_bit));
    }
    return e + 127;
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
static int nv_block_scalar(const void *src, size_t i0, size_t L, int kind, float st, uint8_t *out) {
    uint32_t amax = amax_scalar(src, i0, L, kind);
    if (amax >= 0x7F800000u) return -1;   /* NaN or Inf: the caller reports it */
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
    return (int)sc;
}

/* ---- AVX2 ----
 * One function per (element format, input kind) walks the whole tensor, so that the element
 * format's constants are immediates and no call happens per block. A block whose length is a
 * multiple of 8 (at most 256) is vectorised: its amax from registers, the scale in scalar code,
 * then its elements; any other block (a ragged tail of odd length, odd block lengths) takes the
 * scalar block routine above. Blocks of 32 (MX) and 16 (NVFP4) are unrolled. */

#define BQ_TARGET __attribute__((target("avx2,fma,f16c")))
#define BQ_INLINE __attribute__((target("avx2,fma,f16c"), always_inline)) static inline

BQ_INLINE __m256i load8(const void *src, size_t i, int kind) {
    if (kind == 0) return _mm256_loadu_si256((const __m256i *)((const uint32_t *)src + i));
    return _mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)((const uint16_t *)src + i))), 16);
}

BQ_INLINE uint32_t hmax_epu32(__m256i v) {
    __m128i m = _mm_max_epu32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    m = _mm_max_epu32(m, _mm_shuffle_epi32(m, 0x4E));
    m = _mm_max_epu32(m, _mm_shuffle_epi32(m, 0xB1));
    return (uint32_t)_mm_cvtsi128_si32(m);
}


/* Eight 4-bit codes in 32-bit lanes packed low-first into 4 bytes. */
BQ_INLINE void store8n(uint8_t *out, __m256i v) {
    __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));   /* 8 words */
    w = _mm_and_si128(_mm_or_si128(w, _mm_srli_epi32(w, 12)), _mm_set1_epi32(0xFF));        /* w0 | w1 << 4 per dword */
    w = _mm_packus_epi16(_mm_packus_epi32(w, w), w);
    int32_t x = _mm_cvtsi128_si32(w);
    memcpy(out, &x, 4);
}


/* Thirty-two 4-bit codes (bytes) packed low-first into 16 bytes. */
BQ_INLINE __m128i nibbles32(__m256i b) {
    __m256i w = _mm256_maddubs_epi16(b, _mm256_set1_epi16(0x1001));   /* lo + 16·hi per byte pair */
    return _mm256_castsi256_si128(_mm256_permute4x64_epi64(_mm256_packus_epi16(w, w), 0x08));
}

/* Codes of 8·nv elements (vectors c) to the outputs: one byte each at `codes`, and/or packed
 * nibbles at `packed` (4-bit formats). */
BQ_INLINE void emit_codes(const __m256i *c, size_t nv, uint8_t *codes, uint8_t *packed) {
    size_t k = 0;
    for (; k + 4 <= nv; k += 4) {
        __m256i b = octet_pack32_codes(c[k], c[k + 1], c[k + 2], c[k + 3]);
        if (codes) _mm256_storeu_si256((__m256i *)(codes + 8 * k), b);
        if (packed) _mm_storeu_si128((__m128i *)(packed + 4 * k), nibbles32(b));
    }
    for (; k < nv; k++) {
        if (codes) octet_store8_codes(codes + 8 * k, c[k]);
        if (packed) store8n(packed + 4 * k, c[k]);
    }
}

/* Code 0 for 8·nv elements (the NaN scale of MX, a zero scale of NVFP4). */
static inline void emit_zeros(size_t nv, uint8_t *codes, uint8_t *packed) {
    if (codes) memset(codes, 0, 8 * nv);
    if (packed) memset(packed, 0, 4 * nv);
}

/* Loads 8·nv elements from i0 into u and returns their amax pattern. */
BQ_INLINE uint32_t load_amax(const void *src, size_t i0, const size_t nv, const int kind, __m256i *u) {
    const __m256i absm = _mm256_set1_epi32(0x7FFFFFFF);
    __m256i mx = _mm256_setzero_si256();
    for (size_t k = 0; k < nv; k++) {
        u[k] = load8(src, i0 + 8 * k, kind);
        mx = _mm256_max_epu32(mx, _mm256_and_si256(u[k], absm));
    }
    return hmax_epu32(mx);
}

/* MX element codes of eight inputs u (bits) scaled by s = 2^-e: convert.c's rne route, with the
 * element format's constants (M mantissa bits, bias, largest magnitude code, sign placement). */
BQ_INLINE __m256i mx_enc8(__m256i u, __m256 s, const int M, const int bias, const int maxcode, const int sign_shift, const int sign_bit) {
    const __m256i absm = _mm256_set1_epi32(0x7FFFFFFF), one = _mm256_set1_epi32(1);
    __m256i a = _mm256_and_si256(_mm256_castps_si256(_mm256_mul_ps(_mm256_castsi256_ps(u), s)), absm);
    __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(a, 23 - M), one);
    __m256i normal = _mm256_sub_epi32(
        _mm256_srli_epi32(_mm256_add_epi32(_mm256_add_epi32(a, _mm256_set1_epi32((1 << (22 - M)) - 1)), lsb), 23 - M),
        _mm256_set1_epi32((127 - bias) << M));
    /* below 2^emin: |y| · 2^(M - emin) < 2^M is exact, vcvtps2dq rounds it to an integer (rne) */
    __m256i sub = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(_mm256_set1_epi32((M - (1 - bias) + 127) << 23))));
    __m256i code = _mm256_blendv_epi8(normal, sub, _mm256_cmpgt_epi32(_mm256_set1_epi32((1 - bias + 127) << 23), a));
    code = _mm256_min_epi32(code, _mm256_set1_epi32(maxcode));
    return _mm256_or_si256(code, _mm256_and_si256(_mm256_srli_epi32(u, sign_shift), _mm256_set1_epi32(sign_bit)));
}

/* One MX block of L = 8·nv elements (nv <= 32). */
BQ_INLINE uint8_t mx_block_avx2(const bq_elem *el, octet_mx_rule rule, const void *src, size_t i0, const size_t nv, const int kind,
                                const int M, const int bias, const int maxcode, const int sign_shift, const int sign_bit,
                                uint8_t *codes, uint8_t *packed) {
    __m256i u[32], c[32];
    int e = mx_exponent(el, rule, load_amax(src, i0, nv, kind, u));
    if (e > 127) {   /* NaN or Inf in the block, or a shared exponent above 127: the NaN scale, codes 0 */
        emit_zeros(nv, codes, packed);
        return 0xFF;
    }
    const __m256 s = _mm256_set1_ps(pow2f(-e));
    for (size_t k = 0; k < nv; k++) c[k] = mx_enc8(u[k], s, M, bias, maxcode, sign_shift, sign_bit);
    emit_codes(c, nv, codes, packed);
    return (uint8_t)(e + 127);
}

/* The whole tensor, MX. Returns nothing: MX has no errors. */
BQ_INLINE void mx_tensor_avx2(const bq_elem *el, octet_mx_rule rule, const void *src, const int kind, size_t rows, size_t cols,
                              size_t block, uint8_t *codes, uint8_t *packed, uint8_t *scales,
                              const int M, const int bias, const int maxcode, const int sign_shift, const int sign_bit) {
    const size_t nb = (cols + block - 1) / block, pcols = (cols + 1) / 2;
    uint8_t tmp[256];
    float sbits[64];
    for (size_t r = 0; r < rows; r++) {
        for (size_t b = 0; b < nb; b++) {
            size_t c0 = b * block, L = cols - c0 < block ? cols - c0 : block, i0 = r * cols + c0;
            uint8_t *oc = codes ? codes + i0 : NULL, *op = packed ? packed + r * pcols + c0 / 2 : NULL;
            uint8_t sc;
            if (block == 32 && b + 1 < cols / 32) {
                /* a chunk of up to 64 full blocks: their scales first (the amax -> exponent -> 2^-e
                 * chain of each block is long, and independent across blocks), then the elements */
                size_t nfull = cols / 32 - b;
                if (nfull > 64) nfull = 64;
                for (size_t g = 0; g < nfull; g++) {
                    __m256i u[4];
                    int e = mx_exponent(el, rule, load_amax(src, i0 + 32 * g, 4, kind, u));
                    scales[r * nb + b + g] = e > 127 ? 0xFF : (uint8_t)(e + 127);
                    sbits[g] = e > 127 ? 0.0f : pow2f(-e);
                }
                for (size_t g = 0; g < nfull; g++) {
                    uint8_t *ocg = oc ? oc + 32 * g : NULL, *opg = op ? op + 16 * g : NULL;
                    if (scales[r * nb + b + g] == 0xFF) { emit_zeros(4, ocg, opg); continue; }   /* the NaN scale: codes 0 */
                    __m256i c[4];
                    const __m256 sv = _mm256_broadcast_ss(&sbits[g]);
                    for (int k = 0; k < 4; k++) c[k] = mx_enc8(load8(src, i0 + 32 * g + 8 * k, kind), sv, M, bias, maxcode, sign_shift, sign_bit);
                    emit_codes(c, 4, ocg, opg);
                }
                b += nfull - 1;
                continue;
            }
            if (L == 32) sc = mx_block_avx2(el, rule, src, i0, 4, kind, M, bias, maxcode, sign_shift, sign_bit, oc, op);
            else if (L % 8 == 0 && L <= 256) sc = mx_block_avx2(el, rule, src, i0, L / 8, kind, M, bias, maxcode, sign_shift, sign_bit, oc, op);
            else {
                sc = (uint8_t)mx_block_scalar(el, rule, src, i0, L, kind, oc ? oc : tmp);
                if (op) pack_block(oc ? oc : tmp, op, L);
            }
            scales[r * nb + b] = sc;
        }
    }
}

/* One function per element format and input kind; the format's constants come from bq_element
 * and are immediates after inlining. */
#define MX_VARIANT(name, element, kind)                                                                                  \
    BQ_TARGET static void name(octet_mx_rule rule, const void *src, size_t rows, size_t cols, size_t block,              \
                               uint8_t *codes, uint8_t *packed, uint8_t *scales) {                                       \
        const bq_elem el = bq_element(element);                                                                          \
        mx_tensor_avx2(&el, rule, src, kind, rows, cols, block, codes, packed, scales,                                   \
                       el.M, el.bias, (int)el.maxcode, el.sign_shift, (int)el.sign_bit);                                 \
    }
MX_VARIANT(mx_e4m3_f32_avx2, OCTET_BQ_E4M3, 0)
MX_VARIANT(mx_e4m3_bf16_avx2, OCTET_BQ_E4M3, 1)
MX_VARIANT(mx_e5m2_f32_avx2, OCTET_BQ_E5M2, 0)
MX_VARIANT(mx_e5m2_bf16_avx2, OCTET_BQ_E5M2, 1)
MX_VARIANT(mx_e2m1_f32_avx2, OCTET_BQ_E2M1, 0)
MX_VARIANT(mx_e2m1_bf16_avx2, OCTET_BQ_E2M1, 1)

/* Eight NVFP4 element codes: |x| against the block's thresholds. thr[k] holds U_k − 1, U_k the
 * smallest binary32 pattern whose value makes the code pass midpoint k (see nv_thresholds); sm is
 * the sign bit (8) or, for a block whose codes must be +0, 0. */
BQ_INLINE __m256i nv_enc8(__m256i u, const __m256i *thr, __m256i sm) {
    __m256i a = _mm256_and_si256(u, _mm256_set1_epi32(0x7FFFFFFF));
    __m256i n = _mm256_cmpgt_epi32(a, thr[0]);
    n = _mm256_add_epi32(n, _mm256_cmpgt_epi32(a, thr[1]));
    n = _mm256_add_epi32(n, _mm256_cmpgt_epi32(a, thr[2]));
    n = _mm256_add_epi32(n, _mm256_cmpgt_epi32(a, thr[3]));
    n = _mm256_add_epi32(n, _mm256_cmpgt_epi32(a, thr[4]));
    n = _mm256_add_epi32(n, _mm256_cmpgt_epi32(a, thr[5]));
    n = _mm256_add_epi32(n, _mm256_cmpgt_epi32(a, thr[6]));   /* minus the code */
    return _mm256_or_si256(_mm256_sub_epi32(_mm256_setzero_si256(), n), _mm256_and_si256(_mm256_srli_epi32(u, 28), sm));
}

/* The block's seven thresholds as binary32 patterns minus one. The element code is the number of
 * midpoints t_k·D (t = 0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5; D = dec(scale)·s_t) that |x| passes:
 * strictly (|x| > t_k·D) where the code below the midpoint is even (k = 0, 2, 4, 6: a tie goes
 * down), or reaching it (|x| >= t_k·D, k = 1, 3, 5: a tie goes up to the even code). Each t_k·D
 * is exact in binary64 (3 + 28 bits). For binary32 x, |x| >= T holds iff |x| >= RU32(T), and
 * |x| > T iff |x| >= RU32(T) when T is not a binary32 value, iff |x| >= nextUp(T) when it is.
 * So U_k = RN32(T_k) plus one ulp when RN32(T_k) < T_k, or, for a strict midpoint, when
 * RN32(T_k) <= T_k; patterns of non-negative binary32 values order as integers, and every U_k is
 * positive and finite (T_k < 5·448·2^128/2688 < 2^128 and > 0). */
BQ_INLINE void nv_thresholds(double D, __m256i *thr) {
    const __m256d d = _mm256_set1_pd(D);
    const __m256d t0 = _mm256_mul_pd(d, _mm256_setr_pd(0.25, 0.75, 1.25, 1.75));
    const __m256d t1 = _mm256_mul_pd(d, _mm256_setr_pd(2.5, 3.5, 5.0, 5.0));
    const __m128 r0 = _mm256_cvtpd_ps(t0), r1 = _mm256_cvtpd_ps(t1);   /* RN32 */
    const __m256d b0 = _mm256_cvtps_pd(r0), b1 = _mm256_cvtps_pd(r1);
    /* strict lanes: 0, 2 | 4, 6 (and the padding lane 7) */
    const __m256d strict = _mm256_castsi256_pd(_mm256_setr_epi64x(-1, 0, -1, 0));
    __m256d i0 = _mm256_blendv_pd(_mm256_cmp_pd(b0, t0, _CMP_LT_OQ), _mm256_cmp_pd(b0, t0, _CMP_LE_OQ), strict);
    __m256d i1 = _mm256_blendv_pd(_mm256_cmp_pd(b1, t1, _CMP_LT_OQ), _mm256_cmp_pd(b1, t1, _CMP_LE_OQ), strict);
    __m128i m0 = _mm_castps_si128(_mm_shuffle_ps(_mm_castpd_ps(_mm256_castpd256_pd128(i0)), _mm_castpd_ps(_mm256_extractf128_pd(i0, 1)), 0x88));
    __m128i m1 = _mm_castps_si128(_mm_shuffle_ps(_mm_castpd_ps(_mm256_castpd256_pd128(i1)), _mm_castpd_ps(_mm256_extractf128_pd(i1, 1)), 0x88));
    /* U − 1 = RN32 bits − 1 + increment = RN32 bits − 1 − mask */
    const __m128i one = _mm_set1_epi32(1);
    __m128i u0 = _mm_sub_epi32(_mm_sub_epi32(_mm_castps_si128(r0), one), m0);
    __m128i u1 = _mm_sub_epi32(_mm_sub_epi32(_mm_castps_si128(r1), one), m1);
    thr[0] = _mm256_broadcastd_epi32(u0);
    thr[1] = _mm256_broadcastd_epi32(_mm_shuffle_epi32(u0, 0x55));
    thr[2] = _mm256_broadcastd_epi32(_mm_shuffle_epi32(u0, 0xAA));
    thr[3] = _mm256_broadcastd_epi32(_mm_shuffle_epi32(u0, 0xFF));
    thr[4] = _mm256_broadcastd_epi32(u1);
    thr[5] = _mm256_broadcastd_epi32(_mm_shuffle_epi32(u1, 0x55));
    thr[6] = _mm256_broadcastd_epi32(_mm_shuffle_epi32(u1, 0xAA));
}

/* One NVFP4 block of 8·nv elements. Returns the scale code, or -1 for a NaN or Inf input. */
BQ_INLINE int nv_block_avx2(const void *src, size_t i0, const size_t nv, const int kind, float st, double d6, uint8_t *codes, uint8_t *packed) {
    __m256i u[32], c[32];
    uint32_t amax = load_amax(src, i0, nv, kind, u);
    if (amax >= 0x7F800000u) return -1;
    uint32_t sc = 0;
    if (amax != 0 && st != 0.0f) sc = nv_scale_code((double)f32_of(amax), d6);
    if (sc == 0) {   /* a zero block, a zero tensor scale or a scale that rounds to 0: +0 elements */
        emit_zeros(nv, codes, packed);
        return 0;
    }
    __m256i thr[7];
    nv_thresholds(e4m3_value(sc) * (double)st, thr);   /* exact: 4 + 24 bits */
    for (size_t k = 0; k < nv; k++) c[k] = nv_enc8(u[k], thr, _mm256_set1_epi32(8));
    emit_codes(c, nv, codes, packed);
    return (int)sc;
}

/* dec(code) of E4M3 for the block scale codes 1..0x7E (exact in binary64); entry 0 is +Inf so that a
 * zero-scale block gets thresholds no finite input passes (its codes are forced to +0 below). */
static const double nv_dec[128] = {
    __builtin_inf(), 0x1.0000000000000p-9, 0x1.0000000000000p-8, 0x1.8000000000000p-8, 0x1.0000000000000p-7, 0x1.4000000000000p-7, 0x1.8000000000000p-7, 0x1.c000000000000p-7,
    0x1.0000000000000p-6, 0x1.2000000000000p-6, 0x1.4000000000000p-6, 0x1.6000000000000p-6, 0x1.8000000000000p-6, 0x1.a000000000000p-6, 0x1.c000000000000p-6, 0x1.e000000000000p-6,
    0x1.0000000000000p-5, 0x1.2000000000000p-5, 0x1.4000000000000p-5, 0x1.6000000000000p-5, 0x1.8000000000000p-5, 0x1.a000000000000p-5, 0x1.c000000000000p-5, 0x1.e000000000000p-5,
    0x1.0000000000000p-4, 0x1.2000000000000p-4, 0x1.4000000000000p-4, 0x1.6000000000000p-4, 0x1.8000000000000p-4, 0x1.a000000000000p-4, 0x1.c000000000000p-4, 0x1.e000000000000p-4,
    0x1.0000000000000p-3, 0x1.2000000000000p-3, 0x1.4000000000000p-3, 0x1.6000000000000p-3, 0x1.8000000000000p-3, 0x1.a000000000000p-3, 0x1.c000000000000p-3, 0x1.e000000000000p-3,
    0x1.0000000000000p-2, 0x1.2000000000000p-2, 0x1.4000000000000p-2, 0x1.6000000000000p-2, 0x1.8000000000000p-2, 0x1.a000000000000p-2, 0x1.c000000000000p-2, 0x1.e000000000000p-2,
    0x1.0000000000000p-1, 0x1.2000000000000p-1, 0x1.4000000000000p-1, 0x1.6000000000000p-1, 0x1.8000000000000p-1, 0x1.a000000000000p-1, 0x1.c000000000000p-1, 0x1.e000000000000p-1,
    0x1.0000000000000p+0, 0x1.2000000000000p+0, 0x1.4000000000000p+0, 0x1.6000000000000p+0, 0x1.8000000000000p+0, 0x1.a000000000000p+0, 0x1.c000000000000p+0, 0x1.e000000000000p+0,
    0x1.0000000000000p+1, 0x1.2000000000000p+1, 0x1.4000000000000p+1, 0x1.6000000000000p+1, 0x1.8000000000000p+1, 0x1.a000000000000p+1, 0x1.c000000000000p+1, 0x1.e000000000000p+1,
    0x1.0000000000000p+2, 0x1.2000000000000p+2, 0x1.4000000000000p+2, 0x1.6000000000000p+2, 0x1.8000000000000p+2, 0x1.a000000000000p+2, 0x1.c000000000000p+2, 0x1.e000000000000p+2,
    0x1.0000000000000p+3, 0x1.2000000000000p+3, 0x1.4000000000000p+3, 0x1.6000000000000p+3, 0x1.8000000000000p+3, 0x1.a000000000000p+3, 0x1.c000000000000p+3, 0x1.e000000000000p+3,
    0x1.0000000000000p+4, 0x1.2000000000000p+4, 0x1.4000000000000p+4, 0x1.6000000000000p+4, 0x1.8000000000000p+4, 0x1.a000000000000p+4, 0x1.c000000000000p+4, 0x1.e000000000000p+4,
    0x1.0000000000000p+5, 0x1.2000000000000p+5, 0x1.4000000000000p+5, 0x1.6000000000000p+5, 0x1.8000000000000p+5, 0x1.a000000000000p+5, 0x1.c000000000000p+5, 0x1.e000000000000p+5,
    0x1.0000000000000p+6, 0x1.2000000000000p+6, 0x1.4000000000000p+6, 0x1.6000000000000p+6, 0x1.8000000000000p+6, 0x1.a000000000000p+6, 0x1.c000000000000p+6, 0x1.e000000000000p+6,
    0x1.0000000000000p+7, 0x1.2000000000000p+7, 0x1.4000000000000p+7, 0x1.6000000000000p+7, 0x1.8000000000000p+7, 0x1.a000000000000p+7, 0x1.c000000000000p+7, 0x1.e000000000000p+7,
    0x1.0000000000000p+8, 0x1.2000000000000p+8, 0x1.4000000000000p+8, 0x1.6000000000000p+8, 0x1.8000000000000p+8, 0x1.a000000000000p+8, 0x1.c000000000000p+8, 0.0,
};

/* Threshold U − 1 of midpoint t for four blocks (D in binary64 lanes), as nv_thresholds. */
BQ_INLINE void nv_threshold4(__m256d D, double t, const int strict, int32_t *dst) {
    __m256d T = _mm256_mul_pd(D, _mm256_set1_pd(t));
    __m128 r = _mm256_cvtpd_ps(T);
    __m256d b = _mm256_cvtps_pd(r);
    __m256d inc = strict ? _mm256_cmp_pd(b, T, _CMP_LE_OQ) : _mm256_cmp_pd(b, T, _CMP_LT_OQ);
    __m128i inc32 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(_mm256_castpd_si256(inc), _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6)));
    _mm_store_si128((__m128i *)dst, _mm_sub_epi32(_mm_sub_epi32(_mm_castps_si128(r), _mm_set1_epi32(1)), inc32));
}

/* The same from the bits of T = t·D when 2^-126 <= T < 2^128: its top 23 fraction bits truncated
 * give the binary32 pattern RD32(T) = trunc; the smallest binary32 value > T is trunc + 1, and the
 * smallest >= T is trunc when T is a binary32 value (the 29 low fraction bits are 0), else
 * trunc + 1. So U − 1 = trunc for a strict midpoint, trunc − [low bits 0] for the others. */
BQ_INLINE void nv_threshold4_bits(__m256d D, double t, const int strict, int32_t *dst) {
    __m256i Tb = _mm256_castpd_si256(_mm256_mul_pd(D, _mm256_set1_pd(t)));
    __m256i tr = _mm256_sub_epi64(_mm256_srli_epi64(Tb, 29), _mm256_set1_epi64x((1023ll - 127) << 23));
    if (!strict) tr = _mm256_add_epi64(tr, _mm256_cmpeq_epi64(_mm256_and_si256(Tb, _mm256_set1_epi64x((1ll << 29) - 1)), _mm256_setzero_si256()));
    __m128i t32 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(tr, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6)));
    _mm_store_si128((__m128i *)dst, t32);
}

/* Phase A of four consecutive full NVFP4 blocks of 16 (64 elements from i0): their scale work
 * done four blocks at a time in binary64 lanes, thresholds and sign masks stored for phase B (a
 * row chunk of blocks goes through phase A before any of its elements, so that the division and
 * conversion chains of many blocks overlap). The scale code of each block: q = RN64(amax / (6 s_t))
 * read from its bits as nv_scale_code does; a lane whose q is an E4M3 midpoint (the exact
 * residual must decide), below 2^-6 (subnormal scale codes) or whose amax is 0 goes through
 * nv_scale_code itself. Writes four scale codes and thr4; returns -1 (nothing written) when a
 * block holds NaN or Inf. */
BQ_INLINE int nv_scales4_avx2(const void *src, size_t i0, const int kind, float st, double d6, uint8_t *scales, int32_t thr4[8][4]) {
    const __m256i absm = _mm256_set1_epi32(0x7FFFFFFF);
    __m256i m[4];
    for (int j = 0; j < 4; j++)
        m[j] = _mm256_max_epu32(_mm256_and_si256(load8(src, i0 + 16 * j, kind), absm), _mm256_and_si256(load8(src, i0 + 16 * j + 8, kind), absm));
    /* the four maxima, transposed: lane j = amax of block j */
    __m256i a01 = _mm256_max_epu32(_mm256_unpacklo_epi32(m[0], m[1]), _mm256_unpackhi_epi32(m[0], m[1]));
    __m256i a23 = _mm256_max_epu32(_mm256_unpacklo_epi32(m[2], m[3]), _mm256_unpackhi_epi32(m[2], m[3]));
    __m256i c4 = _mm256_max_epu32(_mm256_unpacklo_epi64(a01, a23), _mm256_unpackhi_epi64(a01, a23));
    __m128i am = _mm_max_epu32(_mm256_castsi256_si128(c4), _mm256_extracti128_si256(c4, 1));
    if (_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpgt_epi32(am, _mm_set1_epi32(0x7F7FFFFF))))) return -1;
    const __m256d q = _mm256_div_pd(_mm256_cvtps_pd(_mm_castsi128_ps(am)), _mm256_set1_pd(d6));
    const __m256i qb = _mm256_castpd_si256(q);
    const __m256i low = _mm256_and_si256(qb, _mm256_set1_epi64x((1ll << 49) - 1));
    __m256i code = _mm256_sub_epi64(_mm256_srli_epi64(qb, 49), _mm256_set1_epi64x((1023 - 7) << 3));
    code = _mm256_sub_epi64(code, _mm256_cmpgt_epi64(low, _mm256_set1_epi64x(1ll << 48)));   /* + 1 above the midpoint */
    code = _mm256_blendv_epi8(code, _mm256_set1_epi64x(0x7E), _mm256_cmpgt_epi64(code, _mm256_set1_epi64x(0x7E)));   /* saturate */
    const __m256i special = _mm256_or_si256(_mm256_cmpeq_epi64(low, _mm256_set1_epi64x(1ll << 48)),
                                            _mm256_cmpgt_epi64(_mm256_set1_epi64x(0x3F90000000000000ll), qb));   /* tie, or q < 2^-6 (amax 0 too) */
    const int sp = _mm256_movemask_pd(_mm256_castsi256_pd(special));
    __m256d dec;
    if (__builtin_expect(sp == 0, 1)) {
        /* every code >= 8 (normal): dec(code) = 2^(code>>3 - 7) · (1 + (code & 7)/8), built in the bits */
        dec = _mm256_castsi256_pd(_mm256_add_epi64(_mm256_slli_epi64(code, 49), _mm256_set1_epi64x((1023ll - 7) << 52)));
        __m128i c32 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(code, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6)));
        c32 = _mm_packus_epi16(_mm_packus_epi32(c32, c32), c32);
        int32_t four = _mm_cvtsi128_si32(c32);
        memcpy(scales, &four, 4);
        _mm_store_si128((__m128i *)thr4[7], _mm_set1_epi32(8));
    } else {
        int64_t sc[4];
        uint32_t amx[4];
        _mm256_storeu_si256((__m256i *)sc, code);
        _mm_storeu_si128((__m128i *)amx, am);
        for (int j = 0; j < 4; j++) {
            if (sp >> j & 1) sc[j] = amx[j] == 0 ? 0 : (int64_t)nv_scale_code((double)f32_of(amx[j]), d6);
            scales[j] = (uint8_t)sc[j];
            thr4[7][j] = sc[j] ? 8 : 0;
        }
        dec = _mm256_setr_pd(nv_dec[sc[0]], nv_dec[sc[1]], nv_dec[sc[2]], nv_dec[sc[3]]);
    }
    /* thresholds of the four blocks, seven per block (nv_thresholds); a block with scale 0 has
     * D = +Inf (nv_dec[0]): no input passes a threshold, and its sign mask is 0: +0 codes */
    const __m256d D = _mm256_mul_pd(dec, _mm256_set1_pd((double)st));
    if (__builtin_expect(sp == 0, 1) &&
        !_mm256_movemask_pd(_mm256_cmp_pd(_mm256_mul_pd(D, _mm256_set1_pd(0.25)), _mm256_set1_pd(0x1p-126), _CMP_LT_OQ))) {
        /* every threshold in binary32's normal range and every D finite: the integer route */
#pragma clang loop unroll(full)
        for (int k = 0; k < 7; k++) nv_threshold4_bits(D, nv_mid[k], !(k & 1), thr4[k]);   /* even k: strict */
        return 0;
    }
#pragma clang loop unroll(full)
    for (int k = 0; k < 7; k++) nv_threshold4(D, nv_mid[k], !(k & 1), thr4[k]);
    return 0;
}

/* Phase B of four blocks: their elements against the thresholds phase A stored. */
BQ_INLINE void nv_elems4_avx2(const void *src, size_t i0, const int kind, const int32_t thr4[8][4], uint8_t *codes, uint8_t *packed) {
    for (int p = 0; p < 2; p++) {   /* two blocks (32 elements) at a time, stored as they are done */
        __m256i c[4];
        for (int q = 0; q < 2; q++) {
            const int j = 2 * p + q;
            __m256i thr[7];
            for (int k = 0; k < 7; k++) thr[k] = _mm256_set1_epi32(thr4[k][j]);
            const __m256i sm = _mm256_set1_epi32(thr4[7][j]);
            for (int h = 0; h < 2; h++) c[2 * q + h] = nv_enc8(load8(src, i0 + 16 * j + 8 * h, kind), thr, sm);
        }
        emit_codes(c, 4, codes ? codes + 32 * p : NULL, packed ? packed + 16 * p : NULL);
    }
}

/* The whole tensor, NVFP4 block pass. Returns the row-major index of the first block holding a
 * NaN or Inf, or SIZE_MAX. */
BQ_INLINE size_t nv_tensor_avx2(const void *src, const int kind, size_t rows, size_t cols, size_t block, float st,
                                uint8_t *codes, uint8_t *packed, uint8_t *scales) {
    const size_t nb = (cols + block - 1) / block, pcols = (cols + 1) / 2;
    const double d6 = 6.0 * (double)st;
    uint8_t tmp[256];
    __attribute__((aligned(32))) int32_t thr[16][8][4];
    for (size_t r = 0; r < rows; r++) {
        for (size_t b = 0; b < nb; b++) {
            size_t c0 = b * block, L = cols - c0 < block ? cols - c0 : block, i0 = r * cols + c0;
            uint8_t *oc = codes ? codes + i0 : NULL, *op = packed ? packed + r * pcols + c0 / 2 : NULL;
            int sc;
            if (block == 16 && st != 0.0f && b + 4 <= cols / 16) {
                /* a chunk of up to 64 full blocks, four at a time: phase A for all, then phase B */
                size_t groups = (cols / 16 - b) / 4;
                if (groups > 16) groups = 16;
                size_t g = 0;
                for (; g < groups; g++)
                    if (nv_scales4_avx2(src, i0 + 64 * g, kind, st, d6, scales + r * nb + b + 4 * g, thr[g]) != 0) break;
                for (size_t h = 0; h < g; h++)
                    nv_elems4_avx2(src, i0 + 64 * h, kind, thr[h], oc ? oc + 64 * h : NULL, op ? op + 32 * h : NULL);
                if (g > 0) { b += 4 * g - 1; continue; }
                /* a NaN or Inf among the next four blocks: the per-block route finds it */
            }
            if (L == 16) sc = nv_block_avx2(src, i0, 2, kind, st, d6, oc, op);
            else if (L % 8 == 0 && L <= 256) sc = nv_block_avx2(src, i0, L / 8, kind, st, d6, oc, op);
            else {
                sc = nv_block_scalar(src, i0, L, kind, st, oc ? oc : tmp);
                if (sc >= 0 && op) pack_block(oc ? oc : tmp, op, L);
            }
            if (sc < 0) return r * nb + b;
            scales[r * nb + b] = (uint8_t)sc;
        }
    }
    return SIZE_MAX;
}

BQ_TARGET static size_t nv_f32_avx2(const void *src, size_t rows, size_t cols, size_t block, float st, uint8_t *codes, uint8_t *packed, uint8_t *scales) {
    return nv_tensor_avx2(src, 0, rows, cols, block, st, codes, packed, scales);
}
BQ_TARGET static size_t nv_bf16_avx2(const void *src, size_t rows, size_t cols, size_t block, float st, uint8_t *codes, uint8_t *packed, uint8_t *scales) {
    return nv_tensor_avx2(src, 1, rows, cols, block, st, codes, packed, scales);
}

/* ---- drivers ---- */

/* The portable path: block by block, scalar. Codes go to `codes` or, when only `packed` is
 * wanted, to a row buffer packed afterwards (blocks of odd length start on odd elements). */
static size_t quantize_rows_scalar(const bq_elem *el, octet_mx_rule rule, int nv, float st, const void *src, int kind,
                                   size_t rows, size_t cols, size_t block, uint8_t *codes, uint8_t *packed, uint8_t *scales) {
    const size_t nb = (cols + block - 1) / block, pcols = (cols + 1) / 2;
    uint8_t *rowbuf = codes ? NULL : (uint8_t *)malloc(cols);
    size_t bad = SIZE_MAX;
    for (size_t r = 0; r < rows && bad == SIZE_MAX; r++) {
        uint8_t *rc = codes ? codes + r * cols : rowbuf;
        for (size_t b = 0; b < nb; b++) {
            size_t c0 = b * block, L = cols - c0 < block ? cols - c0 : block, i0 = r * cols + c0;
            int sc = nv ? nv_block_scalar(src, i0, L, kind, st, rc + c0) : mx_block_scalar(el, rule, src, i0, L, kind, rc + c0);
            if (sc < 0) { bad = r * nb + b; break; }
            scales[r * nb + b] = (uint8_t)sc;
        }
        if (packed && bad == SIZE_MAX) pack_block(rc, packed + r * pcols, cols);
    }
    free(rowbuf);
    return bad;
}

void octet_mx_quantize(octet_bq_element element, octet_mx_rule rule, const void *in, int bf16, size_t rows, size_t cols,
                       size_t block, uint8_t *codes, uint8_t *packed, uint8_t *scales) {
    if (rows == 0 || cols == 0 || block == 0) return;
    bq_elem el = bq_element(element);
    if (element != OCTET_BQ_E2M1) packed = NULL;
    if (octet_has_avx2() && block % 2 == 0) {
        switch (element) {
        case OCTET_BQ_E5M2: (bf16 ? mx_e5m2_bf16_avx2 : mx_e5m2_f32_avx2)(rule, in, rows, cols, block, codes, packed, scales); return;
        case OCTET_BQ_E2M1: (bf16 ? mx_e2m1_bf16_avx2 : mx_e2m1_f32_avx2)(rule, in, rows, cols, block, codes, packed, scales); return;
        default: (bf16 ? mx_e4m3_bf16_avx2 : mx_e4m3_f32_avx2)(rule, in, rows, cols, block, codes, packed, scales); return;
        }
    }
    quantize_rows_scalar(&el, rule, 0, 0.0f, in, bf16 ? 1 : 0, rows, cols, block, codes, packed, scales);
}

BQ_TARGET static uint32_t amax_avx2(const void *src, int kind, size_t n, size_t *i_out) {
    __m256i m0 = _mm256_setzero_si256(), m1 = m0, m2 = m0, m3 = m0;
    size_t i = 0;
    if (kind == 0) {
        const __m256i absm = _mm256_set1_epi32(0x7FFFFFFF);
        for (; i + 32 <= n; i += 32) {
            m0 = _mm256_max_epu32(m0, _mm256_and_si256(load8(src, i, 0), absm));
            m1 = _mm256_max_epu32(m1, _mm256_and_si256(load8(src, i + 8, 0), absm));
            m2 = _mm256_max_epu32(m2, _mm256_and_si256(load8(src, i + 16, 0), absm));
            m3 = _mm256_max_epu32(m3, _mm256_and_si256(load8(src, i + 24, 0), absm));
        }
    } else {
        const __m256i abs16 = _mm256_set1_epi16(0x7FFF);
        for (; i + 64 <= n; i += 64) {
            const uint16_t *p = (const uint16_t *)src + i;
            m0 = _mm256_max_epu16(m0, _mm256_and_si256(_mm256_loadu_si256((const __m256i *)p), abs16));
            m1 = _mm256_max_epu16(m1, _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(p + 16)), abs16));
            m2 = _mm256_max_epu16(m2, _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(p + 32)), abs16));
            m3 = _mm256_max_epu16(m3, _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(p + 48)), abs16));
        }
        m0 = _mm256_max_epu16(_mm256_max_epu16(m0, m1), _mm256_max_epu16(m2, m3));
        /* the sixteen 16-bit maxima as binary32 patterns (x << 16), both halves of each lane */
        m0 = _mm256_max_epu32(_mm256_slli_epi32(m0, 16), _mm256_and_si256(m0, _mm256_set1_epi32((int)0xFFFF0000u)));
        m1 = m2 = m3 = _mm256_setzero_si256();
    }
    *i_out = i;
    return hmax_epu32(_mm256_max_epu32(_mm256_max_epu32(m0, m1), _mm256_max_epu32(m2, m3)));
}

static uint32_t amax_bits(const void *src, int kind, size_t n) {
    size_t i = 0;
    uint32_t m = 0;
    if (octet_has_avx2()) m = amax_avx2(src, kind, n, &i);
    uint32_t t = amax_scalar(src, i, n - i, kind);
    return t > m ? t : m;
}

/* NVFP4's tensor scale fl32(amax / 2688), binary32 bits: one correctly rounded binary32 division. */
static uint32_t nv_tensor_scale(uint32_t amax) { return bits_of(f32_of(amax) / 2688.0f); }

/* The block pass; returns the row-major index of the first NaN/Inf input or SIZE_MAX. */
static size_t nv_pass(const void *in, int bf16, size_t rows, size_t cols, size_t block, uint32_t tensor_scale,
                      uint8_t *codes, uint8_t *packed, uint8_t *scales) {
    if (rows == 0 || cols == 0 || block == 0) return SIZE_MAX;
    const int kind = bf16 ? 1 : 0;
    const float st = f32_of(tensor_scale);
    size_t bad_block;
    if (octet_has_avx2() && block % 2 == 0) {
        bad_block = (bf16 ? nv_bf16_avx2 : nv_f32_avx2)(in, rows, cols, block, st, codes, packed, scales);
    } else {
        bq_elem el = bq_element(OCTET_BQ_E2M1);
        bad_block = quantize_rows_scalar(&el, OCTET_MX_FLOOR, 1, st, in, kind, rows, cols, block, codes, packed, scales);
    }
    if (bad_block == SIZE_MAX) return SIZE_MAX;
    const size_t nb = (cols + block - 1) / block, r = bad_block / nb, c0 = (bad_block % nb) * block;
    return first_nonfinite(in, r * cols + c0, (r + 1) * cols, kind);   /* in that block */
}

int octet_nvfp4_1level_quantize(const void *in, int bf16, size_t rows, size_t cols, size_t block,
                                uint8_t *codes, uint8_t *packed, uint8_t *scales, size_t *bad) {
    size_t i = nv_pass(in, bf16, rows, cols, block, 0x3F800000u, codes, packed, scales);
    if (i == SIZE_MAX) return 0;
    if (bad) *bad = i;
    return 1;
}

int octet_nvfp4_quantize(const void *in, int bf16, size_t rows, size_t cols, size_t block, uint32_t *tensor_scale,
                         uint8_t *codes, uint8_t *packed, uint8_t *scales, size_t *bad) {
    const int kind = bf16 ? 1 : 0;
    size_t n = rows * cols;
    uint32_t a = amax_bits(in, kind, n);
    if (a >= 0x7F800000u) {
        if (bad) *bad = first_nonfinite(in, 0, n, kind);
        return 1;
    }
    uint32_t st = nv_tensor_scale(a);
    *tensor_scale = st;
    if (st == 0 && a != 0) return 2;
    (void)nv_pass(in, bf16, rows, cols, block, st, codes, packed, scales);
    return 0;
}

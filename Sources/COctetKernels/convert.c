/* binary32 -> narrow codes, one rounding (Specs/formats.md §4.2), scalar and AVX2.
 *
 * For |x| = sig · 2^(e-23) (sig with its implicit bit; binary32 subnormals have e = -126), the
 * kept quantum is 2^(max(e, emin) - M), so the significand is shifted right by
 * s = 23 - M + max(0, emin - e). The truncated code is ((max(e, emin) - emin) << M) + t, where t is
 * the shifted significand: it counts values upward, so rounding up is code + 1, carries included,
 * and "even" is the code's low bit — exactly the reference's CodeIsEven for every format. */
#pragma STDC FP_CONTRACT OFF
#include "octet_kernels.h"
#include <string.h>
#include <stdint.h>
#include <immintrin.h>
#include "codes8.h"

int octet_cpu_avx2(void);

static inline uint32_t convert_one(const octet_plan *p, uint32_t u, uint32_t r, size_t *invalid) {
    const octet_format *f = &p->format;
    uint32_t sign = u >> 31, a = u & 0x7FFFFFFFu;
    if (a > 0x7F800000u) {
        if (!p->has_nan) { (*invalid)++; return 0; }
        return p->nan_code[sign];
    }
    if (a == 0x7F800000u) return p->inf_result[sign];
    if (a == 0) return sign ? p->negative_zero_result : p->zero_input_result;
    int E = (int)(a >> 23);
    int e;
    uint32_t sig;
    if (E) { e = E - 127; sig = (a & 0x7FFFFFu) | 0x800000u; }
    else {   /* binary32 subnormal: normalise, so e is the true binade even below 2^-126 */
        int lz = __builtin_clz(a) - 8;
        sig = a << lz;
        e = -126 - lz;
    }
    int M = f->mantissa_bits;
    if (!f->subnormals && e < p->emin) {
        if (sign && !f->is_signed) {
            /* rounds to "zero", which E8M0 lacks, unless rounding moves it away */
            return p->negative_zero_result;
        }
        return 0;   /* below the smallest value: the smallest value */
    }
    int d = p->emin - e; if (d < 0) d = 0;
    /* s_full: bits below the kept quantum. Beyond 25 the significand (< 2^24) is below half a
     * quantum, so t = 0, rem = sig and s = 25 decide rne and rtz; sr needs the full count. */
    int s_full = 23 - M + d;
    int s = s_full > 25 ? 25 : s_full;
    uint32_t t = sig >> s, rem = sig & ((1u << s) - 1u);
    int ee = e > p->emin ? e : p->emin;
    uint32_t code = ((uint32_t)(ee - p->emin) << M) + t;
    if (!f->subnormals) code -= 1u << M;
    uint32_t up = 0;
    if (p->rounding == OCTET_RNE) {
        uint32_t half = 1u << (s - 1);
        up = rem > half || (rem == half && (code & 1u));
    } else if (p->rounding == OCTET_SR) {
        int N = p->sr_bits;
        uint32_t kept = s_full >= N ? (s_full - N >= 32 ? 0u : rem >> (s_full - N)) : rem << (N - s_full);
        up = kept + r >= (1u << N);
    }
    code += up;
    if (sign && !f->is_signed) return (f->subnormals && code == 0) ? p->negative_zero_result : p->below_range_result;
    if (code > p->max_magnitude) return p->overflow_result[sign];
    if (code == 0 && f->subnormals) return sign ? p->negative_zero_result : 0u;
    return sign ? (p->sign_bit | code) : code;
}

static size_t convert_scalar(const octet_plan *p, const uint32_t *in, uint8_t *out, size_t n, const uint32_t *rbits) {
    size_t invalid = 0;
    for (size_t i = 0; i < n; i++) out[i] = (uint8_t)convert_one(p, in[i], rbits ? rbits[i] : 0u, &invalid);
    return invalid;
}

/* Eight lanes of the same computation. Used for formats with subnormals whose emin >= -126 (every
 * FP8/FP6/FP4 format): there a binary32 subnormal input lies below the format's lowest binade, so
 * its unnormalised significand at e = -126 counts correctly. E8M0 (no subnormals) and the formats
 * with emin = -127 (binary8p1ue/uf) go through the scalar path, which normalises. */
__attribute__((target("avx2")))
static inline __m256i convert8(const octet_plan *p, __m256i u, __m256i r) {
    const octet_format *f = &p->format;
    const int M = f->mantissa_bits;
    const __m256i one = _mm256_set1_epi32(1), zero = _mm256_setzero_si256();
    __m256i neg = _mm256_srai_epi32(u, 31);                         /* all ones when negative */
    __m256i a = _mm256_and_si256(u, _mm256_set1_epi32(0x7FFFFFFF));
    __m256i E = _mm256_srli_epi32(a, 23);
    __m256i e = _mm256_sub_epi32(_mm256_max_epi32(E, one), _mm256_set1_epi32(127));
    __m256i isnorm = _mm256_cmpgt_epi32(E, zero);
    __m256i sig = _mm256_or_si256(_mm256_and_si256(a, _mm256_set1_epi32(0x7FFFFF)),
                                  _mm256_and_si256(isnorm, _mm256_set1_epi32(0x800000)));
    __m256i emin = _mm256_set1_epi32(p->emin);
    __m256i d = _mm256_max_epi32(_mm256_sub_epi32(emin, e), zero);
    __m256i s_full = _mm256_add_epi32(_mm256_set1_epi32(23 - M), d);
    __m256i s = _mm256_min_epi32(s_full, _mm256_set1_epi32(25));
    __m256i t = _mm256_srlv_epi32(sig, s);
    __m256i rem = _mm256_sub_epi32(sig, _mm256_sllv_epi32(t, s));
    __m256i ee = _mm256_max_epi32(e, emin);
    __m256i code = _mm256_add_epi32(_mm256_sll_epi32(_mm256_sub_epi32(ee, emin), _mm_cvtsi32_si128(M)), t);
    __m256i up = zero;
    if (p->rounding == OCTET_RNE) {
        __m256i half = _mm256_sllv_epi32(one, _mm256_sub_epi32(s, one));
        __m256i gt = _mm256_cmpgt_epi32(rem, half);
        __m256i eq = _mm256_and_si256(_mm256_cmpeq_epi32(rem, half), _mm256_cmpeq_epi32(_mm256_and_si256(code, one), one));
        up = _mm256_and_si256(_mm256_or_si256(gt, eq), one);
    } else if (p->rounding == OCTET_SR) {
        __m256i N = _mm256_set1_epi32(p->sr_bits);
        __m256i right = _mm256_srlv_epi32(rem, _mm256_sub_epi32(s_full, N));     /* counts >= 32 give 0 */
        __m256i left = _mm256_sllv_epi32(rem, _mm256_sub_epi32(N, s_full));
        __m256i kept = _mm256_blendv_epi8(left, right, _mm256_cmpgt_epi32(s_full, _mm256_sub_epi32(N, one)));
        __m256i sum = _mm256_add_epi32(kept, r);
        up = _mm256_and_si256(_mm256_cmpgt_epi32(sum, _mm256_sub_epi32(_mm256_sllv_epi32(one, N), one)), one);
    }
    code = _mm256_add_epi32(code, up);
    /* assemble: normal result, then the special cases by priority (lowest first) */
    __m256i res = f->is_signed ? _mm256_or_si256(code, _mm256_and_si256(neg, _mm256_set1_epi32((int)p->sign_bit)))
                               : _mm256_blendv_epi8(code, _mm256_set1_epi32((int)p->below_range_result), neg);
    __m256i iszero = _mm256_cmpeq_epi32(code, zero);
    res = _mm256_blendv_epi8(res, _mm256_and_si256(neg, _mm256_set1_epi32((int)p->negative_zero_result)), iszero);
    __m256i ovf = _mm256_cmpgt_epi32(code, _mm256_set1_epi32((int)p->max_magnitude));
    __m256i ovfv = _mm256_blendv_epi8(_mm256_set1_epi32((int)p->overflow_result[0]), _mm256_set1_epi32((int)p->overflow_result[1]), neg);
    res = _mm256_blendv_epi8(res, ovfv, ovf);
    __m256i isz = _mm256_cmpeq_epi32(a, zero);
    __m256i zv = _mm256_blendv_epi8(_mm256_set1_epi32((int)p->zero_input_result), _mm256_set1_epi32((int)p->negative_zero_result), neg);
    res = _mm256_blendv_epi8(res, zv, isz);
    __m256i isinf = _mm256_cmpeq_epi32(a, _mm256_set1_epi32(0x7F800000));
    __m256i infv = _mm256_blendv_epi8(_mm256_set1_epi32((int)p->inf_result[0]), _mm256_set1_epi32((int)p->inf_result[1]), neg);
    res = _mm256_blendv_epi8(res, infv, isinf);
    __m256i isnan = _mm256_cmpgt_epi32(a, _mm256_set1_epi32(0x7F800000));
    __m256i nanv = _mm256_blendv_epi8(_mm256_set1_epi32((int)p->nan_code[0]), _mm256_set1_epi32((int)p->nan_code[1]), neg);
    res = _mm256_blendv_epi8(res, nanv, isnan);
    return res;
}

/* Round to nearest even, signed formats with subnormals (every FP8/FP6/FP4 format): the same
 * codes as convert8, computed with fewer operations.
 *  - |x| >= 2^emin (a normal of the target, or beyond): the binary32 significand is rounded to M
 *    bits in place, r = (bits + 2^(22-M) - 1 + lsb) >> (23 - M), the classic round-half-even on
 *    the bit pattern (a carry moves into the exponent field, as the next code does); then
 *    code = r - ((127 - bias) << M), since binary32's exponent field minus 127 plus the bias is the
 *    target's exponent field. The code counts values upward, so "even" is the code's low bit.
 *  - |x| < 2^emin: the code is the integer |x| / 2^q rounded to nearest even (q = emin - M, the
 *    subnormal quantum): |x| · 2^-q is exact (a power-of-two scaling up) and below 2^M, and
 *    vcvtps2dq rounds it to nearest even under the default rounding mode of the MXCSR.
 * Zero inputs give code 0 on the second branch. Then the same special cases as convert8. */
__attribute__((target("avx2"), always_inline))
static inline __m256i convert8_rne(const octet_plan *p, __m256i u, __m256 scale, const int zero_rule, const int inf_rule) {
    const int M = p->format.mantissa_bits;
    const __m256i zero = _mm256_setzero_si256();
    __m256i neg = _mm256_srai_epi32(u, 31);
    __m256i a = _mm256_and_si256(u, _mm256_set1_epi32(0x7FFFFFFF));
    __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(a, 23 - M), _mm256_set1_epi32(1));
    __m256i r = _mm256_srli_epi32(_mm256_add_epi32(_mm256_add_epi32(a, _mm256_set1_epi32((1 << (22 - M)) - 1)), lsb), 23 - M);
    __m256i normal = _mm256_sub_epi32(r, _mm256_set1_epi32((127 - p->format.bias) << M));
    __m256i sub = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_castsi256_ps(a), scale));
    __m256i below = _mm256_cmpgt_epi32(_mm256_set1_epi32((p->emin + 127) << 23), a);
    __m256i code = _mm256_blendv_epi8(normal, sub, below);
    __m256i res = _mm256_or_si256(code, _mm256_and_si256(neg, _mm256_set1_epi32((int)p->sign_bit)));
    if (zero_rule)   /* skipped when -0 is the sign bit alone, which the OR above already gives */
        res = _mm256_blendv_epi8(res, _mm256_and_si256(neg, _mm256_set1_epi32((int)p->negative_zero_result)), _mm256_cmpeq_epi32(code, zero));
    __m256i ovfv = _mm256_blendv_epi8(_mm256_set1_epi32((int)p->overflow_result[0]), _mm256_set1_epi32((int)p->overflow_result[1]), neg);
    res = _mm256_blendv_epi8(res, ovfv, _mm256_cmpgt_epi32(code, _mm256_set1_epi32((int)p->max_magnitude)));
    if (inf_rule) {   /* skipped when ±Inf gives what finite overflow gives (Inf rounds beyond max) */
        __m256i infv = _mm256_blendv_epi8(_mm256_set1_epi32((int)p->inf_result[0]), _mm256_set1_epi32((int)p->inf_result[1]), neg);
        res = _mm256_blendv_epi8(res, infv, _mm256_cmpeq_epi32(a, _mm256_set1_epi32(0x7F800000)));
    }
    __m256i nanv = _mm256_blendv_epi8(_mm256_set1_epi32((int)p->nan_code[0]), _mm256_set1_epi32((int)p->nan_code[1]), neg);
    return _mm256_blendv_epi8(res, nanv, _mm256_cmpgt_epi32(a, _mm256_set1_epi32(0x7F800000)));
}

/* Whether convert8_rne applies: rne, signed, subnormals, at least one mantissa bit, 2^-q a normal
 * binary32 (plus the conditions of the AVX2 path). The zero-input results are the ones the code-0
 * rule gives. */
static int rne_fast_ok(const octet_plan *p) {
    const octet_format *f = &p->format;
    /* M >= 1: the low bit kept is then a mantissa bit, whose parity is the code's. (With M = 0 it
     * would be binary32's exponent bit, whose parity differs from the code's when 127 - bias is odd.) */
    return p->rounding == OCTET_RNE && f->is_signed && f->subnormals && f->mantissa_bits >= 1 && p->emin >= -126
        && f->mantissa_bits - p->emin <= 126 && p->zero_input_result == 0;
}

/* Bits of binary16 / bfloat16 inputs widened exactly to binary32 (defined below). */
static uint32_t f16_to_f32_bits(uint16_t h);

/* Source kinds of the rne loop: 0 binary32, 1 binary16 (widened by vcvtph2ps, exact), 2 bfloat16
 * (the top half of a binary32). */
__attribute__((target("avx2,f16c"), always_inline))
static inline __m256i load8_bits(const void *src, size_t i, const int kind) {
    if (kind == 0) return _mm256_loadu_si256((const __m256i *)((const uint32_t *)src + i));
    __m128i h = _mm_loadu_si128((const __m128i *)((const uint16_t *)src + i));
    if (kind == 1) return _mm256_castps_si256(_mm256_cvtph_ps(h));
    return _mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16);
}

static inline uint32_t bits_at(const void *src, size_t i, int kind) {
    if (kind == 0) return ((const uint32_t *)src)[i];
    uint16_t h = ((const uint16_t *)src)[i];
    return kind == 1 ? f16_to_f32_bits(h) : (uint32_t)h << 16;
}

/* binary16 / bfloat16 sources in their own 16-bit lanes, sixteen per vector (kind 1 / 2): the same
 * codes as convert8_rne with half the lanes' work. With S source mantissa bits and source bias B:
 *  - |x| >= 2^emin: convert8_rne's normal branch on the source's own bits. The significand rounded
 *    to M bits in place, r = (a + 2^(S-M-1) - 1 + lsb) >> (S - M), is round-half-even on the bit
 *    pattern (a carry moves into the exponent field, as the next code does), and
 *    code = r - ((B - bias) << M), because the source exponent field minus B plus the target bias
 *    is the target's exponent field.
 *  - |x| < 2^emin (target subnormals and zero; also every binary16 subnormal, which has no hidden
 *    bit): convert8_rne's subnormal branch, in binary32 lanes for just those vectors that hold
 *    such an input: |x|·2^-q is exact and below 2^M, and vcvtps2dq rounds it to nearest even.
 *  - a code above max_magnitude is an overflow; the shortcut is only used when the overflow result
 *    is sign | ovf with ovf = max_magnitude (saturate, propagate) or max_magnitude + 1 (the code
 *    of Inf or NaN just above max), so min(code, ovf) is exact; then the sign bit is ORed in, so
 *    -0 must give the sign bit alone and +0 code 0 (every signed format with a negative zero).
 *  - a 32-element block holding an Inf or NaN goes to convert8_rne whole.
 * Requires rne_fast_ok and M <= S - 1 (a rounding bit below the kept ones). */
typedef struct {
    int ok;
    int shift;            /* S - M */
    short round_bias;     /* 2^(S-M-1) - 1 */
    short rebias;         /* (B - bias) << M */
    short thresh;         /* bits of 2^emin (at least the smallest binary16 normal) */
    short infbits;        /* bits of +Inf */
    short ovf;            /* overflow magnitude code */
    short sign_bit;
    int sign_shift;       /* 15 - log2(sign_bit) */
    int f16_by_bits;      /* binary16 below 2^emin widened by integer arithmetic (q >= -13) */
} conv16;

static conv16 conv16_init(const octet_plan *p, int kind) {
    conv16 c;
    memset(&c, 0, sizeof c);
    if (kind != 1 && kind != 2) return c;
    const int S = kind == 1 ? 10 : 7, B = kind == 1 ? 15 : 127, M = p->format.mantissa_bits;
    uint32_t sb = p->sign_bit;
    if (!rne_fast_ok(p) || M > S - 1 || sb == 0 || (sb & (sb - 1)) != 0 || sb > 0x80) return c;
    if (p->negative_zero_result != sb) return c;
    uint32_t ovf = p->overflow_result[0];
    if (p->overflow_result[1] != (sb | ovf) || (ovf != p->max_magnitude && ovf != p->max_magnitude + 1)) return c;
    long thresh = (long)(p->emin + B) << S;
    if (kind == 1 && thresh < 0x400) thresh = 0x400;
    if (thresh < 1 || thresh >= (kind == 1 ? 0x7C00 : 0x7F80)) return c;
    c.shift = S - M;
    c.round_bias = (short)((1 << (S - M - 1)) - 1);
    c.rebias = (short)((B - p->format.bias) * (1 << M));
    c.thresh = (short)thresh;
    c.infbits = (short)(kind == 1 ? 0x7C00 : 0x7F80);
    c.ovf = (short)ovf;
    c.sign_bit = (short)sb;
    int log2sb = 0;
    while ((1u << log2sb) < sb) log2sb++;
    c.sign_shift = 15 - log2sb;
    c.f16_by_bits = kind == 1 && p->emin - M >= -13;
    c.ok = 1;
    return c;
}

/* Sixteen 16-bit inputs -> sixteen codes (in 16-bit lanes); *bad gets 0xFFFF in every lane holding
 * Inf or NaN, which the caller sends to convert8_rne. */
__attribute__((target("avx2,f16c"), always_inline))
static inline __m256i convert16_lanes(const conv16 *c, __m256i u, const int kind, __m256 scale, __m256i *bad) {
    __m256i a = _mm256_and_si256(u, _mm256_set1_epi16(0x7FFF));
    __m256i lsb = _mm256_and_si256(_mm256_srli_epi16(a, c->shift), _mm256_set1_epi16(1));
    __m256i r = _mm256_srli_epi16(_mm256_add_epi16(_mm256_add_epi16(a, _mm256_set1_epi16(c->round_bias)), lsb), c->shift);
    __m256i code = _mm256_sub_epi16(r, _mm256_set1_epi16(c->rebias));
    __m256i low = _mm256_cmpgt_epi16(_mm256_set1_epi16(c->thresh), a);
    if (!_mm256_testz_si256(low, low)) {
        __m256i s0, s1, sub;
        if (kind == 2) {   /* bfloat16: the top half of a binary32; unpack and pack keep the order */
            __m256 x0 = _mm256_castsi256_ps(_mm256_unpacklo_epi16(_mm256_setzero_si256(), a));
            __m256 x1 = _mm256_castsi256_ps(_mm256_unpackhi_epi16(_mm256_setzero_si256(), a));
            s0 = _mm256_cvtps_epi32(_mm256_mul_ps(x0, scale));
            s1 = _mm256_cvtps_epi32(_mm256_mul_ps(x1, scale));
            sub = _mm256_packs_epi32(s0, s1);
        } else if (c->f16_by_bits) {
            /* binary16 normals widened in integer arithmetic, (a + (112 << 10)) << 13; a binary16
             * subnormal or zero becomes some value below 2^-14 instead of its own, and both round
             * to code 0 because 2^-14·2^-q <= 1/2 (q >= -13, checked in conv16_init). */
            const __m256i rebias16 = _mm256_set1_epi32(112 << 10);
            __m256 x0 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_unpacklo_epi16(a, _mm256_setzero_si256()), rebias16), 13));
            __m256 x1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_unpackhi_epi16(a, _mm256_setzero_si256()), rebias16), 13));
            s0 = _mm256_cvtps_epi32(_mm256_mul_ps(x0, scale));
            s1 = _mm256_cvtps_epi32(_mm256_mul_ps(x1, scale));
            sub = _mm256_packs_epi32(s0, s1);
        } else {           /* binary16: widened exactly by vcvtph2ps, elements 0-7 and 8-15 */
            __m256 x0 = _mm256_cvtph_ps(_mm256_castsi256_si128(a));
            __m256 x1 = _mm256_cvtph_ps(_mm256_extracti128_si256(a, 1));
            s0 = _mm256_cvtps_epi32(_mm256_mul_ps(x0, scale));
            s1 = _mm256_cvtps_epi32(_mm256_mul_ps(x1, scale));
            sub = _mm256_permute4x64_epi64(_mm256_packs_epi32(s0, s1), 0xD8);
        }
        code = _mm256_blendv_epi8(code, sub, low);
    }
    code = _mm256_min_epi16(code, _mm256_set1_epi16(c->ovf));
    code = _mm256_or_si256(code, _mm256_and_si256(_mm256_srli_epi16(u, c->sign_shift), _mm256_set1_epi16(c->sign_bit)));
    *bad = _mm256_or_si256(*bad, _mm256_cmpgt_epi16(a, _mm256_set1_epi16((short)(c->infbits - 1))));
    return code;
}

/* The rne loop (convert8_rne) over n elements of a source kind; returns how many it converted
 * (a multiple of 8, the rest is the caller's). */
__attribute__((target("avx2,f16c"), always_inline))
static inline size_t convert_rne_avx2(const octet_plan *p, const void *in, const int kind, uint8_t *out, size_t n) {
    size_t i = 0;
    uint32_t sbits = (uint32_t)(p->format.mantissa_bits - p->emin + 127) << 23;   /* 2^-q */
    float sf;
    memcpy(&sf, &sbits, 4);
    const __m256 scale = _mm256_set1_ps(sf);
    /* Large outputs: non-temporal stores (no read-for-ownership of the output lines) once the
     * output is 32-byte aligned. */
    int stream = n >= ((size_t)1 << 18);
    if (stream) {
        size_t dummy = 0;
        for (; i < n && ((uintptr_t)(out + i) & 31) != 0; i++) out[i] = (uint8_t)convert_one(p, bits_at(in, i, kind), 0u, &dummy);
    }
    const int zero_rule = p->negative_zero_result != p->sign_bit;
    const int inf_rule = p->inf_result[0] != p->overflow_result[0] || p->inf_result[1] != p->overflow_result[1];
    /* Elements i … i+31 through convert8_rne, packed in order. */
#define CONVERT32(Z, I) octet_pack32_codes(convert8_rne(p, load8_bits(in, i, kind), scale, Z, I),          \
                               convert8_rne(p, load8_bits(in, i + 8, kind), scale, Z, I),      \
                               convert8_rne(p, load8_bits(in, i + 16, kind), scale, Z, I),     \
                               convert8_rne(p, load8_bits(in, i + 24, kind), scale, Z, I))
    const conv16 c16 = conv16_init(p, kind);
    if (c16.ok) {
        for (; i + 32 <= n; i += 32) {
            __m256i bad = _mm256_setzero_si256();
            __m256i lo = convert16_lanes(&c16, _mm256_loadu_si256((const __m256i *)((const uint16_t *)in + i)), kind, scale, &bad);
            __m256i hi = convert16_lanes(&c16, _mm256_loadu_si256((const __m256i *)((const uint16_t *)in + i + 16)), kind, scale, &bad);
            __m256i b;
            if (_mm256_testz_si256(bad, bad)) {
                b = _mm256_permute4x64_epi64(_mm256_packus_epi16(lo, hi), 0xD8);
            } else {
                b = CONVERT32(zero_rule, inf_rule);
            }
            if (stream) _mm256_stream_si256((__m256i *)(out + i), b);
            else _mm256_storeu_si256((__m256i *)(out + i), b);
        }
    }
#define OCTET_RNE_LOOP(Z, I)                                                                     \
    for (; i + 32 <= n; i += 32) {                                                              \
        __m256i b = CONVERT32(Z, I);                                                            \
        if (stream) _mm256_stream_si256((__m256i *)(out + i), b);                               \
        else _mm256_storeu_si256((__m256i *)(out + i), b);                                      \
    }
    if (zero_rule && inf_rule) { OCTET_RNE_LOOP(1, 1) }
    else if (zero_rule) { OCTET_RNE_LOOP(1, 0) }
    else if (inf_rule) { OCTET_RNE_LOOP(0, 1) }
    else { OCTET_RNE_LOOP(0, 0) }
#undef OCTET_RNE_LOOP
#undef CONVERT32
    if (stream) _mm_sfence();
    for (; i + 8 <= n; i += 8) octet_store8_codes(out + i, convert8_rne(p, load8_bits(in, i, kind), scale, 1, 1));
    return i;
}

/* binary16 / bfloat16 sources straight into the rne loop (no widened copy), for formats with a
 * NaN (no invalid inputs to count). */
__attribute__((target("avx2,f16c")))
static size_t convert16_rne_avx2(const octet_plan *p, const uint16_t *in, const int kind, uint8_t *out, size_t n) {
    size_t i = convert_rne_avx2(p, in, kind, out, n), dummy = 0;
    for (; i < n; i++) out[i] = (uint8_t)convert_one(p, bits_at(in, i, kind), 0u, &dummy);
    return 0;
}

__attribute__((target("avx2,f16c")))
static size_t convert_avx2(const octet_plan *p, const uint32_t *in, uint8_t *out, size_t n, const uint32_t *rbits) {
    size_t i = 0, invalid = 0;
    if (!p->has_nan) {   /* count NaNs the format cannot hold (rare: a scalar pre-pass) */
        for (size_t k = 0; k < n; k++) invalid += (in[k] & 0x7FFFFFFFu) > 0x7F800000u;
    }
    if (p->rounding == OCTET_SR) {
        for (; i + 8 <= n; i += 8) {
            __m256i u = _mm256_loadu_si256((const __m256i *)(in + i));
            __m256i r = _mm256_loadu_si256((const __m256i *)(rbits + i));
            octet_store8_codes(out + i, convert8(p, u, r));
        }
    } else if (rne_fast_ok(p)) {
        i = convert_rne_avx2(p, in, 0, out, n);
    } else {
        const __m256i r = _mm256_setzero_si256();
        for (; i + 32 <= n; i += 32) {
            __m256i c0 = convert8(p, _mm256_loadu_si256((const __m256i *)(in + i)), r);
            __m256i c1 = convert8(p, _mm256_loadu_si256((const __m256i *)(in + i + 8)), r);
            __m256i c2 = convert8(p, _mm256_loadu_si256((const __m256i *)(in + i + 16)), r);
            __m256i c3 = convert8(p, _mm256_loadu_si256((const __m256i *)(in + i + 24)), r);
            _mm256_storeu_si256((__m256i *)(out + i), octet_pack32_codes(c0, c1, c2, c3));
        }
        for (; i + 8 <= n; i += 8) octet_store8_codes(out + i, convert8(p, _mm256_loadu_si256((const __m256i *)(in + i)), r));
    }
    size_t dummy = 0;
    for (; i < n; i++) out[i] = (uint8_t)convert_one(p, in[i], rbits ? rbits[i] : 0u, &dummy);
    return invalid;
}

static size_t convert_bits(const octet_plan *p, const uint32_t *in, uint8_t *out, size_t n, const uint32_t *rbits) {
    if (octet_has_avx2() && p->format.subnormals && p->emin >= -126) return convert_avx2(p, in, out, n, rbits);
    return convert_scalar(p, in, out, n, rbits);
}

size_t octet_convert_f32(const octet_plan *p, const float *in, uint8_t *out, size_t n, const uint32_t *rbits) {
    return convert_bits(p, (const uint32_t *)(const void *)in, out, n, rbits);
}

/* Widen in blocks so the binary32 temporaries stay in L1. */
#define BLOCK 1024

__attribute__((target("avx2,f16c")))
static void f16_to_f32_avx2(const uint16_t *in, uint32_t *out, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(in + i)));
        _mm256_storeu_si256((__m256i *)(out + i), _mm256_castps_si256(v));
    }
    for (; i < n; i++) {
        float fv = _cvtsh_ss(in[i]);
        memcpy(&out[i], &fv, 4);
    }
}

/* Exact binary16 -> binary32 widening in integer arithmetic (portable path). */
static uint32_t f16_to_f32_bits(uint16_t h) {
    uint32_t sign = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 0x1F, m = h & 0x3FF;
    if (e == 0x1F) return sign | 0x7F800000u | (m << 13);
    if (e == 0) {
        if (m == 0) return sign;
        int k = 0;
        while (!(m & 0x400)) { m <<= 1; k++; }
        return sign | ((uint32_t)(127 - 15 + 1 - k) << 23) | ((m & 0x3FF) << 13);
    }
    return sign | ((e + 127 - 15) << 23) | (m << 13);
}

static int direct16_ok(const octet_plan *p) {
    return octet_has_avx2() && rne_fast_ok(p) && p->has_nan;
}

size_t octet_convert_f16(const octet_plan *p, const uint16_t *in, uint8_t *out, size_t n, const uint32_t *rbits) {
    if (direct16_ok(p)) return convert16_rne_avx2(p, in, 1, out, n);
    uint32_t tmp[BLOCK];
    size_t invalid = 0;
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t m = n - i < BLOCK ? n - i : BLOCK;
        if (octet_has_avx2()) f16_to_f32_avx2(in + i, tmp, m);
        else for (size_t k = 0; k < m; k++) tmp[k] = f16_to_f32_bits(in[i + k]);
        invalid += convert_bits(p, tmp, out + i, m, rbits ? rbits + i : NULL);
    }
    return invalid;
}

size_t octet_convert_bf16(const octet_plan *p, const uint16_t *in, uint8_t *out, size_t n, const uint32_t *rbits) {
    if (direct16_ok(p)) return convert16_rne_avx2(p, in, 2, out, n);
    uint32_t tmp[BLOCK];
    size_t invalid = 0;
    for (size_t i = 0; i < n; i += BLOCK) {
        size_t m = n - i < BLOCK ? n - i : BLOCK;
        for (size_t k = 0; k < m; k++) tmp[k] = (uint32_t)in[i + k] << 16;
        invalid += convert_bits(p, tmp, out + i, m, rbits ? rbits + i : NULL);
    }
    return invalid;
}

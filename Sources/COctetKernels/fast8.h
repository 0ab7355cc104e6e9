/* Arithmetic decoding of 8-bit codes in AVX2 registers, through binary16 (private to the kernels).
 *
 * For an 8-bit signed format with subnormals, E <= 5 exponent bits, M = 7 - E mantissa bits and
 * bias b, the binary16 whose bits are (sign << 15) | (magnitude << (10 - M)) is value · 2^(b - 15):
 * its exponent field is the code's (E bits, zero-extended to 5) and its mantissa the code's M bits
 * followed by zeros, so a normal code (E >= 1) is 2^(E - 15) · (1 + m/2^M) and a subnormal code
 * (E = 0) the binary16 subnormal m · 2^(-14 - M). `vcvtph2ps` widens it exactly to binary32 (a
 * normal binary32 always: no denormal operand ever reaches the arithmetic), and multiplying by
 * 2^(15 - b), a power of two, gives the code's value exactly. Five exponent bits are only possible
 * with IEEE specials (else the top exponent would be a binary16 Inf/NaN but a number of the format).
 * The placement costs a zero-extension to 16 bits, a shift into the high byte, an arithmetic shift
 * that moves the magnitude down (copying the sign bit) and an AND that clears the copies.
 * Special codes (NaN, Inf) are not decoded this way: callers test the bytes — `(code & sx) == sy`
 * — and take the table for them. (P3109 Extended formats, whose specials need two tests, take
 * the table always.) */
#ifndef OCTET_FAST8_H
#define OCTET_FAST8_H
#include "octet_kernels.h"
#include <immintrin.h>

typedef struct {
    int ok;             /* the plan qualifies */
    int shift;          /* M - 2: the arithmetic shift after moving the code to the high byte */
    uint16_t keep;      /* sign bit and the bits below the sign copies */
    uint16_t keep32;    /* sign bit and the seven magnitude bits only (octet_fast8_load32) */
    int scale_exp;      /* 15 - bias */
    float scale;        /* 2^(15 - bias) */
    uint8_t sx, sy;
} octet_fast8;

static inline octet_fast8 octet_fast8_init(const octet_plan *p) {
    octet_fast8 d;
    const octet_format *f = &p->format;
    int E = f->exponent_bits, M = f->mantissa_bits;
    d.ok = f->is_signed && E + M == 7 && M >= 2 && f->subnormals && f->bias >= 0 && f->bias <= 64
        && (E < 5 || f->specials == OCTET_SPECIALS_IEEE);
    d.shift = M - 2;
    d.keep = (uint16_t)(0x8000u | ((1u << (15 - d.shift)) - 1u));
    d.keep32 = (uint16_t)(0x8000u | (0x7Fu << (8 - d.shift)));
    d.scale_exp = 15 - f->bias;
    uint32_t sbits = (uint32_t)(d.scale_exp + 127) << 23;   /* 2^(15 - bias): exact, no libm */
    float s;
    __builtin_memcpy(&s, &sbits, 4);
    d.scale = s;
    uint8_t expmask = (uint8_t)(((1u << E) - 1u) << M);
    d.sx = 0; d.sy = 0xFF;   /* (c & 0) == 0xFF: never */
    switch (f->specials) {
    case OCTET_SPECIALS_IEEE: d.sx = d.sy = expmask; break;
    case OCTET_SPECIALS_FN: d.sx = d.sy = 0x7F; break;
    case OCTET_SPECIALS_FNUZ: d.sx = 0xFF; d.sy = 0x80; break;
    case OCTET_SPECIALS_NONE: break;
    default: d.ok = 0; break;
    }
    return d;
}

/* 0xFF in each byte whose code is special. */
__attribute__((target("avx2")))
static inline __m256i octet_fast8_special(const octet_fast8 *d, __m256i c) {
    return _mm256_cmpeq_epi8(_mm256_and_si256(c, _mm256_set1_epi8((char)d->sx)), _mm256_set1_epi8((char)d->sy));
}

/* Whether any of the n codes at a (format da) or b (format db) is special; n a multiple of 32.
 * Kernels call it on a block that is about to be decoded (in L1), so that the decoding loop itself
 * does not hold the four test constants and the flag in registers. */
__attribute__((target("avx2")))
static inline int octet_fast8_any_special(const octet_fast8 *da, const octet_fast8 *db, const uint8_t *a, const uint8_t *b, size_t n) {
    __m256i spec = _mm256_setzero_si256();
    for (size_t i = 0; i < n; i += 32)
        spec = _mm256_or_si256(spec, _mm256_or_si256(octet_fast8_special(da, _mm256_loadu_si256((const __m256i *)(a + i))),
                                                     octet_fast8_special(db, _mm256_loadu_si256((const __m256i *)(b + i)))));
    return !_mm256_testz_si256(spec, spec);
}

/* Sixteen codes at p (no specials among them) as binary32 values times 2^(bias - 15), in order:
 * codes 0-7 in *lo, 8-15 in *hi. */
__attribute__((target("avx2,f16c")))
static inline void octet_fast8_raw16(const octet_fast8 *d, const uint8_t *p, __m256 *lo, __m256 *hi) {
    __m256i w = _mm256_slli_epi16(_mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)p)), 8);
    w = _mm256_and_si256(_mm256_srai_epi16(w, d->shift), _mm256_set1_epi16((short)d->keep));   /* no branch */
    *lo = _mm256_cvtph_ps(_mm256_castsi256_si128(w));
    *hi = _mm256_cvtph_ps(_mm256_extracti128_si256(w, 1));
}

/* Thirty-two codes in one 32-byte vector w, without widening: each 16-bit word holds two codes,
 * the even one in its low byte (moved up by a shift) and the odd one already in its high byte,
 * whose low byte then lands below the magnitude and is cleared by keep32. ev holds the even codes
 * as binary16, od the odd ones (one load and five integer operations per 32 codes, against two
 * widening loads and six for octet_fast8_raw16 twice). */
__attribute__((target("avx2")))
static inline void octet_fast8_words(const octet_fast8 *d, __m256i w, __m256i *ev, __m256i *od) {
    __m256i keep = _mm256_set1_epi16((short)d->keep32);
    *ev = _mm256_and_si256(_mm256_srai_epi16(_mm256_slli_epi16(w, 8), d->shift), keep);
    *od = _mm256_and_si256(_mm256_srai_epi16(w, d->shift), keep);
}

/* Eight of those values widened to binary32 (times 2^(bias - 15), no specials among them), k = 0…3.
 * They come out permuted: widen(ev, od, k) lane j holds code OCTET_FAST8_POSITION(k, j). A dot
 * product that multiplies two such permutations lane by lane still pairs a[i] with b[i]; it only
 * has to put its lanes back in order at the end. */
#define OCTET_FAST8_POSITION(k, j) (((k) & 1) * 16 + ((k) >> 1) + 2 * (j))
__attribute__((target("avx2,f16c")))
static inline __m256 octet_fast8_widen(__m256i ev, __m256i od, int k) {
    __m256i v = k >= 2 ? od : ev;
    return _mm256_cvtph_ps(k & 1 ? _mm256_extracti128_si256(v, 1) : _mm256_castsi256_si128(v));
}

/* All four at once from 32 codes at p; returns the codes for the special test. */
__attribute__((target("avx2,f16c")))
static inline __m256i octet_fast8_load32(const octet_fast8 *d, const uint8_t *p, __m256 out[4]) {
    __m256i w = _mm256_loadu_si256((const __m256i *)p), ev, od;
    octet_fast8_words(d, w, &ev, &od);
    for (int k = 0; k < 4; k++) out[k] = octet_fast8_widen(ev, od, k);
    return w;
}

#endif

/* Exact integer dot products and GEMM (reference: `exact` accumulation into int32).
 *
 * Exactness: products are formed by vpmaddwd on sign-extended 16-bit lanes, which computes
 * a0*b0 + a1*b1 exactly in 32 bits (|sum| <= 2 * 128 * 128 = 32768), and lanes are added in int32.
 * No 16-bit saturating shortcut (vpmaddubsw) is used: with -128 allowed it can saturate. */
#include "octet_kernels.h"
#include <immintrin.h>

__attribute__((target("avx2")))
static inline int32_t hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

__attribute__((target("avx2")))
static int32_t dot_i8_avx2(const int8_t *a, const int8_t *b, size_t n) {
    __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
    __m256i acc2 = _mm256_setzero_si256(), acc3 = _mm256_setzero_si256();
    size_t j = 0;
    for (; j + 64 <= n; j += 64) {
        __m256i a0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(a + j)));
        __m256i b0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + j)));
        __m256i a1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(a + j + 16)));
        __m256i b1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + j + 16)));
        __m256i a2 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(a + j + 32)));
        __m256i b2 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + j + 32)));
        __m256i a3 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(a + j + 48)));
        __m256i b3 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + j + 48)));
        acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(a0, b0));
        acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(a1, b1));
        acc2 = _mm256_add_epi32(acc2, _mm256_madd_epi16(a2, b2));
        acc3 = _mm256_add_epi32(acc3, _mm256_madd_epi16(a3, b3));
    }
    for (; j + 16 <= n; j += 16) {
        __m256i a0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(a + j)));
        __m256i b0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + j)));
        acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(a0, b0));
    }
    int32_t s = hsum_epi32(_mm256_add_epi32(_mm256_add_epi32(acc0, acc1), _mm256_add_epi32(acc2, acc3)));
    for (; j < n; j++) s += (int32_t)a[j] * (int32_t)b[j];
    return s;
}

int32_t octet_dot_i8(const int8_t *a, const int8_t *b, size_t n) {
    if (octet_has_avx2()) return dot_i8_avx2(a, b, n);
    int32_t s = 0;
    for (size_t j = 0; j < n; j++) s += (int32_t)a[j] * (int32_t)b[j];
    return s;
}

__attribute__((target("avx2")))
static int32_t dot_u8i8_avx2(const uint8_t *a, const int8_t *b, size_t n) {
    __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
    size_t j = 0;
    for (; j + 32 <= n; j += 32) {
        __m256i a0 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(a + j)));
        __m256i b0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + j)));
        __m256i a1 = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(a + j + 16)));
        __m256i b1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + j + 16)));
        acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(a0, b0));   /* |255*128*2| < 2^31 */
        acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(a1, b1));
    }
    int32_t s = hsum_epi32(_mm256_add_epi32(acc0, acc1));
    for (; j < n; j++) s += (int32_t)a[j] * (int32_t)b[j];
    return s;
}

int32_t octet_dot_u8i8(const uint8_t *a, const int8_t *b, size_t n) {
    if (octet_has_avx2()) return dot_u8i8_avx2(a, b, n);
    int32_t s = 0;
    for (size_t j = 0; j < n; j++) s += (int32_t)a[j] * (int32_t)b[j];
    return s;
}

static inline int32_t nibble(const uint8_t *p, size_t k) {
    int32_t v = (p[k / 2] >> (4 * (k & 1))) & 0xF;
    return v >= 8 ? v - 16 : v;
}

__attribute__((target("avx2")))
static int32_t dot_i4i8_avx2(const uint8_t *a, const int8_t *b, size_t n) {
    __m256i acc = _mm256_setzero_si256();
    const __m128i lowmask = _mm_set1_epi8(0x0F);
    size_t j = 0;
    for (; j + 32 <= n; j += 32) {
        __m128i packed = _mm_loadu_si128((const __m128i *)(a + j / 2));       /* 32 nibbles */
        __m128i lo = _mm_and_si128(packed, lowmask);                          /* elements 0,2,4,... */
        __m128i hi = _mm_and_si128(_mm_srli_epi16(packed, 4), lowmask);       /* elements 1,3,5,... */
        __m128i e0 = _mm_unpacklo_epi8(lo, hi), e1 = _mm_unpackhi_epi8(lo, hi); /* in element order */
        /* sign-extend 4-bit: (x ^ 8) - 8 */
        __m128i eight = _mm_set1_epi8(8);
        e0 = _mm_sub_epi8(_mm_xor_si128(e0, eight), eight);
        e1 = _mm_sub_epi8(_mm_xor_si128(e1, eight), eight);
        __m256i a0 = _mm256_cvtepi8_epi16(e0), a1 = _mm256_cvtepi8_epi16(e1);
        __m256i b0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + j)));
        __m256i b1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b + j + 16)));
        acc = _mm256_add_epi32(acc, _mm256_add_epi32(_mm256_madd_epi16(a0, b0), _mm256_madd_epi16(a1, b1)));
    }
    int32_t s = hsum_epi32(acc);
    for (; j < n; j++) s += nibble(a, j) * (int32_t)b[j];
    return s;
}

int32_t octet_dot_i4i8(const uint8_t *a, const int8_t *b, size_t n) {
    if (octet_has_avx2()) return dot_i4i8_avx2(a, b, n);
    int32_t s = 0;
    for (size_t j = 0; j < n; j++) s += nibble(a, j) * (int32_t)b[j];
    return s;
}

/* A 4 x 2 register tile of dot products over K, 16 k-values per step: 8 accumulators. */
__attribute__((target("avx2")))
static void gemm_i8_avx2(const int8_t *A, const int8_t *Bt, int32_t *C, size_t M, size_t N, size_t K) {
    size_t i = 0;
    for (; i + 4 <= M; i += 4) {
        size_t j = 0;
        for (; j + 2 <= N; j += 2) {
            __m256i c00 = _mm256_setzero_si256(), c01 = _mm256_setzero_si256();
            __m256i c10 = _mm256_setzero_si256(), c11 = _mm256_setzero_si256();
            __m256i c20 = _mm256_setzero_si256(), c21 = _mm256_setzero_si256();
            __m256i c30 = _mm256_setzero_si256(), c31 = _mm256_setzero_si256();
            const int8_t *a0 = A + (i + 0) * K, *a1 = A + (i + 1) * K, *a2 = A + (i + 2) * K, *a3 = A + (i + 3) * K;
            const int8_t *b0 = Bt + (j + 0) * K, *b1 = Bt + (j + 1) * K;
            size_t k = 0;
            for (; k + 16 <= K; k += 16) {
                __m256i vb0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b0 + k)));
                __m256i vb1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(b1 + k)));
                __m256i va = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(a0 + k)));
                c00 = _mm256_add_epi32(c00, _mm256_madd_epi16(va, vb0)); c01 = _mm256_add_epi32(c01, _mm256_madd_epi16(va, vb1));
                va = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(a1 + k)));
                c10 = _mm256_add_epi32(c10, _mm256_madd_epi16(va, vb0)); c11 = _mm256_add_epi32(c11, _mm256_madd_epi16(va, vb1));
                va = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(a2 + k)));
                c20 = _mm256_add_epi32(c20, _mm256_madd_epi16(va, vb0)); c21 = _mm256_add_epi32(c21, _mm256_madd_epi16(va, vb1));
                va = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(a3 + k)));
                c30 = _mm256_add_epi32(c30, _mm256_madd_epi16(va, vb0)); c31 = _mm256_add_epi32(c31, _mm256_madd_epi16(va, vb1));
            }
            int32_t r[8] = { hsum_epi32(c00), hsum_epi32(c01), hsum_epi32(c10), hsum_epi32(c11),
                             hsum_epi32(c20), hsum_epi32(c21), hsum_epi32(c30), hsum_epi32(c31) };
            for (; k < K; k++) {
                for (int ii = 0; ii < 4; ii++) {
                    r[2 * ii] += (int32_t)A[(i + ii) * K + k] * b0[k];
                    r[2 * ii + 1] += (int32_t)A[(i + ii) * K + k] * b1[k];
                }
            }
            for (int ii = 0; ii < 4; ii++) { C[(i + ii) * N + j] = r[2 * ii]; C[(i + ii) * N + j + 1] = r[2 * ii + 1]; }
        }
        for (; j < N; j++)
            for (int ii = 0; ii < 4; ii++) C[(i + ii) * N + j] = dot_i8_avx2(A + (i + ii) * K, Bt + j * K, K);
    }
    for (; i < M; i++)
        for (size_t j = 0; j < N; j++) C[i * N + j] = dot_i8_avx2(A + i * K, Bt + j * K, K);
}

void octet_gemm_i8(const int8_t *A, const int8_t *Bt, int32_t *C, size_t M, size_t N, size_t K) {
    if (octet_has_avx2()) { gemm_i8_avx2(A, Bt, C, M, N, K); return; }
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < N; j++) {
            int32_t s = 0;
            for (size_t k = 0; k < K; k++) s += (int32_t)A[i * K + k] * (int32_t)Bt[j * K + k];
            C[i * N + j] = s;
        }
}

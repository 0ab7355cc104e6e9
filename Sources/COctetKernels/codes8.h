/* Storing 32-bit lanes of codes as bytes (AVX2), shared by convert.c and blockquant.c. Internal:
 * not part of the public header. */
#ifndef OCTET_CODES8_H
#define OCTET_CODES8_H
#include <stdint.h>
#include <immintrin.h>

/* Eight 32-bit codes (each below 256) stored as 8 bytes. */
__attribute__((target("avx2"), always_inline))
static inline void octet_store8_codes(uint8_t *out, __m256i v) {
    __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storel_epi64((__m128i *)out, _mm_packus_epi16(w, w));
}

/* Four vectors of eight 32-bit codes (each below 256) as 32 bytes in element order. */
__attribute__((target("avx2"), always_inline))
static inline __m256i octet_pack32_codes(__m256i c0, __m256i c1, __m256i c2, __m256i c3) {
    __m256i b = _mm256_packus_epi16(_mm256_packus_epi32(c0, c1), _mm256_packus_epi32(c2, c3));
    return _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}
#endif

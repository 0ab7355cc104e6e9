/* codes -> binary32 / binary16 / bfloat16 (Specs/formats.md §5), and 4-bit packing. */
#pragma STDC FP_CONTRACT OFF
#include "octet_kernels.h"
#include <string.h>
#include <stdint.h>
#include <immintrin.h>
#include "fast8.h"

__attribute__((target("avx2")))
static inline void decode_f32_gather8(const int *table, const uint8_t *in, float *out) {
    __m256i idx = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)in));
    _mm256_storeu_si256((__m256i *)out, _mm256_i32gather_epi32(table, idx, 4));
}

/* 8-bit signed formats: arithmetic decode through binary16 (fast8.h), 32 codes per step; a step
 * holding a special code takes the table (gather) instead. Other formats: the table, 8 codes per
 * gather. */
__attribute__((target("avx2,f16c")))
static void decode_f32_avx2(const octet_plan *p, const uint8_t *in, float *out, size_t n) {
    size_t i = 0;
    const int *table = (const int *)(const void *)p->decode_table;
    octet_fast8 d = octet_fast8_init(p);
    if (d.ok) {
        const __m256 scale = _mm256_set1_ps(d.scale);
        /* Large outputs: non-temporal stores once the output is 32-byte aligned. */
        int stream = n >= ((size_t)1 << 16) && ((uintptr_t)out & 3) == 0;
        if (stream) for (; i < n && ((uintptr_t)(out + i) & 31) != 0; i++) out[i] = p->decode_table[in[i]];
        for (; i + 32 <= n; i += 32) {
            __m256i sp = octet_fast8_special(&d, _mm256_loadu_si256((const __m256i *)(in + i)));
            if (!_mm256_testz_si256(sp, sp)) {
                for (int k = 0; k < 32; k += 8) decode_f32_gather8(table, in + i + k, out + i + k);
                continue;
            }
            __m256 v0, v1, v2, v3;
            octet_fast8_raw16(&d, in + i, &v0, &v1);
            octet_fast8_raw16(&d, in + i + 16, &v2, &v3);
            if (d.scale_exp) {
                v0 = _mm256_mul_ps(v0, scale); v1 = _mm256_mul_ps(v1, scale);
                v2 = _mm256_mul_ps(v2, scale); v3 = _mm256_mul_ps(v3, scale);
            }
            if (stream) {
                _mm256_stream_ps(out + i, v0);
                _mm256_stream_ps(out + i + 8, v1);
                _mm256_stream_ps(out + i + 16, v2);
                _mm256_stream_ps(out + i + 24, v3);
            } else {
                _mm256_storeu_ps(out + i, v0);
                _mm256_storeu_ps(out + i + 8, v1);
                _mm256_storeu_ps(out + i + 16, v2);
                _mm256_storeu_ps(out + i + 24, v3);
            }
        }
        if (stream) _mm_sfence();
    }
    for (; i + 8 <= n; i += 8) decode_f32_gather8(table, in + i, out + i);
    for (; i < n; i++) out[i] = p->decode_table[in[i]];
}

void octet_decode_f32(const octet_plan *p, const uint8_t *in, float *out, size_t n) {
    if (octet_has_avx2()) { decode_f32_avx2(p, in, out, n); return; }
    for (size_t i = 0; i < n; i++) out[i] = p->decode_table[in[i]];
}

/* binary32 -> binary16, round to nearest even, overflow to Inf, NaN kept quiet (IEEE). Portable. */
static uint16_t f32_to_f16_bits(uint32_t u) {
    uint32_t sign = (u >> 16) & 0x8000u, a = u & 0x7FFFFFFFu;
    if (a > 0x7F800000u) return (uint16_t)(sign | 0x7E00u | ((a >> 13) & 0x3FFu));
    if (a == 0x7F800000u) return (uint16_t)(sign | 0x7C00u);
    int E = (int)(a >> 23);
    int e = (E ? E : 1) - 127;
    uint32_t sig = (a & 0x7FFFFFu) | (E ? 0x800000u : 0u);
    if (sig == 0) return (uint16_t)sign;
    int emin = -14, d = emin - e; if (d < 0) d = 0;
    int s = 13 + d; if (s > 25) s = 25;
    uint32_t t = sig >> s, rem = sig & ((1u << s) - 1u), half = 1u << (s - 1);
    int ee = e > emin ? e : emin;
    uint32_t code = ((uint32_t)(ee - emin) << 10) + t;
    code += rem > half || (rem == half && (code & 1u));
    if (code >= 0x7C00u) return (uint16_t)(sign | 0x7C00u);
    return (uint16_t)(sign | code);
}

__attribute__((target("avx2,f16c")))
static void decode_f16_avx2(const octet_plan *p, const uint8_t *in, uint16_t *out, size_t n) {
    size_t i = 0;
    const int *table = (const int *)(const void *)p->decode_table;
    for (; i + 8 <= n; i += 8) {
        __m256i idx = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(in + i)));
        __m256 v = _mm256_castsi256_ps(_mm256_i32gather_epi32(table, idx, 4));
        _mm_storeu_si128((__m128i *)(out + i), _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT));
    }
    for (; i < n; i++) {
        uint32_t u; memcpy(&u, &p->decode_table[in[i]], 4);
        out[i] = f32_to_f16_bits(u);
    }
}

void octet_decode_f16(const octet_plan *p, const uint8_t *in, uint16_t *out, size_t n) {
    if (octet_has_avx2()) { decode_f16_avx2(p, in, out, n); return; }
    for (size_t i = 0; i < n; i++) {
        uint32_t u; memcpy(&u, &p->decode_table[in[i]], 4);
        out[i] = f32_to_f16_bits(u);
    }
}

/* binary32 -> bfloat16, round to nearest even; NaN stays NaN. */
static uint16_t f32_to_bf16_bits(uint32_t u) {
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((u >> 16) | 0x0040u);
    uint32_t lsb = (u >> 16) & 1u;
    return (uint16_t)((u + 0x7FFFu + lsb) >> 16);
}

void octet_decode_bf16(const octet_plan *p, const uint8_t *in, uint16_t *out, size_t n) {
    uint16_t table[256];
    for (int c = 0; c < 256; c++) { uint32_t u; memcpy(&u, &p->decode_table[c], 4); table[c] = f32_to_bf16_bits(u); }
    for (size_t i = 0; i < n; i++) out[i] = table[in[i]];
}

void octet_pack4(const uint8_t *codes, uint8_t *packed, size_t n) {
    size_t k = 0;
    for (; k + 1 < n; k += 2) packed[k / 2] = (uint8_t)((codes[k] & 0xF) | ((codes[k + 1] & 0xF) << 4));
    if (k < n) packed[k / 2] = (uint8_t)(codes[k] & 0xF);
}

void octet_unpack4(const uint8_t *packed, uint8_t *codes, size_t n) {
    for (size_t k = 0; k < n; k++) codes[k] = (uint8_t)((packed[k / 2] >> (4 * (k & 1))) & 0xF);
}

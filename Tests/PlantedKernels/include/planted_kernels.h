/* Deliberately broken kernels (and correct twins) for the planted-bug tests of OctetCheck.
 * Every function has one of the types of octet_kernel.h. Test-only: not part of any product. */
#ifndef PLANTED_KERNELS_H
#define PLANTED_KERNELS_H
#include <stddef.h>
#include <stdint.h>

/* binary32 -> float8_e4m3fn, claimed: rne, saturate */
void planted_convert_e4m3fn_correct(const float *in, uint8_t *out, size_t n);
void planted_convert_e4m3fn_ties_away(const float *in, uint8_t *out, size_t n);         /* ties away from zero */
void planted_convert_e4m3fn_via_binary16(const float *in, uint8_t *out, size_t n);      /* f32 -> f16 -> e4m3 */
void planted_convert_e4m3fn_flush_subnormals(const float *in, uint8_t *out, size_t n);  /* FTZ below 2^-6 */
void planted_convert_e4m3fn_nan_to_max(const float *in, uint8_t *out, size_t n);        /* NaN -> ±448 */
void planted_convert_e4m3fn_lost_negative_zero(const float *in, uint8_t *out, size_t n);/* -0 -> +0 */
void planted_convert_e4m3fn_truncate_subnormals(const float *in, uint8_t *out, size_t n); /* rtz below 2^-6 */
/* binary32 -> float8_e4m3fn, claimed: rne, nonsaturate */
void planted_convert_e4m3fn_nonsat_correct(const float *in, uint8_t *out, size_t n);
void planted_convert_e4m3fn_nonsat_overflow_at_456(const float *in, uint8_t *out, size_t n); /* NaN from 456, not above 464 */

/* float8_e4m3fn x float8_e4m3fn -> float8_e4m3fn, claimed: rne, saturate */
void planted_mul_e4m3fn_correct(const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n);
void planted_mul_e4m3fn_flush_subnormals(const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n);

/* float8_e4m3fn dots returned as binary32 */
float planted_dot_e4m3fn_sequential(const uint8_t *a, const uint8_t *b, size_t n);   /* correct fp32:sequential */
float planted_dot_e4m3fn_lanes8(const uint8_t *a, const uint8_t *b, size_t n);       /* correct fp32:lanes8; wrong as sequential */
float planted_dot_e4m3fn_exact(const uint8_t *a, const uint8_t *b, size_t n);        /* correct exact (binary64 is exact here) */
float planted_dot_e4m3fn_f32_as_exact(const uint8_t *a, const uint8_t *b, size_t n); /* binary32 sequential; wrong as exact */

/* int8 dots */
int32_t planted_dot_i8_correct(const int8_t *a, const int8_t *b, size_t n);
int32_t planted_dot_i8_pair_saturate16(const int8_t *a, const int8_t *b, size_t n);  /* vpmaddubsw-style int16 pair sums */

#endif

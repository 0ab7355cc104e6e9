/* Octet fast kernels: C with AVX2 paths chosen at run time and portable scalar fallbacks.
 *
 * Every kernel implements, bit for bit, an operation of the Octet reference (Specs/formats.md,
 * Specs/accumulation.md); the doc comment of each says which. The kernels never depend on GMP:
 * formats are described by plain data (octet_format), built by the caller.
 *
 * Floating-point environment: the kernels assume the default one (MXCSR: round to nearest even,
 * denormals neither flushed to zero nor read as zero), which Swift and C programs have unless they
 * change it; the bit-exactness claims below hold under it. */
#ifndef OCTET_KERNELS_H
#define OCTET_KERNELS_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Special-value encodings, as in Specs/formats.md §2.1. */
typedef enum {
    OCTET_SPECIALS_IEEE = 0,
    OCTET_SPECIALS_FN = 1,
    OCTET_SPECIALS_FNUZ = 2,
    OCTET_SPECIALS_P3109E = 3,
    OCTET_SPECIALS_NAN_TOP = 4,
    OCTET_SPECIALS_INF_NAN_TOP = 5,
    OCTET_SPECIALS_NONE = 6
} octet_specials;

/* A floating-point format of at most 8 bits. */
typedef struct {
    int is_signed;
    int exponent_bits;
    int mantissa_bits;
    int bias;
    int subnormals;      /* 0: exponent field 0 is a normal binade and there is no zero (E8M0) */
    octet_specials specials;
} octet_format;

typedef enum { OCTET_RNE = 0, OCTET_RTZ = 1, OCTET_SR = 2 } octet_rounding;
typedef enum { OCTET_SATURATE = 0, OCTET_NONSATURATE = 1, OCTET_PROPAGATE = 2, OCTET_OVFINF = 3 } octet_overflow;

/* A conversion plan: everything a conversion loop needs, precomputed from the format, the rounding
 * mode and the overflow policy. Build it once with octet_plan_init; it is plain data. */
typedef struct {
    octet_format format;
    octet_rounding rounding;
    octet_overflow overflow;
    int sr_bits;              /* N, 1..24, for OCTET_SR */
    int emin;                 /* exponent of the lowest full-precision binade */
    uint32_t max_magnitude;   /* largest finite magnitude code */
    uint32_t sign_bit;        /* 0 for unsigned formats */
    uint32_t nan_code[2];     /* [sign]; has_nan == 0: 0 (and the NaN is counted) */
    int has_nan;
    uint32_t inf_result[2];   /* result for +Inf / -Inf input */
    uint32_t overflow_result[2];   /* result for a finite value rounding beyond max, by sign */
    uint32_t negative_zero_result; /* result for -0 and negative values rounding to zero */
    uint32_t below_range_result;   /* unsigned: a negative value not rounding to zero */
    uint32_t zero_input_result;    /* +0/-0 input (E8M0: out of range at the bottom) */
    float decode_table[256];       /* code -> binary32 value (exact for every <= 8-bit format) */
    int quantum_exponent;          /* log2 of the smallest positive magnitude */
    double max_abs;                /* largest finite magnitude */
    int has_specials;              /* any Inf or NaN code */
} octet_plan;

/* Fills a plan. Returns 0 on success, -1 for an unsupported combination (format wider than 8
 * bits, sr_bits outside 1..24). */
int octet_plan_init(octet_plan *plan, octet_format format, octet_rounding rounding, octet_overflow overflow, int sr_bits);

/* 1 when the AVX2 paths are in use (runtime CPUID), 0 when the scalar ones are. */
int octet_has_avx2(void);
/* Forces the scalar paths (for tests and baselines) on the calling thread: 1 = scalar only,
 * 0 = automatic. */
void octet_force_scalar(int on);

/* binary32 -> codes: out[i] = encode(in[i]) under the plan (Specs/formats.md §4), one code per
 * byte. With OCTET_SR, rbits[i] is the random integer R of element i (R < 2^N); otherwise rbits
 * may be NULL. A NaN into a format without NaN (which the reference refuses) writes 0 and is
 * counted: the return value is the number of such elements. */
size_t octet_convert_f32(const octet_plan *plan, const float *in, uint8_t *out, size_t n, const uint32_t *rbits);
/* The same from binary16 bits and from bfloat16 bits (widened exactly to binary32 first). */
size_t octet_convert_f16(const octet_plan *plan, const uint16_t *in, uint8_t *out, size_t n, const uint32_t *rbits);
size_t octet_convert_bf16(const octet_plan *plan, const uint16_t *in, uint8_t *out, size_t n, const uint32_t *rbits);

/* codes -> binary32 (exact), binary16 (rne, overflow to Inf: IEEE), bfloat16 (rne; exact for
 * every registered 8-bit format). Codes are read from the low bits of each byte. */
void octet_decode_f32(const octet_plan *plan, const uint8_t *in, float *out, size_t n);
void octet_decode_f16(const octet_plan *plan, const uint8_t *in, uint16_t *out, size_t n);
void octet_decode_bf16(const octet_plan *plan, const uint8_t *in, uint16_t *out, size_t n);

/* 4-bit packing: element 2k in the low nibble of byte k, element 2k+1 in the high nibble (an odd
 * count leaves the last high nibble 0). */
void octet_pack4(const uint8_t *codes, uint8_t *packed, size_t n);
void octet_unpack4(const uint8_t *packed, uint8_t *codes, size_t n);

/* Exact integer dot products (reference: `exact` into int32; the caller keeps n small enough that
 * the exact sum fits int32: n < 131072 for int8 x int8, whose largest product is (-128)^2 = 2^14;
 * n < 65794 for uint8 x int8; n < 2^21 for int4 x int8). */
int32_t octet_dot_i8(const int8_t *a, const int8_t *b, size_t n);
int32_t octet_dot_u8i8(const uint8_t *a, const int8_t *b, size_t n);
/* a: n int4 values packed two per byte (element 0 low nibble), b: n int8 values. */
int32_t octet_dot_i4i8(const uint8_t *a_packed, const int8_t *b, size_t n);

/* C[i*N + j] = sum_k A[i*K + k] * Bt[j*K + k], exact int32 (A is M x K, Bt is N x K, both
 * row-major: B stored transposed). */
void octet_gemm_i8(const int8_t *A, const int8_t *Bt, int32_t *C, size_t M, size_t N, size_t K);
/* The same followed by the declared epilogue, in binary32 with rne and no fusion:
 * out[i*N + j] = ((float)C_ij * row_scale[i]) * col_scale[j]. */
void octet_gemm_i8_scaled(const int8_t *A, const int8_t *Bt, const float *row_scale, const float *col_scale,
                          float *out, size_t M, size_t N, size_t K);

/* FP8 x FP8 dot with binary32 accumulation in the reference order `fp32:lanes32`: element i to lane
 * i mod 32, lanes reduced by folding halves (32 -> 16 -> ... -> 1). Products are computed in
 * binary32, which is exact for all 8-bit formats whose product fits binary32's range and precision
 * (every registered FP8 format); so fused and unfused agree. */
float octet_dot_fp8_f32(const octet_plan *pa, const octet_plan *pb, const uint8_t *a, const uint8_t *b, size_t n);
/* An exact sum: (hi·2^64 + lo) · 2^lsb_exponent as a two's-complement 128-bit integer, or a special. */
typedef struct {
    int64_t hi;
    uint64_t lo;
    int lsb_exponent;
    int special;          /* 0: finite; 1: NaN; 2: +Inf; 3: -Inf */
    int negative_zero;    /* finite zero that is -0 (every product -0) */
    int path;             /* accumulator used: 53 = binary64, 63 = int64, 127 = int128; 0 = not computed
                             (a special outcome, or W > 127: see below) */
} octet_exact_sum;

/* Exact FP8 x FP8 (any <= 8-bit formats) dot product: the reference `exact` sum, with IEEE special
 * rules (Specs/accumulation.md §1). The accumulator is chosen from the Kulisch width W of the two
 * formats for n terms (W = floor(log2 max|a·b|) - lsb + ceil(log2 n) + 2, lsb = log2 min|a·b|):
 *  - W <= 53: binary64 additions in any order are exact, because every partial sum is a multiple
 *    of 2^lsb below 2^(lsb+52) in magnitude, which binary64 represents exactly (AVX2 path);
 *  - W <= 63: an int64 fixed-point register at 2^lsb is exact and cannot overflow;
 *  - otherwise a two-word (int128) register, exact for W <= 127.
 * The AVX2 path reaches that register by exact partial sums: when the products are narrower than
 * 2^41 units of 2^lsb (E4M3 fn/fnuz, E3M4, E2M5) each binary32 product is split on a fixed grid
 * into a high part summed as int32 and a low part summed in binary32, 16 terms per lane, flushed
 * into binary64 chunks that stay below 2^53 units (proof at sum_split_fast in fp8dot.c); wider
 * products (E5M2, E4M3 x E5M2) are widened to binary64 and added in runs of at most 2^c terms, c
 * the largest with width(2^c) <= 53 (each run exact by the first argument). Each chunk or run is
 * added to the register as an integer, so e4m3fn x e4m3fn with 16 Mi terms (W = 61) ends in an
 * int64.
 * Formats whose width exceeds 127 bits even for few terms (products spanning more than 2^125:
 * E8M0, binary8p1*, binary8p2*) are not supported: the result is 0 with path 0. NaN/Inf codes give
 * the special outcome (path 0). Codes are read from the low bits of each byte. */
octet_exact_sum octet_dot_fp8_exact(const octet_plan *pa, const octet_plan *pb, const uint8_t *a, const uint8_t *b, size_t n);

/* MX block dot: X(A)·X(B)·Σ P_i(A)·P_i(B) with E8M0 scale codes, accumulated exactly in binary64
 * (exact for FP8/FP6/FP4 elements and blocks of up to 2^12 elements), then rounded once to binary32
 * (rne). A NaN scale gives NaN. */
float octet_mx_dot(const octet_plan *pa, const octet_plan *pb, uint8_t scale_a, uint8_t scale_b,
                   const uint8_t *a, const uint8_t *b, size_t n);

/* Block-scaled quantization (blockquant.c): the reference's BlockScheme.quantize bit for bit
 * (Specs/blocks.md §2.1-2.2). The tensor is rows x cols, row-major, binary32 or bfloat16 bits;
 * blocks of `block` elements run along each row from its start, the last block of a row shorter
 * when block does not divide cols. Outputs (any of codes/packed may be NULL):
 *  - codes: rows*cols element codes, one per byte;
 *  - packed (4-bit elements only): each row's codes packed low-first, element 2i in the low nibble,
 *    ceil(cols/2) bytes per row, an odd row's last high nibble 0 (BlockTensor.packed(row:));
 *  - scales: rows*ceil(cols/block) scale codes (E8M0 for MX, E4M3 for NVFP4). */
typedef enum { OCTET_BQ_E4M3 = 0, OCTET_BQ_E5M2 = 1, OCTET_BQ_E2M1 = 2 } octet_bq_element;
typedef enum { OCTET_MX_FLOOR = 0, OCTET_MX_CEIL = 1, OCTET_MX_RCEIL = 2, OCTET_MX_EVEN = 3 } octet_mx_rule;
/* MX (mxfp8_e4m3, mxfp8_e5m2, mxfp4 and their _bK sizes) under a scale rule, rne elements. A block
 * with NaN or Inf gets scale 0xFF and codes 0. bf16 != 0: `in` holds bfloat16 bits. */
void octet_mx_quantize(octet_bq_element element, octet_mx_rule rule, const void *in, int bf16, size_t rows, size_t cols,
                       size_t block, uint8_t *codes, uint8_t *packed, uint8_t *scales);
/* NVFP4 (nvfp4, nvfp4_b K): amax pass, tensor scale (into *tensor_scale), then the blocks. Returns 0;
 * 1 when an input is NaN or Inf (its index in *bad; nothing written); 2 when a non-zero amax makes
 * the tensor scale underflow to 0 (the reference's errors). */
int octet_nvfp4_quantize(const void *in, int bf16, size_t rows, size_t cols, size_t block, uint32_t *tensor_scale,
                         uint8_t *codes, uint8_t *packed, uint8_t *scales, size_t *bad);
/* nvfp4_1level (nvfp4_1level_b K): the block pass with s_t = 1. Returns 0, or 1 when an input is NaN
 * or Inf (its row-major index in *bad; the outputs are then incomplete). */
int octet_nvfp4_1level_quantize(const void *in, int bf16, size_t rows, size_t cols, size_t block,
                                uint8_t *codes, uint8_t *packed, uint8_t *scales, size_t *bad);

/* The library's own kernels through the octet_kernel.h ABI (see abi.c). */
void octet_abi_convert_e4m3fn_rne_saturate(const float *in, uint8_t *out, size_t n);
void octet_abi_convert_e4m3fn_rne_nonsaturate(const float *in, uint8_t *out, size_t n);
void octet_abi_convert_e5m2_rne_saturate(const float *in, uint8_t *out, size_t n);
float octet_abi_dot_e4m3fn_f32_lanes32(const uint8_t *a, const uint8_t *b, size_t n);
int32_t octet_abi_dot_i8(const int8_t *a, const int8_t *b, size_t n);

#ifdef __cplusplus
}
#endif
#endif

/* The scaled GEMM epilogue: binary32, round to nearest even, no fusion (FP_CONTRACT OFF). */
#pragma STDC FP_CONTRACT OFF
#include "octet_kernels.h"
#include <stdlib.h>

void octet_gemm_i8_scaled(const int8_t *A, const int8_t *Bt, const float *row_scale, const float *col_scale,
                          float *out, size_t M, size_t N, size_t K) {
    int32_t *C = (int32_t *)malloc(M * N * sizeof(int32_t) + 1);
    if (!C) { for (size_t i = 0; i < M * N; i++) out[i] = __builtin_nanf(""); return; }
    octet_gemm_i8(A, Bt, C, M, N, K);
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < N; j++) {
            float t = (float)C[i * N + j] * row_scale[i];
            out[i * N + j] = t * col_scale[j];
        }
    free(C);
}

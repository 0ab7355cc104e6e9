/* OctetKernels exposed through the octet_kernel.h ABI, so `octet check` (and its tests) can check
 * the library's own kernels exactly as it checks a user's. Plans are built once, at load time. */
#include "octet_kernels.h"
#include "octet_kernel.h"

static octet_plan e4m3fn_sat, e4m3fn_nonsat, e5m2_sat;

__attribute__((constructor))
static void octet_abi_init(void) {
    octet_format e4m3fn = { 1, 4, 3, 7, 1, OCTET_SPECIALS_FN };
    octet_format e5m2 = { 1, 5, 2, 15, 1, OCTET_SPECIALS_IEEE };
    octet_plan_init(&e4m3fn_sat, e4m3fn, OCTET_RNE, OCTET_SATURATE, 0);
    octet_plan_init(&e4m3fn_nonsat, e4m3fn, OCTET_RNE, OCTET_NONSATURATE, 0);
    octet_plan_init(&e5m2_sat, e5m2, OCTET_RNE, OCTET_SATURATE, 0);
}

/* binary32 -> float8_e4m3fn, rne, saturate */
void octet_abi_convert_e4m3fn_rne_saturate(const float *in, uint8_t *out, size_t n) {
    octet_convert_f32(&e4m3fn_sat, in, out, n, 0);
}
/* binary32 -> float8_e4m3fn, rne, nonsaturate */
void octet_abi_convert_e4m3fn_rne_nonsaturate(const float *in, uint8_t *out, size_t n) {
    octet_convert_f32(&e4m3fn_nonsat, in, out, n, 0);
}
/* binary32 -> float8_e5m2, rne, saturate */
void octet_abi_convert_e5m2_rne_saturate(const float *in, uint8_t *out, size_t n) {
    octet_convert_f32(&e5m2_sat, in, out, n, 0);
}
/* float8_e4m3fn x float8_e4m3fn, binary32 accumulation in the order fp32:lanes32 */
float octet_abi_dot_e4m3fn_f32_lanes32(const uint8_t *a, const uint8_t *b, size_t n) {
    return octet_dot_fp8_f32(&e4m3fn_sat, &e4m3fn_sat, a, b, n);
}
/* exact int8 dot */
int32_t octet_abi_dot_i8(const int8_t *a, const int8_t *b, size_t n) { return octet_dot_i8(a, b, n); }

/* An example user kernel: binary32 -> OCP float8_e4m3fn, round to nearest even, saturating.
 * Build and check it:
 *   cc -O2 -shared -fPIC -I Sources/COctetKernels/include -o /tmp/libe4m3.so Examples/c-kernel/e4m3fn_convert.c
 *   swift run octet check --kernel /tmp/libe4m3.so --symbol e4m3fn_convert --op convert --to float8_e4m3fn
 * Define PLANT_TIE_BUG to see `octet check` catch a wrong tie rule and shrink it. */
#include "octet_kernel.h"
#include <string.h>

static uint8_t convert_one(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    uint32_t sign = (u >> 24) & 0x80, a = u & 0x7FFFFFFF;
    if (a > 0x7F800000) return (uint8_t)(sign | 0x7F);          /* NaN keeps its sign */
    if (a >= 0x43E80000) return (uint8_t)(sign | 0x7E);         /* >= 464 (and Inf): saturate to 448 */
    int e = (int)(a >> 23) - 127;                                /* binary32 exponent */
    uint32_t sig = (a & 0x7FFFFF) | (a >> 23 ? 0x800000 : 0);
    if (a >> 23 == 0) e = -126;
    int q = (e > -6 ? e : -6) - 3;                               /* weight of the kept lsb */
    int shift = q - (e - 23);
    if (shift > 31) return (uint8_t)sign;
    uint32_t t = sig >> shift, rem = sig & ((1u << shift) - 1), half = 1u << (shift - 1);
#ifdef PLANT_TIE_BUG
    if (rem >= half) t++;                                        /* ties away: wrong */
#else
    if (rem > half || (rem == half && (t & 1))) t++;
#endif
    /* value t·2^q: code = ((max(e,-6)+6) << 3) + t, counting upward through subnormals */
    int ee = e > -6 ? e : -6;
    uint32_t code = ((uint32_t)(ee + 6) << 3) + t;
    if (code > 0x7E) code = 0x7E;
    return (uint8_t)(sign | code);
}

void e4m3fn_convert(const float *in, uint8_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = convert_one(in[i]);
}

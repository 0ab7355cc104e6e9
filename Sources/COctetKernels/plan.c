/* Conversion plans: the reference's special-value and overflow rules (Specs/formats.md §4),
 * resolved once per (format, rounding, overflow) into constant codes, and run-time dispatch. */
#include "octet_kernels.h"
#include <math.h>
#include <string.h>

/* Per thread, so a test or benchmark forcing the scalar paths does not change what other threads run. */
static _Thread_local int force_scalar_flag = 0;

int octet_cpu_avx2(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    }
    return cached;
}

int octet_has_avx2(void) { return !force_scalar_flag && octet_cpu_avx2(); }
void octet_force_scalar(int on) { force_scalar_flag = on; }

static uint32_t magnitude_mask(const octet_format *f) { return (1u << (f->exponent_bits + f->mantissa_bits)) - 1u; }

static uint32_t max_finite_magnitude(const octet_format *f) {
    uint32_t all = magnitude_mask(f);
    switch (f->specials) {
    case OCTET_SPECIALS_IEEE: return all - (1u << f->mantissa_bits);
    case OCTET_SPECIALS_FN: case OCTET_SPECIALS_P3109E: case OCTET_SPECIALS_NAN_TOP: return all - 1u;
    case OCTET_SPECIALS_INF_NAN_TOP: return all - 2u;
    default: return all;
    }
}

/* -1 when the format has no such infinity. */
static int64_t inf_code(const octet_format *f, int negative) {
    uint32_t sign = f->is_signed ? (1u << (f->exponent_bits + f->mantissa_bits)) : 0u;
    switch (f->specials) {
    case OCTET_SPECIALS_IEEE: return (negative ? sign : 0u) | (((1u << f->exponent_bits) - 1u) << f->mantissa_bits);
    case OCTET_SPECIALS_P3109E: return (negative ? sign : 0u) | magnitude_mask(f);
    case OCTET_SPECIALS_INF_NAN_TOP: return negative ? -1 : (int64_t)(magnitude_mask(f) - 1u);
    default: return -1;
    }
}

static int64_t nan_code(const octet_format *f, int negative) {
    uint32_t sign = f->is_signed ? (1u << (f->exponent_bits + f->mantissa_bits)) : 0u;
    switch (f->specials) {
    case OCTET_SPECIALS_IEEE:
        return (negative ? sign : 0u) | (((1u << f->exponent_bits) - 1u) << f->mantissa_bits) | (1u << (f->mantissa_bits - 1));
    case OCTET_SPECIALS_FN: return (negative ? sign : 0u) | magnitude_mask(f);
    case OCTET_SPECIALS_FNUZ: case OCTET_SPECIALS_P3109E: return sign;
    case OCTET_SPECIALS_NAN_TOP: case OCTET_SPECIALS_INF_NAN_TOP: return magnitude_mask(f);
    default: return -1;
    }
}

static int has_negative_zero(const octet_format *f) {
    return f->is_signed && f->subnormals &&
           (f->specials == OCTET_SPECIALS_IEEE || f->specials == OCTET_SPECIALS_FN || f->specials == OCTET_SPECIALS_NONE);
}

static float code_value(const octet_format *f, uint32_t code) {
    uint32_t mm = magnitude_mask(f);
    uint32_t sign = f->is_signed ? (code >> (f->exponent_bits + f->mantissa_bits)) & 1u : 0u;
    uint32_t mag = code & mm;
    uint32_t expf = mag >> f->mantissa_bits, frac = mag & ((1u << f->mantissa_bits) - 1u);
    /* specials */
    int64_t pinf = inf_code(f, 0), ninf = inf_code(f, 1);
    if ((int64_t)code == pinf) return INFINITY;
    if ((int64_t)code == ninf) return -INFINITY;
    switch (f->specials) {
    case OCTET_SPECIALS_IEEE: if (expf == (1u << f->exponent_bits) - 1u) return NAN; break;
    case OCTET_SPECIALS_FN: if (mag == mm) return NAN; break;
    case OCTET_SPECIALS_FNUZ: case OCTET_SPECIALS_P3109E:
        if (code == (1u << (f->exponent_bits + f->mantissa_bits))) return NAN; break;
    case OCTET_SPECIALS_NAN_TOP: case OCTET_SPECIALS_INF_NAN_TOP: if (code == mm) return NAN; break;
    default: break;
    }
    double v;
    if (f->subnormals && expf == 0) v = ldexp((double)frac, 1 - f->bias - f->mantissa_bits);
    else v = ldexp((double)(frac | (1u << f->mantissa_bits)), (int)expf - f->bias - f->mantissa_bits);
    return (float)(sign ? -v : v);   /* exact: <= 8 significand bits, exponent within binary32 */
}

int octet_plan_init(octet_plan *p, octet_format f, octet_rounding rounding, octet_overflow overflow, int sr_bits) {
    int bits = (f.is_signed ? 1 : 0) + f.exponent_bits + f.mantissa_bits;
    if (bits < 2 || bits > 8 || f.exponent_bits < 1 || f.mantissa_bits < 0) return -1;
    if (rounding == OCTET_SR && (sr_bits < 1 || sr_bits > 24)) return -1;
    memset(p, 0, sizeof *p);
    p->format = f;
    p->rounding = rounding;
    p->overflow = overflow;
    p->sr_bits = rounding == OCTET_SR ? sr_bits : 0;
    p->emin = f.subnormals ? 1 - f.bias : -f.bias;
    p->max_magnitude = max_finite_magnitude(&f);
    p->sign_bit = f.is_signed ? (1u << (f.exponent_bits + f.mantissa_bits)) : 0u;
    int64_t nanp = nan_code(&f, 0), nann = nan_code(&f, 1);
    p->has_nan = nanp >= 0;
    p->nan_code[0] = nanp >= 0 ? (uint32_t)nanp : 0u;
    p->nan_code[1] = nann >= 0 ? (uint32_t)nann : 0u;
    uint32_t maxc[2] = { p->max_magnitude, p->sign_bit | p->max_magnitude };
    uint32_t lowest = 0;   /* the smallest value of an unsigned format: 0, or 2^-bias (E8M0): code 0 */
    for (int s = 0; s < 2; s++) {
        int64_t inf = inf_code(&f, s), nan = nan_code(&f, s);
        int unsigned_negative = s && !f.is_signed;
        /* ±Inf input */
        uint32_t r;
        if (unsigned_negative) {
            r = overflow == OCTET_SATURATE ? lowest : (nan >= 0 ? (uint32_t)nan : lowest);
        } else switch (overflow) {
            case OCTET_SATURATE: r = maxc[s]; break;
            case OCTET_PROPAGATE: case OCTET_NONSATURATE:
                r = inf >= 0 ? (uint32_t)inf : nan >= 0 ? (uint32_t)nan : maxc[s]; break;
            default: r = inf >= 0 ? (uint32_t)inf : maxc[s]; break;
        }
        p->inf_result[s] = r;
        /* finite overflow (rtz rounds toward zero: max) */
        if (overflow == OCTET_SATURATE || overflow == OCTET_PROPAGATE || rounding == OCTET_RTZ) r = maxc[s];
        else if (overflow == OCTET_NONSATURATE) r = inf >= 0 ? (uint32_t)inf : nan >= 0 ? (uint32_t)nan : maxc[s];
        else r = inf >= 0 ? (uint32_t)inf : maxc[s];
        p->overflow_result[s] = r;
    }
    int64_t nan_any = nan_code(&f, 1);
    /* unsigned: negative finite not rounding to zero */
    if (overflow == OCTET_SATURATE || overflow == OCTET_PROPAGATE || rounding == OCTET_RTZ) p->below_range_result = lowest;
    else p->below_range_result = nan_any >= 0 ? (uint32_t)nan_any : lowest;
    /* unsigned formats: a negative value beyond the range is below it, not above */
    if (!f.is_signed) p->overflow_result[1] = p->below_range_result;
    /* zero input and negative values rounding to zero */
    if (f.subnormals) {
        p->zero_input_result = 0;
        p->negative_zero_result = has_negative_zero(&f) ? p->sign_bit : 0u;
    } else {
        uint32_t z = (overflow == OCTET_SATURATE || overflow == OCTET_PROPAGATE) ? lowest : (nan_any >= 0 ? (uint32_t)nan_any : lowest);
        p->zero_input_result = z;
        p->negative_zero_result = z;
    }
    /* decode table and product facts */
    uint32_t count = 1u << bits;
    double maxabs = 0;
    for (uint32_t c = 0; c < 256; c++) {
        /* Codes are read from the low bits of each byte: unused high bits are ignored. */
        float v = code_value(&f, c & (count - 1u));
        p->decode_table[c] = v;
        if (c < count) {
            if (isnan(v) || isinf(v)) p->has_specials = 1;
            else if (fabs((double)v) > maxabs) maxabs = fabs((double)v);
        }
    }
    p->max_abs = maxabs;
    p->quantum_exponent = f.subnormals && f.mantissa_bits > 0 ? 1 - f.bias - f.mantissa_bits
                        : f.subnormals ? 1 - f.bias : -f.bias;
    return 0;
}

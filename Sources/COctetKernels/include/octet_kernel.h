/* octet_kernel.h — the C ABI that `octet check` loads from a user's shared library.
 *
 * Compile a kernel into a shared library exporting a function of one of these types, e.g.
 *   cc -O2 -shared -fPIC -o libmykernel.so mykernel.c
 *   octet check --kernel ./libmykernel.so --symbol my_convert --op convert --to float8_e4m3fn
 * Codes are one per byte; formats narrower than 8 bits use the low bits. */
#ifndef OCTET_KERNEL_H
#define OCTET_KERNEL_H
#include <stddef.h>
#include <stdint.h>

/* n binary32 values -> n codes of the target format (one code per byte, narrow formats in the low bits) */
typedef void octet_convert_f32_fn(const float *in, uint8_t *out, size_t n);
/* out[i] = round(a[i] * b[i]) into the output format */
typedef void octet_mul_fn(const uint8_t *a, const uint8_t *b, uint8_t *out, size_t n);
/* dot product of n pairs of codes, returned as binary32 */
typedef float octet_dot_f32_fn(const uint8_t *a, const uint8_t *b, size_t n);
/* exact dot product of n INT8 pairs */
typedef int32_t octet_dot_i8_fn(const int8_t *a, const int8_t *b, size_t n);

#endif

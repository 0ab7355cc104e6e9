// cuda_host.cpp — CUDA's own host-code conversions (cuda_fp8.hpp, cuda_fp6.hpp, cuda_fp4.hpp), for
// Scripts/peers/peers.py --peers …,cuda. No GPU: the headers' host paths (no __CUDA_ARCH__) compiled
// as ordinary C++:
//
//   g++ -O2 -std=c++17 -I<cuda include dirs> Scripts/peers/cuda_host.cpp -o cuda_host
//
// Modes:
//   cuda_host columns       the output columns of `list`, one per line
//   cuda_host list          stdin: "TYPE HEX" per line (TYPE f64|f32|f16|bf16, HEX the bit pattern);
//                           stdout: "TYPE HEX" and one hex code per column ("-" where CUDA has no such
//                           function for that input type)
//   cuda_host decode        every code of every format → __nv_cvt_*_to_halfraw / _to_bf16raw bits
//   cuda_host sweep TYPE    every bit pattern of TYPE (f16/bf16: all 2^16; f32: every upper half with 13
//                           lower halves, 851968 patterns, or all 2^32 with `sweep f32 all`) through every
//                           conversion, against the rule of the `cuda` profile written out below
//                           (independently of Octet); prints the disagreements per column (0 expected)
//                           and how many inputs of each class the rule departs from the exact reference
#include <cuda_fp8.h>
#include <cuda_fp6.h>
#include <cuda_fp4.h>

#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

enum Src { F64, F32, F16, BF16 };
static const char *src_name[] = {"f64", "f32", "f16", "bf16"};

static double f64_of(uint64_t b) { double d; std::memcpy(&d, &b, 8); return d; }
static float f32_of(uint32_t b) { float f; std::memcpy(&f, &b, 4); return f; }
static __half_raw h_of(uint16_t b) { __half_raw h; h.x = b; return h; }
static __nv_bfloat16_raw bf_of(uint16_t b) { __nv_bfloat16_raw h; h.x = b; return h; }

// --------------------------------------------------------------------------------------------
// The columns: (target format, CUDA's options) → one code per input, or -1 where CUDA has no such
// conversion from that input type (there is no half → E8M0).
// --------------------------------------------------------------------------------------------
struct Column {
    const char *format;    // Octet's name of the target
    const char *mode;      // CUDA's options, as written in the report
    int kind;              // 0 fp8, 1 e8m0, 2 fp6, 3 fp4
    int interp;            // __NV_E4M3/__NV_E5M2, __NV_E2M3/__NV_E3M2, __NV_E2M1
    int sat;               // __NV_SATFINITE / __NV_NOSAT (fp8, e8m0)
    cudaRoundMode rnd;     // e8m0: cudaRoundZero / cudaRoundPosInf; fp6/fp4: cudaRoundNearest / cudaRoundZero
};

static std::vector<Column> columns() {
    std::vector<Column> c;
    c.push_back({"float8_e4m3fn", "__NV_E4M3, __NV_SATFINITE", 0, __NV_E4M3, __NV_SATFINITE, cudaRoundNearest});
    c.push_back({"float8_e4m3fn", "__NV_E4M3, __NV_NOSAT", 0, __NV_E4M3, __NV_NOSAT, cudaRoundNearest});
    c.push_back({"float8_e5m2", "__NV_E5M2, __NV_SATFINITE", 0, __NV_E5M2, __NV_SATFINITE, cudaRoundNearest});
    c.push_back({"float8_e5m2", "__NV_E5M2, __NV_NOSAT", 0, __NV_E5M2, __NV_NOSAT, cudaRoundNearest});
    c.push_back({"float8_e8m0fnu", "cudaRoundPosInf, __NV_SATFINITE", 1, 0, __NV_SATFINITE, cudaRoundPosInf});
    c.push_back({"float8_e8m0fnu", "cudaRoundPosInf, __NV_NOSAT", 1, 0, __NV_NOSAT, cudaRoundPosInf});
    c.push_back({"float8_e8m0fnu", "cudaRoundZero, __NV_SATFINITE", 1, 0, __NV_SATFINITE, cudaRoundZero});
    c.push_back({"float8_e8m0fnu", "cudaRoundZero, __NV_NOSAT", 1, 0, __NV_NOSAT, cudaRoundZero});
    c.push_back({"float6_e2m3fn", "__NV_E2M3, cudaRoundNearest", 2, __NV_E2M3, 0, cudaRoundNearest});
    c.push_back({"float6_e2m3fn", "__NV_E2M3, cudaRoundZero", 2, __NV_E2M3, 0, cudaRoundZero});
    c.push_back({"float6_e3m2fn", "__NV_E3M2, cudaRoundNearest", 2, __NV_E3M2, 0, cudaRoundNearest});
    c.push_back({"float6_e3m2fn", "__NV_E3M2, cudaRoundZero", 2, __NV_E3M2, 0, cudaRoundZero});
    c.push_back({"float4_e2m1fn", "__NV_E2M1, cudaRoundNearest", 3, __NV_E2M1, 0, cudaRoundNearest});
    c.push_back({"float4_e2m1fn", "__NV_E2M1, cudaRoundZero", 3, __NV_E2M1, 0, cudaRoundZero});
    return c;
}

static const char *entry(const Column &c, Src s) {
    static const char *fp8[] = {"__nv_cvt_double_to_fp8", "__nv_cvt_float_to_fp8", "__nv_cvt_halfraw_to_fp8",
                                "__nv_cvt_bfloat16raw_to_fp8"};
    static const char *e8[] = {"__nv_cvt_double_to_e8m0", "__nv_cvt_float_to_e8m0", "-", "__nv_cvt_bfloat16raw_to_e8m0"};
    static const char *fp6[] = {"__nv_cvt_double_to_fp6", "__nv_cvt_float_to_fp6", "__nv_cvt_halfraw_to_fp6",
                                "__nv_cvt_bfloat16raw_to_fp6"};
    static const char *fp4[] = {"__nv_cvt_double_to_fp4", "__nv_cvt_float_to_fp4", "__nv_cvt_halfraw_to_fp4",
                                "__nv_cvt_bfloat16raw_to_fp4"};
    const char *const *t = c.kind == 0 ? fp8 : c.kind == 1 ? e8 : c.kind == 2 ? fp6 : fp4;
    return t[s];
}

static int convert(const Column &c, Src s, uint64_t b) {
    const __nv_saturation_t sat = (__nv_saturation_t)c.sat;
    switch (c.kind) {
    case 0: {
        const __nv_fp8_interpretation_t k = (__nv_fp8_interpretation_t)c.interp;
        switch (s) {
        case F64: return __nv_cvt_double_to_fp8(f64_of(b), sat, k);
        case F32: return __nv_cvt_float_to_fp8(f32_of((uint32_t)b), sat, k);
        case F16: return __nv_cvt_halfraw_to_fp8(h_of((uint16_t)b), sat, k);
        case BF16: return __nv_cvt_bfloat16raw_to_fp8(bf_of((uint16_t)b), sat, k);
        }
        break;
    }
    case 1:
        switch (s) {
        case F64: return __nv_cvt_double_to_e8m0(f64_of(b), sat, c.rnd);
        case F32: return __nv_cvt_float_to_e8m0(f32_of((uint32_t)b), sat, c.rnd);
        case F16: return -1;
        case BF16: return __nv_cvt_bfloat16raw_to_e8m0(bf_of((uint16_t)b), sat, c.rnd);
        }
        break;
    case 2: {
        const __nv_fp6_interpretation_t k = (__nv_fp6_interpretation_t)c.interp;
        switch (s) {
        case F64: return __nv_cvt_double_to_fp6(f64_of(b), k, c.rnd);
        case F32: return __nv_cvt_float_to_fp6(f32_of((uint32_t)b), k, c.rnd);
        case F16: return __nv_cvt_halfraw_to_fp6(h_of((uint16_t)b), k, c.rnd);
        case BF16: return __nv_cvt_bfloat16raw_to_fp6(bf_of((uint16_t)b), k, c.rnd);
        }
        break;
    }
    case 3: {
        const __nv_fp4_interpretation_t k = (__nv_fp4_interpretation_t)c.interp;
        switch (s) {
        case F64: return __nv_cvt_double_to_fp4(f64_of(b), k, c.rnd);
        case F32: return __nv_cvt_float_to_fp4(f32_of((uint32_t)b), k, c.rnd);
        case F16: return __nv_cvt_halfraw_to_fp4(h_of((uint16_t)b), k, c.rnd);
        case BF16: return __nv_cvt_bfloat16raw_to_fp4(bf_of((uint16_t)b), k, c.rnd);
        }
        break;
    }
    }
    return -1;
}

// --------------------------------------------------------------------------------------------
// sweep: the `cuda` profile's rule, written from its documentation (Specs/formats.md §6), on the
// exact value of each input. Every value of the targets is a short dyadic, and so is every
// midpoint between two of them, so comparing an input (exactly a double) with a midpoint in double
// arithmetic is exact.
// --------------------------------------------------------------------------------------------
struct Target {
    int bits, E, M, bias;
    bool e8m0;
    std::vector<double> pos;   // the finite values ≥ 0 (E8M0: > 0), ascending; index = code
};

static Target target(const char *f) {
    Target t{};
    if (!std::strcmp(f, "float8_e4m3fn")) t = {8, 4, 3, 7, false, {}};
    else if (!std::strcmp(f, "float8_e5m2")) t = {8, 5, 2, 15, false, {}};
    else if (!std::strcmp(f, "float8_e8m0fnu")) t = {8, 8, 0, 127, true, {}};
    else if (!std::strcmp(f, "float6_e2m3fn")) t = {6, 2, 3, 1, false, {}};
    else if (!std::strcmp(f, "float6_e3m2fn")) t = {6, 3, 2, 3, false, {}};
    else t = {4, 2, 1, 1, false, {}};
    if (t.e8m0) {
        for (int c = 0; c < 255; c++) t.pos.push_back(std::ldexp(1.0, c - 127));
        return t;
    }
    const int mags = 1 << (t.E + t.M);
    for (int c = 0; c < mags; c++) {
        const int e = c >> t.M, m = c & ((1 << t.M) - 1);
        if (t.bits == 8 && t.E == 4 && c == mags - 1) break;                 // E4M3FN: 0x7F is NaN
        if (t.bits == 8 && t.E == 5 && e == (1 << t.E) - 1) break;           // E5M2: Inf/NaN
        t.pos.push_back(e == 0 ? std::ldexp((double)m, 1 - t.bias - t.M)
                               : std::ldexp((double)((1 << t.M) + m), e - t.bias - t.M));
    }
    return t;
}

// The profile's code for |x| (a finite double ≥ 0) under round-to-nearest-even, toward zero or up.
// Returns the index into pos, or pos.size() when the result lies beyond max.
static size_t round_index(const Target &t, double a, int how /*0 rne, 1 rtz, 2 rup*/) {
    const std::vector<double> &p = t.pos;
    size_t lo = 0, hi = p.size();      // first index with p[i] > a
    while (lo < hi) { size_t mid = (lo + hi) / 2; if (p[mid] > a) hi = mid; else lo = mid + 1; }
    if (lo == 0) return 0;             // below the smallest value (E8M0 only): the smallest value
    size_t i = lo - 1;                 // p[i] ≤ a
    if (p[i] == a) return i;
    if (how == 1) return i;
    if (how == 2) return i + 1;
    double next = (i + 1 < p.size()) ? p[i + 1] : p[i] + (p[i] - p[i - 1]);   // the grid goes on above max
    double mid = (p[i] + next) / 2;
    if (a < mid) return i;
    if (a > mid) return i + 1;
    return (i & 1) ? i + 1 : i;        // ties to the even code
}

// What the `cuda` profile gives, column by column, for an input of exact value x (NaN included).
static int profile_rule(const Column &c, const Target &t, double x) {
    const bool neg = std::signbit(x);
    const int sbit = 1 << (t.bits - 1);
    if (c.kind == 1) {                 // E8M0: |x|; 0 → 2^-127; NaN → 0xFF; beyond max → 0xFE or NaN
        if (std::isnan(x)) return 0xFF;
        double a = std::fabs(x);
        if (a == 0) return 0;
        if (std::isinf(a)) return c.sat == __NV_SATFINITE ? 0xFE : 0xFF;
        size_t i = round_index(t, a, c.rnd == cudaRoundZero ? 1 : 2);
        if (i >= t.pos.size()) return c.sat == __NV_SATFINITE ? 0xFE : 0xFF;
        return (int)i;
    }
    const int maxc = (int)t.pos.size() - 1;
    if (std::isnan(x)) return c.kind == 0 ? 0x7F : maxc;   // FP8: 0x7F (float path); FP6/FP4: +max
    const int s = neg ? sbit : 0;
    double a = std::fabs(x);
    size_t i = std::isinf(a) ? t.pos.size() : round_index(t, a, (c.kind != 0 && c.rnd == cudaRoundZero) ? 1 : 0);
    if (i >= t.pos.size()) {
        if (c.kind == 0 && c.sat == __NV_NOSAT) return s | (t.E == 4 ? 0x7F : 0x7C);
        return s | maxc;
    }
    return s | (int)i;
}

static double value_of(Src s, uint64_t b) {
    switch (s) {
    case F64: return f64_of(b);
    case F32: return (double)f32_of((uint32_t)b);
    case F16: {
        const int e = (b >> 10) & 0x1F, m = b & 0x3FF;
        double v = e == 0x1F ? (m ? NAN : INFINITY) : e == 0 ? std::ldexp((double)m, -24) : std::ldexp((double)(1024 + m), e - 25);
        return (b & 0x8000) ? -v : v;
    }
    case BF16: return (double)f32_of((uint32_t)b << 16);
    }
    return 0;
}

// f32 without "all": every one of the 2^16 upper halves (sign, exponent, top 7 mantissa bits) with
// each of these lower halves, which decide ties, stickiness and CUDA's bf16 round-up (E8M0).
static const uint32_t low_halves[] = {0x0000, 0x0001, 0x0002, 0x00FF, 0x4000, 0x7FFF, 0x8000, 0x8001, 0xC000,
                                      0xFFFE, 0xFFFF, 0x1234, 0xA5A5};

static int sweep(Src s, bool all) {
    const std::vector<Column> cols = columns();
    std::vector<Target> tg;
    for (const Column &c : cols) tg.push_back(target(c.format));
    std::vector<uint64_t> bad(cols.size(), 0), done(cols.size(), 0);
    std::vector<uint64_t> firstbad(cols.size(), 0);
    const size_t nlow = sizeof low_halves / sizeof low_halves[0];
    const uint64_t n = s != F32 ? (1ULL << 16) : all ? (1ULL << 32) : (1ULL << 16) * nlow;
    for (uint64_t i = 0; i < n; i++) {
        const uint64_t b = (s != F32 || all) ? i : ((i / nlow) << 16) | low_halves[i % nlow];
        const double x = value_of(s, b);
        for (size_t k = 0; k < cols.size(); k++) {
            int got = convert(cols[k], s, b);
            if (got < 0) continue;
            done[k]++;
            if (got != profile_rule(cols[k], tg[k], x)) {
                if (!bad[k]) firstbad[k] = b;
                bad[k]++;
            }
        }
    }
    for (size_t k = 0; k < cols.size(); k++) {
        if (!done[k]) continue;
        std::printf("%s\t%s\t%s\t%" PRIu64 "\t%" PRIu64, cols[k].format, cols[k].mode, entry(cols[k], s), done[k], bad[k]);
        if (bad[k]) std::printf("\tfirst %s:%" PRIX64, src_name[s], firstbad[k]);
        std::printf("\n");
    }
    return 0;
}

static int decode() {
    // fp8 → halfraw (E4M3, E5M2), fp6 → halfraw (E2M3, E3M2), fp4 → halfraw, e8m0 → bf16raw
    for (int c = 0; c < 256; c++)
        std::printf("float8_e4m3fn %02X f16 %04X\n", c, __nv_cvt_fp8_to_halfraw((__nv_fp8_storage_t)c, __NV_E4M3).x);
    for (int c = 0; c < 256; c++)
        std::printf("float8_e5m2 %02X f16 %04X\n", c, __nv_cvt_fp8_to_halfraw((__nv_fp8_storage_t)c, __NV_E5M2).x);
    for (int c = 0; c < 64; c++)
        std::printf("float6_e2m3fn %02X f16 %04X\n", c, __nv_cvt_fp6_to_halfraw((__nv_fp6_storage_t)c, __NV_E2M3).x);
    for (int c = 0; c < 64; c++)
        std::printf("float6_e3m2fn %02X f16 %04X\n", c, __nv_cvt_fp6_to_halfraw((__nv_fp6_storage_t)c, __NV_E3M2).x);
    for (int c = 0; c < 16; c++)
        std::printf("float4_e2m1fn %02X f16 %04X\n", c, __nv_cvt_fp4_to_halfraw((__nv_fp4_storage_t)c, __NV_E2M1).x);
    for (int c = 0; c < 256; c++)
        std::printf("float8_e8m0fnu %02X bf16 %04X\n", c, __nv_cvt_e8m0_to_bf16raw((__nv_fp8_storage_t)c).x);
    return 0;
}

static int list() {
    const std::vector<Column> cols = columns();
    char t[16], h[32];
    while (std::scanf("%15s %31s", t, h) == 2) {
        Src s;
        if (!std::strcmp(t, "f64")) s = F64;
        else if (!std::strcmp(t, "f32")) s = F32;
        else if (!std::strcmp(t, "f16")) s = F16;
        else if (!std::strcmp(t, "bf16")) s = BF16;
        else { std::fprintf(stderr, "cuda_host: unknown type %s\n", t); return 2; }
        uint64_t b = std::strtoull(h, nullptr, 16);
        std::printf("%s %s", t, h);
        for (const Column &c : cols) {
            int r = convert(c, s, b);
            if (r < 0) std::printf(" -");
            else std::printf(" %02X", r);
        }
        std::printf("\n");
    }
    return 0;
}

int main(int argc, char **argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "columns") {
        for (const Column &c : columns()) {
            std::printf("%s\t%s", c.format, c.mode);
            for (int s = 0; s < 4; s++) std::printf("\t%s", entry(c, (Src)s));
            std::printf("\n");
        }
        return 0;
    }
    if (mode == "list") return list();
    if (mode == "decode") return decode();
    if (mode == "version") { std::printf("%d\n", CUDART_VERSION); return 0; }
    if (mode == "sweep" && argc > 2) {
        const std::string t = argv[2];
        const bool all = argc > 3 && std::string(argv[3]) == "all";
        if (t == "f32") return sweep(F32, all);
        if (t == "f16") return sweep(F16, false);
        if (t == "bf16") return sweep(BF16, false);
    }
    std::fprintf(stderr, "usage: cuda_host columns | list | decode | version | sweep f32 [all] | sweep f16 | sweep bf16\n");
    return 2;
}

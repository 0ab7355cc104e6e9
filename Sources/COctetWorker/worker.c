// The worker side: guarded buffers, the checked call, the fault handler and the request loop.
#define _GNU_SOURCE
#include "octet_worker.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <ucontext.h>
#include <unistd.h>

typedef void (*convert_fn)(const float *, uint8_t *, size_t);
typedef void (*mul_fn)(const uint8_t *, const uint8_t *, uint8_t *, size_t);
typedef float (*dot_fn)(const uint8_t *, const uint8_t *, size_t);
typedef int32_t (*dot_i8_fn)(const int8_t *, const int8_t *, size_t);

static size_t round_up(size_t x, size_t m) { return (x + m - 1) / m * m; }

octet_layout octet_batch_layout(uint32_t kind, uint64_t count, uint64_t elements) {
    octet_layout l = {0, 0, 0, 0, 0};
    size_t d = OCTET_DATA_OFFSET;
    switch (kind) {
    case OCTET_KIND_CONVERT_F32:
        l.a = d;
        l.out = round_up(l.a + 4 * count, 64);
        l.end = l.out + count;
        break;
    case OCTET_KIND_MUL:
        l.a = d;
        l.b = round_up(l.a + count, 64);
        l.out = round_up(l.b + count, 64);
        l.end = l.out + count;
        break;
    default:
        l.lengths = d;
        l.a = round_up(l.lengths + 8 * count, 64);
        l.b = round_up(l.a + elements, 64);
        l.out = round_up(l.b + elements, 64);
        l.end = l.out + 4 * count;
        break;
    }
    return l;
}

// MARK: guarded arenas

// One operand's region: [guard page][data: cap bytes][guard page].
typedef struct {
    uint8_t *base;
    size_t cap;
    // where the current call's buffer sits, for the fault handler
    uint8_t *volatile ptr;
    volatile size_t len;
} arena;

struct octet_arenas {
    arena op[3];
    size_t page;
    uint64_t calls;
};

octet_arenas *octet_arenas_new(void) {
    octet_arenas *s = calloc(1, sizeof *s);
    if (s) s->page = (size_t)sysconf(_SC_PAGESIZE);
    return s;
}

void octet_arenas_free(octet_arenas *s) {
    if (!s) return;
    for (int i = 0; i < 3; i++)
        if (s->op[i].base) munmap(s->op[i].base, s->op[i].cap + 2 * s->page);
    free(s);
}

static uint8_t *data_start(const octet_arenas *s, const arena *a) { return a->base + s->page; }
static uint8_t *data_end(const octet_arenas *s, const arena *a) { return a->base + s->page + a->cap; }

static int ensure(octet_arenas *s, arena *a, size_t bytes) {
    size_t need = round_up(bytes + 8192, s->page);
    if (a->base && a->cap >= need) return 0;
    if (a->base) munmap(a->base, a->cap + 2 * s->page);
    a->base = NULL;
    uint8_t *p = mmap(NULL, need + 2 * s->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return -1;
    if (mprotect(p, s->page, PROT_NONE) != 0 || mprotect(p + s->page + need, s->page, PROT_NONE) != 0) {
        munmap(p, need + 2 * s->page);
        return -1;
    }
    a->base = p;
    a->cap = need;
    return 0;
}

// Places `len` bytes of an input against a guard: 0 ends at the trailing guard page, 1 starts
// right after the leading one, 2 starts one element (`es` bytes) after it.
static uint8_t *place_input(octet_arenas *s, arena *a, const void *src, size_t len, size_t es, uint32_t placement) {
    uint8_t *p;
    switch (placement % 3) {
    case 0: p = data_end(s, a) - len; break;
    case 1: p = data_start(s, a); break;
    default: p = data_start(s, a) + es; break;
    }
    if (len) memcpy(p, src, len);
    a->ptr = p;
    a->len = len;
    return p;
}

static uint8_t canary_byte(uint64_t seed, size_t i) {
    uint64_t z = (seed ^ (uint64_t)i) * 0x9E3779B97F4A7C15ull;
    z ^= z >> 29;
    return (uint8_t)(z >> 24);
}

#define LEAD_CANARY 64u
#define TRAIL_CANARY 4096u
static const size_t misalignments[4] = {0, 1, 7, 33};

// The output: a 64-byte canary, `len` bytes (filled with the pattern too), a canary of 4 KiB plus
// the misalignment, then the guard page.
static uint8_t *place_output(octet_arenas *s, arena *a, size_t len, uint64_t seed) {
    size_t mis = misalignments[seed % 4];
    uint8_t *end = data_end(s, a);
    uint8_t *p = end - TRAIL_CANARY - mis - len;
    uint8_t *q = p - LEAD_CANARY;
    for (size_t i = 0; q + i < end; i++) q[i] = canary_byte(seed, i);
    a->ptr = p;
    a->len = len;
    return p;
}

// Bytes written outside the output: > 0 past the end (the furthest byte changed, counted from
// the end), < 0 before the start, 0 when the canaries are intact.
static int64_t canary_damage(octet_arenas *s, arena *a, uint64_t seed) {
    uint8_t *p = a->ptr, *q = p - LEAD_CANARY, *end = data_end(s, a);
    size_t len = a->len;
    for (size_t i = (size_t)(end - q); i-- > LEAD_CANARY + len;)
        if (q[i] != canary_byte(seed, i)) return (int64_t)(i - LEAD_CANARY - len + 1);
    for (size_t i = 0; i < LEAD_CANARY; i++)
        if (q[i] != canary_byte(seed, i)) return -(int64_t)(LEAD_CANARY - i);
    return 0;
}

// MARK: the fault handler

static octet_arenas *volatile g_arenas;
static volatile int g_reply_fd = -1;
static volatile uint64_t g_sequence;
static volatile uint64_t g_current;

static void on_fault(int sig, siginfo_t *info, void *ctx) {
    octet_arenas *s = g_arenas;
    uint8_t *addr = info->si_addr;
    if (s && g_reply_fd >= 0) {
        for (uint32_t i = 0; i < 3; i++) {
            arena *a = &s->op[i];
            if (!a->base) continue;
            uint8_t *lead = a->base, *trail = data_end(s, a);
            int in_lead = addr >= lead && addr < lead + s->page;
            int in_trail = addr >= trail && addr < trail + s->page;
            if (!in_lead && !in_trail) continue;
            int write = 0;
#if defined(__x86_64__)
            write = (((ucontext_t *)ctx)->uc_mcontext.gregs[REG_ERR] & 2) != 0;
#endif
            octet_reply r;
            memset(&r, 0, sizeof r);
            r.status = write ? OCTET_OOB_WRITE : OCTET_OOB_READ;
            r.operand = i;
            r.index = g_current;
            r.offset = in_trail ? (int64_t)(addr - (a->ptr + a->len)) + 1 : (int64_t)(addr - a->ptr);
            r.sequence = g_sequence;
            (void)send(g_reply_fd, &r, sizeof r, MSG_NOSIGNAL);
            _exit(0);
        }
    }
    // Not ours: die of the signal as the kernel would have.
    signal(sig, SIG_DFL);
    (void)ctx;
}

static void install_fault_handler(void) {
    static uint8_t stack[1 << 16];
    stack_t ss = {.ss_sp = stack, .ss_size = sizeof stack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

// MARK: the checked call

static int input_changed(const uint8_t *placed, const uint8_t *orig, size_t len, size_t *first) {
    if (len == 0 || memcmp(placed, orig, len) == 0) return 0;
    for (size_t i = 0; i < len; i++)
        if (placed[i] != orig[i]) { *first = i; return 1; }
    return 0;
}

octet_reply octet_run_batch(octet_arenas *s, void *fn, void *shared, size_t shared_bytes) {
    octet_reply r;
    memset(&r, 0, sizeof r);
    octet_batch *h = shared;
    uint8_t *base = shared;
    octet_layout l = octet_batch_layout(h->kind, h->count, h->elements);
    if (h->count == 0 || l.end > shared_bytes || h->kind > OCTET_KIND_DOT_I8) {
        r.status = OCTET_BAD_REQUEST;
        snprintf(r.text, sizeof r.text, "batch of %llu cases does not fit the shared region", (unsigned long long)h->count);
        return r;
    }
    g_arenas = s;
    size_t n = h->count;
    uint64_t seed = h->canary_seed;
    if (h->kind == OCTET_KIND_CONVERT_F32 || h->kind == OCTET_KIND_MUL) {
        int conv = h->kind == OCTET_KIND_CONVERT_F32;
        size_t in_bytes = conv ? 4 * n : n;
        if (ensure(s, &s->op[0], in_bytes) || (!conv && ensure(s, &s->op[1], n)) || ensure(s, &s->op[2], n + TRAIL_CANARY + 128)) {
            r.status = OCTET_BAD_REQUEST;
            snprintf(r.text, sizeof r.text, "cannot map guarded buffers: %s", strerror(errno));
            return r;
        }
        uint8_t *a = place_input(s, &s->op[0], base + l.a, in_bytes, conv ? 4 : 1, h->placement);
        uint8_t *b = conv ? NULL : place_input(s, &s->op[1], base + l.b, n, 1, h->placement);
        uint8_t *out = place_output(s, &s->op[2], n, seed);
        h->current = g_current = 0;
        if (conv) ((convert_fn)fn)((const float *)a, out, n);
        else ((mul_fn)fn)(a, b, out, n);
        h->calls = ++s->calls;
        int64_t dmg = canary_damage(s, &s->op[2], seed);
        size_t first;
        if (dmg != 0) {
            r.status = OCTET_OOB_WRITE; r.operand = OCTET_OPERAND_OUT; r.offset = dmg;
        } else if (input_changed(a, base + l.a, in_bytes, &first)) {
            r.status = OCTET_INPUT_MODIFIED; r.operand = OCTET_OPERAND_A; r.index = first / (conv ? 4 : 1); r.offset = (int64_t)first;
        } else if (!conv && input_changed(b, base + l.b, n, &first)) {
            r.status = OCTET_INPUT_MODIFIED; r.operand = OCTET_OPERAND_B; r.index = first; r.offset = (int64_t)first;
        }
        memcpy(base + l.out, out, n);
        return r;
    }
    // dots: one call per vector
    const uint64_t *lengths = (const uint64_t *)(base + l.lengths);
    size_t longest = 0, total = 0;
    for (size_t k = 0; k < n; k++) { if (lengths[k] > longest) longest = lengths[k]; total += lengths[k]; }
    if (total != h->elements || ensure(s, &s->op[0], longest) || ensure(s, &s->op[1], longest)) {
        r.status = OCTET_BAD_REQUEST;
        snprintf(r.text, sizeof r.text, "dot batch lengths do not add up or buffers cannot be mapped");
        return r;
    }
    size_t pos = 0;
    uint32_t *results = (uint32_t *)(base + l.out);
    for (size_t k = 0; k < n; k++) {
        size_t len = lengths[k];
        uint32_t placement = (uint32_t)(h->placement + k);
        uint8_t *a = place_input(s, &s->op[0], base + l.a + pos, len, 1, placement);
        uint8_t *b = place_input(s, &s->op[1], base + l.b + pos, len, 1, placement);
        h->current = g_current = k;
        uint32_t bits;
        if (h->kind == OCTET_KIND_DOT_F32) {
            float v = ((dot_fn)fn)(a, b, len);
            memcpy(&bits, &v, 4);
        } else {
            int32_t v = ((dot_i8_fn)fn)((const int8_t *)a, (const int8_t *)b, len);
            memcpy(&bits, &v, 4);
        }
        h->calls = ++s->calls;
        results[k] = bits;
        size_t first;
        if (input_changed(a, base + l.a + pos, len, &first)) {
            r.status = OCTET_INPUT_MODIFIED; r.operand = OCTET_OPERAND_A; r.index = k; r.offset = (int64_t)first;
            return r;
        }
        if (input_changed(b, base + l.b + pos, len, &first)) {
            r.status = OCTET_INPUT_MODIFIED; r.operand = OCTET_OPERAND_B; r.index = k; r.offset = (int64_t)first;
            return r;
        }
        pos += len;
    }
    return r;
}

// MARK: the worker process

static void reply_and_exit(int fd, uint32_t status, const char *text) {
    octet_reply r;
    memset(&r, 0, sizeof r);
    r.status = status;
    if (text) snprintf(r.text, sizeof r.text, "%s", text);
    (void)send(fd, &r, sizeof r, MSG_NOSIGNAL);
    _exit(0);
}

int octet_worker_main(int argc, char **argv) {
    const int fd = 3;
    if (argc < 5) _exit(2);
    uint32_t kind = (uint32_t)atoi(argv[4]);
    install_fault_handler();
    void *shared = mmap(NULL, OCTET_SHARED_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, 4, 0);
    if (shared == MAP_FAILED) reply_and_exit(fd, OCTET_LOAD_ERROR, "the worker cannot map the shared batch region");
    char text[480];
    void *handle = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(text, sizeof text, "cannot load kernel library '%s': %s", argv[2], dlerror());
        reply_and_exit(fd, OCTET_LOAD_ERROR, text);
    }
    dlerror();
    void *fn = dlsym(handle, argv[3]);
    if (!fn) {
        const char *why = dlerror();
        snprintf(text, sizeof text, "library '%s' has no symbol '%s': %s", argv[2], argv[3], why ? why : "not found");
        reply_and_exit(fd, OCTET_LOAD_ERROR, text);
    }
    octet_arenas *s = octet_arenas_new();
    g_reply_fd = fd;
    octet_reply ready;
    memset(&ready, 0, sizeof ready);
    ready.status = OCTET_READY;
    if (send(fd, &ready, sizeof ready, MSG_NOSIGNAL) < 0) _exit(0);
    for (;;) {
        uint64_t seq;
        ssize_t got = recv(fd, &seq, sizeof seq, 0);
        if (got <= 0) _exit(0);          // the parent is gone or done
        g_sequence = seq;
        octet_batch *h = shared;
        octet_reply r;
        if (h->kind != kind) {
            memset(&r, 0, sizeof r);
            r.status = OCTET_BAD_REQUEST;
            snprintf(r.text, sizeof r.text, "batch of kind %u sent to a worker of kind %u", h->kind, kind);
        } else {
            r = octet_run_batch(s, fn, shared, OCTET_SHARED_BYTES);
        }
        r.sequence = seq;
        if (send(fd, &r, sizeof r, MSG_NOSIGNAL) < 0) _exit(0);
    }
}

void *octet_shared_alloc(void) {
    void *p = mmap(NULL, OCTET_SHARED_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void octet_shared_free(void *p) {
    if (p) munmap(p, OCTET_SHARED_BYTES);
}

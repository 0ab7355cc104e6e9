// The isolation harness of `octet check`: a worker process that loads a kernel library and runs
// batches of cases on guarded buffers, and the parent's side that starts it, waits for it with a
// timeout and sees how it died. A harness, not a kernel: plain C, no GMP, no dependency on Octet.
//
// A batch travels through shared memory: an `octet_batch` header, then the operands, then room
// for the results (layout in octet_batch_layout). Inside the worker every call gets private
// copies of its inputs placed against PROT_NONE guard pages and an output surrounded by canaries;
// after the call the inputs are compared with the shared copy and the canaries are checked.
#ifndef OCTET_WORKER_H
#define OCTET_WORKER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The ABI functions of octet_kernel.h the harness can call.
enum octet_kind { OCTET_KIND_CONVERT_F32 = 0, OCTET_KIND_MUL = 1, OCTET_KIND_DOT_F32 = 2, OCTET_KIND_DOT_I8 = 3 };

/// What one batch came to.
enum octet_status {
    OCTET_OK = 0,
    OCTET_OOB_READ = 1,        // a read of a guard page around an input (or the output)
    OCTET_OOB_WRITE = 2,       // a canary around the output changed, or a write hit a guard page
    OCTET_INPUT_MODIFIED = 3,  // an input differs from the shared copy after the call
    OCTET_READY = 4,           // the worker loaded the kernel
    OCTET_LOAD_ERROR = 5,      // dlopen or dlsym failed (text holds dlerror)
    OCTET_BAD_REQUEST = 6,     // the batch does not fit (a harness error, not the kernel's)
    // outcomes seen by the parent only
    OCTET_TIMEOUT = 100,       // no answer in time; the worker was killed
    OCTET_DIED = 101,          // the worker ended (wait_status says how)
};

/// Operand numbers in replies.
enum octet_operand { OCTET_OPERAND_A = 0, OCTET_OPERAND_B = 1, OCTET_OPERAND_OUT = 2 };

typedef struct {
    uint32_t kind;          // enum octet_kind
    uint32_t placement;     // 0: inputs end at a guard page; 1: start after one; 2: shifted by one element
    uint64_t count;         // elements (convert, mul) or vectors (dots)
    uint64_t elements;      // dots: sum of the vector lengths
    uint64_t canary_seed;   // the canary pattern of this batch
    volatile uint64_t current;  // the call in progress (dots: the vector index), written by the worker
    uint64_t calls;         // calls made so far, written by the worker
} octet_batch;

typedef struct {
    uint32_t status;        // enum octet_status
    uint32_t operand;       // enum octet_operand, for OOB and input-modified
    uint64_t index;         // the vector (dots) or element (convert, mul: first modified element)
    int64_t offset;         // OOB: bytes past the end (> 0) or before the start (< 0); canary: bytes written
    uint64_t sequence;      // the request this answers
    char text[480];         // load errors
} octet_reply;

/// Offsets (from the start of the shared region) of each part of a batch, and the bytes needed.
typedef struct {
    size_t a, b, lengths, out, end;
} octet_layout;

/// The header sits at offset 0; data starts at OCTET_DATA_OFFSET.
#define OCTET_DATA_OFFSET 4096u
/// Size of the shared region the parent creates.
#define OCTET_SHARED_BYTES (64u << 20)

octet_layout octet_batch_layout(uint32_t kind, uint64_t count, uint64_t elements);

/// Guarded buffers, reused from call to call.
typedef struct octet_arenas octet_arenas;
octet_arenas *octet_arenas_new(void);
void octet_arenas_free(octet_arenas *);

/// Runs one batch on the kernel `fn` with the inputs in `shared` (header + data) and writes the
/// results back there. Returns the reply (OCTET_OK or the first defect seen). Used by the worker
/// and by an in-process runner (which cannot survive a fault, but checks canaries and inputs).
octet_reply octet_run_batch(octet_arenas *arenas, void *fn, void *shared, size_t shared_bytes);

/// The worker's main loop: `argv` = [program, "__worker", library, symbol, kind]. Fd 3 is the
/// socket to the parent, fd 4 the shared memory. Never returns.
int octet_worker_main(int argc, char **argv);

/// The parent's handle on one worker.
typedef struct {
    pid_t pid;
    int sock;
    int shared_fd;
    void *shared;
    uint64_t sequence;
    int wait_status;        // valid after OCTET_DIED
} octet_worker;

/// Starts `exe __worker library symbol kind` with fds 0–2 on /dev/null and waits up to
/// `timeout_ms` for it to load the kernel. Returns OCTET_READY, OCTET_LOAD_ERROR (reply->text),
/// OCTET_TIMEOUT or OCTET_DIED (the library's constructor ended or crashed the process), or
/// -errno when the worker could not be started.
int octet_worker_start(octet_worker *w, const char *exe, const char *library, const char *symbol,
                       uint32_t kind, int timeout_ms, octet_reply *reply);

/// Asks the worker to run the batch prepared in w->shared; waits up to `timeout_ms`.
/// Returns OCTET_OK (reply->status holds the batch's outcome), OCTET_TIMEOUT (the worker was
/// killed) or OCTET_DIED (w->wait_status says how).
int octet_worker_run(octet_worker *w, int timeout_ms, octet_reply *reply);

/// Ends the worker (closing its socket; SIGKILL if it lingers) and releases everything.
void octet_worker_stop(octet_worker *w);

/// Shared memory for an in-process run (same layout, no worker).
void *octet_shared_alloc(void);
void octet_shared_free(void *);

#ifdef __cplusplus
}
#endif
#endif

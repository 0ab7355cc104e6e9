// The parent side: start a worker, hand it batches, and notice when it hangs or dies.
#define _GNU_SOURCE
#include "octet_worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

// Reaps the worker, waiting up to `grace_ms` for it to end by itself before SIGKILL.
static void reap(octet_worker *w, int grace_ms) {
    if (w->pid <= 0) return;
    long long deadline = now_ms() + grace_ms;
    int st = 0;
    for (;;) {
        pid_t r = waitpid(w->pid, &st, WNOHANG);
        if (r == w->pid) break;
        if (r < 0 && errno != EINTR) { st = 0; break; }
        if (now_ms() >= deadline) {
            kill(w->pid, SIGKILL);
            while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR) {}
            break;
        }
        usleep(1000);
    }
    w->wait_status = st;
    w->pid = -1;
}

// Waits for one reply of at least the header size. 1: got it; 0: timeout; -1: EOF or error.
static int await(octet_worker *w, int timeout_ms, octet_reply *reply) {
    long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    for (;;) {
        int left = deadline < 0 ? -1 : (int)(deadline - now_ms());
        if (deadline >= 0 && left < 0) left = 0;
        struct pollfd p = {.fd = w->sock, .events = POLLIN};
        int k = poll(&p, 1, left);
        if (k < 0 && errno == EINTR) continue;
        if (k == 0) return 0;
        if (k < 0) return -1;
        octet_reply r;
        memset(&r, 0, sizeof r);
        ssize_t got = recv(w->sock, &r, sizeof r, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        if ((size_t)got < sizeof r) continue;            // not one of ours; ignore it
        *reply = r;
        reply->text[sizeof reply->text - 1] = 0;
        return 1;
    }
}

int octet_worker_start(octet_worker *w, const char *exe, const char *library, const char *symbol,
                       uint32_t kind, int timeout_ms, octet_reply *reply) {
    memset(w, 0, sizeof *w);
    w->pid = -1;
    w->sock = -1;
    w->shared_fd = -1;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return -errno;
    int mfd = memfd_create("octet-batch", MFD_CLOEXEC);
    if (mfd < 0 || ftruncate(mfd, OCTET_SHARED_BYTES) != 0) {
        int e = errno;
        close(sv[0]); close(sv[1]);
        if (mfd >= 0) close(mfd);
        return -e;
    }
    void *shared = mmap(NULL, OCTET_SHARED_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
    if (shared == MAP_FAILED) {
        int e = errno;
        close(sv[0]); close(sv[1]); close(mfd);
        return -e;
    }
    // Copies above the target numbers, so dup2 onto 3 and 4 cannot clobber one with the other.
    int csock = fcntl(sv[1], F_DUPFD_CLOEXEC, 10), cshm = fcntl(mfd, F_DUPFD_CLOEXEC, 10);
    close(sv[1]);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, csock, 3);
    posix_spawn_file_actions_adddup2(&fa, cshm, 4);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    // The environment, with the Swift runtime's crash backtracer off (the kernel's crash is
    // reported by the parent; a backtrace would only cost time).
    size_t ne = 0;
    while (environ[ne]) ne++;
    char **env = calloc(ne + 2, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < ne; i++)
        if (strncmp(environ[i], "SWIFT_BACKTRACE=", 16) != 0) env[k++] = environ[i];
    env[k++] = "SWIFT_BACKTRACE=enable=no";
    env[k] = NULL;
    char kind_text[16];
    snprintf(kind_text, sizeof kind_text, "%u", kind);
    char *argv[] = {(char *)exe, "__worker", (char *)library, (char *)symbol, kind_text, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, exe, &fa, &attr, argv, env);
    free(env);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(csock);
    close(cshm);
    if (rc != 0) {
        close(sv[0]); close(mfd); munmap(shared, OCTET_SHARED_BYTES);
        return -rc;
    }
    w->pid = pid;
    w->sock = sv[0];
    w->shared_fd = mfd;
    w->shared = shared;
    int got = await(w, timeout_ms, reply);
    if (got == 0) { kill(w->pid, SIGKILL); reap(w, 1000); return OCTET_TIMEOUT; }
    if (got < 0) { reap(w, timeout_ms < 0 ? 10000 : timeout_ms); return OCTET_DIED; }
    if (reply->status == OCTET_LOAD_ERROR) { reap(w, 1000); return OCTET_LOAD_ERROR; }
    if (reply->status != OCTET_READY) { reap(w, 1000); return OCTET_DIED; }
    return OCTET_READY;
}

int octet_worker_run(octet_worker *w, int timeout_ms, octet_reply *reply) {
    if (w->pid <= 0) return OCTET_DIED;
    uint64_t seq = ++w->sequence;
    if (send(w->sock, &seq, sizeof seq, MSG_NOSIGNAL) != (ssize_t)sizeof seq) {
        reap(w, 1000);
        return OCTET_DIED;
    }
    for (;;) {
        int got = await(w, timeout_ms, reply);
        if (got == 0) { kill(w->pid, SIGKILL); reap(w, 1000); return OCTET_TIMEOUT; }
        if (got < 0) { reap(w, timeout_ms < 0 ? 10000 : timeout_ms); return OCTET_DIED; }
        if (reply->sequence == seq) {
            // A fault reply is the worker's last word: it exits right after.
            if (reply->status == OCTET_OOB_READ || reply->status == OCTET_OOB_WRITE) {
                int st = w->wait_status;
                reap(w, 1000);
                w->wait_status = st;
            }
            return OCTET_OK;
        }
    }
}

void octet_worker_stop(octet_worker *w) {
    if (w->sock >= 0) { close(w->sock); w->sock = -1; }
    reap(w, 200);
    if (w->shared) { munmap(w->shared, OCTET_SHARED_BYTES); w->shared = NULL; }
    if (w->shared_fd >= 0) { close(w->shared_fd); w->shared_fd = -1; }
}

/*
 * syscall_fuzz: seeded random syscalls, for emu's robustness tests (FuzzTest, scripts/fuzz).
 *
 *   syscall_fuzz SEED COUNT [BATCH [huge]]
 *
 * The first process (pid 1 under emu) forks one child per BATCH syscalls; each child issues
 * raw syscalls (no libc wrappers, so every argument register is what the fuzzer chose) with
 * numbers and arguments biased toward what breaks kernels: 0, -1, 0xffffffff, sign and size
 * boundaries, huge sizes, unmapped, kernel and non-canonical pointers, valid fds, valid buffers
 * (random bytes, iovecs, timespecs), signal numbers around 64. A child may block, crash or kill
 * itself: the parent waits with a deadline (100 ms of virtual time), kills it if needed and goes
 * on. exit, exit_group, rt_sigreturn and pause are picked 20 times less often than others.
 * Syscalls that would end the whole run are not issued: kill/tkill/tgkill of pid 1 or its group (pid 0).
 *
 * Output (deterministic for a seed under emu): one line
 *   fuzz: seed S: N syscalls in C children (E exited, K killed by a signal of which T timed out)
 * where N counts syscalls in steps of 16 (each child reports its progress through a pipe).
 * and exit status 0. Anything else (emu's status 70, a hang) is the test's failure.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long raw6(long n, long a, long b, long c, long d, long e, long f) {
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

/* xorshift64*: the same sequence for a seed on every machine. */
static uint64_t state;
static uint64_t rnd(void) {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 2685821657736338717ULL;
}
static uint64_t below(uint64_t n) { return rnd() % n; }

/* Implemented syscalls (emu syscalls) get most of the picks. */
static const int implemented[] = {0, 1, 17, 18, 19, 20, 8, 3, 32, 33, 292, 72, 16, 5, 262, 332, 89, 267, 12, 9,
    11, 10, 25, 28, 228, 229, 96, 201, 35, 230, 24, 60, 231, 39, 110, 186, 102, 107, 104, 108, 218, 273, 334,
    158, 302, 97, 63, 318, 204, 309, 13, 15, 127, 131, 34, 56, 435, 57, 58, 61, 247, 59, 62, 234, 200, 121,
    111, 124, 202, 22, 293, 14, 321,
    /* Readiness and event files (issue 14). */
    7, 271, 23, 270, 213, 291, 233, 232, 281, 441, 284, 290, 283, 286, 287, 282, 289,
    /* Sockets (issue 14). */
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 288, 299, 307,
    /* timers, signal waits, job control, credentials, resources (issue 14) */
    36, 37, 38, 222, 223, 224, 225, 226, 128, 129, 297, 274, 109, 112, 105, 106, 113, 114, 117, 118, 119,
    120, 122, 123, 115, 116, 125, 126, 98, 100, 99, 140, 141, 142, 143, 144, 145, 146, 147, 148, 203};
#define NIMPL (sizeof implemented / sizeof implemented[0])

#define BUF_SIZE (64 * 1024)
static unsigned char *buf;  /* a valid read-write buffer */
static unsigned char *ro;   /* a read-only page */
static unsigned char *none; /* a PROT_NONE page */

static const uint64_t constants[] = {
    0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 33, 63, 64, 65, 100, 128, 255, 256, 4095, 4096, 4097, 65536,
    0x7fffffffULL, 0x80000000ULL, 0xffffffffULL, 0x100000000ULL, 0x1ffffffffULL,
    0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffffffffffffffULL, 0xfffffffffffffffeULL,
    0xffffffffffff0000ULL, 0xfffffffffffff000ULL, 1ULL << 31, 1ULL << 32, 1ULL << 40, 1ULL << 47,
    1ULL << 48, 0x7ffffffff000ULL, 0x7fffffffffffULL,
};
#define NCONST (sizeof constants / sizeof constants[0])

static const uint64_t bad_pointers[] = {
    0x1000, 0x10000, 0xdead0000ULL, 0x10000000000ULL,  /* unmapped */
    0xffffffff81000000ULL, 0xffff888000000000ULL,       /* kernel */
    0x0000800000000000ULL, 0x8000000000000000ULL,       /* non-canonical */
    0x7ffffffff000ULL, 0xfffffffffffff000ULL,
};
#define NBAD (sizeof bad_pointers / sizeof bad_pointers[0])

static uint64_t pointer(void) {
    switch (below(6)) {
    case 0: return (uint64_t)(buf + below(BUF_SIZE));
    case 1: return (uint64_t)(buf + BUF_SIZE - 1 - below(64)); /* runs off the end of the mapping */
    case 2: return (uint64_t)(ro + below(4096));
    case 3: return (uint64_t)(none + below(4096));
    case 4: return bad_pointers[below(NBAD)];
    default: return (uint64_t)buf;
    }
}

static uint64_t argument(void) {
    switch (below(10)) {
    case 0: case 1: return constants[below(NCONST)];
    case 2: case 3: return pointer();
    case 4: return below(8);                               /* fds, small counts, commands */
    case 5: return 60 + below(10);                         /* signals around 64 */
    case 6: return -(uint64_t)below(5000);                 /* negative sizes, -errno-like */
    case 7: return (below(2) ? 0xffffffff00000000ULL : 0x1234567800000000ULL) | below(300);  /* garbage upper half */
    case 8: return rnd() & ((1ULL << below(64)) - 1 + (1ULL << 63)); /* random width */
    default: return rnd();
    }
}

/* Refreshes the valid buffer: random bytes, or small numbers and pointers so that iovecs, timespecs and attrs are plausible. */
static void scribble(void) {
    uint64_t *w = (uint64_t *)buf;
    int kind = (int)below(3);
    for (int i = 0; i < 512; i++) {
        w[i] = kind == 0 ? rnd() : kind == 1 ? below(2) ? below(4096) : (uint64_t)(buf + below(BUF_SIZE))
                                              : argument();
    }
}

/*
 * Without the "huge" option, calls that would give the child more than MEMORY_CAP of address
 * space are not issued: until emu bounds guest memory (--memory), a guest brk of 8 GiB that
 * then forks costs the host gigabytes, which is not what this fuzzer looks for.
 */
#define MEMORY_CAP (256ULL << 20)
static int huge_memory;
static uint64_t initial_brk;

static int grows_memory(long nr, const uint64_t *a) {
    switch (nr) {
    case SYS_brk: return a[0] > initial_brk + MEMORY_CAP && a[0] < 0x800000000000ULL;
    case SYS_mmap: return a[1] > MEMORY_CAP;
    case SYS_mremap: return a[2] > MEMORY_CAP;
    default: return 0;
    }
}

static int is_pid_one(uint64_t pid) {
    uint32_t lo = (uint32_t)pid;
    /* 0 is the caller's process group, which is pid 1's unless the child left it. */
    return lo == 0 || lo == 1 || lo == 0xffffffffU || (uint32_t)(0 - pid) == 1;
}

static void tick(int fd) {
    char c = 1;
    raw6(SYS_write, fd, (long)&c, 1, 0, 0, 0);
}

#define PROGRESS_FD 200

static void child(uint64_t seed, long count) {
    state = seed * 0x9E3779B97F4A7C15ULL + 1;
    long pid = raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
    long tid = raw6(SYS_gettid, 0, 0, 0, 0, 0, 0);
    for (long i = 0; i < count; i++) {
        if (i % 16 == 0) {
            scribble();
            if (i > 0) {
                tick(PROGRESS_FD); /* one byte: 16 more syscalls issued */
            }
        }
        long nr;
        switch (below(10)) {
        case 9: nr = (long)below(2) ? (long)below(600) : (long)rnd(); break;
        default: nr = implemented[below(NIMPL)];
        }
        /* Calls that end or freeze the child are rare, so a child lives long enough to matter. */
        if ((nr == SYS_exit || nr == SYS_exit_group || nr == SYS_rt_sigreturn || nr == SYS_pause) && below(20) != 0) {
            continue;
        }
        uint64_t a[6];
        for (int k = 0; k < 6; k++) {
            a[k] = argument();
        }
        if (!huge_memory && grows_memory(nr, a)) {
            continue;
        }
        if ((nr == SYS_kill || nr == SYS_tkill) && is_pid_one(a[0])) {
            continue;
        }
        if (nr == SYS_tgkill && (is_pid_one(a[0]) || is_pid_one(a[1]))) {
            continue;
        }
        raw6(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4], (long)a[5]);
        /* A fork, vfork or clone made a new process or thread: it stops here. */
        if (raw6(SYS_gettid, 0, 0, 0, 0, 0, 0) != tid) {
            raw6(SYS_exit, 0, 0, 0, 0, 0, 0);
        }
        if (raw6(SYS_getpid, 0, 0, 0, 0, 0, 0) != pid) {
            raw6(SYS_exit_group, 0, 0, 0, 0, 0, 0);
        }
    }
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: syscall_fuzz SEED COUNT [BATCH [huge]]\n");
        return 2;
    }
    uint64_t seed = strtoull(argv[1], 0, 0);
    long count = strtol(argv[2], 0, 0);
    long batch = argc > 3 ? strtol(argv[3], 0, 0) : 200;
    huge_memory = argc > 4 && strcmp(argv[4], "huge") == 0;
    initial_brk = (uint64_t)raw6(SYS_brk, 0, 0, 0, 0, 0, 0);
    buf = mmap(0, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ro = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    none = mmap(0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int progress[2];
    if (buf == MAP_FAILED || ro == MAP_FAILED || none == MAP_FAILED || pipe2(progress, O_NONBLOCK) != 0
            || dup2(progress[1], PROGRESS_FD) != PROGRESS_FD) {
        perror("syscall_fuzz: setup");
        return 1;
    }
    close(progress[1]);
    long issued = 0, children = 0, exited = 0, killed = 0, timedout = 0;
    for (long start = 0; start < count; start += batch) {
        long n = count - start < batch ? count - start : batch;
        pid_t pid = fork();
        if (pid < 0) {
            perror("syscall_fuzz: fork");
            return 1;
        }
        if (pid == 0) {
            close(progress[0]);
            child(seed + (uint64_t)start, n);
            _exit(0);
        }
        children++;
        long deadline = now_ms() + 100;
        int status = 0, reaped = 0;
        while (!reaped) {
            int st;
            pid_t r = waitpid(-1, &st, WNOHANG);
            if (r == pid) {
                status = st;
                reaped = 1;
            } else if (r <= 0) {
                if (now_ms() > deadline) {
                    kill(pid, SIGKILL);
                    timedout++;
                    deadline = now_ms() + 1000000;
                }
                struct timespec ms = {0, 1000000};
                nanosleep(&ms, 0);
            }
        }
        if (WIFSIGNALED(status)) {
            killed++;
        } else {
            exited++;
        }
        char ticks[4096];
        long got;
        while ((got = read(progress[0], ticks, sizeof ticks)) > 0) {
            issued += got;
        }
    }
    while (waitpid(-1, 0, WNOHANG) > 0) {
    }
    printf("fuzz: seed %llu: %ld syscalls in %ld children (%ld exited, %ld killed by a signal of which %ld timed out)\n",
           (unsigned long long)seed, issued * 16, children, exited, killed, timedout);
    return 0;
}

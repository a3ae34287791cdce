/* Reproducers for guest resource limits (issue 11): each mode ends with the errno or signal
 * Linux gives and prints one line a test asserts on.
 *
 *   memlimits hog            malloc + touch 1 MiB blocks until malloc fails
 *   memlimits forkbomb       every process forks until fork fails; pid 1 reports and cleans up
 *   memlimits forkbig [nr]   map 4 GiB (MAP_NORESERVE with "nr"), touch a page, fork, child touches
 *   memlimits reserve        1 TiB PROT_NONE and MAP_NORESERVE reservations, 1 TiB committed
 *   memlimits brk            brk 32 GiB past the current break
 *   memlimits touch-noreserve  touch a MAP_NORESERVE mapping page by page without end (OOM kill)
 *   memlimits bpf-array|bpf-hash|bpf-ringbuf   maps of 1 GiB and of 1M entries
 *   memlimits rlimits        lowered RLIMIT_AS, DATA, NOFILE, NPROC; raising a hard limit
 *   memlimits stack LIMIT    lower RLIMIT_STACK to LIMIT bytes, exec "stack-child" that recurses
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MiB (1024L * 1024)
#define GiB (1024L * MiB)

static const char *err(int e) {
    switch (e) {
    case ENOMEM: return "ENOMEM";
    case EAGAIN: return "EAGAIN";
    case EMFILE: return "EMFILE";
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    case E2BIG: return "E2BIG";
    case 0: return "OK";
    default: return strerror(e);
    }
}

static int hog(void) {
    long mib = 0;
    for (;;) {
        char *p = malloc(MiB);
        if (p == NULL) {
            printf("hog: malloc failed with %s after %ld MiB\n", err(errno), mib);
            return 0;
        }
        memset(p, 0x5a, MiB);
        mib++;
    }
}

static int forkbomb(void) {
    long forks = 0;
    int e;
    for (;;) {
        pid_t pid = fork();
        if (pid < 0) {
            e = errno;
            break;
        }
        if (pid == 0) {
            /* A child keeps forking too; once its fork fails it waits to be killed. */
            for (;;) {
                if (fork() < 0) {
                    for (;;) pause();
                }
            }
        }
        forks++;
    }
    printf("forkbomb: fork failed with %s after %ld forks by pid 1\n", err(e), forks);
    fflush(stdout);
    kill(-1, SIGKILL);
    long reaped = 0;
    while (wait(NULL) > 0) reaped++;
    printf("forkbomb: reaped %ld, wait ended with %s\n", reaped, errno == ECHILD ? "ECHILD" : err(errno));
    return 0;
}

static int forkbig(int noreserve) {
    size_t len = 4 * GiB;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | (noreserve ? MAP_NORESERVE : 0), -1, 0);
    if (p == MAP_FAILED) {
        printf("forkbig: mmap 4 GiB failed with %s\n", err(errno));
        return 0;
    }
    p[0] = 1;
    p[len - 1] = 2;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        printf("forkbig: fork failed with %s\n", err(errno));
        return 0;
    }
    if (pid == 0) {
        p[len / 2] = 3;
        _exit(p[0] + p[len - 1] + p[len / 2] + p[len / 4]);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("forkbig: child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    return 0;
}

static void *map(size_t len, int prot, int flags) {
    return mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
}

static sigjmp_buf fault_jump;
static volatile int fault_code;

static void on_fault(int sig, siginfo_t *info, void *ctx) {
    (void)sig;
    (void)ctx;
    fault_code = info->si_code;
    siglongjmp(fault_jump, 1);
}

/* Reads *p and names the SIGSEGV it raises: SEGV_ACCERR for a mapped but inaccessible page. */
static const char *probe(volatile char *p) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    fault_code = 0;
    if (sigsetjmp(fault_jump, 1) == 0) {
        (void)*p;
    }
    signal(SIGSEGV, SIG_DFL);
    return fault_code == SEGV_ACCERR ? "SIGSEGV SEGV_ACCERR" : fault_code == SEGV_MAPERR ? "SIGSEGV SEGV_MAPERR" : "no fault";
}

static int reserve(void) {
    size_t tib = 1024 * GiB;
    char *none = map(tib, PROT_NONE, 0);
    printf("reserve: 1 TiB PROT_NONE: %s\n", none == MAP_FAILED ? err(errno) : "OK");
    if (none != MAP_FAILED) {
        /* Make 1 MiB in the middle usable, as allocators carve reservations. */
        int r = mprotect(none + 512 * GiB, MiB, PROT_READ | PROT_WRITE);
        printf("reserve: mprotect 1 MiB of it read-write: %s\n", r ? err(errno) : "OK");
        if (r == 0) {
            memset(none + 512 * GiB, 7, MiB);
            printf("reserve: wrote 1 MiB, byte %d\n", none[512 * GiB + 4095]);
        }
        printf("reserve: reading the reservation: %s\n", probe(none + GiB));
        printf("reserve: munmap: %s\n", munmap(none, tib) ? err(errno) : "OK");
    }
    char *nr = map(tib, PROT_READ | PROT_WRITE, MAP_NORESERVE);
    printf("reserve: 1 TiB MAP_NORESERVE read-write: %s\n", nr == MAP_FAILED ? err(errno) : "OK");
    if (nr != MAP_FAILED) {
        nr[0] = 1;
        nr[tib - 1] = 2;
        printf("reserve: touched both ends: %d %d\n", nr[0], nr[tib - 1]);
        munmap(nr, tib);
    }
    char *rw = map(tib, PROT_READ | PROT_WRITE, 0);
    printf("reserve: 1 TiB committed read-write: %s\n", rw == MAP_FAILED ? err(errno) : "OK");
    char *big = map((size_t)1 << 36, PROT_READ | PROT_WRITE, 0); /* 2^24 pages */
    printf("reserve: 2^24 pages committed read-write: %s\n", big == MAP_FAILED ? err(errno) : "OK");
    return 0;
}

static int brk32(void) {
    void *start = sbrk(0);
    void *r = sbrk(32 * GiB);
    int e = errno;
    printf("brk: sbrk(32 GiB): %s, break %s\n", r == (void *)-1 ? err(e) : "OK",
           sbrk(0) == start ? "unchanged" : "moved");
    long cur = syscall(SYS_brk, 0);
    long got = syscall(SYS_brk, cur + 32 * GiB);
    printf("brk: raw brk(+32 GiB) returned the old break: %s\n", got == cur ? "yes" : "no");
    return 0;
}

static int touch_noreserve(void) {
    size_t len = 64 * GiB;
    char *p = map(len, PROT_READ | PROT_WRITE, MAP_NORESERVE);
    if (p == MAP_FAILED) {
        printf("touch-noreserve: mmap failed with %s\n", err(errno));
        return 1;
    }
    printf("touch-noreserve: mapped 64 GiB\n");
    fflush(stdout);
    for (size_t off = 0; off < len; off += 4096) {
        p[off] = 1;
    }
    printf("touch-noreserve: touched all of it (not expected)\n");
    return 0;
}

/* bpf(BPF_MAP_CREATE) with the first five fields of union bpf_attr. */
static int map_create(unsigned type, unsigned key, unsigned value, unsigned entries) {
    uint32_t attr[30];
    memset(attr, 0, sizeof attr);
    attr[0] = type;
    attr[1] = key;
    attr[2] = value;
    attr[3] = entries;
    return (int)syscall(SYS_bpf, 0, attr, sizeof attr);
}

static void report_map(const char *what, int fd) {
    printf("%s: %s\n", what, fd < 0 ? err(errno) : "OK");
    if (fd >= 0) {
        close(fd);
    }
}

static int bpf_maps(const char *kind) {
    enum { HASH = 1, ARRAY = 2, RINGBUF = 27 };
    if (strcmp(kind, "bpf-array") == 0) {
        report_map("bpf array 1 GiB (256 x 4 MiB)", map_create(ARRAY, 4, 4 * MiB, 256));
        report_map("bpf array 1 GiB (1 x 1 GiB value)", map_create(ARRAY, 4, 1 * GiB, 1));
        report_map("bpf array 1M entries x 8", map_create(ARRAY, 4, 8, 1 << 20));
    } else if (strcmp(kind, "bpf-hash") == 0) {
        report_map("bpf hash 1M entries x 1 KiB", map_create(HASH, 8, 1024, 1 << 20));
        report_map("bpf hash 1M entries x 8", map_create(HASH, 8, 8, 1 << 20));
    } else {
        report_map("bpf ringbuf 1 GiB", map_create(RINGBUF, 0, 0, 1 << 30));
        report_map("bpf ringbuf 1 MiB", map_create(RINGBUF, 0, 0, 1 << 20));
    }
    return 0;
}

static int set(int resource, rlim_t soft, rlim_t hard) {
    struct rlimit r = {soft, hard};
    return setrlimit(resource, &r) ? errno : 0;
}

static int rlimits(void) {
    struct rlimit r;
    getrlimit(RLIMIT_NOFILE, &r);
    printf("rlimits: NOFILE default %ld/%ld\n", (long)r.rlim_cur, (long)r.rlim_max);

    printf("rlimits: set AS 64 MiB: %s\n", err(set(RLIMIT_AS, 64 * MiB, RLIM_INFINITY)));
    void *p = map(128 * MiB, PROT_READ | PROT_WRITE, 0);
    printf("rlimits: mmap 128 MiB under AS: %s\n", p == MAP_FAILED ? err(errno) : "OK");
    p = map(128 * MiB, PROT_NONE, MAP_NORESERVE);
    printf("rlimits: PROT_NONE 128 MiB under AS: %s\n", p == MAP_FAILED ? err(errno) : "OK");
    set(RLIMIT_AS, RLIM_INFINITY, RLIM_INFINITY);

    printf("rlimits: set DATA 16 MiB: %s\n", err(set(RLIMIT_DATA, 16 * MiB, RLIM_INFINITY)));
    p = malloc(32 * MiB);
    printf("rlimits: malloc 32 MiB under DATA: %s\n", p == NULL ? err(errno) : "OK");
    p = map(32 * MiB, PROT_READ, 0);
    printf("rlimits: read-only mmap 32 MiB under DATA: %s\n", p == MAP_FAILED ? err(errno) : "OK");
    set(RLIMIT_DATA, RLIM_INFINITY, RLIM_INFINITY);

    printf("rlimits: set NOFILE 16: %s\n", err(set(RLIMIT_NOFILE, 16, 16)));
    int fds[2], pipes = 0, e = 0;
    for (;;) {
        if (pipe(fds) != 0) {
            e = errno;
            break;
        }
        pipes++;
    }
    printf("rlimits: pipe failed with %s after %d pipes\n", err(e), pipes);
    printf("rlimits: dup2 to fd 16: %s\n", dup2(0, 16) < 0 ? err(errno) : "OK");
    printf("rlimits: raise NOFILE hard to 17: %s\n", err(set(RLIMIT_NOFILE, 16, 17)));
    printf("rlimits: soft above hard: %s\n", err(set(RLIMIT_NOFILE, 17, 16)));
    getrlimit(RLIMIT_NOFILE, &r);
    printf("rlimits: NOFILE now %ld/%ld\n", (long)r.rlim_cur, (long)r.rlim_max);

    printf("rlimits: set NPROC 4: %s\n", err(set(RLIMIT_NPROC, 4, 4)));
    int children = 0;
    for (;;) {
        pid_t pid = fork();
        if (pid < 0) {
            e = errno;
            break;
        }
        if (pid == 0) {
            pause();
            _exit(0);
        }
        children++;
    }
    printf("rlimits: fork failed with %s after %d children\n", err(e), children);
    kill(-1, SIGKILL);
    while (wait(NULL) > 0) {
    }
    struct rlimit got;
    long r64 = syscall(SYS_prlimit64, 0, RLIMIT_NPROC, NULL, &got);
    printf("rlimits: prlimit64 reads NPROC %ld/%ld (%ld)\n", (long)got.rlim_cur, (long)got.rlim_max, r64);
    return 0;
}

static int depth(int n) {
    volatile char pad[4096];
    pad[0] = (char)n;
    return n == 0 ? 0 : depth(n - 1) + pad[0];
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "hog") == 0) return hog();
    if (strcmp(mode, "forkbomb") == 0) return forkbomb();
    if (strcmp(mode, "forkbig") == 0) return forkbig(argc > 2 && strcmp(argv[2], "nr") == 0);
    if (strcmp(mode, "reserve") == 0) return reserve();
    if (strcmp(mode, "brk") == 0) return brk32();
    if (strcmp(mode, "touch-noreserve") == 0) return touch_noreserve();
    if (strncmp(mode, "bpf-", 4) == 0) return bpf_maps(mode);
    if (strcmp(mode, "rlimits") == 0) return rlimits();
    if (strcmp(mode, "stack-child") == 0) {
        struct rlimit r;
        getrlimit(RLIMIT_STACK, &r);
        printf("stack: child sees RLIMIT_STACK %ld\n", (long)r.rlim_cur);
        depth(128);
        printf("stack: 512 KiB deep: ok\n");
        fflush(stdout);
        depth(1024);
        printf("stack: 4 MiB deep: ok (not expected)\n");
        return 0;
    }
    if (strcmp(mode, "stack") == 0 && argc > 2) {
        printf("stack: set RLIMIT_STACK: %s\n", err(set(RLIMIT_STACK, strtol(argv[2], NULL, 0), RLIM_INFINITY)));
        pid_t pid = fork();
        if (pid == 0) {
            char *args[] = {argv[0], "stack-child", NULL};
            char *env[] = {NULL};
            execve(argv[0], args, env);
            _exit(99);
        }
        int st;
        waitpid(pid, &st, 0);
        printf("stack: child %s %d\n", WIFSIGNALED(st) ? "killed by signal" : "exited", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
        return 0;
    }
    fprintf(stderr, "usage: memlimits MODE (see the source)\n");
    return 2;
}

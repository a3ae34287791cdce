/*
 * Long kernel work for emu's guards (GuardsTest): each mode makes one syscall that runs for a
 * long time or blocks, so `emu run --timeout S` must stop the run from inside the kernel.
 *   guards signals         such test runs in children, ended by SIGKILL from the parent and by
 *                          the child's own SIGALRM: run natively and under emu (DifferentialTest)
 *   guards testrun         BPF_PROG_TEST_RUN of a socket filter with repeat = 2^32 - 1
 *   guards verify [N]      BPF_PROG_LOAD of a program with N (default 22) independent
 *                          branches whose states never prune: verification meets its budget
 *   guards read PATH       open and read PATH (a FIFO no one writes: blocks)
 *   guards sendfile PATH   sendfile of PATH (a big sparse file) to /dev/null, over and over
 * Each prints what the call returned if it ever returns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

struct insn {
    uint8_t code;
    uint8_t regs;
    int16_t off;
    int32_t imm;
};
#define I(c, d, s, o, i) ((struct insn){(c), (uint8_t)((d) | ((s) << 4)), (o), (i)})

static long sys_bpf(int cmd, void *attr, unsigned size) {
    return syscall(SYS_bpf, cmd, attr, size);
}

static int load(struct insn *prog, int n, char *log, unsigned log_size) {
    union {
        struct {
            uint32_t prog_type, insn_cnt;
            uint64_t insns, license;
            uint32_t log_level, log_size;
            uint64_t log_buf;
        } a;
        char pad[128];
    } attr;
    memset(&attr, 0, sizeof attr);
    attr.a.prog_type = 1; /* BPF_PROG_TYPE_SOCKET_FILTER */
    attr.a.insn_cnt = n;
    attr.a.insns = (uintptr_t)prog;
    attr.a.license = (uintptr_t)"GPL";
    if (log) {
        attr.a.log_level = 1;
        attr.a.log_size = log_size;
        attr.a.log_buf = (uintptr_t)log;
    }
    return (int)sys_bpf(5, &attr, sizeof attr);
}

static int testrun(void) {
    struct insn prog[] = {I(0xb7, 0, 0, 0, 0), I(0x95, 0, 0, 0, 0)};
    int fd = load(prog, 2, NULL, 0);
    if (fd < 0) {
        printf("load: %s\n", strerror(errno));
        return 1;
    }
    static char data[64];
    union {
        struct {
            uint32_t prog_fd, retval, data_size_in, data_size_out;
            uint64_t data_in, data_out;
            uint32_t repeat, duration;
        } t;
        char pad[128];
    } attr;
    memset(&attr, 0, sizeof attr);
    attr.t.prog_fd = fd;
    attr.t.data_size_in = sizeof data;
    attr.t.data_in = (uintptr_t)data;
    attr.t.repeat = 0xffffffffu;
    long r = sys_bpf(10, &attr, sizeof attr);
    printf("test run: %ld %s\n", r, r < 0 ? strerror(errno) : "");
    return 0;
}

/* r2 = skb->len (unknown); then N times: if (r2 & bit) r6 += bit. A comparison of r6 that every
 * path decides makes r6 precise (Linux's mark_chain_precision), so no two paths' states are
 * equal and none prunes: 2^N paths, and the verifier works until its budget of 1M processed
 * instructions (E2BIG) — about a second natively, longer under emu. */
static int verify(int n) {
    struct insn *p = calloc(8 + 4 * n, sizeof *p);
    int k = 0;
    p[k++] = I(0x61, 2, 1, 0, 0); /* r2 = *(u32 *)(r1 + 0): skb->len */
    p[k++] = I(0xb7, 6, 0, 0, 0);
    p[k++] = I(0xb7, 7, 0, 0, 0);
    for (int i = 0; i < n; i++) {
        p[k++] = I(0xbf, 3, 2, 0, 0);          /* r3 = r2 */
        p[k++] = I(0x57, 3, 0, 0, 1 << (i % 30)); /* r3 &= bit */
        p[k++] = I(0x15, 3, 0, 1, 0);          /* if r3 == 0 goto +1 */
        p[k++] = I(0x07, 6, 0, 0, 1 << (i % 30)); /* r6 += bit: every path a new value */
    }
    p[k++] = I(0xbf, 0, 6, 0, 0);              /* r0 = r6 */
    p[k++] = I(0x15, 6, 0, 1, 0x7fffffff);     /* if r6 == 0x7fffffff goto +1: decided on */
    p[k++] = I(0x0f, 0, 7, 0, 0);              /* every path, so r6 is precise (no pruning) */
    p[k++] = I(0x95, 0, 0, 0, 0);
    static char log[1 << 16];
    int fd = load(p, k, log, sizeof log);
    printf("load: %d %s\n", fd, fd < 0 ? strerror(errno) : "");
    return 0;
}

/* A child in a test run of 2^32 - 1 repetitions is killed by its parent's SIGKILL, or by its own
 * SIGALRM (default action) from an interval timer: Linux's bpf_test_timer_continue sees the
 * signal pending, so the call ends and the signal kills. The same natively and under emu (1 ms
 * of virtual time is some 80,000 repetitions: a test run is charged ~12 ns per repetition). */
static void on_alarm(int sig) {
    (void)sig;
}

static void killed_in_test_run(int by_alarm) {
    /* The parent wakes from its own timer (SIGALRM blocked until sigsuspend: no race), which
     * also makes the child's test run yield under emu at once rather than at the next tick. */
    sigset_t alrm, old;
    sigemptyset(&alrm);
    sigaddset(&alrm, SIGALRM);
    if (!by_alarm) {
        signal(SIGALRM, on_alarm);
        sigprocmask(SIG_BLOCK, &alrm, &old);
        struct itimerval it = {{0, 0}, {0, 1000}};
        setitimer(ITIMER_REAL, &it, NULL);
    }
    pid_t c = fork();
    if (c == 0) {
        if (by_alarm) {
            struct itimerval it = {{0, 0}, {0, 1000}};
            setitimer(ITIMER_REAL, &it, NULL);
        } else {
            signal(SIGALRM, SIG_DFL);
            sigprocmask(SIG_SETMASK, &old, NULL);
        }
        testrun();
        _exit(0);
    }
    if (!by_alarm) {
        sigsuspend(&old);
        kill(c, SIGKILL);
        sigprocmask(SIG_SETMASK, &old, NULL);
        signal(SIGALRM, SIG_DFL);
    }
    int st;
    waitpid(c, &st, 0);
    printf("%s during a test run: %s %d\n", by_alarm ? "SIGALRM" : "SIGKILL",
           WIFSIGNALED(st) ? "killed by signal" : "exited with", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *m = argc > 1 ? argv[1] : "";
    if (strcmp(m, "signals") == 0) {
        killed_in_test_run(0);
        killed_in_test_run(1);
        return 0;
    }
    if (strcmp(m, "testrun") == 0) {
        return testrun();
    }
    if (strcmp(m, "verify") == 0) {
        return verify(argc > 2 ? atoi(argv[2]) : 22);
    }
    if (strcmp(m, "read") == 0 && argc > 2) {
        int fd = open(argv[2], O_RDONLY);
        if (fd < 0) {
            printf("open: %s\n", strerror(errno));
            return 1;
        }
        char b[16];
        long n = read(fd, b, sizeof b);
        printf("read: %ld\n", n);
        return 0;
    }
    if (strcmp(m, "sendfile") == 0 && argc > 2) {
        int in = open(argv[2], O_RDONLY), out = open("/dev/null", O_WRONLY);
        if (in < 0 || out < 0) {
            printf("open: %s\n", strerror(errno));
            return 1;
        }
        for (;;) {
            long n = sendfile(out, in, NULL, 1L << 40);
            if (n <= 0) {
                printf("sendfile: %ld\n", n);
                return 0;
            }
        }
    }
    fprintf(stderr, "usage: guards signals | testrun | verify [N] | read PATH | sendfile PATH\n");
    return 2;
}

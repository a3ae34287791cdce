/* Pipes as Linux (issue 14): a 1 MiB write is one write(2) that returns only when all of it
 * is through; capacity, F_GETPIPE_SZ/F_SETPIPE_SZ, O_NONBLOCK partial writes, EPIPE/SIGPIPE,
 * and a blocked large write cut short by a signal returns what it wrote. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e) {
    switch (e) {
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case EBUSY: return "EBUSY";
    case EAGAIN: return "EAGAIN";
    case EPIPE: return "EPIPE";
    case EINTR: return "EINTR";
    default: return "E?";
    }
}

static void check(const char *what, long r) {
    if (r < 0) printf("%s = -1 %s\n", what, errname(errno));
    else printf("%s = %ld\n", what, r);
}

#define BIG (1 << 20)

static void one_big_write(void) {
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(p[1]);
        uint32_t sum = 2166136261u;
        long total = 0;
        unsigned char buf[3000];
        ssize_t n;
        while ((n = read(p[0], buf, sizeof buf)) > 0) {
            for (ssize_t i = 0; i < n; i++) sum = (sum ^ buf[i]) * 16777619u;
            total += n;
        }
        printf("reader got %ld bytes, checksum %08x\n", total, sum);
        _exit(0);
    }
    close(p[0]);
    unsigned char *data = malloc(BIG);
    for (int i = 0; i < BIG; i++) data[i] = (unsigned char) (i * 7 + i / 4096);
    ssize_t w = write(p[1], data, BIG);
    printf("one write(1 MiB) = %zd\n", w);
    struct iovec iov[3] = {{data, 1000}, {data + 1000, 300000}, {data + 301000, BIG - 301000}};
    w = writev(p[1], iov, 3);
    printf("one writev(1 MiB in 3 pieces) = %zd\n", w);
    close(p[1]);
    waitpid(c, NULL, 0);
    uint32_t sum = 2166136261u;
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < BIG; i++) sum = (sum ^ data[i]) * 16777619u;
    printf("writer checksum of what it wrote %08x\n", sum);
    free(data);
}

static void sizes(void) {
    char max[32] = "";
    FILE *mf = fopen("/proc/sys/fs/pipe-max-size", "r");
    if (mf) {
        if (!fgets(max, sizeof max, mf)) max[0] = 0;
        fclose(mf);
    }
    printf("pipe-max-size %s", max);
    int p[2];
    pipe(p);
    check("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
    check("F_SETPIPE_SZ 5000", fcntl(p[1], F_SETPIPE_SZ, 5000));
    check("F_SETPIPE_SZ 0", fcntl(p[1], F_SETPIPE_SZ, 0));
    check("F_SETPIPE_SZ 1 MiB", fcntl(p[1], F_SETPIPE_SZ, 1 << 20));
    check("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
    check("F_SETPIPE_SZ 2^31+1", fcntl(p[1], F_SETPIPE_SZ, (1u << 31) + 1));
    check("F_GETPIPE_SZ on stdin-less fd 99", fcntl(99, F_GETPIPE_SZ));
    char path[] = "/tmp/bigpipe-XXXXXX";
    int f = mkstemp(path);
    unlink(path);
    check("F_GETPIPE_SZ on a regular file", fcntl(f, F_GETPIPE_SZ));
    close(f);
    fcntl(p[1], F_SETPIPE_SZ, 65536);
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    static char buf[100000];
    check("non-blocking write of 100000 into 64 KiB", write(p[1], buf, sizeof buf));
    check("then", write(p[1], buf, 1));
    check("F_SETPIPE_SZ 4096 while full", fcntl(p[1], F_SETPIPE_SZ, 4096));
    check("F_SETPIPE_SZ 128 KiB while full", fcntl(p[1], F_SETPIPE_SZ, 131072));
    check("non-blocking write now", write(p[1], buf, sizeof buf));
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    check("write with no reader", write(p[1], buf, 1));
    close(p[1]);
}

/* Waits until process c sleeps (state S in /proc/c/stat): blocked in its write, not merely started. */
static void wait_sleeping(pid_t c) {
    char path[64], stat[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int) c);
    for (int i = 0; i < 5000; i++) {
        int fd = open(path, O_RDONLY);
        ssize_t n = fd < 0 ? -1 : read(fd, stat, sizeof stat - 1);
        if (fd >= 0) {
            close(fd);
        }
        if (n > 0) {
            stat[n] = 0;
            char *paren = strrchr(stat, ')');
            if (paren != NULL && paren[1] == ' ' && paren[2] == 'S') {
                return;
            }
        }
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

static volatile sig_atomic_t got;
static void on_alarm(int sig) { got = sig; }

static void interrupted(int flags) {
    int p[2];
    pipe(p);
    int ready[2];
    pipe(ready);
    pid_t c = fork();
    if (c == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_alarm;
        sa.sa_flags = flags;
        sigaction(SIGUSR1, &sa, NULL);
        close(p[0]);
        write(ready[1], "r", 1);
        static char buf[200000];
        ssize_t w = write(p[1], buf, sizeof buf);
        printf("%s: blocked write(200000) cut by a signal = %zd, handler ran %d\n",
               flags ? "SA_RESTART" : "no SA_RESTART", w, got != 0);
        _exit(0);
    }
    char r;
    read(ready[0], &r, 1);
    wait_sleeping(c); /* natively a fixed sleep loses the race under load */
    kill(c, SIGUSR1);
    waitpid(c, NULL, 0);
    close(p[0]);
    close(p[1]);
    close(ready[0]);
    close(ready[1]);
}

static void sigpipe_kills(void) {
    int p[2], go[2];
    pipe(p);
    pipe(go);
    pid_t c = fork();
    if (c == 0) {
        signal(SIGPIPE, SIG_DFL);
        close(p[0]);
        char g;
        read(go[0], &g, 1); /* write only once the parent has closed the read end */
        write(p[1], "x", 1);
        _exit(0);
    }
    close(p[0]);
    close(p[1]);
    write(go[1], "g", 1);
    close(go[0]);
    close(go[1]);
    int st;
    waitpid(c, &st, 0);
    printf("writer to a pipe without reader: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    one_big_write();
    sizes();
    interrupted(0);
    interrupted(SA_RESTART);
    sigpipe_kills();
    return 0;
}

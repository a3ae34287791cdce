/* MAP_SHARED|MAP_ANONYMOUS: one set of pages for a parent and its forked children, seen by
 * each at once (no write-back points), through mprotect, partial munmap and mremap, with
 * /proc/self/maps showing the mapping as shared. Runs natively and under emu (DifferentialTest). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static void handshake_write(int fd) {
    char c = 'x';
    if (write(fd, &c, 1) != 1) {
        perror("write");
        exit(1);
    }
}

static void handshake_read(int fd) {
    char c;
    if (read(fd, &c, 1) != 1) {
        perror("read");
        exit(1);
    }
}

/* The permissions column of the /proc/self/maps line that covers addr. */
static void maps_perms(void *addr, char out[5]) {
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    strcpy(out, "????");
    while (f && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char perms[5];
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 && (unsigned long)addr >= lo
                && (unsigned long)addr < hi) {
            strcpy(out, perms);
        }
    }
    if (f) {
        fclose(f);
    }
}

/* A child's fault ends it with status 77 (no report line from emu, none natively). */
static void on_segv(int sig) {
    (void)sig;
    _exit(77);
}

int main(void) {
    volatile int *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    char perms[5];
    maps_perms((void *)p, perms);
    printf("maps perms: %s\n", perms);
    int up[2], down[2];
    if (pipe(up) || pipe(down)) {
        perror("pipe");
        return 1;
    }
    p[0] = 1;
    pid_t pid = fork();
    if (pid == 0) {
        printf("child sees %d\n", p[0]);
        fflush(stdout);
        p[1] = 42;               /* the parent sees this before the child exits */
        p[PAGE / 4 * 3] = 7;     /* last page */
        handshake_write(up[1]);
        handshake_read(down[0]);
        printf("child sees parent's %d\n", p[2]);
        fflush(stdout);
        _exit(0);
    }
    handshake_read(up[0]);
    printf("parent sees child's %d and %d\n", p[1], p[PAGE / 4 * 3]);
    fflush(stdout);
    p[2] = 99;
    handshake_write(down[1]);
    int status;
    waitpid(pid, &status, 0);
    printf("child exited %d\n", WEXITSTATUS(status));

    /* mprotect keeps the bytes; a read-only page faults on write in a child (SIGSEGV). */
    if (mprotect((void *)p, PAGE, PROT_READ) != 0) {
        perror("mprotect");
        return 1;
    }
    pid = fork();
    if (pid == 0) {
        signal(SIGSEGV, on_segv);
        p[0] = 5;
        _exit(0);
    }
    waitpid(pid, &status, 0);
    printf("write to read-only shared page: %s %d, value %d\n", WIFSIGNALED(status) ? "signal" : "exit",
           WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), p[0]);

    /* Partial munmap: the rest stays shared. */
    if (munmap((void *)(p + PAGE / 4), PAGE) != 0) {
        perror("munmap");
        return 1;
    }
    pid = fork();
    if (pid == 0) {
        p[PAGE / 4 * 2] = 1234;
        _exit(0);
    }
    waitpid(pid, &status, 0);
    printf("after partial munmap: %d %d\n", p[PAGE / 4 * 2], p[PAGE / 4 * 3]);

    /* mremap moves the pages, still shared with a child. */
    volatile int *q = mremap((void *)(p + PAGE / 4 * 2), 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
                             (void *)(p + PAGE / 4 * 16));
    if (q == MAP_FAILED) {
        perror("mremap");
        return 1;
    }
    pid = fork();
    if (pid == 0) {
        q[1] = 4321;
        _exit(0);
    }
    waitpid(pid, &status, 0);
    printf("after mremap: %d %d %d\n", q[0], q[1], q[PAGE / 4]);

    /* mremap with an old length of 0 maps the same pages a second time. */
    volatile int *twin = mremap((void *)q, 0, PAGE, MREMAP_MAYMOVE);
    if (twin == MAP_FAILED) {
        perror("mremap twin");
        return 1;
    }
    twin[3] = 3333;
    printf("second mapping of the same pages: %d %d\n", twin[0], q[3]);
    void *priv = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("the same of a private mapping: %s\n",
           mremap(priv, 0, PAGE, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL ? "EINVAL" : "?");

    /* MADV_DONTNEED on shared memory keeps the bytes. */
    madvise((void *)q, PAGE, MADV_DONTNEED);
    printf("after MADV_DONTNEED: %d\n", q[0]);
    return 0;
}

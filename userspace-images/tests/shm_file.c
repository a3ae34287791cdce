/* MAP_SHARED of tmpfs files and memfds: every mapping, read(2)/write(2) and a forked child see
 * the same bytes at once (no msync), truncation drops pages, and seals and open modes limit
 * writable mappings as Linux does. Runs natively and under emu (DifferentialTest). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

static int memfd(const char *name, unsigned flags) {
    return (int)syscall(SYS_memfd_create, name, flags);
}

static const char *err(long r) {
    static char buf[32];
    if (r >= 0) {
        return "ok";
    }
    snprintf(buf, sizeof buf, "%s", errno == EBUSY ? "EBUSY" : errno == EPERM ? "EPERM" : errno == EACCES ? "EACCES"
             : strerror(errno));
    return buf;
}

static sigjmp_buf jump;
static volatile int caught;

static void on_fault(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    caught = sig * 100 + si->si_code;
    siglongjmp(jump, 1);
}

/* 0 when a load at p works, else signal * 100 + si_code (SIGBUS/BUS_ADRERR: 702). */
static int probe(volatile char *p) {
    caught = 0;
    if (sigsetjmp(jump, 1) == 0) {
        (void)*p;
    }
    return caught;
}

static void check(const char *what, int fd) {
    char buf[16] = {0};
    if (ftruncate(fd, 3 * PAGE) != 0) {
        perror("ftruncate");
        return;
    }
    char *a = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *b = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PAGE);
    if (a == MAP_FAILED || b == MAP_FAILED) {
        perror("mmap");
        return;
    }
    strcpy(a + PAGE + 10, "through a");
    printf("%s: b sees \"%s\"\n", what, b + 10);
    pread(fd, buf, 9, PAGE + 10);
    printf("%s: pread sees \"%s\"\n", what, buf);
    pwrite(fd, "pwritten", 8, 2 * PAGE);
    printf("%s: a sees \"%.8s\", b sees \"%.8s\"\n", what, a + 2 * PAGE, b + PAGE);

    int up[2], down[2];
    pipe(up);
    pipe(down);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        strcpy(a, "child");
        write(up[1], "x", 1);
        read(down[0], buf, 1);
        printf("%s: child sees \"%s\"\n", what, a + 100);
        fflush(stdout);
        _exit(0);
    }
    read(up[0], buf, 1);
    printf("%s: parent sees \"%s\" while the child runs\n", what, a);
    strcpy(a + 100, "parent");
    write(down[1], "x", 1);
    waitpid(pid, NULL, 0);
    close(up[0]);
    close(up[1]);
    close(down[0]);
    close(down[1]);

    /* Truncation drops the pages past the end: growing again shows zeros. */
    a[2 * PAGE + 100] = 'z';
    ftruncate(fd, PAGE);
    ftruncate(fd, 3 * PAGE);
    printf("%s: after shrink and grow: %d %d, head \"%s\"\n", what, a[2 * PAGE + 100], b[PAGE], a);
    struct stat st;
    fstat(fd, &st);
    printf("%s: size %ld\n", what, (long)st.st_size);
    munmap(a, 3 * PAGE);
    munmap(b, 2 * PAGE);
}

int main(void) {
    int m = memfd("shm_file", MFD_ALLOW_SEALING);
    check("memfd", m);
    int t = open("/tmp/shm_file.data", O_RDWR | O_CREAT | O_TRUNC, 0600);
    check("tmpfs", t);
    int s = open("/dev/shm/shm_file.data", O_RDWR | O_CREAT | O_TRUNC, 0600);
    check("/dev/shm", s);

    /* The mapping outlives the fd: a child forked after close still shares it. */
    char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0);
    close(s);
    unlink("/dev/shm/shm_file.data");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        strcpy(p + 200, "after close");
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    printf("closed and unlinked: \"%s\"\n", p + 200);

    /* Seals: F_SEAL_WRITE is EBUSY while a writable mapping exists; then writable mappings are refused. */
    char *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
    printf("F_SEAL_WRITE with a writable mapping: %s\n", err(fcntl(m, F_ADD_SEALS, F_SEAL_WRITE)));
    munmap(w, PAGE);
    printf("F_SEAL_WRITE after munmap: %s\n", err(fcntl(m, F_ADD_SEALS, F_SEAL_WRITE)));
    w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
    printf("writable shared mapping of a write-sealed memfd: %s\n", err(w == MAP_FAILED ? -1 : 0));
    char *r = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, m, 0);
    printf("read-only one: %s; mprotect it writable: %s\n", err(r == MAP_FAILED ? -1 : 0),
           err(mprotect(r, PAGE, PROT_READ | PROT_WRITE)));

    /* A file opened read-only maps shared read-only, never writable. */
    int ro = open("/tmp/shm_file.data", O_RDONLY);
    char *q = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 0);
    printf("read-only fd: \"%s\"; mprotect writable: %s\n", q, err(mprotect(q, PAGE, PROT_READ | PROT_WRITE)));
    unlink("/tmp/shm_file.data");

    /* Pages past the end of the file are SIGBUS (BUS_ADRERR); ftruncate and write move the end. */
    struct sigaction sa = {0};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    int e = memfd("eof", 0);
    ftruncate(e, 100);
    char *x = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, e, 0);
    printf("size 100: page 0 %d, page 1 %d\n", probe(x + 4000), probe(x + PAGE));
    ftruncate(e, 3 * PAGE);
    printf("size 3 pages: page 2 %d\n", probe(x + 2 * PAGE));
    x[2 * PAGE] = 'q';
    ftruncate(e, PAGE);
    printf("size 1 page: page 2 %d; read(2) into it: %s\n", probe(x + 2 * PAGE),
           err(read(m, x + 2 * PAGE, 1) < 0 && errno == EFAULT ? -1 : 0));
    pwrite(e, "w", 1, 2 * PAGE + 10);
    printf("after pwrite at page 2: page 2 %d, byte %d %c\n", probe(x + 2 * PAGE), x[2 * PAGE], x[2 * PAGE + 10]);
    return 0;
}

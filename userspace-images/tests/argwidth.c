/*
 * Argument widths and validation: every implemented syscall called through a raw `syscall`
 * instruction whose 32-bit arguments carry garbage in the upper half of their register (the
 * x86_64 ABI leaves it undefined; glibc passes pid_t -1 as 0x00000000ffffffff), and with the
 * sizes, offsets, signal numbers and flag bits Linux rejects. Each line names the call and what
 * it returned (a value that is the same on every machine, or the errno name), so the native run
 * and the emu run must print the same lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A 32-bit argument with a garbage upper half. */
#define G(x) ((long)(0xdead5a5a00000000UL | (unsigned int)(x)))
/* pid_t -1 as glibc passes it: zero-extended. */
#define Z(x) ((long)(unsigned int)(x))

static long sys6(long nr, long a, long b, long c, long d, long e, long f) {
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
#define S0(nr) sys6(nr, 0, 0, 0, 0, 0, 0)
#define S1(nr, a) sys6(nr, (long)(a), 0, 0, 0, 0, 0)
#define S2(nr, a, b) sys6(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define S3(nr, a, b, c) sys6(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define S4(nr, a, b, c, d) sys6(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define S5(nr, a, b, c, d, e) sys6(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

static const char *errname(long e) {
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case ENOTTY: return "ENOTTY";
    case ESPIPE: return "ESPIPE";
    case ENOSYS: return "ENOSYS";
    case ENODEV: return "ENODEV";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EOVERFLOW: return "EOVERFLOW";
    default: return NULL;
    }
}

/* Prints "label = VALUE" or "label = -1 ENAME". */
static void show(const char *label, long ret) {
    if (ret < 0 && ret >= -4095) {
        const char *n = errname(-ret);
        if (n) {
            printf("%s = -1 %s\n", label, n);
        } else {
            printf("%s = -1 errno %ld\n", label, -ret);
        }
    } else {
        printf("%s = %ld\n", label, ret);
    }
}

/* Prints "label = ok" for a success whose value differs between machines (addresses, sizes). */
static void ok(const char *label, long ret) {
    if (ret < 0 && ret >= -4095) {
        show(label, ret);
    } else {
        printf("%s = ok\n", label);
    }
}

static void io(void) {
    int p[2];
    char buf[64];
    if (pipe(p) != 0) {
        perror("pipe");
        return;
    }
    show("write(G(pipe), \"hello\", 5)", S3(SYS_write, G(p[1]), "hello", 5));
    show("read(G(pipe), buf, 3)", S3(SYS_read, G(p[0]), buf, 3));
    show("read(pipe, buf, -1)", S3(SYS_read, p[0], buf, -1L));
    show("read(pipe, buf, 1<<63)", S3(SYS_read, p[0], buf, 1UL << 63));
    show("write(pipe, buf, -1)", S3(SYS_write, p[1], buf, -1L));
    show("write(G(12345), buf, 1)", S3(SYS_write, G(12345), buf, 1));
    show("read(Z(-1), buf, 1)", S3(SYS_read, Z(-1), buf, 1));
    show("read(pipe, buf, 0)", S3(SYS_read, p[0], buf, 0));
    show("read(pipe, buf, 1<<40) with data", S3(SYS_read, p[0], buf, 1L << 40));
    show("write(G(pipe), \"hi\", 2)", S3(SYS_write, G(p[1]), "hi", 2));
    show("read(pipe, buf, 2)", S3(SYS_read, p[0], buf, 2));
    show("lseek(G(pipe), 0, G(SEEK_SET))", S3(SYS_lseek, G(p[0]), 0, G(SEEK_SET)));
    show("lseek(pipe, 0, G(7))", S3(SYS_lseek, p[0], 0, G(7)));
    show("lseek(G(12345), 0, 0)", S3(SYS_lseek, G(12345), 0, 0));
    show("pread64(pipe, buf, 4, -1)", S4(SYS_pread64, p[0], buf, 4, -1L));
    show("pread64(G(12345), buf, 4, -1)", S4(SYS_pread64, G(12345), buf, 4, -1L));
    show("pread64(G(pipe), buf, 4, 0)", S4(SYS_pread64, G(p[0]), buf, 4, 0));
    show("pwrite64(G(pipe), buf, 4, 0)", S4(SYS_pwrite64, G(p[1]), buf, 4, 0));
    show("pwrite64(pipe, buf, 4, -2)", S4(SYS_pwrite64, p[1], buf, 4, -2L));

    struct { void *base; long len; } iov[2] = {{"ab", 2}, {"cd", 2}};
    show("writev(G(pipe), iov, 2)", S3(SYS_writev, G(p[1]), iov, 2));
    show("writev(pipe, iov, G(2))", S3(SYS_writev, p[1], iov, G(2)));
    show("writev(pipe, iov, -1)", S3(SYS_writev, p[1], iov, -1L));
    show("writev(G(12345), iov, -1)", S3(SYS_writev, G(12345), iov, -1L));
    show("writev(pipe, iov, 0)", S3(SYS_writev, p[1], iov, 0));
    iov[1].len = -1;
    show("writev(pipe, {len -1}, 2)", S3(SYS_writev, p[1], iov, 2));
    iov[0].base = buf;
    iov[0].len = 3;
    iov[1].base = buf + 3;
    iov[1].len = 10;
    show("readv(G(pipe), iov, 2)", S3(SYS_readv, G(p[0]), iov, 2));
    show("readv(pipe, iov, 1025)", S3(SYS_readv, p[0], iov, 1025));
    show("readv(G(12345), iov, 1025)", S3(SYS_readv, G(12345), iov, 1025));

    struct stat st;
    long r = S2(SYS_fstat, G(p[0]), &st);
    show("fstat(G(pipe), &st)", r);
    printf("  is a fifo: %d\n", r == 0 && S_ISFIFO(st.st_mode));
    r = sys6(SYS_newfstatat, G(p[0]), (long)"", (long)&st, G(AT_EMPTY_PATH), 0, 0);
    show("newfstatat(G(pipe), \"\", &st, G(AT_EMPTY_PATH))", r);
    printf("  is a fifo: %d\n", r == 0 && S_ISFIFO(st.st_mode));
    char stx[256];
    memset(stx, 0, sizeof stx);
    r = S5(SYS_statx, G(p[0]), "", G(AT_EMPTY_PATH), G(0x7ff), stx);
    show("statx(G(pipe), \"\", G(AT_EMPTY_PATH), G(STATX_BASIC_STATS), &stx)", r);
    uint16_t mode;
    memcpy(&mode, stx + 0x1c, 2);
    printf("  is a fifo: %d\n", r == 0 && S_ISFIFO(mode));
    show("fstat(Z(-1), &st)", S2(SYS_fstat, Z(-1), &st));

    show("readlink(\"/proc/self/exe\", buf, G(-1))", S3(SYS_readlink, "/proc/self/exe", buf, G(-1)));
    show("readlink(\"/proc/self/exe\", buf, G(0))", S3(SYS_readlink, "/proc/self/exe", buf, G(0)));
    ok("readlink(\"/proc/self/exe\", buf, G(64))", S3(SYS_readlink, "/proc/self/exe", buf, G(64)));
    show("readlink(NULL, buf, -1)", S3(SYS_readlink, 0, buf, -1));
    show("readlinkat(G(AT_FDCWD), \"/proc/self/exe\", buf, G(0))",
         S4(SYS_readlinkat, G(AT_FDCWD), "/proc/self/exe", buf, G(0)));

    int d = (int)S1(SYS_dup, G(p[0]));
    show("dup(G(pipe))", d);
    show("dup2(G(pipe), G(40))", S2(SYS_dup2, G(p[0]), G(40)));
    show("dup2(G(40), G(40))", S2(SYS_dup2, G(40), G(40)));
    show("dup2(pipe, Z(-1))", S2(SYS_dup2, p[0], Z(-1)));
    show("dup3(G(pipe), G(41), G(O_CLOEXEC))", S3(SYS_dup3, G(p[0]), G(41), G(O_CLOEXEC)));
    show("dup3(pipe, 42, O_NONBLOCK)", S3(SYS_dup3, p[0], 42, O_NONBLOCK));
    show("fcntl(G(41), G(F_GETFD))", S3(SYS_fcntl, G(41), G(F_GETFD), 0));
    show("fcntl(G(40), G(F_GETFD))", S3(SYS_fcntl, G(40), G(F_GETFD), 0));
    show("fcntl(40, F_SETFD, G(FD_CLOEXEC))", S3(SYS_fcntl, 40, F_SETFD, G(FD_CLOEXEC)));
    show("fcntl(40, F_GETFD)", S3(SYS_fcntl, 40, F_GETFD, 0));
    show("fcntl(40, F_SETFD, 0)", S3(SYS_fcntl, 40, F_SETFD, 0));
    show("lseek(pipe, 0, SEEK_HOLE)", S3(SYS_lseek, p[0], 0, 4));
    show("lseek(pipe, 0, 5)", S3(SYS_lseek, p[0], 0, 5));
    show("fcntl(pipe, F_DUPFD, G(50))", S3(SYS_fcntl, p[0], F_DUPFD, G(50)));
    show("fcntl(pipe, F_DUPFD, Z(-1))", S3(SYS_fcntl, p[0], F_DUPFD, Z(-1)));
    show("fcntl(pipe, F_DUPFD_CLOEXEC, -1)", S3(SYS_fcntl, p[0], F_DUPFD_CLOEXEC, -1L));
    show("fcntl(pipe, F_SETFL, G(O_NONBLOCK))", S3(SYS_fcntl, p[0], F_SETFL, G(O_NONBLOCK)));
    printf("  O_NONBLOCK set: %d\n", (int)((S3(SYS_fcntl, p[0], F_GETFL, 0) & O_NONBLOCK) != 0));
    show("read(nonblocking empty pipe)", S3(SYS_read, p[0], buf, 1));
    show("fcntl(pipe, G(0x7777), 0)", S3(SYS_fcntl, p[0], G(0x7777), 0));
    show("ioctl(G(pipe), G(TCGETS), buf)", S3(SYS_ioctl, G(p[0]), G(0x5401), buf));
    show("ioctl(G(12345), TCGETS, buf)", S3(SYS_ioctl, G(12345), 0x5401, buf));
    show("close(G(41))", S1(SYS_close, G(41)));
    show("close(G(41)) again", S1(SYS_close, G(41)));
    show("close(Z(-1))", S1(SYS_close, Z(-1)));
    close(d);
    close(40);
    close(50);
    close(p[0]);
    close(p[1]);

    int q[2] = {-1, -1};
    show("pipe2(fds, G(O_CLOEXEC))", S2(SYS_pipe2, q, G(O_CLOEXEC)));
    show("fcntl(fds[0], F_GETFD)", S3(SYS_fcntl, q[0], F_GETFD, 0));
    show("pipe2(fds, O_WRONLY)", S2(SYS_pipe2, q, O_WRONLY));
    show("pipe2(fds, G(0) | 1<<31)", S2(SYS_pipe2, q, G(0x80000000u)));
    close(q[0]);
    close(q[1]);
}

static void memory(void) {
    long a = sys6(SYS_mmap, 0, 8192, PROT_READ | PROT_WRITE | 0xdead00000000L,
                  MAP_PRIVATE | MAP_ANONYMOUS | 0xbeef00000000L, G(-1), 0);
    ok("mmap(0, 8192, RW | garbage<<32, PRIVATE|ANON | garbage<<32, G(-1), 0)", a);
    if (a < 0 && a >= -4095) {
        return;
    }
    ((volatile char *)a)[0] = 1;
    show("mmap(0, 4096, RW, PRIVATE|ANON, -1, 1)", sys6(SYS_mmap, 0, 4096, 3, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1));
    show("mmap(0, 0, RW, PRIVATE|ANON, -1, 0)", sys6(SYS_mmap, 0, 0, 3, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    show("mmap(0, -1, RW, PRIVATE|ANON, -1, 0)", sys6(SYS_mmap, 0, -1L, 3, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    show("mmap(0, -8192, RW, PRIVATE|ANON, -1, 0)", sys6(SYS_mmap, 0, -8192L, 3, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    show("mmap(0, 4096, RW, ANON (no type), -1, 0)", sys6(SYS_mmap, 0, 4096, 3, MAP_ANONYMOUS, -1, 0));
    show("mmap(0, 4096, RW, SHARED_VALIDATE|ANON, -1, 0)", sys6(SYS_mmap, 0, 4096, 3, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0));
    show("mmap(0, 4096, RW, PRIVATE, G(12345), 0)", sys6(SYS_mmap, 0, 4096, 3, MAP_PRIVATE, G(12345), 0));
    show("mmap(0, 4096, RW, PRIVATE, Z(-1), 0)", sys6(SYS_mmap, 0, 4096, 3, MAP_PRIVATE, Z(-1), 0));
    show("mmap(a+1, 4096, RW, PRIVATE|ANON|FIXED, -1, 0)", sys6(SYS_mmap, a + 1, 4096, 3, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
    ok("mmap(0, 4096, RW|0x10, PRIVATE|ANON|0x80000000, -1, 0)",
       sys6(SYS_mmap, 0, 4096, 3 | 0x10, MAP_PRIVATE | MAP_ANONYMOUS | 0x80000000L, -1, 0));

    show("mprotect(a, 4096, G(PROT_READ))", S3(SYS_mprotect, a, 4096, G(PROT_READ)));
    show("mprotect(a, 4096, PROT_READ|PROT_SEM)", S3(SYS_mprotect, a, 4096, PROT_READ | 8));
    show("mprotect(a, 4096, 0x10)", S3(SYS_mprotect, a, 4096, 0x10));
    show("mprotect(a, 0, 0x12340)", S3(SYS_mprotect, a, 0, 0x12340));
    show("mprotect(a, -1, PROT_READ)", S3(SYS_mprotect, a, -1L, PROT_READ));
    show("mprotect(a + 1, 4096, PROT_READ)", S3(SYS_mprotect, a + 1, 4096, PROT_READ));
    show("mprotect(a, 4096, RW)", S3(SYS_mprotect, a, 4096, 3));

    show("madvise(a, 4096, G(MADV_NORMAL))", S3(SYS_madvise, a, 4096, G(MADV_NORMAL)));
    show("madvise(a, 4096, G(MADV_DONTNEED))", S3(SYS_madvise, a, 4096, G(MADV_DONTNEED)));
    printf("  zeroed: %d\n", ((volatile char *)a)[0] == 0);
    show("madvise(a, 4096, 999)", S3(SYS_madvise, a, 4096, 999));
    show("madvise(a, -1, MADV_NORMAL)", S3(SYS_madvise, a, -1L, MADV_NORMAL));
    show("madvise(a, -8192, MADV_NORMAL)", S3(SYS_madvise, a, -8192L, MADV_NORMAL));
    show("madvise(a + 1, 4096, MADV_NORMAL)", S3(SYS_madvise, a + 1, 4096, MADV_NORMAL));
    show("madvise(a, 0, MADV_NORMAL)", S3(SYS_madvise, a, 0, MADV_NORMAL));

    show("mremap(a, 4096, -1, 0)", S4(SYS_mremap, a, 4096, -1L, 0));
    show("mremap(a, 4096, -8192, MAYMOVE)", S4(SYS_mremap, a, 4096, -8192L, MREMAP_MAYMOVE));
    show("mremap(a, 4096, 1<<62, MAYMOVE)", S4(SYS_mremap, a, 4096, 1L << 62, MREMAP_MAYMOVE));
    show("mremap(a, -1, 8192, MAYMOVE)", S4(SYS_mremap, a, -1L, 8192, MREMAP_MAYMOVE));
    show("mremap(a, -8192, 8192, MAYMOVE)", S4(SYS_mremap, a, -8192L, 8192, MREMAP_MAYMOVE));
    show("mremap(a, 1<<62, 8192, MAYMOVE)", S4(SYS_mremap, a, 1L << 62, 8192, MREMAP_MAYMOVE));
    show("mremap(a, 4096, 8192, G(MREMAP_MAYMOVE))", S4(SYS_mremap, a, 4096, 8192, G(MREMAP_MAYMOVE)));
    show("mremap(a, 4096, 8192, 0x10)", S4(SYS_mremap, a, 4096, 8192, 0x10));
    show("mremap(a + 1, 4096, 4096, 0)", S4(SYS_mremap, a + 1, 4096, 4096, 0));
    show("mremap(a, 4096, 0, 0)", S4(SYS_mremap, a, 4096, 0, 0));
    show("mremap(a, 4096, 4096, FIXED)", S5(SYS_mremap, a, 4096, 4096, MREMAP_FIXED, a + 65536));
    ok("mremap(a, 8192, 4096, 0)", S4(SYS_mremap, a, 8192, 4096, 0));

    show("munmap(a, 0)", S2(SYS_munmap, a, 0));
    show("munmap(a, -1)", S2(SYS_munmap, a, -1L));
    show("munmap(a + 1, 4096)", S2(SYS_munmap, a + 1, 4096));
    show("munmap(a, 4096)", S2(SYS_munmap, a, 4096));
    long b = S1(SYS_brk, 0);
    printf("brk(garbage) leaves the break: %d\n", S1(SYS_brk, 0xdead5a5a00000000L) == b);
}

static void timing(void) {
    struct timespec ts;
    show("clock_gettime(G(CLOCK_MONOTONIC), &ts)", S2(SYS_clock_gettime, G(CLOCK_MONOTONIC), &ts));
    show("clock_gettime(G(99), &ts)", S2(SYS_clock_gettime, G(99), &ts));
    show("clock_gettime(Z(-1), &ts)", S2(SYS_clock_gettime, Z(-1), &ts));
    show("clock_getres(G(CLOCK_REALTIME), &ts)", S2(SYS_clock_getres, G(CLOCK_REALTIME), &ts));
    printf("  res: %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
    show("clock_getres(G(CLOCK_MONOTONIC), NULL)", S2(SYS_clock_getres, G(CLOCK_MONOTONIC), 0));
    struct timespec req = {0, 1000};
    show("clock_nanosleep(G(CLOCK_MONOTONIC), G(0), {0,1000}, NULL)",
         S4(SYS_clock_nanosleep, G(CLOCK_MONOTONIC), G(0), &req, 0));
    show("clock_nanosleep(G(99), 0, {0,1000}, NULL)", S4(SYS_clock_nanosleep, G(99), 0, &req, 0));
    req.tv_nsec = 2000000000L;
    show("clock_nanosleep(CLOCK_MONOTONIC, 0, {0,2e9}, NULL)", S4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, 0));
    show("nanosleep({0,2e9}, NULL)", S2(SYS_nanosleep, &req, 0));
    req.tv_sec = -1;
    req.tv_nsec = 0;
    show("nanosleep({-1,0}, NULL)", S2(SYS_nanosleep, &req, 0));
    show("sched_yield()", S0(SYS_sched_yield));
    struct timeval tv;
    show("gettimeofday(&tv, NULL)", S2(SYS_gettimeofday, &tv, 0));
}

static void process(void) {
    long pid = S0(SYS_getpid);
    long rl[2];
    /* The number itself is an int: entry_64.S sign-extends EAX, the upper half of RAX is ignored. */
    printf("G(SYS_getpid)() is getpid: %d\n", S0(G(SYS_getpid)) == pid);
    show("(-1L)()", S0(-1L));
    show("(0x100000000 | 1000)()", S0(0x100000000L | 1000));
    show("prlimit64(G(0), G(RLIMIT_NOFILE), NULL, &old)", S4(SYS_prlimit64, G(0), G(RLIMIT_NOFILE), 0, rl));
    show("prlimit64(0, G(99), NULL, &old)", S4(SYS_prlimit64, 0, G(99), 0, rl));
    show("prlimit64(0x7ffffff0, RLIMIT_NOFILE, NULL, &old)", S4(SYS_prlimit64, 0x7ffffff0, RLIMIT_NOFILE, 0, rl));
    show("getrlimit(G(RLIMIT_STACK), &r)", S2(SYS_getrlimit, G(RLIMIT_STACK), rl));
    show("getrlimit(Z(-1), &r)", S2(SYS_getrlimit, Z(-1), rl));
    char buf[64];
    show("getrandom(buf, 16, G(GRND_NONBLOCK))", S3(SYS_getrandom, buf, 16, G(1)));
    show("getrandom(buf, 16, 8)", S3(SYS_getrandom, buf, 16, 8));
    show("getrandom(buf, 16, GRND_RANDOM|GRND_INSECURE)", S3(SYS_getrandom, buf, 16, 6));
    show("getrandom(NULL, 16, 0)", S3(SYS_getrandom, 0, 16, 0));
    unsigned long mask[16];
    ok("sched_getaffinity(G(0), G(128), mask)", S3(SYS_sched_getaffinity, G(0), G(128), mask));
    show("sched_getaffinity(0, G(7), mask)", S3(SYS_sched_getaffinity, 0, G(7), mask));
    show("sched_getaffinity(0x7ffffff0, 128, mask)", S3(SYS_sched_getaffinity, 0x7ffffff0, 128, mask));
    unsigned cpu;
    show("getcpu(&cpu, NULL, NULL)", S3(SYS_getcpu, &cpu, 0, 0));
    long fs;
    show("arch_prctl(G(ARCH_GET_FS), &fs)", S2(SYS_arch_prctl, G(0x1003), &fs));
    show("arch_prctl(G(0x9999), 0)", S2(SYS_arch_prctl, G(0x9999), 0));
    long head[3] = {(long)head, 0, 0};
    show("set_robust_list(head, G(24))", S2(SYS_set_robust_list, head, G(24)));
    printf("getpgid(G(0)) is getpgrp(): %d\n", S1(SYS_getpgid, G(0)) == S1(SYS_getpgrp, 0xdead5a5a12345678L));
    show("getpgid(0x7ffffff0)", S1(SYS_getpgid, 0x7ffffff0));
    show("getsid(0x7ffffff0)", S1(SYS_getsid, 0x7ffffff0));
    printf("getpgid(G(pid)) found: %d\n", S1(SYS_getpgid, G(pid)) > 0);
}

static void handler(int sig) {
    (void)sig;
}

static void signals(void) {
    struct {
        void *handler;
        unsigned long flags;
        void *restorer;
        unsigned long mask;
    } act, old;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigaction(SIGUSR2, &sa, 0); /* lets the libc fill in a restorer */
    show("rt_sigaction(G(SIGUSR2), NULL, &old, 8)", S4(SYS_rt_sigaction, G(SIGUSR2), 0, &old, 8));
    act = old;
    show("rt_sigaction(G(SIGUSR1), &act, &old, 8)", S4(SYS_rt_sigaction, G(SIGUSR1), &act, &old, 8));
    show("rt_sigaction(G(65), &act, NULL, 8)", S4(SYS_rt_sigaction, G(65), &act, 0, 8));
    show("rt_sigaction(G(0), NULL, &old, 8)", S4(SYS_rt_sigaction, G(0), 0, &old, 8));
    show("rt_sigaction(Z(-1), NULL, &old, 8)", S4(SYS_rt_sigaction, Z(-1), 0, &old, 8));
    show("rt_sigaction(SIGKILL, &act, NULL, 8)", S4(SYS_rt_sigaction, SIGKILL, &act, 0, 8));
    show("rt_sigaction(SIGKILL, NULL, &old, 8)", S4(SYS_rt_sigaction, SIGKILL, 0, &old, 8));
    show("rt_sigaction(SIGUSR1, NULL, &old, G(8))", S4(SYS_rt_sigaction, SIGUSR1, 0, &old, G(8)));
    show("rt_sigaction(G(64), NULL, &old, 8)", S4(SYS_rt_sigaction, G(64), 0, &old, 8));
    unsigned long set = 1UL << (SIGUSR1 - 1), oldset;
    show("rt_sigprocmask(G(SIG_BLOCK), &set, &old, 8)", S4(SYS_rt_sigprocmask, G(SIG_BLOCK), &set, &oldset, 8));
    show("rt_sigprocmask(G(5), &set, &old, 8)", S4(SYS_rt_sigprocmask, G(5), &set, &oldset, 8));
    show("rt_sigprocmask(SIG_BLOCK, &set, &old, G(8))", S4(SYS_rt_sigprocmask, SIG_BLOCK, &set, &oldset, G(8)));
    show("tgkill(G(pid), G(tid), G(SIGUSR1))",
         S3(SYS_tgkill, G(S0(SYS_getpid)), G(S0(SYS_gettid)), G(SIGUSR1)));
    unsigned long pending = 0;
    show("rt_sigpending(&set, 4)", S2(SYS_rt_sigpending, &pending, 4));
    printf("  SIGUSR1 pending: %d\n", (int)((pending >> (SIGUSR1 - 1)) & 1));
    show("rt_sigpending(&set, 16)", S2(SYS_rt_sigpending, &pending, 16));
    show("rt_sigpending(&set, G(8))", S2(SYS_rt_sigpending, &pending, G(8)));
    show("rt_sigprocmask(G(SIG_UNBLOCK), &set, NULL, 8)", S4(SYS_rt_sigprocmask, G(SIG_UNBLOCK), &set, 0, 8));

    long pid = S0(SYS_getpid);
    show("kill(G(pid), G(0))", S2(SYS_kill, G(pid), G(0)));
    show("kill(G(0), G(0))", S2(SYS_kill, G(0), G(0)));
    show("kill(pid, 65)", S2(SYS_kill, pid, 65));
    show("kill(pid, Z(-1))", S2(SYS_kill, pid, Z(-1)));
    show("kill(0x7ffffff0, 65)", S2(SYS_kill, 0x7ffffff0, 65));
    show("kill(INT_MIN, 0)", S2(SYS_kill, Z(INT_MIN), 0));
    show("tgkill(pid, pid, 65)", S3(SYS_tgkill, pid, pid, 65));
    show("tgkill(0x7ffffff0, 0x7ffffff0, 65)", S3(SYS_tgkill, 0x7ffffff0, 0x7ffffff0, 65));
    show("tgkill(Z(-1), pid, 0)", S3(SYS_tgkill, Z(-1), pid, 0));
    show("tgkill(pid, 0, 0)", S3(SYS_tgkill, pid, 0, 0));
    show("tkill(G(tid), G(0))", S2(SYS_tkill, G(S0(SYS_gettid)), G(0)));
    show("tkill(Z(-1), 0)", S2(SYS_tkill, Z(-1), 0));
    show("tkill(0x7ffffff0, 65)", S2(SYS_tkill, 0x7ffffff0, 65));
    show("tkill(tid, 65)", S2(SYS_tkill, S0(SYS_gettid), 65));
}

/* A raw fork (clone with the given flags, no new stack) whose child exits with `code` at once. */
static long rawfork(long flags, int code) {
    long r = S5(SYS_clone, flags, 0, 0, 0, 0);
    if (r == 0) {
        S1(SYS_exit_group, G(code) | 0x100);
    }
    return r;
}

static void children(void) {
    int status = 0;
    show("wait4(Z(-1), &st, G(WNOHANG), NULL) with no child", S4(SYS_wait4, Z(-1), &status, G(WNOHANG), 0));
    show("waitid(G(P_ALL), 0, &info, G(WEXITED|WNOHANG), NULL) with no child",
         S5(SYS_waitid, G(P_ALL), 0, 0, G(WEXITED | WNOHANG), 0));

    long c = rawfork(G(SIGCHLD), 7);
    printf("clone(G(SIGCHLD)) made a child: %d\n", c > 0);
    long w = S4(SYS_wait4, Z(-1), &status, G(0), 0);
    printf("wait4(Z(-1), &st, G(0), NULL) reaped it: %d, exited %d, status %d\n", w == c,
           WIFEXITED(status), WEXITSTATUS(status));

    c = rawfork(SIGCHLD, 8);
    w = S4(SYS_wait4, G(c), &status, 0, 0);
    printf("wait4(G(child)) reaped it: %d, status %d\n", w == c, WEXITSTATUS(status));

    c = rawfork(SIGCHLD, 9);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    show("waitid(G(P_PID), G(child), &info, G(WEXITED), NULL)", S5(SYS_waitid, G(P_PID), G(c), &info, G(WEXITED), 0));
    printf("  si_pid is the child: %d, si_status %d, si_code CLD_EXITED: %d\n", info.si_pid == c,
           info.si_status, info.si_code == CLD_EXITED);

    show("wait4(-1, NULL, 0x100, NULL)", S4(SYS_wait4, -1, 0, 0x100, 0));
    show("wait4(INT_MIN, NULL, 0, NULL)", S4(SYS_wait4, Z(INT_MIN), 0, 0, 0));
    show("wait4(-1, NULL, __WALL|__WCLONE, NULL) with no child", S4(SYS_wait4, -1, 0, G(0xc0000000u), 0));
    show("waitid(P_ALL, 0, &info, 0, NULL)", S5(SYS_waitid, P_ALL, 0, &info, 0, 0));
    show("waitid(P_PID, 0, &info, WEXITED, NULL)", S5(SYS_waitid, P_PID, 0, &info, WEXITED, 0));
    show("waitid(P_PGID, Z(-1), &info, WEXITED, NULL)", S5(SYS_waitid, P_PGID, Z(-1), &info, WEXITED, 0));
    show("waitid(7, 0, &info, WEXITED, NULL)", S5(SYS_waitid, 7, 0, &info, WEXITED, 0));
    show("waitid(P_ALL, 0, &info, WEXITED|0x100, NULL)", S5(SYS_waitid, P_ALL, 0, &info, WEXITED | 0x100, 0));

    /* An exit signal above 64 is accepted by clone(2); such a "clone child" is waited for only with __WALL or __WCLONE. */
    c = rawfork(G(100), 10);
    printf("clone(G(100)) made a child: %d\n", c > 0);
    show("wait4(child, &st, 0, NULL) of a clone child", S4(SYS_wait4, c, &status, 0, 0));
    w = S4(SYS_wait4, c, &status, __WALL, 0);
    printf("wait4(child, &st, __WALL, NULL) reaped it: %d, status %d\n", w == c, WEXITSTATUS(status));
    c = rawfork(0, 11);
    w = S4(SYS_wait4, Z(-1), &status, G(__WCLONE), 0);
    printf("clone(0) child reaped by wait4(-1, __WCLONE): %d, status %d\n", w == c, WEXITSTATUS(status));
    struct { unsigned long flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls; } ca;
    memset(&ca, 0, sizeof ca);
    ca.exit_signal = 65;
    show("clone3({exit_signal 65}, 64)", S2(SYS_clone3, &ca, 64));
    ca.exit_signal = 1UL << 32 | SIGCHLD;
    show("clone3({exit_signal 1<<32 | SIGCHLD}, 64)", S2(SYS_clone3, &ca, 64));

    show("clone(CLONE_THREAD)", S5(SYS_clone, 0x10000, 0, 0, 0, 0));
    show("clone(CLONE_SIGHAND)", S5(SYS_clone, 0x800, 0, 0, 0, 0));

    /* A child that sleeps: WNOHANG finds it running, kill(-1, 0) finds it, then it is reaped. */
    int p[2];
    if (pipe(p) != 0) {
        return;
    }
    c = S5(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (c == 0) {
        char b;
        close(p[1]);
        read(p[0], &b, 1);
        S1(SYS_exit_group, 3);
    }
    close(p[0]);
    show("wait4(Z(-1), &st, WNOHANG, NULL) while the child runs", S4(SYS_wait4, Z(-1), &status, WNOHANG, 0));
    show("waitid(P_ALL, 0, &info, WEXITED|WNOHANG, NULL) while the child runs",
         S5(SYS_waitid, P_ALL, 0, &info, WEXITED | WNOHANG, 0));
    show("kill(G(child), G(0))", S2(SYS_kill, G(c), G(0)));
    show("kill(Z(-1), G(0))", S2(SYS_kill, Z(-1), G(0)));
    close(p[1]);
    w = S4(SYS_wait4, Z(-1), &status, 0, 0);
    printf("wait4(Z(-1)) after the child read EOF: %d, status %d\n", w == c, WEXITSTATUS(status));
}

static void futexes(void) {
    static int word = 5;
    struct timespec ts = {0, 1000};
    show("futex(&w, G(FUTEX_WAKE_PRIVATE), G(1))", sys6(SYS_futex, (long)&word, G(129), G(1), 0, 0, 0));
    show("futex(&w, G(FUTEX_WAIT_PRIVATE), G(5), {0,1000})", sys6(SYS_futex, (long)&word, G(128), G(5), (long)&ts, 0, 0));
    show("futex(&w, FUTEX_WAIT_PRIVATE, G(6), {0,1000})", sys6(SYS_futex, (long)&word, 128, G(6), (long)&ts, 0, 0));
    show("futex(&w, FUTEX_WAKE_BITSET_PRIVATE, 1, 0, 0, G(0))", sys6(SYS_futex, (long)&word, 138, 1, 0, 0, G(0)));
    show("futex(&w, FUTEX_WAKE_BITSET_PRIVATE, 1, 0, 0, G(1))", sys6(SYS_futex, (long)&word, 138, 1, 0, 0, G(1)));
    show("futex(&w, FUTEX_WAKE|FUTEX_CLOCK_REALTIME, 1)", sys6(SYS_futex, (long)&word, 1 | 256, 1, 0, 0, 0));
    show("futex(&w, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 6, NULL, 0, ~0)", sys6(SYS_futex, (long)&word, 9 | 256, 6, 0, 0, -1));
}

/* rseq: glibc registers one at startup (then another address is EINVAL), musl does not. */
static void rseqs(void) {
    static char area[64] __attribute__((aligned(32)));
    const long sig = 0x53053053;
    show("rseq(area + 8, 32, 0, sig)", S4(SYS_rseq, area + 8, 32, 0, sig));
    show("rseq(area, 16, 0, sig)", S4(SYS_rseq, area, 16, 0, sig));
    show("rseq(area, G(32), G(0), G(sig))", S4(SYS_rseq, area, G(32), G(0), G(sig)));
    show("rseq(area, 32, 0, sig) again", S4(SYS_rseq, area, 32, 0, sig));
    show("rseq(area, 32, 0, other sig)", S4(SYS_rseq, area, 32, 0, 0x1234));
    show("rseq(area, 32, 2, sig)", S4(SYS_rseq, area, 32, 2, sig));
    show("rseq(area, 32, UNREGISTER, other sig)", S4(SYS_rseq, area, 32, 1, 0x1234));
    show("rseq(area, 32, UNREGISTER|2, sig)", S4(SYS_rseq, area, 32, 3, sig));
    show("rseq(area, 32, G(UNREGISTER), G(sig))", S4(SYS_rseq, area, 32, G(1), G(sig)));
}

/* sigaltstack: the new stack's flags and size are checked as do_sigaltstack does. */
static void altstack(void) {
    static char mem[65536];
    stack_t ss, old;
    memset(&old, 0x55, sizeof old);
    ss.ss_sp = mem;
    ss.ss_size = sizeof mem;
    ss.ss_flags = 0x1234;
    show("sigaltstack({flags 0x1234}, &old)", S2(SYS_sigaltstack, &ss, &old));
    ss.ss_flags = 0;
    ss.ss_size = 100;
    show("sigaltstack({size 100}, &old)", S2(SYS_sigaltstack, &ss, &old));
    ss.ss_flags = SS_DISABLE;
    show("sigaltstack({SS_DISABLE, size 100}, &old)", S2(SYS_sigaltstack, &ss, &old));
    printf("  old ss_flags %d, ss_size %zu\n", old.ss_flags, old.ss_size);
}

/* Readiness and event fds (issue 14): int and unsigned int arguments with garbage above. */
static void readiness(void) {
    int p[2];
    if (pipe(p) != 0) {
        perror("pipe");
        return;
    }
    struct {
        int fd;
        short events, revents;
    } pf = {p[1], 4 /* POLLOUT */, 0};
    show("poll(&pf, G(1), G(0))", S3(SYS_poll, &pf, G(1), G(0)));
    show("poll(&pf, G(1), G(-1)) (writable)", S3(SYS_poll, &pf, G(1), G(-1)));
    show("poll(&pf, 1UL << 32 | 1, 0)", S3(SYS_poll, &pf, (1UL << 32) | 1, 0));
    struct timespec ts = {0, 0};
    show("ppoll(&pf, G(1), &ts, NULL, G(8))", S5(SYS_ppoll, &pf, G(1), &ts, 0, G(8)));
    unsigned long set = 1UL << p[0];
    struct timeval tv = {0, 0};
    show("select(G(p0 + 1), &set, 0, 0, &tv)", S5(SYS_select, G(p[0] + 1), &set, 0, 0, &tv));
    show("pselect6(G(p0 + 1), &set, 0, 0, &ts, 0)", sys6(SYS_pselect6, G(p[0] + 1), (long)&set, 0, 0, (long)&ts, 0));
    long ep = S1(SYS_epoll_create1, G(0));
    ok("epoll_create1(G(0))", ep);
    show("epoll_create(G(1)) > 0", S1(SYS_epoll_create, G(1)) > 0);
    show("epoll_create(1UL << 32)", S1(SYS_epoll_create, 1UL << 32));
    struct __attribute__((packed)) {
        unsigned events;
        unsigned long data;
    } ev = {4, 7}, out[2];
    show("epoll_ctl(G(ep), G(ADD), G(p1), &ev)", S4(SYS_epoll_ctl, G(ep), G(1), G(p[1]), &ev));
    show("epoll_wait(G(ep), out, G(2), G(0))", S4(SYS_epoll_wait, G(ep), out, G(2), G(0)));
    show("epoll_wait(ep, out, 1UL << 32 | 2, 0)", S4(SYS_epoll_wait, ep, out, (1UL << 32) | 2, 0));
    show("epoll_pwait(G(ep), out, G(2), G(-1), NULL, 8)", sys6(SYS_epoll_pwait, G(ep), (long)out, G(2), G(-1), 0, 8));
    show("epoll_pwait2(G(ep), out, G(2), &ts, NULL, 8)", sys6(SYS_epoll_pwait2, G(ep), (long)out, G(2), (long)&ts, 0, 8));
    long efd = S2(SYS_eventfd2, G(5), G(0));
    ok("eventfd2(G(5), G(0))", efd);
    unsigned long v = 0;
    show("read(eventfd)", S3(SYS_read, efd, &v, 8));
    printf("  value %lu\n", v);
    long efd1 = S1(SYS_eventfd, (1UL << 32) | 3);
    show("read(eventfd((1 << 32) | 3))", S3(SYS_read, efd1, &v, 8));
    printf("  value %lu\n", v);
    long tfd = S2(SYS_timerfd_create, G(CLOCK_MONOTONIC), G(0));
    ok("timerfd_create(G(CLOCK_MONOTONIC), G(0))", tfd);
    struct itimerspec its = {{0, 0}, {0, 1000}};
    show("timerfd_settime(G(tfd), G(0), &its, NULL)", S4(SYS_timerfd_settime, G(tfd), G(0), &its, 0));
    show("timerfd_gettime(G(tfd), &its)", S2(SYS_timerfd_gettime, G(tfd), &its));
    unsigned long mask = 1UL << (SIGUSR2 - 1);
    long sfd = S4(SYS_signalfd4, G(-1), &mask, 8, G(0));
    ok("signalfd4(G(-1), &mask, 8, G(0))", sfd);
    show("signalfd(G(sfd), &mask, 8) == sfd", S3(SYS_signalfd, G(sfd), &mask, 8) == sfd);
    close(sfd);
    close(tfd);
    close(efd1);
    close(efd);
    close(ep);
    close(p[0]);
    close(p[1]);
}

/* The socket calls: every int argument (fds, family, type, lengths, levels, flags) with garbage above. */
static void sockets(void) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "argwidth-%d", (int) getpid());
    long alen = offsetof(struct sockaddr_un, sun_path) + 1 + (long) strlen(a.sun_path + 1);
    long s = S3(SYS_socket, G(AF_UNIX), G(SOCK_STREAM), G(0));
    ok("socket(G(AF_UNIX), G(SOCK_STREAM), G(0))", s);
    show("bind(G(s), &a, G(len))", S3(SYS_bind, G(s), &a, G(alen)));
    show("listen(G(s), G(4))", S2(SYS_listen, G(s), G(4)));
    long c = S3(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
    show("connect(G(c), &a, G(len))", S3(SYS_connect, G(c), &a, G(alen)));
    long conn = S4(SYS_accept4, G(s), 0, 0, G(SOCK_CLOEXEC));
    ok("accept4(G(s), NULL, NULL, G(SOCK_CLOEXEC))", conn);
    show("sendto(G(c), \"xy\", 2, G(0), NULL, G(0))", sys6(SYS_sendto, G(c), (long) "xy", 2, G(0), 0, G(0)));
    char buf[4];
    show("recvfrom(G(conn), buf, 1, G(MSG_DONTWAIT), NULL, NULL)",
         sys6(SYS_recvfrom, G(conn), (long) buf, 1, G(MSG_DONTWAIT), 0, 0));
    struct iovec iov = {buf, 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    show("recvmsg(G(conn), &m, G(MSG_PEEK))", S3(SYS_recvmsg, G(conn), &m, G(MSG_PEEK)));
    show("sendmsg(G(conn), &m, G(MSG_NOSIGNAL))", S3(SYS_sendmsg, G(conn), &m, G(MSG_NOSIGNAL)));
    int one = 1, v = 0;
    socklen_t vl = sizeof v;
    show("setsockopt(G(c), G(SOL_SOCKET), G(SO_KEEPALIVE), &one, G(4))",
         S5(SYS_setsockopt, G(c), G(SOL_SOCKET), G(SO_KEEPALIVE), &one, G(4)));
    show("getsockopt(G(c), G(SOL_SOCKET), G(SO_KEEPALIVE), &v, &vl)",
         S5(SYS_getsockopt, G(c), G(SOL_SOCKET), G(SO_KEEPALIVE), &v, &vl));
    printf("SO_KEEPALIVE = %d\n", v);
    struct sockaddr_un got;
    socklen_t gl = sizeof got;
    show("getsockname(G(s), &got, &gl)", S3(SYS_getsockname, G(s), &got, &gl));
    gl = sizeof got;
    show("getpeername(G(c), &got, &gl)", S3(SYS_getpeername, G(c), &got, &gl));
    show("shutdown(G(c), G(SHUT_WR))", S2(SYS_shutdown, G(c), G(SHUT_WR)));
    int sv[2];
    show("socketpair(G(AF_UNIX), G(SOCK_DGRAM), G(0), sv)", S4(SYS_socketpair, G(AF_UNIX), G(SOCK_DGRAM), G(0), sv));
    show("socket(G(AF_UNIX), G(99), G(0))", S3(SYS_socket, G(AF_UNIX), G(99), G(0)));
    close(sv[0]);
    close(sv[1]);
    close((int) conn);
    close((int) c);
    close((int) s);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    readiness();
    io();
    memory();
    timing();
    process();
    signals();
    children();
    futexes();
    rseqs();
    altstack();
    sockets();
    show("exit_group(G(0)) follows", 0);
    fflush(stdout);
    S1(SYS_exit_group, G(0));
    return 1;
}

/* Syscall wrappers and the C half of process start-up. */
#include "minilib.h"

char **environ;

void __minilib_start_main(int argc, char **argv, char **envp) __attribute__((noreturn, used));

void __minilib_start_main(int argc, char **argv, char **envp) {
    environ = envp;
    exit_group(main(argc, argv, envp));
}

ssize_t read(int fd, void *buf, size_t count) {
    return syscall3(SYS_read, fd, (long)buf, (long)count);
}

ssize_t write(int fd, const void *buf, size_t count) {
    return syscall3(SYS_write, fd, (long)buf, (long)count);
}

void exit(int status) {
    /* Like libc's exit(): the whole process ends (there is no stdio to flush). */
    exit_group(status);
}

void exit_group(int status) {
    for (;;) syscall1(SYS_exit_group, status);
}

int nanosleep(const struct timespec *req, struct timespec *rem) {
    return (int)syscall2(SYS_nanosleep, (long)req, (long)rem);
}

int clock_gettime(clockid_t clk, struct timespec *ts) {
    return (int)syscall2(SYS_clock_gettime, clk, (long)ts);
}

pid_t getpid(void) {
    return (pid_t)syscall0(SYS_getpid);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
    return (void *)syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off);
}

int munmap(void *addr, size_t len) {
    return (int)syscall2(SYS_munmap, (long)addr, (long)len);
}

void *brk(void *addr) {
    return (void *)syscall1(SYS_brk, (long)addr);
}

/* pidfds: pidfd_open (close-on-exec, the errors), pidfd_send_signal (kill semantics, the
 * siginfo checks, ESRCH once reaped), waitid(P_PIDFD). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long pidfd_open(pid_t pid, unsigned flags) { return syscall(SYS_pidfd_open, pid, flags); }
static long send_signal(int fd, int sig, siginfo_t *si) { return syscall(SYS_pidfd_send_signal, fd, sig, si, 0); }

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    pid_t c = fork();
    if (c == 0) {
        for (;;) pause();
    }
    int fd = (int)pidfd_open(c, 0);
    printf("pidfd_open: fd >= 3 %s, close-on-exec %s\n", fd >= 3 ? "yes" : "no", fcntl(fd, F_GETFD) == FD_CLOEXEC ? "yes" : "no");
    long r = pidfd_open(c, 1);
    printf("flags 1: %ld %s\n", r, strerror(errno));
    r = pidfd_open(-1, 0);
    printf("pid -1: %ld %s\n", r, strerror(errno));
    r = pidfd_open(999999, 0);
    printf("no such process: %ld %s\n", r, strerror(errno));
    r = send_signal(0, SIGTERM, NULL);
    printf("send on stdin: %ld %s\n", r, strerror(errno));
    r = syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 8);
    printf("flags 8: %ld %s\n", r, strerror(errno));
    r = syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 3);
    printf("flags THREAD|THREAD_GROUP: %ld %s\n", r, strerror(errno));
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    r = send_signal(fd, SIGTERM, &si);
    printf("siginfo for another signal: %ld %s\n", r, strerror(errno));
    si.si_signo = SIGTERM;
    si.si_code = SI_USER;
    r = send_signal(fd, SIGTERM, &si);
    printf("SI_USER siginfo to another process: %ld %s\n", r, strerror(errno));
    r = send_signal(fd, 0, NULL);
    printf("signal 0: %ld\n", r);
    r = send_signal(fd, SIGTERM, NULL);
    printf("SIGTERM: %ld\n", r);
    memset(&si, 0, sizeof si);
    r = waitid(P_PIDFD, fd, &si, WEXITED);
    printf("waitid(P_PIDFD): %ld, pid matches %s, code %s, status %d\n", r, si.si_pid == c ? "yes" : "no",
           si.si_code == CLD_KILLED ? "CLD_KILLED" : "other", si.si_status);
    r = send_signal(fd, SIGTERM, NULL);
    printf("after the child was reaped: %ld %s\n", r, strerror(errno));
    r = waitid(P_PIDFD, 0, &si, WEXITED);
    printf("waitid(P_PIDFD) of stdin: %ld %s\n", r, strerror(errno));
    close(fd);
    return 0;
}

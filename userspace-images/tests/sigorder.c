/* The order in which pending signals are taken (dequeue_signal, next_signal in kernel/signal.c):
 * the thread's own (raise) before process-directed ones (kill), and in each a synchronous signal
 * (SIGSEGV…) first, else the lowest number, so standard signals before real-time ones; queued
 * real-time signals keep their count. Read through signalfd and through sigtimedwait. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

static sigset_t queue_all(void) {
    sigset_t m;
    sigemptyset(&m);
    int sigs[] = {SIGRTMIN + 1, SIGRTMIN, SIGUSR2, SIGSEGV, SIGUSR1, SIGINT, SIGRTMIN};
    for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        sigaddset(&m, sigs[i]);
    }
    sigaddset(&m, SIGTERM);
    sigaddset(&m, SIGHUP);
    sigprocmask(SIG_BLOCK, &m, NULL);
    for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        kill(getpid(), sigs[i]);
    }
    raise(SIGTERM);
    raise(SIGHUP);
    return m;
}

int main(void) {
    sigset_t m = queue_all();
    int fd = signalfd(-1, &m, SFD_NONBLOCK);
    struct signalfd_siginfo si;
    printf("signalfd:");
    while (read(fd, &si, sizeof si) == sizeof si) {
        printf(" %s", si.ssi_signo >= (unsigned) SIGRTMIN ? "RT" : "");
        printf("%d", si.ssi_signo >= (unsigned) SIGRTMIN ? (int) si.ssi_signo - SIGRTMIN : (int) si.ssi_signo);
    }
    printf("\n");
    queue_all();
    struct timespec zero = {0, 0};
    int sig;
    printf("sigtimedwait:");
    while ((sig = sigtimedwait(&m, NULL, &zero)) > 0) {
        printf(" %s%d", sig >= SIGRTMIN ? "RT" : "", sig >= SIGRTMIN ? sig - SIGRTMIN : sig);
    }
    printf("\n");
    return 0;
}

/* Signal gaps: alternate signal stacks (sigaltstack with SS_ONSTACK/SS_DISABLE/SS_AUTODISARM,
 * ENOMEM/EINVAL/EPERM, SA_ONSTACK frames, a stack-overflow SIGSEGV handled on the alternate
 * stack), sigqueue and rt_sigqueueinfo (queued real-time signals with their values, si_code
 * checks), sigtimedwait (timeouts, EAGAIN), nanosleep interrupted with the time left, and
 * SA_RESTART on a pipe read against EINTR without it. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

#define ALT_SIZE (256 * 1024)
static char *alt;
static volatile int on_alt, flags_in_handler, set_in_handler = -1, errno_in_handler;

static int on_alt_stack(void *p) {
    return (char *)p >= alt && (char *)p < alt + ALT_SIZE;
}

static void usr1(int sig) {
    (void)sig;
    int local;
    on_alt = on_alt_stack(&local);
    stack_t o;
    sigaltstack(NULL, &o);
    flags_in_handler = o.ss_flags;
    stack_t n = {.ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0};
    set_in_handler = sigaltstack(&n, NULL);
    errno_in_handler = errno;
}

static void segv(int sig) {
    (void)sig;
    int local;
    static const char yes[] = "stack overflow caught on the alternate stack\n", no[] = "SIGSEGV handler not on the alternate stack\n";
    if (on_alt_stack(&local)) write(1, yes, sizeof yes - 1);
    else write(1, no, sizeof no - 1);
    _exit(0);
}

static int recurse(int n) {
    volatile char buf[4096];
    buf[0] = (char)n;
    return recurse(n + 1) + buf[1];
}

static void nop(int sig) { (void)sig; }

static void handle(int sig, void (*fn)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

static void alarm_in(long us) {
    struct itimerval it = {{0, 0}, {0, us}};
    setitimer(ITIMER_REAL, &it, NULL);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    alt = malloc(ALT_SIZE);
    int r;

    /* sigaltstack basics. */
    stack_t o, n;
    sigaltstack(NULL, &o);
    printf("initial: flags %d size %zu\n", o.ss_flags, o.ss_size);
    n = (stack_t){.ss_sp = alt, .ss_size = 1024, .ss_flags = 0};
    r = sigaltstack(&n, NULL);
    printf("size 1024: %d %s\n", r, strerror(errno));
    n = (stack_t){.ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 7};
    r = sigaltstack(&n, NULL);
    printf("flags 7: %d %s\n", r, strerror(errno));
    r = (int)syscall(SYS_sigaltstack, (stack_t *)8, NULL);
    printf("bad pointer: %d %s\n", r, strerror(errno));
    n = (stack_t){.ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0};
    r = sigaltstack(&n, NULL);
    sigaltstack(NULL, &o);
    printf("set: %d, reads back: sp matches %s, flags %d, size %zu\n", r, o.ss_sp == alt ? "yes" : "no", o.ss_flags, o.ss_size);

    handle(SIGUSR1, usr1, SA_ONSTACK);
    raise(SIGUSR1);
    printf("SA_ONSTACK handler: on the alternate stack %s, flags there %d, set while on it %d %s\n",
           on_alt ? "yes" : "no", flags_in_handler, set_in_handler, strerror(errno_in_handler));
    handle(SIGUSR1, usr1, 0);
    raise(SIGUSR1);
    printf("handler without SA_ONSTACK: on the alternate stack %s, flags there %d\n", on_alt ? "yes" : "no", flags_in_handler);

    n = (stack_t){.ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = SS_AUTODISARM};
    r = sigaltstack(&n, NULL);
    handle(SIGUSR1, usr1, SA_ONSTACK);
    set_in_handler = -1;
    raise(SIGUSR1);
    sigaltstack(NULL, &o);
    printf("SS_AUTODISARM: set %d, on it %s, flags in the handler %d, set in the handler %d, after return 0x%x\n",
           r, on_alt ? "yes" : "no", flags_in_handler, set_in_handler, (unsigned)o.ss_flags);
    n = (stack_t){.ss_flags = SS_DISABLE};
    sigaltstack(&n, &o);
    sigaltstack(NULL, &o);
    printf("SS_DISABLE: flags %d size %zu\n", o.ss_flags, o.ss_size);

    /* A stack overflow handled on the alternate stack. */
    pid_t child = fork();
    if (child == 0) {
        n = (stack_t){.ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0};
        sigaltstack(&n, NULL);
        handle(SIGSEGV, segv, SA_ONSTACK);
        return recurse(0);
    }
    int status;
    waitpid(child, &status, 0);
    printf("overflow child: exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status));

    /* Queued real-time signals keep their order and values; standard ones merge. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    for (int i = 1; i <= 3; i++) sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = i * 10});
    sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 1});
    sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 2});
    struct timespec zero = {0, 0};
    siginfo_t si;
    int got;
    while ((got = sigtimedwait(&set, &si, &zero)) > 0) {
        printf("sigtimedwait: %s code %s value %d pid matches %s\n", got == SIGUSR2 ? "SIGUSR2" : "SIGRTMIN",
               si.si_code == SI_QUEUE ? "SI_QUEUE" : "other", si.si_value.sival_int, si.si_pid == getpid() ? "yes" : "no");
    }
    printf("nothing pending: %d %s\n", got, strerror(errno));
    struct timespec ten_ms = {0, 10000000};
    got = sigtimedwait(&set, &si, &ten_ms);
    printf("10 ms timeout: %d %s\n", got, strerror(errno));
    ten_ms.tv_nsec = 1000000000L;
    got = sigtimedwait(&set, &si, &ten_ms);
    printf("bad timeout: %d %s\n", got, strerror(errno));

    /* rt_sigqueueinfo's si_code rules. */
    child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    memset(&si, 0, sizeof si);
    si.si_code = SI_USER;
    long lr = syscall(SYS_rt_sigqueueinfo, child, SIGUSR2, &si);
    printf("SI_USER to another process: %ld %s\n", lr, strerror(errno));
    si.si_code = SI_TKILL;
    lr = syscall(SYS_rt_sigqueueinfo, child, SIGUSR2, &si);
    printf("SI_TKILL to another process: %ld %s\n", lr, strerror(errno));
    si.si_code = SI_KERNEL;
    lr = syscall(SYS_rt_sigqueueinfo, child, SIGUSR2, &si);
    printf("SI_KERNEL to another process: %ld %s\n", lr, strerror(errno));
    si.si_code = SI_USER;
    si.si_value.sival_int = 77;
    lr = syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR2, &si);
    got = sigtimedwait(&set, &si, &zero);
    printf("SI_USER to itself: %ld, received %s code %d\n", lr, got == SIGUSR2 ? "SIGUSR2" : "nothing", si.si_code);
    si.si_code = SI_QUEUE;
    lr = syscall(SYS_rt_sigqueueinfo, 0, SIGUSR2, &si);
    printf("pid 0: %ld %s\n", lr, strerror(errno));
    lr = syscall(SYS_rt_sigqueueinfo, child, 65, &si);
    printf("signal 65: %ld %s\n", lr, strerror(errno));
    lr = syscall(SYS_rt_tgsigqueueinfo, child, child, SIGTERM, &si);
    printf("rt_tgsigqueueinfo SI_QUEUE SIGTERM to the child: %ld\n", lr);
    waitpid(child, &status, 0);
    printf("child: killed by %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    lr = syscall(SYS_rt_tgsigqueueinfo, getpid(), 0, SIGUSR2, &si);
    printf("rt_tgsigqueueinfo tid 0: %ld %s\n", lr, strerror(errno));

    /* nanosleep cut short by a handled signal: EINTR and the time left. */
    handle(SIGALRM, nop, 0);
    alarm_in(20000);
    struct timespec req = {1, 0}, rem = {0, 0};
    r = nanosleep(&req, &rem);
    long left = rem.tv_sec * 1000000000L + rem.tv_nsec;
    printf("nanosleep interrupted: %d %s, time left in (0.9 s, 1 s): %s\n", r, strerror(errno),
           left > 900000000L && left < 1000000000L ? "yes" : "no");

    /* SA_RESTART: a pipe read is restarted; without it, EINTR. */
    int fds[2];
    pipe(fds);
    child = fork();
    if (child == 0) {
        struct timespec t = {0, 50000000};
        nanosleep(&t, NULL);
        write(fds[1], "x", 1);
        _exit(0);
    }
    handle(SIGALRM, nop, SA_RESTART);
    alarm_in(10000);
    char c = 0;
    ssize_t got_bytes = read(fds[0], &c, 1);
    printf("read with SA_RESTART: %zd '%c'\n", got_bytes, c);
    waitpid(child, &status, 0);
    handle(SIGALRM, nop, 0);
    alarm_in(10000);
    got_bytes = read(fds[0], &c, 1);
    printf("read without SA_RESTART: %zd %s\n", got_bytes, strerror(errno));
    /* wait4 is restarted too. */
    child = fork();
    if (child == 0) {
        struct timespec t = {0, 50000000};
        nanosleep(&t, NULL);
        _exit(3);
    }
    handle(SIGALRM, nop, SA_RESTART);
    alarm_in(10000);
    pid_t w = waitpid(child, &status, 0);
    printf("waitpid with SA_RESTART: the child %s, exit %d\n", w == child ? "yes" : "no", WEXITSTATUS(status));
    return 0;
}

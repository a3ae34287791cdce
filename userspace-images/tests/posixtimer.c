/* POSIX timers: timer_create with SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID (raw syscall) and
 * glibc/musl SIGEV_THREAD (a helper thread in sigwaitinfo); CLOCK_MONOTONIC, CLOCK_REALTIME with
 * TIMER_ABSTIME, CLOCK_BOOTTIME, CLOCK_PROCESS_CPUTIME_ID; si_code/si_value/si_timerid; overrun
 * counting while the signal is blocked; timer_gettime; the errors; not inherited by fork. Prints
 * only relations that hold whatever the exact timing. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t fired;
static volatile int last_code, last_value, last_overrun, last_timerid;

static void on_timer(int sig, siginfo_t *si, void *uc) {
    (void)sig; (void)uc;
    fired++;
    last_code = si->si_code;
    last_value = si->si_value.sival_int;
    last_overrun = si->si_overrun;
    last_timerid = si->si_timerid;
}

static void arm(timer_t t, int flags, long value_ns, long interval_ns) {
    struct itimerspec its = {{interval_ns / 1000000000L, interval_ns % 1000000000L}, {value_ns / 1000000000L, value_ns % 1000000000L}};
    if (timer_settime(t, flags, &its, NULL) != 0) printf("timer_settime failed: %s\n", strerror(errno));
}

static void sleep_ns(long ns) {
    struct timespec ts = {ns / 1000000000L, ns % 1000000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) { }
}

/* The kernel's struct sigevent with the thread id, for SIGEV_THREAD_ID. */
struct ksigevent {
    union sigval value;
    int signo;
    int notify;
    int tid;
    int pad[11];
};

static volatile int thread_calls;
static void thread_cb(union sigval v) {
    thread_calls += v.sival_int;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGRTMIN + 1, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);

    /* One-shot SIGEV_SIGNAL on CLOCK_MONOTONIC. */
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGUSR1;
    sev.sigev_value.sival_int = 42;
    timer_t t1;
    if (timer_create(CLOCK_MONOTONIC, &sev, &t1) != 0) printf("timer_create failed: %s\n", strerror(errno));
    arm(t1, 0, 20000000, 0);
    while (!fired) pause();
    printf("one-shot: si_code is SI_TIMER: %s, si_value %d, si_overrun %d, si_timerid matches: %s\n",
           last_code == SI_TIMER ? "yes" : "no", last_value, last_overrun,
           last_timerid == (int)(intptr_t)t1 ? "yes" : "no");
    struct itimerspec cur;
    timer_gettime(t1, &cur);
    printf("after expiry: value %ld.%09ld interval %ld.%09ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec,
           (long)cur.it_interval.tv_sec, cur.it_interval.tv_nsec);

    /* timer_gettime of an armed periodic timer. */
    arm(t1, 0, 1000000000L, 500000000L);
    timer_gettime(t1, &cur);
    long rem = cur.it_value.tv_sec * 1000000000L + cur.it_value.tv_nsec;
    printf("armed: value in (0.9 s, 1 s]: %s, interval %ld.%09ld\n", rem > 900000000L && rem <= 1000000000L ? "yes" : "no",
           (long)cur.it_interval.tv_sec, cur.it_interval.tv_nsec);
    struct itimerspec zero = {{0, 0}, {0, 0}}, old;
    timer_settime(t1, 0, &zero, &old);
    rem = old.it_value.tv_sec * 1000000000L + old.it_value.tv_nsec;
    printf("disarm returns the old value: %s\n", rem > 900000000L && rem <= 1000000000L ? "yes" : "no");
    timer_gettime(t1, &cur);
    printf("disarmed: value %ld.%09ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);

    /* Overruns: a 1 ms periodic timer whose signal stays blocked for 20 ms. */
    sigset_t block, prev;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &prev);
    fired = 0;
    arm(t1, 0, 1000000, 1000000);
    sleep_ns(20000000);
    sigprocmask(SIG_SETMASK, &prev, NULL);
    int ov = timer_getoverrun(t1);
    arm(t1, 0, 0, 0);
    printf("blocked periodic timer: one signal %s, si_overrun >= 10: %s, timer_getoverrun agrees: %s\n",
           fired == 1 ? "yes" : "no", last_overrun >= 10 ? "yes" : "no", ov == last_overrun ? "yes" : "no");
    printf("timer_getoverrun after timer_settime: %d\n", timer_getoverrun(t1));

    /* Periodic delivery. */
    fired = 0;
    arm(t1, 0, 2000000, 2000000);
    while (fired < 3) pause();
    arm(t1, 0, 0, 0);
    printf("periodic: 3 signals delivered\n");
    timer_delete(t1);

    /* TIMER_ABSTIME on CLOCK_REALTIME; the NULL sigevent (raw: the C libraries pass their own)
     * means SIGALRM with the timer id as value. */
    int kid2 = -1;
    syscall(SYS_timer_create, CLOCK_REALTIME, NULL, &kid2);
    timer_t t2 = (timer_t)(intptr_t)kid2;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long abs_ns = now.tv_nsec + 15000000;
    struct itimerspec at = {{0, 0}, {now.tv_sec + abs_ns / 1000000000L, abs_ns % 1000000000L}};
    fired = 0;
    syscall(SYS_timer_settime, kid2, TIMER_ABSTIME, &at, NULL);
    while (!fired) pause();
    printf("CLOCK_REALTIME absolute with NULL sigevent: SIGALRM value is the id: %s\n",
           last_value == kid2 ? "yes" : "no");
    /* An absolute time already past fires at once. */
    fired = 0;
    at.it_value.tv_sec = 1;
    syscall(SYS_timer_settime, kid2, TIMER_ABSTIME, &at, NULL);
    while (!fired) pause();
    printf("absolute time in the past fires at once\n");
    syscall(SYS_timer_delete, kid2);
    (void)t2;

    /* SIGEV_NONE: no signal, but the time counts down. */
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_NONE;
    timer_t t3;
    timer_create(CLOCK_BOOTTIME, &sev, &t3);
    arm(t3, 0, 5000000, 0);
    timer_gettime(t3, &cur);
    printf("SIGEV_NONE armed: value > 0: %s\n", cur.it_value.tv_nsec > 0 ? "yes" : "no");
    fired = 0;
    sleep_ns(10000000);
    timer_gettime(t3, &cur);
    printf("SIGEV_NONE expired: value %ld.%09ld, signals %d\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec, (int)fired);
    timer_delete(t3);

    /* SIGEV_THREAD_ID through the raw syscall. */
    struct ksigevent ks;
    memset(&ks, 0, sizeof ks);
    ks.notify = SIGEV_SIGNAL | 4 /* SIGEV_THREAD_ID */;
    ks.signo = SIGRTMIN + 1;
    ks.value.sival_int = 7;
    ks.tid = (int)syscall(SYS_gettid);
    int kid = -1;
    long r = syscall(SYS_timer_create, CLOCK_MONOTONIC, &ks, &kid);
    struct itimerspec soon = {{0, 0}, {0, 3000000}};
    syscall(SYS_timer_settime, kid, 0, &soon, NULL);
    fired = 0;
    while (!fired) pause();
    printf("SIGEV_THREAD_ID: created %ld, signal value %d\n", r, last_value);
    syscall(SYS_timer_delete, kid);
    ks.tid = 999999;
    r = syscall(SYS_timer_create, CLOCK_MONOTONIC, &ks, &kid);
    printf("SIGEV_THREAD_ID to a thread not in the process: %ld %s\n", r, strerror(errno));

    /* CLOCK_PROCESS_CPUTIME_ID: fires after the process used 5 ms of CPU. */
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGUSR1;
    sev.sigev_value.sival_int = 3;
    timer_t t4;
    timer_create(CLOCK_PROCESS_CPUTIME_ID, &sev, &t4);
    fired = 0;
    arm(t4, 0, 5000000, 0);
    while (!fired) { }
    printf("CLOCK_PROCESS_CPUTIME_ID timer fired, value %d\n", last_value);
    timer_delete(t4);

    /* SIGEV_THREAD: the C library runs the callback on a helper thread. */
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD;
    sev.sigev_notify_function = thread_cb;
    sev.sigev_value.sival_int = 1;
    timer_t t5;
    if (timer_create(CLOCK_MONOTONIC, &sev, &t5) != 0) printf("SIGEV_THREAD timer_create: %s\n", strerror(errno));
    arm(t5, 0, 2000000, 2000000);
    while (thread_calls < 2) sleep_ns(1000000);
    arm(t5, 0, 0, 0);
    printf("SIGEV_THREAD: callback ran at least twice\n");
    timer_delete(t5);

    /* Errors. */
    timer_t bad;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGUSR1;
    int rc = timer_create(CLOCK_MONOTONIC_RAW, &sev, &bad);
    printf("CLOCK_MONOTONIC_RAW: %d %s\n", rc, strerror(errno));
    rc = timer_create(CLOCK_REALTIME_COARSE, &sev, &bad);
    printf("CLOCK_REALTIME_COARSE: %d %s\n", rc, strerror(errno));
    rc = timer_create(100, &sev, &bad);
    printf("clock 100: %d %s\n", rc, strerror(errno));
    sev.sigev_signo = 0;
    rc = timer_create(CLOCK_MONOTONIC, &sev, &bad);
    printf("signal 0: %d %s\n", rc, strerror(errno));
    sev.sigev_signo = 65;
    rc = timer_create(CLOCK_MONOTONIC, &sev, &bad);
    printf("signal 65: %d %s\n", rc, strerror(errno));
    sev.sigev_signo = SIGUSR1;
    sev.sigev_notify = 3;
    rc = timer_create(CLOCK_MONOTONIC, &sev, &bad);
    printf("sigev_notify 3: %d %s\n", rc, strerror(errno));
    r = syscall(SYS_timer_create, CLOCK_MONOTONIC, (void *)8, &kid);
    printf("bad sigevent pointer: %ld %s\n", r, strerror(errno));
    r = syscall(SYS_timer_settime, 12345, 0, &soon, NULL);
    printf("settime of no timer: %ld %s\n", r, strerror(errno));
    r = syscall(SYS_timer_gettime, 12345, &cur);
    printf("gettime of no timer: %ld %s\n", r, strerror(errno));
    r = syscall(SYS_timer_getoverrun, 12345);
    printf("getoverrun of no timer: %ld %s\n", r, strerror(errno));
    r = syscall(SYS_timer_delete, 12345);
    printf("delete of no timer: %ld %s\n", r, strerror(errno));
    sev.sigev_notify = SIGEV_SIGNAL;
    timer_t t6;
    timer_create(CLOCK_MONOTONIC, &sev, &t6);
    int id6 = (int)(intptr_t)t6;
    struct itimerspec badts = {{0, 0}, {0, 1000000000L}};
    r = syscall(SYS_timer_settime, id6, 0, &badts, NULL);
    printf("tv_nsec 1000000000: %ld %s\n", r, strerror(errno));
    r = syscall(SYS_timer_settime, id6, 0, NULL, NULL);
    printf("NULL new value: %ld %s\n", r, strerror(errno));
    r = syscall(SYS_timer_settime, id6, 0, (void *)8, NULL);
    printf("bad new value pointer: %ld %s\n", r, strerror(errno));

    /* Not inherited by fork. */
    pid_t child = fork();
    if (child == 0) {
        r = syscall(SYS_timer_gettime, id6, &cur);
        printf("child after fork: timer_gettime %ld %s\n", r, strerror(errno));
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    r = syscall(SYS_timer_delete, id6);
    long r2 = syscall(SYS_timer_delete, id6);
    printf("delete: %ld, again: %ld %s\n", r, r2, strerror(errno));
    return 0;
}

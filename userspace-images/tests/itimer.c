/* Interval timers: alarm, setitimer/getitimer for ITIMER_REAL (SIGALRM on the clock),
 * ITIMER_VIRTUAL and ITIMER_PROF (SIGVTALRM/SIGPROF on the process's CPU time), periodic
 * timers, the errors Linux gives, no inheritance by fork, and survival across execve.
 * Prints only what does not depend on exact timing, so native and emu runs print the same. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t alrm, vtalrm, prof;

static void on_signal(int sig) {
    if (sig == SIGALRM) alrm++;
    if (sig == SIGVTALRM) vtalrm++;
    if (sig == SIGPROF) prof++;
}

static void install(int sig) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(sig, &sa, NULL);
}

static void set(int which, long value_us, long interval_us) {
    struct itimerval it = {{interval_us / 1000000, interval_us % 1000000}, {value_us / 1000000, value_us % 1000000}};
    if (setitimer(which, &it, NULL) != 0) {
        printf("setitimer(%d) failed: %s\n", which, strerror(errno));
    }
}

static long remaining_us(int which) {
    struct itimerval it;
    getitimer(which, &it);
    return it.it_value.tv_sec * 1000000L + it.it_value.tv_usec;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "after-exec") == 0) {
        long rem = remaining_us(ITIMER_REAL);
        printf("after execve: ITIMER_REAL still armed: %s\n", rem > 0 && rem <= 100000000L ? "yes" : "no");
        return 0;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    install(SIGALRM);
    install(SIGVTALRM);
    install(SIGPROF);

    printf("alarm(0) with nothing armed: %u\n", alarm(0));
    alarm(5);
    printf("alarm(0) after alarm(5): %u\n", alarm(0));

    set(ITIMER_REAL, 20000, 0);
    while (!alrm) pause();
    printf("one-shot ITIMER_REAL: SIGALRM %d\n", (int)alrm);
    printf("after expiry: remaining %ld\n", remaining_us(ITIMER_REAL));

    alrm = 0;
    set(ITIMER_REAL, 5000, 5000);
    while (alrm < 3) pause();
    set(ITIMER_REAL, 0, 0);
    printf("periodic ITIMER_REAL: at least 3 signals: %s\n", alrm >= 3 ? "yes" : "no");

    struct itimerval it = {{2, 500000}, {7, 0}}, old;
    setitimer(ITIMER_REAL, &it, NULL);
    setitimer(ITIMER_REAL, NULL, &old);
    long rem = old.it_value.tv_sec * 1000000L + old.it_value.tv_usec;
    printf("old value in (6.9 s, 7 s]: %s, old interval %ld.%06ld\n", rem > 6900000 && rem <= 7000000 ? "yes" : "no",
           (long)old.it_interval.tv_sec, (long)old.it_interval.tv_usec);
    printf("NULL new value disarmed it: remaining %ld\n", remaining_us(ITIMER_REAL));

    set(ITIMER_VIRTUAL, 10000, 0);
    while (!vtalrm) { }
    printf("ITIMER_VIRTUAL fired on CPU time: SIGVTALRM %d\n", (int)vtalrm);
    set(ITIMER_PROF, 10000, 10000);
    while (prof < 2) { }
    set(ITIMER_PROF, 0, 0);
    printf("periodic ITIMER_PROF: at least 2 SIGPROF: %s\n", prof >= 2 ? "yes" : "no");

    set(ITIMER_VIRTUAL, 3000000, 0);
    rem = remaining_us(ITIMER_VIRTUAL);
    /* Linux samples CPU time at tick granularity here: the value may read a tick above 3 s. */
    printf("ITIMER_VIRTUAL reads back in (2.9 s, 3.1 s]: %s\n", rem > 2900000 && rem <= 3100000 ? "yes" : "no");
    set(ITIMER_VIRTUAL, 0, 0);

    struct itimerval bad = {{0, 0}, {0, 1000000}};
    int r;
    r = setitimer(3, &it, NULL);
    printf("setitimer(3): %d %s\n", r, strerror(errno));
    r = setitimer(ITIMER_REAL, &bad, NULL);
    printf("setitimer with tv_usec 1000000: %d %s\n", r, strerror(errno));
    r = setitimer(ITIMER_REAL, (struct itimerval *)8, NULL);
    printf("setitimer(bad pointer): %d %s\n", r, strerror(errno));
    r = getitimer(-1, &old);
    printf("getitimer(-1): %d %s\n", r, strerror(errno));
    r = getitimer(ITIMER_REAL, (struct itimerval *)8);
    printf("getitimer(bad pointer): %d %s\n", r, strerror(errno));

    set(ITIMER_REAL, 10000000, 0);
    pid_t child = fork();
    if (child == 0) {
        printf("child after fork: ITIMER_REAL remaining %ld\n", remaining_us(ITIMER_REAL));
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);

    child = fork();
    if (child == 0) {
        set(ITIMER_REAL, 100000000L, 0);
        execl("/proc/self/exe", argv[0], "after-exec", (char *)NULL);
        printf("execl failed: %s\n", strerror(errno));
        _exit(1);
    }
    waitpid(child, &status, 0);
    set(ITIMER_REAL, 0, 0);

    /* An unhandled SIGALRM ends the process with it. */
    child = fork();
    if (child == 0) {
        signal(SIGALRM, SIG_DFL);
        alarm(1);
        for (;;) pause();
    }
    waitpid(child, &status, 0);
    printf("child with alarm(1) and no handler: killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return 0;
}

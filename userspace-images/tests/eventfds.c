/* eventfd, timerfd and signalfd, alone and driving an epoll loop (issue 14). Deterministic
 * natively and under emu: timer expirations are counted over whole intervals with generous
 * margins, and only counts that cannot vary are printed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e) {
    switch (e) {
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case EFAULT: return "EFAULT";
    case EAGAIN: return "EAGAIN";
    default: return "E?";
    }
}

static void check(const char *what, long r) {
    if (r < 0) printf("%s = -1 %s\n", what, errname(errno));
    else printf("%s = %ld\n", what, r);
}

static void test_eventfd(void) {
    printf("-- eventfd\n");
    int e = eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC);
    printf("cloexec %d nonblock %d\n", fcntl(e, F_GETFD), (fcntl(e, F_GETFL) & O_NONBLOCK) != 0);
    uint64_t v = 0;
    check("read", read(e, &v, 8));
    printf("value %llu\n", (unsigned long long) v);
    check("read empty", read(e, &v, 8));
    check("read 4 bytes", read(e, &v, 4));
    v = 5;
    check("write 5", write(e, &v, 8));
    v = 7;
    check("write 7", write(e, &v, 8));
    uint64_t two[2] = {0, 0};
    check("read 16 bytes", read(e, two, 16));
    printf("value %llu\n", (unsigned long long) two[0]);
    two[0] = 1;
    two[1] = 100;
    check("write 16 bytes", write(e, two, 16));
    check("read", read(e, two, 8));
    printf("value %llu\n", (unsigned long long) two[0]);
    v = UINT64_MAX;
    check("write ULLONG_MAX", write(e, &v, 8));
    v = UINT64_MAX - 1;
    check("write ULLONG_MAX-1", write(e, &v, 8));
    struct pollfd p = {e, POLLIN | POLLOUT, 0};
    poll(&p, 1, 0);
    printf("full: IN %d OUT %d\n", !!(p.revents & POLLIN), !!(p.revents & POLLOUT));
    v = 1;
    check("write 1 more", write(e, &v, 8));
    check("write 4 bytes", write(e, &v, 4));
    read(e, &v, 8);
    close(e);

    int s = eventfd(0, EFD_SEMAPHORE | EFD_NONBLOCK);
    v = 3;
    write(s, &v, 8);
    for (int i = 0; i < 4; i++) {
        v = 0;
        long r = read(s, &v, 8);
        printf("semaphore read %ld value %llu\n", r, (unsigned long long) v);
    }
    close(s);
    check("eventfd2(bad flags)", syscall(SYS_eventfd2, 0, 0x10));

    /* A blocking read woken by a child's write. */
    int b = eventfd(0, 0);
    pid_t c = fork();
    if (c == 0) {
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
        uint64_t one = 42;
        write(b, &one, 8);
        _exit(0);
    }
    v = 0;
    check("blocking read", read(b, &v, 8));
    printf("value %llu\n", (unsigned long long) v);
    waitpid(c, NULL, 0);
    close(b);
}

static void test_timerfd(void) {
    printf("-- timerfd\n");
    check("timerfd_create(clock 99)", timerfd_create(99, 0));
    check("timerfd_create(bad flags)", timerfd_create(CLOCK_MONOTONIC, 1));
    int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    uint64_t n;
    check("read disarmed", read(t, &n, 8));
    struct itimerspec its = {{0, 0}, {0, 30000000}}, old;
    check("settime 30ms one-shot", timerfd_settime(t, 0, &its, NULL));
    timerfd_gettime(t, &old);
    printf("armed: value in (0,30ms] %d interval %ld\n", old.it_value.tv_sec == 0 && old.it_value.tv_nsec > 0 &&
           old.it_value.tv_nsec <= 30000000, old.it_interval.tv_nsec);
    struct pollfd p = {t, POLLIN, 0};
    check("poll until it fires", poll(&p, 1, 1000));
    check("read", read(t, &n, 8));
    printf("expirations %llu\n", (unsigned long long) n);
    timerfd_gettime(t, &old);
    printf("after: value %ld.%09ld\n", (long) old.it_value.tv_sec, old.it_value.tv_nsec);
    check("read 4 bytes", read(t, &n, 4));
    its.it_value.tv_nsec = 1000000000;
    check("settime(tv_nsec 1e9)", timerfd_settime(t, 0, &its, NULL));
    its.it_value.tv_nsec = 1000;
    check("settime(bad flags)", timerfd_settime(t, 4, &its, NULL));
    check("settime on a non-timerfd", timerfd_settime(0, 0, &its, NULL));
    check("settime bad fd", timerfd_settime(99, 0, &its, NULL));

    /* An absolute CLOCK_REALTIME time in the past fires at once. */
    int rt = timerfd_create(CLOCK_REALTIME, 0);
    struct itimerspec abs = {{0, 0}, {1, 0}};
    check("settime absolute past", timerfd_settime(rt, TFD_TIMER_ABSTIME, &abs, NULL));
    check("blocking read", read(rt, &n, 8));
    printf("expirations %llu\n", (unsigned long long) n);
    close(rt);

    /* Blocking read of a periodic timer: 50ms then every 50ms; after 175ms there were 3. */
    int per = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec pi = {{0, 50000000}, {0, 50000000}};
    timerfd_settime(per, 0, &pi, NULL);
    check("first blocking read", read(per, &n, 8));
    printf("expirations %llu\n", (unsigned long long) n);
    struct timespec ts = {0, 125000000};
    nanosleep(&ts, NULL);
    check("read after 125ms more", read(per, &n, 8));
    printf("expirations %llu\n", (unsigned long long) n);
    struct itimerspec off = {{0, 0}, {0, 0}};
    timerfd_settime(per, 0, &off, &old);
    printf("disarmed; old interval %ld\n", old.it_interval.tv_nsec);
    close(per);
    close(t);
}

static void test_epoll_loop(void) {
    printf("-- event loop\n");
    int ep = epoll_create1(0);
    int ev = eventfd(0, EFD_NONBLOCK);
    int tm = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct epoll_event e = {EPOLLIN, {.u64 = 1}};
    epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e);
    e.data.u64 = 2;
    epoll_ctl(ep, EPOLL_CTL_ADD, tm, &e);
    struct itimerspec its = {{0, 40000000}, {0, 40000000}};
    timerfd_settime(tm, 0, &its, NULL);
    pid_t c = fork();
    if (c == 0) {
        struct timespec ts = {0, 100000000};
        nanosleep(&ts, NULL);
        uint64_t one = 1;
        write(ev, &one, 8);
        _exit(0);
    }
    /* Timer ticks at 40 and 80ms come before the eventfd at 100ms; stop at the eventfd. */
    int timer_events = 0;
    for (;;) {
        struct epoll_event out[4];
        int n = epoll_wait(ep, out, 4, 5000);
        if (n <= 0) {
            printf("epoll_wait %d\n", n);
            break;
        }
        int done = 0;
        for (int i = 0; i < n; i++) {
            uint64_t v;
            read(out[i].data.u64 == 1 ? ev : tm, &v, 8);
            if (out[i].data.u64 == 2) timer_events++;
            else done = 1;
        }
        if (done) break;
    }
    printf("eventfd seen after %d timer wake-ups\n", timer_events >= 2 ? 2 : timer_events);
    waitpid(c, NULL, 0);
    close(tm);
    close(ev);
    close(ep);
}

static void test_signalfd(void) {
    printf("-- signalfd\n");
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    sigaddset(&m, SIGUSR2);
    sigprocmask(SIG_BLOCK, &m, NULL);
    int s = signalfd(-1, &m, SFD_NONBLOCK);
    struct signalfd_siginfo si;
    check("read nothing pending", read(s, &si, sizeof si));
    check("read 64 bytes", read(s, &si, 64));
    kill(getpid(), SIGUSR2);
    kill(getpid(), SIGUSR1);
    struct pollfd p = {s, POLLIN, 0};
    check("poll", poll(&p, 1, 0));
    struct signalfd_siginfo sis[2];
    long r = read(s, sis, sizeof sis);
    printf("read %ld: signo %u code %d pid-ok %d, signo %u code %d\n", r, sis[0].ssi_signo, sis[0].ssi_code,
           sis[0].ssi_pid == (uint32_t) getpid(), sis[1].ssi_signo, sis[1].ssi_code);
    check("signalfd(bad size)", signalfd(-1, &m, 4));
    check("signalfd4(bad flags)", syscall(SYS_signalfd4, -1, &m, 8, 1));
    check("signalfd(on a pipe fd 0)", signalfd(0, &m, 0));
    sigset_t only2;
    sigemptyset(&only2);
    sigaddset(&only2, SIGUSR2);
    check("signalfd(update mask)", signalfd(s, &only2, 0) == s);
    raise(SIGUSR1);
    check("read with SIGUSR1 pending but not in mask", read(s, &si, sizeof si));
    sigset_t pend;
    sigpending(&pend);
    printf("SIGUSR1 still pending %d\n", sigismember(&pend, SIGUSR1));
    signalfd(s, &m, 0);
    read(s, &si, sizeof si);

    /* In an epoll loop, woken by a child's kill. */
    int ep = epoll_create1(0);
    struct epoll_event e = {EPOLLIN, {.u64 = 9}};
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
    pid_t parent = getpid();
    pid_t c = fork();
    if (c == 0) {
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
        kill(parent, SIGUSR2);
        _exit(0);
    }
    struct epoll_event out;
    check("epoll_wait woken by a signal", epoll_wait(ep, &out, 1, 5000));
    r = read(s, &si, sizeof si);
    printf("read %ld signo %u from the child %d\n", r, si.ssi_signo, si.ssi_pid == (uint32_t) c);
    waitpid(c, NULL, 0);
    close(ep);
    close(s);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    test_eventfd();
    test_timerfd();
    test_epoll_loop();
    test_signalfd();
    return 0;
}

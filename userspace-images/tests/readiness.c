/* poll, select and epoll over pipes (issue 14): readiness bits as fs/pipe.c reports them,
 * timeouts, remaining time, signal masks, edge vs level triggering, one-shot, nesting, the
 * interest list keyed by (file, fd) and the errno of bad requests. Deterministic natively and
 * under emu: every wait either times out with nothing ready or is woken by a child's write. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* musl has no strerrorname_np: the names this program can meet. */
static const char *errname(int e) {
    switch (e) {
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case EFAULT: return "EFAULT";
    case EPERM: return "EPERM";
    case EEXIST: return "EEXIST";
    case ENOENT: return "ENOENT";
    case ELOOP: return "ELOOP";
    case EINTR: return "EINTR";
    case EAGAIN: return "EAGAIN";
    case EPIPE: return "EPIPE";
    case EBUSY: return "EBUSY";
    case EOVERFLOW: return "EOVERFLOW";
    case ECANCELED: return "ECANCELED";
    default: return "E?";
    }
}
#define strerrorname_np errname

static void check(const char *what, long r) {
    if (r < 0) printf("%s = -1 %s\n", what, strerrorname_np(errno));
    else printf("%s = %ld\n", what, r);
}

static const char *bits(int e) {
    static char b[128];
    b[0] = 0;
    if (e & POLLIN) strcat(b, "IN ");
    if (e & POLLRDNORM) strcat(b, "RDNORM ");
    if (e & POLLOUT) strcat(b, "OUT ");
    if (e & POLLWRNORM) strcat(b, "WRNORM ");
    if (e & POLLERR) strcat(b, "ERR ");
    if (e & POLLHUP) strcat(b, "HUP ");
    if (e & POLLNVAL) strcat(b, "NVAL ");
    if (!b[0]) strcpy(b, "- ");
    return b;
}

static int poll1(int fd, short events, int timeout) {
    struct pollfd p = {fd, events, 0};
    int r = poll(&p, 1, timeout);
    if (r < 0) return -1000 - errno;
    return p.revents;
}

/* A child that sleeps, then writes one byte to fd and exits. */
static pid_t later_write(int fd, int ms) {
    pid_t c = fork();
    if (c == 0) {
        struct timespec ts = {0, ms * 1000000L};
        nanosleep(&ts, NULL);
        if (write(fd, "x", 1) != 1) _exit(1);
        _exit(0);
    }
    return c;
}

static void reap(pid_t c) {
    int st;
    waitpid(c, &st, 0);
}

static void test_poll(void) {
    printf("-- poll\n");
    int p[2];
    pipe(p);
    printf("empty read end: %s\n", bits(poll1(p[0], POLLIN | POLLOUT, 0)));
    printf("empty write end: %s\n", bits(poll1(p[1], POLLIN | POLLOUT, 0)));
    write(p[1], "abc", 3);
    printf("read end with data: %s\n", bits(poll1(p[0], POLLIN | POLLRDNORM, 0)));
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    char buf[4096];
    memset(buf, 'y', sizeof buf);
    long total = 3;
    for (;;) {
        ssize_t n = write(p[1], buf, sizeof buf);
        if (n < 0) break;
        total += n;
    }
    printf("filled with %ld bytes, then %s\n", total, strerrorname_np(errno));
    printf("full write end: %s\n", bits(poll1(p[1], POLLOUT, 0)));
    read(p[0], buf, 4096);
    printf("one page read, write end: %s\n", bits(poll1(p[1], POLLOUT, 0)));
    close(p[1]);
    printf("writer gone, data left: %s\n", bits(poll1(p[0], POLLIN, 0)));
    while (read(p[0], buf, sizeof buf) > 0) {}
    printf("writer gone, drained: %s\n", bits(poll1(p[0], POLLIN, 0)));
    close(p[0]);

    pipe(p);
    close(p[0]);
    printf("reader gone, write end: %s\n", bits(poll1(p[1], POLLOUT, 0)));
    close(p[1]);

    struct pollfd fds[3] = {{999, POLLIN, 0x55}, {-1, POLLIN, 0x55}, {0, 0, 0}};
    pipe(p);
    fds[2].fd = p[0];
    fds[2].events = POLLIN;
    check("poll(bad fd, -1, empty pipe)", poll(fds, 3, 0));
    printf("revents %s| ", bits(fds[0].revents));
    printf("%s| ", bits(fds[1].revents));
    printf("%s\n", bits(fds[2].revents));
    check("poll timeout 30ms", poll(&fds[2], 1, 30));
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    check("poll(nfds > RLIMIT_NOFILE)", poll(fds, rl.rlim_cur + 1, 0));
    check("poll(bad address)", syscall(SYS_poll, 8L, 1, 0));

    pid_t c = later_write(p[1], 20);
    int r = poll(&fds[2], 1, -1);
    printf("poll woken by a child's write: %d %s\n", r, bits(fds[2].revents));
    reap(c);

    struct timespec ts = {0, 20000000};
    read(p[0], buf, 1);
    check("ppoll timeout 20ms", ppoll(&fds[2], 1, &ts, NULL));
    printf("ppoll left %ld.%09ld\n", (long) ts.tv_sec, ts.tv_nsec);
    ts.tv_sec = 0;
    ts.tv_nsec = 20000000;
    check("raw ppoll timeout 20ms", syscall(SYS_ppoll, &fds[2], 1, &ts, NULL, 8));
    printf("raw ppoll left %ld.%09ld\n", (long) ts.tv_sec, ts.tv_nsec);
    ts.tv_sec = 0;
    ts.tv_nsec = 0;
    check("raw ppoll timeout 0", syscall(SYS_ppoll, &fds[2], 1, &ts, NULL, 8));
    ts.tv_nsec = 1000000000;
    check("ppoll(tv_nsec 1e9)", ppoll(&fds[2], 1, &ts, NULL));
    close(p[0]);
    close(p[1]);
}

static void test_select(void) {
    printf("-- select\n");
    int p[2];
    pipe(p);
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    struct timeval tv = {0, 0};
    int n = select(p[1] + 1, &r, &w, NULL, &tv);
    printf("select empty pipe: %d read=%d write=%d\n", n, FD_ISSET(p[0], &r), FD_ISSET(p[1], &w));
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv.tv_sec = 0;
    tv.tv_usec = 30000;
    n = select(p[0] + 1, &r, NULL, NULL, &tv);
    printf("select timeout: %d read=%d left %ld.%06ld\n", n, FD_ISSET(p[0], &r), (long) tv.tv_sec, (long) tv.tv_usec);
    pid_t c = later_write(p[1], 20);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv.tv_sec = 5;
    tv.tv_usec = 0;
    n = select(p[0] + 1, &r, NULL, NULL, &tv);
    printf("select woken: %d read=%d time left in (0,5s): %d\n", n, FD_ISSET(p[0], &r),
           tv.tv_sec < 5 && (tv.tv_sec > 0 || tv.tv_usec > 0));
    reap(c);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    FD_SET(p[1], &r);
    w = r;
    n = select(p[1] + 1, &r, &w, NULL, NULL);
    printf("select the same fds for read and write: %d read=%d,%d write=%d,%d\n", n, FD_ISSET(p[0], &r),
           FD_ISSET(p[1], &r), FD_ISSET(p[0], &w), FD_ISSET(p[1], &w));
    FD_ZERO(&r);
    FD_SET(40, &r);
    check("select(closed fd 40)", select(41, &r, NULL, NULL, NULL));
    check("select(n = -1)", select(-1, NULL, NULL, NULL, NULL));
    tv.tv_sec = 0;
    tv.tv_usec = -1;
    check("select(tv_usec -1)", select(0, NULL, NULL, NULL, &tv));
    tv.tv_sec = 0;
    tv.tv_usec = 1500000;
    FD_ZERO(&r);
    FD_SET(p[1], &r);
    check("raw select(tv_usec 1500000) on a writable fd", syscall(SYS_select, p[1] + 1, NULL, &r, NULL, &tv));
    printf("raw select left more than 1s: %d\n", tv.tv_sec == 1 && tv.tv_usec > 0);
    FD_ZERO(&r);
    char b;
    read(p[0], &b, 1);
    FD_SET(p[0], &r);
    struct timespec ts = {0, 10000000};
    check("pselect timeout 10ms", pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL));
    ts.tv_sec = 0;
    ts.tv_nsec = 10000000;
    FD_SET(p[0], &r);
    check("raw pselect6 timeout 10ms", syscall(SYS_pselect6, p[0] + 1, &r, NULL, NULL, &ts, NULL));
    printf("raw pselect6 left %ld.%09ld\n", (long) ts.tv_sec, ts.tv_nsec);
    ts.tv_nsec = -1;
    check("pselect(tv_nsec -1)", pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL));
    close(p[0]);
    close(p[1]);
}

static volatile sig_atomic_t got;
static void on_usr1(int sig) { got = sig; }

static void test_sigmask(void) {
    printf("-- signal masks\n");
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t block, empty, now;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &block, NULL);
    int p[2];
    pipe(p);
    struct pollfd pf = {p[0], POLLIN, 0};
    pid_t parent = getpid();
    for (int round = 0; round < 3; round++) {
        got = 0;
        pid_t c = fork();
        if (c == 0) {
            struct timespec ts = {0, 20000000};
            nanosleep(&ts, NULL);
            kill(parent, SIGUSR1);
            _exit(0);
        }
        int r;
        const char *name;
        if (round == 0) {
            name = "ppoll";
            r = ppoll(&pf, 1, NULL, &empty);
        } else if (round == 1) {
            name = "pselect";
            fd_set rs;
            FD_ZERO(&rs);
            FD_SET(p[0], &rs);
            r = pselect(p[0] + 1, &rs, NULL, NULL, NULL, &empty);
        } else {
            name = "epoll_pwait";
            int ep = epoll_create1(0);
            struct epoll_event ev = {EPOLLIN, {.u64 = 1}};
            epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
            r = epoll_pwait(ep, &ev, 1, -1, &empty);
            close(ep);
        }
        int e = errno;
        sigprocmask(SIG_BLOCK, NULL, &now);
        printf("%s with SIGUSR1 unblocked for the wait: %d %s, handler ran %d, blocked again %d\n", name, r,
               r < 0 ? strerrorname_np(e) : "", got == SIGUSR1, sigismember(&now, SIGUSR1));
        reap(c);
    }
    /* A pending signal the temporary mask unblocks interrupts at once. */
    kill(getpid(), SIGUSR1);
    got = 0;
    int r = ppoll(&pf, 1, NULL, &empty);
    printf("ppoll with SIGUSR1 pending: %d %s handler ran %d\n", r, strerrorname_np(errno), got == SIGUSR1);
    check("ppoll(sigsetsize 4)", syscall(SYS_ppoll, &pf, 1, NULL, &empty, 4));
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    close(p[0]);
    close(p[1]);
}

static int wait_events(int ep, int max, int timeout) {
    struct epoll_event ev[8];
    int n = epoll_wait(ep, ev, max, timeout);
    if (n < 0) {
        printf(" wait: -1 %s\n", strerrorname_np(errno));
        return n;
    }
    printf(" wait: %d", n);
    for (int i = 0; i < n; i++) printf(" [%llu %s]", (unsigned long long) ev[i].data.u64, bits(ev[i].events));
    printf("\n");
    return n;
}

static void test_epoll(void) {
    printf("-- epoll\n");
    int ep = epoll_create1(EPOLL_CLOEXEC);
    printf("EPOLL_CLOEXEC: FD_CLOEXEC=%d\n", fcntl(ep, F_GETFD));
    check("epoll_create(0)", epoll_create(0));
    check("epoll_create1(1)", epoll_create1(1));
    int p[2], q[2];
    pipe(p);
    pipe(q);
    struct epoll_event ev = {EPOLLIN, {.u64 = 100}};
    check("ADD pipe", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    check("ADD again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
    printf("level-triggered, empty:");
    wait_events(ep, 8, 0);
    write(p[1], "ab", 2);
    printf("level-triggered, data:");
    wait_events(ep, 8, 0);
    printf("level-triggered, again:");
    wait_events(ep, 8, 0);

    int et = epoll_create1(0);
    ev.events = EPOLLIN | EPOLLET;
    ev.data.u64 = 200;
    epoll_ctl(et, EPOLL_CTL_ADD, q[0], &ev);
    write(q[1], "a", 1);
    printf("edge-triggered, data:");
    wait_events(et, 8, 0);
    printf("edge-triggered, again:");
    wait_events(et, 8, 0);
    write(q[1], "b", 1);
    printf("edge-triggered, new data:");
    wait_events(et, 8, 0);

    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u64 = 300;
    check("MOD to one-shot", epoll_ctl(et, EPOLL_CTL_MOD, q[0], &ev));
    printf("one-shot:");
    wait_events(et, 8, 0);
    write(q[1], "c", 1);
    printf("one-shot after firing:");
    wait_events(et, 8, 0);
    ev.data.u64 = 301;
    epoll_ctl(et, EPOLL_CTL_MOD, q[0], &ev);
    printf("one-shot re-armed:");
    wait_events(et, 8, 0);

    /* Two level-triggered items, one event per call: they take turns. */
    ev.events = EPOLLIN;
    ev.data.u64 = 101;
    epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev);
    printf("maxevents 1:");
    wait_events(ep, 1, 0);
    printf("maxevents 1:");
    wait_events(ep, 1, 0);
    printf("maxevents 1:");
    wait_events(ep, 1, 0);
    ev.events = EPOLLOUT;
    ev.data.u64 = 102;
    epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev);
    printf("three ready:");
    wait_events(ep, 8, 0);
    check("DEL write end", epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
    check("DEL again", epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
    check("MOD missing", epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev));

    /* Nested: an epoll fd is pollable. */
    int outer = epoll_create1(0);
    ev.events = EPOLLIN;
    ev.data.u64 = 900;
    check("ADD epoll into epoll", epoll_ctl(outer, EPOLL_CTL_ADD, ep, &ev));
    printf("outer:");
    wait_events(outer, 8, 0);
    printf("poll(epoll fd): %s\n", bits(poll1(ep, POLLIN | POLLOUT, 0)));
    check("ADD outer into inner (loop)", epoll_ctl(ep, EPOLL_CTL_ADD, outer, &ev));
    check("ADD epoll into itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev));
    int chain[6];
    chain[0] = epoll_create1(0);
    for (int i = 1; i < 6; i++) {
        chain[i] = epoll_create1(0);
        char name[40];
        snprintf(name, sizeof name, "chain depth %d", i + 1);
        check(name, epoll_ctl(chain[i], EPOLL_CTL_ADD, chain[i - 1], &ev));
    }
    for (int i = 0; i < 6; i++) close(chain[i]);

    /* Errno paths. */
    char path[] = "/tmp/readiness-XXXXXX";
    int file = mkstemp(path);
    unlink(path);
    check("ADD regular file", epoll_ctl(ep, EPOLL_CTL_ADD, file, &ev));
    close(file);
    check("ADD /dev/null", epoll_ctl(ep, EPOLL_CTL_ADD, open("/dev/null", O_RDONLY), &ev));
    check("ADD bad fd", epoll_ctl(ep, EPOLL_CTL_ADD, 77, &ev));
    check("ctl on a pipe", epoll_ctl(p[0], EPOLL_CTL_ADD, q[0], &ev));
    check("ctl bad epfd", epoll_ctl(77, EPOLL_CTL_ADD, q[0], &ev));
    check("ctl op 9", epoll_ctl(ep, 9, q[0], &ev));
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    check("MOD EPOLLEXCLUSIVE", epoll_ctl(ep, EPOLL_CTL_MOD, q[0], &ev));
    check("ADD EPOLLEXCLUSIVE epoll", epoll_ctl(outer, EPOLL_CTL_ADD, et, &ev));
    ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
    check("ADD EPOLLEXCLUSIVE|ONESHOT", epoll_ctl(outer, EPOLL_CTL_ADD, q[0], &ev));
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    check("ADD EPOLLEXCLUSIVE", epoll_ctl(outer, EPOLL_CTL_ADD, q[0], &ev));
    check("MOD exclusive item", epoll_ctl(outer, EPOLL_CTL_MOD, q[0], &ev));
    ev.events = EPOLLIN | EPOLLWAKEUP;
    check("ADD EPOLLWAKEUP", epoll_ctl(outer, EPOLL_CTL_ADD, q[1], &ev));
    struct epoll_event out[2];
    check("wait maxevents 0", epoll_wait(ep, out, 0, 0));
    check("wait on a pipe", epoll_wait(p[0], out, 1, 0));
    check("wait bad fd", epoll_wait(77, out, 1, 0));
    check("wait bad buffer", syscall(SYS_epoll_wait, ep, 8L, 1, 0));
    check("epoll_ctl bad event", epoll_ctl(ep, EPOLL_CTL_ADD, q[1], (struct epoll_event *) 8));

    /* The interest list is keyed by (file, fd): a dup is a second item; closing the last fd of
     * a file drops its items. */
    int d = dup(q[0]);
    ev.events = EPOLLIN;
    ev.data.u64 = 500;
    int ep2 = epoll_create1(0);
    epoll_ctl(ep2, EPOLL_CTL_ADD, q[0], &ev);
    ev.data.u64 = 501;
    check("ADD dup of the same pipe", epoll_ctl(ep2, EPOLL_CTL_ADD, d, &ev));
    printf("both:");
    wait_events(ep2, 8, 0);
    close(d);
    printf("dup closed, file still open:");
    wait_events(ep2, 8, 0);
    check("DEL closed dup", epoll_ctl(ep2, EPOLL_CTL_DEL, d, NULL));
    int qr = q[0];
    close(q[0]);
    printf("last fd closed:");
    wait_events(ep2, 8, 0);
    int again[2];
    pipe(again); /* reuses the fd numbers */
    check("MOD on a reused fd number", epoll_ctl(ep2, EPOLL_CTL_MOD, qr, &ev));
    close(again[0]);
    close(again[1]);

    /* Blocking waits. */
    int r[2];
    pipe(r);
    int ep3 = epoll_create1(0);
    ev.events = EPOLLIN;
    ev.data.u64 = 7;
    epoll_ctl(ep3, EPOLL_CTL_ADD, r[0], &ev);
    printf("timeout 20ms:");
    wait_events(ep3, 8, 20);
    struct timespec ts = {0, 10000000};
    check("epoll_pwait2 10ms", syscall(SYS_epoll_pwait2, ep3, out, 2, &ts, NULL, 8));
    pid_t c = later_write(r[1], 20);
    printf("woken by a child:");
    wait_events(ep3, 8, -1);
    reap(c);
    /* The nested epoll is woken through the inner one. */
    char b;
    read(r[0], &b, 1);
    int ep4 = epoll_create1(0);
    ev.data.u64 = 8;
    epoll_ctl(ep4, EPOLL_CTL_ADD, ep3, &ev);
    c = later_write(r[1], 20);
    printf("outer woken through inner:");
    wait_events(ep4, 8, -1);
    reap(c);
    close(ep4);
    close(ep3);
    close(ep2);
    close(outer);
    close(et);
    close(ep);
}

/* The ioctls every file answers (do_vfs_ioctl), here on a pipe: FIONBIO, FIOCLEX, FIONCLEX. */
static void test_generic_ioctls(void) {
    int p[2];
    pipe(p);
    int on = 1;
    char b;
    check("ioctl(pipe, FIONBIO, 1)", ioctl(p[0], FIONBIO, &on));
    check("read of an empty non-blocking pipe", read(p[0], &b, 1));
    printf("O_NONBLOCK set: %d\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
    on = 0;
    check("ioctl(pipe, FIONBIO, 0)", ioctl(p[0], FIONBIO, &on));
    printf("O_NONBLOCK set: %d\n", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
    check("ioctl(pipe, FIONBIO, bad pointer)", ioctl(p[0], FIONBIO, (int *) 8));
    check("ioctl(pipe, FIOCLEX)", ioctl(p[1], FIOCLEX));
    check("F_GETFD after FIOCLEX", fcntl(p[1], F_GETFD));
    check("ioctl(pipe, FIONCLEX)", ioctl(p[1], FIONCLEX));
    check("F_GETFD after FIONCLEX", fcntl(p[1], F_GETFD));
    check("ioctl(closed fd, FIOCLEX)", ioctl(999, FIOCLEX));
    close(p[0]);
    close(p[1]);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    test_generic_ioctls();
    test_poll();
    test_select();
    test_sigmask();
    test_epoll();
    return 0;
}

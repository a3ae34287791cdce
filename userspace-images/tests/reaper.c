/*
 * Linux's reparenting rules (kernel/exit.c forget_original_parent, find_new_reaper,
 * reparent_leader) and prctl's PR_{SET,GET}_CHILD_SUBREAPER. The program makes itself a child
 * subreaper first, so its orphaned descendants come to it natively as under emu (where it is
 * pid 1 anyway), and the output is the same on both:
 *   1. an orphan is reparented to the nearest subreaper: getppid() names it, it waits for it
 *   2. a nested subreaper takes its own descendants' orphans, not the outer one
 *   3. a clone child with a custom exit signal (SIGUSR1) whose parent dies tells the reaper with
 *      SIGCHLD (seen pending while blocked), never SIGUSR1 ("we don't want people slaying init"), and plain wait finds it
 *   4. a zombie reparented to a reaper that ignores SIGCHLD is reaped at once: wait is ECHILD
 *   5. the flag is not inherited by fork; PR_GET_CHILD_SUBREAPER with a bad pointer is EFAULT
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#endif

static void on_signal(int sig) {
    (void)sig;
}

/* Waits (polling, as an orphan must) until the parent is no longer `old`. */
static pid_t wait_reparented(pid_t old) {
    pid_t p;
    while ((p = getppid()) == old) {
        usleep(1000);
    }
    return p;
}

static int get_flag(void) {
    int v = -1;
    if (prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&v, 0, 0, 0) != 0) {
        return -2;
    }
    return v;
}

/* 1 and 2: me -> mid (a subreaper if `nested`) -> b -> c; b exits; c reports its new parent. */
static void orphan(int nested) {
    pid_t me = getpid();
    int fds[2];
    if (pipe(fds) != 0) {
        return;
    }
    pid_t mid = fork();
    if (mid == 0) {
        if (nested) {
            prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        }
        pid_t midpid = getpid();
        pid_t b = fork();
        if (b == 0) {
            pid_t bpid = getpid();
            pid_t c = fork();
            if (c == 0) {
                pid_t np = wait_reparented(bpid);
                const char *who = np == midpid ? "the nested subreaper" : np == me ? "the outer subreaper" : "someone else";
                dprintf(fds[1], "orphan%s: reparented to %s\n", nested ? " (nested)" : "", who);
                _exit(7);
            }
            _exit(0);
        }
        int st;
        waitpid(b, &st, 0);
        if (nested) {
            pid_t w = waitpid(-1, &st, 0); /* the orphan is ours now */
            dprintf(fds[1], "nested subreaper waited for the orphan: %s, status %d\n",
                    w > 0 ? "yes" : strerror(errno), WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        }
        _exit(0);
    }
    close(fds[1]);
    int st;
    waitpid(mid, &st, 0);
    if (!nested) {
        pid_t w = waitpid(-1, &st, 0);
        printf("outer subreaper waited for the orphan: %s, status %d\n",
               w > 0 ? "yes" : strerror(errno), WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    }
    char buf[512];
    ssize_t n;
    fflush(stdout);
    while ((n = read(fds[0], buf, sizeof buf)) > 0) {
        fwrite(buf, 1, n, stdout);
    }
    close(fds[0]);
    pid_t w = waitpid(-1, &st, WNOHANG);
    printf("children left: %s\n", w < 0 && errno == ECHILD ? "none" : "some");
}

/* 3: b clones c with exit signal SIGUSR1, then exits; c's death must signal me with SIGCHLD. */
static void exit_signal_reset(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGCHLD, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    pid_t b = fork();
    if (b == 0) {
        pid_t bpid = getpid();
        long c = syscall(SYS_clone, (unsigned long)SIGUSR1, 0L, 0L, 0L, 0L);
        if (c == 0) {
            wait_reparented(bpid);
            _exit(9);
        }
        _exit(c > 0 ? 0 : 1);
    }
    int st;
    waitpid(b, &st, 0);
    pid_t w = waitpid(-1, &st, 0); /* the clone child: exit_signal is SIGCHLD now */
    printf("exit signal reset: wait found the clone child: %s, status %d\n",
           w > 0 ? "yes" : strerror(errno), WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    sigset_t pending;
    sigpending(&pending);
    printf("exit signal reset: SIGCHLD %s, SIGUSR1 %s\n", sigismember(&pending, SIGCHLD) ? "pending" : "not pending",
           sigismember(&pending, SIGUSR1) ? "pending" : "not pending");
    signal(SIGCHLD, SIG_IGN); /* discards the pending SIGCHLD */
    signal(SIGUSR1, SIG_IGN);
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGCHLD, SIG_DFL);
    signal(SIGUSR1, SIG_DFL);
}

/* 4: with SIGCHLD ignored, b's zombie child c comes to me when b exits and is reaped at once. */
static void zombie_to_ignoring_reaper(void) {
    signal(SIGCHLD, SIG_IGN);
    pid_t b = fork();
    if (b == 0) {
        signal(SIGCHLD, SIG_DFL);
        pid_t c = fork();
        if (c == 0) {
            _exit(3);
        }
        siginfo_t si;
        waitid(P_PID, c, &si, WEXITED | WNOWAIT); /* c is a zombie now */
        _exit(0);
    }
    int st;
    pid_t w = waitpid(-1, &st, 0);
    printf("zombie to a reaper ignoring SIGCHLD: wait %s\n", w < 0 ? strerror(errno) : "found a child");
    signal(SIGCHLD, SIG_DFL);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("subreaper before: %d\n", get_flag());
    printf("set: %d\n", prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
    printf("subreaper after: %d\n", get_flag());
    pid_t k = fork();
    if (k == 0) {
        printf("in a forked child: %d\n", get_flag());
        _exit(0);
    }
    waitpid(k, NULL, 0);
    errno = 0;
    int r = prctl(PR_GET_CHILD_SUBREAPER, 8UL, 0, 0, 0);
    printf("get with a bad pointer: %d %s\n", r, strerror(errno));
    orphan(0);
    orphan(1);
    exit_signal_reset();
    zombie_to_ignoring_reaper();
    printf("clear: %d\n", prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0));
    printf("subreaper now: %d\n", get_flag());
    return 0;
}

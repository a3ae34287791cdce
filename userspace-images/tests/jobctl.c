/* Process groups, sessions and job control: setpgid/getpgid/getpgrp/setsid/getsid and their
 * errors, kill(0) and kill(-pgid), SIGSTOP/SIGCONT with waitpid(WUNTRACED/WCONTINUED), waitid
 * (WSTOPPED/WCONTINUED/WNOWAIT), SIGCHLD with CLD_STOPPED/CLD_CONTINUED, signals held while
 * stopped, and SIGHUP+SIGCONT to a process group orphaned with a stopped member. Prints
 * relations between ids, never the ids. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t chld_code, chld_status, usr1;

static void on_chld(int sig, siginfo_t *si, void *uc) {
    (void)sig; (void)uc;
    chld_code = si->si_code;
    chld_status = si->si_status;
}

static void on_usr1(int sig) { (void)sig; usr1++; }
static volatile sig_atomic_t usr2;
static void on_usr2(int sig) { (void)sig; usr2 = 1; }

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) { }
}

static const char *code_name(int c) {
    switch (c) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    default: return "none";
    }
}

static pid_t spawn_pauser(void) {
    pid_t c = fork();
    if (c == 0) {
        for (;;) pause();
    }
    return c;
}

int main(int argc, char **argv) {
    if (argc > 1) { /* re-executed child: just wait to be killed */
        for (;;) pause();
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGUSR1, on_usr1);
    int status, r;

    /* Groups and sessions. */
    printf("getpgrp() == getpgid(0): %s, getsid(0) == getsid(getpid()): %s\n",
           getpgrp() == getpgid(0) ? "yes" : "no", getsid(0) == getsid(getpid()) ? "yes" : "no");
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        char line[200];
        int same = getpgrp() == getpgid(getppid()) && getsid(0) == getsid(getppid());
        int s1 = setpgid(0, 0);
        int leads = getpgrp() == getpid();
        pid_t sid = setsid(); /* a group leader cannot start a session */
        int e = errno;
        snprintf(line, sizeof line, "child: inherits group and session %s; setpgid(0,0) %d, leads its group %s; setsid as group leader %d %s\n",
                 same ? "yes" : "no", s1, leads ? "yes" : "no", (int)sid, strerror(e));
        write(p[1], line, strlen(line));
        _exit(0);
    }
    waitpid(c, &status, 0);
    char buf[512];
    ssize_t n = read(p[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    fputs(buf, stdout);

    c = fork();
    if (c == 0) {
        char line[200];
        pid_t sid = setsid();
        int ok = sid == getpid() && getsid(0) == getpid() && getpgrp() == getpid();
        int r2 = setpgid(0, 0);
        int e = errno;
        snprintf(line, sizeof line, "child: setsid makes it session and group leader %s; setpgid then %d %s\n",
                 ok ? "yes" : "no", r2, strerror(e));
        write(p[1], line, strlen(line));
        _exit(0);
    }
    waitpid(c, &status, 0);
    n = read(p[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    fputs(buf, stdout);

    c = spawn_pauser();
    r = setpgid(c, c);
    printf("parent moves child to its own group: %d, getpgid(child) == child: %s\n", r, getpgid(c) == c ? "yes" : "no");
    r = setpgid(c, -1);
    printf("setpgid(child, -1): %d %s\n", r, strerror(errno));
    r = setpgid(c, 999999);
    printf("setpgid into a group that does not exist: %d %s\n", r, strerror(errno));
    r = setpgid(999999, 0);
    printf("setpgid(no such process): %d %s\n", r, strerror(errno));
    r = getpgid(999999);
    printf("getpgid(no such process): %d %s\n", r, strerror(errno));
    r = getsid(999999);
    printf("getsid(no such process): %d %s\n", r, strerror(errno));
    pid_t d = spawn_pauser();
    r = setpgid(d, c);
    printf("second child joins the first's group: %d\n", r);
    usr1 = 0;
    r = kill(-c, SIGTERM);
    waitpid(c, &status, 0);
    int s1 = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    waitpid(d, &status, 0);
    printf("kill(-pgid, SIGTERM): %d, both killed by %d and %d\n", r, s1, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    r = kill(-999999, SIGTERM);
    printf("kill(-no group): %d %s\n", r, strerror(errno));

    /* setpgid of a child that has exec'd. */
    c = fork();
    if (c == 0) {
        execl("/proc/self/exe", argv[0], "wait", (char *)NULL);
        _exit(1);
    }
    sleep_ms(50);
    r = setpgid(c, c);
    printf("setpgid of a child after execve: %d %s\n", r, strerror(errno));
    kill(c, SIGKILL);
    waitpid(c, &status, 0);

    /* kill(0): the caller's group, the caller included. */
    usr1 = 0;
    c = fork();
    if (c == 0) {
        setpgid(0, 0);
        signal(SIGUSR1, on_usr1);
        pid_t g = fork();
        if (g == 0) {
            for (;;) pause();
        }
        kill(0, SIGUSR1);
        int st;
        kill(g, SIGKILL);
        waitpid(g, &st, 0);
        _exit(usr1 == 1 ? 0 : 1);
    }
    waitpid(c, &status, 0);
    printf("kill(0) reached the caller itself: %s; the parent in another group got nothing: %s\n",
           WEXITSTATUS(status) == 0 ? "yes" : "no", usr1 == 0 ? "yes" : "no");

    /* Stop and continue. */
    c = fork();
    if (c == 0) {
        /* SIGUSR1 blocked outside sigsuspend: a signal that arrives before the child first waits
         * (a loaded machine may stop it before it gets there) is not lost between test and wait. */
        sigset_t block, old;
        sigemptyset(&block);
        sigaddset(&block, SIGUSR1);
        sigaddset(&block, SIGUSR2);
        sigprocmask(SIG_BLOCK, &block, &old);
        signal(SIGUSR1, on_usr1);
        signal(SIGUSR2, on_usr2);
        /* It exits only on the parent's SIGUSR2: exiting right after SIGCONT would turn the
         * continued state into a zombie before the parent's waitid(WCONTINUED) sees it (ECHILD
         * natively when the child wins that race). */
        for (;;) {
            if (usr1 && usr2) _exit(40 + usr1);
            sigsuspend(&old);
        }
    }
    sleep_ms(10);
    chld_code = 0;
    kill(c, SIGSTOP);
    pid_t w = waitpid(c, &status, WUNTRACED);
    printf("SIGSTOP: waitpid(WUNTRACED) %s, WIFSTOPPED %d, WSTOPSIG %d, SIGCHLD %s status %d\n",
           w == c ? "the child" : "other", WIFSTOPPED(status), WSTOPSIG(status), code_name(chld_code), (int)chld_status);
    r = waitpid(c, &status, WUNTRACED | WNOHANG);
    printf("the stop is reported once: %d\n", r);
    siginfo_t si;
    kill(c, SIGUSR1); /* held while stopped */
    sleep_ms(10);
    r = waitpid(c, &status, WNOHANG);
    printf("SIGUSR1 to the stopped child: still there %s\n", r == 0 ? "yes" : "no");
    chld_code = 0;
    kill(c, SIGCONT);
    memset(&si, 0, sizeof si);
    r = waitid(P_PID, c, &si, WCONTINUED | WNOWAIT);
    printf("SIGCONT: waitid(WCONTINUED|WNOWAIT) %d, code %s, status %d\n", r, code_name(si.si_code), si.si_status);
    w = waitpid(c, &status, WCONTINUED);
    printf("waitpid(WCONTINUED) then: WIFCONTINUED %d\n", WIFCONTINUED(status));
    kill(c, SIGUSR2);
    w = waitpid(c, &status, 0);
    printf("the held SIGUSR1 ran after SIGCONT: exit %d\n", WEXITSTATUS(status));

    /* waitid(WSTOPPED) and a stop with a handler for SIGTSTP. */
    c = spawn_pauser();
    kill(c, SIGSTOP);
    memset(&si, 0, sizeof si);
    r = waitid(P_PID, c, &si, WSTOPPED);
    printf("waitid(WSTOPPED): %d code %s status %d pid matches %s\n", r, code_name(si.si_code), si.si_status, si.si_pid == c ? "yes" : "no");
    kill(c, SIGKILL);
    waitpid(c, &status, 0);
    printf("SIGKILL to a stopped child: killed by %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : 0);

    c = fork();
    if (c == 0) {
        signal(SIGTSTP, on_usr1);
        raise(SIGTSTP);
        _exit(usr1 == 1 ? 7 : 8);
    }
    waitpid(c, &status, WUNTRACED);
    printf("SIGTSTP with a handler runs it: exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);

    /* A sleep stopped and continued still lasts its full time (Linux restarts it). */
    c = fork();
    if (c == 0) {
        struct timespec t0, t1, s = {0, 200000000};
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int rs = nanosleep(&s, NULL);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        _exit(rs == 0 && ms >= 200 ? 0 : 1);
    }
    sleep_ms(20);
    kill(c, SIGSTOP);
    waitpid(c, &status, WUNTRACED);
    sleep_ms(20);
    kill(c, SIGCONT);
    waitpid(c, &status, 0);
    printf("nanosleep stopped and continued slept its full time: %s\n", WEXITSTATUS(status) == 0 ? "yes" : "no");

    /* A stopped member of a group orphaned by its parent's exit gets SIGHUP and SIGCONT. */
    pipe(p);
    c = fork();
    if (c == 0) {
        setpgid(0, 0);
        pid_t g = fork();
        if (g == 0) {
            signal(SIGHUP, SIG_IGN);
            raise(SIGSTOP);
            write(p[1], "continued after the orphaning\n", 30);
            _exit(0);
        }
        int st;
        waitpid(g, &st, WUNTRACED);
        _exit(0); /* the group (g) loses its link to another group in the session */
    }
    waitpid(c, &status, 0);
    n = read(p[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    fputs(buf, stdout);
    return 0;
}

/*
 * waitpid(-1) and kill(-1) through the libc wrappers (glibc passes pid_t -1 zero-extended in a
 * 64-bit register). Run only under emu (the guest is pid 1, so kill(-1) reaches exactly its own
 * children): natively, kill(-1, SIGTERM) would signal every process the user owns.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *errname(int e) {
    return e == ECHILD ? "ECHILD" : e == ESRCH ? "ESRCH" : e == EINTR ? "EINTR" : "another errno";
}

static pid_t sleeper(void) {
    pid_t pid = fork();
    if (pid == 0) {
        for (;;) {
            pause();
        }
    }
    return pid;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int r = kill(-1, 0);
    printf("kill(-1, 0) with no other process: %d %s\n", r, errname(errno));
    r = (int)waitpid(-1, NULL, 0);
    printf("waitpid(-1) with no child: %d %s\n", r, errname(errno));

    pid_t a = sleeper();
    pid_t b = sleeper();
    int status = 0;
    printf("waitpid(-1, WNOHANG) while they sleep: %d\n", (int)waitpid(-1, &status, WNOHANG));
    printf("kill(-1, 0): %d\n", kill(-1, 0));
    printf("kill(-1, SIGTERM): %d\n", kill(-1, SIGTERM));
    int reaped = 0;
    for (int i = 0; i < 2; i++) {
        pid_t w = waitpid(-1, &status, 0);
        reaped += w == a || w == b;
        printf("waitpid(-1): a child, killed by signal %d\n", WIFSIGNALED(status) ? WTERMSIG(status) : -1);
    }
    printf("both children reaped: %d\n", reaped == 2);
    r = (int)waitpid(-1, NULL, 0);
    printf("waitpid(-1) again: %d %s\n", r, errname(errno));

    pid_t c = fork();
    if (c == 0) {
        _exit(42);
    }
    siginfo_t info;
    memset(&info, 0, sizeof info);
    r = waitid(P_ALL, 0, &info, WEXITED);
    printf("waitid(P_ALL): %d, child %d, status %d\n", r, info.si_pid == c, info.si_status);
    return 0;
}

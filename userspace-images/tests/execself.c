/* fork + execve of an image (this program again, with an argument) + waitpid; also SIGCHLD to
 * a handler, kill between processes, and an orphan re-parented to pid 1 (getppid). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int got_chld;

static void on_chld(int sig) {
    (void)sig;
    got_chld++;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        printf("exec'd child running with %d args\n", argc);
        return 5;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld;
    sigaction(SIGCHLD, &sa, NULL);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char *args[] = {argv[0], "child", NULL};
        char *env[] = {NULL};
        execve(argv[0], args, env);
        _exit(99);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0) {
    }
    printf("exec'd child exited %d, SIGCHLD handled: %s\n", WEXITSTATUS(st), got_chld > 0 ? "yes" : "no");
    /* kill: a child that pauses until SIGTERM. */
    pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    usleep(10000);
    kill(pid, SIGTERM);
    waitpid(pid, &st, 0);
    printf("paused child killed by signal %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    return 0;
}

/* Processes that share their parent's memory: vfork (the child's stores are the parent's, the
 * parent waits until the child execs or exits), clone(CLONE_VM) without CLONE_THREAD, and
 * posix_spawn (glibc runs it on clone(CLONE_VM|CLONE_VFORK) and reports exec errors through
 * the shared memory). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static volatile int shared_value;

static int clone_child(void *arg) {
    shared_value = *(int *)arg;
    return 7;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        printf("spawned child says %s\n", argv[2]);
        return 3;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    int status;

    shared_value = 1;
    pid_t c = vfork();
    if (c == 0) {
        shared_value = 2; /* the parent's memory */
        _exit(5);
    }
    waitpid(c, &status, 0);
    printf("vfork: the child's store is seen by the parent: %d, exit %d\n", shared_value, WEXITSTATUS(status));

    char *stack = malloc(1 << 16);
    int arg = 42;
    c = clone(clone_child, stack + (1 << 16), CLONE_VM | SIGCHLD, &arg);
    waitpid(c, &status, 0);
    printf("clone(CLONE_VM): shared %d, exit %d\n", shared_value, WEXITSTATUS(status));
    free(stack);

    pid_t pid;
    char *args[] = {argv[0], "child", "hello", NULL};
    int r = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, args, environ);
    waitpid(pid, &status, 0);
    printf("posix_spawn: %d, child exit %d\n", r, WEXITSTATUS(status));
    char *bad[] = {"/nonexistent/prog", NULL};
    r = posix_spawn(&pid, "/nonexistent/prog", NULL, NULL, bad, environ);
    if (r == 0) {
        waitpid(pid, &status, 0);
        printf("posix_spawn of a missing program: reported by exit status %d\n", WEXITSTATUS(status));
    } else {
        printf("posix_spawn of a missing program: %s\n", strerror(r));
    }
    return 0;
}

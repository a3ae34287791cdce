/* clone(CLONE_FILES) without CLONE_THREAD (copy_files): parent and child share one fd table, so
 * an fd the child opens or closes is opened or closed for the parent too; fork still copies. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int pipefd[2];

static int child(void *arg) {
    (void) arg;
    int fd = open("/dev/null", O_RDONLY);
    write(pipefd[1], &fd, sizeof fd);
    close(pipefd[0]); /* closes the parent's read end too: one table */
    return 0;
}

static char stack[64 * 1024];

int main(void) {
    pipe(pipefd);
    pid_t pid = clone(child, stack + sizeof stack, CLONE_FILES | SIGCHLD, NULL);
    if (pid < 0) {
        perror("clone");
        return 1;
    }
    int st;
    waitpid(pid, &st, 0);
    int fd = -1;
    printf("read end after the child closed it: %s\n", fcntl(pipefd[0], F_GETFD) < 0 && errno == EBADF ? "EBADF" : "open");
    printf("write end still open: %s\n", fcntl(pipefd[1], F_GETFD) >= 0 ? "yes" : "no");
    close(pipefd[1]);

    pipe(pipefd);
    int keep = dup(pipefd[0]);
    pid = clone(child, stack + sizeof stack, CLONE_FILES | SIGCHLD, NULL);
    waitpid(pid, &st, 0);
    read(keep, &fd, sizeof fd);
    printf("the child's open is the parent's fd: %s\n", fcntl(fd, F_GETFD) >= 0 ? "yes" : "no");

    pid = fork();
    if (pid == 0) {
        close(keep);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    printf("a forked child's close leaves the parent's fd: %s\n", fcntl(keep, F_GETFD) >= 0 ? "open" : "closed");
    return 0;
}

/* fork + pipe + waitpid: the child sends a message through a pipe and exits with status 7. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        return 1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        const char *msg = "hello from the child";
        write(fds[1], msg, strlen(msg));
        close(fds[1]);
        _exit(7);
    }
    close(fds[1]);
    char buf[128];
    size_t got = 0;
    ssize_t n;
    while ((n = read(fds[0], buf + got, sizeof buf - 1 - got)) > 0) {
        got += (size_t)n;
    }
    buf[got] = 0;
    int status;
    pid_t w = waitpid(pid, &status, 0);
    printf("message: %s\n", buf);
    printf("waited for child: %s, exited %d, status %d\n", w == pid ? "yes" : "no",
           WIFEXITED(status), WEXITSTATUS(status));
    return 0;
}

/* Process creation latency: N rounds of fork, execve of this program (with the argument
 * "child", which exits at once) and waitpid. Usage: forkexec N. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        return 7;
    }
    long n = argc > 1 ? atol(argv[1]) : 1000;
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            char *args[] = {argv[0], "child", NULL};
            char *env[] = {NULL};
            execve(argv[0], args, env);
            _exit(99);
        }
        int st;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 7) {
            printf("forkexec: child %ld failed (status 0x%x)\n", i, st);
            return 1;
        }
    }
    printf("forkexec %ld: ok\n", n);
    return 0;
}

/* Fork of a small process: N rounds of fork, child _exit, waitpid (no exec). Usage: forkwait N.
 * What a process costs to create and tear down: the copy of its address space and kernel state. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100;
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            _exit(7);
        }
        int st;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 7) {
            printf("forkwait: child %ld failed (status 0x%x)\n", i, st);
            return 1;
        }
    }
    printf("forkwait %ld: ok\n", n);
    return 0;
}

/* Context-switch benchmark: N round trips of one byte between two processes over two pipes.
 * Usage: pingpong [N] (default 100000). Prints the time per round trip on CLOCK_MONOTONIC. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    int ab[2], ba[2];
    if (pipe(ab) || pipe(ba)) {
        return 1;
    }
    char c = 'x';
    pid_t pid = fork();
    if (pid == 0) {
        for (long i = 0; i < n; i++) {
            if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1) {
                _exit(2);
            }
        }
        _exit(0);
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1) {
            return 3;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    int st;
    waitpid(pid, &st, 0);
    double ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
    printf("%ld round trips, %.3f us per round trip (guest clock)\n", n, ns / n / 1000.0);
    return WEXITSTATUS(st);
}

/* Two CPU-bound processes (fork) each print progress; under emu the timer tick preempts them so
 * the lines interleave deterministically. Natively the interleaving differs: compare sorted lines. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile unsigned long sink;

static void work(const char *name) {
    char line[64];
    for (int step = 1; step <= 5; step++) {
        unsigned long acc = 0;
        for (unsigned long i = 0; i < 3000000UL; i++) {
            acc += i ^ (acc >> 3);
        }
        sink = acc;
        int n = snprintf(line, sizeof line, "%s step %d\n", name, step);
        write(1, line, (size_t)n);
    }
}

int main(void) {
    pid_t a = fork();
    if (a == 0) {
        work("A");
        _exit(0);
    }
    pid_t b = fork();
    if (b == 0) {
        work("B");
        _exit(0);
    }
    int sa, sb;
    waitpid(a, &sa, 0);
    waitpid(b, &sb, 0);
    printf("both done: %d %d\n", WEXITSTATUS(sa), WEXITSTATUS(sb));
    return 0;
}

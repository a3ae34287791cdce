/* Host memory per process: forks N children that stay alive, idle (blocked on a pipe), until the
 * last one is up; then releases and reaps them. Usage: procmem N. Run under /usr/bin/time: the
 * peak RSS of an emulator running it grows by what one idle process costs it, times N. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100;
    int gate[2];
    int ready[2];
    if (pipe(gate) != 0 || pipe(ready) != 0) {
        perror("pipe");
        return 1;
    }
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            printf("procmem: fork %ld failed\n", i);
            return 1;
        }
        if (pid == 0) {
            char c;
            close(gate[1]);
            if (write(ready[1], "r", 1) != 1) {
                _exit(2);
            }
            _exit(read(gate[0], &c, 1) == 0 ? 0 : 3); /* EOF: the parent closed the gate */
        }
    }
    close(gate[0]);
    for (long i = 0; i < n; i++) {
        char c;
        if (read(ready[0], &c, 1) != 1) {
            perror("read");
            return 1;
        }
    }
    close(gate[1]);
    for (long i = 0; i < n; i++) {
        int st;
        if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            printf("procmem: a child failed (status 0x%x)\n", st);
            return 1;
        }
    }
    printf("procmem %ld: ok\n", n);
    return 0;
}

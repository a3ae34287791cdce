/* Fork of a process with a big mapping it barely touched: N rounds of fork, child _exit,
 * waitpid, with MIB MiB of private anonymous memory mapped (one page of it written, or the
 * first TOUCH MiB). Usage: forkbig N [MIB [TOUCH]]. Linux copies page tables of touched pages
 * only (and shares the pages copy-on-write), so a round costs the same whatever MIB is; an
 * emulator that copies mapped bytes pays for all of them. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 10;
    long mib = argc > 2 ? atol(argv[2]) : 1024;
    char *p = mmap(NULL, (size_t)mib << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    long touch = argc > 3 ? atol(argv[3]) : 0;
    for (long off = 0; off < (touch << 20); off += 4096) {
        p[off] = (char)(off >> 12 | 1);
    }
    p[4096] = 42;
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            _exit(p[4096] == 42 && p[(size_t)mib << 19] == 0 ? 7 : 8);
        }
        int st;
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 7) {
            printf("forkbig: child %ld failed (status 0x%x)\n", i, st);
            return 1;
        }
    }
    printf("forkbig %ld x %ld MiB: ok\n", n, mib);
    return 0;
}

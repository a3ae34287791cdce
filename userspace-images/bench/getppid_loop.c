/* Syscall round trip: N getppid(2) calls, nothing else (no output in the loop).
 * Usage: getppid_loop N. The bench suite subtracts a small-N run to remove startup. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    long sum = 0;
    for (long i = 0; i < n; i++) {
        sum += syscall(SYS_getppid); /* musl's syscall(): a direct `syscall` instruction */
    }
    printf("%ld getppid calls (sum %ld)\n", n, sum);
    return 0;
}

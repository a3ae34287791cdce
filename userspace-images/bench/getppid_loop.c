/* Syscall round trip: N getppid(2) calls, nothing else (no output in the loop).
 * Usage: getppid_loop N. The bench suite subtracts a small-N run to remove startup. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    long sum = 0;
    for (long i = 0; i < n; i++) {
        /* musl's getppid() is one inline `syscall` (no caching, no stack stores). Not syscall(2):
         * its variadic wrapper spills six registers per call, and under Unicorn 2.0.1 every guest
         * store costs ~50 ns (docs/performance.md), which would measure stores, not the trap. */
        sum += getppid();
    }
    printf("%ld getppid calls (sum %ld)\n", n, sum);
    return 0;
}

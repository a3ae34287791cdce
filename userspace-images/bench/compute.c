/* Compute-bound loop: N iterations of xorshift64 plus a modulo, no syscalls.
 * Usage: compute N. Prints the result so the loop is not optimised away. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000000;
    uint64_t x = 88172645463325252ULL, acc = 0;
    for (long i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        acc += x % 1000003;
    }
    printf("compute %ld: %llu\n", n, (unsigned long long)acc);
    return 0;
}

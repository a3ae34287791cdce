/* Guest stores: N 4-byte stores at pseudo-random indices of a 1 MiB buffer (xorshift32 index).
 * Usage: store_loop N. The store path of the engine dominates (issue 12). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t buf[1 << 18];

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 50000000;
    uint32_t x = 0x92d68ca2u;
    for (long i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[x & ((1 << 18) - 1)] = x;
    }
    uint32_t sum = 0;
    for (int i = 0; i < (1 << 18); i += 4096) {
        sum += buf[i];
    }
    printf("store_loop %ld: %u\n", n, sum);
    return 0;
}

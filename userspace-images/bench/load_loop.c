/* Guest loads: N 4-byte loads at pseudo-random indices of a 1 MiB buffer (xorshift32 index),
 * summed. Usage: load_loop N. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t buf[1 << 18];

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 50000000;
    for (int i = 0; i < (1 << 18); i++) {
        buf[i] = (uint32_t)i * 2654435761u;
    }
    uint32_t x = 0x92d68ca2u, sum = 0;
    for (long i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        sum += buf[x & ((1 << 18) - 1)];
    }
    printf("load_loop %ld: %u\n", n, sum);
    return 0;
}

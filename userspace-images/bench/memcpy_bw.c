/* Bandwidth: N rounds of memcpy of 1 MiB then memset of 1 MiB (musl's string functions).
 * Usage: memcpy_bw N. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIZE (1 << 20)

static char src[SIZE], dst[SIZE];

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 2000;
    for (int i = 0; i < SIZE; i++) {
        src[i] = (char)i;
    }
    unsigned sum = 0;
    for (long i = 0; i < n; i++) {
        src[i & (SIZE - 1)] = (char)i;
        memcpy(dst, src, SIZE);
        sum += (unsigned char)dst[(i * 4099) & (SIZE - 1)];
        memset(src + SIZE / 2, (int)i, SIZE / 2);
        memset(src, (int)(i >> 3), SIZE / 2);
    }
    printf("memcpy_bw %ld: %u\n", n, sum);
    return 0;
}

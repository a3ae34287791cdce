/* Page-stride stores (TLB misses): N 4-byte stores into a 16 MiB buffer, each 4100 bytes after
 * the previous one, so every store lands on another page (4096 pages in turn).
 * Usage: stride_loop N. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define WORDS (1u << 22)

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 20000000;
    uint32_t *buf = malloc(WORDS * sizeof *buf);
    if (buf == NULL) {
        return 1;
    }
    uint32_t at = 0;
    for (long i = 0; i < n; i++) {
        buf[at] = (uint32_t)i;
        at = (at + 1025) & (WORDS - 1);
    }
    printf("stride_loop %ld: %u\n", n, buf[12345]);
    return 0;
}

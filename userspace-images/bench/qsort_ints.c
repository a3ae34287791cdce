/* qsort (musl's smoothsort) of N pseudo-random ints; checks the result is sorted.
 * Usage: qsort_ints N. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    int *v = malloc((size_t)n * sizeof *v);
    if (v == NULL) {
        return 1;
    }
    uint32_t x = 0x92d68ca2u;
    for (long i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v[i] = (int)x;
    }
    qsort(v, (size_t)n, sizeof *v, cmp);
    for (long i = 1; i < n; i++) {
        if (v[i - 1] > v[i]) {
            printf("qsort_ints: not sorted at %ld\n", i);
            return 1;
        }
    }
    printf("qsort_ints %ld: min %d max %d\n", n, v[0], v[n - 1]);
    return 0;
}

/* malloc: many malloc/realloc/free of varying sizes, small (brk heap) and
 * large (> 128 KiB, mmap'd by both musl and glibc), with every block filled
 * from a fixed pseudo-random sequence and checksummed. The printed checksum
 * depends only on contents, never on addresses. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 64
#define ROUNDS 4000

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static size_t pick_size(void) {
    uint32_t r = next();
    switch (r % 8) {
    case 0: return 1 + r % 16;
    case 1:
    case 2:
    case 3: return 1 + r % 512;
    case 4:
    case 5: return 1 + r % 8192;
    case 6: return 1 + r % 100000;
    default: return 128 * 1024 + r % (1024 * 1024); /* mmap threshold and beyond */
    }
}

static void fill(unsigned char *p, size_t n, uint32_t seed) {
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed + i * 31u);
}

static uint64_t sum(const unsigned char *p, size_t n, uint64_t h) {
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

int main(void) {
    unsigned char *slot[SLOTS] = {0};
    size_t len[SLOTS] = {0};
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t peak = 0, total = 0;
    int large = 0;

    for (int round = 0; round < ROUNDS; round++) {
        int i = next() % SLOTS;
        uint32_t op = next() % 3;
        if (slot[i] && op == 0) {
            h = sum(slot[i], len[i], h);
            free(slot[i]);
            total -= len[i];
            slot[i] = NULL;
            len[i] = 0;
        } else if (slot[i] && op == 1) {
            size_t n = pick_size();
            unsigned char *p = realloc(slot[i], n);
            if (!p) {
                printf("realloc(%zu) failed\n", n);
                return 1;
            }
            size_t keep = n < len[i] ? n : len[i];
            h = sum(p, keep, h); /* realloc must preserve the prefix */
            if (n > len[i]) fill(p + len[i], n - len[i], (uint32_t)round);
            total += n - len[i];
            slot[i] = p;
            len[i] = n;
            if (n >= 128 * 1024) large++;
        } else {
            if (slot[i]) {
                h = sum(slot[i], len[i], h);
                free(slot[i]);
                total -= len[i];
            }
            size_t n = pick_size();
            unsigned char *p = malloc(n);
            if (!p) {
                printf("malloc(%zu) failed\n", n);
                return 1;
            }
            fill(p, n, (uint32_t)round);
            slot[i] = p;
            len[i] = n;
            total += n;
            if (n >= 128 * 1024) large++;
        }
        if (total > peak) peak = total;
    }
    /* calloc must return zeroed memory, including recycled blocks. */
    for (int k = 0; k < 16; k++) {
        size_t n = 1000 + (size_t)k * 50000;
        unsigned char *z = calloc(n, 1);
        for (size_t j = 0; j < n; j++) {
            if (z[j]) {
                printf("calloc(%zu) not zeroed at %zu\n", n, j);
                return 1;
            }
        }
        free(z);
    }
    for (int i = 0; i < SLOTS; i++) {
        if (slot[i]) h = sum(slot[i], len[i], h);
        free(slot[i]);
    }
    printf("large allocations: %d\n", large);
    printf("peak live bytes: %zu\n", peak);
    printf("checksum: %016llx\n", (unsigned long long)h);
    return 0;
}

/*
 * A CPU-bound program with a known hot function, for `emu run --profile` (ProfileTest):
 * main -> work -> hot burns most of the cycles, work -> warm a tenth of them. Built with and
 * without frame pointers (Makefile: build/profile/hot_fp, hot_nofp, hot_glibc).
 *
 *   hot [ROUNDS]      default 100 rounds; prints one checksum line
 */
#include <stdio.h>
#include <stdlib.h>

/* noipa: no inlining, cloning or interprocedural shortcuts, so each function keeps its frame. */
__attribute__((noipa)) unsigned long hot(unsigned long n, unsigned long x) {
    for (unsigned long i = 0; i < n; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        x ^= x >> 13;
    }
    return x;
}

__attribute__((noipa)) unsigned long warm(unsigned long n, unsigned long x) {
    for (unsigned long i = 0; i < n; i++) {
        x += (x << 7) ^ i;
    }
    return x;
}

__attribute__((noipa)) unsigned long work(unsigned long rounds) {
    unsigned long s = 1;
    for (unsigned long r = 0; r < rounds; r++) {
        s = hot(200000, s);
        s = warm(20000, s);
    }
    return s;
}

int main(int argc, char **argv) {
    unsigned long rounds = argc > 1 ? strtoul(argv[1], NULL, 10) : 100;
    unsigned long s = work(rounds);
    printf("hot: %lu rounds, checksum %lu\n", rounds, s % 1000003);
    return 0;
}

/* Sleeps 4 x 50 ms and checks that at least 200 ms passed on CLOCK_MONOTONIC. */
#include <stdio.h>
#include <time.h>

int main(void) {
    struct timespec a, b, d = {0, 50 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < 4; i++) {
        nanosleep(&d, NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    printf("slept 4 x 50 ms: %s\n", ms >= 200 ? "at least 200 ms elapsed" : "TOO SHORT");
    return ms >= 200 ? 0 : 1;
}

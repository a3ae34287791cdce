/* sleepclock: nanosleep 50 ms between two CLOCK_MONOTONIC reads, plus sanity
 * checks of gettimeofday/time/CLOCK_REALTIME. Prints verdicts only, never a
 * time value, so the output is deterministic. */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static long long ns(struct timespec t) {
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static const char *ok(int cond) {
    return cond ? "ok" : "FAIL";
}

int main(void) {
    struct timespec a, b, req = {0, 50 * 1000000L};
    int r1 = clock_gettime(CLOCK_MONOTONIC, &a);
    int rs = nanosleep(&req, NULL);
    int r2 = clock_gettime(CLOCK_MONOTONIC, &b);
    printf("clock_gettime MONOTONIC: %s\n", ok(r1 == 0 && r2 == 0));
    printf("nanosleep 50ms: %s\n", ok(rs == 0));
    printf("elapsed >= 50ms: %s\n", ok(ns(b) - ns(a) >= 50 * 1000000LL));
    printf("monotonic nsec in range: %s\n", ok(b.tv_nsec >= 0 && b.tv_nsec < 1000000000L));

    struct timespec rt;
    struct timeval tv;
    int rr = clock_gettime(CLOCK_REALTIME, &rt);
    int rg = gettimeofday(&tv, NULL);
    time_t t = time(NULL);
    /* 2020-01-01 .. 2100-01-01: a plausible wall clock. */
    printf("clock_gettime REALTIME: %s\n", ok(rr == 0 && rt.tv_sec > 1577836800 && rt.tv_sec < 4102444800));
    printf("gettimeofday: %s\n", ok(rg == 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000));
    printf("gettimeofday agrees with REALTIME: %s\n", ok(tv.tv_sec - rt.tv_sec >= 0 && tv.tv_sec - rt.tv_sec <= 2));
    printf("time agrees with REALTIME: %s\n", ok(t - rt.tv_sec >= 0 && t - rt.tv_sec <= 2));
    return 0;
}

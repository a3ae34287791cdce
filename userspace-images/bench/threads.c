/* Thread creation at scale: creates N threads that all stay alive (each blocks on a shared
 * barrier of a pipe) and then joins them. Usage: threads N. The time per thread should not
 * grow with N; an O(threads) step per creation makes the whole run quadratic. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int gate[2];

static void *body(void *arg) {
    char c;
    if (read(gate[0], &c, 1) != 1) {
        return NULL;
    }
    return arg;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000;
    pthread_t *t = calloc((size_t)n, sizeof *t);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 16384);
    if (t == NULL || pipe(gate) != 0) {
        perror("setup");
        return 1;
    }
    for (long i = 0; i < n; i++) {
        int e = pthread_create(&t[i], &attr, body, (void *)(i + 1));
        if (e != 0) {
            printf("threads: create %ld failed (%d)\n", i, e);
            return 1;
        }
    }
    char ones[256];
    for (int i = 0; i < 256; i++) {
        ones[i] = 1;
    }
    for (long left = n; left > 0;) {
        long k = left < 256 ? left : 256;
        if (write(gate[1], ones, (size_t)k) != k) {
            perror("write");
            return 1;
        }
        left -= k;
    }
    for (long i = 0; i < n; i++) {
        void *r;
        if (pthread_join(t[i], &r) != 0 || r != (void *)(i + 1)) {
            printf("threads: join %ld failed\n", i);
            return 1;
        }
    }
    printf("threads %ld: ok\n", n);
    return 0;
}

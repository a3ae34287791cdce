/* Robust futexes: a thread that dies holding a robust mutex leaves it to the next locker with
 * EOWNERDEAD (the kernel walks the dead thread's robust list, sets FUTEX_OWNER_DIED and wakes a
 * waiter); pthread_mutex_consistent makes it usable again; get_robust_list reports the head. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m;
static int held; /* set once die_holding owns m, so the main thread's lock surely waits */

static void *die_holding(void *arg) {
    pthread_mutex_lock(&m);
    __atomic_store_n(&held, 1, __ATOMIC_RELEASE);
    if (arg) {
        struct timespec t = {0, 20000000};
        nanosleep(&t, NULL); /* the main thread is waiting for the lock meanwhile */
    }
    return NULL; /* exits without unlocking */
}

int main(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&m, &a);

    pthread_t th;
    pthread_create(&th, NULL, die_holding, NULL);
    pthread_join(th, NULL);
    int r = pthread_mutex_lock(&m);
    printf("lock after the owner died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
    printf("consistent: %d\n", pthread_mutex_consistent(&m));
    printf("unlock: %d\n", pthread_mutex_unlock(&m));
    printf("lock again: %d\n", pthread_mutex_lock(&m));
    pthread_mutex_unlock(&m);

    __atomic_store_n(&held, 0, __ATOMIC_RELEASE);
    pthread_create(&th, NULL, die_holding, (void *)1);
    struct timespec t = {0, 1000000};
    while (!__atomic_load_n(&held, __ATOMIC_ACQUIRE)) {
        nanosleep(&t, NULL); /* a loaded machine may start the thread late */
    }
    r = pthread_mutex_lock(&m); /* blocks until the owner dies */
    printf("waiter woken by the owner's death: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
    pthread_join(th, NULL);
    pthread_mutex_consistent(&m);
    pthread_mutex_unlock(&m);

    void *head = NULL;
    size_t len = 0;
    long rc = syscall(SYS_get_robust_list, 0, &head, &len);
    printf("get_robust_list: %ld, head set %s, len %zu\n", rc, head ? "yes" : "no", len);
    rc = syscall(SYS_get_robust_list, 999999, &head, &len);
    printf("get_robust_list of no thread: %ld %s\n", rc, strerror(errno));
    rc = syscall(SYS_set_robust_list, head, 23);
    printf("set_robust_list with len 23: %ld %s\n", rc, strerror(errno));
    return 0;
}

/* A SIGSEGV handler installed with sigaction runs on a NULL dereference and siglongjmps out. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf env;
static volatile int handled_sig;
static void *volatile fault_addr = (void *)1;

static void on_segv(int sig, siginfo_t *info, void *uc) {
    (void)uc;
    handled_sig = sig;
    fault_addr = info->si_addr;
    siglongjmp(env, 1);
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(env, 1) == 0) {
        volatile int *p = NULL;
        *p = 42;
        puts("not reached");
        return 1;
    }
    printf("recovered (signal %d, si_addr %p)\n", handled_sig, fault_addr);
    /* The mask was restored by siglongjmp: a second fault is handled too. */
    if (sigsetjmp(env, 1) == 0) {
        volatile int *p = NULL;
        (void)*p;
    }
    puts("recovered again");
    return 0;
}

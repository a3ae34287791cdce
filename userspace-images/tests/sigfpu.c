/* A signal handler may use SSE registers freely: the kernel saves the interrupted code's x87/SSE
 * state in the signal frame and rt_sigreturn restores it (Linux's fpstate). The main program
 * holds a value in xmm8 across a kill() that delivers SIGUSR1 to itself; the handler clobbers
 * xmm8 and changes MXCSR's rounding mode; both must be back after the handler returns. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile int handled;

static void handler(int sig) {
    (void)sig;
    unsigned int rz = 0x7f80; /* round toward zero */
    __asm__ volatile("pcmpeqd %%xmm8, %%xmm8\n\tldmxcsr %0" : : "m"(rz) : "xmm8");
    handled = 1;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigaction(SIGUSR1, &sa, NULL);

    unsigned long bits = 0x400a000000000000UL; /* 3.25 */
    unsigned long out;
    unsigned int mxcsr;
    __asm__ volatile(
        "movq %[in], %%xmm8\n\t"
        "mov $39, %%eax\n\tsyscall\n\t"               /* getpid */
        "mov %%eax, %%edi\n\tmov $10, %%esi\n\t"
        "mov $62, %%eax\n\tsyscall\n\t"               /* kill(pid, SIGUSR1): delivered on return */
        "movq %%xmm8, %[out]\n\t"
        "stmxcsr %[csr]"
        : [out] "=r"(out), [csr] "=m"(mxcsr)
        : [in] "r"(bits)
        : "rax", "rdi", "rsi", "rcx", "r11", "xmm8", "memory");
    printf("handler ran: %s\n", handled ? "yes" : "no");
    printf("xmm8 after the handler: %s\n", out == bits ? "preserved" : "clobbered");
    printf("mxcsr after the handler: 0x%x\n", mxcsr);
    return 0;
}

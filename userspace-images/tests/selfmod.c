/* Generated and self-modifying code, and page permissions the way JITs and GCs use them:
 *  1. code written into an RWX page runs, and runs again after it is patched;
 *  2. code patches a function on its own page and then calls it;
 *  3. W^X: write code into an RW page, mprotect RX, call; rewrite through RW, call again;
 *  4. munmap + mmap at the same address with other code;
 *  5. data pages are not executable: jumping into an RW page is SIGSEGV at that address;
 *  6. a SIGSEGV handler that fixes the protection (mprotect) and returns: the store and the
 *     load are retried and succeed. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef int (*fn0)(void);
typedef int (*fn1)(int);

static sigjmp_buf env;
static void *volatile fault_addr;
static volatile int fixups;
static char *volatile fixup_page;

/* mov eax, imm32; ret */
static void emit_ret_imm(uint8_t *p, uint32_t v) {
    p[0] = 0xb8;
    memcpy(p + 1, &v, 4);
    p[5] = 0xc3;
}

static void on_segv(int sig, siginfo_t *info, void *uc) {
    (void)sig;
    (void)uc;
    fault_addr = info->si_addr;
    if (fixup_page != NULL && (char *)info->si_addr >= fixup_page && (char *)info->si_addr < fixup_page + 4096) {
        /* Fix up and return: the faulting instruction runs again. */
        fixups++;
        mprotect(fixup_page, 4096, PROT_READ | PROT_WRITE);
        return;
    }
    siglongjmp(env, 1);
}

int main(void) {
    long pg = sysconf(_SC_PAGESIZE);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);

    /* 1. RWX page, patched between calls (the patch is a store from another page). */
    uint8_t *rwx = mmap(NULL, pg, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    emit_ret_imm(rwx, 111);
    printf("rwx: %d", ((fn0)rwx)());
    for (int i = 1; i <= 3; i++) {
        uint32_t v = 111 + (uint32_t)i;
        memcpy(rwx + 1, &v, 4);
        printf(" %d", ((fn0)rwx)());
    }
    printf("\n");

    /* 2. Code on the RWX page patches a function on the same page, then calls it:
     *    target (offset 0): mov eax, imm32; ret
     *    patcher (offset 64): mov [rip + (target+1 - next)], edi; call target; ret */
    emit_ret_imm(rwx, 1);
    uint8_t *p = rwx + 64;
    int32_t disp = (int32_t)((rwx + 1) - (p + 6));
    p[0] = 0x89;
    p[1] = 0x3d; /* mov [rip+disp32], edi */
    memcpy(p + 2, &disp, 4);
    int32_t rel = (int32_t)(rwx - (p + 11));
    p[6] = 0xe8; /* call rel32 */
    memcpy(p + 7, &rel, 4);
    p[11] = 0xc3;
    printf("same page:");
    for (int i = 0; i < 4; i++) {
        printf(" %d", ((fn1)(rwx + 64))(200 + i));
    }
    printf("\n");

    /* 3. W^X: RW to write, RX to run, several rounds at the same address. */
    uint8_t *jit = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("w^x:");
    for (int i = 0; i < 4; i++) {
        mprotect(jit, pg, PROT_READ | PROT_WRITE);
        emit_ret_imm(jit, 300 + (uint32_t)i);
        mprotect(jit, pg, PROT_READ | PROT_EXEC);
        printf(" %d", ((fn0)jit)());
    }
    printf("\n");

    /* 4. munmap and map again at the same address with other code. */
    printf("remap:");
    for (int i = 0; i < 3; i++) {
        munmap(jit, pg);
        jit = mmap(jit, pg, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        emit_ret_imm(jit, 400 + (uint32_t)i);
        printf(" %d", ((fn0)jit)());
    }
    printf("\n");

    /* 5. An RW data page is not executable. */
    uint8_t *data = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    emit_ret_imm(data, 500);
    if (sigsetjmp(env, 1) == 0) {
        printf("nx: ran %d (not reached natively)\n", ((fn0)data)());
    } else {
        printf("nx: SIGSEGV at the data page: %s\n", fault_addr == data ? "yes" : "no");
    }

    /* 6. Handlers that fix the protection and return. */
    char *page = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    fixup_page = page;
    volatile uint64_t *slot = (volatile uint64_t *)(page + 128);
    *slot = 0x1122334455667788ull; /* write to a read-only page: fixed, then retried */
    printf("fixup store: %d fixup(s), value %llx\n", fixups, (unsigned long long)*slot);
    mprotect(page, pg, PROT_NONE);
    uint64_t v = *slot; /* read of a PROT_NONE page: fixed, then retried */
    printf("fixup load: %d fixup(s), value %llx\n", fixups, (unsigned long long)v);
    return 0;
}

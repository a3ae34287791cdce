/*
 * mmap of BPF maps with raw bpf(2) calls (no libbpf, no <linux/bpf.h>: the ABI layouts are
 * written out here so musl builds too), exactly as libbpf maps them: a BPF_F_MMAPABLE array
 * (what a skeleton's .bss is) and a ringbuf consumed with libbpf's protocol (consumer page
 * read-write at offset 0, producer page and the data area twice read-only at 4096; positions
 * read with acquire and written with release; record headers with BUSY/DISCARD bits).
 * The producer is a socket-filter program run by BPF_PROG_TEST_RUN. Runs natively (root) and
 * under emu with the same output (DifferentialTest); "SKIP" when the host refuses bpf().
 * With the argument "segv" it ends with an unhandled store to the producer page (SIGSEGV).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096
#define RING_SIZE 4096
#define ARRAY_ENTRIES 300
#define VALUE_SIZE 16
#define RECORD 48

enum { MAP_CREATE = 0, MAP_LOOKUP_ELEM = 1, MAP_UPDATE_ELEM = 2, PROG_LOAD = 5, PROG_TEST_RUN = 10 };
enum { MAP_HASH = 1, MAP_ARRAY = 2, MAP_RINGBUF = 27, PROG_SOCKET_FILTER = 1 };
enum { F_RDONLY_PROG = 1 << 7, F_MMAPABLE = 1 << 10 };
#define BUSY_BIT (1u << 31)
#define DISCARD_BIT (1u << 30)

struct insn {
    uint8_t code;
    uint8_t regs; /* dst in the low nibble, src in the high one */
    int16_t off;
    int32_t imm;
};
#define I(c, d, s, o, i) ((struct insn){(c), (uint8_t)((d) | ((s) << 4)), (o), (i)})
#define LD_MAP_FD(d, fd) I(0x18, d, 1, 0, fd), I(0, 0, 0, 0, 0)
#define MOV_K(d, i) I(0xb7, d, 0, 0, i)
#define MOV_X(d, s) I(0xbf, d, s, 0, 0)
#define ADD_K(d, i) I(0x07, d, 0, 0, i)
#define AND_K(d, i) I(0x57, d, 0, 0, i)
#define ST_W(d, o, i) I(0x62, d, 0, o, i)
#define LDX_DW(d, s, o) I(0x79, d, s, o, 0)
#define STX_DW(d, o, s) I(0x7b, d, s, o, 0)
#define JEQ_K(d, i, o) I(0x15, d, 0, o, i)
#define JA(o) I(0x05, 0, 0, o, 0)
#define CALL(h) I(0x85, 0, 0, 0, h)
#define EXIT() I(0x95, 0, 0, 0, 0)

static long sys_bpf(int cmd, void *attr) {
    return syscall(SYS_bpf, cmd, attr, 128);
}

static const char *ename(int e) {
    static char buf[32];
    switch (e) {
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    case EACCES: return "EACCES";
    case ENOMEM: return "ENOMEM";
    case 524: return "ENOTSUPP(524)";
    default: snprintf(buf, sizeof buf, "errno %d", e); return buf;
    }
}

static int map_create(unsigned type, unsigned key, unsigned value, unsigned max, unsigned flags) {
    uint32_t a[32] = {type, key, value, max, flags};
    return (int)sys_bpf(MAP_CREATE, a);
}

static long elem(int cmd, int fd, uint32_t key, void *value) {
    uint64_t a[16] = {0};
    a[0] = (uint32_t)fd;
    a[1] = (uintptr_t)&key;
    a[2] = (uintptr_t)value;
    return sys_bpf(cmd, a);
}

static int prog_load(struct insn *insns, unsigned n) {
    static char log[65536];
    uint64_t a[16] = {0};
    a[0] = PROG_SOCKET_FILTER | (uint64_t)n << 32;
    a[1] = (uintptr_t)insns;
    a[2] = (uintptr_t)"GPL";
    a[3] = 1 | (uint64_t)sizeof log << 32;
    a[4] = (uintptr_t)log;
    int fd = (int)sys_bpf(PROG_LOAD, a);
    if (fd < 0) {
        printf("PROG_LOAD: %s\n%s\n", ename(errno), log);
    }
    return fd;
}

static long test_run(int prog, unsigned repeat) {
    static unsigned char packet[64];
    uint32_t a[32] = {0};
    a[0] = (uint32_t)prog;
    a[2] = sizeof packet;
    uint64_t in = (uintptr_t)packet;
    memcpy(&a[4], &in, 8);
    a[8] = repeat;
    return sys_bpf(PROG_TEST_RUN, a);
}

/* The result of an mmap that should fail: "-1 ERRNO", or "ok" (and the mapping is removed). */
static void try_mmap(const char *what, size_t len, int prot, int flags, int fd, off_t off) {
    void *p = mmap(NULL, len, prot, flags, fd, off);
    if (p == MAP_FAILED) {
        printf("%s = -1 %s\n", what, ename(errno));
    } else {
        printf("%s = ok\n", what);
        munmap(p, len);
    }
}

static const char *maps_perms(void *addr) {
    static char perms[5];
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    strcpy(perms, "????");
    while (f && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char p[5];
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, p) == 3 && (unsigned long)addr >= lo && (unsigned long)addr < hi) {
            strcpy(perms, p);
        }
    }
    if (f) {
        fclose(f);
    }
    return perms;
}

/* libbpf's ringbuf_process_ring: drains committed records, skips discarded ones, stops at BUSY. */
static int consume(volatile uint64_t *consumer, volatile uint64_t *producer, unsigned char *data) {
    int n = 0;
    uint64_t cons = __atomic_load_n(consumer, __ATOMIC_ACQUIRE);
    uint64_t prod = __atomic_load_n(producer, __ATOMIC_ACQUIRE);
    while (cons < prod) {
        uint32_t *hdr = (uint32_t *)(data + (cons & (RING_SIZE - 1)));
        uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
        if (len & BUSY_BIT) {
            printf("  busy record at %llu\n", (unsigned long long)cons);
            break;
        }
        unsigned off = cons & (RING_SIZE - 1);
        cons += ((len & ~DISCARD_BIT) + 8 + 7) & ~7u;
        if (len & DISCARD_BIT) {
            printf("  discarded len=%u\n", len & ~DISCARD_BIT);
        } else {
            /* The sample may run past the end of the data area: the second mapping continues it. */
            uint64_t seq, tag;
            memcpy(&seq, (unsigned char *)hdr + 8, 8);
            memcpy(&tag, (unsigned char *)hdr + 16, 8);
            printf("  record len=%u pg_off=%u seq=%llu tag=%llx%s\n", len, hdr[1], (unsigned long long)seq,
                   (unsigned long long)tag, off + 8 + len > RING_SIZE ? " (wraps)" : "");
            n++;
        }
        __atomic_store_n(consumer, cons, __ATOMIC_RELEASE);
    }
    return n;
}

static void *volatile fault_target;

static void on_segv(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    printf("child: SIGSEGV code=%s at the producer page: %s\n", si->si_code == SEGV_ACCERR ? "SEGV_ACCERR" : "other",
           si->si_addr == (void *)fault_target ? "yes" : "no");
    fflush(stdout);
    _exit(77);
}

int main(int argc, char **argv) {
    int array = map_create(MAP_ARRAY, 4, VALUE_SIZE, ARRAY_ENTRIES, F_MMAPABLE);
    if (array < 0) {
        printf("SKIP bpf() refused: %s\n", ename(errno));
        return 0;
    }
    int ring = map_create(MAP_RINGBUF, 0, 0, RING_SIZE, 0);
    int plain = map_create(MAP_ARRAY, 4, VALUE_SIZE, 4, 0);
    int rdonly = map_create(MAP_ARRAY, 4, VALUE_SIZE, 4, F_MMAPABLE | F_RDONLY_PROG);
    int hash = map_create(MAP_HASH, 4, 8, 4, 0);
    if (ring < 0 || plain < 0 || rdonly < 0 || hash < 0) {
        printf("map create failed: %s\n", ename(errno));
        return 1;
    }

    /* --- the mmapable array --- */
    size_t array_len = 2 * PAGE; /* 300 * 16 = 4800 bytes */
    try_mmap("array MAP_PRIVATE", array_len, PROT_READ, MAP_PRIVATE, array, 0);
    try_mmap("array past its values", 3 * PAGE, PROT_READ, MAP_SHARED, array, 0);
    try_mmap("array offset past its values", PAGE, PROT_READ, MAP_SHARED, array, 2 * PAGE);
    try_mmap("array without BPF_F_MMAPABLE", PAGE, PROT_READ, MAP_SHARED, plain, 0);
    try_mmap("hash map", PAGE, PROT_READ, MAP_SHARED, hash, 0);
    try_mmap("BPF_F_RDONLY_PROG array writable", PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rdonly, 0);
    void *ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, rdonly, 0);
    printf("BPF_F_RDONLY_PROG array read-only = %s\n", ro == MAP_FAILED ? ename(errno) : "ok");
    if (ro != MAP_FAILED) {
        printf("mprotect it writable = %s\n", mprotect(ro, PAGE, PROT_READ | PROT_WRITE) ? ename(errno) : "ok");
    }

    volatile uint64_t *values = mmap(NULL, array_len, PROT_READ | PROT_WRITE, MAP_SHARED, array, 0);
    if (values == MAP_FAILED) {
        printf("array mmap: %s\n", ename(errno));
        return 1;
    }
    printf("array maps as %s\n", maps_perms((void *)values));
    values[2 * 299] = 0xabcdef; /* element 299 through the mapping... */
    uint64_t v[2] = {0};
    elem(MAP_LOOKUP_ELEM, array, 299, v);
    printf("lookup(299) after a store through the mapping = %llx\n", (unsigned long long)v[0]);
    v[0] = 555;
    v[1] = 556;
    elem(MAP_UPDATE_ELEM, array, 5, v); /* ...and element 5 through the syscall */
    printf("mapping after update(5) = %llu %llu\n", (unsigned long long)values[10], (unsigned long long)values[11]);

    /* --- the ringbuf, mapped as libbpf's ring_buffer__add does --- */
    try_mmap("ringbuf producer page writable", PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ring, PAGE);
    try_mmap("ringbuf consumer+producer writable", 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ring, 0);
    try_mmap("ringbuf MAP_PRIVATE", PAGE, PROT_READ, MAP_PRIVATE, ring, 0);
    try_mmap("ringbuf past the double mapping", PAGE + 2 * RING_SIZE + PAGE, PROT_READ, MAP_SHARED, ring, PAGE);
    volatile uint64_t *consumer = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ring, 0);
    void *prod_area = mmap(NULL, PAGE + 2 * RING_SIZE, PROT_READ, MAP_SHARED, ring, PAGE);
    if (consumer == MAP_FAILED || prod_area == MAP_FAILED) {
        printf("ringbuf mmap: %s\n", ename(errno));
        return 1;
    }
    volatile uint64_t *producer = prod_area;
    unsigned char *data = (unsigned char *)prod_area + PAGE;
    printf("consumer page maps as %s, ", maps_perms((void *)consumer));
    printf("producer pages as %s\n", maps_perms(prod_area));
    printf("mprotect producer pages writable = %s\n",
           mprotect(prod_area, PAGE, PROT_READ | PROT_WRITE) ? ename(errno) : "ok");
    if (argc > 1 && strcmp(argv[1], "segv") == 0) {
        /* No handler: the store to the read-only producer page kills the process (SharedMemoryGuestTest). */
        printf("storing to the producer page at %p\n", (void *)producer);
        fflush(stdout);
        *(volatile uint64_t *)producer = 1;
        printf("the store went through\n");
        return 1;
    }

    /* r6 = &array[0]; seq = r6->seq++; rec = reserve(ring, 48); rec->seq = seq; rec->tag = r6->tag;
     * seq % 4 == 3 ? discard(rec) : submit(rec) */
    struct insn prog[] = {
        ST_W(10, -4, 0),
        LD_MAP_FD(1, array),
        MOV_X(2, 10),
        ADD_K(2, -4),
        CALL(1),
        JEQ_K(0, 0, 22),
        MOV_X(6, 0),
        LDX_DW(7, 6, 0),
        MOV_X(1, 7),
        ADD_K(1, 1),
        STX_DW(6, 0, 1),
        LD_MAP_FD(1, ring),
        MOV_K(2, RECORD),
        MOV_K(3, 0),
        CALL(131),
        JEQ_K(0, 0, 11),
        MOV_X(8, 0),
        STX_DW(8, 0, 7),
        LDX_DW(1, 6, 8),
        STX_DW(8, 8, 1),
        MOV_X(1, 8),
        MOV_K(2, 0),
        AND_K(7, 3),
        JEQ_K(7, 3, 2),
        CALL(132),
        JA(1),
        CALL(133),
        MOV_K(0, 0),
        EXIT(),
    };
    int pfd = prog_load(prog, sizeof prog / sizeof prog[0]);
    if (pfd < 0) {
        return 1;
    }
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN};
    epoll_ctl(ep, EPOLL_CTL_ADD, ring, &ev);

    values[0] = 100;          /* the program's seq, set through the mapping */
    values[1] = 0x7a67;       /* its tag */
    printf("run x10 = %ld\n", test_run(pfd, 10));
    printf("seq through the mapping after the runs = %llu\n", (unsigned long long)values[0]);
    elem(MAP_LOOKUP_ELEM, array, 0, v);
    printf("seq through lookup = %llu\n", (unsigned long long)v[0]);
    printf("epoll_wait before consuming = %d\n", epoll_wait(ep, &ev, 1, 0));
    printf("producer_pos = %llu\n", (unsigned long long)*producer);
    printf("consumed %d\n", consume(consumer, producer, data));
    printf("epoll_wait after consuming = %d\n", epoll_wait(ep, &ev, 1, 0));

    /* Fill to just below the end, consume, then records wrap past the end of the data area. */
    values[1] = 0xbeef;
    test_run(pfd, 60);
    printf("consumed %d\n", consume(consumer, producer, data));
    test_run(pfd, 12);
    printf("consumed %d (producer_pos %llu)\n", consume(consumer, producer, data), (unsigned long long)*producer);

    /* A full ring drops what does not fit (reserve returns NULL). */
    test_run(pfd, 100);
    printf("full ring: producer - consumer = %llu\n", (unsigned long long)(*producer - *consumer));
    consume(consumer, producer, data);

    /* A garbage consumer position: the kernel reserves nothing and is not confused. */
    uint64_t saved = *consumer;
    *consumer = *producer + 123456789;
    uint64_t before = *producer;
    test_run(pfd, 3);
    printf("garbage consumer_pos: producer moved by %llu\n", (unsigned long long)(*producer - before));
    *consumer = saved;
    test_run(pfd, 2);
    printf("restored: consumed %d\n", consume(consumer, producer, data));

    /* A store to the read-only producer page ends in SIGSEGV, as natively. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct sigaction sa = {0};
        sa.sa_sigaction = on_segv;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGSEGV, &sa, NULL);
        fault_target = (void *)producer;
        *(volatile uint64_t *)producer = 1;
        printf("child: the store went through\n");
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("child status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));

    /* A forked child's store to the array is the parent's at once (shared, not copied). */
    pid = fork();
    if (pid == 0) {
        values[2 * 7] = 4242;
        _exit(0);
    }
    waitpid(pid, &status, 0);
    elem(MAP_LOOKUP_ELEM, array, 7, v);
    printf("child's store through the inherited mapping: lookup(7) = %llu\n", (unsigned long long)v[0]);

    /* The mapping outlives the map fd (it holds the map). */
    close(array);
    values[1] = 0x5151;
    test_run(pfd, 2);
    printf("after close(array fd): consumed %d\n", consume(consumer, producer, data));
    return 0;
}

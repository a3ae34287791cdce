/*
 * BPF → userspace event rate: a timer program that emits PER_TICK ringbuf records on every tick,
 * drained by the blocking batch poll (BPF_EMU_POLL_BLOCK | BPF_EMU_POLL_BATCH), for MS milliseconds of guest time.
 * Prints "ringbuf_rate: N events in MS ms". The bench suite divides the difference of two runs'
 * event counts by the difference of their host wall times (events per host second).
 *
 * Usage: ringbuf_rate MS      (freestanding: minilib, no libc)
 *
 * The program is straight-line: PER_TICK copies of
 *   r1 = &events; r2 = fp-16; r3 = 16; r4 = 0; call bpf_ringbuf_output
 * after storing {tick count, ktime} at fp-16.
 */
#include "minilib.h"
#include "emu_bpf.h"

#define PER_TICK 1000
#define EVENTS_SIZE (64 * 1024) /* 24-byte records: room for 2730, more than one tick's worth */

struct event {
    __u64 seq;
    __u64 ktime;
};

static struct bpf_insn insns[6 + PER_TICK * 7 + 2];

static long count_arg(int argc, char **argv, long dflt) {
    if (argc < 2) return dflt;
    long n = 0;
    for (const char *p = argv[1]; *p; p++) {
        if (*p < '0' || *p > '9') return dflt;
        n = n * 10 + (*p - '0');
    }
    return n > 0 ? n : dflt;
}

static long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static long load_program(int events_fd) {
    int n = 0;
    insns[n++] = BPF_CALL_HELPER(BPF_FUNC_ktime_get_ns);
    insns[n++] = BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, -8);  /* ev.ktime */
    insns[n++] = BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, -16); /* ev.seq (any value) */
    for (int i = 0; i < PER_TICK; i++) {
        struct bpf_insn ld[] = {BPF_LD_MAP_FD(BPF_REG_1, events_fd)};
        insns[n++] = ld[0];
        insns[n++] = ld[1];
        insns[n++] = BPF_MOV64_REG(BPF_REG_2, BPF_REG_10);
        insns[n++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -16);
        insns[n++] = BPF_MOV64_IMM(BPF_REG_3, sizeof(struct event));
        insns[n++] = BPF_MOV64_IMM(BPF_REG_4, 0);
        insns[n++] = BPF_CALL_HELPER(BPF_FUNC_ringbuf_output);
    }
    insns[n++] = BPF_MOV64_IMM(BPF_REG_0, 0);
    insns[n++] = BPF_EXIT_INSN();

    /* No verifier log: a level-1 log of ~7000 instructions would not fit a small buffer. */
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.prog_type = BPF_PROG_TYPE_EMU_TIMER;
    a.expected_attach_type = BPF_EMU_TIMER;
    a.insns = (__u64)(unsigned long)insns;
    a.insn_cnt = (__u32)n;
    a.license = (__u64)(unsigned long)"GPL";
    memcpy(a.prog_name, "ringbuf_rate", 13);
    long fd = bpf(BPF_PROG_LOAD, &a, sizeof a);
    if (fd < 0) {
        printf("program load failed: %ld\n", fd);
    }
    return fd;
}

int main(int argc, char **argv, char **envp) {
    (void)envp;
    long ms = count_arg(argc, argv, 1000);

    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = BPF_MAP_TYPE_RINGBUF;
    a.max_entries = EVENTS_SIZE;
    memcpy(a.map_name, "events", 7);
    long events = bpf(BPF_MAP_CREATE, &a, sizeof a);
    if (events < 0) {
        printf("map creation failed: %ld\n", events);
        return 1;
    }
    long prog = load_program((int)events);
    if (prog < 0) return 1;

    memset(&a, 0, sizeof a);
    a.attach_bpf_fd = (__u32)prog;
    a.attach_type = BPF_EMU_TIMER;
    a.attach_flags = 1; /* every tick */
    long r = bpf(BPF_PROG_ATTACH, &a, sizeof a);
    if (r < 0) {
        printf("attach failed: %ld\n", r);
        return 1;
    }

    /* Drain in batches (BPF_EMU_POLL_BATCH): one bpf() call returns every record that fits. */
    static unsigned char batch[EVENTS_SIZE];
    long end = now_ns() + ms * 1000000L, got = 0;
    while (now_ns() < end) {
        long n = emu_ringbuf_poll((int)events, batch, sizeof batch, BPF_EMU_POLL_BLOCK | BPF_EMU_POLL_BATCH,
                                  100000000ULL, NULL);
        if (n < 0) {
            printf("poll failed: %ld\n", n);
            return 1;
        }
        for (long off = 0; off < n;) {
            __u32 len = *(__u32 *)(batch + off);
            if (len != sizeof(struct event)) {
                printf("corrupt record of %u bytes at %ld\n", len, off);
                return 1;
            }
            got++;
            off += EMU_RINGBUF_BATCH_NEXT(len);
        }
    }
    printf("ringbuf_rate: %ld events in %ld ms\n", got, ms);
    return 0;
}

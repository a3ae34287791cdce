/*
 * The BPF side shared by the bpf_loader and bpf_poll_block demos: the two
 * maps and the timer program, built as an array of struct bpf_insn.
 *
 * The program, on every timer tick it is attached to:
 *   counter = bpf_map_lookup_elem(&counters, &(u32){0}); if (!counter) return 0;
 *   struct event ev = { .counter = ++*counter, .ktime = bpf_ktime_get_ns() };
 *   bpf_ringbuf_output(&events, &ev, sizeof ev, 0);
 *   return 0;
 */
#ifndef BPF_DEMO_H
#define BPF_DEMO_H

#include "minilib.h"
#include "emu_bpf.h"

/* One ringbuf record. */
struct event {
    __u64 counter;
    __u64 ktime;
};

/* Ringbuf data size: four pages. */
#define EVENTS_SIZE (4096 * 4)

static long create_map(__u32 type, __u32 key_size, __u32 value_size, __u32 max_entries, const char *name) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = type;
    a.key_size = key_size;
    a.value_size = value_size;
    a.max_entries = max_entries;
    memcpy(a.map_name, name, strlen(name) + 1);
    return bpf(BPF_MAP_CREATE, &a, sizeof a);
}

/* Loads the tick program; on failure prints the verifier log. Returns the prog fd or -errno. */
static long load_tick_program(int counters_fd, int events_fd) {
    struct bpf_insn insns[] = {
        BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),              /* u32 key = 0 at fp-4 */
        BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
        BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),             /* r2 = &key */
        BPF_LD_MAP_FD(BPF_REG_1, counters_fd),             /* r1 = &counters */
        BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),
        BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 13),            /* NULL → return 0 */
        BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
        BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
        BPF_STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),      /* ++*counter */
        BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -24),   /* ev.counter at fp-24 */
        BPF_CALL_HELPER(BPF_FUNC_ktime_get_ns),
        BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, -16),   /* ev.ktime at fp-16 */
        BPF_LD_MAP_FD(BPF_REG_1, events_fd),               /* r1 = &events */
        BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
        BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -24),            /* r2 = &ev */
        BPF_MOV64_IMM(BPF_REG_3, sizeof(struct event)),
        BPF_MOV64_IMM(BPF_REG_4, 0),
        BPF_CALL_HELPER(BPF_FUNC_ringbuf_output),
        BPF_MOV64_IMM(BPF_REG_0, 0),
        BPF_EXIT_INSN(),
    };
    static char log[65536];
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.prog_type = BPF_PROG_TYPE_EMU_TIMER;
    a.expected_attach_type = BPF_EMU_TIMER;
    a.insns = (__u64)(unsigned long)insns;
    a.insn_cnt = sizeof insns / sizeof insns[0];
    a.license = (__u64)(unsigned long)"GPL";
    a.log_level = 1;
    a.log_buf = (__u64)(unsigned long)log;
    a.log_size = sizeof log;
    memcpy(a.prog_name, "tick_events", 12);
    long fd = bpf(BPF_PROG_LOAD, &a, sizeof a);
    if (fd < 0) {
        printf("program load failed: %ld\n--- verifier log ---\n%s--- end of log ---\n", fd, log);
    }
    return fd;
}

/* Attaches prog_fd to the timer, every `every` ticks. */
static long attach_to_timer(int prog_fd, __u32 every) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.target_fd = 0;
    a.attach_bpf_fd = (__u32)prog_fd;
    a.attach_type = BPF_EMU_TIMER;
    a.attach_flags = every;
    return bpf(BPF_PROG_ATTACH, &a, sizeof a);
}

/* argv[1] as a positive count, or `dflt`. */
static long count_arg(int argc, char **argv, long dflt) {
    if (argc < 2) return dflt;
    long n = 0;
    for (const char *p = argv[1]; *p; p++) {
        if (*p < '0' || *p > '9') return dflt;
        n = n * 10 + (*p - '0');
    }
    return n > 0 ? n : dflt;
}

#endif /* BPF_DEMO_H */

/*
 * Guest-side checks of the BPF subsystem (issue 6), one scenario per run:
 *
 *   bpf_guest_tests ringbuf_full     a timer program emits more than the ring holds while the
 *                                    consumer sleeps: drops are counted, no record is corrupted
 *   bpf_guest_tests reserve_discard  reserve/submit and reserve/discard from a program
 *   bpf_guest_tests detach_on_close  close(prog_fd) detaches: no more events
 *   bpf_guest_tests prog_detach      PROG_DETACH stops the program; a second one is -ENOENT
 *   bpf_guest_tests test_run         PROG_TEST_RUN: retval, data_out, duration
 *   bpf_guest_tests poll_errors      each error of the poll command
 *   bpf_guest_tests test_run_forever an endless PROG_TEST_RUN in a child does not freeze the kernel
 *
 * Each prints "key=value" lines the integration test (BpfGuestTest) asserts on, and "FAIL ..."
 * for a broken invariant. How drops are counted: the program counts them itself, as Linux BPF
 * programs do (bpf_ringbuf_output returns -EAGAIN when the ring is full), in slot 1 of an array
 * map the consumer reads with MAP_LOOKUP_ELEM; slot 0 counts attempts.
 */
#include "bpf_demo.h"

static long count_arg(int argc, char **argv, long dflt) __attribute__((unused));

#define BPF_JLT 0xa0
#define EAGAIN 11

static long sys_close(int fd) { return syscall1(3, fd); }

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static long lookup_u64(int map_fd, __u32 key, __u64 *value) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_fd = (__u32)map_fd;
    a.key = (__u64)(unsigned long)&key;
    a.value = (__u64)(unsigned long)value;
    return bpf(BPF_MAP_LOOKUP_ELEM, &a, sizeof a);
}

static long load(struct bpf_insn *insns, __u32 cnt, __u32 type) {
    static char log[65536];
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.prog_type = type;
    a.insns = (__u64)(unsigned long)insns;
    a.insn_cnt = cnt;
    a.license = (__u64)(unsigned long)"GPL";
    a.log_level = 1;
    a.log_buf = (__u64)(unsigned long)log;
    a.log_size = sizeof log;
    log[0] = 0;
    long fd = bpf(BPF_PROG_LOAD, &a, sizeof a);
    if (fd < 0) printf("FAIL load %ld\n%s\n", fd, log);
    return fd;
}

/* Slot `slot` of array map `fd` += 1, leaving the new value in r1 (r0 = value pointer). Clobbers r0-r5. */
#define COUNT_IN(fd, slot, skip_if_null)                         \
    BPF_ST_MEM(BPF_W, BPF_REG_10, -4, slot),                      \
    BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),                         \
    BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),                        \
    BPF_LD_MAP_FD(BPF_REG_1, fd),                                 \
    BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),                    \
    BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, skip_if_null),             \
    BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),                 \
    BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),                         \
    BPF_STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0)

/* Record of ringbuf_full: {n, ~n, n*3}, checked by the consumer. */
struct rec { __u64 n, inv, triple; };

static int ringbuf_full(void) {
    long counters = create_map(BPF_MAP_TYPE_ARRAY, 4, 8, 2, "counters");
    long ring = create_map(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, "small_ring");
    struct bpf_insn insns[] = {
        COUNT_IN((int)counters, 0, 28),                         /* r1 = ++attempts */
        BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -32),        /* rec.n */
        BPF_MOV64_REG(BPF_REG_2, BPF_REG_1),
        BPF_ALU64_IMM(0xa0 /* XOR */, BPF_REG_2, -1),
        BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -24),        /* rec.inv */
        BPF_MOV64_REG(BPF_REG_2, BPF_REG_1),
        BPF_ALU64_IMM(0x20 /* MUL */, BPF_REG_2, 3),
        BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -16),        /* rec.triple */
        BPF_LD_MAP_FD(BPF_REG_1, (int)ring),
        BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
        BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -32),
        BPF_MOV64_IMM(BPF_REG_3, sizeof(struct rec)),
        BPF_MOV64_IMM(BPF_REG_4, 0),
        BPF_CALL_HELPER(BPF_FUNC_ringbuf_output),
        BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 10),                 /* sent → done */
        COUNT_IN((int)counters, 1, 3),                          /* ++drops */
        BPF_MOV64_IMM(BPF_REG_0, 0),
        BPF_EXIT_INSN(),
    };
    long prog = load(insns, sizeof insns / sizeof insns[0], BPF_PROG_TYPE_EMU_TIMER);
    if (prog < 0 || attach_to_timer((int)prog, 1) != 0) return 1;
    sleep_ms(3000); /* ~300 ticks of 24+8 bytes: the 4096-byte ring holds 128 */
    long detached = sys_close((int)prog);
    struct rec r;
    long received = 0, bad = 0;
    __u64 last = 0;
    for (;;) {
        long n = emu_ringbuf_poll((int)ring, &r, sizeof r, 0, 0, NULL);
        if (n == 0) break;
        if (n != sizeof r) { printf("FAIL poll returned %ld\n", n); return 1; }
        if (r.inv != ~r.n || r.triple != r.n * 3 || r.n <= last) {
            printf("FAIL corrupt record n=%llu inv=%llx triple=%llu\n", r.n, r.inv, r.triple);
            bad++;
        }
        last = r.n;
        received++;
    }
    __u64 attempts = 0, drops = 0;
    lookup_u64((int)counters, 0, &attempts);
    lookup_u64((int)counters, 1, &drops);
    printf("close=%ld\nreceived=%ld\ndropped=%llu\nattempts=%llu\ncorrupt=%ld\nlast=%llu\n", detached, received,
           drops, attempts, bad, last);
    printf("consistent=%s\n", (__u64)received + drops == attempts ? "yes" : "no");
    return 0;
}

static int reserve_discard(void) {
    long counters = create_map(BPF_MAP_TYPE_ARRAY, 4, 8, 1, "counters");
    long ring = create_map(BPF_MAP_TYPE_RINGBUF, 0, 0, 4096, "ring");
    struct bpf_insn insns[] = {
        COUNT_IN((int)counters, 0, 18),                          /* r1 = ++n */
        BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
        BPF_LD_MAP_FD(BPF_REG_1, (int)ring),
        BPF_MOV64_IMM(BPF_REG_2, 8),
        BPF_MOV64_IMM(BPF_REG_3, 0),
        BPF_CALL_HELPER(BPF_FUNC_ringbuf_reserve),
        BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 8),                   /* NULL → return */
        BPF_STX_MEM(BPF_DW, BPF_REG_0, BPF_REG_6, 0),
        BPF_MOV64_REG(BPF_REG_1, BPF_REG_0),
        BPF_MOV64_IMM(BPF_REG_2, 0),
        BPF_ALU64_IMM(0x50 /* AND */, BPF_REG_6, 1),
        BPF_JMP_IMM(BPF_JEQ, BPF_REG_6, 0, 2),                   /* even → submit */
        BPF_CALL_HELPER(BPF_FUNC_ringbuf_discard),
        BPF_JMP_A(1),
        BPF_CALL_HELPER(BPF_FUNC_ringbuf_submit),
        BPF_MOV64_IMM(BPF_REG_0, 0),
        BPF_EXIT_INSN(),
    };
    long prog = load(insns, sizeof insns / sizeof insns[0], BPF_PROG_TYPE_EMU_TIMER);
    if (prog < 0 || attach_to_timer((int)prog, 1) != 0) return 1;
    long received = 0, odd = 0;
    __u64 last = 0, v;
    while (received < 10) {
        long n = emu_ringbuf_poll((int)ring, &v, sizeof v, 0, 0, NULL);
        if (n == 0) { sleep_ms(10); continue; }
        if (n != 8) { printf("FAIL poll returned %ld\n", n); return 1; }
        if (v & 1) odd++;
        if (v != last + 2) printf("FAIL expected %llu, got %llu\n", last + 2, v);
        last = v;
        received++;
    }
    printf("received=%ld\nodd=%ld\nlast=%llu\n", received, odd, last);
    return 0;
}

/* The demo program on the timer; waits for `want` events. Returns the events fd or -1. */
static long demo_attached(long *prog, long want) {
    long counters = create_map(BPF_MAP_TYPE_ARRAY, 4, 8, 1, "counters");
    long events = create_map(BPF_MAP_TYPE_RINGBUF, 0, 0, EVENTS_SIZE, "events");
    *prog = load_tick_program((int)counters, (int)events);
    if (*prog < 0 || attach_to_timer((int)*prog, 1) != 0) return -1;
    struct event ev;
    for (long got = 0; got < want;) {
        long n = emu_ringbuf_poll((int)events, &ev, sizeof ev, 0, 0, NULL);
        if (n == 0) sleep_ms(10);
        else got++;
    }
    return events;
}

static long drain(int fd) {
    struct event ev;
    long k = 0;
    while (emu_ringbuf_poll(fd, &ev, sizeof ev, 0, 0, NULL) > 0) k++;
    return k;
}

static int detach_on_close(void) {
    long prog;
    long events = demo_attached(&prog, 3);
    if (events < 0) return 1;
    printf("before_close=3\nclose=%ld\n", sys_close((int)prog));
    drain((int)events);
    sleep_ms(200);
    printf("after_close=%ld\n", drain((int)events));
    return 0;
}

static int prog_detach(void) {
    long prog;
    long events = demo_attached(&prog, 3);
    if (events < 0) return 1;
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.attach_bpf_fd = (__u32)prog;
    a.attach_type = BPF_EMU_TIMER;
    printf("detach=%ld\n", bpf(BPF_PROG_DETACH, &a, sizeof a));
    drain((int)events);
    sleep_ms(200);
    printf("after_detach=%ld\n", drain((int)events));
    printf("detach_again=%ld\n", bpf(BPF_PROG_DETACH, &a, sizeof a));
    printf("reattach=%ld\n", attach_to_timer((int)prog, 1));
    sleep_ms(100);
    printf("events_after_reattach=%s\n", drain((int)events) > 0 ? "yes" : "no");
    return 0;
}

static int test_run(void) {
    /* r0 = ctx->tick + ctx->pid; exit */
    struct bpf_insn insns[] = {
        BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
        BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, 16),
        BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
        BPF_EXIT_INSN(),
    };
    long prog = load(insns, 4, BPF_PROG_TYPE_EMU_TIMER);
    if (prog < 0) return 1;
    struct emu_timer_ctx in = {.tick = 40, .time_ns = 7, .pid = 2, .tid = 3, .rip = 0x401000};
    struct emu_timer_ctx out;
    memset(&out, 0, sizeof out);
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.test.prog_fd = (__u32)prog;
    a.test.ctx_in = (__u64)(unsigned long)&in;
    a.test.ctx_size_in = sizeof in;
    a.test.data_out = (__u64)(unsigned long)&out;
    a.test.data_size_out = sizeof out;
    a.test.repeat = 5;
    long r = bpf(BPF_PROG_TEST_RUN, &a, sizeof a);
    printf("test_run=%ld\nretval=%u\nduration=%u\ndata_size_out=%u\n", r, a.test.retval, a.test.duration,
           a.test.data_size_out);
    printf("data_out_matches=%s\n", memcmp(&in, &out, sizeof in) == 0 ? "yes" : "no");
    a.test.data_size_out = 8;
    memset(&out, 0, sizeof out);
    r = bpf(BPF_PROG_TEST_RUN, &a, sizeof a);
    printf("short_out=%ld\nshort_out_size=%u\nshort_out_prefix=%llu\n", r, a.test.data_size_out, out.tick);
    a.test.prog_fd = 0; /* stdin: not a program */
    printf("not_a_prog=%ld\n", bpf(BPF_PROG_TEST_RUN, &a, sizeof a));
    return 0;
}

/*
 * A PROG_TEST_RUN that would run for hours (repeat 2^32-1 of a 600-instruction loop) in a
 * child: the kernel must go on around it (the parent's sleep ends, it kills the child) instead
 * of freezing in the syscall.
 */
static int test_run_forever(void) {
    struct bpf_insn prog[] = {
        BPF_MOV64_IMM(BPF_REG_1, 0),
        BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1),
        BPF_JMP_IMM(BPF_JLT, BPF_REG_1, 300, -2),
        BPF_MOV64_IMM(BPF_REG_0, 7),
        BPF_EXIT_INSN(),
    };
    long fd = load(prog, sizeof prog / sizeof prog[0], BPF_PROG_TYPE_EMU_TIMER);
    if (fd < 0) return 1;
    long child = syscall0(57); /* fork */
    if (child == 0) {
        union bpf_attr a;
        memset(&a, 0, sizeof a);
        a.test.prog_fd = (__u32)fd;
        a.test.repeat = 0xffffffffu;
        long r = bpf(BPF_PROG_TEST_RUN, &a, sizeof a);
        printf("FAIL the endless test run returned %ld\n", r);
        return 1;
    }
    sleep_ms(50);
    printf("parent_ran=yes\n");
    syscall2(62, child, 15); /* kill(child, SIGTERM) */
    int status = 0;
    long w = syscall4(61, child, (long)&status, 0, 0); /* wait4 */
    printf("reaped=%s\nchild_signal=%d\n", w == child ? "yes" : "no", status & 0x7f);
    return 0;
}

static int poll_errors(void) {
    long prog;
    long events = demo_attached(&prog, 1);
    if (events < 0) return 1;
    sleep_ms(50); /* a few more records */
    sys_close((int)prog);
    long array = create_map(BPF_MAP_TYPE_ARRAY, 4, 8, 1, "array");
    char small[4];
    unsigned int needed = 0;
    /* A record is ready (the program ran at least twice before the close). */
    long enospc = emu_ringbuf_poll((int)events, small, sizeof small, 0, 0, &needed);
    printf("enospc=%ld\nneeded=%u\n", enospc, needed);
    printf("ebadf=%ld\n", emu_ringbuf_poll(999, small, sizeof small, 0, 0, NULL));
    printf("einval_not_a_bpf_fd=%ld\n", emu_ringbuf_poll(1, small, sizeof small, 0, 0, NULL));
    printf("einval_not_ringbuf=%ld\n", emu_ringbuf_poll((int)array, small, sizeof small, 0, 0, NULL));
    printf("einval_flags=%ld\n", emu_ringbuf_poll((int)events, small, sizeof small, 0x80, 0, NULL));
    printf("efault=%ld\n", emu_ringbuf_poll((int)events, (void *)16, sizeof(struct event), 0, 0, NULL));
    struct event ev;
    long n = emu_ringbuf_poll((int)events, &ev, sizeof ev, 0, 0, NULL);
    printf("after_errors=%ld\nfirst_counter=%llu\n", n, ev.counter);
    return 0;
}

int main(int argc, char **argv, char **envp) {
    (void)envp;
    if (argc < 2) {
        printf("usage: bpf_guest_tests SCENARIO\n");
        return 2;
    }
    const char *s = argv[1];
    if (!strcmp(s, "ringbuf_full")) return ringbuf_full();
    if (!strcmp(s, "reserve_discard")) return reserve_discard();
    if (!strcmp(s, "detach_on_close")) return detach_on_close();
    if (!strcmp(s, "prog_detach")) return prog_detach();
    if (!strcmp(s, "test_run")) return test_run();
    if (!strcmp(s, "poll_errors")) return poll_errors();
    if (!strcmp(s, "test_run_forever")) return test_run_forever();
    printf("unknown scenario %s\n", s);
    return 2;
}

/*
 * Map types, map commands and packet programs through raw bpf(2), natively (a root Linux host)
 * and under emu; BpfMapsDiffTest compares the two outputs line by line. One line per call:
 * "name = result" ("fd", a value, or "-1 ERRNO"), then what the call returned.
 *
 * Normalised where Linux and emu legitimately differ: fd numbers print as "fd", map ids are not
 * printed, per-CPU values are printed for CPU 0 only (the host has several possible CPUs, emu
 * one) after checking every CPU's copy, hash iteration order is not printed (sets are sorted),
 * PROG_TEST_RUN's duration is not printed.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_bpf(long cmd, void *attr, unsigned long size) { return syscall(SYS_bpf, cmd, attr, size); }

static const char *ename(int e) {
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case EFAULT: return "EFAULT";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case E2BIG: return "E2BIG";
    case ENOSPC: return "ENOSPC";
    case EACCES: return "EACCES";
    case ENODEV: return "ENODEV";
    case ENOTSUP: return "ENOTSUP";
    case 524: return "ENOTSUPP(524)";
    case ENOMEM: return "ENOMEM";
    default: { static char buf[32]; snprintf(buf, sizeof buf, "errno %d", e); return buf; }
    }
}

static long show(const char *name, long r, int is_fd) {
    if (r < 0) printf("%s = -1 %s\n", name, ename(errno));
    else if (is_fd) printf("%s = fd\n", name);
    else printf("%s = %ld\n", name, r);
    return r;
}

static char log_buf[65536];

static long prog_load(const char *name, const struct bpf_insn *insns, unsigned cnt, unsigned type) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.prog_type = type;
    a.insns = (unsigned long)insns;
    a.insn_cnt = cnt;
    a.license = (unsigned long)"GPL";
    a.log_buf = (unsigned long)log_buf;
    a.log_size = sizeof log_buf;
    a.log_level = 1;
    log_buf[0] = 0;
    long r = show(name, sys_bpf(BPF_PROG_LOAD, &a, sizeof a), 1);
    if (r < 0 && getenv("BPF_DIFF_LOG")) fprintf(stderr, "%s\n", log_buf);
    return r;
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i) INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define LDX(sz, d, s, o) INSN(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define STX(sz, d, s, o) INSN(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define ST(sz, d, o, i) INSN(BPF_ST | BPF_MEM | (sz), d, 0, o, i)
#define JMP_REG(op, d, s, o) INSN(BPF_JMP | (op) | BPF_X, d, s, o, 0)
#define JMP_IMM(op, d, i, o) INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define CALL(f) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define N(x) (sizeof(x) / sizeof((x)[0]))

static unsigned char pkt[64], out[128];
static unsigned char ctxbuf[256], ctxout[256];

/* PROG_TEST_RUN with data_in = pkt[0..size) and optional ctx; prints retval, size and output bytes. */
static void test_run(const char *name, long prog, unsigned size, void *ctx_in, unsigned ctx_size, unsigned out_size,
                     unsigned ctx_out_size) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    memset(out, 0xaa, sizeof out);
    memset(ctxout, 0xaa, sizeof ctxout);
    a.test.prog_fd = (unsigned)prog;
    a.test.data_in = (unsigned long)pkt;
    a.test.data_size_in = size;
    a.test.data_out = (unsigned long)out;
    a.test.data_size_out = out_size;
    a.test.ctx_in = (unsigned long)ctx_in;
    a.test.ctx_size_in = ctx_size;
    if (ctx_out_size) {
        a.test.ctx_out = (unsigned long)ctxout;
        a.test.ctx_size_out = ctx_out_size;
    }
    a.test.repeat = 2;
    long r = show(name, sys_bpf(BPF_PROG_TEST_RUN, &a, sizeof a), 0);
    if (r < 0 && errno != ENOSPC) return;
    printf("  retval %u data_size_out %u out", a.test.retval, a.test.data_size_out);
    unsigned n = a.test.data_size_out < sizeof out ? a.test.data_size_out : sizeof out;
    for (unsigned i = 0; i < n; i++) printf(" %02x", out[i]);
    printf("\n");
    if (ctx_out_size) {
        printf("  ctx_size_out %u ctx", a.test.ctx_size_out);
        for (unsigned i = 0; i < ctx_out_size && i < 192; i += 4) printf(" %x", *(unsigned *)(ctxout + i));
        printf("\n");
    }
}

static void packet_programs(void) {
    for (unsigned i = 0; i < sizeof pkt; i++) pkt[i] = (unsigned char)(i + 1);
    memset(pkt, 0, 6);       /* destination MAC: the loopback device's 00:00:00:00:00:00 */
    pkt[12] = 0x08;          /* ETH_P_IP */
    pkt[13] = 0x00;

    /* Socket filter: returns skb->len + (protocol << 16) ... r0 = len; r0 += protocol; r0 += pkt_type * 1000 */
    struct bpf_insn skb_fields[] = {
        LDX(BPF_W, 0, 1, 0),               /* len */
        LDX(BPF_W, 2, 1, 16),              /* protocol */
        INSN(BPF_ALU64 | BPF_LSH | BPF_K, 2, 0, 0, 16),
        INSN(BPF_ALU64 | BPF_ADD | BPF_X, 0, 2, 0, 0),
        LDX(BPF_W, 2, 1, 40),              /* ifindex */
        INSN(BPF_ALU64 | BPF_LSH | BPF_K, 2, 0, 0, 12),
        INSN(BPF_ALU64 | BPF_ADD | BPF_X, 0, 2, 0, 0),
        LDX(BPF_W, 2, 1, 4),               /* pkt_type */
        INSN(BPF_ALU64 | BPF_LSH | BPF_K, 2, 0, 0, 8),
        INSN(BPF_ALU64 | BPF_ADD | BPF_X, 0, 2, 0, 0),
        ST(BPF_W, 1, 48, 0x11223344),      /* cb[0] */
        LDX(BPF_B, 2, 1, 49),              /* narrow read of cb[0] */
        INSN(BPF_ALU64 | BPF_LSH | BPF_K, 2, 0, 0, 32),
        INSN(BPF_ALU64 | BPF_ADD | BPF_X, 0, 2, 0, 0),
        EXIT,
    };
    long sf = prog_load("socket filter reads __sk_buff", skb_fields, N(skb_fields), BPF_PROG_TYPE_SOCKET_FILTER);
    test_run("socket filter test run", sf, 64, NULL, 0, sizeof out, 0);
    test_run("socket filter data_size_out 20", sf, 64, NULL, 0, 20, 0);
    test_run("socket filter 13-byte packet", sf, 13, NULL, 0, sizeof out, 0);
    test_run("socket filter 33-byte IPv4 packet", sf, 33, NULL, 0, sizeof out, 0);
    test_run("socket filter 34-byte IPv4 packet", sf, 34, NULL, 0, sizeof out, 0);
    pkt[0] = 0xff; pkt[1] = 0xff; pkt[2] = 0xff; pkt[3] = 0xff; pkt[4] = 0xff; pkt[5] = 0xff;
    test_run("socket filter broadcast", sf, 40, NULL, 0, sizeof out, 0);
    pkt[5] = 0x02; pkt[0] = 0x02;
    test_run("socket filter other host", sf, 40, NULL, 0, sizeof out, 0);
    memset(pkt, 0, 6);
    memset(ctxbuf, 0, sizeof ctxbuf);
    *(unsigned *)(ctxbuf + 8) = 7;      /* mark */
    *(unsigned *)(ctxbuf + 32) = 5;     /* priority */
    *(unsigned *)(ctxbuf + 52) = 0x99;  /* cb[1] */
    test_run("socket filter ctx_in", sf, 40, ctxbuf, 192, sizeof out, 192);
    test_run("socket filter ctx_out short", sf, 40, ctxbuf, 192, sizeof out, 16);
    *(unsigned *)(ctxbuf + 0) = 1;      /* len: not settable */
    test_run("socket filter ctx_in with len", sf, 40, ctxbuf, 192, sizeof out, 0);
    *(unsigned *)(ctxbuf + 0) = 0;
    ctxbuf[200] = 1;
    test_run("socket filter ctx_in 256 bytes, non-zero tail", sf, 40, ctxbuf, 256, sizeof out, 0);
    ctxbuf[200] = 0;
    test_run("socket filter ctx_in 256 bytes, zero tail", sf, 40, ctxbuf, 256, sizeof out, 0);
    test_run("socket filter ctx_size_in without ctx_in", sf, 40, NULL, 192, sizeof out, 0);
    *(unsigned *)(ctxbuf + 160) = 10;   /* wire_len < len */
    test_run("socket filter wire_len short", sf, 40, ctxbuf, 192, sizeof out, 0);
    *(unsigned *)(ctxbuf + 160) = 0;

    struct bpf_insn bad_len_write[] = {ST(BPF_W, 1, 0, 1), MOV64_IMM(0, 0), EXIT};
    prog_load("socket filter writes len", bad_len_write, N(bad_len_write), BPF_PROG_TYPE_SOCKET_FILTER);
    struct bpf_insn bad_data[] = {LDX(BPF_W, 0, 1, 76), MOV64_IMM(0, 0), EXIT};
    prog_load("socket filter reads data", bad_data, N(bad_data), BPF_PROG_TYPE_SOCKET_FILTER);
    struct bpf_insn bad_misaligned[] = {LDX(BPF_H, 0, 1, 1), EXIT};
    prog_load("socket filter misaligned read", bad_misaligned, N(bad_misaligned), BPF_PROG_TYPE_SOCKET_FILTER);
    struct bpf_insn bad_off[] = {LDX(BPF_W, 0, 1, 1000), EXIT};
    prog_load("socket filter read off 1000", bad_off, N(bad_off), BPF_PROG_TYPE_SOCKET_FILTER);
    struct bpf_insn cb_dw[] = {ST(BPF_DW, 1, 56, 3), LDX(BPF_DW, 0, 1, 56), EXIT};
    long cbp = prog_load("socket filter 8-byte cb access", cb_dw, N(cb_dw), BPF_PROG_TYPE_SOCKET_FILTER);
    test_run("socket filter 8-byte cb test run", cbp, 40, NULL, 0, sizeof out, 0);

    /* bpf_skb_load_bytes(skb, off, fp-8, 4), returns the loaded word or the helper's error. */
    struct bpf_insn load_bytes[] = {
        MOV64_REG(6, 1),
        LDX(BPF_W, 2, 6, 36 - 36 + 48),    /* offset from cb[0] (set through ctx_in) */
        MOV64_REG(3, 10), ADD64_IMM(3, -8),
        MOV64_IMM(4, 4),
        CALL(BPF_FUNC_skb_load_bytes),
        JMP_IMM(BPF_JEQ, 0, 0, 1),
        EXIT,
        LDX(BPF_W, 0, 10, -8),
        EXIT,
    };
    long lb = prog_load("socket filter skb_load_bytes", load_bytes, N(load_bytes), BPF_PROG_TYPE_SOCKET_FILTER);
    memset(ctxbuf, 0, sizeof ctxbuf);
    *(unsigned *)(ctxbuf + 48) = 0;
    test_run("skb_load_bytes offset 0", lb, 64, ctxbuf, 192, sizeof out, 0);
    *(unsigned *)(ctxbuf + 48) = 46;
    test_run("skb_load_bytes offset 46 (last 4 bytes)", lb, 64, ctxbuf, 192, sizeof out, 0);
    *(unsigned *)(ctxbuf + 48) = 47;
    test_run("skb_load_bytes offset 47 (past the end)", lb, 64, ctxbuf, 192, sizeof out, 0);
    *(unsigned *)(ctxbuf + 48) = 0;

    /* sched_cls: direct packet access; writes byte 14 = len, returns the byte at data+12 */
    struct bpf_insn tc_direct[] = {
        LDX(BPF_W, 2, 1, 76),              /* data */
        LDX(BPF_W, 3, 1, 80),              /* data_end */
        MOV64_REG(4, 2), ADD64_IMM(4, 15),
        JMP_REG(BPF_JGT, 4, 3, 5),         /* data + 15 > data_end → out */
        LDX(BPF_W, 5, 1, 0),
        STX(BPF_B, 2, 5, 14),
        LDX(BPF_B, 0, 2, 12),
        ST(BPF_W, 1, 8, 77),               /* mark */
        EXIT,
        MOV64_IMM(0, 2),                   /* TC_ACT_SHOT */
        EXIT,
    };
    long tc = prog_load("sched_cls direct packet access", tc_direct, N(tc_direct), BPF_PROG_TYPE_SCHED_CLS);
    memset(ctxbuf, 0, sizeof ctxbuf);
    test_run("sched_cls test run", tc, 64, ctxbuf, 192, sizeof out, 192);
    test_run("sched_cls 34-byte packet", tc, 34, NULL, 0, sizeof out, 0);
    struct bpf_insn tc_unchecked[] = {LDX(BPF_W, 2, 1, 76), LDX(BPF_B, 0, 2, 0), EXIT};
    prog_load("sched_cls unchecked packet read", tc_unchecked, N(tc_unchecked), BPF_PROG_TYPE_SCHED_CLS);
    struct bpf_insn tc_past[] = {
        LDX(BPF_W, 2, 1, 76), LDX(BPF_W, 3, 1, 80),
        MOV64_REG(4, 2), ADD64_IMM(4, 4),
        JMP_REG(BPF_JGT, 4, 3, 2),
        LDX(BPF_W, 0, 2, 2),               /* reads bytes 2..5, only 4 proven */
        EXIT,
        MOV64_IMM(0, 0), EXIT,
    };
    prog_load("sched_cls read past the proven range", tc_past, N(tc_past), BPF_PROG_TYPE_SCHED_CLS);
    struct bpf_insn tc_end_arith[] = {LDX(BPF_W, 3, 1, 80), ADD64_IMM(3, 1), MOV64_IMM(0, 0), EXIT};
    prog_load("sched_cls arithmetic on data_end", tc_end_arith, N(tc_end_arith), BPF_PROG_TYPE_SCHED_CLS);
    struct bpf_insn tc_data8[] = {LDX(BPF_DW, 2, 1, 76), MOV64_IMM(0, 0), EXIT};
    prog_load("sched_cls 8-byte read of data", tc_data8, N(tc_data8), BPF_PROG_TYPE_SCHED_CLS);

    /* XDP: returns XDP_PASS (2) if the packet has >= 14 bytes, rewrites byte 0; reads ifindex, queue */
    struct bpf_insn xdp_prog[] = {
        LDX(BPF_W, 2, 1, 0),               /* data */
        LDX(BPF_W, 3, 1, 4),               /* data_end */
        MOV64_REG(4, 2), ADD64_IMM(4, 14),
        JMP_REG(BPF_JGT, 4, 3, 8),
        LDX(BPF_W, 5, 1, 12),              /* ingress_ifindex */
        STX(BPF_B, 2, 5, 0),
        LDX(BPF_W, 5, 1, 16),              /* rx_queue_index */
        STX(BPF_B, 2, 5, 1),
        LDX(BPF_W, 5, 1, 8),               /* data_meta */
        INSN(BPF_ALU64 | BPF_SUB | BPF_X, 2, 5, 0, 0),
        MOV64_IMM(0, 2),
        EXIT,
        MOV64_IMM(0, 1),                   /* XDP_DROP */
        EXIT,
    };
    long xdp = prog_load("xdp direct packet access", xdp_prog, N(xdp_prog), BPF_PROG_TYPE_XDP);
    test_run("xdp test run", xdp, 64, NULL, 0, sizeof out, 0);
    test_run("xdp data_size_out 10", xdp, 64, NULL, 0, 10, 0);
    memset(ctxbuf, 0, sizeof ctxbuf);
    *(unsigned *)(ctxbuf + 0) = 8;     /* data: 8 bytes of metadata first */
    *(unsigned *)(ctxbuf + 4) = 64;    /* data_end */
    test_run("xdp with 8 bytes of metadata", xdp, 64, ctxbuf, 24, sizeof out, 24);
    *(unsigned *)(ctxbuf + 0) = 6;
    test_run("xdp metadata length 6", xdp, 64, ctxbuf, 24, sizeof out, 0);
    *(unsigned *)(ctxbuf + 0) = 0;
    *(unsigned *)(ctxbuf + 16) = 1;
    test_run("xdp rx_queue_index without ifindex", xdp, 64, ctxbuf, 24, sizeof out, 0);
    *(unsigned *)(ctxbuf + 16) = 0;
    *(unsigned *)(ctxbuf + 20) = 1;
    test_run("xdp egress_ifindex", xdp, 64, ctxbuf, 24, sizeof out, 0);
    *(unsigned *)(ctxbuf + 20) = 0;
    test_run("xdp 13-byte packet", xdp, 13, NULL, 0, sizeof out, 0);
    struct bpf_insn xdp_write_ctx[] = {ST(BPF_W, 1, 12, 1), MOV64_IMM(0, 2), EXIT};
    prog_load("xdp writes ingress_ifindex", xdp_write_ctx, N(xdp_write_ctx), BPF_PROG_TYPE_XDP);
    struct bpf_insn xdp_narrow[] = {LDX(BPF_B, 0, 1, 12), EXIT};
    prog_load("xdp narrow read", xdp_narrow, N(xdp_narrow), BPF_PROG_TYPE_XDP);
    struct bpf_insn xdp_egress[] = {LDX(BPF_W, 0, 1, 20), EXIT};
    prog_load("xdp reads egress_ifindex", xdp_egress, N(xdp_egress), BPF_PROG_TYPE_XDP);
    close((int)sf); close((int)cbp); close((int)lb); close((int)tc); close((int)xdp);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    {
        union bpf_attr a;
        memset(&a, 0, sizeof a);
        a.map_type = BPF_MAP_TYPE_ARRAY;
        a.key_size = 4;
        a.value_size = 8;
        a.max_entries = 1;
        long fd = sys_bpf(BPF_MAP_CREATE, &a, sizeof a);
        if (fd < 0 && (errno == EPERM || errno == ENOSYS)) {
            printf("SKIP bpf() refused by this kernel: %s\n", strerror(errno));
            return 0;
        }
        close((int)fd);
    }
    packet_programs();
    printf("done\n");
    return 0;
}

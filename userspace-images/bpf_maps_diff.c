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

    /* LD_ABS / LD_IND: ethertype through SKF_LL_OFF, the IP header's first bytes, an indirect load */
    struct bpf_insn ld_abs[] = {
        MOV64_REG(6, 1),
        INSN(BPF_LD | BPF_ABS | BPF_H, 0, 0, 0, -0x200000 + 12),   /* ethertype */
        MOV64_REG(7, 0),
        INSN(BPF_ALU64 | BPF_LSH | BPF_K, 7, 0, 0, 16),
        INSN(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 0),                /* first network byte */
        INSN(BPF_ALU64 | BPF_OR | BPF_X, 7, 0, 0, 0),
        INSN(BPF_ALU64 | BPF_LSH | BPF_K, 7, 0, 0, 8),
        LDX(BPF_W, 8, 6, 48),                                      /* cb[0]: the indirect offset */
        INSN(BPF_LD | BPF_IND | BPF_B, 0, 8, 0, 1),
        INSN(BPF_ALU64 | BPF_OR | BPF_X, 7, 0, 0, 0),
        INSN(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, -0x100000 + 4),    /* network header + 4 */
        INSN(BPF_ALU64 | BPF_ADD | BPF_X, 0, 7, 0, 0),
        EXIT,
    };
    long la = prog_load("socket filter LD_ABS/LD_IND", ld_abs, N(ld_abs), BPF_PROG_TYPE_SOCKET_FILTER);
    memset(ctxbuf, 0, sizeof ctxbuf);
    test_run("LD_ABS test run", la, 64, ctxbuf, 192, sizeof out, 0);
    *(unsigned *)(ctxbuf + 48) = 48;     /* LD_IND at 48 + 1 = 49: the last of 50 network bytes */
    test_run("LD_IND last byte", la, 64, ctxbuf, 192, sizeof out, 0);
    *(unsigned *)(ctxbuf + 48) = 49;     /* past the end: the program returns 0 */
    test_run("LD_IND past the end", la, 64, ctxbuf, 192, sizeof out, 0);
    *(unsigned *)(ctxbuf + 48) = 0;
    long lt = prog_load("sched_cls LD_ABS", ld_abs, N(ld_abs), BPF_PROG_TYPE_SCHED_CLS);
    test_run("sched_cls LD_ABS test run", lt, 64, ctxbuf, 192, sizeof out, 0);
    struct bpf_insn ld_no_r6[] = {INSN(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 0), EXIT};
    prog_load("LD_ABS without R6", ld_no_r6, N(ld_no_r6), BPF_PROG_TYPE_SOCKET_FILTER);
    struct bpf_insn ld_r6_scalar[] = {MOV64_IMM(6, 0), INSN(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 0), EXIT};
    prog_load("LD_ABS with R6 a scalar", ld_r6_scalar, N(ld_r6_scalar), BPF_PROG_TYPE_SOCKET_FILTER);
    struct bpf_insn ld_clobber[] = {MOV64_REG(6, 1), INSN(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 0), MOV64_REG(0, 1), EXIT};
    prog_load("LD_ABS clobbers R1", ld_clobber, N(ld_clobber), BPF_PROG_TYPE_SOCKET_FILTER);
    struct bpf_insn ld_reserved[] = {MOV64_REG(6, 1), INSN(BPF_LD | BPF_ABS | BPF_B, 3, 0, 0, 0), EXIT};
    prog_load("LD_ABS dst r3", ld_reserved, N(ld_reserved), BPF_PROG_TYPE_SOCKET_FILTER);
    struct bpf_insn ld_dw[] = {MOV64_REG(6, 1), INSN(BPF_LD | BPF_ABS | BPF_DW, 0, 0, 0, 0), EXIT};
    prog_load("LD_ABS dw", ld_dw, N(ld_dw), BPF_PROG_TYPE_SOCKET_FILTER);
    prog_load("LD_ABS in XDP", ld_abs, N(ld_abs), BPF_PROG_TYPE_XDP);
    close((int)la); close((int)lt);

    /* bpf_skb_load_bytes_relative(skb, cb[0], fp-8, 4, cb[1]) */
    struct bpf_insn rel[] = {
        MOV64_REG(6, 1),
        LDX(BPF_W, 2, 6, 48), LDX(BPF_W, 5, 6, 52),
        MOV64_REG(3, 10), ADD64_IMM(3, -8),
        MOV64_IMM(4, 4),
        CALL(BPF_FUNC_skb_load_bytes_relative),
        JMP_IMM(BPF_JEQ, 0, 0, 1),
        EXIT,
        LDX(BPF_W, 0, 10, -8),
        EXIT,
    };
    static const unsigned rel_cases[][2] = {{0, 0}, {12, 0}, {0, 1}, {46, 1}, {47, 1}, {60, 0}, {61, 0}, {0, 2}, {0x10000, 0}};
    for (int t = 0; t < 2; t++) {
        long rf = prog_load(t ? "sched_cls skb_load_bytes_relative" : "socket filter skb_load_bytes_relative", rel, N(rel),
                            t ? BPF_PROG_TYPE_SCHED_CLS : BPF_PROG_TYPE_SOCKET_FILTER);
        for (unsigned i = 0; i < N(rel_cases); i++) {
            memset(ctxbuf, 0, sizeof ctxbuf);
            *(unsigned *)(ctxbuf + 48) = rel_cases[i][0];
            *(unsigned *)(ctxbuf + 52) = rel_cases[i][1];
            char name[80];
            snprintf(name, sizeof name, "  offset %u from %s", rel_cases[i][0],
                     rel_cases[i][1] == 0 ? "mac" : rel_cases[i][1] == 1 ? "net" : "header 2");
            union bpf_attr a;
            memset(&a, 0, sizeof a);
            a.test.prog_fd = (unsigned)rf;
            a.test.data_in = (unsigned long)pkt;
            a.test.data_size_in = 64;
            a.test.ctx_in = (unsigned long)ctxbuf;
            a.test.ctx_size_in = 192;
            if (show(name, sys_bpf(BPF_PROG_TEST_RUN, &a, sizeof a), 0) == 0) printf("    retval %d\n", (int)a.test.retval);
        }
        close((int)rf);
    }

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


static long map_create_x(const char *name, unsigned type, unsigned key, unsigned value, unsigned max, unsigned flags,
                         unsigned long long extra) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = type;
    a.key_size = key;
    a.value_size = value;
    a.max_entries = max;
    a.map_flags = flags;
    a.map_extra = extra;
    return show(name, sys_bpf(BPF_MAP_CREATE, &a, sizeof a), 1);
}

static long elem(const char *name, int cmd, long fd, const void *key, void *value, unsigned long long flags) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_fd = (unsigned)fd;
    a.key = (unsigned long)key;
    a.value = (unsigned long)value;
    a.flags = flags;
    return show(name, sys_bpf(cmd, &a, sizeof a), 0);
}

static int ncpus;

/* num_possible_cpus the way libbpf reads it: "0-N" or "0". */
static int possible_cpus(void) {
    FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
    int lo = 0, hi = 0;
    if (!f) return 1;
    int n = fscanf(f, "%d-%d", &lo, &hi);
    fclose(f);
    return n == 2 ? hi + 1 : lo + 1;
}

static void creation_checks(void) {
    long fd;
#define TRY(name, ...) do { fd = map_create_x(name, __VA_ARGS__); if (fd >= 0) close((int)fd); } while (0)
    TRY("percpu_array 4/8/4", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0, 0);
    TRY("percpu_array key 8", BPF_MAP_TYPE_PERCPU_ARRAY, 8, 8, 4, 0, 0);
    TRY("percpu_array value 32768", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 32768, 1, 0, 0);
    TRY("percpu_array value 32769", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 32769, 1, 0, 0);
    TRY("percpu_array mmapable", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, BPF_F_MMAPABLE, 0);
    TRY("percpu_hash 4/8/4", BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 4, 0, 0);
    TRY("percpu_hash no prealloc", BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 4, BPF_F_NO_PREALLOC, 0);
    TRY("percpu_hash no common lru", BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 4, BPF_F_NO_COMMON_LRU, 0);
    TRY("percpu_hash value 32769", BPF_MAP_TYPE_PERCPU_HASH, 4, 32769, 4, 0, 0);
    TRY("percpu_hash key 0", BPF_MAP_TYPE_PERCPU_HASH, 0, 8, 4, 0, 0);
    TRY("lru_hash 4/8/4", BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, 0, 0);
    TRY("lru_hash no prealloc", BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, BPF_F_NO_PREALLOC, 0);
    TRY("lru_hash no common lru", BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, BPF_F_NO_COMMON_LRU, 0);
    TRY("lru_hash mmapable", BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, BPF_F_MMAPABLE, 0);
    TRY("lru_percpu_hash 4/8/4", BPF_MAP_TYPE_LRU_PERCPU_HASH, 4, 8, 4, 0, 0);
    TRY("lru_percpu_hash max 0", BPF_MAP_TYPE_LRU_PERCPU_HASH, 4, 8, 0, 0, 0);
    TRY("lpm_trie 8/8/16 no prealloc", BPF_MAP_TYPE_LPM_TRIE, 8, 8, 16, BPF_F_NO_PREALLOC, 0);
    TRY("lpm_trie preallocated", BPF_MAP_TYPE_LPM_TRIE, 8, 8, 16, 0, 0);
    TRY("lpm_trie key 4", BPF_MAP_TYPE_LPM_TRIE, 4, 8, 16, BPF_F_NO_PREALLOC, 0);
    TRY("lpm_trie key 260", BPF_MAP_TYPE_LPM_TRIE, 260, 8, 16, BPF_F_NO_PREALLOC, 0);
    TRY("lpm_trie key 261", BPF_MAP_TYPE_LPM_TRIE, 261, 8, 16, BPF_F_NO_PREALLOC, 0);
    TRY("lpm_trie value 0", BPF_MAP_TYPE_LPM_TRIE, 8, 0, 16, BPF_F_NO_PREALLOC, 0);
    TRY("lpm_trie max 0", BPF_MAP_TYPE_LPM_TRIE, 8, 8, 0, BPF_F_NO_PREALLOC, 0);
    TRY("queue 0/8/4", BPF_MAP_TYPE_QUEUE, 0, 8, 4, 0, 0);
    TRY("queue key 4", BPF_MAP_TYPE_QUEUE, 4, 8, 4, 0, 0);
    TRY("queue value 0", BPF_MAP_TYPE_QUEUE, 0, 0, 4, 0, 0);
    TRY("queue no prealloc", BPF_MAP_TYPE_QUEUE, 0, 8, 4, BPF_F_NO_PREALLOC, 0);
    TRY("stack 0/8/4", BPF_MAP_TYPE_STACK, 0, 8, 4, 0, 0);
    TRY("stack max 0", BPF_MAP_TYPE_STACK, 0, 8, 0, 0, 0);
    TRY("bloom 0/4/100", BPF_MAP_TYPE_BLOOM_FILTER, 0, 4, 100, 0, 0);
    TRY("bloom map_extra 3", BPF_MAP_TYPE_BLOOM_FILTER, 0, 4, 100, 0, 3);
    TRY("bloom map_extra 16", BPF_MAP_TYPE_BLOOM_FILTER, 0, 4, 100, 0, 16);
    TRY("bloom key 4", BPF_MAP_TYPE_BLOOM_FILTER, 4, 4, 100, 0, 0);
    TRY("bloom value 0", BPF_MAP_TYPE_BLOOM_FILTER, 0, 0, 100, 0, 0);
    TRY("bloom no prealloc", BPF_MAP_TYPE_BLOOM_FILTER, 0, 4, 100, BPF_F_NO_PREALLOC, 0);
    TRY("hash map_extra 1", BPF_MAP_TYPE_HASH, 4, 4, 100, 0, 1);
#undef TRY
}

static void percpu_maps(void) {
    unsigned key = 1;
    unsigned long long vals[64], got[64];
    for (int i = 0; i < ncpus; i++) vals[i] = 0x1000 + 7;
    long arr = map_create_x("percpu_array 4/8/4", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0, 0);
    elem("percpu_array update", BPF_MAP_UPDATE_ELEM, arr, &key, vals, BPF_ANY);
    elem("percpu_array update noexist", BPF_MAP_UPDATE_ELEM, arr, &key, vals, BPF_NOEXIST);
    elem("percpu_array update lock", BPF_MAP_UPDATE_ELEM, arr, &key, vals, BPF_F_LOCK);
    memset(got, 0, sizeof got);
    elem("percpu_array lookup", BPF_MAP_LOOKUP_ELEM, arr, &key, got, 0);
    int same = 1;
    for (int i = 0; i < ncpus; i++) same &= got[i] == vals[i];
    printf("  cpu0 %llx all cpus equal %s\n", got[0], same ? "yes" : "no");
    elem("percpu_array delete", BPF_MAP_DELETE_ELEM, arr, &key, NULL, 0);
    key = 4;
    elem("percpu_array update key 4", BPF_MAP_UPDATE_ELEM, arr, &key, vals, BPF_ANY);
    elem("percpu_array lookup_and_delete", BPF_MAP_LOOKUP_AND_DELETE_ELEM, arr, &key, got, 0);

    /* value_size 4: each CPU's slot is 8 bytes */
    long h = map_create_x("percpu_hash 4/4/2", BPF_MAP_TYPE_PERCPU_HASH, 4, 4, 2, 0, 0);
    unsigned pv[128];
    for (int i = 0; i < ncpus; i++) { pv[2 * i] = 0x55; pv[2 * i + 1] = 0; }
    key = 9;
    elem("percpu_hash update", BPF_MAP_UPDATE_ELEM, h, &key, pv, BPF_ANY);
    key = 10;
    elem("percpu_hash update 10", BPF_MAP_UPDATE_ELEM, h, &key, pv, BPF_ANY);
    key = 11;
    elem("percpu_hash update 11 (full)", BPF_MAP_UPDATE_ELEM, h, &key, pv, BPF_ANY);
    key = 9;
    unsigned gv[128];
    memset(gv, 0xff, sizeof gv);
    elem("percpu_hash lookup", BPF_MAP_LOOKUP_ELEM, h, &key, gv, 0);
    printf("  cpu0 %x padding %x\n", gv[0], gv[1]);
    elem("percpu_hash lookup_and_delete", BPF_MAP_LOOKUP_AND_DELETE_ELEM, h, &key, gv, 0);
    elem("percpu_hash lookup after", BPF_MAP_LOOKUP_ELEM, h, &key, gv, 0);
    elem("percpu_hash lookup_and_delete lock", BPF_MAP_LOOKUP_AND_DELETE_ELEM, h, &key, gv, BPF_F_LOCK);
    key = 10;
    elem("percpu_hash lookup with BPF_F_LOCK", BPF_MAP_LOOKUP_ELEM, h, &key, gv, BPF_F_LOCK);
    key = 1;
    elem("percpu_array lookup with BPF_F_LOCK", BPF_MAP_LOOKUP_ELEM, arr, &key, got, BPF_F_LOCK);
    close((int)arr);
    close((int)h);
}

static void lru_maps(void) {
    long h = map_create_x("lru_hash 4/8/4", BPF_MAP_TYPE_LRU_HASH, 4, 8, 4, 0, 0);
    unsigned long long v = 1;
    int fails = 0;
    for (unsigned k = 1; k <= 40; k++) {
        union bpf_attr a;
        memset(&a, 0, sizeof a);
        a.map_fd = (unsigned)h;
        a.key = (unsigned long)&k;
        a.value = (unsigned long)&v;
        if (sys_bpf(BPF_MAP_UPDATE_ELEM, &a, sizeof a) < 0) fails++;
    }
    printf("lru_hash 40 inserts into 4 entries: failures %d\n", fails);
    unsigned k = 40, n = 0, cur, next;
    elem("lru_hash newest present", BPF_MAP_LOOKUP_ELEM, h, &k, &v, 0);
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_fd = (unsigned)h;
    a.next_key = (unsigned long)&next;
    while (sys_bpf(BPF_MAP_GET_NEXT_KEY, &a, sizeof a) == 0) {
        n++;
        cur = next;
        a.key = (unsigned long)&cur;
    }
    printf("  elements <= 4: %s\n", n <= 4 && n >= 1 ? "yes" : "no");
    elem("lru_hash update noexist existing", BPF_MAP_UPDATE_ELEM, h, &k, &v, BPF_NOEXIST);
    elem("lru_hash lookup_and_delete", BPF_MAP_LOOKUP_AND_DELETE_ELEM, h, &k, &v, 0);
    elem("lru_hash lookup_and_delete again", BPF_MAP_LOOKUP_AND_DELETE_ELEM, h, &k, &v, 0);
    close((int)h);
}

struct lpm_key { unsigned prefixlen; unsigned char data[4]; };

static void lpm_trie(void) {
    long t = map_create_x("lpm_trie 8/4/8", BPF_MAP_TYPE_LPM_TRIE, 8, 4, 8, BPF_F_NO_PREALLOC, 0);
    struct lpm_key keys[] = {
        {8, {10, 0, 0, 0}}, {16, {10, 1, 0, 0}}, {24, {10, 1, 2, 0}}, {16, {192, 168, 0, 0}},
        {0, {0, 0, 0, 0}}, {32, {10, 1, 2, 3}}, {16, {10, 128, 0, 0}}, {9, {10, 128, 0, 0}},
    };
    for (unsigned i = 0; i < N(keys); i++) {
        unsigned v = 100 + i;
        char name[64];
        snprintf(name, sizeof name, "lpm update %u.%u.%u.%u/%u", keys[i].data[0], keys[i].data[1], keys[i].data[2],
                 keys[i].data[3], keys[i].prefixlen);
        elem(name, BPF_MAP_UPDATE_ELEM, t, &keys[i], &v, BPF_ANY);
    }
    struct lpm_key extra = {12, {172, 16, 0, 0}};
    unsigned v = 1;
    elem("lpm update when full", BPF_MAP_UPDATE_ELEM, t, &extra, &v, BPF_ANY);
    elem("lpm update noexist existing", BPF_MAP_UPDATE_ELEM, t, &keys[1], &v, BPF_NOEXIST);
    extra.prefixlen = 33;
    elem("lpm update prefixlen 33", BPF_MAP_UPDATE_ELEM, t, &extra, &v, BPF_ANY);
    struct lpm_key q[] = {{32, {10, 1, 2, 3}}, {32, {10, 1, 2, 4}}, {32, {10, 1, 3, 4}}, {32, {10, 2, 0, 0}},
                          {32, {11, 0, 0, 0}}, {32, {10, 128, 5, 5}}, {32, {10, 129, 0, 0}}, {20, {10, 1, 2, 3}},
                          {33, {10, 1, 2, 3}}};
    for (unsigned i = 0; i < N(q); i++) {
        char name[64];
        unsigned got = 0;
        snprintf(name, sizeof name, "lpm lookup %u.%u.%u.%u/%u", q[i].data[0], q[i].data[1], q[i].data[2],
                 q[i].data[3], q[i].prefixlen);
        if (elem(name, BPF_MAP_LOOKUP_ELEM, t, &q[i], &got, 0) == 0) printf("  value %u\n", got);
    }
    /* get_next_key walk: Linux's order */
    struct lpm_key cur, next;
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_fd = (unsigned)t;
    a.next_key = (unsigned long)&next;
    printf("lpm walk:");
    while (sys_bpf(BPF_MAP_GET_NEXT_KEY, &a, sizeof a) == 0) {
        printf(" %u.%u.%u.%u/%u", next.data[0], next.data[1], next.data[2], next.data[3], next.prefixlen);
        cur = next;
        a.key = (unsigned long)&cur;
    }
    printf(" (%s)\n", ename(errno));
    elem("lpm delete 10.1.0.0/16", BPF_MAP_DELETE_ELEM, t, &keys[1], NULL, 0);
    elem("lpm delete again", BPF_MAP_DELETE_ELEM, t, &keys[1], NULL, 0);
    unsigned got = 0;
    if (elem("lpm lookup 10.1.9.9/32 after delete", BPF_MAP_LOOKUP_ELEM, t, &(struct lpm_key){32, {10, 1, 9, 9}}, &got, 0) == 0)
        printf("  value %u\n", got);
    elem("lpm lookup_and_delete", BPF_MAP_LOOKUP_AND_DELETE_ELEM, t, &keys[0], &got, 0);
    close((int)t);
}

static void queue_stack(void) {
    for (int stack = 0; stack < 2; stack++) {
        const char *n = stack ? "stack" : "queue";
        char name[80];
        snprintf(name, sizeof name, "%s 0/8/2", n);
        long q = map_create_x(name, stack ? BPF_MAP_TYPE_STACK : BPF_MAP_TYPE_QUEUE, 0, 8, 2, 0, 0);
        unsigned long long v, got;
        for (v = 1; v <= 3; v++) {
            snprintf(name, sizeof name, "%s push %llu", n, v);
            elem(name, BPF_MAP_UPDATE_ELEM, q, NULL, &v, BPF_ANY);
        }
        v = 4;
        snprintf(name, sizeof name, "%s push 4 with BPF_EXIST", n);
        elem(name, BPF_MAP_UPDATE_ELEM, q, NULL, &v, BPF_EXIST);
        snprintf(name, sizeof name, "%s push with BPF_NOEXIST", n);
        elem(name, BPF_MAP_UPDATE_ELEM, q, NULL, &v, BPF_NOEXIST);
        snprintf(name, sizeof name, "%s peek", n);
        if (elem(name, BPF_MAP_LOOKUP_ELEM, q, NULL, &got, 0) == 0) printf("  value %llu\n", got);
        snprintf(name, sizeof name, "%s pop with flags", n);
        elem(name, BPF_MAP_LOOKUP_AND_DELETE_ELEM, q, NULL, &got, BPF_F_LOCK);
        for (int i = 0; i < 3; i++) {
            snprintf(name, sizeof name, "%s pop", n);
            if (elem(name, BPF_MAP_LOOKUP_AND_DELETE_ELEM, q, NULL, &got, 0) == 0) printf("  value %llu\n", got);
        }
        snprintf(name, sizeof name, "%s delete", n);
        elem(name, BPF_MAP_DELETE_ELEM, q, NULL, NULL, 0);
        snprintf(name, sizeof name, "%s get_next_key", n);
        elem(name, BPF_MAP_GET_NEXT_KEY, q, NULL, &got, 0);
        close((int)q);
    }
}

static void bloom(void) {
    long b = map_create_x("bloom 0/4/100 zero seed, 3 hashes", BPF_MAP_TYPE_BLOOM_FILTER, 0, 4, 100, BPF_F_ZERO_SEED, 3);
    unsigned v;
    for (v = 0; v < 100; v += 2) {
        union bpf_attr a;
        memset(&a, 0, sizeof a);
        a.map_fd = (unsigned)b;
        a.value = (unsigned long)&v;
        if (sys_bpf(BPF_MAP_UPDATE_ELEM, &a, sizeof a) < 0) printf("bloom push %u failed\n", v);
    }
    v = 1;
    elem("bloom push with BPF_EXIST", BPF_MAP_UPDATE_ELEM, b, NULL, &v, BPF_EXIST);
    unsigned missing = 0, positives = 0;
    for (v = 0; v < 2000; v++) {
        union bpf_attr a;
        memset(&a, 0, sizeof a);
        a.map_fd = (unsigned)b;
        unsigned copy = v;
        a.value = (unsigned long)&copy;
        long r = sys_bpf(BPF_MAP_LOOKUP_ELEM, &a, sizeof a);
        if (v < 100 && v % 2 == 0 && r != 0) missing++;
        if ((v >= 100 || v % 2) && r == 0) positives++;
    }
    printf("bloom: pushed values reported absent %u, false positives among 1950 others %u\n", missing, positives);
    v = 0;
    elem("bloom delete", BPF_MAP_DELETE_ELEM, b, NULL, &v, 0);
    elem("bloom get_next_key", BPF_MAP_GET_NEXT_KEY, b, NULL, &v, 0);
    elem("bloom lookup_and_delete", BPF_MAP_LOOKUP_AND_DELETE_ELEM, b, NULL, &v, 0);
    close((int)b);
}

static void lookup_and_delete_elem(void) {
    long arr = map_create_x("array 4/8/2", BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0, 0);
    unsigned k = 0;
    unsigned long long v = 5;
    elem("array lookup_and_delete", BPF_MAP_LOOKUP_AND_DELETE_ELEM, arr, &k, &v, 0);
    long h = map_create_x("hash 4/8/2", BPF_MAP_TYPE_HASH, 4, 8, 2, 0, 0);
    elem("hash update", BPF_MAP_UPDATE_ELEM, h, &k, &v, BPF_ANY);
    v = 0;
    if (elem("hash lookup_and_delete", BPF_MAP_LOOKUP_AND_DELETE_ELEM, h, &k, &v, 0) == 0) printf("  value %llu\n", v);
    elem("hash lookup_and_delete missing", BPF_MAP_LOOKUP_AND_DELETE_ELEM, h, &k, &v, 0);
    elem("hash lookup_and_delete flags 8", BPF_MAP_LOOKUP_AND_DELETE_ELEM, h, &k, &v, 8);
    long ro = map_create_x("hash rdonly", BPF_MAP_TYPE_HASH, 4, 8, 2, BPF_F_RDONLY, 0);
    elem("hash rdonly lookup_and_delete", BPF_MAP_LOOKUP_AND_DELETE_ELEM, ro, &k, &v, 0);
    close((int)arr); close((int)h); close((int)ro);
}

static long batch(const char *name, int cmd, long fd, void *in, void *out, void *keys, void *values, unsigned *count,
                  unsigned long long elem_flags, unsigned long long flags) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.batch.map_fd = (unsigned)fd;
    a.batch.in_batch = (unsigned long)in;
    a.batch.out_batch = (unsigned long)out;
    a.batch.keys = (unsigned long)keys;
    a.batch.values = (unsigned long)values;
    a.batch.count = *count;
    a.batch.elem_flags = elem_flags;
    a.batch.flags = flags;
    long r = show(name, sys_bpf(cmd, &a, sizeof a), 0);
    *count = a.batch.count;
    return r;
}

static int cmp_u32(const void *a, const void *b) {
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

static void batches(void) {
    unsigned keys[64], out_keys[64], count, tok_in, tok_out;
    unsigned long long vals[64], out_vals[64 * 8];
    long h = map_create_x("hash 4/8/16 zero seed", BPF_MAP_TYPE_HASH, 4, 8, 16, BPF_F_ZERO_SEED, 0);
    for (unsigned i = 0; i < 10; i++) { keys[i] = i * 7 + 1; vals[i] = 1000 + i; }
    count = 10;
    batch("hash update batch", BPF_MAP_UPDATE_BATCH, h, NULL, NULL, keys, vals, &count, 0, 0);
    printf("  count %u\n", count);
    count = 2;
    batch("hash update batch elem_flags NOEXIST", BPF_MAP_UPDATE_BATCH, h, NULL, NULL, keys, vals, &count, BPF_NOEXIST, 0);
    printf("  count %u\n", count);
    /* Walk with count 3: return value, count, the bucket token, the keys (sorted) */
    void *in = NULL;
    for (int round = 0; round < 10; round++) {
        count = 3;
        long r = batch("hash lookup batch count 3", BPF_MAP_LOOKUP_BATCH, h, in, &tok_out, out_keys, out_vals, &count, 0, 0);
        qsort(out_keys, count, sizeof(unsigned), cmp_u32);
        printf("  count %u token %u keys", count, r == 0 || errno == ENOENT ? tok_out : 0);
        for (unsigned i = 0; i < count; i++) printf(" %u", out_keys[i]);
        printf("\n");
        if (r < 0) break;
        tok_in = tok_out;
        in = &tok_in;
    }
    count = 1;
    tok_in = 0;
    batch("hash lookup batch flags 1", BPF_MAP_LOOKUP_BATCH, h, NULL, &tok_out, out_keys, out_vals, &count, 0, 1);
    batch("hash lookup batch elem_flags 2", BPF_MAP_LOOKUP_BATCH, h, NULL, &tok_out, out_keys, out_vals, &count, 2, 0);
    count = 0;
    batch("hash lookup batch count 0", BPF_MAP_LOOKUP_BATCH, h, NULL, &tok_out, out_keys, out_vals, &count, 0, 0);
    tok_in = 16;
    count = 4;
    batch("hash lookup batch token 16", BPF_MAP_LOOKUP_BATCH, h, &tok_in, &tok_out, out_keys, out_vals, &count, 0, 0);
    printf("  count %u\n", count);
    count = 64;
    long r = batch("hash lookup_and_delete batch", BPF_MAP_LOOKUP_AND_DELETE_BATCH, h, NULL, &tok_out, out_keys, out_vals, &count, 0, 0);
    qsort(out_keys, count, sizeof(unsigned), cmp_u32);
    printf("  count %u token %u keys", count, r == 0 || errno == ENOENT ? tok_out : 0);
    for (unsigned i = 0; i < count; i++) printf(" %u", out_keys[i]);
    printf("\n");
    count = 3;
    batch("hash update batch again", BPF_MAP_UPDATE_BATCH, h, NULL, NULL, keys, vals, &count, 0, 0);
    keys[1] = 999;
    count = 3;
    batch("hash delete batch (second key missing)", BPF_MAP_DELETE_BATCH, h, NULL, NULL, keys, NULL, &count, 0, 0);
    printf("  count %u\n", count);

    long arr = map_create_x("array 4/8/5", BPF_MAP_TYPE_ARRAY, 4, 8, 5, 0, 0);
    for (unsigned i = 0; i < 5; i++) { keys[i] = i; vals[i] = 50 + i; }
    keys[3] = 7;
    count = 5;
    batch("array update batch (key 7 out of range)", BPF_MAP_UPDATE_BATCH, arr, NULL, NULL, keys, vals, &count, 0, 0);
    printf("  count %u\n", count);
    unsigned kin = 0, kout = 0;
    in = NULL;
    for (int round = 0; round < 4; round++) {
        count = 2;
        r = batch("array lookup batch count 2", BPF_MAP_LOOKUP_BATCH, arr, in, &kout, out_keys, out_vals, &count, 0, 0);
        printf("  count %u out_batch %u", count, kout);
        for (unsigned i = 0; i < count; i++) printf(" %u=%llu", out_keys[i], out_vals[i]);
        printf("\n");
        if (r < 0) break;
        kin = kout;
        in = &kin;
    }
    count = 1;
    batch("array delete batch", BPF_MAP_DELETE_BATCH, arr, NULL, NULL, keys, NULL, &count, 0, 0);
    batch("array lookup_and_delete batch", BPF_MAP_LOOKUP_AND_DELETE_BATCH, arr, NULL, &kout, out_keys, out_vals, &count, 0, 0);
    count = 1;
    batch("array lookup batch flags 1", BPF_MAP_LOOKUP_BATCH, arr, NULL, &kout, out_keys, out_vals, &count, 0, 1);

    long pa = map_create_x("percpu_array 4/4/3", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 3, 0, 0);
    count = 3;
    r = batch("percpu_array lookup batch", BPF_MAP_LOOKUP_BATCH, pa, NULL, &kout, out_keys, out_vals, &count, 0, 0);
    printf("  count %u\n", count);

    long q = map_create_x("queue 0/8/4", BPF_MAP_TYPE_QUEUE, 0, 8, 4, 0, 0);
    count = 1;
    batch("queue lookup batch", BPF_MAP_LOOKUP_BATCH, q, NULL, &kout, out_keys, out_vals, &count, 0, 0);
    batch("queue update batch", BPF_MAP_UPDATE_BATCH, q, NULL, NULL, keys, vals, &count, 0, 0);
    long lpm = map_create_x("lpm 8/4/4", BPF_MAP_TYPE_LPM_TRIE, 8, 4, 4, BPF_F_NO_PREALLOC, 0);
    struct lpm_key lk[2] = {{8, {10, 0, 0, 0}}, {16, {10, 1, 0, 0}}};
    unsigned lv[2] = {1, 2};
    count = 2;
    batch("lpm update batch", BPF_MAP_UPDATE_BATCH, lpm, NULL, NULL, lk, lv, &count, 0, 0);
    struct lpm_key lout[4], lkout;
    count = 4;
    batch("lpm lookup batch", BPF_MAP_LOOKUP_BATCH, lpm, NULL, &lkout, lout, out_vals, &count, 0, 0);
    printf("  count %u first %u.%u/%u\n", count, lout[0].data[0], lout[0].data[1], lout[0].prefixlen);
    count = 2;
    batch("lpm delete batch", BPF_MAP_DELETE_BATCH, lpm, NULL, NULL, lk, NULL, &count, 0, 0);
    printf("  count %u\n", count);
    close((int)h); close((int)arr); close((int)pa); close((int)q); close((int)lpm);
}

/* Helpers from a program: push/pop/peek on a queue, a per-CPU array and an LPM trie lookup. */
static void program_maps(void) {
    long q = map_create_x("queue for a program", BPF_MAP_TYPE_QUEUE, 0, 8, 4, 0, 0);
    long pa = map_create_x("percpu_array for a program", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0, 0);
    struct bpf_insn prog[] = {
        /* push 41 and 42, pop into fp-8, peek into fp-16: r0 = popped * 100 + peeked */
        ST(BPF_DW, 10, -8, 41),
        INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, (int)q), INSN(0, 0, 0, 0, 0),
        MOV64_REG(2, 10), ADD64_IMM(2, -8), MOV64_IMM(3, 0),
        CALL(BPF_FUNC_map_push_elem),
        ST(BPF_DW, 10, -8, 42),
        INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, (int)q), INSN(0, 0, 0, 0, 0),
        MOV64_REG(2, 10), ADD64_IMM(2, -8), MOV64_IMM(3, 0),
        CALL(BPF_FUNC_map_push_elem),
        INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, (int)q), INSN(0, 0, 0, 0, 0),
        MOV64_REG(2, 10), ADD64_IMM(2, -8),
        CALL(BPF_FUNC_map_pop_elem),
        INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, (int)q), INSN(0, 0, 0, 0, 0),
        MOV64_REG(2, 10), ADD64_IMM(2, -16),
        CALL(BPF_FUNC_map_peek_elem),
        /* per-CPU array element 0 += 1 */
        ST(BPF_W, 10, -20, 0),
        INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, (int)pa), INSN(0, 0, 0, 0, 0),
        MOV64_REG(2, 10), ADD64_IMM(2, -20),
        CALL(BPF_FUNC_map_lookup_elem),
        JMP_IMM(BPF_JEQ, 0, 0, 3),
        LDX(BPF_DW, 1, 0, 0), ADD64_IMM(1, 1), STX(BPF_DW, 0, 1, 0),
        LDX(BPF_DW, 0, 10, -8),
        INSN(BPF_ALU64 | BPF_MUL | BPF_K, 0, 0, 0, 100),
        LDX(BPF_DW, 1, 10, -16),
        INSN(BPF_ALU64 | BPF_ADD | BPF_X, 0, 1, 0, 0),
        EXIT,
    };
    long p = prog_load("program with queue and per-CPU array helpers", prog, N(prog), BPF_PROG_TYPE_SOCKET_FILTER);
    memset(pkt, 0, sizeof pkt);
    test_run("queue program test run (repeat 2)", p, 64, NULL, 0, sizeof out, 0);
    unsigned k = 0;
    unsigned long long got[64];
    if (elem("per-CPU counter after the runs", BPF_MAP_LOOKUP_ELEM, pa, &k, got, 0) == 0) {
        unsigned long long sum = 0;
        for (int i = 0; i < ncpus; i++) sum += got[i];
        printf("  sum over the CPUs %llu\n", sum);
    }
    struct bpf_insn bad[] = {
        ST(BPF_W, 10, -4, 0),
        INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, (int)q), INSN(0, 0, 0, 0, 0),
        MOV64_REG(2, 10), ADD64_IMM(2, -4),
        CALL(BPF_FUNC_map_lookup_elem),
        MOV64_IMM(0, 0), EXIT,
    };
    prog_load("map_lookup_elem on a queue", bad, N(bad), BPF_PROG_TYPE_SOCKET_FILTER);
    struct bpf_insn bad2[] = {
        INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, (int)pa), INSN(0, 0, 0, 0, 0),
        MOV64_REG(2, 10), ADD64_IMM(2, -8),
        CALL(BPF_FUNC_map_pop_elem),
        MOV64_IMM(0, 0), EXIT,
    };
    prog_load("map_pop_elem on an array", bad2, N(bad2), BPF_PROG_TYPE_SOCKET_FILTER);
    close((int)p); close((int)q); close((int)pa);
}


static unsigned map_id(long fd) {
    struct bpf_map_info info;
    memset(&info, 0, sizeof info);
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.info.bpf_fd = (unsigned)fd;
    a.info.info_len = sizeof info;
    a.info.info = (unsigned long)&info;
    return sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof a) == 0 ? info.id : 0;
}

static long map_in_map_create(const char *name, unsigned type, unsigned key, unsigned value, unsigned max, int inner) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = type;
    a.key_size = key;
    a.value_size = value;
    a.max_entries = max;
    a.inner_map_fd = (unsigned)inner;
    return show(name, sys_bpf(BPF_MAP_CREATE, &a, sizeof a), 1);
}

static void maps_of_maps(void) {
    long inner = map_create_x("inner array 4/8/1", BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, 0);
    long other = map_create_x("other array 4/8/2", BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0, 0);
    long fd;
    fd = map_in_map_create("array_of_maps value 8", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 8, 2, (int)inner);
    if (fd >= 0) close((int)fd);
    fd = map_in_map_create("array_of_maps inner fd 999", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 999);
    if (fd >= 0) close((int)fd);
    fd = map_in_map_create("array_of_maps inner fd 0 (not a map)", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0);
    if (fd >= 0) close((int)fd);
    long outer = map_in_map_create("array_of_maps 4/4/2", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, (int)inner);
    fd = map_in_map_create("array_of_maps of array_of_maps", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, (int)outer);
    if (fd >= 0) close((int)fd);
    long houter = map_in_map_create("hash_of_maps 4/4/2", BPF_MAP_TYPE_HASH_OF_MAPS, 4, 4, 2, (int)inner);
    unsigned k = 0, v = (unsigned)inner, got = 0;
    elem("array_of_maps update", BPF_MAP_UPDATE_ELEM, outer, &k, &v, BPF_ANY);
    elem("array_of_maps update noexist", BPF_MAP_UPDATE_ELEM, outer, &k, &v, BPF_NOEXIST);
    if (elem("array_of_maps lookup", BPF_MAP_LOOKUP_ELEM, outer, &k, &got, 0) == 0)
        printf("  value is the inner map's id: %s\n", got == map_id(inner) ? "yes" : "no");
    v = (unsigned)other;
    elem("array_of_maps update with a different max_entries", BPF_MAP_UPDATE_ELEM, outer, &k, &v, BPF_ANY);
    v = 999;
    elem("array_of_maps update with fd 999", BPF_MAP_UPDATE_ELEM, outer, &k, &v, BPF_ANY);
    k = 2;
    v = (unsigned)inner;
    elem("array_of_maps update index 2", BPF_MAP_UPDATE_ELEM, outer, &k, &v, BPF_ANY);
    k = 1;
    elem("array_of_maps lookup empty slot", BPF_MAP_LOOKUP_ELEM, outer, &k, &got, 0);
    elem("array_of_maps delete empty slot", BPF_MAP_DELETE_ELEM, outer, &k, NULL, 0);
    k = 7;
    elem("hash_of_maps update", BPF_MAP_UPDATE_ELEM, houter, &k, &v, BPF_ANY);
    elem("hash_of_maps update noexist", BPF_MAP_UPDATE_ELEM, houter, &k, &v, BPF_NOEXIST);
    if (elem("hash_of_maps lookup", BPF_MAP_LOOKUP_ELEM, houter, &k, &got, 0) == 0)
        printf("  value is the inner map's id: %s\n", got == map_id(inner) ? "yes" : "no");
    unsigned keys[2], vals[2], count = 2, tok;
    batch("hash_of_maps lookup batch", BPF_MAP_LOOKUP_BATCH, houter, NULL, &tok, keys, vals, &count, 0, 0);
    printf("  count %u key %u value is the id: %s\n", count, keys[0], vals[0] == map_id(inner) ? "yes" : "no");
    count = 2;
    batch("array_of_maps lookup batch", BPF_MAP_LOOKUP_BATCH, outer, NULL, &tok, keys, vals, &count, 0, 0);
    printf("  count %u key %u value is the id: %s\n", count, keys[0], vals[0] == map_id(inner) ? "yes" : "no");
    count = 1;
    vals[0] = (unsigned)inner;
    keys[0] = 1;
    batch("array_of_maps update batch", BPF_MAP_UPDATE_BATCH, outer, NULL, NULL, keys, vals, &count, 0, 0);
    printf("  count %u\n", count);
    count = 1;
    batch("array_of_maps delete batch", BPF_MAP_DELETE_BATCH, outer, NULL, NULL, keys, NULL, &count, 0, 0);
    count = 1;
    keys[0] = 8;
    batch("hash_of_maps update batch", BPF_MAP_UPDATE_BATCH, houter, NULL, NULL, keys, vals, &count, 0, 0);
    printf("  count %u\n", count);
    count = 1;
    batch("hash_of_maps delete batch", BPF_MAP_DELETE_BATCH, houter, NULL, NULL, keys, NULL, &count, 0, 0);
    printf("  count %u\n", count);
    count = 2;
    batch("hash_of_maps lookup_and_delete batch", BPF_MAP_LOOKUP_AND_DELETE_BATCH, houter, NULL, &tok, keys, vals, &count, 0, 0);
    elem("hash_of_maps delete", BPF_MAP_DELETE_ELEM, houter, &k, NULL, 0);

    /* The inner array's element 0 = 77; a program reads it through the outer map. */
    unsigned long long val = 77;
    k = 0;
    elem("inner update", BPF_MAP_UPDATE_ELEM, inner, &k, &val, BPF_ANY);
    close((int)inner); /* the outer map keeps it alive */
    struct bpf_insn prog[] = {
        ST(BPF_W, 10, -4, 0),
        INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, (int)outer), INSN(0, 0, 0, 0, 0),
        MOV64_REG(2, 10), ADD64_IMM(2, -4),
        CALL(BPF_FUNC_map_lookup_elem),
        JMP_IMM(BPF_JEQ, 0, 0, 7),
        MOV64_REG(1, 0),
        MOV64_REG(2, 10), ADD64_IMM(2, -4),
        CALL(BPF_FUNC_map_lookup_elem),
        JMP_IMM(BPF_JEQ, 0, 0, 2),
        LDX(BPF_DW, 0, 0, 0),
        EXIT,
        MOV64_IMM(0, 1), EXIT,
    };
    long p = prog_load("program looks up through array_of_maps", prog, N(prog), BPF_PROG_TYPE_SOCKET_FILTER);
    memset(pkt, 0, sizeof pkt);
    test_run("map-in-map test run", p, 64, NULL, 0, sizeof out, 0);
    /* (Reading through the inner map pointer is struct bpf_map access with BTF on Linux; emu refuses it.) */
    struct bpf_insn upd[] = {
        ST(BPF_W, 10, -4, 0),
        ST(BPF_W, 10, -8, 0),
        INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, (int)outer), INSN(0, 0, 0, 0, 0),
        MOV64_REG(2, 10), ADD64_IMM(2, -4),
        MOV64_REG(3, 10), ADD64_IMM(3, -8),
        MOV64_IMM(4, 0),
        CALL(BPF_FUNC_map_update_elem),
        MOV64_IMM(0, 0), EXIT,
    };
    prog_load("program updates an array_of_maps", upd, N(upd), BPF_PROG_TYPE_SOCKET_FILTER);
    close((int)p); close((int)outer); close((int)houter); close((int)other);
}


/* bpf_xdp_adjust_head/tail(ctx, off): returns the helper's result; a second program writes 0xaa
 * into the first 4 bytes of the adjusted packet. */
static void xdp_adjust(void) {
    static const struct { int fn; int off; } cases[] = {
        {BPF_FUNC_xdp_adjust_head, -216}, {BPF_FUNC_xdp_adjust_head, -217}, {BPF_FUNC_xdp_adjust_head, 50},
        {BPF_FUNC_xdp_adjust_head, 51}, {BPF_FUNC_xdp_adjust_tail, 3456}, {BPF_FUNC_xdp_adjust_tail, 3457},
        {BPF_FUNC_xdp_adjust_tail, -50}, {BPF_FUNC_xdp_adjust_tail, -51},
    };
    for (unsigned i = 0; i < N(cases); i++) {
        struct bpf_insn p[] = {MOV64_IMM(2, cases[i].off), CALL(cases[i].fn), EXIT};
        char name[80];
        snprintf(name, sizeof name, "xdp_adjust_%s(%d)", cases[i].fn == BPF_FUNC_xdp_adjust_head ? "head" : "tail",
                 cases[i].off);
        long fd = prog_load(name, p, N(p), BPF_PROG_TYPE_XDP);
        union bpf_attr a;
        static unsigned char big[4096];
        memset(&a, 0, sizeof a);
        a.test.prog_fd = (unsigned)fd;
        a.test.data_in = (unsigned long)pkt;
        a.test.data_size_in = 64;
        a.test.data_out = (unsigned long)big;
        a.test.data_size_out = sizeof big;
        long r = show("  test run", sys_bpf(BPF_PROG_TEST_RUN, &a, sizeof a), 0);
        if (r == 0) printf("  retval %d data_size_out %u\n", (int)a.test.retval, a.test.data_size_out);
        close((int)fd);
    }
    struct bpf_insn grow[] = {
        MOV64_REG(6, 1),
        MOV64_IMM(2, -4), CALL(BPF_FUNC_xdp_adjust_head),
        LDX(BPF_W, 2, 6, 0), LDX(BPF_W, 3, 6, 4),
        MOV64_REG(4, 2), ADD64_IMM(4, 4),
        JMP_REG(BPF_JGT, 4, 3, 1),
        ST(BPF_W, 2, 0, 0xaaaaaaaa),
        MOV64_IMM(0, 2), EXIT,
    };
    long g = prog_load("xdp_adjust_head(-4) then write", grow, N(grow), BPF_PROG_TYPE_XDP);
    for (unsigned i = 0; i < sizeof pkt; i++) pkt[i] = (unsigned char)i;
    test_run("xdp grown head test run", g, 20, NULL, 0, sizeof out, 0);
    close((int)g);
    struct bpf_insn stale[] = {
        MOV64_REG(6, 1),
        LDX(BPF_W, 7, 6, 0), LDX(BPF_W, 3, 6, 4),
        MOV64_REG(4, 7), ADD64_IMM(4, 4),
        JMP_REG(BPF_JGT, 4, 3, 4),
        MOV64_REG(1, 6), MOV64_IMM(2, 2), CALL(BPF_FUNC_xdp_adjust_head),
        LDX(BPF_W, 0, 7, 0),
        MOV64_IMM(0, 2), EXIT,
    };
    prog_load("xdp packet pointer used after adjust_head", stale, N(stale), BPF_PROG_TYPE_XDP);
}


/* Programs on an LPM trie and a bloom filter; XDP reading its metadata. */
static void more_programs(void) {
    long t = map_create_x("lpm for a program", BPF_MAP_TYPE_LPM_TRIE, 8, 4, 4, BPF_F_NO_PREALLOC, 0);
    long b = map_create_x("bloom for a program", BPF_MAP_TYPE_BLOOM_FILTER, 0, 4, 16, BPF_F_ZERO_SEED, 2);
    struct lpm_key k = {16, {10, 1, 0, 0}};
    unsigned v = 55;
    elem("lpm update 10.1/16", BPF_MAP_UPDATE_ELEM, t, &k, &v, BPF_ANY);
    struct bpf_insn prog[] = {
        /* key {32, 10.1.2.3} at fp-8 */
        ST(BPF_W, 10, -8, 32),
        ST(BPF_W, 10, -4, 0x0302010a),
        INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, (int)t), INSN(0, 0, 0, 0, 0),
        MOV64_REG(2, 10), ADD64_IMM(2, -8),
        CALL(BPF_FUNC_map_lookup_elem),
        MOV64_IMM(6, 0),
        JMP_IMM(BPF_JEQ, 0, 0, 1),
        LDX(BPF_W, 6, 0, 0),
        /* bloom: push 9, peek 9 (0) and 10 (ENOENT) */
        ST(BPF_W, 10, -12, 9),
        INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, (int)b), INSN(0, 0, 0, 0, 0),
        MOV64_REG(2, 10), ADD64_IMM(2, -12), MOV64_IMM(3, 0),
        CALL(BPF_FUNC_map_push_elem),
        INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, (int)b), INSN(0, 0, 0, 0, 0),
        MOV64_REG(2, 10), ADD64_IMM(2, -12),
        CALL(BPF_FUNC_map_peek_elem),
        MOV64_REG(7, 0),
        ST(BPF_W, 10, -12, 10),
        INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, (int)b), INSN(0, 0, 0, 0, 0),
        MOV64_REG(2, 10), ADD64_IMM(2, -12),
        CALL(BPF_FUNC_map_peek_elem),
        /* r0 = lpm value * 1000 + (-peek9) * 100 + (-peek10) */
        INSN(BPF_ALU64 | BPF_NEG, 0, 0, 0, 0),
        INSN(BPF_ALU64 | BPF_NEG, 7, 0, 0, 0),
        INSN(BPF_ALU64 | BPF_MUL | BPF_K, 7, 0, 0, 100),
        INSN(BPF_ALU64 | BPF_ADD | BPF_X, 0, 7, 0, 0),
        INSN(BPF_ALU64 | BPF_MUL | BPF_K, 6, 0, 0, 1000),
        INSN(BPF_ALU64 | BPF_ADD | BPF_X, 0, 6, 0, 0),
        EXIT,
    };
    long p = prog_load("program with LPM and bloom helpers", prog, N(prog), BPF_PROG_TYPE_SOCKET_FILTER);
    memset(pkt, 0, sizeof pkt);
    test_run("LPM and bloom test run", p, 64, NULL, 0, sizeof out, 0);
    close((int)p); close((int)t); close((int)b);

    struct bpf_insn meta[] = {
        LDX(BPF_W, 2, 1, 8),               /* data_meta */
        LDX(BPF_W, 3, 1, 0),               /* data */
        MOV64_REG(4, 2), ADD64_IMM(4, 4),
        JMP_REG(BPF_JGT, 4, 3, 2),         /* meta + 4 > data → out */
        LDX(BPF_W, 0, 2, 0),
        EXIT,
        MOV64_IMM(0, 1),
        EXIT,
    };
    long m = prog_load("xdp reads its metadata", meta, N(meta), BPF_PROG_TYPE_XDP);
    for (unsigned i = 0; i < sizeof pkt; i++) pkt[i] = (unsigned char)(0x30 + i);
    memset(ctxbuf, 0, sizeof ctxbuf);
    *(unsigned *)(ctxbuf + 0) = 4;
    *(unsigned *)(ctxbuf + 4) = 64;
    test_run("xdp metadata test run", m, 64, ctxbuf, 24, sizeof out, 0);
    test_run("xdp without metadata", m, 64, NULL, 0, sizeof out, 0);
    struct bpf_insn meta_bad[] = {
        LDX(BPF_W, 2, 1, 8), LDX(BPF_W, 3, 1, 4),   /* meta checked against data_end, not data */
        MOV64_REG(4, 2), ADD64_IMM(4, 4),
        JMP_REG(BPF_JGT, 4, 3, 2),
        LDX(BPF_W, 0, 2, 0),
        EXIT,
        MOV64_IMM(0, 1),
        EXIT,
    };
    prog_load("xdp metadata checked against data_end", meta_bad, N(meta_bad), BPF_PROG_TYPE_XDP);
    /* skb_load_bytes(skb, 4, data, n) into proven packet memory: n = 4 fits, n = 5 does not */
    for (int n = 4; n <= 5; n++) {
        struct bpf_insn into[] = {
            MOV64_REG(6, 1),
            LDX(BPF_W, 3, 6, 76), LDX(BPF_W, 4, 6, 80),
            MOV64_REG(5, 3), ADD64_IMM(5, 4),
            JMP_REG(BPF_JGT, 5, 4, 5),
            MOV64_REG(1, 6), MOV64_IMM(2, 4), MOV64_IMM(4, n),
            CALL(BPF_FUNC_skb_load_bytes),
            EXIT,
            MOV64_IMM(0, 1), EXIT,
        };
        long fd = prog_load(n == 4 ? "sched_cls skb_load_bytes into the packet" : "sched_cls skb_load_bytes past the range",
                            into, N(into), BPF_PROG_TYPE_SCHED_CLS);
        if (fd >= 0) close((int)fd);
    }
    /* A map lookup with the key in the packet (map helpers have pkt_access) */
    long h = map_create_x("hash for packet keys", BPF_MAP_TYPE_HASH, 4, 8, 4, 0, 0);
    unsigned key = 0x33323130;
    unsigned long long val = 123;
    elem("hash update", BPF_MAP_UPDATE_ELEM, h, &key, &val, BPF_ANY);
    for (int n = 3; n <= 4; n++) {
        struct bpf_insn lk[] = {
            LDX(BPF_W, 2, 1, 76), LDX(BPF_W, 3, 1, 80),
            MOV64_REG(4, 2), ADD64_IMM(4, n),
            JMP_REG(BPF_JGT, 4, 3, 6),
            INSN(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, (int)h), INSN(0, 0, 0, 0, 0),
            CALL(BPF_FUNC_map_lookup_elem),
            JMP_IMM(BPF_JEQ, 0, 0, 2),
            LDX(BPF_DW, 0, 0, 0),
            EXIT,
            MOV64_IMM(0, 0), EXIT,
        };
        long fd = prog_load(n == 4 ? "sched_cls map lookup with a packet key" : "sched_cls packet key with 3 proven bytes",
                            lk, N(lk), BPF_PROG_TYPE_SCHED_CLS);
        if (fd >= 0) {
            for (unsigned i = 0; i < sizeof pkt; i++) pkt[i] = (unsigned char)(0x30 + i);
            test_run("  test run", fd, 40, NULL, 0, 16, 0);
            close((int)fd);
        }
    }
    close((int)h);
    close((int)m);
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
    ncpus = possible_cpus();
    packet_programs();
    creation_checks();
    percpu_maps();
    lru_maps();
    lpm_trie();
    queue_stack();
    bloom();
    lookup_and_delete_elem();
    batches();
    program_maps();
    maps_of_maps();
    xdp_adjust();
    more_programs();
    printf("done\n");
    return 0;
}

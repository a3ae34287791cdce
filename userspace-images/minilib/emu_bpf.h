/*
 * emu_bpf.h: the bpf(2) ABI for emu guest programs, and emu's extensions.
 *
 * Part 1 is a subset of Linux's <linux/bpf.h> (same names, numbers and
 * layouts), used when that header is not included, so freestanding minilib
 * programs need no kernel headers. Part 2 is emu's extensions, mirrored from
 * abi/src/main/java/dev/emu/abi/bpf/EmuBpfExtensions.java and described in
 * docs/bpf-extensions.md; every number is outside Linux's ranges ('E' 'M'
 * prefix, 0x454d....), so a real Linux kernel refuses them with EINVAL.
 */
#ifndef EMU_BPF_H
#define EMU_BPF_H

/* ---- Part 1: Linux's bpf ABI (subset of include/uapi/linux/bpf.h) ---- */
#ifndef __LINUX_BPF_H__
#ifndef _LINUX_TYPES_H
typedef unsigned char __u8;
typedef short __s16;
typedef int __s32;
typedef unsigned int __u32;
typedef unsigned long long __u64;
#endif

#define BPF_OBJ_NAME_LEN 16U

/* Instruction classes and fields. */
#define BPF_LD 0x00
#define BPF_LDX 0x01
#define BPF_ST 0x02
#define BPF_STX 0x03
#define BPF_ALU 0x04
#define BPF_JMP 0x05
#define BPF_ALU64 0x07
#define BPF_W 0x00
#define BPF_H 0x08
#define BPF_B 0x10
#define BPF_DW 0x18
#define BPF_IMM 0x00
#define BPF_MEM 0x60
#define BPF_ADD 0x00
#define BPF_SUB 0x10
#define BPF_MOV 0xb0
#define BPF_K 0x00
#define BPF_X 0x08
#define BPF_JA 0x00
#define BPF_JEQ 0x10
#define BPF_JGT 0x20
#define BPF_JNE 0x50
#define BPF_CALL 0x80
#define BPF_EXIT 0x90
#define BPF_PSEUDO_MAP_FD 1
#define BPF_PSEUDO_MAP_VALUE 2

enum { BPF_REG_0 = 0, BPF_REG_1, BPF_REG_2, BPF_REG_3, BPF_REG_4, BPF_REG_5,
       BPF_REG_6, BPF_REG_7, BPF_REG_8, BPF_REG_9, BPF_REG_10 };

struct bpf_insn {
    __u8 code;
    __u8 dst_reg : 4;
    __u8 src_reg : 4;
    __s16 off;
    __s32 imm;
};

enum bpf_cmd {
    BPF_MAP_CREATE, BPF_MAP_LOOKUP_ELEM, BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM,
    BPF_MAP_GET_NEXT_KEY, BPF_PROG_LOAD, BPF_OBJ_PIN, BPF_OBJ_GET, BPF_PROG_ATTACH,
    BPF_PROG_DETACH, BPF_PROG_TEST_RUN, BPF_PROG_GET_NEXT_ID, BPF_MAP_GET_NEXT_ID,
    BPF_PROG_GET_FD_BY_ID, BPF_MAP_GET_FD_BY_ID, BPF_OBJ_GET_INFO_BY_FD,
};

#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_ARRAY 2
#define BPF_MAP_TYPE_RINGBUF 27
#define BPF_PROG_TYPE_SOCKET_FILTER 1
#define BPF_ANY 0
#define BPF_NOEXIST 1
#define BPF_EXIST 2
#define BPF_RB_NO_WAKEUP 1
#define BPF_RB_FORCE_WAKEUP 2

/* Helper ids (__BPF_FUNC_MAPPER). */
#define BPF_FUNC_map_lookup_elem 1
#define BPF_FUNC_map_update_elem 2
#define BPF_FUNC_map_delete_elem 3
#define BPF_FUNC_ktime_get_ns 5
#define BPF_FUNC_trace_printk 6
#define BPF_FUNC_get_prandom_u32 7
#define BPF_FUNC_get_smp_processor_id 8
#define BPF_FUNC_get_current_pid_tgid 14
#define BPF_FUNC_get_current_comm 16
#define BPF_FUNC_ringbuf_output 130
#define BPF_FUNC_ringbuf_reserve 131
#define BPF_FUNC_ringbuf_submit 132
#define BPF_FUNC_ringbuf_discard 133
#define BPF_FUNC_ringbuf_query 134

/* union bpf_attr: the members emu uses, at Linux's offsets (144 bytes, 6.1). */
union bpf_attr {
    struct { /* BPF_MAP_CREATE */
        __u32 map_type, key_size, value_size, max_entries, map_flags, inner_map_fd, numa_node;
        char map_name[BPF_OBJ_NAME_LEN];
    };
    struct { /* BPF_MAP_*_ELEM, BPF_MAP_GET_NEXT_KEY */
        __u32 map_fd;
        __u64 key __attribute__((aligned(8)));
        union { __u64 value; __u64 next_key; };
        __u64 flags;
    };
    struct { /* BPF_PROG_LOAD */
        __u32 prog_type, insn_cnt;
        __u64 insns, license;
        __u32 log_level, log_size;
        __u64 log_buf;
        __u32 kern_version, prog_flags;
        char prog_name[BPF_OBJ_NAME_LEN];
        __u32 prog_ifindex, expected_attach_type;
    };
    struct { /* BPF_PROG_ATTACH, BPF_PROG_DETACH */
        __u32 target_fd, attach_bpf_fd, attach_type, attach_flags, replace_bpf_fd;
    };
    struct { /* BPF_PROG_TEST_RUN */
        __u32 prog_fd, retval, data_size_in, data_size_out;
        __u64 data_in, data_out;
        __u32 repeat, duration, ctx_size_in, ctx_size_out;
        __u64 ctx_in, ctx_out;
        __u32 flags, cpu, batch_size;
    } test;
    struct { /* BPF_*_GET_FD_BY_ID */
        union { __u32 start_id, prog_id, map_id; };
        __u32 next_id, open_flags;
    };
    struct { /* BPF_OBJ_GET_INFO_BY_FD */
        __u32 bpf_fd, info_len;
        __u64 info;
    } info;
    char __size[144];
} __attribute__((aligned(8)));

/* struct bpf_map_info / bpf_prog_info: the leading fields. */
struct bpf_map_info {
    __u32 type, id, key_size, value_size, max_entries, map_flags;
    char name[BPF_OBJ_NAME_LEN];
    char __rest[88 - 40];
} __attribute__((aligned(8)));

struct bpf_prog_info {
    __u32 type, id;
    __u8 tag[8];
    __u32 jited_prog_len, xlated_prog_len;
    __u64 jited_prog_insns, xlated_prog_insns, load_time;
    __u32 created_by_uid, nr_map_ids;
    __u64 map_ids;
    char name[BPF_OBJ_NAME_LEN];
    char __rest[232 - 80];
} __attribute__((aligned(8)));
#endif /* __LINUX_BPF_H__ */

/* Instruction builders (the kernel's samples/bpf/bpf_insn.h, same names). */
#define BPF_ALU64_IMM(OP, DST, IMM) \
    ((struct bpf_insn){.code = BPF_ALU64 | (OP) | BPF_K, .dst_reg = DST, .src_reg = 0, .off = 0, .imm = IMM})
#define BPF_ALU64_REG(OP, DST, SRC) \
    ((struct bpf_insn){.code = BPF_ALU64 | (OP) | BPF_X, .dst_reg = DST, .src_reg = SRC, .off = 0, .imm = 0})
#define BPF_MOV64_REG(DST, SRC) BPF_ALU64_REG(BPF_MOV, DST, SRC)
#define BPF_MOV64_IMM(DST, IMM) BPF_ALU64_IMM(BPF_MOV, DST, IMM)
#define BPF_LD_IMM64_RAW(DST, SRC, IMM) \
    ((struct bpf_insn){.code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = DST, .src_reg = SRC, .off = 0, \
                       .imm = (__u32)(IMM)}), \
    ((struct bpf_insn){.code = 0, .dst_reg = 0, .src_reg = 0, .off = 0, .imm = (__u32)((__u64)(IMM) >> 32)})
#define BPF_LD_MAP_FD(DST, MAP_FD) BPF_LD_IMM64_RAW(DST, BPF_PSEUDO_MAP_FD, MAP_FD)
#define BPF_LDX_MEM(SIZE, DST, SRC, OFF) \
    ((struct bpf_insn){.code = BPF_LDX | (SIZE) | BPF_MEM, .dst_reg = DST, .src_reg = SRC, .off = OFF, .imm = 0})
#define BPF_STX_MEM(SIZE, DST, SRC, OFF) \
    ((struct bpf_insn){.code = BPF_STX | (SIZE) | BPF_MEM, .dst_reg = DST, .src_reg = SRC, .off = OFF, .imm = 0})
#define BPF_ST_MEM(SIZE, DST, OFF, IMM) \
    ((struct bpf_insn){.code = BPF_ST | (SIZE) | BPF_MEM, .dst_reg = DST, .src_reg = 0, .off = OFF, .imm = IMM})
#define BPF_JMP_IMM(OP, DST, IMM, OFF) \
    ((struct bpf_insn){.code = BPF_JMP | (OP) | BPF_K, .dst_reg = DST, .src_reg = 0, .off = OFF, .imm = IMM})
#define BPF_JMP_A(OFF) ((struct bpf_insn){.code = BPF_JMP | BPF_JA, .dst_reg = 0, .src_reg = 0, .off = OFF, .imm = 0})
#define BPF_CALL_HELPER(ID) \
    ((struct bpf_insn){.code = BPF_JMP | BPF_CALL, .dst_reg = 0, .src_reg = 0, .off = 0, .imm = ID})
#define BPF_EXIT_INSN() ((struct bpf_insn){.code = BPF_JMP | BPF_EXIT, .dst_reg = 0, .src_reg = 0, .off = 0, .imm = 0})

/* ---- Part 2: emu's extensions ---- */

/* Command: copy the oldest committed ringbuf record into a user buffer. */
#define BPF_EMU_RINGBUF_POLL 0x454d0001
/* Poll flag: block until a record is committed or timeout_ns passes. */
#define BPF_EMU_POLL_BLOCK 1U
/*
 * Poll flag: copy as many committed records as fit into buf, each laid out as in
 * Linux's ring: an 8-byte header {__u32 len; __u32 pg_off;} then the data, padded
 * to 8 bytes. Returns the bytes copied (0: nothing ready); -ENOSPC with *needed =
 * 8 + round_up(len, 8) when not even the first record fits. Walk it with
 * EMU_RINGBUF_BATCH_NEXT.
 */
#define BPF_EMU_POLL_BATCH 2U
#define EMU_RINGBUF_HDR_SZ 8
#define EMU_RINGBUF_BATCH_NEXT(len) (EMU_RINGBUF_HDR_SZ + (((len) + 7U) & ~7U))

/* The attr of BPF_EMU_RINGBUF_POLL (32 bytes; pass it as the bpf() attr). */
struct emu_bpf_ringbuf_poll {
    __u32 map_fd;     /*  0: ringbuf map fd */
    __u32 flags;      /*  4: 0, BPF_EMU_POLL_BLOCK, BPF_EMU_POLL_BATCH or both */
    __u64 buf;        /*  8: user buffer */
    __u32 buf_size;   /* 16: its size */
    __u32 needed;     /* 20: out: the record's length when -ENOSPC */
    __u64 timeout_ns; /* 24: with BLOCK; 0 = forever */
};

/* Program type whose context is struct emu_timer_ctx (read-only). */
#define BPF_PROG_TYPE_EMU_TIMER 0x454d0001
/* Attach type: run on the timer tick; attach_flags = every N ticks (0 = 1). target_fd 0. */
#define BPF_EMU_TIMER 0x454d0001

/* bpf_get_stackid/bpf_get_stack flag, with BPF_F_USER_STACK: unwind with .eh_frame (Linux: EINVAL). */
#define BPF_F_EMU_USER_STACK_CFI (1ULL << 62)

struct emu_timer_ctx {
    __u64 tick;    /*  0: ticks since boot, first is 1 */
    __u64 time_ns; /*  8: kernel clock at the tick */
    __u32 pid;     /* 16: interrupted process (0: idle) */
    __u32 tid;     /* 20: interrupted thread (0: idle) */
    __u64 rip;     /* 24: its user RIP (0: idle) */
};

/* bpf(2): the raw result, -errno on failure (minilib has no errno). */
long bpf(int cmd, void *attr, unsigned int size);

/*
 * Pops one record of ringbuf map_fd into buf. Returns its length, 0 if none is
 * ready (or, with BPF_EMU_POLL_BLOCK, the timeout passed), -ENOSPC (*needed set
 * if needed is not NULL; the record stays), -EBADF, -EINVAL, -EFAULT.
 */
long emu_ringbuf_poll(int map_fd, void *buf, unsigned int buf_size, unsigned int flags,
                      unsigned long long timeout_ns, unsigned int *needed);

#endif /* EMU_BPF_H */

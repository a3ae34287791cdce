/*
 * bpf(2) against the machine's <linux/bpf.h>: the same calls natively (a root Linux host) and
 * under emu, one line per call: "name = result" where result is "fd", a value, or "-1 ERRNO".
 * BpfLinuxDiffTest compares the two outputs line by line.
 *
 * Normalised where Linux and emu legitimately differ: fd numbers print as "fd" and map/program
 * ids are not printed; hash-map iteration order is Linux's bucket order, so GET_NEXT_KEY prints
 * the sorted set of keys it visits; PROG_TEST_RUN's duration is host time natively and 0 under
 * emu's virtual clock, so only "duration>=0" is printed.
 *
 * Exit status 0; "SKIP <reason>" on the first line when bpf() is refused (not root, or the host
 * forbids it), which the test turns into a skipped test.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_bpf(long cmd, void *attr, unsigned long size) {
    return syscall(SYS_bpf, cmd, attr, size);
}

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
    case ENOTSUP: return "ENOTSUP";
    case 524: return "ENOTSUPP(524)";
    case ENOMEM: return "ENOMEM";
    default: {
        static char buf[32];
        snprintf(buf, sizeof buf, "errno %d", e);
        return buf;
    }
    }
}

/* Prints "name = fd" (r >= 0 and fd-like), "name = r", or "name = -1 ERRNO"; returns r. */
static long show(const char *name, long r, int is_fd) {
    if (r < 0) {
        printf("%s = -1 %s\n", name, ename(errno));
    } else if (is_fd) {
        printf("%s = fd\n", name);
    } else {
        printf("%s = %ld\n", name, r);
    }
    return r;
}

static long map_create(const char *name, unsigned type, unsigned key, unsigned value, unsigned max) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = type;
    a.key_size = key;
    a.value_size = value;
    a.max_entries = max;
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

static long prog_load(const char *name, const struct bpf_insn *insns, unsigned cnt, unsigned type) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.prog_type = type;
    a.insns = (unsigned long)insns;
    a.insn_cnt = cnt;
    a.license = (unsigned long)"GPL";
    return show(name, sys_bpf(BPF_PROG_LOAD, &a, sizeof a), 1);
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

    /* MAP_CREATE */
    long arr = map_create("array 4/8/4", BPF_MAP_TYPE_ARRAY, 4, 8, 4);
    map_create("array key 8", BPF_MAP_TYPE_ARRAY, 8, 8, 4);
    map_create("array value 0", BPF_MAP_TYPE_ARRAY, 4, 0, 4);
    map_create("array max 0", BPF_MAP_TYPE_ARRAY, 4, 8, 0);
    long hash = map_create("hash 4/8/2", BPF_MAP_TYPE_HASH, 4, 8, 2);
    map_create("hash key 0", BPF_MAP_TYPE_HASH, 0, 8, 2);
    map_create("hash max 0", BPF_MAP_TYPE_HASH, 4, 8, 0);
    long ring = map_create("ringbuf 4096", BPF_MAP_TYPE_RINGBUF, 0, 0, 4096);
    map_create("ringbuf 4095", BPF_MAP_TYPE_RINGBUF, 0, 0, 4095);
    map_create("ringbuf 3 pages", BPF_MAP_TYPE_RINGBUF, 0, 0, 3 * 4096);
    map_create("ringbuf key 4", BPF_MAP_TYPE_RINGBUF, 4, 0, 4096);
    map_create("ringbuf value 8", BPF_MAP_TYPE_RINGBUF, 0, 8, 4096);
    map_create("unknown map type", 9999, 4, 8, 1);

    /* Array element ops */
    unsigned k;
    unsigned long long v = 0;
    k = 0;
    elem("array lookup 0", BPF_MAP_LOOKUP_ELEM, arr, &k, &v, 0);
    printf("  value %llu\n", v);
    v = 42;
    elem("array update 0", BPF_MAP_UPDATE_ELEM, arr, &k, &v, BPF_ANY);
    v = 0;
    elem("array lookup 0 again", BPF_MAP_LOOKUP_ELEM, arr, &k, &v, 0);
    printf("  value %llu\n", v);
    k = 4;
    elem("array lookup 4 (out of range)", BPF_MAP_LOOKUP_ELEM, arr, &k, &v, 0);
    elem("array update 4 (out of range)", BPF_MAP_UPDATE_ELEM, arr, &k, &v, BPF_ANY);
    k = 1;
    elem("array update NOEXIST", BPF_MAP_UPDATE_ELEM, arr, &k, &v, BPF_NOEXIST);
    elem("array update flags 99", BPF_MAP_UPDATE_ELEM, arr, &k, &v, 99);
    elem("array delete", BPF_MAP_DELETE_ELEM, arr, &k, NULL, 0);
    unsigned next = 77;
    elem("array next_key NULL", BPF_MAP_GET_NEXT_KEY, arr, NULL, &next, 0);
    printf("  next %u\n", next);
    k = 1;
    elem("array next_key 1", BPF_MAP_GET_NEXT_KEY, arr, &k, &next, 0);
    printf("  next %u\n", next);
    k = 3;
    elem("array next_key 3 (last)", BPF_MAP_GET_NEXT_KEY, arr, &k, &next, 0);
    k = 99;
    elem("array next_key 99", BPF_MAP_GET_NEXT_KEY, arr, &k, &next, 0);
    printf("  next %u\n", next);
    elem("array lookup bad value ptr", BPF_MAP_LOOKUP_ELEM, arr, &k, (void *)8, 0);
    k = 0;
    elem("array lookup bad value ptr, key 0", BPF_MAP_LOOKUP_ELEM, arr, &k, (void *)8, 0);
    elem("lookup on fd 0 (not a map)", BPF_MAP_LOOKUP_ELEM, 0, &k, &v, 0);
    elem("lookup on fd 999 (closed)", BPF_MAP_LOOKUP_ELEM, 999, &k, &v, 0);

    /* Hash element ops */
    k = 1;
    elem("hash lookup missing", BPF_MAP_LOOKUP_ELEM, hash, &k, &v, 0);
    elem("hash update 1 NOEXIST", BPF_MAP_UPDATE_ELEM, hash, &k, &v, BPF_NOEXIST);
    elem("hash update 1 NOEXIST again", BPF_MAP_UPDATE_ELEM, hash, &k, &v, BPF_NOEXIST);
    k = 2;
    elem("hash update 2 EXIST", BPF_MAP_UPDATE_ELEM, hash, &k, &v, BPF_EXIST);
    elem("hash update 2 ANY", BPF_MAP_UPDATE_ELEM, hash, &k, &v, BPF_ANY);
    k = 3;
    elem("hash update 3 (full)", BPF_MAP_UPDATE_ELEM, hash, &k, &v, BPF_ANY);
    k = 9;
    elem("hash delete missing", BPF_MAP_DELETE_ELEM, hash, &k, NULL, 0);
    {
        unsigned seen[4] = {0}, n = 0, cur = 0;
        void *key = NULL;
        while (n < 4) {
            union bpf_attr a;
            memset(&a, 0, sizeof a);
            a.map_fd = (unsigned)hash;
            a.key = (unsigned long)key;
            a.next_key = (unsigned long)&cur;
            if (sys_bpf(BPF_MAP_GET_NEXT_KEY, &a, sizeof a) < 0) {
                printf("hash next_key after %u keys = -1 %s\n", n, ename(errno));
                break;
            }
            seen[n++] = cur;
            key = &seen[n - 1];
        }
        if (n == 2 && seen[0] > seen[1]) {
            unsigned t = seen[0];
            seen[0] = seen[1];
            seen[1] = t;
        }
        printf("  hash keys (sorted):");
        for (unsigned i = 0; i < n; i++) printf(" %u", seen[i]);
        printf("\n");
    }
    k = 1;
    elem("hash delete 1", BPF_MAP_DELETE_ELEM, hash, &k, NULL, 0);
    elem("hash lookup 1 after delete", BPF_MAP_LOOKUP_ELEM, hash, &k, &v, 0);

    /* Ringbuf element ops */
    k = 0;
    elem("ringbuf lookup", BPF_MAP_LOOKUP_ELEM, ring, &k, &v, 0);
    elem("ringbuf update", BPF_MAP_UPDATE_ELEM, ring, &k, &v, 0);
    elem("ringbuf delete", BPF_MAP_DELETE_ELEM, ring, &k, NULL, 0);
    elem("ringbuf next_key", BPF_MAP_GET_NEXT_KEY, ring, NULL, &next, 0);

    /* OBJ_GET_INFO_BY_FD */
    {
        struct bpf_map_info info;
        memset(&info, 0, sizeof info);
        union bpf_attr a;
        memset(&a, 0, sizeof a);
        a.info.bpf_fd = (unsigned)arr;
        a.info.info_len = sizeof info;
        a.info.info = (unsigned long)&info;
        show("map info", sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, sizeof a), 0);
        printf("  type %u key %u value %u max %u flags %u\n", info.type, info.key_size, info.value_size,
               info.max_entries, info.map_flags);
    }

    /* PROG_LOAD */
    const struct bpf_insn ok[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
        {.code = BPF_JMP | BPF_EXIT},
    };
    const struct bpf_insn no_r0[] = {{.code = BPF_JMP | BPF_EXIT}};
    const struct bpf_insn bad_op[] = {{.code = 0xff}, {.code = BPF_JMP | BPF_EXIT}};
    const struct bpf_insn no_exit[] = {{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0}};
    const struct bpf_insn stack_oob[] = {
        {.code = BPF_ST | BPF_MEM | BPF_DW, .dst_reg = 10, .off = 8, .imm = 1},
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
        {.code = BPF_JMP | BPF_EXIT},
    };
    long prog = prog_load("prog load valid socket filter", ok, 2, BPF_PROG_TYPE_SOCKET_FILTER);
    prog_load("prog load r0 not initialised", no_r0, 1, BPF_PROG_TYPE_SOCKET_FILTER);
    prog_load("prog load unknown opcode", bad_op, 2, BPF_PROG_TYPE_SOCKET_FILTER);
    prog_load("prog load no exit", no_exit, 1, BPF_PROG_TYPE_SOCKET_FILTER);
    prog_load("prog load stack out of bounds", stack_oob, 3, BPF_PROG_TYPE_SOCKET_FILTER);
    prog_load("prog load 0 insns", ok, 0, BPF_PROG_TYPE_SOCKET_FILTER);
    prog_load("prog load unknown type", ok, 2, 9999);

    /* PROG_TEST_RUN */
    {
        unsigned char pkt[64], out[64];
        for (unsigned i = 0; i < sizeof pkt; i++) pkt[i] = (unsigned char)i;
        memset(out, 0, sizeof out);
        union bpf_attr a;
        memset(&a, 0, sizeof a);
        a.test.prog_fd = (unsigned)prog;
        a.test.data_in = (unsigned long)pkt;
        a.test.data_size_in = sizeof pkt;
        a.test.data_out = (unsigned long)out;
        a.test.data_size_out = sizeof out;
        a.test.repeat = 3;
        show("test run", sys_bpf(BPF_PROG_TEST_RUN, &a, sizeof a), 0);
        printf("  retval %u data_size_out %u duration>=0 %s out==in %s\n", a.test.retval, a.test.data_size_out,
               (int)a.test.duration >= 0 ? "yes" : "no", memcmp(pkt, out, sizeof pkt) == 0 ? "yes" : "no");
        a.test.prog_fd = (unsigned)arr;
        show("test run on a map fd", sys_bpf(BPF_PROG_TEST_RUN, &a, sizeof a), 0);
    }

    /* The syscall itself */
    {
        union bpf_attr a;
        memset(&a, 0, sizeof a);
        show("unknown command 999", sys_bpf(999, &a, sizeof a), 0);
        show("attr pointer 0x1", sys_bpf(BPF_MAP_CREATE, (void *)1, sizeof a), 0);
        static unsigned char big[8192];
        memset(big, 0, sizeof big);
        union bpf_attr *m = (union bpf_attr *)big;
        m->map_type = BPF_MAP_TYPE_ARRAY;
        m->key_size = 4;
        m->value_size = 8;
        m->max_entries = 1;
        long fd = show("attr size 4096, zero tail", sys_bpf(BPF_MAP_CREATE, big, 4096), 1);
        if (fd >= 0) close((int)fd);
        big[1000] = 1;
        show("attr size 4096, non-zero tail", sys_bpf(BPF_MAP_CREATE, big, 4096), 1);
        big[1000] = 0;
        show("attr size 8192 (> page)", sys_bpf(BPF_MAP_CREATE, big, 8192), 1);
        fd = show("attr size 16 (short)", sys_bpf(BPF_MAP_CREATE, big, 16), 1);
        if (fd >= 0) close((int)fd);
    }
    close((int)arr);
    close((int)hash);
    close((int)ring);
    close((int)prog);
    printf("done\n");
    return 0;
}

/*
 * Tracing against the machine's <linux/bpf.h> and <linux/perf_event.h>: tracefs formats, a
 * tracepoint program counting this process's openat calls (perf_event_open on the tracefs id,
 * PERF_EVENT_IOC_SET_BPF and BPF_LINK_CREATE), a raw tracepoint on raw_syscalls:sys_enter, a
 * counting tracepoint event, a cpu-clock sampler running a BPF_PROG_TYPE_PERF_EVENT program,
 * and perf_event_open's and the attach paths' errors. The same calls natively (a root Linux host
 * with tracefs) and under emu, one line per result; TracingLinuxDiffTest compares the outputs.
 *
 * Normalised where Linux and emu legitimately differ: ids and fds are not printed, formats
 * without their "ID:" line, sample counts as "> 0". Programs count only events of this process
 * (its tgid is patched into the bytecode), so other processes on the host do not show.
 *
 * "emu-only" as argv[1] runs what the host cannot (no kprobe PMU on every host) or what is not
 * deterministic natively: a kprobe on __x64_sys_getpid reading the user registers through di,
 * bpf_perf_event_output into a bpf-output event, bpf_trace_printk read back from trace_pipe.
 *
 * Exit status 0; "SKIP <reason>" on the first line when the host refuses bpf() or has no tracefs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TRACEFS "/sys/kernel/tracing"

static long sys_bpf(long cmd, void *attr, unsigned long size) { return syscall(SYS_bpf, cmd, attr, size); }

static long perf_open(struct perf_event_attr *a, long pid, long cpu, long group, unsigned long flags) {
    return syscall(SYS_perf_event_open, a, pid, cpu, group, flags);
}

static const char *ename(int e) {
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EBADF: return "EBADF";
    case EFAULT: return "EFAULT";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case E2BIG: return "E2BIG";
    case ENOSPC: return "ENOSPC";
    case EACCES: return "EACCES";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENOTTY: return "ENOTTY";
    case 524: return "ENOTSUPP(524)";
    default: {
        static char buf[32];
        snprintf(buf, sizeof buf, "errno %d", e);
        return buf;
    }
    }
}

/* "name = ok" / "name = value" / "name = -1 ERRNO". */
static long show(const char *name, long r, int quiet_value) {
    if (r < 0) printf("%s = -1 %s\n", name, ename(errno));
    else if (quiet_value) printf("%s = ok\n", name);
    else printf("%s = %ld\n", name, r);
    return r;
}

/* ---- a few bytecode builders (the shapes of the kernel's filter.h macros) ---- */
#define INSN(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define MOV64_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV64_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ALU64_IMM(op, d, i) INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define LDX64(d, s, o) INSN(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define STX64(d, s, o) INSN(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define ST64(d, o, i) INSN(BPF_ST | BPF_MEM | BPF_DW, d, 0, o, i)
#define JMP_IMM(op, d, i, o) INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define CALL(id) INSN(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define XADD64(d, s, o) INSN(BPF_STX | BPF_ATOMIC | BPF_DW, d, s, o, BPF_ADD)

struct prog { struct bpf_insn i[96]; int n; };
static void emit(struct prog *p, struct bpf_insn x) { p->i[p->n++] = x; }
static void ld_map(struct prog *p, int reg, int fd) {
    emit(p, INSN(BPF_LD | BPF_DW | BPF_IMM, reg, BPF_PSEUDO_MAP_FD, 0, fd));
    emit(p, INSN(0, 0, 0, 0, 0));
}
/* A forward jump to be patched: returns its index. */
static int jmp(struct prog *p, struct bpf_insn x) { emit(p, x); return p->n - 1; }
static void land(struct prog *p, int at) { p->i[at].off = (short)(p->n - at - 1); }

/* if (tgid != me) goto out: returns the jump to patch at out. Clobbers r0-r5. */
static int only_me(struct prog *p) {
    emit(p, CALL(BPF_FUNC_get_current_pid_tgid));
    emit(p, ALU64_IMM(BPF_RSH, 0, 32));
    return jmp(p, JMP_IMM(BPF_JNE, 0, getpid(), 0));
}
/* r0 = &array[key] or goto out (returned jump). Clobbers r0-r5. */
static int array_slot(struct prog *p, int map, int key) {
    emit(p, ST64(10, -8, key));
    ld_map(p, 1, map);
    emit(p, MOV64_REG(2, 10));
    emit(p, ALU64_IMM(BPF_ADD, 2, -8));
    emit(p, CALL(BPF_FUNC_map_lookup_elem));
    return jmp(p, JMP_IMM(BPF_JEQ, 0, 0, 0));
}
static void finish(struct prog *p, int *outs, int nouts) {
    for (int k = 0; k < nouts; k++) land(p, outs[k]);
    emit(p, MOV64_IMM(0, 0));
    emit(p, EXIT());
}

static char vlog[65536];
static long load(const char *name, struct prog *p, unsigned type, int print) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.prog_type = type;
    a.insns = (unsigned long)p->i;
    a.insn_cnt = (unsigned)p->n;
    a.license = (unsigned long)"GPL";
    a.log_buf = (unsigned long)vlog;
    a.log_size = sizeof vlog;
    a.log_level = 1;
    long fd = sys_bpf(BPF_PROG_LOAD, &a, sizeof a);
    if (fd < 0 && print) fprintf(stderr, "%s: %s\n", name, vlog);
    if (print) show(name, fd, 1);
    return fd;
}

static long map_create(unsigned type, unsigned key, unsigned value, unsigned max) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = type;
    a.key_size = key;
    a.value_size = value;
    a.max_entries = max;
    return sys_bpf(BPF_MAP_CREATE, &a, sizeof a);
}

static unsigned long long array_get(int map, unsigned key) {
    union bpf_attr a;
    unsigned long long v = 0;
    memset(&a, 0, sizeof a);
    a.map_fd = (unsigned)map;
    a.key = (unsigned long)&key;
    a.value = (unsigned long)&v;
    sys_bpf(BPF_MAP_LOOKUP_ELEM, &a, sizeof a);
    return v;
}

static long tracefs_id(const char *event) {
    char path[256], buf[32];
    snprintf(path, sizeof path, TRACEFS "/events/%s/id", event);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    long n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    return atol(buf);
}

static void print_format(const char *event) {
    char path[256], buf[8192];
    snprintf(path, sizeof path, TRACEFS "/events/%s/format", event);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("format %s = -1 %s\n", event, ename(errno));
        return;
    }
    long n = 0, r;
    while ((r = read(fd, buf + n, sizeof buf - 1 - (size_t)n)) > 0) n += r;
    close(fd);
    buf[n] = 0;
    printf("format %s:\n", event);
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "ID: ", 4) != 0) printf("  %s\n", line);
    }
}

static struct perf_event_attr tp_attr(long id) {
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.type = PERF_TYPE_TRACEPOINT;
    a.size = sizeof a;
    a.config = (unsigned long long)id;
    a.sample_period = 1;
    a.wakeup_events = 1;
    return a;
}

/* Counts this process's openat calls by their flags argument (record offset 32) in a hash map. */
static void openat_counter(void) {
    long id = tracefs_id("syscalls/sys_enter_openat");
    show("tracefs id of syscalls:sys_enter_openat", id > 0 ? 0 : -1, 1);
    int hash = (int)map_create(BPF_MAP_TYPE_HASH, 8, 8, 16);
    struct prog p = {0};
    emit(&p, MOV64_REG(6, 1));
    int outs[4], no = 0;
    outs[no++] = only_me(&p);
    emit(&p, LDX64(1, 6, 32));
    emit(&p, STX64(10, 1, -8));
    emit(&p, ST64(10, -16, 1));
    ld_map(&p, 1, hash);
    emit(&p, MOV64_REG(2, 10));
    emit(&p, ALU64_IMM(BPF_ADD, 2, -8));
    emit(&p, CALL(BPF_FUNC_map_lookup_elem));
    int insert = jmp(&p, JMP_IMM(BPF_JEQ, 0, 0, 0));
    emit(&p, MOV64_IMM(1, 1));
    emit(&p, XADD64(0, 1, 0));
    outs[no++] = jmp(&p, JMP_IMM(BPF_JA, 0, 0, 0));
    land(&p, insert);
    ld_map(&p, 1, hash);
    emit(&p, MOV64_REG(2, 10));
    emit(&p, ALU64_IMM(BPF_ADD, 2, -8));
    emit(&p, MOV64_REG(3, 10));
    emit(&p, ALU64_IMM(BPF_ADD, 3, -16));
    emit(&p, MOV64_IMM(4, BPF_ANY));
    emit(&p, CALL(BPF_FUNC_map_update_elem));
    finish(&p, outs, no);
    int prog = (int)load("load tracepoint program", &p, BPF_PROG_TYPE_TRACEPOINT, 1);

    struct perf_event_attr a = tp_attr(id);
    int ev = (int)show("perf_event_open tracepoint sys_enter_openat", perf_open(&a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC), 1);
    show("PERF_EVENT_IOC_SET_BPF", ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog), 1);
    show("PERF_EVENT_IOC_SET_BPF again", ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog), 1);
    show("PERF_EVENT_IOC_ENABLE", ioctl(ev, PERF_EVENT_IOC_ENABLE, 0), 1);
    unsigned long long eid = 0;
    show("PERF_EVENT_IOC_ID", ioctl(ev, PERF_EVENT_IOC_ID, &eid), 1);
    printf("event id > 0: %s\n", eid > 0 ? "yes" : "no");
    for (int k = 0; k < 3; k++) close((int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY));
    for (int k = 0; k < 2; k++) close((int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC));
    close((int)syscall(SYS_openat, AT_FDCWD, "/no/such/file", O_WRONLY | O_CREAT, 0600));
    close(ev); /* detaches the program */
    close((int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY));

    /* the same program through a BPF link on a second event */
    a = tp_attr(id);
    ev = (int)perf_open(&a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
    union bpf_attr la;
    memset(&la, 0, sizeof la);
    la.link_create.prog_fd = (unsigned)prog;
    la.link_create.target_fd = (unsigned)ev;
    la.link_create.attach_type = BPF_PERF_EVENT;
    int link = (int)show("BPF_LINK_CREATE BPF_PERF_EVENT", sys_bpf(BPF_LINK_CREATE, &la, sizeof la), 1);
    ioctl(ev, PERF_EVENT_IOC_ENABLE, 0);
    close((int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY | O_NONBLOCK));
    {
        struct bpf_link_info info;
        union bpf_attr ia;
        memset(&info, 0, sizeof info);
        memset(&ia, 0, sizeof ia);
        ia.info.bpf_fd = (unsigned)link;
        ia.info.info_len = sizeof info;
        ia.info.info = (unsigned long)&info;
        show("OBJ_GET_INFO_BY_FD link", sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &ia, sizeof ia), 1);
        printf("link info: type %u, prog id > 0: %s\n", info.type, info.prog_id > 0 ? "yes" : "no");
        union bpf_attr na;
        memset(&na, 0, sizeof na);
        na.start_id = info.id - 1;
        show("BPF_LINK_GET_NEXT_ID", sys_bpf(BPF_LINK_GET_NEXT_ID, &na, sizeof na), 1);
        printf("next id after id - 1 is the link's: %s\n", na.next_id == info.id ? "yes" : "no");
        memset(&na, 0, sizeof na);
        na.link_id = info.id;
        int again = (int)show("BPF_LINK_GET_FD_BY_ID", sys_bpf(BPF_LINK_GET_FD_BY_ID, &na, sizeof na), 1);
        struct bpf_link_info info2;
        memset(&info2, 0, sizeof info2);
        ia.info.bpf_fd = (unsigned)again;
        ia.info.info_len = sizeof info2;
        ia.info.info = (unsigned long)&info2;
        sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &ia, sizeof ia);
        printf("same link through the new fd: %s\n", info2.id == info.id && info2.type == info.type ? "yes" : "no");
        close(again);
        close(link);
        memset(&na, 0, sizeof na);
        na.link_id = info.id;
        show("BPF_LINK_GET_FD_BY_ID after the last close", sys_bpf(BPF_LINK_GET_FD_BY_ID, &na, sizeof na), 1);
    }
    close(ev);
    close((int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY | O_NONBLOCK));

    unsigned long long key = 0, next, val;
    int keys = 0;
    unsigned long long ks[16];
    union bpf_attr ka;
    for (;;) {
        memset(&ka, 0, sizeof ka);
        ka.map_fd = (unsigned)hash;
        ka.key = keys ? (unsigned long)&key : 0;
        ka.next_key = (unsigned long)&next;
        if (sys_bpf(BPF_MAP_GET_NEXT_KEY, &ka, sizeof ka) < 0) break;
        ks[keys++] = key = next;
    }
    for (int x = 0; x < keys; x++) /* sort: Linux's bucket order is not emu's */
        for (int y = x + 1; y < keys; y++)
            if (ks[y] < ks[x]) { unsigned long long t = ks[x]; ks[x] = ks[y]; ks[y] = t; }
    for (int x = 0; x < keys; x++) {
        memset(&ka, 0, sizeof ka);
        ka.map_fd = (unsigned)hash;
        ka.key = (unsigned long)&ks[x];
        ka.value = (unsigned long)&val;
        sys_bpf(BPF_MAP_LOOKUP_ELEM, &ka, sizeof ka);
        printf("openat flags 0x%llx: %llu calls\n", ks[x], val);
    }

    /* a program that reads past the record is refused at attach (max_ctx_offset) */
    struct prog far = {0};
    emit(&far, LDX64(0, 1, 200));
    emit(&far, MOV64_IMM(0, 0));
    emit(&far, EXIT());
    int farfd = (int)load("load tracepoint program reading offset 200", &far, BPF_PROG_TYPE_TRACEPOINT, 1);
    a = tp_attr(id);
    ev = (int)perf_open(&a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
    show("SET_BPF of a program reading past the record", ioctl(ev, PERF_EVENT_IOC_SET_BPF, farfd), 1);
    struct prog wr = {0};
    emit(&wr, ST64(1, 8, 1));
    emit(&wr, MOV64_IMM(0, 0));
    emit(&wr, EXIT());
    show("load tracepoint program writing its context", load("", &wr, BPF_PROG_TYPE_TRACEPOINT, 0), 1);
    struct prog rawok = {0};
    emit(&rawok, MOV64_IMM(0, 0));
    emit(&rawok, EXIT());
    int rawfd = (int)load("load raw_tracepoint program", &rawok, BPF_PROG_TYPE_RAW_TRACEPOINT, 1);
    show("SET_BPF of a raw_tracepoint program", ioctl(ev, PERF_EVENT_IOC_SET_BPF, rawfd), 1);
    show("SET_BPF of a map fd", ioctl(ev, PERF_EVENT_IOC_SET_BPF, hash), 1);
    show("SET_BPF of a closed fd", ioctl(ev, PERF_EVENT_IOC_SET_BPF, 999), 1);
    close(ev);
    close(farfd);
    close(rawfd);
    close(prog);
    close(hash);
}

/* raw_syscalls:sys_enter as a raw tracepoint: counts getppid, reads dup's first argument through the regs pointer. */
static void raw_tracepoint(void) {
    int arr = (int)map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2);
    struct prog p = {0};
    int outs[8], no = 0;
    emit(&p, MOV64_REG(6, 1));
    outs[no++] = only_me(&p);
    emit(&p, LDX64(7, 6, 8)); /* args[1]: the syscall number */
    int notppid = jmp(&p, JMP_IMM(BPF_JNE, 7, SYS_getppid, 0));
    outs[no++] = array_slot(&p, arr, 0);
    emit(&p, MOV64_IMM(1, 1));
    emit(&p, XADD64(0, 1, 0));
    outs[no++] = jmp(&p, JMP_IMM(BPF_JA, 0, 0, 0));
    land(&p, notppid);
    outs[no++] = jmp(&p, JMP_IMM(BPF_JNE, 7, SYS_dup, 0));
    emit(&p, LDX64(3, 6, 0)); /* args[0]: struct pt_regs * */
    emit(&p, ALU64_IMM(BPF_ADD, 3, 112)); /* &regs->di */
    emit(&p, MOV64_REG(1, 10));
    emit(&p, ALU64_IMM(BPF_ADD, 1, -16));
    emit(&p, MOV64_IMM(2, 8));
    emit(&p, CALL(BPF_FUNC_probe_read_kernel));
    outs[no++] = array_slot(&p, arr, 1);
    emit(&p, LDX64(1, 10, -16));
    emit(&p, STX64(0, 1, 0));
    finish(&p, outs, no);
    int prog = (int)load("load raw_tracepoint program", &p, BPF_PROG_TYPE_RAW_TRACEPOINT, 1);
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.raw_tracepoint.name = (unsigned long)"sys_enter";
    a.raw_tracepoint.prog_fd = (unsigned)prog;
    int link = (int)show("BPF_RAW_TRACEPOINT_OPEN sys_enter", sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &a, sizeof a), 1);
    for (int k = 0; k < 4; k++) syscall(SYS_getppid);
    syscall(SYS_dup, 12345);
    {
        union bpf_attr d;
        memset(&d, 0, sizeof d);
        d.link_detach.link_fd = (unsigned)link;
        show("BPF_LINK_DETACH raw_tracepoint link", sys_bpf(BPF_LINK_DETACH, &d, sizeof d), 1);
        memset(&d, 0, sizeof d);
        d.link_update.link_fd = (unsigned)link;
        d.link_update.new_prog_fd = (unsigned)prog;
        show("BPF_LINK_UPDATE raw_tracepoint link", sys_bpf(BPF_LINK_UPDATE, &d, sizeof d), 1);
        struct bpf_link_info info;
        char name[32];
        memset(&info, 0, sizeof info);
        info.raw_tracepoint.tp_name = (unsigned long)name;
        info.raw_tracepoint.tp_name_len = sizeof name;
        memset(&d, 0, sizeof d);
        d.info.bpf_fd = (unsigned)link;
        d.info.info_len = sizeof info;
        d.info.info = (unsigned long)&info;
        show("OBJ_GET_INFO_BY_FD raw_tracepoint link", sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &d, sizeof d), 1);
        printf("link info: type %u, tp_name %s, tp_name_len %u\n", info.type, name, info.raw_tracepoint.tp_name_len);
    }
    close(link);
    syscall(SYS_getppid);
    printf("getppid calls seen: %llu\n", array_get(arr, 0));
    printf("dup's first argument read through pt_regs: %llu\n", array_get(arr, 1));
    memset(&a, 0, sizeof a);
    a.raw_tracepoint.name = (unsigned long)"no_such_tracepoint";
    a.raw_tracepoint.prog_fd = (unsigned)prog;
    show("BPF_RAW_TRACEPOINT_OPEN no_such_tracepoint", sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &a, sizeof a), 1);
    struct prog far = {0};
    emit(&far, LDX64(0, 1, 16));
    emit(&far, MOV64_IMM(0, 0));
    emit(&far, EXIT());
    int farfd = (int)load("load raw_tracepoint program reading args[2]", &far, BPF_PROG_TYPE_RAW_TRACEPOINT, 1);
    memset(&a, 0, sizeof a);
    a.raw_tracepoint.name = (unsigned long)"sys_enter";
    a.raw_tracepoint.prog_fd = (unsigned)farfd;
    show("BPF_RAW_TRACEPOINT_OPEN sys_enter reading args[2]", sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &a, sizeof a), 1);
    {
        struct prog ret1 = {0};
        emit(&ret1, LDX64(0, 1, 8));
        emit(&ret1, EXIT());
        int rfd = (int)load("load raw_tracepoint program returning args[1]", &ret1, BPF_PROG_TYPE_RAW_TRACEPOINT, 1);
        unsigned long long args[2] = {5, 41};
        union bpf_attr r;
        memset(&r, 0, sizeof r);
        r.test.prog_fd = (unsigned)rfd;
        r.test.ctx_in = (unsigned long)args;
        r.test.ctx_size_in = sizeof args;
        show("PROG_TEST_RUN raw_tracepoint", sys_bpf(BPF_PROG_TEST_RUN, &r, sizeof r), 1);
        printf("retval %u\n", r.test.retval);
        r.test.ctx_size_in = 8;
        show("PROG_TEST_RUN raw_tracepoint with a context too small", sys_bpf(BPF_PROG_TEST_RUN, &r, sizeof r), 1);
        r.test.ctx_size_in = sizeof args;
        r.test.repeat = 2;
        show("PROG_TEST_RUN raw_tracepoint with repeat", sys_bpf(BPF_PROG_TEST_RUN, &r, sizeof r), 1);
        close(rfd);
        struct prog tp0 = {0};
        emit(&tp0, MOV64_IMM(0, 0));
        emit(&tp0, EXIT());
        int tfd = (int)load("load tracepoint program returning 0", &tp0, BPF_PROG_TYPE_TRACEPOINT, 1);
        memset(&r, 0, sizeof r);
        r.test.prog_fd = (unsigned)tfd;
        show("PROG_TEST_RUN tracepoint", sys_bpf(BPF_PROG_TEST_RUN, &r, sizeof r), 1);
        close(tfd);
    }
    close(farfd);
    close(prog);
    close(arr);
}

/* ---- sched and signal tracepoints, each program filtering on this process ---- */
#define LDX32(d, s, o) INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define LDX8(d, s, o) INSN(BPF_LDX | BPF_MEM | BPF_B, d, s, o, 0)
#define JMP_REG(op, d, s, o) INSN(BPF_JMP | (op) | BPF_X, d, s, o, 0)

/* arr[key] = r8 (r8 survives the lookup); returns the jump to patch at out. */
static int store_r8(struct prog *p, int arr, int key) {
    int j = array_slot(p, arr, key);
    emit(p, STX64(0, 8, 0));
    return j;
}
static int add_one(struct prog *p, int arr, int key) {
    int j = array_slot(p, arr, key);
    emit(p, MOV64_IMM(1, 1));
    emit(p, XADD64(0, 1, 0));
    return j;
}
static int attach_tp(const char *event, struct prog *p, const char *name) {
    int fd = (int)load(name, p, BPF_PROG_TYPE_TRACEPOINT, 1);
    struct perf_event_attr a = tp_attr(tracefs_id(event));
    int ev = (int)perf_open(&a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
    char what[128];
    snprintf(what, sizeof what, "attach %s", event);
    show(what, ioctl(ev, PERF_EVENT_IOC_SET_BPF, fd), 1);
    ioctl(ev, PERF_EVENT_IOC_ENABLE, 0);
    close(fd);
    return ev;
}
static volatile int usr1_seen;
static void on_usr1(int sig) { usr1_seen = sig; }

static void sched_and_signals(void) {
    int arr = (int)map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 16);
    int me = getpid(), evs[10], ne = 0, outs[8], no;
    struct prog p;

    /* fork: parent_pid @12 == me → arr[0] = child_pid @20, arr[1]++ */
    memset(&p, 0, sizeof p); no = 0;
    emit(&p, MOV64_REG(6, 1));
    emit(&p, LDX32(7, 6, 12));
    outs[no++] = jmp(&p, JMP_IMM(BPF_JNE, 7, me, 0));
    emit(&p, LDX32(8, 6, 20));
    outs[no++] = store_r8(&p, arr, 0);
    outs[no++] = add_one(&p, arr, 1);
    finish(&p, outs, no);
    evs[ne++] = attach_tp("sched/sched_process_fork", &p, "load sched_process_fork program");

    /* exec: pid @12 == arr[0] → arr[2] = old_pid @16, arr[3] = the filename's __data_loc length */
    memset(&p, 0, sizeof p); no = 0;
    emit(&p, MOV64_REG(6, 1));
    outs[no++] = array_slot(&p, arr, 0);
    emit(&p, LDX64(9, 0, 0));
    emit(&p, LDX32(7, 6, 12));
    outs[no++] = jmp(&p, JMP_REG(BPF_JNE, 7, 9, 0));
    emit(&p, LDX32(8, 6, 16));
    outs[no++] = store_r8(&p, arr, 2);
    emit(&p, LDX32(8, 6, 8));
    emit(&p, ALU64_IMM(BPF_RSH, 8, 16));
    outs[no++] = store_r8(&p, arr, 3);
    finish(&p, outs, no);
    evs[ne++] = attach_tp("sched/sched_process_exec", &p, "load sched_process_exec program");

    /* exit: pid @24 == arr[0] → arr[4] = group_dead @32 + 1, arr[5] = prio @28 */
    memset(&p, 0, sizeof p); no = 0;
    emit(&p, MOV64_REG(6, 1));
    outs[no++] = array_slot(&p, arr, 0);
    emit(&p, LDX64(9, 0, 0));
    emit(&p, LDX32(7, 6, 24));
    outs[no++] = jmp(&p, JMP_REG(BPF_JNE, 7, 9, 0));
    emit(&p, LDX8(8, 6, 32));
    emit(&p, ALU64_IMM(BPF_ADD, 8, 1));
    outs[no++] = store_r8(&p, arr, 4);
    emit(&p, LDX32(8, 6, 28));
    outs[no++] = store_r8(&p, arr, 5);
    finish(&p, outs, no);
    evs[ne++] = attach_tp("sched/sched_process_exit", &p, "load sched_process_exit program");

    /* signal_generate: pid @36 == me and sig @8 == SIGUSR1 → arr[6] = code, arr[7] = group, arr[8]++, arr[9] = result */
    memset(&p, 0, sizeof p); no = 0;
    emit(&p, MOV64_REG(6, 1));
    emit(&p, LDX32(7, 6, 36));
    outs[no++] = jmp(&p, JMP_IMM(BPF_JNE, 7, me, 0));
    emit(&p, LDX32(7, 6, 8));
    outs[no++] = jmp(&p, JMP_IMM(BPF_JNE, 7, SIGUSR1, 0));
    emit(&p, LDX32(8, 6, 16));
    outs[no++] = store_r8(&p, arr, 6);
    emit(&p, LDX32(8, 6, 40));
    outs[no++] = store_r8(&p, arr, 7);
    outs[no++] = add_one(&p, arr, 8);
    emit(&p, LDX32(8, 6, 44));
    outs[no++] = store_r8(&p, arr, 9);
    finish(&p, outs, no);
    evs[ne++] = attach_tp("signal/signal_generate", &p, "load signal_generate program");

    /* signal_deliver in this process, sig SIGUSR1 → arr[10] = sa_flags @32, arr[11] = sa_handler @24 */
    memset(&p, 0, sizeof p); no = 0;
    emit(&p, MOV64_REG(6, 1));
    outs[no++] = only_me(&p);
    emit(&p, LDX32(7, 6, 8));
    outs[no++] = jmp(&p, JMP_IMM(BPF_JNE, 7, SIGUSR1, 0));
    emit(&p, LDX64(8, 6, 32));
    outs[no++] = store_r8(&p, arr, 10);
    emit(&p, LDX64(8, 6, 24));
    outs[no++] = store_r8(&p, arr, 11);
    finish(&p, outs, no);
    evs[ne++] = attach_tp("signal/signal_deliver", &p, "load signal_deliver program");

    /* sched_switch: prev_pid @24 == me, prev_state @32 == 1 (S) → arr[12]++ */
    memset(&p, 0, sizeof p); no = 0;
    emit(&p, MOV64_REG(6, 1));
    emit(&p, LDX32(7, 6, 24));
    outs[no++] = jmp(&p, JMP_IMM(BPF_JNE, 7, me, 0));
    emit(&p, LDX64(7, 6, 32));
    outs[no++] = jmp(&p, JMP_IMM(BPF_JNE, 7, 1, 0));
    outs[no++] = add_one(&p, arr, 12);
    finish(&p, outs, no);
    evs[ne++] = attach_tp("sched/sched_switch", &p, "load sched_switch program");

    /* raw sched_switch(preempt, prev, next, prev_state): the current task going to sleep → arr[13]++ */
    memset(&p, 0, sizeof p); no = 0;
    emit(&p, MOV64_REG(6, 1));
    outs[no++] = only_me(&p);
    emit(&p, LDX64(7, 6, 24)); /* prev_state */
    outs[no++] = jmp(&p, JMP_IMM(BPF_JNE, 7, 1, 0));
    emit(&p, LDX64(7, 6, 0)); /* preempt */
    outs[no++] = jmp(&p, JMP_IMM(BPF_JNE, 7, 0, 0));
    outs[no++] = add_one(&p, arr, 13);
    finish(&p, outs, no);
    int rawsw = (int)load("load raw sched_switch program", &p, BPF_PROG_TYPE_RAW_TRACEPOINT, 1);
    union bpf_attr ra;
    memset(&ra, 0, sizeof ra);
    ra.raw_tracepoint.name = (unsigned long)"sched_switch";
    ra.raw_tracepoint.prog_fd = (unsigned)rawsw;
    evs[ne++] = (int)show("BPF_RAW_TRACEPOINT_OPEN sched_switch", sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &ra, sizeof ra), 1);
    close(rawsw);

    int sync[2];
    pipe(sync);
    pid_t child = fork();
    if (child == 0) {
        char c;
        read(sync[0], &c, 1); /* the parent has seen the fork */
        execl("/bin/true", "/bin/true", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    printf("fork traced: %s, child pid matches: %s\n", array_get(arr, 1) == 1 ? "once" : "no",
           array_get(arr, 0) == (unsigned long long)child ? "yes" : "no");
    write(sync[1], "x", 1);
    waitpid(child, &status, 0);
    printf("exec traced: old_pid is the child: %s, filename length %llu\n",
           array_get(arr, 2) == (unsigned long long)child ? "yes" : "no", array_get(arr, 3));
    printf("exit traced: group_dead %lld, prio %llu\n", (long long)array_get(arr, 4) - 1, array_get(arr, 5));

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    kill(getpid(), SIGUSR1);
    printf("signal_generate: %llu, code %d, group %llu, result %llu; handler ran: %s\n", array_get(arr, 8),
           (int)array_get(arr, 6), array_get(arr, 7), array_get(arr, 9), usr1_seen == SIGUSR1 ? "yes" : "no");
    printf("signal_deliver: sa_flags 0x%llx, sa_handler is the handler: %s\n", array_get(arr, 10),
           array_get(arr, 11) == (unsigned long long)(unsigned long)on_usr1 ? "yes" : "no");
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
    printf("tgkill: code %d, group %llu\n", (int)array_get(arr, 6), array_get(arr, 7));
    signal(SIGUSR1, SIG_IGN);
    kill(getpid(), SIGUSR1);
    printf("ignored: result %llu\n", array_get(arr, 9));
    struct timespec ts = {0, 2000000};
    nanosleep(&ts, NULL);
    printf("switched out sleeping: %s\n", array_get(arr, 12) > 0 ? "yes" : "no");
    printf("raw sched_switch saw it sleep: %s\n", array_get(arr, 13) > 0 ? "yes" : "no");
    for (int k = 0; k < ne; k++) close(evs[k]);
    close(sync[0]);
    close(sync[1]);
    close(arr);
}

/* A counting tracepoint event on this thread: read() gives the hits. */
static void counting(void) {
    struct perf_event_attr a = tp_attr(tracefs_id("syscalls/sys_enter_getpid"));
    a.sample_period = 0;
    a.disabled = 1;
    a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_ID;
    int ev = (int)show("perf_event_open counting sys_enter_getpid", perf_open(&a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC), 1);
    syscall(SYS_getpid);
    ioctl(ev, PERF_EVENT_IOC_ENABLE, 0);
    for (int k = 0; k < 5; k++) syscall(SYS_getpid);
    ioctl(ev, PERF_EVENT_IOC_DISABLE, 0);
    syscall(SYS_getpid);
    unsigned long long v[3] = {0, 0, 0};
    show("read counting event", read(ev, v, sizeof v), 0);
    printf("getpid count %llu, id > 0: %s\n", v[0], v[2] > 0 ? "yes" : "no");
    show("read into 8 bytes", read(ev, v, 8), 0);
    ioctl(ev, PERF_EVENT_IOC_RESET, 0);
    read(ev, v, sizeof v);
    printf("after reset: %llu\n", v[0]);
    close(ev);
}

/* cpu-clock sampling on this thread running a PERF_EVENT program. */
static volatile unsigned long sink;
static void sampler(void) {
    int arr = (int)map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 4);
    int stacks = (int)show("map create stack trace", map_create(BPF_MAP_TYPE_STACK_TRACE, 4, 8 * 16, 64), 1);
    struct prog p = {0};
    int outs[8], no = 0;
    emit(&p, MOV64_REG(6, 1));
    outs[no++] = only_me(&p);
    outs[no++] = array_slot(&p, arr, 0);
    emit(&p, MOV64_IMM(1, 1));
    emit(&p, XADD64(0, 1, 0));
    outs[no++] = array_slot(&p, arr, 1);
    emit(&p, LDX64(1, 6, 168)); /* sample_period */
    emit(&p, STX64(0, 1, 0));
    emit(&p, MOV64_REG(1, 6)); /* bpf_get_stack(ctx, buf, 64, BPF_F_USER_STACK) */
    emit(&p, MOV64_REG(2, 10));
    emit(&p, ALU64_IMM(BPF_ADD, 2, -80));
    emit(&p, MOV64_IMM(3, 64));
    emit(&p, MOV64_IMM(4, BPF_F_USER_STACK));
    emit(&p, CALL(BPF_FUNC_get_stack));
    emit(&p, MOV64_REG(7, 0));
    outs[no++] = jmp(&p, JMP_IMM(BPF_JSLE, 7, 0, 0));
    outs[no++] = array_slot(&p, arr, 2);
    emit(&p, MOV64_IMM(1, 1));
    emit(&p, STX64(0, 1, 0));
    emit(&p, MOV64_REG(1, 6)); /* arr[3] = bpf_get_stackid(ctx, stacks, BPF_F_USER_STACK | BPF_F_REUSE_STACKID) + 1 */
    ld_map(&p, 2, stacks);
    emit(&p, MOV64_IMM(3, BPF_F_USER_STACK | BPF_F_REUSE_STACKID));
    emit(&p, CALL(BPF_FUNC_get_stackid));
    emit(&p, MOV64_REG(8, 0));
    emit(&p, ALU64_IMM(BPF_ADD, 8, 1));
    outs[no++] = array_slot(&p, arr, 3);
    emit(&p, STX64(0, 8, 0));
    finish(&p, outs, no);
    int prog = (int)load("load perf_event program", &p, BPF_PROG_TYPE_PERF_EVENT, 1);
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.type = PERF_TYPE_SOFTWARE;
    a.size = sizeof a;
    a.config = PERF_COUNT_SW_CPU_CLOCK;
    a.sample_period = 1000000; /* 1 ms */
    a.disabled = 1;
    int ev = (int)show("perf_event_open cpu-clock sampling", perf_open(&a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC), 1);
    show("PERF_EVENT_IOC_SET_BPF perf_event program", ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog), 1);
    ioctl(ev, PERF_EVENT_IOC_ENABLE, 0);
    for (unsigned long k = 0; k < 30000000UL && array_get(arr, 0) < 5; k++) sink += k * k;
    ioctl(ev, PERF_EVENT_IOC_DISABLE, 0);
    printf("samples taken: %s\n", array_get(arr, 0) > 0 ? "> 0" : "0");
    printf("sample_period seen by the program: %llu\n", array_get(arr, 1));
    printf("bpf_get_stack found a user stack: %s\n", array_get(arr, 2) ? "yes" : "no");
    {
        long long sid = (long long)array_get(arr, 3) - 1;
        printf("bpf_get_stackid: %s\n", sid >= 0 ? ">= 0" : ename((int)-sid));
        unsigned key = (unsigned)sid;
        unsigned long long ips[16];
        union bpf_attr la;
        memset(&la, 0, sizeof la);
        la.map_fd = (unsigned)stacks;
        la.key = (unsigned long)&key;
        la.value = (unsigned long)ips;
        show("stack trace lookup", sys_bpf(BPF_MAP_LOOKUP_ELEM, &la, sizeof la), 1);
        printf("innermost ip is a user address: %s\n", ips[0] > 0 && ips[0] < 0x800000000000ULL ? "yes" : "no");
        show("stack trace update", sys_bpf(BPF_MAP_UPDATE_ELEM, &la, sizeof la), 1);
        la.value = 0;
        show("stack trace delete", sys_bpf(BPF_MAP_DELETE_ELEM, &la, sizeof la), 1);
        show("stack trace delete again", sys_bpf(BPF_MAP_DELETE_ELEM, &la, sizeof la), 1);
    }
    unsigned long long ns = 0;
    read(ev, &ns, sizeof ns);
    printf("cpu-clock counted time: %s\n", ns > 0 ? "> 0" : "0");
    close(ev);

    memset(&a, 0, sizeof a);
    a.type = PERF_TYPE_SOFTWARE;
    a.size = sizeof a;
    a.config = PERF_COUNT_SW_TASK_CLOCK;
    ev = (int)show("perf_event_open task-clock counting", perf_open(&a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC), 1);
    for (unsigned long k = 0; k < 200000UL; k++) sink += k;
    read(ev, &ns, sizeof ns);
    printf("task-clock counted time: %s\n", ns > 0 ? "> 0" : "0");
    show("SET_BPF of a perf_event program on a counting event", ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog), 1);
    close(ev);
    close(prog);
    close(arr);
}

/* The mmap'ed ring of a tracepoint event on this thread: samples with the raw record, wake-ups, lost records. */
static void ring(void) {
    struct perf_event_attr a = tp_attr(tracefs_id("syscalls/sys_enter_getpid"));
    a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_RAW;
    a.disabled = 1;
    int ev = (int)show("perf_event_open sampling sys_enter_getpid", perf_open(&a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC), 1);
    show("mmap 4 pages", (long)(mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ev, 0) == MAP_FAILED ? -1 : 0), 1);
    show("mmap at offset 4096", (long)(mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ev, 4096) == MAP_FAILED ? -1 : 0), 1);
    show("mmap private", (long)(mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, ev, 0) == MAP_FAILED ? -1 : 0), 1);
    struct pollfd pf = {.fd = ev, .events = POLLIN};
    show("poll before mmap", poll(&pf, 1, 0), 0);
    printf("revents 0x%x\n", pf.revents);
    unsigned char *m = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ev, 0);
    show("mmap 1 + 1 pages", m == MAP_FAILED ? -1 : 0, 1);
    struct perf_event_mmap_page *pg = (struct perf_event_mmap_page *)m;
    printf("data_offset %llu data_size %llu data_head %llu\n", pg->data_offset, pg->data_size, pg->data_head);
    pf.revents = 0;
    show("poll with an empty ring", poll(&pf, 1, 0), 0);
    ioctl(ev, PERF_EVENT_IOC_ENABLE, 0);
    for (int k = 0; k < 3; k++) syscall(SYS_getpid);
    pf.revents = 0;
    show("poll after samples", poll(&pf, 1, 0), 0);
    printf("revents 0x%x\n", pf.revents);
    unsigned long long head = __atomic_load_n(&pg->data_head, __ATOMIC_ACQUIRE);
    printf("data_head after 3 samples: %llu\n", head);
    unsigned char *data = m + pg->data_offset;
    for (unsigned long long at = 0; at < head;) {
        struct perf_event_header *h = (struct perf_event_header *)(data + at % pg->data_size);
        unsigned *body = (unsigned *)(h + 1);
        int self = body[0] == (unsigned)getpid() && body[1] == (unsigned)syscall(SYS_gettid);
        unsigned raw = body[2];
        unsigned char *rec = (unsigned char *)&body[3];
        printf("record type %u misc %u size %u: self %d, raw size %u, common_type ok %d, common_pid ok %d, nr %d\n",
               h->type, h->misc, h->size, self, raw, *(unsigned short *)rec == (unsigned short)tracefs_id("syscalls/sys_enter_getpid"),
               *(int *)(rec + 4) == (int)syscall(SYS_gettid), *(int *)(rec + 8));
        at += h->size;
    }
    __atomic_store_n(&pg->data_tail, head, __ATOMIC_RELEASE);
    for (int k = 0; k < 200; k++) syscall(SYS_getpid);
    unsigned long long full = __atomic_load_n(&pg->data_head, __ATOMIC_ACQUIRE);
    printf("data_head after 200 more: %llu (%llu bytes written)\n", full, full - head);
    __atomic_store_n(&pg->data_tail, full, __ATOMIC_RELEASE);
    syscall(SYS_getpid);
    unsigned long long after = __atomic_load_n(&pg->data_head, __ATOMIC_ACQUIRE);
    struct perf_event_header *h = (struct perf_event_header *)(m + pg->data_offset + full % pg->data_size);
    unsigned long long *lost = (unsigned long long *)(h + 1);
    printf("next record: type %u misc %u size %u, lost %llu; then %llu bytes\n", h->type, h->misc, h->size, lost[1],
           after - full - h->size);
    unsigned long long v[2];
    a.read_format = PERF_FORMAT_LOST;
    show("read count", read(ev, v, 8), 0);
    printf("count %llu\n", v[0]);
    munmap(m, 2 * 4096);
    close(ev);
}

static void open_errors(void) {
    unsigned char buf[512];
    struct perf_event_attr *a = (struct perf_event_attr *)buf;
    memset(buf, 0, sizeof buf);
    a->type = PERF_TYPE_SOFTWARE;
    a->config = PERF_COUNT_SW_DUMMY;
    a->size = 200;
    buf[190] = 1;
    show("attr size 200 with a non-zero tail", perf_open(a, 0, -1, -1, 0), 1);
    printf("attr size written back: %u\n", a->size);
    a->size = 8;
    show("attr size 8", perf_open(a, 0, -1, -1, 0), 1);
    printf("attr size written back: %u\n", a->size);
    memset(buf, 0, sizeof buf);
    a->type = PERF_TYPE_SOFTWARE;
    a->config = PERF_COUNT_SW_DUMMY;
    a->size = 0; /* PERF_ATTR_SIZE_VER0 */
    long fd = show("attr size 0 (VER0)", perf_open(a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC), 1);
    close((int)fd);
    a->size = sizeof *a;
    fd = show("attr size 200 with a zero tail", (a->size = 200, perf_open(a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC)), 1);
    close((int)fd);
    a->size = sizeof *a;
    show("flags 0x100", perf_open(a, 0, -1, -1, 0x100), 1);
    show("pid -1 cpu -1", perf_open(a, -1, -1, -1, 0), 1);
    show("pid 999999999", perf_open(a, 999999999, -1, -1, 0), 1);
    show("cpu 4096", perf_open(a, 0, 4096, -1, 0), 1);
    show("group_fd 0 (not a perf event)", perf_open(a, 0, -1, 0, 0), 1);
    show("bad attr pointer", perf_open((struct perf_event_attr *)8, 0, -1, -1, 0), 1);
    a->config = 9999;
    show("software config 9999", perf_open(a, 0, -1, -1, 0), 1);
    a->type = 9999;
    a->config = 0;
    show("type 9999", perf_open(a, 0, -1, -1, 0), 1);
    a->type = PERF_TYPE_TRACEPOINT;
    a->config = 99999999;
    show("tracepoint id 99999999", perf_open(a, 0, -1, -1, 0), 1);
    a->type = PERF_TYPE_SOFTWARE;
    a->config = PERF_COUNT_SW_DUMMY;
    a->sample_type = 1ULL << 40;
    show("sample_type bit 40", perf_open(a, 0, -1, -1, 0), 1);
    a->sample_type = 0;
    a->read_format = 1ULL << 20;
    show("read_format bit 20", perf_open(a, 0, -1, -1, 0), 1);
    a->read_format = 0;
    a->__reserved_1 = 1;
    show("reserved attr bit", perf_open(a, 0, -1, -1, 0), 1);
    a->__reserved_1 = 0;
    a->freq = 1;
    a->sample_freq = 1000000000ULL;
    show("sample_freq above the maximum rate", perf_open(a, 0, -1, -1, 0), 1);
    a->freq = 0;
    a->sample_period = 1ULL << 63;
    show("sample_period with bit 63", perf_open(a, 0, -1, -1, 0), 1);
    a->sample_period = 0;
    fd = perf_open(a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
    show("unknown perf ioctl", ioctl((int)fd, _IO('$', 0x7f), 0), 1);
    unsigned long long p = 1000;
    show("PERF_EVENT_IOC_PERIOD on a counting event", ioctl((int)fd, PERF_EVENT_IOC_PERIOD, &p), 1);
    close((int)fd);
}

/* bpf_perf_event_output into a bpf-output event through a perf event array, without and with its ring (CPU 0) */
static void bpf_output(void) {
    int arr = (int)map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2);
    int outs[8], no = 0, ev;
    struct perf_event_attr t;
    int pea = (int)map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 1);
    struct perf_event_attr o;
    memset(&o, 0, sizeof o);
    o.type = PERF_TYPE_SOFTWARE;
    o.size = sizeof o;
    o.config = PERF_COUNT_SW_BPF_OUTPUT;
    o.sample_type = PERF_SAMPLE_RAW;
    o.sample_period = 1;
    o.wakeup_events = 1;
    int out = (int)show("perf_event_open bpf-output", perf_open(&o, -1, 0, -1, PERF_FLAG_FD_CLOEXEC), 1);
    {
        union bpf_attr u;
        unsigned key = 0, val = (unsigned)out;
        memset(&u, 0, sizeof u);
        u.map_fd = (unsigned)pea;
        u.key = (unsigned long)&key;
        u.value = (unsigned long)&val;
        show("perf event array update", sys_bpf(BPF_MAP_UPDATE_ELEM, &u, sizeof u), 1);
        unsigned got;
        u.value = (unsigned long)&got;
        show("perf event array lookup", sys_bpf(BPF_MAP_LOOKUP_ELEM, &u, sizeof u), 1);
    }
    struct prog po = {0};
    no = 0;
    emit(&po, MOV64_REG(6, 1));
    outs[no++] = only_me(&po);
    emit(&po, ST64(10, -8, 42));
    emit(&po, MOV64_REG(1, 6));
    ld_map(&po, 2, pea);
    emit(&po, INSN(BPF_LD | BPF_DW | BPF_IMM, 3, 0, 0, (int)BPF_F_CURRENT_CPU));
    emit(&po, INSN(0, 0, 0, 0, 0));
    emit(&po, MOV64_REG(4, 10));
    emit(&po, ALU64_IMM(BPF_ADD, 4, -8));
    emit(&po, MOV64_IMM(5, 8));
    emit(&po, CALL(BPF_FUNC_perf_event_output));
    emit(&po, MOV64_REG(7, 0));
    outs[no++] = array_slot(&po, arr, 1);
    emit(&po, STX64(0, 7, 0));
    finish(&po, outs, no);
    int ofd = (int)load("load perf_event_output program", &po, BPF_PROG_TYPE_TRACEPOINT, 1);
    t = tp_attr(tracefs_id("syscalls/sys_enter_getppid"));
    ev = (int)perf_open(&t, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
    show("SET_BPF perf_event_output program", ioctl(ev, PERF_EVENT_IOC_SET_BPF, ofd), 1);
    syscall(SYS_getppid);
    printf("bpf_perf_event_output returned: %lld\n", (long long)array_get(arr, 1));
    unsigned char *ring = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, out, 0);
    show("mmap the bpf-output ring", ring == MAP_FAILED ? -1 : 0, 1);
    syscall(SYS_getppid);
    close(ev);
    printf("bpf_perf_event_output with a ring returned: %lld\n", (long long)array_get(arr, 1));
    struct perf_event_mmap_page *pg = (struct perf_event_mmap_page *)ring;
    struct perf_event_header *h = (struct perf_event_header *)(ring + pg->data_offset);
    unsigned *raw = (unsigned *)(h + 1);
    printf("ring: data_head %llu, record type %u size %u, raw size %u, value %llu\n", pg->data_head, h->type, h->size,
           raw[0], *(unsigned long long *)&raw[1]);
    munmap(ring, 2 * 4096);
    unsigned long long count = 0;
    read(out, &count, sizeof count);
    printf("bpf-output event count: %llu\n", count);
    close(ofd);
    close(out);
    close(pea);
    close(arr);
}

static void emu_only(void) {
    /* kprobe on the getpid syscall's wrapper: counts calls, reads orig_ax through di */
    int arr = (int)map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 2);
    struct prog p = {0};
    int outs[8], no = 0;
    emit(&p, MOV64_REG(6, 1));
    outs[no++] = only_me(&p);
    outs[no++] = array_slot(&p, arr, 0);
    emit(&p, MOV64_IMM(1, 1));
    emit(&p, XADD64(0, 1, 0));
    emit(&p, LDX64(3, 6, 112)); /* di: the user's struct pt_regs * */
    emit(&p, ALU64_IMM(BPF_ADD, 3, 120)); /* &regs->orig_ax */
    emit(&p, MOV64_REG(1, 10));
    emit(&p, ALU64_IMM(BPF_ADD, 1, -16));
    emit(&p, MOV64_IMM(2, 8));
    emit(&p, CALL(BPF_FUNC_probe_read_kernel));
    outs[no++] = array_slot(&p, arr, 1);
    emit(&p, LDX64(1, 10, -16));
    emit(&p, STX64(0, 1, 0));
    finish(&p, outs, no);
    int prog = (int)load("load kprobe program", &p, BPF_PROG_TYPE_KPROBE, 1);
    char type[16] = {0};
    int tf = open("/sys/bus/event_source/devices/kprobe/type", O_RDONLY);
    read(tf, type, sizeof type - 1);
    close(tf);
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.type = (unsigned)atoi(type);
    a.size = sizeof a;
    a.config1 = (unsigned long)"__x64_sys_getpid";
    a.sample_period = 1;
    int ev = (int)show("perf_event_open kprobe __x64_sys_getpid", perf_open(&a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC), 1);
    show("SET_BPF kprobe program", ioctl(ev, PERF_EVENT_IOC_SET_BPF, prog), 1);
    ioctl(ev, PERF_EVENT_IOC_ENABLE, 0);
    for (int k = 0; k < 3; k++) syscall(SYS_getpid);
    close(ev);
    syscall(SYS_getpid);
    printf("getpid kprobe hits: %llu\n", array_get(arr, 0));
    printf("orig_ax read through di: %llu\n", array_get(arr, 1));
    a.config1 = (unsigned long)"no_such_function";
    show("perf_event_open kprobe no_such_function", perf_open(&a, -1, 0, -1, 0), 1);

    /* bpf_trace_printk from a tracepoint program, read back from trace_pipe */
    struct prog pr = {0};
    no = 0;
    outs[no++] = only_me(&pr);
    emit(&pr, ST64(10, -8, 0x21696869)); /* "ihi!" little-endian: "hi!" with a leading 'i' */
    emit(&pr, MOV64_REG(1, 10));
    emit(&pr, ALU64_IMM(BPF_ADD, 1, -7));
    emit(&pr, MOV64_IMM(2, 4));
    emit(&pr, MOV64_IMM(3, 0));
    emit(&pr, MOV64_IMM(4, 0));
    emit(&pr, MOV64_IMM(5, 0));
    emit(&pr, CALL(BPF_FUNC_trace_printk));
    finish(&pr, outs, no);
    int pfd = (int)load("load printk program", &pr, BPF_PROG_TYPE_TRACEPOINT, 1);
    struct perf_event_attr t = tp_attr(tracefs_id("syscalls/sys_enter_getppid"));
    ev = (int)perf_open(&t, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
    show("SET_BPF printk program", ioctl(ev, PERF_EVENT_IOC_SET_BPF, pfd), 1);
    syscall(SYS_getppid);
    close(ev);
    int pipe = open(TRACEFS "/trace_pipe", O_RDONLY | O_NONBLOCK);
    char line[256] = {0};
    long n = read(pipe, line, sizeof line - 1);
    printf("trace_pipe: %s", n > 0 ? strstr(line, "bpf_trace_printk") : "(nothing)\n");
    close(pipe);
    close(pfd);

    close(prog);
    close(arr);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1) < 0 && (errno == EPERM || errno == ENOSYS)) {
        printf("SKIP bpf() refused by this kernel: %s\n", strerror(errno));
        return 0;
    }
    if (access(TRACEFS "/events", F_OK) != 0 && mount("nodev", TRACEFS, "tracefs", 0, NULL) != 0) {
        printf("SKIP no tracefs at " TRACEFS ": %s\n", strerror(errno));
        return 0;
    }
    cpu_set_t cpu0; /* bpf_perf_event_output writes to the event of the CPU it runs on: stay on CPU 0 */
    CPU_ZERO(&cpu0);
    CPU_SET(0, &cpu0);
    sched_setaffinity(0, sizeof cpu0, &cpu0);
    if (argc > 1 && strcmp(argv[1], "emu-only") == 0) {
        emu_only();
        printf("done\n");
        return 0;
    }
    print_format("syscalls/sys_enter_openat");
    print_format("syscalls/sys_exit_openat");
    print_format("syscalls/sys_enter_getpid");
    print_format("raw_syscalls/sys_enter");
    print_format("raw_syscalls/sys_exit");
    print_format("sched/sched_switch");
    print_format("sched/sched_process_fork");
    print_format("sched/sched_process_exec");
    print_format("sched/sched_process_exit");
    print_format("signal/signal_generate");
    print_format("signal/signal_deliver");
    openat_counter();
    raw_tracepoint();
    sched_and_signals();
    counting();
    sampler();
    ring();
    bpf_output();
    open_errors();
    printf("done\n");
    return 0;
}

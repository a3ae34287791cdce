/*
 * The differential verifier corpus' loader: reads cases (already assembled by
 * VerifierCorpusTest) from the file named by argv[1] and loads each with BPF_PROG_LOAD, natively
 * (the host kernel's verifier is the oracle) and under emu. One line per case:
 *
 *   NAME ok processed=N                 accepted (N from the log's "processed N insns")
 *   NAME -1 ERRNO | last log line       refused
 *   NAME map -1 ERRNO                   a map of the case could not be created
 *
 * Input, one case after the other:
 *
 *   case NAME PROG_TYPE NMAPS NINSNS
 *   map TYPE KEY_SIZE VALUE_SIZE MAX_ENTRIES FLAGS      (NMAPS lines)
 *   HEX                                                 (NINSNS lines: one slot as a little-endian u64)
 *
 * An lddw naming a map (src BPF_PSEUDO_MAP_FD or BPF_PSEUDO_MAP_VALUE) carries the map's index
 * in the case; it is replaced by the map's fd here. A program with a callback (an lddw of src
 * BPF_PSEUDO_FUNC, e.g. for bpf_loop) is loaded with BTF func_info naming every function static,
 * which Linux requires of callbacks ("missing btf func_info").
 *
 * "SKIP reason" on the first line when bpf() is refused (not root, or the host forbids it).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_MAPS 8
#define LOG_SIZE (16u << 20)

static char log_buf[LOG_SIZE];

static long sys_bpf(long cmd, union bpf_attr *attr) {
    return syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

static const char *ename(int e) {
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EFAULT: return "EFAULT";
    case EINVAL: return "EINVAL";
    case E2BIG: return "E2BIG";
    case ENOSPC: return "ENOSPC";
    case EACCES: return "EACCES";
    case ENOMEM: return "ENOMEM";
    case EBADF: return "EBADF";
    case 524: return "ENOTSUPP";
    default: {
        static char buf[32];
        snprintf(buf, sizeof buf, "errno%d", e);
        return buf;
    }
    }
}

/* The log's last line that is not the statistics line (the reason of a refusal). */
static const char *reason(void) {
    static char line[512];
    line[0] = 0;
    char *p = log_buf;
    while (*p) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t) (nl - p) : strlen(p);
        if (len > 0 && strncmp(p, "processed ", 10) != 0 && strncmp(p, "verification time", 17) != 0
                && strncmp(p, "stack depth", 11) != 0) {
            size_t n = len < sizeof line - 1 ? len : sizeof line - 1;
            memcpy(line, p, n);
            line[n] = 0;
        }
        if (!nl) {
            break;
        }
        p = nl + 1;
    }
    return line;
}

#define MAX_FUNCS 16
/* btf_type.info: kind in bits 24-28, vlen (for a FUNC: its linkage) in bits 0-15. */
#define BTF_INFO(kind, vlen) (((unsigned) (kind) << 24) | (vlen))

/* The first instruction of every function: 0 and the targets of bpf-to-bpf calls and callbacks. */
static unsigned functions(const struct bpf_insn *insns, unsigned n, unsigned *starts, int *has_callback) {
    unsigned cnt = 1;
    starts[0] = 0;
    *has_callback = 0;
    for (unsigned k = 0; k < n; k++) {
        int call = insns[k].code == (BPF_JMP | BPF_CALL) && insns[k].src_reg == BPF_PSEUDO_CALL;
        int func = insns[k].code == (BPF_LD | BPF_DW | BPF_IMM) && insns[k].src_reg == BPF_PSEUDO_FUNC;
        *has_callback |= func;
        if (call || func) {
            unsigned t = k + insns[k].imm + 1;
            int seen = 0;
            for (unsigned j = 0; j < cnt; j++) {
                seen |= starts[j] == t;
            }
            if (!seen && cnt < MAX_FUNCS) {
                starts[cnt++] = t;
            }
        }
    }
    for (unsigned a = 1; a < cnt; a++) { /* insertion sort: func_info must be in instruction order */
        for (unsigned b = a; b > 0 && starts[b - 1] > starts[b]; b--) {
            unsigned x = starts[b];
            starts[b] = starts[b - 1];
            starts[b - 1] = x;
        }
    }
    return cnt;
}

/* A BTF with one void(void) prototype and a static function "f" of it per function; its fd. */
static int load_btf(unsigned funcs) {
    static unsigned char blob[sizeof(struct btf_header) + (MAX_FUNCS + 1) * sizeof(struct btf_type) + 4];
    struct btf_header *h = (struct btf_header *) blob;
    struct btf_type *t = (struct btf_type *) (blob + sizeof *h);
    memset(blob, 0, sizeof blob);
    t[0].info = BTF_INFO(BTF_KIND_FUNC_PROTO, 0);
    t[0].type = 0;
    for (unsigned k = 0; k < funcs; k++) {
        t[1 + k].name_off = 1;
        t[1 + k].info = BTF_INFO(BTF_KIND_FUNC, BTF_FUNC_STATIC);
        t[1 + k].type = 1; /* ids count from 1: the prototype is type 1, function k is 2 + k */
    }
    h->magic = BTF_MAGIC;
    h->version = BTF_VERSION;
    h->hdr_len = sizeof *h;
    h->type_off = 0;
    h->type_len = (1 + funcs) * sizeof *t;
    h->str_off = h->type_len;
    h->str_len = 3;
    memcpy((char *) t + h->type_len, "\0f", 3);
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.btf = (unsigned long) blob;
    a.btf_size = sizeof *h + h->type_len + h->str_len;
    return (int) sys_bpf(BPF_BTF_LOAD, &a);
}

static long load(unsigned type, struct bpf_insn *insns, unsigned n, unsigned log_level) {
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    unsigned starts[MAX_FUNCS];
    int has_callback;
    unsigned funcs = functions(insns, n, starts, &has_callback);
    struct bpf_func_info info[MAX_FUNCS];
    int btf_fd = -1;
    if (has_callback) {
        btf_fd = load_btf(funcs);
        for (unsigned k = 0; k < funcs; k++) {
            info[k].insn_off = starts[k];
            info[k].type_id = 2 + k; /* type 1 is the prototype */
        }
        a.prog_btf_fd = btf_fd < 0 ? 0 : btf_fd;
        a.func_info_rec_size = sizeof info[0];
        a.func_info = (unsigned long) info;
        a.func_info_cnt = funcs;
    }
    a.prog_type = type;
    a.insns = (unsigned long) insns;
    a.insn_cnt = n;
    a.license = (unsigned long) "GPL";
    if (log_level) {
        log_buf[0] = 0;
        a.log_level = log_level;
        a.log_buf = (unsigned long) log_buf;
        a.log_size = LOG_SIZE;
    }
    long r = sys_bpf(BPF_PROG_LOAD, &a);
    int err = errno;
    if (btf_fd >= 0) {
        close(btf_fd);
    }
    errno = err;
    return r;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: verifier_corpus CASES\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 2;
    }
    union bpf_attr probe;
    memset(&probe, 0, sizeof probe);
    probe.map_type = BPF_MAP_TYPE_ARRAY;
    probe.key_size = 4;
    probe.value_size = 4;
    probe.max_entries = 1;
    long pfd = sys_bpf(BPF_MAP_CREATE, &probe);
    if (pfd < 0) {
        printf("SKIP bpf() refused: %s\n", ename(errno));
        return 0;
    }
    close((int) pfd);

    char name[256];
    unsigned type, nmaps, n;
    while (fscanf(in, " case %255s %u %u %u", name, &type, &nmaps, &n) == 4) {
        int fds[MAX_MAPS];
        int bad = 0;
        for (unsigned k = 0; k < nmaps; k++) {
            union bpf_attr m;
            memset(&m, 0, sizeof m);
            if (fscanf(in, " map %u %u %u %u %u", &m.map_type, &m.key_size, &m.value_size, &m.max_entries,
                       &m.map_flags) != 5 || k >= MAX_MAPS) {
                fprintf(stderr, "%s: bad map line\n", name);
                return 2;
            }
            long fd = sys_bpf(BPF_MAP_CREATE, &m);
            if (fd < 0 && !bad) {
                printf("%s map -1 %s\n", name, ename(errno));
                bad = 1;
            }
            fds[k] = (int) fd;
        }
        struct bpf_insn *insns = calloc(n ? n : 1, sizeof *insns);
        for (unsigned k = 0; k < n; k++) {
            unsigned long long v;
            if (fscanf(in, " %llx", &v) != 1) {
                fprintf(stderr, "%s: bad instruction line\n", name);
                return 2;
            }
            memcpy(&insns[k], &v, sizeof v);
        }
        for (unsigned k = 0; k + 1 < n; k++) {
            if (insns[k].code == (BPF_LD | BPF_DW | BPF_IMM)) {
                if ((insns[k].src_reg == BPF_PSEUDO_MAP_FD || insns[k].src_reg == BPF_PSEUDO_MAP_VALUE)
                        && (unsigned) insns[k].imm < nmaps) {
                    insns[k].imm = fds[insns[k].imm];
                }
                k++;
            }
        }
        if (!bad) {
            long fd = load(type, insns, n, 0);
            int err = errno;
            if (fd >= 0) {
                close((int) fd);
                long fd1 = load(type, insns, n, 1);
                const char *p = strstr(log_buf, "processed ");
                if (fd1 >= 0) {
                    close((int) fd1);
                }
                printf("%s ok processed=%ld\n", name, p ? strtol(p + 10, NULL, 10) : -1L);
            } else {
                long fd1 = load(type, insns, n, 1);
                if (fd1 >= 0) {
                    close((int) fd1);
                }
                printf("%s -1 %s | %s\n", name, ename(err), reason());
            }
        }
        for (unsigned k = 0; k < nmaps; k++) {
            if (fds[k] >= 0) {
                close(fds[k]);
            }
        }
        free(insns);
        fflush(stdout);
    }
    printf("done\n");
    return 0;
}

/* What the tools share (upstream libbpf-tools keeps the same in trace_helpers.c/btf_helpers.c):
 * libbpf's log quiet unless -v or LIBBPF_DEBUG, stdout line-buffered (a runner reading the tool
 * through a pipe sees each line as it is printed), SIGINT ending the run, and the tp_btf probe. */
#ifndef EMU_TOOLS_COMMON_H
#define EMU_TOOLS_COMMON_H
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static bool tools_verbose;
static volatile sig_atomic_t exiting;

static int tools_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !tools_verbose && !getenv("LIBBPF_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void tools_sig_int(int signo)
{
	exiting = 1;
}

/* Call first: logging, buffering, and SIGINT/SIGTERM ending the main loop (no SA_RESTART, so a
 * blocked poll returns EINTR at once). */
static inline void tools_setup(void)
{
	struct sigaction sa = { .sa_handler = tools_sig_int };

	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	libbpf_set_print(tools_libbpf_print);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* True if the running kernel can load a tp_btf program on tracepoint TP (upstream's
 * probe_tp_btf): a BPF_PROG_TYPE_TRACING program with BPF_TRACE_RAW_TP against the kernel BTF's
 * btf_trace_TP typedef. */
static inline bool tools_probe_tp_btf(const char *tp)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_RAW_TP);
	char name[128];
	struct btf *vmlinux;
	int id, fd;

	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return false;
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_TYPEDEF);
	btf__free(vmlinux);
	if (id <= 0)
		return false;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", insns, 2, &opts);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

/* Where the kernel has no BTF of its own (/sys/kernel/btf/vmlinux), CO-RE relocations can use a
 * BTF file for it instead, as upstream's ensure_core_btf does with BTFHub's files: the file
 * named by $TOOLS_BTF_PATH, if set, goes to libbpf as btf_custom_path. */
static inline void tools_core_btf(struct bpf_object_open_opts *opts)
{
	const char *path = getenv("TOOLS_BTF_PATH");

	if (path && *path && access("/sys/kernel/btf/vmlinux", R_OK))
		opts->btf_custom_path = path;
}

/* "HH:MM:SS" of the (guest's) wall clock. */
static inline void tools_strftime(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	strftime(buf, n, "%H:%M:%S", localtime_r(&t, &tm));
}
#endif

// SPDX-License-Identifier: GPL-2.0
/* opensnoop, libbpf-tools style: syscalls:sys_enter_openat, a .rodata pid filter, .bss
 * counters, events through a ringbuf. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* The tracepoint's record (tracefs syscalls/sys_enter_openat/format). */
struct openat_args {
	__u64 common;
	int nr;
	int pad;
	long dfd;
	const char *filename;
	long flags;
	long mode;
};

struct event {
	__u32 pid;
	__u32 flags;
	char fname[64];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16384);
} events SEC(".maps");

const volatile __u32 target_pid = 0;
__u64 seen = 0;
__u64 dropped = 0;

SEC("tracepoint/syscalls/sys_enter_openat")
int trace_openat(struct openat_args *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct event *e;

	if (target_pid && pid != target_pid)
		return 0;
	__sync_fetch_and_add(&seen, 1);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return 0;
	}
	e->pid = pid;
	e->flags = ctx->flags;
	bpf_probe_read_user_str(e->fname, sizeof(e->fname), ctx->filename);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

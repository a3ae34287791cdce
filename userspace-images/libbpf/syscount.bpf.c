// SPDX-License-Identifier: GPL-2.0
/* Counts the system calls of one process (raw_syscalls:sys_enter) by number in a hash map. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* The tracepoint's record (tracefs raw_syscalls/sys_enter/format). */
struct sys_enter_args {
	__u64 common;
	long id;
	unsigned long args[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 512);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

const volatile __u32 target_tgid = 0;

SEC("tracepoint/raw_syscalls/sys_enter")
int count_syscall(struct sys_enter_args *ctx)
{
	__u32 nr = ctx->id;
	__u64 one = 1, *v;

	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	v = bpf_map_lookup_elem(&counts, &nr);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&counts, &nr, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

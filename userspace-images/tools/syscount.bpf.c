// SPDX-License-Identifier: GPL-2.0
/* syscount: raw_syscalls:sys_enter notes when each thread entered a syscall (for -L);
 * raw_syscalls:sys_exit counts the call (and its time) under its number, or its process with -P.
 * Counting at the exit, as upstream: calls that never return (exit, exit_group) are not counted,
 * and a successful execve counts under the comm it gave the task. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "syscount.h"

const volatile bool filter_failed = false;
const volatile bool count_by_process = false;
const volatile bool measure_latency = false;
const volatile int filter_errno = 0;
const volatile pid_t filter_pid = 0;
const volatile char filter_comm[TASK_COMM_LEN] = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, struct data_t);
} data SEC(".maps");

static __always_inline bool comm_allowed(void)
{
	char comm[TASK_COMM_LEN];

	if (!filter_comm[0])
		return true;
	bpf_get_current_comm(comm, sizeof(comm));
	for (int i = 0; i < TASK_COMM_LEN; i++) {
		if (comm[i] != filter_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int sys_enter(struct trace_event_raw_sys_enter *args)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = id;
	u64 ts;

	if (filter_pid && filter_pid != (pid_t)(id >> 32))
		return 0;
	if (!measure_latency)
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_exit")
int sys_exit(struct trace_event_raw_sys_exit *args)
{
	u64 id = bpf_get_current_pid_tgid();
	u32 tid = id, key;
	static const struct data_t zero;
	struct data_t *val;
	u64 *start_ts, lat = 0;
	long ret;

	if (filter_pid && filter_pid != (pid_t)(id >> 32))
		return 0;
	ret = args->ret;
	if (filter_failed && ret >= 0)
		return 0;
	if (filter_errno && ret != -filter_errno)
		return 0;
	if (!comm_allowed())
		return 0;
	if (measure_latency) {
		start_ts = bpf_map_lookup_elem(&start, &tid);
		if (!start_ts)
			return 0;
		lat = bpf_ktime_get_ns() - *start_ts;
		bpf_map_delete_elem(&start, &tid);
	}
	key = count_by_process ? id >> 32 : (u32)args->id;
	val = bpf_map_lookup_elem(&data, &key);
	if (!val) {
		bpf_map_update_elem(&data, &key, &zero, BPF_NOEXIST);
		val = bpf_map_lookup_elem(&data, &key);
		if (!val)
			return 0;
		if (count_by_process)
			bpf_get_current_comm(val->comm, sizeof(val->comm));
	}
	__sync_fetch_and_add(&val->count, 1);
	if (measure_latency) {
		__sync_fetch_and_add(&val->total_ns, lat);
		if (lat > val->max_ns)
			val->max_ns = lat;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

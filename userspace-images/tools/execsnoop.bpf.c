// SPDX-License-Identifier: GPL-2.0
/* execsnoop: syscalls:sys_enter_execve records the file and arguments of a pending exec, keyed
 * by thread; syscalls:sys_exit_execve completes it with the result and the (new) comm and sends
 * it through a perf buffer. The parent's tgid comes from the task_struct chain (CO-RE). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "execsnoop.h"

const volatile bool ignore_failed = true;
const volatile unsigned int targ_uid = INVALID_UID;
const volatile int max_args = MAX_ARGS;

static const struct event empty_event = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, pid_t);
	__type(value, struct event);
} execs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int tracepoint__syscalls__sys_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	u64 id = bpf_get_current_pid_tgid();
	pid_t tid = (pid_t)id;
	unsigned int uid = (u32)bpf_get_current_uid_gid();
	const char **argv = (const char **)ctx->args[1];
	struct task_struct *task;
	struct event *e;
	const char *arg;

	if (targ_uid != INVALID_UID && targ_uid != uid)
		return 0;
	if (bpf_map_update_elem(&execs, &tid, &empty_event, BPF_NOEXIST))
		return 0;
	e = bpf_map_lookup_elem(&execs, &tid);
	if (!e)
		return 0;
	e->pid = id >> 32;
	e->uid = uid;
	task = (struct task_struct *)bpf_get_current_task();
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	/* args[0] is the path exec'd; argv[0] is what the program is called. */
	bpf_probe_read_user_str(e->args[0], ARG_LEN, (const char *)ctx->args[0]);
	e->args_count = 1;
#pragma unroll
	for (int i = 1; i < MAX_ARGS; i++) {
		if (i >= max_args)
			break;
		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg)
			break;
		bpf_probe_read_user_str(e->args[i], ARG_LEN, arg);
		e->args_count = i + 1;
	}
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int tracepoint__syscalls__sys_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	pid_t tid = (pid_t)bpf_get_current_pid_tgid();
	struct event *e;
	int ret;

	e = bpf_map_lookup_elem(&execs, &tid);
	if (!e)
		return 0;
	ret = ctx->ret;
	if (!(ignore_failed && ret < 0)) {
		e->retval = ret;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, e, sizeof(*e));
	}
	bpf_map_delete_elem(&execs, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

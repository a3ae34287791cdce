// SPDX-License-Identifier: GPL-2.0
/* BTF-attached tracing programs: tp_btf/sched_process_fork (the parent and child task_structs
 * as arguments), tp_btf/sched_process_exit, fentry and fexit on __x64_sys_getpgid (the user's
 * pt_regs as the argument; fexit also sees the return value), bpf_get_current_task_btf. Fields
 * are read with BPF_CORE_READ, relocated by libbpf against the running kernel's BTF. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "core_btf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile int target_tgid;

struct btf_result result;

static __always_inline int mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	if (BPF_CORE_READ(parent, tgid) != target_tgid)
		return 0;
	result.forks++;
	result.child_pid = BPF_CORE_READ(child, pid);
	result.child_parent_tgid = BPF_CORE_READ(child, real_parent, tgid);
	BPF_CORE_READ_STR_INTO(&result.child_comm, child, comm);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p)
{
	if (BPF_CORE_READ(p, real_parent, tgid) != target_tgid)
		return 0;
	result.exits++;
	result.exit_pid = BPF_CORE_READ(p, pid);
	return 0;
}

SEC("fentry/__x64_sys_getpgid")
int BPF_PROG(on_getpgid, const struct pt_regs *regs)
{
	if (!mine())
		return 0;
	struct task_struct *task = bpf_get_current_task_btf();
	result.entries++;
	result.orig_ax = BPF_CORE_READ(regs, orig_ax);
	result.task_pid = BPF_CORE_READ(task, pid);
	return 0;
}

SEC("fexit/__x64_sys_getpgid")
int BPF_PROG(on_getpgid_exit, const struct pt_regs *regs, long ret)
{
	if (!mine())
		return 0;
	result.returns++;
	result.ret = ret;
	return 0;
}

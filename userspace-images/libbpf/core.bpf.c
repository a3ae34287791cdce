// SPDX-License-Identifier: GPL-2.0
/* CO-RE against the running kernel's BTF: built once against emu's vmlinux.h, relocated by
 * libbpf onto the host's /sys/kernel/btf/vmlinux natively and onto emu's under emu. On one
 * getppid call of the target process it reads the current task_struct chain with
 * BPF_CORE_READ (pids, the parent's tgid, comm, cred, mm->arg_start and the argv strings in
 * user memory, an fd's file name through files->fdt->fd[]) and answers the field, type and
 * enum existence questions. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "core.h"

char LICENSE[] SEC("license") = "GPL";

const volatile int target_tgid;
const volatile int target_fd;

struct result result;

/* A kernel before 5.14 called __state "state": the ___old flavour asks for that field. */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

struct no_such_kernel_type {
	int x;
} __attribute__((preserve_access_index));

enum pid_type___local {
	PIDTYPE_NO_SUCH_VALUE___local = 99,
};

SEC("tracepoint/raw_syscalls/sys_enter")
int on_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file **fds;
	struct file *f;
	struct dentry *d;
	unsigned long arg;

	if (ctx->id != 110 /* getppid */ || (bpf_get_current_pid_tgid() >> 32) != target_tgid || result.hits++)
		return 0;
	result.pid = BPF_CORE_READ(task, pid);
	result.tgid = BPF_CORE_READ(task, tgid);
	result.leader_pid = BPF_CORE_READ(task, group_leader, pid);
	result.parent_tgid = BPF_CORE_READ(task, real_parent, tgid);
	result.uid = BPF_CORE_READ(task, cred, uid.val);
	result.euid = BPF_CORE_READ(task, real_cred, euid.val);
	result.gid = BPF_CORE_READ(task, cred, gid.val);
	BPF_CORE_READ_STR_INTO(&result.comm, task, comm);

	arg = BPF_CORE_READ(task, mm, arg_start);
	long n = bpf_probe_read_user_str(result.arg0, sizeof(result.arg0), (void *)arg);
	if (n > 0)
		bpf_probe_read_user_str(result.arg1, sizeof(result.arg1), (void *)(arg + n));

	fds = BPF_CORE_READ(task, files, fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &fds[target_fd]);
	d = BPF_CORE_READ(f, f_path.dentry);
	bpf_probe_read_kernel_str(result.fd_name, sizeof(result.fd_name), BPF_CORE_READ(d, d_name.name));
	bpf_probe_read_kernel_str(result.fd_parent, sizeof(result.fd_parent), BPF_CORE_READ(d, d_parent, d_name.name));

	result.state_exists = bpf_core_field_exists(task->__state);
	result.old_state_exists = bpf_core_field_exists(((struct task_struct___old *)task)->state);
	result.binprm_exists = bpf_core_type_exists(struct linux_binprm);
	result.missing_type_exists = bpf_core_type_exists(struct no_such_kernel_type);
	result.tgid_value = bpf_core_enum_value(enum pid_type, PIDTYPE_TGID);
	result.sid_exists = bpf_core_enum_value_exists(enum pid_type, PIDTYPE_SID);
	result.bogus_enum_exists = bpf_core_enum_value_exists(enum pid_type___local, PIDTYPE_NO_SUCH_VALUE___local);
	return 0;
}

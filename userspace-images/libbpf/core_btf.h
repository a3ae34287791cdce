/* What core_btf.bpf.c finds and core_btf.c prints. */
#ifndef EMU_CORE_BTF_H
#define EMU_CORE_BTF_H
struct btf_result {
	int forks, child_pid, child_parent_tgid;
	char child_comm[16];
	int exits, exit_pid;
	int entries, returns, task_pid;
	long orig_ax, ret;
};
#endif

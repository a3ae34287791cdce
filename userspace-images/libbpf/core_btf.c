/* libbpf_core_btf: tp_btf, fentry and fexit programs (core_btf.bpf.c) attached by libbpf through
 * the kernel BTF's attach points; forks a child and calls getpgid, then prints what the
 * programs saw in terms that are the same on any kernel. */
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "libbpf_common.h"
#include "core_btf.h"
#include "core_btf.skel.h"

int main(int argc, char **argv)
{
	struct core_btf *skel;
	int err;
	/* fentry/fexit only with --fentry: not every host kernel lets them load (EPERM where BPF
	 * trampolines are unavailable), so the differential part is tp_btf's. */
	int fentry = argc > 1 && strcmp(argv[1], "--fentry") == 0;

	emu_libbpf_setup();
	skel = core_btf__open();
	if (!skel) {
		printf("open failed: %s\n", errname(errno));
		return 1;
	}
	skel->rodata->target_tgid = getpid();
	bpf_program__set_autoload(skel->progs.on_getpgid, fentry);
	bpf_program__set_autoload(skel->progs.on_getpgid_exit, fentry);
	err = core_btf__load(skel);
	if (err) {
		printf("load failed: %s\n", errname(err));
		return 1;
	}
	err = core_btf__attach(skel);
	if (err) {
		printf("attach failed: %s\n", errname(err));
		return 1;
	}
	printf("attached\n");
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	long pgid = syscall(SYS_getpgid, 0);
	core_btf__detach(skel);
	struct btf_result *r = &skel->bss->result;
	printf("forks: %d, child pid matches: %d, child's real_parent is me: %d, child comm: %s\n", r->forks,
	       r->child_pid == child, r->child_parent_tgid == getpid(), r->child_comm);
	printf("exits: %d, exit pid matches: %d\n", r->exits, r->exit_pid == child);
	if (fentry) {
		printf("fentry: %d, orig_ax %ld, current task is me: %d\n", r->entries, r->orig_ax, r->task_pid == getpid());
		printf("fexit: %d, ret is getpgid(0)'s: %d\n", r->returns, r->ret == pgid);
	}
	core_btf__destroy(skel);
	printf("done\n");
	return 0;
}

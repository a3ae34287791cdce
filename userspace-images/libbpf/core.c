/* libbpf_core: a CO-RE program (core.bpf.c, built against emu's vmlinux.h) loaded by libbpf,
 * which relocates it against the running kernel's BTF; prints what it read from the kernel's
 * task_struct chain about this process, in terms that are the same on any kernel: pid
 * relations, comm, ids, argv, an open file's name, and the CO-RE existence answers. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "libbpf_common.h"
#include "core.h"
#include "core.skel.h"

int main(int argc, char **argv)
{
	struct core *skel;
	int err, fd;

	emu_libbpf_setup();
	fd = open("/etc/passwd", O_RDONLY);
	if (fd < 0) {
		printf("open /etc/passwd failed\n");
		return 1;
	}
	skel = core__open();
	if (!skel) {
		printf("open failed: %s\n", errname(errno));
		return 1;
	}
	skel->rodata->target_tgid = getpid();
	skel->rodata->target_fd = fd;
	err = core__load(skel);
	if (err) {
		printf("load failed: %s\n", errname(err));
		return 1;
	}
	err = core__attach(skel);
	if (err) {
		printf("attach failed: %s\n", errname(err));
		return 1;
	}
	syscall(SYS_getppid);
	core__detach(skel);
	struct result *r = &skel->bss->result;
	printf("hits: %d\n", r->hits);
	printf("pid is getpid: %d, tgid is getpid: %d, leader is me: %d\n", r->pid == getpid(), r->tgid == getpid(),
	       r->leader_pid == getpid());
	printf("real_parent->tgid is getppid: %d\n", r->parent_tgid == getppid());
	printf("uid %u euid %u gid %u (getuid %u)\n", r->uid, r->euid, r->gid, getuid());
	printf("comm: %s\n", r->comm);
	printf("argv[0] matches: %d, argv[1]: %s\n", strcmp(r->arg0, argv[0]) == 0, argc > 1 ? r->arg1 : "(none)");
	printf("fd %d: %s in %s\n", fd, r->fd_name, r->fd_parent);
	printf("field __state exists: %d, field state exists: %d\n", r->state_exists, r->old_state_exists);
	printf("type linux_binprm exists: %d, type no_such_kernel_type exists: %d\n", r->binprm_exists,
	       r->missing_type_exists);
	printf("PIDTYPE_TGID = %d, PIDTYPE_SID exists: %d, bogus enum value exists: %d\n", r->tgid_value,
	       r->sid_exists, r->bogus_enum_exists);
	core__destroy(skel);
	printf("done\n");
	return 0;
}

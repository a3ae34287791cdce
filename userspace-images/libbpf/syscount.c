/* libbpf_syscount: counts this process's own system calls (raw_syscalls:sys_enter) in a hash map
 * while it makes a known set of calls, then prints the counts of those calls. */
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include "libbpf_common.h"
#include "syscount.skel.h"

int main(void)
{
	static const struct { long nr; const char *name; } watched[] = {
		{ SYS_getppid, "getppid" }, { SYS_getuid, "getuid" }, { SYS_close, "close" },
	};
	struct syscount *skel;
	int err;

	emu_libbpf_setup();
	skel = syscount__open();
	if (!skel) {
		printf("open failed: %s\n", errname(errno));
		return 1;
	}
	skel->rodata->target_tgid = getpid();
	err = syscount__load(skel);
	if (err) {
		printf("load failed: %s\n", errname(err));
		return 1;
	}
	err = syscount__attach(skel);
	if (err) {
		printf("attach failed: %s\n", errname(err));
		return 1;
	}
	printf("attached\n");
	for (int i = 0; i < 5; i++)
		syscall(SYS_getppid);
	for (int i = 0; i < 3; i++)
		syscall(SYS_getuid);
	for (int i = 0; i < 4; i++)
		close(1000 + i);
	bpf_link__destroy(skel->links.count_syscall);
	skel->links.count_syscall = NULL;
	for (size_t i = 0; i < sizeof(watched) / sizeof(watched[0]); i++) {
		__u32 nr = watched[i].nr;
		__u64 n = 0;

		bpf_map__lookup_elem(skel->maps.counts, &nr, sizeof(nr), &n, sizeof(n), 0);
		printf("%s: %llu\n", watched[i].name, (unsigned long long)n);
	}
	syscount__destroy(skel);
	printf("done\n");
	return 0;
}

/* libbpf_opensnoop: opensnoop in the libbpf-tools style — syscalls:sys_enter_openat, a .rodata
 * pid filter set before load, .bss counters read through the skeleton's mmap, events from a
 * ringbuf. Traces only its own opens of a fixed list of paths. */
#include <fcntl.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "libbpf_common.h"
#include "opensnoop.skel.h"

struct event {
	__u32 pid;
	__u32 flags;
	char fname[64];
};

static int on_event(void *ctx, void *data, size_t len)
{
	const struct event *e = data;

	printf("open %s flags %#x (own pid %d)\n", e->fname, e->flags, e->pid == (__u32)getpid());
	return 0;
}

int main(void)
{
	static const char *paths[] = { "/nonexistent/a", "/nonexistent/b", "/", "/nonexistent/c" };
	struct opensnoop *skel;
	struct ring_buffer *rb;
	int err;

	emu_libbpf_setup();
	skel = opensnoop__open();
	if (!skel) {
		printf("open failed: %s\n", errname(errno));
		return 1;
	}
	skel->rodata->target_pid = getpid();
	err = opensnoop__load(skel);
	if (err) {
		printf("load failed: %s\n", errname(err));
		return 1;
	}
	err = opensnoop__attach(skel);
	if (err) {
		printf("attach failed: %s\n", errname(err));
		return 1;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL, NULL);
	if (!rb) {
		printf("ring_buffer__new: %s\n", errname(errno));
		return 1;
	}
	printf("tracing\n");
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = openat(AT_FDCWD, paths[i], O_RDONLY | O_CLOEXEC);

		if (fd >= 0)
			close(fd);
	}
	while (ring_buffer__poll(rb, 0) > 0)
		;
	printf("seen %llu dropped %llu\n", (unsigned long long)skel->bss->seen,
	       (unsigned long long)skel->bss->dropped);
	ring_buffer__free(rb);
	opensnoop__destroy(skel);
	printf("done\n");
	return 0;
}

/* libbpf_ticks: the seed's bpf_loader demo written the libbpf way. A SEC("perf_event") program
 * on a software cpu-clock perf event (PERF_COUNT_SW_CPU_CLOCK, one sample per 10 ms of this
 * process's CPU time) writes a ringbuf record per sample; ring_buffer__poll prints them. */
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include "libbpf_common.h"
#include "ticks.skel.h"

struct event {
	__u64 seq;
};

static int received;

static int on_event(void *ctx, void *data, size_t len)
{
	const struct event *e = data;

	printf("Event received: #%llu (%zu bytes)\n", (unsigned long long)e->seq, len);
	received++;
	return 0;
}

int main(void)
{
	struct perf_event_attr attr;
	struct ring_buffer *rb;
	struct bpf_link *link;
	struct ticks *skel;
	volatile unsigned long spin = 0;
	int pfd;

	emu_libbpf_setup();
	skel = ticks__open_and_load();
	if (!skel) {
		printf("open_and_load failed: %s\n", errname(errno));
		return 1;
	}
	printf("program loaded\n");
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.sample_period = 10 * 1000 * 1000;
	pfd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0) {
		printf("perf_event_open: %s\n", errname(errno));
		return 1;
	}
	link = bpf_program__attach_perf_event(skel->progs.on_tick, pfd);
	if (!link) {
		printf("attach: %s\n", errname(errno));
		return 1;
	}
	printf("program attached\n");
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL, NULL);
	if (!rb) {
		printf("ring_buffer__new: %s\n", errname(errno));
		return 1;
	}
	while (received < 10) {
		for (int i = 0; i < 1000000; i++)
			spin++;
		if (ring_buffer__poll(rb, 0) < 0)
			break;
	}
	ring_buffer__free(rb);
	bpf_link__destroy(link);
	close(pfd);
	ticks__destroy(skel);
	printf("done\n");
	return 0;
}

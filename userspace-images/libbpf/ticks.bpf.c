// SPDX-License-Identifier: GPL-2.0
/* The seed's demo the libbpf way: a program on a software cpu-clock perf event writes one
 * ringbuf record per sample; user space prints them with ring_buffer__poll. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u64 seq;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

__u64 seq = 0;

SEC("perf_event")
int on_tick(void *ctx)
{
	struct event *e;

	if (seq >= 10)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->seq = ++seq;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/* The BPF side of libbpf_objects: maps, globals in .rodata/.data/.bss, a bpf-to-bpf call,
 * callbacks (bpf_loop, bpf_for_each_map_elem), bpf_snprintf/bpf_strncmp on .rodata strings and
 * base helpers (time, CPU, NUMA node), in a socket filter that reads nothing of its context (so the same object
 * runs the same way on Linux and under emu). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 6);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

const volatile __u32 multiplier = 1;	/* .rodata: set by user space before load */
const volatile __u32 debug = 0;		/* .rodata: the dead branch below is pruned */
__u64 runs = 0;				/* .bss */
__u64 last = 7;				/* .data */
char message[32] = {};			/* .bss: bpf_snprintf's output */

static __noinline __u64 scale(__u64 v)
{
	return v * multiplier + last;
}

static long add_index(__u32 index, void *ctx)
{
	__u64 *sum = ctx;

	*sum += index;
	return index == 9; /* stop after ten calls */
}

static long sum_values(void *map, __u32 *key, __u64 *value, void *ctx)
{
	__u64 *sum = ctx;

	*sum += *value;
	return 0;
}

SEC("socket")
int count_packets(struct __sk_buff *skb)
{
	__u32 key = 1, slot = 0;
	__u64 one, *v, loop_sum = 0, map_sum = 0;
	long calls, elems;

	runs++;
	v = bpf_map_lookup_elem(&counts, &key);
	if (v) {
		__sync_fetch_and_add(v, multiplier);
	} else {
		one = multiplier;
		bpf_map_update_elem(&counts, &key, &one, BPF_ANY);
	}
	if (debug)
		bpf_printk("run %llu", runs);
	v = bpf_map_lookup_elem(&stats, &slot);
	if (v)
		*v += bpf_get_numa_node_id() + 10;
	slot = 1;
	v = bpf_map_lookup_elem(&stats, &slot);
	if (v)
		*v = runs * 2;
	slot = 2;
	v = bpf_map_lookup_elem(&stats, &slot);
	if (v) {
		/* The coarse clock lags (by up to a tick); boot time includes suspend. */
		__u64 coarse = bpf_ktime_get_coarse_ns(), now = bpf_ktime_get_ns();

		*v = coarse <= now && bpf_ktime_get_boot_ns() >= now && bpf_get_smp_processor_id() < 4096;
	}
	calls = bpf_loop(100, add_index, &loop_sum, 0);
	elems = bpf_for_each_map_elem(&counts, sum_values, &map_sum, 0);
	slot = 3;
	v = bpf_map_lookup_elem(&stats, &slot);
	if (v)
		*v = loop_sum * 1000000 + calls * 10000 + map_sum * 10 + elems;
	{
		static const char fmt[] = "runs=%llu mult=%u";
		__u64 args[2] = { runs, multiplier };
		long len = bpf_snprintf(message, sizeof(message), fmt, args, sizeof(args));
		long same = bpf_strncmp(message, 5, "runs=");

		slot = 4;
		v = bpf_map_lookup_elem(&stats, &slot);
		if (v)
			*v = len;
		slot = 5;
		v = bpf_map_lookup_elem(&stats, &slot);
		if (v)
			*v = same == 0;
	}
	last = scale(runs);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

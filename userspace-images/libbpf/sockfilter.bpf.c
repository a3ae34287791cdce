// SPDX-License-Identifier: GPL-2.0
/* A socket filter run with bpf_prog_test_run_opts (its skb data starts at the network header,
 * as bpf_prog_test_run_skb leaves it for socket filters): counts IPv4 packets by protocol and accepts
 * only UDP ones (the whole packet) or drops the rest (0). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} protocols SEC(".maps");

SEC("socket")
int udp_only(struct __sk_buff *skb)
{
	__u8 proto;
	__u32 key;
	__u64 *count;

	if (bpf_skb_load_bytes(skb, __builtin_offsetof(struct iphdr, protocol), &proto, 1) < 0)
		return 0;
	key = proto;
	count = bpf_map_lookup_elem(&protocols, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return proto == IPPROTO_UDP ? skb->len : 0;
}

char LICENSE[] SEC("license") = "GPL";

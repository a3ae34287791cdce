/* libbpf_sockfilter: a socket filter (SEC("socket")) run with bpf_prog_test_run_opts on hand-made
 * Ethernet/IPv4 packets: the retval is what the filter keeps, data_out the packet as the kernel
 * returns it; a map counts packets by IP protocol. */
#include <string.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf.h>
#include "libbpf_common.h"
#include "sockfilter.skel.h"

static void packet(unsigned char *buf, size_t len, int proto)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	struct iphdr *ip = (struct iphdr *)(buf + ETH_HLEN);

	memset(buf, 0, len);
	memset(eth->h_dest, 0xff, ETH_ALEN);
	eth->h_proto = __builtin_bswap16(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = __builtin_bswap16(len - ETH_HLEN);
	ip->ttl = 64;
	ip->protocol = proto;
	for (size_t i = ETH_HLEN + sizeof(*ip); i < len; i++)
		buf[i] = (unsigned char)i;
}

int main(void)
{
	static const struct { int proto; size_t len; } cases[] = {
		{ IPPROTO_UDP, 60 }, { IPPROTO_TCP, 74 }, { IPPROTO_UDP, 128 }, { IPPROTO_ICMP, 42 },
	};
	struct sockfilter *skel;
	unsigned char in[256], out[256];
	int err, fd;

	emu_libbpf_setup();
	skel = sockfilter__open_and_load();
	if (!skel) {
		printf("open_and_load failed: %s\n", errname(errno));
		return 1;
	}
	printf("loaded\n");
	fd = bpf_program__fd(skel->progs.udp_only);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = cases[i].len,
			    .data_out = out, .data_size_out = sizeof(out), .repeat = 3);
		unsigned sum = 0;

		packet(in, cases[i].len, cases[i].proto);
		err = bpf_prog_test_run_opts(fd, &opts);
		for (__u32 b = 0; b < opts.data_size_out; b++)
			sum = sum * 31 + out[b];
		printf("proto %d len %zu: %s retval %u out %u bytes sum %08x\n", cases[i].proto, cases[i].len,
		       errname(err ? errno : 0), opts.retval, opts.data_size_out, sum);
	}
	{
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = 10);
		printf("short packet: %s\n", errname(bpf_prog_test_run_opts(fd, &opts) ? errno : 0));
	}
	for (__u32 proto = 0; proto < 256; proto++) {
		__u64 n = 0;

		if (bpf_map__lookup_elem(skel->maps.protocols, &proto, sizeof(proto), &n, sizeof(n), 0) == 0 && n)
			printf("protocol %u: %llu packets\n", proto, (unsigned long long)n);
	}
	sockfilter__destroy(skel);
	printf("done\n");
	return 0;
}

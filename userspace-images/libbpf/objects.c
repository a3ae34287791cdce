#define _GNU_SOURCE
/* libbpf_objects: the bpf() object commands through libbpf 1.1 — BTF load and BTF info, .rodata
 * frozen by libbpf (MAP_FREEZE), PROG_BIND_MAP, pinning under /sys/fs/bpf, ids, GET_FD_BY_ID,
 * OBJ_GET_INFO_BY_FD for maps, programs and BTF, PROG_QUERY, test runs. Prints only what is the
 * same on every kernel and run (no ids, fds or times): natively as root and under emu the output
 * is identical. */
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "libbpf_common.h"
#include "objects.skel.h"

#define PIN_DIR "/sys/fs/bpf/emu_objects"

static int ensure_bpffs(void)
{
	struct statfs st;

	if (statfs("/sys/fs/bpf", &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	/* Natively, bpffs may not be mounted: mount one in a private mount namespace. */
	if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL)
	    || mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL))
		return -errno;
	return 0;
}

static int run_once(int prog_fd)
{
	unsigned char pkt[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt), .repeat = 1);
	int err = bpf_prog_test_run_opts(prog_fd, &opts);

	return err ? -errno : (int)opts.retval;
}

static int id_listed(int (*next)(__u32, __u32 *), __u32 id)
{
	__u32 cur = 0;

	while (next(cur, &cur) == 0)
		if (cur == id)
			return 1;
	return 0;
}

int main(void)
{
	struct objects *skel;
	struct bpf_map_info minfo;
	struct bpf_prog_info pinfo;
	struct bpf_btf_info binfo;
	__u32 len, key, zero = 0, map_ids[8], prog_ids[4], cnt;
	__u64 value, rodata[1] = { 0 };
	int err, prog_fd, map_fd, fd, extra;

	emu_libbpf_setup();
	skel = objects__open();
	if (!skel) {
		printf("open failed: %s\n", errname(errno));
		return 1;
	}
	skel->rodata->multiplier = 3;
	/* bpf_object__load, not objects__load: the skeleton's load would also mmap .bss/.data. */
	err = bpf_object__load(skel->obj);
	if (err) {
		printf("load failed: %s\n", errname(err));
		return 1;
	}
	printf("loaded\n");
	prog_fd = bpf_program__fd(skel->progs.count_packets);
	map_fd = bpf_map__fd(skel->maps.counts);

	for (int i = 0; i < 3; i++)
		printf("test run %d: retval %d\n", i, run_once(prog_fd));
	key = 1;
	err = bpf_map__lookup_elem(skel->maps.counts, &key, sizeof(key), &value, sizeof(value), 0);
	printf("counts[1] = %llu (%s)\n", (unsigned long long)value, errname(err));
	for (key = 0; key < 6; key++) {
		err = bpf_map__lookup_elem(skel->maps.stats, &key, sizeof(key), &value, sizeof(value), 0);
		printf("stats[%u] = %llu (%s)\n", key, (unsigned long long)value, errname(err));
	}
	{
		struct objects__bss bss;

		err = bpf_map__lookup_elem(skel->maps.bss, &zero, sizeof(zero), &bss, sizeof(bss), 0);
		printf(".bss runs = %llu message \"%s\" (%s)\n", (unsigned long long)bss.runs, bss.message, errname(err));
	}
	err = bpf_map__lookup_elem(skel->maps.data, &zero, sizeof(zero), &value, sizeof(value), 0);
	printf(".data last = %llu (%s)\n", (unsigned long long)value, errname(err));

	/* .rodata: frozen by libbpf, so user space may not write it any more. */
	err = bpf_map__lookup_elem(skel->maps.rodata, &zero, sizeof(zero), rodata,
				   bpf_map__value_size(skel->maps.rodata), 0);
	printf(".rodata multiplier = %u (%s)\n", (unsigned)(rodata[0] & 0xffffffff), errname(err));
	err = bpf_map__update_elem(skel->maps.rodata, &zero, sizeof(zero), rodata,
				   bpf_map__value_size(skel->maps.rodata), 0);
	printf(".rodata update: %s\n", errname(err ? -errno : 0));
	printf(".rodata freeze again: %s\n", errname(bpf_map_freeze(bpf_map__fd(skel->maps.rodata)) ? errno : 0));

	/* A map of our own: freeze it, then the rules of a frozen map. */
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "frozen", 4, 8, 2, NULL);
	value = 5;
	key = 0;
	printf("update before freeze: %s\n", errname(bpf_map_update_elem(fd, &key, &value, 0) ? errno : 0));
	printf("freeze: %s\n", errname(bpf_map_freeze(fd) ? errno : 0));
	printf("update after freeze: %s\n", errname(bpf_map_update_elem(fd, &key, &value, 0) ? errno : 0));
	printf("lookup after freeze: %s\n", errname(bpf_map_lookup_elem(fd, &key, &value) ? errno : 0));
	printf("freeze twice: %s\n", errname(bpf_map_freeze(fd) ? errno : 0));
	printf("freeze a program fd: %s\n", errname(bpf_map_freeze(prog_fd) ? errno : 0));

	/* FREEZE and mmap (bpf_map_freeze, bpf_map_mmap): a writable mapping blocks the freeze, and a
	 * frozen map cannot be mapped writable. */
	{
		LIBBPF_OPTS(bpf_map_create_opts, mopts, .map_flags = BPF_F_MMAPABLE);
		int mfd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "mapped", 4, 8, 4, &mopts);
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);

		printf("freeze with a writable mmap: %s\n", errname(bpf_map_freeze(mfd) ? errno : 0));
		munmap(p, 4096);
		printf("freeze after munmap: %s\n", errname(bpf_map_freeze(mfd) ? errno : 0));
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		printf("writable mmap of a frozen map: %s\n", errname(p == MAP_FAILED ? errno : 0));
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, mfd, 0);
		printf("read-only mmap of a frozen map: %s\n", errname(p == MAP_FAILED ? errno : 0));
		close(mfd);
	}

	/* Map info (with BTF ids), program info (map ids, name, tag, lengths). */
	memset(&minfo, 0, sizeof(minfo));
	len = sizeof(minfo);
	err = bpf_obj_get_info_by_fd(map_fd, &minfo, &len);
	printf("map info: %s type %u key %u value %u max %u name %s btf %s key_type %s value_type %s\n",
	       errname(err ? errno : 0), minfo.type, minfo.key_size, minfo.value_size, minfo.max_entries,
	       minfo.name, minfo.btf_id ? "yes" : "no", minfo.btf_key_type_id ? "yes" : "no",
	       minfo.btf_value_type_id ? "yes" : "no");
	len = 8; /* a shorter info_len: only that much is written */
	memset(&minfo, 0, sizeof(minfo));
	err = bpf_obj_get_info_by_fd(map_fd, &minfo, &len);
	printf("short map info: %s len %u key_size %u\n", errname(err ? errno : 0), len, minfo.key_size);

	memset(&pinfo, 0, sizeof(pinfo));
	len = sizeof(pinfo);
	pinfo.nr_map_ids = 8;
	pinfo.map_ids = (unsigned long)map_ids;
	err = bpf_obj_get_info_by_fd(prog_fd, &pinfo, &len);
	printf("prog info: %s type %u name %s maps %u btf %s func_info %u line_info %s xlated %s\n",
	       errname(err ? errno : 0), pinfo.type, pinfo.name, pinfo.nr_map_ids,
	       pinfo.btf_id ? "yes" : "no", pinfo.nr_func_info, pinfo.nr_line_info ? "yes" : "no",
	       pinfo.xlated_prog_len ? "yes" : "no");

	/* PROG_BIND_MAP: the program now also holds the frozen map. */
	err = bpf_prog_bind_map(prog_fd, fd, NULL);
	printf("bind map: %s\n", errname(err ? errno : 0));
	err = bpf_prog_bind_map(prog_fd, fd, NULL);
	printf("bind map again: %s\n", errname(err ? errno : 0));
	memset(&pinfo, 0, sizeof(pinfo));
	len = sizeof(pinfo);
	err = bpf_obj_get_info_by_fd(prog_fd, &pinfo, &len);
	printf("prog maps after bind: %u\n", pinfo.nr_map_ids);

	/* BTF: the object's BTF by id, and its info. */
	memset(&binfo, 0, sizeof(binfo));
	len = sizeof(binfo);
	{
		struct bpf_map_info mi = { 0 };
		__u32 ml = sizeof(mi);
		struct btf *btf;

		bpf_obj_get_info_by_fd(map_fd, &mi, &ml);
		fd = bpf_btf_get_fd_by_id(mi.btf_id);
		err = fd < 0 ? -errno : bpf_obj_get_info_by_fd(fd, &binfo, &len);
		printf("btf info: %s size %s kernel_btf %u\n", errname(err), binfo.btf_size ? "yes" : "no",
		       binfo.kernel_btf);
		btf = btf__load_from_kernel_by_id(mi.btf_id);
		if (btf) {
			int id = btf__find_by_name_kind(btf, "count_packets", BTF_KIND_FUNC);
			printf("btf by id: %s, func count_packets %s, datasec .rodata %s\n",
			       btf__type_cnt(btf) > 10 ? "many types" : "few types", id > 0 ? "found" : "missing",
			       btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) > 0 ? "found" : "missing");
			btf__free(btf);
		} else {
			printf("btf by id: %s\n", errname(errno));
		}
		close(fd);
	}

	/* Ids: our objects are among the live ones. */
	memset(&minfo, 0, sizeof(minfo));
	len = sizeof(minfo);
	bpf_obj_get_info_by_fd(map_fd, &minfo, &len);
	memset(&pinfo, 0, sizeof(pinfo));
	len = sizeof(pinfo);
	bpf_obj_get_info_by_fd(prog_fd, &pinfo, &len);
	printf("map id listed: %d, prog id listed: %d, btf id listed: %d\n",
	       id_listed(bpf_map_get_next_id, minfo.id), id_listed(bpf_prog_get_next_id, pinfo.id),
	       id_listed(bpf_btf_get_next_id, minfo.btf_id));
	fd = bpf_map_get_fd_by_id(minfo.id);
	{
		struct bpf_map_info again = { 0 };
		__u32 l = sizeof(again);

		bpf_obj_get_info_by_fd(fd, &again, &l);
		printf("map by id: same map %d\n", again.id == minfo.id);
		close(fd);
	}
	fd = bpf_prog_get_fd_by_id(pinfo.id);
	printf("prog by id: %s\n", errname(fd < 0 ? errno : 0));
	close(fd);
	printf("unknown map id: %s\n", errname(bpf_map_get_fd_by_id(0x7ffffff0) < 0 ? errno : 0));

	/* Pinning. */
	err = ensure_bpffs();
	printf("bpffs: %s\n", errname(err));
	mkdir(PIN_DIR, 0700);
	err = bpf_obj_pin(map_fd, PIN_DIR "/counts");
	printf("pin map: %s\n", errname(err ? errno : 0));
	err = bpf_program__pin(skel->progs.count_packets, PIN_DIR "/prog");
	printf("pin prog: %s\n", errname(err));
	err = bpf_obj_pin(map_fd, PIN_DIR "/counts");
	printf("pin again: %s\n", errname(err ? errno : 0));
	{
		struct stat st;

		err = stat(PIN_DIR "/counts", &st);
		printf("stat pin: %s regular %d mode %o\n", errname(err ? errno : 0), S_ISREG(st.st_mode),
		       st.st_mode & 07777);
	}
	fd = bpf_obj_get(PIN_DIR "/counts");
	{
		struct bpf_map_info again = { 0 };
		__u32 l = sizeof(again);

		bpf_obj_get_info_by_fd(fd, &again, &l);
		printf("get pinned map: same map %d\n", again.id == minfo.id);
		key = 1;
		bpf_map_lookup_elem(fd, &key, &value);
		printf("pinned counts[1] = %llu\n", (unsigned long long)value);
		close(fd);
	}
	fd = bpf_obj_get(PIN_DIR "/prog");
	printf("get pinned prog: retval %d\n", fd < 0 ? -errno : run_once(fd));
	close(fd);
	printf("get missing pin: %s\n", errname(bpf_obj_get(PIN_DIR "/nothing") < 0 ? errno : 0));
	printf("pin outside bpffs: %s\n", errname(bpf_obj_pin(map_fd, "/tmp/counts") ? errno : 0));
	printf("rename pin: %s\n", errname(rename(PIN_DIR "/prog", PIN_DIR "/prog2") ? errno : 0));
	printf("unlink pins: %s %s\n", errname(unlink(PIN_DIR "/counts") ? errno : 0),
	       errname(unlink(PIN_DIR "/prog2") ? errno : 0));
	printf("rmdir: %s\n", errname(rmdir(PIN_DIR) ? errno : 0));

	/* PROG_QUERY on a socket filter's attach type has no target here. */
	cnt = 4;
	err = bpf_prog_query(-1, BPF_CGROUP_INET_INGRESS, 0, NULL, prog_ids, &cnt);
	printf("query bad target: %s\n", errname(err ? errno : 0));

	extra = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, 4, 4, 1, NULL);
	printf("done %s\n", extra >= 0 ? "ok" : errname(errno));
	objects__destroy(skel);
	return 0;
}

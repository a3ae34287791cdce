/* What core.bpf.c finds and core.c prints. */
#ifndef EMU_CORE_H
#define EMU_CORE_H
struct result {
	int pid, tgid, leader_pid, parent_tgid;
	unsigned int uid, euid, gid;
	char comm[16];
	char arg0[64], arg1[64];
	char fd_name[32], fd_parent[32];
	int state_exists, old_state_exists, binprm_exists, missing_type_exists;
	int tgid_value, sid_exists, bogus_enum_exists;
	int hits;
};
#endif

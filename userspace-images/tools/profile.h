/* profile (libbpf-tools style): what profile.bpf.c and profile.c share. */
#ifndef EMU_TOOLS_PROFILE_H
#define EMU_TOOLS_PROFILE_H

#define TASK_COMM_LEN 16
#define PERF_MAX_STACK_DEPTH 127
#define MAX_ENTRIES 10240

/* A sample's key: the process, its user stack in the stack map (a negative errno when
 * bpf_get_stackid could not store it), its command name. */
struct key_t {
	__u32 pid;
	int user_stack_id;
	char name[TASK_COMM_LEN];
};

#endif

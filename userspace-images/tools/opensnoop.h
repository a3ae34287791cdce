/* opensnoop: what the BPF side hands user space (one event per open/openat that returned). */
#ifndef OPENSNOOP_H
#define OPENSNOOP_H
#define TASK_COMM_LEN 16
#define NAME_MAX 255
#define INVALID_UID ((unsigned int)-1)

struct args_t {
	const char *fname;
	int flags;
};

struct event {
	unsigned long long ts;
	int pid;
	unsigned int uid;
	int ret;
	int flags;
	char comm[TASK_COMM_LEN];
	char fname[NAME_MAX];
};
#endif

/* execsnoop: what the BPF side hands user space (one event per execve). */
#ifndef EXECSNOOP_H
#define EXECSNOOP_H
#define TASK_COMM_LEN 16
#define MAX_ARGS 16
#define ARG_LEN 64
#define INVALID_UID ((unsigned int)-1)

struct event {
	int pid;
	int ppid;
	unsigned int uid;
	int retval;
	int args_count;
	char comm[TASK_COMM_LEN];
	char args[MAX_ARGS][ARG_LEN];
};
#endif

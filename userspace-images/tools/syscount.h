/* syscount: the per-key counters the BPF side keeps (key: a syscall number, or a pid with -P). */
#ifndef SYSCOUNT_H
#define SYSCOUNT_H
#define TASK_COMM_LEN 16

struct data_t {
	unsigned long long count;
	unsigned long long total_ns;
	unsigned long long max_ns;
	char comm[TASK_COMM_LEN];
};
#endif

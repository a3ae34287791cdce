/* runqlat: the histograms the BPF side keeps (log2 slots of run-queue latency). */
#ifndef RUNQLAT_H
#define RUNQLAT_H
#define TASK_COMM_LEN 16
#define MAX_SLOTS 26

struct hist {
	unsigned int slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};
#endif

/* runqlat: summarize run-queue (scheduler) latency as a log2 histogram, as libbpf-tools'
 * runqlat: how long tasks waited between becoming runnable and running. Uses tp_btf programs
 * where the kernel can load them, raw tracepoints otherwise. Prints at each interval or at the
 * end (SIGINT). */
#include <argp.h>
#include <limits.h>
#include <time.h>
#include "tools_common.h"
#include "runqlat.h"
#include "runqlat.skel.h"

static struct env {
	time_t interval;
	pid_t pid;
	int times;
	bool milliseconds;
	bool per_process;
	bool per_thread;
	bool timestamp;
} env = { .interval = 99999999, .times = 99999999 };

const char *argp_program_version = "runqlat (emu) 0.1";
static const char argp_program_doc[] =
	"Summarize run queue (scheduler) latency as a histogram.\n"
	"\n"
	"USAGE: runqlat [--help] [-T] [-m] [-P] [-L] [-p PID] [interval] [count]\n"
	"\n"
	"EXAMPLES:\n"
	"    runqlat         # summarize run queue latency as a histogram\n"
	"    runqlat 1 10    # print 1 second summaries, 10 times\n"
	"    runqlat -mT 1   # 1s summaries, milliseconds, and timestamps\n"
	"    runqlat -P      # show each PID separately\n"
	"    runqlat -p 185  # trace PID 185 only\n";

static const struct argp_option opts[] = {
	{ "timestamp", 'T', NULL, 0, "Include timestamp on output" },
	{ "milliseconds", 'm', NULL, 0, "Millisecond histogram" },
	{ "pids", 'P', NULL, 0, "Print a histogram per process ID" },
	{ "tids", 'L', NULL, 0, "Print a histogram per thread ID" },
	{ "pid", 'p', "PID", 0, "Trace this PID only" },
	{ "verbose", 'v', NULL, 0, "Verbose debug output" },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help" },
	{},
};

static long parse_number(const char *arg, const char *what, struct argp_state *state)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || v <= 0 || v > INT_MAX) {
		fprintf(stderr, "Invalid %s: %s\n", what, arg);
		argp_usage(state);
	}
	return v;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	static int pos_args;

	switch (key) {
	case 'h': argp_state_help(state, stderr, ARGP_HELP_STD_HELP); break;
	case 'v': tools_verbose = true; break;
	case 'm': env.milliseconds = true; break;
	case 'p': env.pid = parse_number(arg, "PID", state); break;
	case 'L': env.per_thread = true; break;
	case 'P': env.per_process = true; break;
	case 'T': env.timestamp = true; break;
	case ARGP_KEY_ARG:
		if (pos_args == 0)
			env.interval = parse_number(arg, "interval", state);
		else if (pos_args == 1)
			env.times = parse_number(arg, "times", state);
		else {
			fprintf(stderr, "unrecognized positional argument: %s\n", arg);
			argp_usage(state);
		}
		pos_args++;
		break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void print_stars(unsigned int val, unsigned int max, int width)
{
	int stars = max ? (int)((unsigned long long)val * width / max) : 0;

	for (int i = 0; i < width; i++)
		putchar(i < stars ? '*' : ' ');
}

/* The histogram as upstream's print_log2_hist prints it: one row per slot up to the last used. */
static void print_log2_hist(const unsigned int *slots, int n, const char *unit)
{
	unsigned int max = 0;
	int last = -1;

	for (int i = 0; i < n; i++) {
		if (slots[i] > 0)
			last = i;
		if (slots[i] > max)
			max = slots[i];
	}
	printf("%*s%-*s : count    distribution\n", 5, "", 19, unit);
	for (int i = 0; i <= last; i++) {
		unsigned long long low = i == 0 ? 0 : 1ULL << i, high = (1ULL << (i + 1)) - 1;

		printf("%*llu -> %-*llu : %-8u |", 10, low, 10, high, slots[i]);
		print_stars(slots[i], max, 40);
		printf("|\n");
	}
}

static int print_hists(int fd)
{
	const char *units = env.milliseconds ? "msecs" : "usecs";
	unsigned int key, next, *prev = NULL, keys[1024];
	struct hist hist;
	int n = 0;

	while (n < 1024 && !bpf_map_get_next_key(fd, prev, &next)) {
		keys[n++] = next;
		key = next;
		prev = &key;
	}
	/* Ascending keys: the same order on every run. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && keys[j - 1] > keys[j]; j--) {
			unsigned int t = keys[j];

			keys[j] = keys[j - 1];
			keys[j - 1] = t;
		}
	for (int i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(fd, &keys[i], &hist))
			continue;
		if (env.per_process)
			printf("\npid = %d %s\n", keys[i], hist.comm);
		else if (env.per_thread)
			printf("\ntid = %d %s\n", keys[i], hist.comm);
		print_log2_hist(hist.slots, MAX_SLOTS, units);
		bpf_map_delete_elem(fd, &keys[i]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { .options = opts, .parser = parse_arg, .doc = argp_program_doc };
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct runqlat_bpf *obj;
	bool tp_btf;
	char ts[32];
	int err;

	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (env.per_process && env.per_thread) {
		fprintf(stderr, "pid and tid options are mutually exclusive\n");
		return 1;
	}
	tools_setup();

	tools_core_btf(&open_opts);
	obj = runqlat_bpf__open_opts(&open_opts);
	if (!obj) {
		fprintf(stderr, "failed to open BPF object\n");
		return 1;
	}
	obj->rodata->targ_per_process = env.per_process;
	obj->rodata->targ_per_thread = env.per_thread;
	obj->rodata->targ_ms = env.milliseconds;
	obj->rodata->targ_tgid = env.pid;

	/* tp_btf where the kernel has BTF-typed tracepoints, raw tracepoints otherwise. */
	tp_btf = tools_probe_tp_btf("sched_wakeup");
	bpf_program__set_autoload(tp_btf ? obj->progs.handle_sched_wakeup : obj->progs.sched_wakeup, false);
	bpf_program__set_autoload(tp_btf ? obj->progs.handle_sched_wakeup_new : obj->progs.sched_wakeup_new, false);
	bpf_program__set_autoload(tp_btf ? obj->progs.handle_sched_switch : obj->progs.sched_switch, false);
	if (tools_verbose)
		fprintf(stderr, "runqlat: using %s programs\n", tp_btf ? "tp_btf" : "raw_tp");

	err = runqlat_bpf__load(obj);
	if (err) {
		fprintf(stderr, "failed to load BPF object: %d\n", err);
		goto cleanup;
	}
	err = runqlat_bpf__attach(obj);
	if (err) {
		fprintf(stderr, "failed to attach BPF programs: %d\n", err);
		goto cleanup;
	}

	printf("Tracing run queue latency... Hit Ctrl-C to end.\n");
	while (!exiting && env.times-- > 0) {
		sleep(env.interval);
		printf("\n");
		if (env.timestamp) {
			tools_strftime(ts, sizeof(ts));
			printf("%-8s\n", ts);
		}
		print_hists(bpf_map__fd(obj->maps.hists));
	}

cleanup:
	runqlat_bpf__destroy(obj);
	return err != 0;
}

/* execsnoop: trace exec() calls, as libbpf-tools' execsnoop. One line per execve: the command
 * name after it, pid, parent pid (task->real_parent->tgid), the return value and the arguments.
 * Runs until SIGINT (Ctrl-C). */
#include <argp.h>
#include <limits.h>
#include <time.h>
#include "tools_common.h"
#include "execsnoop.h"
#include "execsnoop.skel.h"

static struct env {
	bool time;
	bool timestamp;
	bool fails;
	bool print_uid;
	unsigned int uid;
	int max_args;
	const char *name;
} env = { .uid = INVALID_UID, .max_args = MAX_ARGS };

static struct timespec start_time;

const char *argp_program_version = "execsnoop (emu) 0.1";
static const char argp_program_doc[] =
	"Trace exec syscalls.\n"
	"\n"
	"USAGE: execsnoop [-h] [-T] [-t] [-x] [-u UID] [-U] [-n NAME] [--max-args N]\n"
	"\n"
	"EXAMPLES:\n"
	"   ./execsnoop           # trace all exec() syscalls\n"
	"   ./execsnoop -x        # include failed exec()s\n"
	"   ./execsnoop -T        # include time (HH:MM:SS)\n"
	"   ./execsnoop -U        # include UID\n"
	"   ./execsnoop -u 1000   # only trace UID 1000\n"
	"   ./execsnoop -t        # include timestamps\n"
	"   ./execsnoop -n main   # only print command lines containing \"main\"\n";

static const struct argp_option opts[] = {
	{ "time", 'T', NULL, 0, "include time column on output (HH:MM:SS)" },
	{ "timestamp", 't', NULL, 0, "include timestamp on output" },
	{ "fails", 'x', NULL, 0, "include failed exec()s" },
	{ "uid", 'u', "UID", 0, "trace this UID only" },
	{ "print-uid", 'U', NULL, 0, "print UID column" },
	{ "name", 'n', "NAME", 0, "only print commands matching this name, any arg" },
	{ "max-args", 'm', "MAX_ARGS", 0, "maximum number of arguments parsed and displayed, defaults to 16" },
	{ "verbose", 'v', NULL, 0, "verbose debug output" },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "show the full help" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;
	long v;

	switch (key) {
	case 'h':
		argp_state_help(state, stderr, ARGP_HELP_STD_HELP);
		break;
	case 'T': env.time = true; break;
	case 't': env.timestamp = true; break;
	case 'x': env.fails = true; break;
	case 'U': env.print_uid = true; break;
	case 'v': tools_verbose = true; break;
	case 'n': env.name = arg; break;
	case 'u':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || v < 0 || v >= INVALID_UID) {
			fprintf(stderr, "Invalid UID %s\n", arg);
			argp_usage(state);
		}
		env.uid = v;
		break;
	case 'm':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || v < 1 || v > MAX_ARGS) {
			fprintf(stderr, "Invalid MAX_ARGS %s, must be in [1, %d]\n", arg, MAX_ARGS);
			argp_usage(state);
		}
		env.max_args = v;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static bool matches_name(const struct event *e)
{
	if (!env.name)
		return true;
	if (strstr(e->comm, env.name))
		return true;
	for (int i = 0; i < e->args_count && i < MAX_ARGS; i++)
		if (strstr(e->args[i], env.name))
			return true;
	return false;
}

static void handle_event(void *ctx, int cpu, void *data, __u32 size)
{
	const struct event *e = data;
	char ts[32];

	if (!matches_name(e))
		return;
	if (env.time) {
		tools_strftime(ts, sizeof(ts));
		printf("%-8s ", ts);
	}
	if (env.timestamp) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		printf("%-8.3f", (now.tv_sec - start_time.tv_sec) + (now.tv_nsec - start_time.tv_nsec) / 1e9);
	}
	if (env.print_uid)
		printf("%-6u ", e->uid);
	printf("%-16s %-6d %-6d %3d", e->comm, e->pid, e->ppid, e->retval);
	for (int i = 0; i < e->args_count && i < MAX_ARGS; i++)
		printf(" %.*s", ARG_LEN, e->args[i]);
	if (e->args_count == env.max_args && env.max_args < MAX_ARGS)
		printf(" ...");
	putchar('\n');
}

static void handle_lost_events(void *ctx, int cpu, __u64 lost_cnt)
{
	fprintf(stderr, "Lost %llu events on CPU #%d!\n", (unsigned long long)lost_cnt, cpu);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { .options = opts, .parser = parse_arg, .doc = argp_program_doc };
	struct perf_buffer *pb = NULL;
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct execsnoop_bpf *obj;
	int err;

	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	tools_setup();

	tools_core_btf(&open_opts);
	obj = execsnoop_bpf__open_opts(&open_opts);
	if (!obj) {
		fprintf(stderr, "failed to open BPF object\n");
		return 1;
	}
	obj->rodata->ignore_failed = !env.fails;
	obj->rodata->targ_uid = env.uid;
	obj->rodata->max_args = env.max_args;

	err = execsnoop_bpf__load(obj);
	if (err) {
		fprintf(stderr, "failed to load BPF object: %d\n", err);
		goto cleanup;
	}
	err = execsnoop_bpf__attach(obj);
	if (err) {
		fprintf(stderr, "failed to attach BPF programs: %d\n", err);
		goto cleanup;
	}
	pb = perf_buffer__new(bpf_map__fd(obj->maps.events), 64, handle_event, handle_lost_events, NULL, NULL);
	if (!pb) {
		err = -errno;
		fprintf(stderr, "failed to open perf buffer: %d\n", err);
		goto cleanup;
	}
	clock_gettime(CLOCK_MONOTONIC, &start_time);

	if (env.time)
		printf("%-8s ", "TIME");
	if (env.timestamp)
		printf("%-8s ", "TIME(s)");
	if (env.print_uid)
		printf("%-6s ", "UID");
	printf("%-16s %-6s %-6s %3s %s\n", "PCOMM", "PID", "PPID", "RET", "ARGS");

	while (!exiting) {
		err = perf_buffer__poll(pb, 100);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "error polling perf buffer: %s\n", strerror(-err));
			goto cleanup;
		}
		err = 0;
	}
	/* What was recorded before the signal is printed too. */
	perf_buffer__consume(pb);

cleanup:
	perf_buffer__free(pb);
	execsnoop_bpf__destroy(obj);
	return err != 0;
}

/* opensnoop: trace open() and openat() calls, as libbpf-tools' opensnoop. One line per call
 * that returned: pid, command, the fd (-1 on failure), the errno (0 on success) and the path.
 * Runs until SIGINT (Ctrl-C) or for -d seconds. */
#include <argp.h>
#include <fcntl.h>
#include <limits.h>
#include <time.h>
#include "tools_common.h"
#include "opensnoop.h"
#include "opensnoop.skel.h"

static struct env {
	pid_t pid;
	pid_t tid;
	unsigned int uid;
	long duration;
	bool timestamp;
	bool print_uid;
	bool extended;
	bool failed;
	const char *name;
} env = { .uid = INVALID_UID };

const char *argp_program_version = "opensnoop (emu) 0.1";
static const char argp_program_doc[] =
	"Trace open family syscalls\n"
	"\n"
	"USAGE: opensnoop [-h] [-T] [-U] [-x] [-p PID] [-t TID] [-u UID] [-d DURATION] [-n NAME] [-e]\n"
	"\n"
	"EXAMPLES:\n"
	"    ./opensnoop           # trace all open() syscalls\n"
	"    ./opensnoop -T        # include timestamps\n"
	"    ./opensnoop -U        # include UID\n"
	"    ./opensnoop -x        # only show failed opens\n"
	"    ./opensnoop -p 181    # only trace PID 181\n"
	"    ./opensnoop -t 123    # only trace TID 123\n"
	"    ./opensnoop -u 1000   # only trace UID 1000\n"
	"    ./opensnoop -d 10     # trace for 10 seconds only\n"
	"    ./opensnoop -n main   # only print process names containing \"main\"\n"
	"    ./opensnoop -e        # show extended fields\n";

static const struct argp_option opts[] = {
	{ "duration", 'd', "DURATION", 0, "Duration to trace" },
	{ "extended-fields", 'e', NULL, 0, "Print extended fields" },
	{ "name", 'n', "NAME", 0, "Trace process names containing this" },
	{ "pid", 'p', "PID", 0, "Process ID to trace" },
	{ "tid", 't', "TID", 0, "Thread ID to trace" },
	{ "timestamp", 'T', NULL, 0, "Print timestamp" },
	{ "uid", 'u', "UID", 0, "User ID to trace" },
	{ "print-uid", 'U', NULL, 0, "Print UID" },
	{ "verbose", 'v', NULL, 0, "Verbose debug output" },
	{ "failed", 'x', NULL, 0, "Failed opens only" },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help" },
	{},
};

static long parse_number(const char *arg, const char *what, long max, struct argp_state *state)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || v <= 0 || v > max) {
		fprintf(stderr, "Invalid %s: %s\n", what, arg);
		argp_usage(state);
	}
	return v;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'h': argp_state_help(state, stderr, ARGP_HELP_STD_HELP); break;
	case 'e': env.extended = true; break;
	case 'n': env.name = arg; break;
	case 'T': env.timestamp = true; break;
	case 'U': env.print_uid = true; break;
	case 'v': tools_verbose = true; break;
	case 'x': env.failed = true; break;
	case 'd': env.duration = parse_number(arg, "duration", 1000000, state); break;
	case 'p': env.pid = parse_number(arg, "PID", INT_MAX, state); break;
	case 't': env.tid = parse_number(arg, "TID", INT_MAX, state); break;
	case 'u': env.uid = parse_number(arg, "UID", INVALID_UID - 1, state); break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;
	int fd, err;
	char ts[32];

	if (env.name && !strstr(e->comm, env.name))
		return 0;
	if (env.timestamp) {
		tools_strftime(ts, sizeof(ts));
		printf("%-8s ", ts);
	}
	if (env.print_uid)
		printf("%-7u ", e->uid);
	if (e->ret >= 0) {
		fd = e->ret;
		err = 0;
	} else {
		fd = -1;
		err = -e->ret;
	}
	printf("%-6d %-16s %3d %3d ", e->pid, e->comm, fd, err);
	if (env.extended)
		printf("%08o ", e->flags);
	printf("%s\n", e->fname);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { .options = opts, .parser = parse_arg, .doc = argp_program_doc };
	struct ring_buffer *rb = NULL;
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct opensnoop_bpf *obj;
	time_t end_time = 0;
	int err;

	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	tools_setup();

	tools_core_btf(&open_opts);
	obj = opensnoop_bpf__open_opts(&open_opts);
	if (!obj) {
		fprintf(stderr, "failed to open BPF object\n");
		return 1;
	}
	obj->rodata->targ_tgid = env.pid;
	obj->rodata->targ_pid = env.tid;
	obj->rodata->targ_uid = env.uid;
	obj->rodata->targ_failed = env.failed;

	err = opensnoop_bpf__load(obj);
	if (err) {
		fprintf(stderr, "failed to load BPF object: %d\n", err);
		goto cleanup;
	}
	err = opensnoop_bpf__attach(obj);
	if (err) {
		fprintf(stderr, "failed to attach BPF programs: %d\n", err);
		goto cleanup;
	}
	rb = ring_buffer__new(bpf_map__fd(obj->maps.events), handle_event, NULL, NULL);
	if (!rb) {
		err = -errno;
		fprintf(stderr, "failed to open ring buffer: %d\n", err);
		goto cleanup;
	}

	if (env.timestamp)
		printf("%-8s ", "TIME");
	if (env.print_uid)
		printf("%-7s ", "UID");
	printf("%-6s %-16s %3s %3s ", "PID", "COMM", "FD", "ERR");
	if (env.extended)
		printf("%-8s ", "FLAGS");
	printf("%s\n", "PATH");

	if (env.duration)
		end_time = time(NULL) + env.duration;
	while (!exiting) {
		err = ring_buffer__poll(rb, 100);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "error polling ring buffer: %s\n", strerror(-err));
			goto cleanup;
		}
		err = 0;
		if (env.duration && time(NULL) >= end_time)
			break;
	}
	ring_buffer__consume(rb);

cleanup:
	ring_buffer__free(rb);
	opensnoop_bpf__destroy(obj);
	return err != 0;
}

/* syscount: count syscalls by number (or by process with -P), as libbpf-tools' syscount, with
 * their total and average latency (-L). Prints the top N at each interval (-i) or at the end
 * (SIGINT, -d). Syscall names come from a table built from the kernel headers. */
#include <argp.h>
#include <limits.h>
#include <time.h>
#include "tools_common.h"
#include "syscount.h"
#include "syscount.skel.h"
#include "syscall_names.h"

#define MAX_ENTRIES 8192

static struct env {
	bool list_syscalls;
	bool milliseconds;
	bool failures;
	bool latency;
	bool process;
	int filter_errno;
	int interval;
	int duration;
	int top;
	pid_t pid;
	const char *comm;
} env = { .top = 10 };

const char *argp_program_version = "syscount (emu) 0.1";
static const char argp_program_doc[] =
	"\nsyscount: summarize syscall counts and latencies\n"
	"\n"
	"EXAMPLES:\n"
	"    syscount                 # print top 10 syscalls by count every second\n"
	"    syscount -p $(pidof dd)  # look only at a particular process\n"
	"    syscount -n dd           # look only at processes whose command is dd\n"
	"    syscount -L              # measure and sort output by latency\n"
	"    syscount -P              # group statistics by pid, not by syscall\n"
	"    syscount -x -i 5         # count only failed syscalls\n"
	"    syscount -e ENOENT -i 5  # count only syscalls failed with a given errno\n";

static const struct argp_option opts[] = {
	{ "verbose", 'v', NULL, 0, "Verbose debug output" },
	{ "pid", 'p', "PID", 0, "Process PID to trace" },
	{ "name", 'n', "COMM", 0, "Trace only tasks whose command is COMM" },
	{ "interval", 'i', "INTERVAL", 0, "Print summary at this interval (seconds), 0 for infinite wait (default)" },
	{ "duration", 'd', "DURATION", 0, "Total tracing duration (seconds)" },
	{ "top", 'T', "TOP", 0, "Print only the top syscalls (default 10)" },
	{ "failures", 'x', NULL, 0, "Trace only failed syscalls" },
	{ "latency", 'L', NULL, 0, "Collect syscall latency" },
	{ "milliseconds", 'm', NULL, 0, "Display latency in milliseconds (default: microseconds)" },
	{ "process", 'P', NULL, 0, "Count by process and not by syscall" },
	{ "errno", 'e', "ERRNO", 0, "Trace only syscalls that return this error (numeric or EPERM, etc.)" },
	{ "list", 'l', NULL, 0, "Print list of recognized syscalls and exit" },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help" },
	{},
};

static const char *syscall_name(unsigned int nr)
{
	if (nr < sizeof(syscall_names) / sizeof(syscall_names[0]) && syscall_names[nr])
		return syscall_names[nr];
	return NULL;
}

static int errno_by_name(const char *name)
{
	static const struct { const char *name; int value; } errnos[] = {
		{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "ESRCH", ESRCH }, { "EINTR", EINTR },
		{ "EIO", EIO }, { "EBADF", EBADF }, { "ECHILD", ECHILD }, { "EAGAIN", EAGAIN },
		{ "ENOMEM", ENOMEM }, { "EACCES", EACCES }, { "EFAULT", EFAULT }, { "EBUSY", EBUSY },
		{ "EEXIST", EEXIST }, { "ENOTDIR", ENOTDIR }, { "EISDIR", EISDIR }, { "EINVAL", EINVAL },
		{ "ENOTTY", ENOTTY }, { "ESPIPE", ESPIPE }, { "EPIPE", EPIPE }, { "ERANGE", ERANGE },
		{ "ENOSYS", ENOSYS }, { "EOPNOTSUPP", EOPNOTSUPP },
	};
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(name, errnos[i].name))
			return errnos[i].value;
	return -1;
}

static long parse_number(const char *arg, const char *what, long min, struct argp_state *state)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || v < min || v > INT_MAX) {
		fprintf(stderr, "Invalid %s: %s\n", what, arg);
		argp_usage(state);
	}
	return v;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'h': argp_state_help(state, stderr, ARGP_HELP_STD_HELP); break;
	case 'v': tools_verbose = true; break;
	case 'x': env.failures = true; break;
	case 'L': env.latency = true; break;
	case 'm': env.milliseconds = true; break;
	case 'P': env.process = true; break;
	case 'l': env.list_syscalls = true; break;
	case 'p': env.pid = parse_number(arg, "PID", 1, state); break;
	case 'i': env.interval = parse_number(arg, "interval", 0, state); break;
	case 'd': env.duration = parse_number(arg, "duration", 1, state); break;
	case 'T': env.top = parse_number(arg, "top", 1, state); break;
	case 'n':
		if (strlen(arg) >= TASK_COMM_LEN) {
			fprintf(stderr, "Invalid COMM (at most %d characters): %s\n", TASK_COMM_LEN - 1, arg);
			argp_usage(state);
		}
		env.comm = arg;
		break;
	case 'e':
		env.filter_errno = arg[0] >= '0' && arg[0] <= '9' ? (int)parse_number(arg, "errno", 1, state)
								  : errno_by_name(arg);
		if (env.filter_errno <= 0) {
			fprintf(stderr, "Invalid errno: %s (a number or one of EPERM, ENOENT, EBADF, ...)\n", arg);
			argp_usage(state);
		}
		break;
	default: return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct entry {
	unsigned int key;
	struct data_t v;
};

/* Most first: by total time with -L, else by count; ties by key, so the order is stable. */
static int compare(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	unsigned long long kx = env.latency ? x->v.total_ns : x->v.count;
	unsigned long long ky = env.latency ? y->v.total_ns : y->v.count;

	if (kx != ky)
		return kx < ky ? 1 : -1;
	return x->key < y->key ? -1 : x->key > y->key;
}

static void print_key(const struct entry *e)
{
	char buf[32];
	const char *name;

	if (env.process) {
		printf("%-6u %-15s", e->key, e->v.comm);
		return;
	}
	name = syscall_name(e->key);
	if (!name) {
		snprintf(buf, sizeof(buf), "[unknown: %u]", e->key);
		name = buf;
	}
	printf("%-22s", name);
}

/* Takes every counter out of the map, prints the top ones. */
static int print_and_clear(int fd)
{
	static struct entry entries[MAX_ENTRIES];
	unsigned int key, next, *prev = NULL;
	double div = env.milliseconds ? 1e6 : 1e3;
	unsigned long long total = 0;
	int n = 0;

	while (n < MAX_ENTRIES && !bpf_map_get_next_key(fd, prev, &next)) {
		if (!bpf_map_lookup_elem(fd, &next, &entries[n].v)) {
			entries[n].key = next;
			total += entries[n].v.count;
			n++;
		}
		key = next;
		prev = &key;
	}
	for (int i = 0; i < n; i++)
		bpf_map_delete_elem(fd, &entries[i].key);
	qsort(entries, n, sizeof(entries[0]), compare);

	if (env.latency)
		printf("%-22s %8s %16s %12s\n", env.process ? "PID    COMM" : "SYSCALL", "COUNT",
		       env.milliseconds ? "TIME (ms)" : "TIME (us)", env.milliseconds ? "AVG (ms)" : "AVG (us)");
	else
		printf("%-22s %8s\n", env.process ? "PID    COMM" : "SYSCALL", "COUNT");
	for (int i = 0; i < n && i < env.top; i++) {
		print_key(&entries[i]);
		if (env.latency)
			printf(" %8llu %16.3f %12.3f\n", entries[i].v.count, entries[i].v.total_ns / div,
			       entries[i].v.total_ns / div / entries[i].v.count);
		else
			printf(" %8llu\n", entries[i].v.count);
	}
	printf("%d %s, %llu calls\n", n, env.process ? "processes" : "syscalls", total);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { .options = opts, .parser = parse_arg, .doc = argp_program_doc };
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct syscount_bpf *obj;
	time_t end_time = 0;
	char ts[32];
	int err, fd;

	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (env.list_syscalls) {
		for (unsigned int i = 0; i < sizeof(syscall_names) / sizeof(syscall_names[0]); i++)
			if (syscall_names[i])
				printf("%3u: %s\n", i, syscall_names[i]);
		return 0;
	}
	tools_setup();

	tools_core_btf(&open_opts);
	obj = syscount_bpf__open_opts(&open_opts);
	if (!obj) {
		fprintf(stderr, "failed to open BPF object\n");
		return 1;
	}
	obj->rodata->filter_pid = env.pid;
	obj->rodata->filter_failed = env.failures;
	obj->rodata->filter_errno = env.filter_errno;
	obj->rodata->count_by_process = env.process;
	obj->rodata->measure_latency = env.latency;
	if (env.comm)
		strncpy((char *)obj->rodata->filter_comm, env.comm, TASK_COMM_LEN - 1);

	err = syscount_bpf__load(obj);
	if (err) {
		fprintf(stderr, "failed to load BPF object: %d\n", err);
		goto cleanup;
	}
	err = syscount_bpf__attach(obj);
	if (err) {
		fprintf(stderr, "failed to attach BPF programs: %d\n", err);
		goto cleanup;
	}
	fd = bpf_map__fd(obj->maps.data);

	printf("Tracing syscalls, printing top %d... Ctrl+C to quit.\n", env.top);
	if (env.duration)
		end_time = time(NULL) + env.duration;
	while (!exiting) {
		sleep(env.interval ? env.interval : env.duration ? env.duration : 1000000);
		if (env.duration && time(NULL) >= end_time)
			break;
		if (env.interval && !exiting) {
			tools_strftime(ts, sizeof(ts));
			printf("[%s]\n", ts);
			print_and_clear(fd);
		}
	}
	if (env.interval) {
		tools_strftime(ts, sizeof(ts));
		printf("[%s]\n", ts);
	}
	print_and_clear(fd);

cleanup:
	syscount_bpf__destroy(obj);
	return err != 0;
}

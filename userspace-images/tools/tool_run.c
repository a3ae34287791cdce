/* tool_run: run a tracing tool and a workload together, in one guest (or on a Linux host).
 *
 *   tool_run [-c SYSTEM:EVENT] TOOL [TOOL_ARGS...] -- PROGRAM [ARGS...]
 *
 * 1. starts TOOL with its stdout on a pipe and waits for its first line: the tools print their
 *    header once their programs are attached, so that line is the readiness signal (no change
 *    to the tool needed); a tool that exits before it is ready ends the run (status 1);
 * 2. forks and execs PROGRAM (stdin, stdout and stderr those of tool_run), and forwards TOOL's
 *    lines to stdout as they come while PROGRAM runs;
 * 3. when PROGRAM has exited, prints its status, sends SIGINT to TOOL (as Ctrl-C would: the tools
 *    print their summaries and exit), forwards the rest of its output, and waits for it.
 *
 * With -c, tool_run also counts the hits of a tracepoint with a counting perf event (no BPF)
 * from before TOOL starts until after it ends, and prints the count last: an independent figure
 * a test can hold a tool's output against. Exit status: PROGRAM's (128+N if killed by signal N),
 * or 1 if TOOL failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: tool_run [-c SYSTEM:EVENT] TOOL [TOOL_ARGS...] -- PROGRAM [ARGS...]\n");
	exit(2);
}

/* A counting perf event on tracepoint SYSTEM:EVENT in every task (pid -1, cpu 0); -1 on error. */
static int open_counter(const char *event)
{
	char path[256], buf[32];
	struct perf_event_attr attr;
	const char *colon = strchr(event, ':');
	int fd;
	ssize_t n;

	if (!colon)
		return -1;
	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%.*s/%s/id", (int)(colon - event), event, colon + 1);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = strtoull(buf, NULL, 10);
	attr.disabled = 1;
	fd = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd >= 0)
		ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	return fd;
}

/* Copies what the tool wrote to stdout, whole lines at a time; returns 0 at EOF. With
 * first_line_only, stops after the first newline (the rest stays in the pipe). */
static int forward(int fd, int first_line_only)
{
	char c;
	ssize_t n;
	int any = 0;

	for (;;) {
		n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return any ? 1 : 0;
		any = 1;
		putchar(c);
		if (c == '\n') {
			fflush(stdout);
			if (first_line_only)
				return 1;
		}
	}
}

static int status_code(int status)
{
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	const char *count_event = NULL;
	char **tool, **program;
	int out[2], counter = -1, status, tool_status, workload_status, pidfd, i = 1;
	pid_t tool_pid, workload;

	if (argc > 2 && !strcmp(argv[1], "-c")) {
		count_event = argv[2];
		i = 3;
	}
	tool = &argv[i];
	for (; i < argc && strcmp(argv[i], "--"); i++)
		;
	if (i >= argc - 1 || tool == &argv[i])
		usage();
	argv[i] = NULL;
	program = &argv[i + 1];
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);

	if (count_event && (counter = open_counter(count_event)) < 0) {
		fprintf(stderr, "tool_run: cannot count %s: %s\n", count_event, strerror(errno));
		return 1;
	}
	if (pipe2(out, O_CLOEXEC))
		return 1;
	tool_pid = fork();
	if (tool_pid == 0) {
		dup2(out[1], 1);
		execv(tool[0], tool);
		fprintf(stderr, "tool_run: cannot run %s: %s\n", tool[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	if (!forward(out[0], 1)) {
		waitpid(tool_pid, &tool_status, 0);
		fprintf(stderr, "tool_run: %s exited with status %d before it was ready\n", tool[0], status_code(tool_status));
		return 1;
	}

	workload = fork();
	if (workload == 0) {
		execv(program[0], program);
		fprintf(stderr, "tool_run: cannot run %s: %s\n", program[0], strerror(errno));
		_exit(127);
	}
	/* The workload's exit makes its pidfd readable; the tool's lines are forwarded meanwhile. */
	pidfd = syscall(SYS_pidfd_open, workload, 0);
	for (;;) {
		struct pollfd fds[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = out[0], .events = POLLIN } };

		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents)
			break;
		if (fds[1].revents & POLLIN) {
			char buf[4096];
			ssize_t n = read(out[0], buf, sizeof(buf));

			if (n > 0)
				fwrite(buf, 1, n, stdout);
			fflush(stdout);
		} else if (fds[1].revents) {
			fds[1].fd = -1; /* the tool closed its stdout early */
			break;
		}
	}
	while (waitpid(workload, &status, 0) < 0 && errno == EINTR)
		;
	workload_status = status_code(status);
	printf("tool_run: %s exited with status %d\n", program[0], workload_status);
	fflush(stdout);

	kill(tool_pid, SIGINT);
	forward(out[0], 0);
	fflush(stdout);
	while (waitpid(tool_pid, &tool_status, 0) < 0 && errno == EINTR)
		;
	if (status_code(tool_status) != 0)
		printf("tool_run: %s exited with status %d\n", tool[0], status_code(tool_status));
	if (counter >= 0) {
		unsigned long long count = 0;

		ioctl(counter, PERF_EVENT_IOC_DISABLE, 0);
		if (read(counter, &count, sizeof(count)) == sizeof(count))
			printf("tool_run: %s: %llu hits\n", count_event, count);
	}
	fflush(stdout);
	return status_code(tool_status) != 0 ? 1 : workload_status;
}

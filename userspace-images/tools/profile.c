// SPDX-License-Identifier: GPL-2.0
/*
 * profile: a CPU profiler in the style of libbpf-tools' profile. A cpu-clock perf event per CPU
 * (sampling FREQ times a second) runs profile.bpf.c, which stores each sample's user stack in a
 * STACK_TRACE map and counts (pid, stack, comm) in a hash map; at the end the tool reads the
 * maps and symbolises the stacks itself from /proc/PID/maps and the ELF symbol tables (.symtab,
 * else .dynsym) of the mapped files.
 *
 *   profile [-F FREQ] [-p PID] [-f] [DURATION] [-- COMMAND [ARG...]]
 *
 * With a COMMAND the tool starts it once the events are attached, profiles it (unless -p names
 * another process) and stops when it exits; the command's mappings are read while it runs
 * (a process that has exited has none), every 10 ms. Without DURATION it runs until SIGINT or
 * the command's end. Output: per stack its frames (innermost first), "-  comm (pid)" and the
 * count, most samples first; -f prints folded lines "comm;outer;...;inner count" instead.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "profile.h"
#include "profile.skel.h"

static struct env {
	int pid;
	int freq;
	bool folded;
	long duration;
	char **command;
} env = { .freq = 49, .duration = -1 };

const char *argp_program_version = "profile 0.1 (emu)";
static const char doc[] =
	"Profile CPU usage by sampling user stack traces at a timed interval.\n"
	"\n"
	"USAGE: profile [-F FREQ] [-p PID] [-f] [DURATION] [-- COMMAND [ARG...]]\n"
	"EXAMPLES:\n"
	"    profile -F 99 5        # all processes at 99 Hz for 5 seconds\n"
	"    profile -f -- ./hot    # run ./hot and profile it, folded output\n";

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "profile this process only", 0 },
	{ "frequency", 'F', "FREQ", 0, "sample frequency (default 49)", 0 },
	{ "folded", 'f', NULL, 0, "output folded format, one line per stack", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;
	long v;

	switch (key) {
	case 'p':
	case 'F':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || v <= 0 || v > INT_MAX) {
			fprintf(stderr, "invalid %s: %s\n", key == 'p' ? "PID" : "FREQ", arg);
			argp_usage(state);
		}
		if (key == 'p')
			env.pid = v;
		else
			env.freq = v;
		break;
	case 'f':
		env.folded = true;
		break;
	case ARGP_KEY_ARG:
		if (env.duration < 0 && !env.command && state->quoted == 0) {
			errno = 0;
			v = strtol(arg, &end, 10);
			if (errno || *end || v <= 0) {
				fprintf(stderr, "invalid duration: %s\n", arg);
				argp_usage(state);
			}
			env.duration = v;
		} else {
			env.command = &state->argv[state->next - 1];
			state->next = state->argc;
		}
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static volatile sig_atomic_t exiting;

static void sig_handler(int sig)
{
	(void)sig;
	exiting = 1;
}

/* ---- symbols: /proc/PID/maps and ELF symbol tables ---- */

struct sym {
	unsigned long addr, size;
	char *name;
};

struct elf_syms {
	char *path;
	unsigned long first_load; /* the first PT_LOAD's p_vaddr */
	struct sym *syms;
	size_t n;
};

static struct elf_syms *elf_cache;
static size_t elf_cache_n;

static int sym_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* aliases: the name without a leading underscore last, where lookup finds it */
	return (x->name[0] != '_') - (y->name[0] != '_');
}

static struct elf_syms *elf_syms_of(const char *path)
{
	for (size_t i = 0; i < elf_cache_n; i++)
		if (!strcmp(elf_cache[i].path, path))
			return &elf_cache[i];
	elf_cache = realloc(elf_cache, (elf_cache_n + 1) * sizeof(*elf_cache));
	struct elf_syms *e = &elf_cache[elf_cache_n++];
	memset(e, 0, sizeof(*e));
	e->path = strdup(path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return e;
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf) {
		close(fd);
		return e;
	}
	size_t nph = 0;
	elf_getphdrnum(elf, &nph);
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, i, &ph) && ph.p_type == PT_LOAD) {
			e->first_load = ph.p_vaddr;
			break;
		}
	}
	Elf_Scn *table = NULL;
	for (int want = SHT_SYMTAB; want; want = want == SHT_SYMTAB ? SHT_DYNSYM : 0) {
		Elf_Scn *scn = NULL;
		while (!table && (scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			if (gelf_getshdr(scn, &sh) && sh.sh_type == (unsigned)want)
				table = scn;
		}
		if (table)
			break;
	}
	if (table) {
		GElf_Shdr sh;
		gelf_getshdr(table, &sh);
		Elf_Data *data = elf_getdata(table, NULL);
		size_t count = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
		e->syms = calloc(count ? count : 1, sizeof(*e->syms));
		for (size_t i = 0; data && i < count; i++) {
			GElf_Sym s;
			if (!gelf_getsym(data, i, &s) || s.st_value == 0 || s.st_shndx == SHN_UNDEF)
				continue;
			int type = GELF_ST_TYPE(s.st_info);
			if (type != STT_FUNC && type != STT_GNU_IFUNC)
				continue;
			const char *name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (!name)
				continue;
			e->syms[e->n++] = (struct sym){ s.st_value, s.st_size, strdup(name) };
		}
		qsort(e->syms, e->n, sizeof(*e->syms), sym_cmp);
	}
	elf_end(elf);
	close(fd);
	return e;
}

static const char *sym_lookup(struct elf_syms *e, unsigned long addr)
{
	long lo = 0, hi = (long)e->n - 1, found = -1;
	while (lo <= hi) {
		long mid = (lo + hi) / 2;
		if (e->syms[mid].addr <= addr) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	for (long i = found; i >= 0 && i > found - 8; i--) {
		struct sym *s = &e->syms[i];
		if (s->size ? addr - s->addr < s->size : i == found)
			return s->name;
	}
	return NULL;
}

struct mapping {
	unsigned long start, end;
	char path[PATH_MAX];
};

struct proc_maps {
	int pid;
	struct mapping *m;
	size_t n;
};

/* The file mappings of a /proc/PID/maps text. */
static void parse_maps(struct proc_maps *pm, const char *text)
{
	free(pm->m);
	pm->m = NULL;
	pm->n = 0;
	const char *line = text;
	while (line && *line) {
		unsigned long start, end;
		char path[PATH_MAX];
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %4095s", &start, &end, path) == 3 && path[0] == '/') {
			pm->m = realloc(pm->m, (pm->n + 1) * sizeof(*pm->m));
			pm->m[pm->n].start = start;
			pm->m[pm->n].end = end;
			snprintf(pm->m[pm->n].path, sizeof(pm->m[pm->n].path), "%s", path);
			pm->n++;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
}

/* /proc/PID/maps as text, or NULL when the process has none (gone, or a zombie). */
static char *read_maps(int pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	size_t cap = 4096, len = 0, n;
	char *buf = malloc(cap);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len - 1 == 0)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	buf[len] = 0;
	if (len == 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Writes the name of the function at addr ("file+0xoff" without a symbol, "[unknown]" without a file). */
static void frame_name(struct proc_maps *pm, unsigned long addr, char *out, size_t size)
{
	for (size_t i = 0; i < pm->n; i++) {
		if (addr < pm->m[i].start || addr >= pm->m[i].end)
			continue;
		unsigned long base = pm->m[i].start;
		for (size_t j = 0; j < pm->n; j++)
			if (!strcmp(pm->m[j].path, pm->m[i].path) && pm->m[j].start < base)
				base = pm->m[j].start;
		struct elf_syms *e = elf_syms_of(pm->m[i].path);
		const char *name = sym_lookup(e, addr - (base - (e->first_load & ~0xfffUL)));
		const char *file = strrchr(pm->m[i].path, '/') + 1;
		if (name)
			snprintf(out, size, "%s", name);
		else
			snprintf(out, size, "[%s+0x%lx]", file, addr - base);
		return;
	}
	snprintf(out, size, "[unknown]");
}

/* ---- output ---- */

struct sample {
	struct key_t key;
	__u64 count;
};

static int sample_cmp(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->key.pid != y->key.pid)
		return x->key.pid < y->key.pid ? -1 : 1;
	return x->key.user_stack_id - y->key.user_stack_id;
}

static struct proc_maps *maps_of(struct proc_maps **all, size_t *n, int pid)
{
	for (size_t i = 0; i < *n; i++)
		if ((*all)[i].pid == pid)
			return &(*all)[i];
	*all = realloc(*all, (*n + 1) * sizeof(**all));
	struct proc_maps *pm = &(*all)[(*n)++];
	memset(pm, 0, sizeof(*pm));
	pm->pid = pid;
	char *text = read_maps(pid);
	if (text) {
		parse_maps(pm, text);
		free(text);
	}
	return pm;
}

static void print_samples(struct profile_bpf *obj, struct proc_maps *snapshot)
{
	int counts_fd = bpf_map__fd(obj->maps.counts), stacks_fd = bpf_map__fd(obj->maps.stackmap);
	struct sample *samples = NULL;
	size_t n = 0;
	struct key_t key, next;
	void *prev = NULL;
	while (bpf_map_get_next_key(counts_fd, prev, &next) == 0) {
		samples = realloc(samples, (n + 1) * sizeof(*samples));
		samples[n].key = next;
		if (bpf_map_lookup_elem(counts_fd, &next, &samples[n].count) == 0)
			n++;
		key = next;
		prev = &key;
	}
	qsort(samples, n, sizeof(*samples), sample_cmp);

	struct proc_maps *all = NULL;
	size_t nmaps = 0;
	if (snapshot && snapshot->n) {
		all = malloc(sizeof(*all));
		all[0] = *snapshot;
		nmaps = 1;
	}
	static __u64 ips[PERF_MAX_STACK_DEPTH];
	char name[PATH_MAX + 32];
	for (size_t i = 0; i < n; i++) {
		struct sample *s = &samples[i];
		struct proc_maps *pm = maps_of(&all, &nmaps, s->key.pid);
		int depth = 0;
		memset(ips, 0, sizeof(ips));
		if (s->key.user_stack_id >= 0 && bpf_map_lookup_elem(stacks_fd, &s->key.user_stack_id, ips) == 0)
			while (depth < PERF_MAX_STACK_DEPTH && ips[depth])
				depth++;
		if (env.folded) {
			printf("%s", s->key.name);
			if (depth == 0)
				printf(";[Missed User Stack]");
			for (int d = depth - 1; d >= 0; d--) {
				/* a return address is looked up inside its call instruction */
				frame_name(pm, d == 0 ? ips[d] : ips[d] - 1, name, sizeof(name));
				printf(";%s", name);
			}
			printf(" %llu\n", (unsigned long long)s->count);
		} else {
			if (depth == 0)
				printf("    [Missed User Stack]\n");
			for (int d = 0; d < depth; d++) {
				frame_name(pm, d == 0 ? ips[d] : ips[d] - 1, name, sizeof(name));
				printf("    %s\n", name);
			}
			printf("    %-16s %s (%u)\n        %llu\n\n", "-", s->key.name, s->key.pid, (unsigned long long)s->count);
		}
	}
	free(samples);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !getenv("LIBBPF_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, args);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { .options = opts, .parser = parse_arg, .doc = doc };
	int err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(libbpf_print);
	elf_version(EV_CURRENT);

	int go[2] = { -1, -1 };
	pid_t child = 0;
	if (env.command) {
		if (pipe(go) < 0) {
			perror("pipe");
			return 1;
		}
		child = fork();
		if (child < 0) {
			perror("fork");
			return 1;
		}
		if (child == 0) { /* the command waits until the events are attached */
			char c;
			close(go[1]);
			if (read(go[0], &c, 1) != 1)
				_exit(127);
			close(go[0]);
			execvp(env.command[0], env.command);
			perror(env.command[0]);
			_exit(127);
		}
		close(go[0]);
		if (!env.pid)
			env.pid = child;
	}

	struct profile_bpf *obj = profile_bpf__open();
	if (!obj) {
		fprintf(stderr, "failed to open BPF object\n");
		return 1;
	}
	obj->rodata->targ_pid = env.pid;
	err = profile_bpf__load(obj);
	if (err) {
		fprintf(stderr, "failed to load BPF object: %d\n", err);
		return 1;
	}

	int ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		ncpus = 1;
	struct bpf_link **links = calloc(ncpus, sizeof(*links));
	int attached = 0;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		struct perf_event_attr attr = {
			.type = PERF_TYPE_SOFTWARE,
			.size = sizeof(attr),
			.config = PERF_COUNT_SW_CPU_CLOCK,
			.freq = 1,
			.sample_freq = env.freq,
		};
		int fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
		if (fd < 0) {
			if (errno == ENODEV)
				continue; /* an offline CPU */
			fprintf(stderr, "failed to open perf event on CPU %d: %s\n", cpu, strerror(errno));
			return 1;
		}
		links[cpu] = bpf_program__attach_perf_event(obj->progs.do_perf_event, fd);
		if (!links[cpu]) {
			fprintf(stderr, "failed to attach perf event on CPU %d: %d\n", cpu, -errno);
			close(fd);
			return 1;
		}
		attached++;
	}
	if (!attached) {
		fprintf(stderr, "no CPU to sample\n");
		return 1;
	}

	signal(SIGINT, sig_handler);
	signal(SIGTERM, sig_handler);
	if (child && write(go[1], "g", 1) != 1) {
		perror("write");
		return 1;
	}
	if (go[1] >= 0)
		close(go[1]);

	/* Wait: the duration, the command's end or a signal; meanwhile keep the target's
	 * mappings, which are gone once it has exited. */
	struct proc_maps snapshot = { .pid = env.pid };
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	long ticks = 0;
	while (!exiting && (env.duration < 0 || ticks < env.duration * 100)) {
		if (env.pid) {
			char *text = read_maps(env.pid);
			if (text) {
				parse_maps(&snapshot, text);
				free(text);
			}
		}
		if (child) {
			int status;
			if (waitpid(child, &status, WNOHANG) == child) {
				child = 0;
				break;
			}
		}
		nanosleep(&tick, NULL);
		ticks++;
	}
	for (int cpu = 0; cpu < ncpus; cpu++)
		bpf_link__destroy(links[cpu]);
	if (child) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}

	print_samples(obj, &snapshot);
	profile_bpf__destroy(obj);
	return 0;
}

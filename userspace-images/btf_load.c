/* btf_load FILE: loads FILE's bytes with BPF_BTF_LOAD (log level 1) and says whether the kernel
 * took them: "loaded N bytes" or "refused ERRNO: <the log's last line>". KernelBtfTest hands it
 * emu's /sys/kernel/btf/vmlinux to check the blob against the host kernel's btf.c, and runs it
 * under emu on the same file for emu's own checks. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

static char log_buf[1 << 20];

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/sys/kernel/btf/vmlinux";
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		printf("cannot open %s: %s\n", path, strerror(errno));
		return 1;
	}
	char *data = malloc(st.st_size);
	ssize_t got = 0;
	while (got < st.st_size) {
		ssize_t n = read(fd, data + got, st.st_size - got);
		if (n <= 0)
			break;
		got += n;
	}
	if (got != st.st_size) {
		printf("short read: %zd of %lld bytes\n", got, (long long)st.st_size);
		return 1;
	}
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.btf = (unsigned long)data;
	attr.btf_size = st.st_size;
	attr.btf_log_buf = (unsigned long)log_buf;
	attr.btf_log_size = sizeof(log_buf);
	attr.btf_log_level = 1;
	long r = syscall(SYS_bpf, BPF_BTF_LOAD, &attr, sizeof(attr));
	if (r < 0) {
		int e = errno;
		char *end = log_buf + strlen(log_buf);
		while (end > log_buf && end[-1] == '\n')
			*--end = 0;
		char *last = strrchr(log_buf, '\n');
		printf("refused %d: %s\n", e, last ? last + 1 : log_buf);
		return 2;
	}
	printf("loaded %lld bytes\n", (long long)st.st_size);
	return 0;
}

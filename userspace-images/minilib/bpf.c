/* bpf(2) and emu's ringbuf poll (emu_bpf.h). */
#include "minilib.h"
#include "emu_bpf.h"

#define SYS_bpf 321

long bpf(int cmd, void *attr, unsigned int size) {
    return syscall3(SYS_bpf, cmd, (long)attr, size);
}

long emu_ringbuf_poll(int map_fd, void *buf, unsigned int buf_size, unsigned int flags,
                      unsigned long long timeout_ns, unsigned int *needed) {
    struct emu_bpf_ringbuf_poll a;
    memset(&a, 0, sizeof a);
    a.map_fd = (__u32)map_fd;
    a.flags = flags;
    a.buf = (__u64)(unsigned long)buf;
    a.buf_size = buf_size;
    a.timeout_ns = timeout_ns;
    long r = bpf(BPF_EMU_RINGBUF_POLL, &a, sizeof a);
    if (needed) *needed = a.needed;
    return r;
}

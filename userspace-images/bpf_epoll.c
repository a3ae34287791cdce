/*
 * A libbpf-style ringbuf consumer: epoll waits on the ringbuf map fd (ring_buffer__poll's
 * epoll_wait), and each wake-up is drained with emu's non-blocking ringbuf poll command
 * (bpf_ringbuf_mmap.c consumes the mmap'ed ring instead). The same timer program as bpf_loader,
 * attached every 5 ticks.
 * An array map's fd, which has no map_poll, reports EPOLLERR.
 *
 * Usage: bpf_epoll [COUNT]   (default 6 events)
 */
#include "bpf_demo.h"

#define SYS_poll 7
#define SYS_epoll_wait 232
#define SYS_epoll_ctl 233
#define SYS_epoll_create1 291
#define EPOLL_CTL_ADD 1
#define EPOLLIN 0x001
#define EPOLLERR 0x008

/* Packed on x86_64 (include/uapi/linux/eventpoll.h). */
struct epoll_event {
    unsigned int events;
    unsigned long long data;
} __attribute__((packed));

struct pollfd {
    int fd;
    short events, revents;
};

int main(int argc, char **argv, char **envp) {
    (void)envp;
    long want = count_arg(argc, argv, 6);

    long counters = create_map(BPF_MAP_TYPE_ARRAY, 4, 8, 1, "counters");
    long events = create_map(BPF_MAP_TYPE_RINGBUF, 0, 0, EVENTS_SIZE, "events");
    if (counters < 0 || events < 0) {
        printf("map creation failed: %ld %ld\n", counters, events);
        return 1;
    }
    long ep = syscall1(SYS_epoll_create1, 0);
    struct epoll_event ev = {EPOLLIN, 1};
    long r = syscall4(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, events, (long)&ev);
    printf("epoll_ctl(ringbuf map) = %ld\n", r);
    ev.data = 2;
    printf("epoll_ctl(array map) = %ld\n", syscall4(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, counters, (long)&ev));
    struct epoll_event out[2];
    long n = syscall4(SYS_epoll_wait, ep, (long)out, 2, 0);
    printf("before attaching: %ld ready: data %llu events %u\n", n, n > 0 ? out[0].data : 0, n > 0 ? out[0].events : 0);
    struct pollfd pf = {(int)events, 1, 0};
    printf("poll(empty ringbuf) = %ld revents %d\n", syscall3(SYS_poll, (long)&pf, 1, 0), pf.revents);

    /* From here on, only the ringbuf. */
    long ring_ep = syscall1(SYS_epoll_create1, 0);
    ev.data = 1;
    syscall4(SYS_epoll_ctl, ring_ep, EPOLL_CTL_ADD, events, (long)&ev);

    long prog = load_tick_program((int)counters, (int)events);
    if (prog < 0) return 1;
    r = attach_to_timer((int)prog, 5);
    if (r < 0) {
        printf("attach failed: %ld\n", r);
        return 1;
    }
    printf("program attached\n");

    long got = 0, wakeups = 0;
    while (got < want) {
        n = syscall4(SYS_epoll_wait, ring_ep, (long)out, 2, 1000);
        if (n <= 0) {
            printf("epoll_wait = %ld\n", n);
            return 1;
        }
        wakeups++;
        for (;;) {
            struct event e;
            long len = emu_ringbuf_poll((int)events, &e, sizeof e, 0, 0, NULL);
            if (len <= 0) break;
            printf("Event received: #%llu t=%llu (epoll wake-up %ld, data %llu)\n", e.counter, e.ktime, wakeups, out[0].data);
            got++;
        }
    }
    printf("poll(drained ringbuf) = %ld\n", syscall3(SYS_poll, (long)&pf, 1, 0));
    return 0;
}

/*
 * libbpf's ringbuf consumer, unmodified in its protocol: ring_buffer__add maps the consumer page
 * read-write at offset 0 and the producer page plus the data area twice read-only at 4096;
 * ring_buffer__poll waits in epoll_wait on the map fd and ringbuf_process_ring reads
 * producer_pos (acquire), each record header's len (BUSY/DISCARD bits) and publishes
 * consumer_pos (release). The producer is bpf_loader's timer program (every 3 ticks), so the
 * kernel writes records into the shared pages while the consumer sleeps, and its adaptive
 * wake-up reads the consumer position user space wrote.
 *
 * Usage: bpf_ringbuf_mmap [COUNT]   (default 6 events)
 */
#include "bpf_demo.h"

#define SYS_epoll_wait 232
#define SYS_epoll_ctl 233
#define SYS_epoll_create1 291
#define EPOLL_CTL_ADD 1
#define EPOLLIN 0x001
#define PAGE 4096
#define BUSY_BIT (1u << 31)
#define DISCARD_BIT (1u << 30)

struct epoll_event {
    unsigned int events;
    unsigned long long data;
} __attribute__((packed));

static long got;

/* ringbuf_process_ring: every committed record, in order; stops at a busy one. */
static long process_ring(volatile unsigned long long *consumer, volatile unsigned long long *producer,
                         unsigned char *data, long wakeup) {
    long n = 0;
    unsigned long long cons = __atomic_load_n(consumer, __ATOMIC_ACQUIRE);
    for (;;) {
        int got_new = 0;
        unsigned long long prod = __atomic_load_n(producer, __ATOMIC_ACQUIRE);
        while (cons < prod) {
            unsigned int *hdr = (unsigned int *)(data + (cons & (EVENTS_SIZE - 1)));
            unsigned int len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
            if (len & BUSY_BIT) {
                return n;
            }
            got_new = 1;
            cons += ((len & ~DISCARD_BIT) + 8 + 7) & ~7u;
            if (!(len & DISCARD_BIT)) {
                struct event *e = (struct event *)(hdr + 2);
                printf("Event received: #%llu t=%llu (len %u, epoll wake-up %ld)\n", e->counter, e->ktime, len, wakeup);
                n++;
                got++;
            }
            __atomic_store_n(consumer, cons, __ATOMIC_RELEASE);
        }
        if (!got_new) {
            return n;
        }
    }
}

int main(int argc, char **argv, char **envp) {
    (void)envp;
    long want = count_arg(argc, argv, 6);
    long counters = create_map(BPF_MAP_TYPE_ARRAY, 4, 8, 1, "counters");
    long events = create_map(BPF_MAP_TYPE_RINGBUF, 0, 0, EVENTS_SIZE, "events");
    if (counters < 0 || events < 0) {
        printf("map creation failed: %ld %ld\n", counters, events);
        return 1;
    }
    long consumer = syscall6(SYS_mmap, 0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, events, 0);
    long producer = syscall6(SYS_mmap, 0, PAGE + 2 * EVENTS_SIZE, PROT_READ, MAP_SHARED, events, PAGE);
    if (consumer < 0 || producer < 0) {
        printf("mmap failed: %ld %ld\n", consumer, producer);
        return 1;
    }
    printf("ringbuf mapped\n");
    long ep = syscall1(SYS_epoll_create1, 0);
    struct epoll_event ev = {EPOLLIN, 0};
    syscall4(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, events, (long)&ev);
    long prog = load_tick_program((int)counters, (int)events);
    if (prog < 0 || attach_to_timer((int)prog, 3) < 0) {
        printf("load/attach failed\n");
        return 1;
    }
    printf("program attached\n");
    long wakeups = 0;
    while (got < want) {
        struct epoll_event out;
        long n = syscall4(SYS_epoll_wait, ep, (long)&out, 1, 1000);
        if (n <= 0) {
            printf("epoll_wait = %ld\n", n);
            return 1;
        }
        process_ring((volatile unsigned long long *)consumer, (volatile unsigned long long *)producer,
                     (unsigned char *)producer + PAGE, ++wakeups);
    }
    printf("consumer_pos = producer_pos: %s\n",
           *(volatile unsigned long long *)consumer == *(volatile unsigned long long *)producer ? "yes" : "no");
    return 0;
}

/*
 * The blocking ringbuf poll: the same timer program (attached every 5 ticks),
 * drained with BPF_EMU_POLL_BLOCK. No sleeps and no busy loop: the task parks
 * in the kernel until a commit wakes it, or the 1 s timeout passes.
 *
 * Usage: bpf_poll_block [COUNT]   (default 10 events)
 */
#include "bpf_demo.h"

int main(int argc, char **argv, char **envp) {
    (void)envp;
    long want = count_arg(argc, argv, 10);

    long counters = create_map(BPF_MAP_TYPE_ARRAY, 4, 8, 1, "counters");
    long events = create_map(BPF_MAP_TYPE_RINGBUF, 0, 0, EVENTS_SIZE, "events");
    if (counters < 0 || events < 0) {
        printf("map creation failed: %ld %ld\n", counters, events);
        return 1;
    }
    printf("map created\n");

    long prog = load_tick_program((int)counters, (int)events);
    if (prog < 0) return 1;
    printf("program loaded\n");

    long r = attach_to_timer((int)prog, 5);
    if (r < 0) {
        printf("attach failed: %ld\n", r);
        return 1;
    }
    printf("program attached\n");

    for (long got = 0; got < want;) {
        struct event ev;
        long n = emu_ringbuf_poll((int)events, &ev, sizeof ev, BPF_EMU_POLL_BLOCK, 1000000000ULL, NULL);
        if (n < 0) {
            printf("poll failed: %ld\n", n);
            return 1;
        }
        if (n == 0) {
            printf("poll timed out\n");
            return 1;
        }
        printf("Event received: #%llu t=%llu (blocking poll)\n", ev.counter, ev.ktime);
        got++;
    }
    return 0;
}

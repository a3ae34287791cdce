/*
 * The headline demo: a BPF program on the timer tick counts ticks in an array
 * map and sends {counter, timestamp} through a ringbuf; this program drains
 * the ringbuf with emu's poll command, sleeping 10 ms between empty polls.
 *
 * Usage: bpf_loader [COUNT]   (default 10 events)
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

    long r = attach_to_timer((int)prog, 1);
    if (r < 0) {
        printf("attach failed: %ld\n", r);
        return 1;
    }
    printf("program attached\n");

    const struct timespec pause = {0, 10 * 1000 * 1000};
    for (long got = 0; got < want;) {
        struct event ev;
        long n = emu_ringbuf_poll((int)events, &ev, sizeof ev, 0, 0, NULL);
        if (n < 0) {
            printf("poll failed: %ld\n", n);
            return 1;
        }
        if (n == 0) {
            nanosleep(&pause, NULL);
            continue;
        }
        printf("Event received: #%llu t=%llu\n", ev.counter, ev.ktime);
        got++;
    }
    return 0;
}

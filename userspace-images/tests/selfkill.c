/* Deaths by signals that are not CPU faults, for emu's report line (CliTest). Usage:
 *   selfkill abort | kill | bychild | tgkill | alarm | raise | badframe
 * abort: abort(); kill: kill(getpid(), SIGTERM); bychild: a child sends its parent SIGTERM;
 * tgkill: tgkill(SIGUSR2) to itself; alarm: alarm(1) and pause (SIGALRM from the kernel);
 * raise: raise(SIGUSR1) with no handler;
 * badframe: SIGUSR1 with an SA_ONSTACK handler whose alternate stack is unmapped, so the
 * signal frame cannot be written and the process dies with SIGSEGV. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static void handler(int sig) {
    (void)sig;
}

int main(int argc, char **argv) {
    const char *m = argc > 1 ? argv[1] : "abort";
    if (strcmp(m, "kill") == 0) {
        kill(getpid(), SIGTERM);
    } else if (strcmp(m, "bychild") == 0) {
        if (fork() == 0) {
            kill(getppid(), SIGTERM);
            _exit(0);
        }
        for (;;) {
            pause();
        }
    } else if (strcmp(m, "tgkill") == 0) {
        syscall(SYS_tgkill, getpid(), (int)syscall(SYS_gettid), SIGUSR2);
    } else if (strcmp(m, "alarm") == 0) {
        alarm(1);
        for (;;) {
            pause();
        }
    } else if (strcmp(m, "raise") == 0) {
        raise(SIGUSR1);
    } else if (strcmp(m, "badframe") == 0) {
        void *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        munmap(p, 65536);
        stack_t ss = {.ss_sp = p, .ss_size = 65536, .ss_flags = 0};
        sigaltstack(&ss, NULL);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = handler;
        sa.sa_flags = SA_ONSTACK;
        sigaction(SIGUSR1, &sa, NULL);
        raise(SIGUSR1);
    } else {
        abort();
    }
    return 0; /* not reached */
}

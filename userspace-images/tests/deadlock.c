/* Blocks forever: reads from a pipe whose write end it holds itself, with no timer pending.
 * Natively this hangs; under emu the kernel sees that no task can ever run again and reports
 * the deadlock (status 125) naming what each task waits on. Not part of the differential set. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    int p[2];
    char c;
    if (pipe(p) != 0) {
        perror("pipe");
        return 1;
    }
    printf("waiting on my own pipe\n");
    fflush(stdout);
    return (int)read(p[0], &c, 1);
}

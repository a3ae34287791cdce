/* Writing to a pipe whose read end is closed: SIGPIPE's default action kills the writer (141). */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    int fds[2];
    if (pipe(fds) != 0) {
        return 1;
    }
    close(fds[0]);
    write(fds[1], "x", 1);
    puts("not reached: SIGPIPE should have killed us");
    return 0;
}

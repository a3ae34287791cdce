/* stdio: stdout and stderr written alternately in a fixed order (stdout is
 * flushed before each stderr write), raw write(2) mixed with stdio, and no
 * trailing newline on the last write of either stream. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    printf("out 1\n");
    fflush(stdout);
    fprintf(stderr, "err 1\n");
    printf("out 2 (no newline yet)");
    fflush(stdout);
    write(2, "err 2 via write\n", 16);
    printf(" ... out 2 continued\n");
    fflush(stdout);
    fputs("err 3 no newline", stderr);
    const char *raw = "out 3 via write\n";
    write(1, raw, strlen(raw));
    printf("out 4 no newline at end");
    return 0; /* exit flushes stdout */
}

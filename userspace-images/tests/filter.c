/* filter: stdin -> stdout, ASCII lower case mapped to upper case, every other
 * byte (NUL, non-UTF-8) passed through unchanged. Raw read/write in chunks,
 * handling short writes. */
#include <errno.h>
#include <unistd.h>

int main(void) {
    unsigned char buf[4096];
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return 1;
        if (n == 0) return 0;
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] >= 'a' && buf[i] <= 'z') buf[i] -= 'a' - 'A';
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(1, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) return 2;
            off += w;
        }
    }
}

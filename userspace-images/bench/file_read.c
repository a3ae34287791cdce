/* File read throughput: N read(2)s of 64 KiB from FILE (a 64 MiB file that scripts/bench
 * creates), starting over at its end, as a program streaming an input file does.
 * Usage: file_read N FILE. Prints the bytes read and a checksum of them. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static unsigned char buf[CHUNK];

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: file_read N FILE\n");
        return 2;
    }
    long n = atol(argv[1]);
    int fd = open(argv[2], O_RDONLY);
    if (fd < 0) {
        perror(argv[2]);
        return 1;
    }
    uint64_t total = 0, sum = 0;
    for (long i = 0; i < n; i++) {
        ssize_t r = read(fd, buf, CHUNK);
        if (r == 0) { /* end of file: start over */
            if (lseek(fd, 0, SEEK_SET) != 0) {
                perror("lseek");
                return 1;
            }
            r = read(fd, buf, CHUNK);
        }
        if (r <= 0) {
            perror("read");
            return 1;
        }
        total += (uint64_t)r;
        sum += buf[0] + buf[r - 1]; /* touch the data the kernel copied */
    }
    close(fd);
    printf("file_read %ld: %llu bytes, sum %llu\n", n, (unsigned long long)total, (unsigned long long)sum);
    return 0;
}

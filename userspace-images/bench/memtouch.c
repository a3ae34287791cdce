/* Memory: MiB mebibytes mapped with mmap, every page touched, unmapped; then the same amount
 * grown with brk, touched, and given back. Usage: memtouch MiB.
 * brk is called as a raw syscall: musl's brk() always fails with ENOMEM. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096L
#define CHUNK (16L << 20) /* mmap in 16 MiB pieces, like an allocator's arenas */

static long touch(volatile char *p, long len) {
    long sum = 0;
    for (long off = 0; off < len; off += PAGE) {
        p[off] = (char)(off >> 12);
        sum += p[off];
    }
    return sum;
}

int main(int argc, char **argv) {
    long mib = argc > 1 ? atol(argv[1]) : 256;
    long total = mib << 20, sum = 0;
    for (long done = 0; done < total; done += CHUNK) {
        long len = total - done < CHUNK ? total - done : CHUNK;
        char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            perror("mmap");
            return 1;
        }
        sum += touch(p, len);
        if (munmap(p, len)) {
            perror("munmap");
            return 1;
        }
    }
    long base = syscall(SYS_brk, 0);
    for (long done = 0; done < total; done += CHUNK) {
        long len = total - done < CHUNK ? total - done : CHUNK;
        if (syscall(SYS_brk, base + len) != base + len) {
            fprintf(stderr, "brk grow failed\n");
            return 1;
        }
        sum += touch((char *)base, len);
        if (syscall(SYS_brk, base) != base) {
            fprintf(stderr, "brk shrink failed\n");
            return 1;
        }
    }
    printf("memtouch %ld MiB (sum %ld)\n", mib, sum);
    return 0;
}

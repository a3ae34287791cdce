/* Shared file mappings natively and under emu (issue 13): stores through MAP_SHARED reach the
 * file (msync, munmap, exit), a second mapping and a forked child's stores are seen after the
 * writer's sync point, MAP_PRIVATE stores never reach the file, write(2) is seen after
 * msync(MS_INVALIDATE), bytes past the end of the file are not written, a memfd mapping, and the
 * errno of bad requests. Runs once in a fresh directory under /tmp (tmpfs under emu) and once
 * under the current directory (a host directory under emu). Only what Linux and emu both
 * guarantee at these points is printed (Linux is coherent at all times). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_WRITE 8
#endif

static const char *err(long r) {
    if (r >= 0) return "ok";
    switch (errno) {
    case EINVAL: return "EINVAL";
    case EACCES: return "EACCES";
    case ENOMEM: return "ENOMEM";
    case EPERM: return "EPERM";
    case EBADF: return "EBADF";
    case ENODEV: return "ENODEV";
    default: return "other";
    }
}

static void at(int fd, long off, int n) {
    char b[64] = {0};
    pread(fd, b, n, off);
    for (int i = 0; i < n; i++) if (!b[i]) b[i] = '.';
    printf("  file@%ld: '%s'\n", off, b);
}

static void suite(const char *where) {
    printf("== %s\n", where);
    int fd = open("m", O_RDWR | O_CREAT | O_TRUNC, 0600);
    char fill[8192];
    memset(fill, 'a', sizeof fill);
    write(fd, fill, sizeof fill);
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *m2 = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
    printf("mmap shared: %s, second: %s\n", err(m == MAP_FAILED ? -1 : 0), err(m2 == MAP_FAILED ? -1 : 0));
    memcpy(m, "hello", 5);
    memcpy(m + 5000, "there", 5);
    printf("msync MS_SYNC: %s\n", err(msync(m, 8192, MS_SYNC)));
    at(fd, 0, 8);
    at(fd, 5000, 8);
    printf("second mapping sees: '%.5s'\n", m2 + 904);
    memcpy(m + 6000, "async", 5);
    printf("msync MS_ASYNC: %s\n", err(msync(m + 4096, 4096, MS_ASYNC)));
    at(fd, 6000, 5);

    if (fork() == 0) {
        memcpy(m + 100, "child", 5);
        _exit(0); /* exit is a sync point */
    }
    wait(NULL);
    at(fd, 100, 5);
    printf("parent mapping sees the child's store: '%.5s'\n", m + 100);

    pwrite(fd, "WRITE", 5, 300);
    printf("msync MS_INVALIDATE: %s\n", err(msync(m, 4096, MS_SYNC | MS_INVALIDATE)));
    printf("mapping sees write(2): '%.5s'\n", m + 300);

    memcpy(m + 400, "unmap", 5);
    printf("munmap: %s\n", err(munmap(m, 8192)));
    at(fd, 400, 5);
    munmap(m2, 4096);

    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    memcpy(p, "PRIVATE", 7);
    msync(p, 4096, MS_SYNC);
    munmap(p, 4096);
    at(fd, 0, 7);

    /* A partial munmap keeps the rest of the mapping shared. */
    m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(m + 10, "head", 4);
    memcpy(m + 4096 + 10, "tail", 4);
    munmap(m, 4096);
    at(fd, 10, 4);
    memcpy(m + 4096 + 20, "more", 4);
    munmap(m + 4096, 4096);
    at(fd, 4096 + 10, 14);

    /* Past the end of the file nothing is written back. */
    ftruncate(fd, 10);
    m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(m, "0123456789ABCDEF", 16);
    munmap(m, 4096);
    struct stat st;
    fstat(fd, &st);
    printf("size after writing past the end: %lld\n", (long long)st.st_size);
    at(fd, 0, 12);
    close(fd);

    int ro = open("m", O_RDONLY);
    printf("shared writable of O_RDONLY: %s\n", err(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED ? -1 : 0));
    p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
    printf("shared read-only of O_RDONLY: %s\n", err(p == MAP_FAILED ? -1 : 0));
    printf("msync unaligned: %s\n", err(msync(p + 1, 10, MS_SYNC)));
    printf("msync SYNC|ASYNC: %s\n", err(msync(p, 4096, MS_SYNC | MS_ASYNC)));
    printf("msync bad flag: %s\n", err(msync(p, 4096, 8)));
    munmap(p, 4096);
    printf("msync unmapped: %s\n", err(msync(p, 4096, MS_SYNC)));
    close(ro);
    unlink("m");
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    char tmpdir[] = "/tmp/emu-fs-mmap-XXXXXX";
    char here[] = "./emu-fs-mmap-XXXXXX";
    char *dirs[] = {tmpdir, here};
    char cwd[4096];
    getcwd(cwd, sizeof cwd);
    for (int i = 0; i < 2; i++) {
        if (!mkdtemp(dirs[i]) || chdir(dirs[i]) != 0) {
            perror("setup");
            return 1;
        }
        suite(i == 0 ? "tmp" : "current directory");
        chdir(cwd);
        rmdir(dirs[i]);
    }
    int mfd = memfd_create("map", MFD_ALLOW_SEALING);
    ftruncate(mfd, 4096);
    char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
    memcpy(m, "memfd", 5);
    munmap(m, 4096);
    at(mfd, 0, 5);
    fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE);
    printf("shared writable of a write-sealed memfd: %s\n",
           err(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0) == MAP_FAILED ? -1 : 0));
    close(mfd);
    return 0;
}

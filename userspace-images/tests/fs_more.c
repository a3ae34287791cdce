/* More file syscalls natively and under emu (issue 13): preadv/pwritev/preadv2/pwritev2 (the
 * offset, -1 for the file position, RWF_APPEND, unknown flags, ESPIPE), memfd_create with
 * seals, O_TMPFILE named later by linkat through /proc/self/fd, and SEEK_DATA/SEEK_HOLE.
 * Works in a fresh directory under /tmp. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 1
#define F_SEAL_SHRINK 2
#define F_SEAL_GROW 4
#define F_SEAL_WRITE 8
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 1
#define MFD_ALLOW_SEALING 2
#endif

static const char *err(long r) {
    if (r >= 0) return "ok";
    switch (errno) {
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case ESPIPE: return "ESPIPE";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EFAULT: return "EFAULT";
    case ENXIO: return "ENXIO";
    case ENOTDIR: return "ENOTDIR";
    default: return "other";
    }
}

static long rv(const char *what, long r) {
    if (r < 0) printf("%s: %s\n", what, err(r));
    else printf("%s: %ld\n", what, r);
    return r;
}

static void vectored(void) {
    int fd = open("v", O_RDWR | O_CREAT | O_TRUNC, 0644);
    char a[4] = "AAAA", b[6] = "BBBBBB";
    struct iovec w[2] = {{a, 4}, {b, 6}};
    rv("pwritev at 3", pwritev(fd, w, 2, 3));
    rv("file position after pwritev", lseek(fd, 0, SEEK_CUR));
    rv("size", lseek(fd, 0, SEEK_END));
    char x[5] = {0}, y[8] = {0};
    struct iovec r[2] = {{x, 4}, {y, 7}};
    rv("preadv at 1", preadv(fd, r, 2, 1));
    printf("got '%.4s' '%.7s' (first byte %d)\n", x + 2, y, x[0]);
    rv("preadv2 at -1 (position)", syscall(SYS_preadv2, fd, r, 2, -1L, 0L, 0));
    lseek(fd, 5, SEEK_SET);
    memset(x, 0, sizeof x);
    rv("preadv2 at -1 after lseek 5", syscall(SYS_preadv2, fd, r, 2, -1L, 0L, 0));
    printf("got '%.4s'\n", x);
    rv("position now", lseek(fd, 0, SEEK_CUR));
    rv("preadv at -2", preadv(fd, r, 2, -2));
    rv("preadv2 unknown flag", syscall(SYS_preadv2, fd, r, 2, 0L, 0L, 0x40000000));
    rv("preadv2 unknown flag, no bytes", syscall(SYS_preadv2, fd, r, 0, 0L, 0L, 0x40000000));
    rv("preadv2 RWF_HIPRI|RWF_SYNC", syscall(SYS_preadv2, fd, r, 2, 0L, 0L, 0x5));
    struct iovec one = {"Z", 1};
    rv("pwritev2 RWF_APPEND at 0", syscall(SYS_pwritev2, fd, &one, 1, 0L, 0L, 0x10));
    rv("size after append", lseek(fd, 0, SEEK_END));
    rv("pwritev2 at -1", syscall(SYS_pwritev2, fd, &one, 1, -1L, 0L, 0));
    rv("preadv bad fd", preadv(99, r, 2, 0));
    int ro = open("v", O_RDONLY);
    rv("pwritev on O_RDONLY", pwritev(ro, &one, 1, 0));
    close(ro);
    int p[2];
    pipe(p);
    rv("preadv on a pipe", preadv(p[0], r, 2, 0));
    rv("pwritev on a pipe", pwritev(p[1], &one, 1, 0));
    rv("pwritev2 at -1 on a pipe", syscall(SYS_pwritev2, p[1], &one, 1, -1L, 0L, 0));
    close(p[0]);
    close(p[1]);
    rv("preadv bad iovec", syscall(SYS_preadv, fd, 8L, 1L, 0L, 0L));
    close(fd);
    unlink("v");
}

static void memfds(void) {
    int m = memfd_create("buf", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    printf("memfd: %s cloexec %d\n", err(m), fcntl(m, F_GETFD) & FD_CLOEXEC);
    char link[128] = {0}, path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", m);
    readlink(path, link, sizeof link - 1);
    printf("fd link: %s\n", link);
    struct stat st;
    fstat(m, &st);
    printf("stat: reg %d mode %o nlink %ld size %lld\n", S_ISREG(st.st_mode), st.st_mode & 07777,
           (long)st.st_nlink, (long long)st.st_size);
    printf("F_GETFL accmode rdwr: %d\n", (fcntl(m, F_GETFL) & O_ACCMODE) == O_RDWR);
    rv("write", write(m, "memory", 6));
    char buf[16] = {0};
    rv("pread", pread(m, buf, sizeof buf, 0));
    printf("read back '%s'\n", buf);
    rv("seals", fcntl(m, F_GET_SEALS));
    rv("add shrink|grow", fcntl(m, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW));
    rv("seals", fcntl(m, F_GET_SEALS));
    rv("ftruncate smaller", ftruncate(m, 2));
    rv("ftruncate bigger", ftruncate(m, 100));
    rv("write past the end", pwrite(m, "x", 1, 6));
    rv("overwrite inside", pwrite(m, "M", 1, 0));
    rv("add write", fcntl(m, F_ADD_SEALS, F_SEAL_WRITE));
    rv("overwrite sealed", pwrite(m, "M", 1, 0));
    rv("add seal", fcntl(m, F_ADD_SEALS, F_SEAL_SEAL));
    rv("add after seal", fcntl(m, F_ADD_SEALS, F_SEAL_SHRINK));
    rv("add unknown", fcntl(m, F_ADD_SEALS, 0x4000));
    snprintf(path, sizeof path, "/proc/self/fd/%d", m);
    int again = open(path, O_RDONLY);
    printf("reopen via /proc: %s\n", err(again));
    memset(buf, 0, sizeof buf);
    rv("read reopened", read(again, buf, sizeof buf));
    printf("content '%s'\n", buf);
    close(again);
    close(m);
    int plain = memfd_create("plain", 0);
    rv("plain seals", fcntl(plain, F_GET_SEALS));
    rv("plain add", fcntl(plain, F_ADD_SEALS, F_SEAL_WRITE));
    close(plain);
    rv("memfd bad flags", memfd_create("x", 0x100));
    char longname[300];
    memset(longname, 'n', sizeof longname);
    longname[249] = 0;
    int ok = memfd_create(longname, 0);
    printf("memfd name 249: %s\n", err(ok));
    close(ok);
    longname[249] = 'n';
    longname[250] = 0;
    rv("memfd name 250", memfd_create(longname, 0));
    rv("memfd bad name", syscall(SYS_memfd_create, (char *)8, 0));
    int f = open("regular", O_RDWR | O_CREAT, 0600);
    close(f);
    unlink("regular");
}

static void tmpfiles(void) {
    int t = open(".", O_TMPFILE | O_RDWR, 0640);
    printf("O_TMPFILE: %s\n", err(t));
    struct stat st;
    fstat(t, &st);
    printf("stat: reg %d mode %o nlink %ld\n", S_ISREG(st.st_mode), st.st_mode & 07777, (long)st.st_nlink);
    write(t, "tmp data\n", 9);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", t);
    rv("linkat via /proc/self/fd", linkat(AT_FDCWD, path, AT_FDCWD, "named", AT_SYMLINK_FOLLOW));
    stat("named", &st);
    printf("named: size %lld nlink %ld\n", (long long)st.st_size, (long)st.st_nlink);
    unlink("named");
    rv("linkat after unlink", linkat(AT_FDCWD, path, AT_FDCWD, "named2", AT_SYMLINK_FOLLOW));
    close(t);
    int ex = open(".", O_TMPFILE | O_RDWR | O_EXCL, 0600);
    snprintf(path, sizeof path, "/proc/self/fd/%d", ex);
    rv("linkat of O_EXCL tmpfile", linkat(AT_FDCWD, path, AT_FDCWD, "named3", AT_SYMLINK_FOLLOW));
    close(ex);
    rv("O_TMPFILE read-only", open(".", O_TMPFILE | O_RDONLY, 0600));
    int f = open("file", O_RDWR | O_CREAT, 0600);
    close(f);
    rv("O_TMPFILE on a file", open("file", O_TMPFILE | O_RDWR, 0600));
    rv("O_TMPFILE missing dir", open("nodir", O_TMPFILE | O_RDWR, 0600));
    unlink("file");
}

/* statx: the basic fields, the mount id, and a birth time no later than the mtime (ext4 and
 * tmpfs both keep one). Read through raw offsets so musl and glibc need no struct statx. */
static void statxes(void) {
    int fd = open("s", O_RDWR | O_CREAT | O_TRUNC, 0600);
    write(fd, "12345", 5);
    close(fd);
    unsigned char b[256];
    memset(b, 0, sizeof b);
    long r = syscall(SYS_statx, AT_FDCWD, "s", 0, 0x7ff | 0x800, b);
    unsigned mask;
    long long btime, mtime, size;
    unsigned long long mnt;
    memcpy(&mask, b, 4);
    memcpy(&btime, b + 80, 8);
    memcpy(&mtime, b + 112, 8);
    memcpy(&size, b + 40, 8);
    memcpy(&mnt, b + 144, 8);
    printf("statx: %s basic %d btime %d mnt_id %d size %lld\n", err(r), (mask & 0x7ff) == 0x7ff,
           (mask & 0x800) != 0, (mask & 0x1000) != 0 && mnt > 0, size);
    printf("btime set and not after mtime: %d\n", btime > 0 && btime <= mtime);
    rv("statx reserved mask bit", syscall(SYS_statx, AT_FDCWD, "s", 0, 0x80000000u, b));
    rv("statx bad flags", syscall(SYS_statx, AT_FDCWD, "s", 0x1, 0x7ff, b));
    rv("statx sync both", syscall(SYS_statx, AT_FDCWD, "s", 0x6000, 0x7ff, b));
    unlink("s");
}

static void holes(void) {
    int fd = open("h", O_RDWR | O_CREAT | O_TRUNC, 0600);
    pwrite(fd, "data", 4, 0);
    rv("SEEK_DATA 0", lseek(fd, 0, SEEK_DATA));
    rv("SEEK_HOLE 0", lseek(fd, 0, SEEK_HOLE));
    rv("SEEK_DATA at end", lseek(fd, 4, SEEK_DATA));
    rv("SEEK_HOLE past end", lseek(fd, 9, SEEK_HOLE));
    rv("SEEK_DATA negative", lseek(fd, -1, SEEK_DATA));
    close(fd);
    unlink("h");
}

int main(void) {
    char dir[] = "/tmp/emu-fs-more-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) {
        perror("setup");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    umask(022);
    vectored();
    memfds();
    tmpfiles();
    statxes();
    holes();
    chdir("/");
    printf("rmdir: %s\n", err(rmdir(dir)));
    return 0;
}

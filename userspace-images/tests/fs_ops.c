/* File operations that must give the same results natively and under emu (issue 13): create,
 * write, read back, pread/pwrite, lseek, O_APPEND, dup sharing the offset, fork sharing it,
 * unlink while open, rename, hard and symbolic links, getdents64 in the order they come, stat
 * fields that do not depend on the host (type, mode, size, nlink), getcwd, umask, truncate,
 * mmap of a file, and /proc/self/fd. Works in a fresh directory under /tmp. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) {
        printf("%s: missing\n", path);
        return;
    }
    /* A directory's size is the filesystem's business (4096 on ext4, 40 + 20 per entry on tmpfs). */
    printf("%s: %s mode %o size %lld nlink %ld\n", path,
           S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "link" : S_ISREG(st.st_mode) ? "file" : "other",
           st.st_mode & 07777, S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size, (long)st.st_nlink);
}

/* Reads bigger than emu's 64 KiB copy chunk fill the whole buffer from files that never block. */
static char big_a[100000], big_b[300000];
static void big_reads(void) {
    int zero = open("/dev/zero", O_RDONLY);
    struct iovec v[2] = {{big_a, sizeof big_a}, {big_b, sizeof big_b}};
    printf("readv /dev/zero 400000: %zd\n", readv(zero, v, 2));
    printf("read /dev/zero 300000: %zd\n", read(zero, big_b, sizeof big_b));
    int f = open("big", O_RDWR | O_CREAT | O_TRUNC, 0600);
    printf("write 300000: %zd\n", write(f, big_b, sizeof big_b));
    printf("pread 300000 at 0: %zd\n", pread(f, big_b, sizeof big_b, 0));
    lseek(f, 0, SEEK_SET);
    printf("readv 400000 of 300000: %zd\n", readv(f, v, 2));
    close(f);
    close(zero);
    unlink("big");
}

int main(void) {
    char dir[] = "/tmp/emu-fs-ops-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) {
        perror("setup");
        return 1;
    }
    char cwd[256];
    printf("getcwd matches: %s\n", getcwd(cwd, sizeof cwd) && strcmp(cwd, dir) == 0 ? "yes" : "no");
    printf("umask was %03o\n", umask(027));
    int fd = open("file", O_CREAT | O_RDWR | O_TRUNC, 0666);
    write(fd, "hello world\n", 12);
    show("file");
    char buf[64] = {0};
    printf("pread: %zd '%.5s'\n", pread(fd, buf, 5, 6), buf);
    pwrite(fd, "W", 1, 6);
    long end = lseek(fd, 0, SEEK_END);
    printf("lseek end: %ld, set: %ld\n", end, (long)lseek(fd, 0, SEEK_SET));
    memset(buf, 0, sizeof buf);
    ssize_t got = read(fd, buf, sizeof buf - 1);
    printf("read: %zd '%s'", got, buf);
    int fd2 = dup(fd);
    lseek(fd, 2, SEEK_SET);
    printf("dup shares the offset: %ld\n", (long)lseek(fd2, 0, SEEK_CUR));
    if (fork() == 0) {
        lseek(fd, 4, SEEK_SET);
        _exit(0);
    }
    wait(NULL);
    printf("fork shares the offset: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    close(fd2);
    int ap = open("file", O_WRONLY | O_APPEND);
    lseek(ap, 0, SEEK_SET);
    write(ap, "tail\n", 5);
    close(ap);
    show("file");
    void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    printf("mmap: %s", m == MAP_FAILED ? "failed\n" : (char *)m);
    if (m != MAP_FAILED) munmap(m, 4096);
    char fdlink[64];
    snprintf(fdlink, sizeof fdlink, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(fdlink, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("fd link ends with /file: %s\n", n > 5 && strcmp(buf + n - 5, "/file") == 0 ? "yes" : "no");
    unlink("file");
    show("file");
    lseek(fd, 0, SEEK_SET);
    memset(buf, 0, sizeof buf);
    printf("read after unlink: %zd\n", read(fd, buf, sizeof buf - 1));
    n = readlink(fdlink, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("deleted: %s\n", strstr(buf, " (deleted)") ? "yes" : "no");
    close(fd);

    mkdir("sub", 0777);
    show("sub");
    for (const char *f = "abc"; *f; f++) {
        char p[16];
        snprintf(p, sizeof p, "sub/%c", *f);
        close(open(p, O_CREAT | O_WRONLY, 0644));
    }
    link("sub/a", "sub/hard");
    symlink("a", "sub/soft");
    rename("sub/b", "sub/bee");
    show("sub/a");
    show("sub/soft");
    truncate("sub/a", 100);
    show("sub/a");
    DIR *d = opendir("sub");
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) count++;
    closedir(d);
    printf("entries in sub: %d\n", count);
    fd = open("sub/soft", O_RDONLY);
    printf("open through symlink: %s\n", fd >= 0 ? "ok" : "failed");
    close(fd);
    int src = open("sub/c", O_RDWR);
    write(src, "0123456789", 10);
    int dst = open("copy", O_CREAT | O_RDWR | O_TRUNC, 0644);
    off_t off = 2;
    ssize_t sent = sendfile(dst, src, &off, 5);
    printf("sendfile: %zd, offset now %ld, source offset %ld\n", sent, (long)off, (long)lseek(src, 0, SEEK_CUR));
    loff_t from = 0, to = 5;
    ssize_t copied = copy_file_range(src, &from, dst, &to, 3, 0);
    printf("copy_file_range: %zd, offsets %ld %ld\n", copied, (long)from, (long)to);
    memset(buf, 0, sizeof buf);
    pread(dst, buf, sizeof buf - 1, 0);
    printf("copy holds '%s'\n", buf);
    printf("fallocate: %d\n", fallocate(dst, 0, 0, 100));
    show("copy");
    close(src);
    close(dst);
    unlink("copy");
    int cd = chdir("sub");
    printf("chdir sub: %d, getcwd ends with /sub: %s\n", cd,
           getcwd(cwd, sizeof cwd) && strcmp(cwd + strlen(cwd) - 4, "/sub") == 0 ? "yes" : "no");
    chdir("..");
    unlink("sub/a"); unlink("sub/hard"); unlink("sub/soft"); unlink("sub/bee"); unlink("sub/c");
    printf("rmdir sub: %d\n", rmdir("sub"));
    big_reads();
    chdir("/");
    printf("rmdir scratch: %d\n", rmdir(dir));
    return 0;
}

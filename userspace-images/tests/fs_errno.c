/* The errno of each bad filesystem request, natively and under emu (issue 13): ENOENT, EEXIST,
 * ENOTEMPTY, ELOOP, ENAMETOOLONG, EISDIR, ENOTDIR, EINVAL (rename into itself), EXDEV-free
 * renames, EBADF, EFAULT, ERANGE. Works in a fresh directory under /tmp; prints only names and
 * errno names, never paths or numbers that differ between hosts. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *name(int e) {
    switch (e) {
    case 0: return "OK";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EISDIR: return "EISDIR";
    case ENOTDIR: return "ENOTDIR";
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case EFAULT: return "EFAULT";
    case ERANGE: return "ERANGE";
    case EBUSY: return "EBUSY";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EROFS: return "EROFS";
    case ENXIO: return "ENXIO";
    default: return "other";
    }
}

#define CHECK(what, expr) do { errno = 0; long r_ = (long)(expr); \
    printf("%-34s %s\n", what, r_ < 0 ? name(errno) : "OK"); } while (0)

int main(void) {
    char dir[] = "/tmp/emu-fs-errno-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) {
        perror("setup");
        return 1;
    }
    char longname[300];
    memset(longname, 'n', 256);
    longname[256] = 0;
    static char longpath[PATH_MAX + 16];
    memset(longpath, 'a', sizeof longpath - 1);
    for (int i = 100; i < (int)sizeof longpath - 1; i += 100) longpath[i] = '/';

    CHECK("open missing", open("missing", O_RDONLY));
    CHECK("open missing/x", open("missing/x", O_RDONLY));
    CHECK("mkdir d", mkdir("d", 0755));
    CHECK("mkdir d again", mkdir("d", 0755));
    CHECK("mkdir d/", mkdir("d2/", 0755));
    int fd = open("f", O_CREAT | O_WRONLY, 0644);
    CHECK("creat f", fd);
    CHECK("write f", write(fd, "data\n", 5));
    CHECK("close f", close(fd));
    CHECK("open f O_CREAT|O_EXCL", open("f", O_CREAT | O_EXCL | O_WRONLY, 0644));
    CHECK("open f/ (trailing slash)", open("f/", O_RDONLY));
    CHECK("open f/x", open("f/x", O_RDONLY));
    CHECK("open d O_WRONLY", open("d", O_WRONLY));
    CHECK("open f O_DIRECTORY", open("f", O_RDONLY | O_DIRECTORY));
    CHECK("open d/ O_CREAT", open("d/", O_CREAT | O_WRONLY, 0644));
    CHECK("mkdir d/sub", mkdir("d/sub", 0755));
    CHECK("rmdir d (not empty)", rmdir("d"));
    CHECK("rmdir f", rmdir("f"));
    CHECK("rmdir d/sub/.", rmdir("d/sub/."));
    CHECK("unlink d", unlink("d"));
    CHECK("rename d d/sub/in", rename("d", "d/sub/in"));
    CHECK("rename f d", rename("f", "d"));
    CHECK("rename d f", rename("d", "f"));
    CHECK("rename missing x", rename("missing", "x"));
    CHECK("symlink loop a->b", symlink("b", "a"));
    CHECK("symlink loop b->a", symlink("a", "b"));
    CHECK("open loop", open("a", O_RDONLY));
    CHECK("stat loop", ({ struct stat st; stat("a", &st); }));
    CHECK("lstat loop", ({ struct stat st; lstat("a", &st); }));
    CHECK("open a O_NOFOLLOW", open("a", O_RDONLY | O_NOFOLLOW));
    CHECK("symlink exists", symlink("x", "f"));
    CHECK("link f d/hard", link("f", "d/hard"));
    CHECK("link d dl (dir)", link("d", "dl"));
    CHECK("readlink f (not link)", ({ char b[16]; readlink("f", b, sizeof b); }));
    CHECK("readlink missing", ({ char b[16]; readlink("missing", b, sizeof b); }));
    CHECK("name of 256 bytes", open(longname, O_RDONLY));
    CHECK("path of PATH_MAX+ bytes", open(longpath, O_RDONLY));
    CHECK("open bad pointer", syscall(SYS_openat, AT_FDCWD, (char *)1, O_RDONLY));
    CHECK("stat bad buffer", syscall(SYS_newfstatat, AT_FDCWD, "f", (void *)1, 0));
    CHECK("openat bad dirfd", openat(999, "f", O_RDONLY));
    CHECK("openat file as dirfd", ({ int g = open("f", O_RDONLY); int r = openat(g, "x", O_RDONLY); int e = errno; close(g); errno = e; r; }));
    CHECK("getcwd size 1", syscall(SYS_getcwd, (char[2]){0}, 1));
    CHECK("chdir f", chdir("f"));
    CHECK("truncate d", truncate("d", 0));
    CHECK("truncate negative", truncate("f", -1));
    CHECK("ftruncate read-only fd", ({ int g = open("f", O_RDONLY); int r = ftruncate(g, 0); int e = errno; close(g); errno = e; r; }));
    CHECK("unlinkat bad flag", unlinkat(AT_FDCWD, "f", 0x1));
    CHECK("unlinkat AT_REMOVEDIR file", unlinkat(AT_FDCWD, "f", AT_REMOVEDIR));
    CHECK("mkdir /proc/x", mkdir("/proc/emu-x", 0755));
    CHECK("rmdir .", rmdir("."));
    CHECK("renameat2 NOREPLACE", syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "d", 1));
    CHECK("renameat2 bad flags", syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, "g", 3));
    CHECK("access X_OK f", access("f", X_OK));
    CHECK("access bad mode", access("f", 8));
    CHECK("lseek SEEK_DATA past end", ({ int g = open("f", O_RDONLY); long r = lseek(g, 100, SEEK_DATA); int e = errno; close(g); errno = e; r; }));
    CHECK("read directory", ({ int g = open("d", O_RDONLY); char b[4]; long r = read(g, b, 4); int e = errno; close(g); errno = e; r; }));
    CHECK("open /dev/full write", ({ int g = open("/dev/full", O_WRONLY); long r = write(g, "x", 1); int e = errno; close(g); errno = e; r; }));
    /* Clean up: everything created above goes. */
    unlink("a"); unlink("b"); unlink("d/hard"); unlink("f");
    rmdir("d/sub"); rmdir("d"); rmdir("d2");
    CHECK("rmdir scratch", (chdir("/") , rmdir(dir)));
    return 0;
}

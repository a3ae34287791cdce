/* Named pipes natively and under emu (issue 13): mkfifo/mknod, Linux's open rules (a reader
 * waits for a writer and a writer for a reader; O_RDONLY|O_NONBLOCK opens at once and reads
 * EOF, O_WRONLY|O_NONBLOCK without a reader is ENXIO; O_RDWR never waits), data through the
 * pipe, EOF when the last writer closes, data dropped when the last end closes, ESPIPE, and a
 * socket node that cannot be opened. Works in a fresh directory under /tmp. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *err(long r) {
    if (r >= 0) return "ok";
    switch (errno) {
    case ENXIO: return "ENXIO";
    case EAGAIN: return "EAGAIN";
    case ESPIPE: return "ESPIPE";
    case EEXIST: return "EEXIST";
    case EBADF: return "EBADF";
    case EPERM: return "EPERM";
    case EINVAL: return "EINVAL";
    default: return "other";
    }
}

static void rd(const char *what, int fd) {
    char buf[64] = {0};
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n < 0) printf("%s: %s\n", what, err(n));
    else printf("%s: %zd '%s'\n", what, n, buf);
}

static void wait_child(void) {
    int st;
    wait(&st);
    printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(void) {
    char dir[] = "/tmp/emu-fs-fifo-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) {
        perror("setup");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    umask(022);
    printf("mkfifo: %s\n", err(mkfifo("f", 0666)));
    printf("mkfifo again: %s\n", err(mkfifo("f", 0666)));
    printf("mknod fifo: %s\n", err(mknod("g", S_IFIFO | 0600, 0)));
    struct stat st;
    stat("f", &st);
    printf("stat: fifo %d mode %o size %lld\n", S_ISFIFO(st.st_mode), st.st_mode & 07777, (long long)st.st_size);

    printf("open wronly nonblock, no reader: %s\n", err(open("f", O_WRONLY | O_NONBLOCK)));
    int r = open("f", O_RDONLY | O_NONBLOCK);
    printf("open rdonly nonblock: %s\n", err(r));
    rd("read with no writer", r);
    int w = open("f", O_WRONLY | O_NONBLOCK);
    printf("open wronly nonblock with a reader: %s\n", err(w));
    rd("read empty with a writer", r);
    printf("write: %zd\n", write(w, "abc", 3));
    rd("read", r);
    struct stat fst;
    fstat(w, &fst);
    printf("fstat is the fifo: %d same inode %d\n", S_ISFIFO(fst.st_mode), fst.st_ino == st.st_ino);
    printf("lseek: %s\n", err(lseek(r, 0, SEEK_SET)));
    char c;
    printf("pread: %s\n", err(pread(r, &c, 1, 0)));
    printf("read the write end: %s\n", err(read(w, &c, 1)));
    write(w, "xyz", 3);
    close(w);
    rd("read after the writer closed", r);
    rd("then EOF", r);
    close(r);

    int rw = open("f", O_RDWR);
    printf("open rdwr: %s\n", err(rw));
    write(rw, "both", 4);
    rd("read own write", rw);
    write(rw, "lost", 4);
    close(rw);
    rw = open("f", O_RDWR | O_NONBLOCK);
    rd("data gone after the last close", rw);
    fcntl(rw, F_SETFL, 0);
    printf("F_GETFL accmode rdwr: %d\n", (fcntl(rw, F_GETFL) & O_ACCMODE) == O_RDWR);
    close(rw);

    /* A writer waits for a reader. */
    pid_t child = fork();
    if (child == 0) {
        int fd = open("f", O_WRONLY);
        printf("child open for writing returned: %s\n", err(fd));
        write(fd, "hello", 5);
        _exit(0);
    }
    usleep(100000);
    r = open("f", O_RDONLY);
    wait_child();
    printf("parent open for reading: %s\n", err(r));
    rd("parent read", r);
    rd("parent EOF", r);
    close(r);

    /* A reader waits for a writer. */
    child = fork();
    if (child == 0) {
        int fd = open("g", O_RDONLY);
        printf("child open for reading returned: %s\n", err(fd));
        rd("child read", fd);
        _exit(0);
    }
    usleep(100000);
    w = open("g", O_WRONLY);
    write(w, "world", 5);
    close(w);
    wait_child();
    printf("parent open for writing: %s\n", err(w));

    printf("mknod socket: %s\n", err(mknod("s", S_IFSOCK | 0600, 0)));
    printf("open socket node: %s\n", err(open("s", O_RDONLY)));
    printf("mknod bad type: %s\n", err(mknod("b", 0170000 | 0600, 0)));
    printf("mknod dir: %s\n", err(mknod("d", S_IFDIR | 0700, 0)));
    unlink("f");
    unlink("g");
    unlink("s");
    chdir("/");
    printf("rmdir: %s\n", err(rmdir(dir)));
    return 0;
}

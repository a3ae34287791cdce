/* Advisory locks natively and under emu (issue 13): fcntl POSIX record locks (F_GETLK/F_SETLK/
 * F_SETLKW: conflicts, splitting and merging, release on any close by the process, not
 * inherited by fork, EDEADLK for a simple cycle), OFD locks (per open file description, l_pid
 * -1) and flock(2) (shared by dup and fork, released with the description, independent of
 * record locks), with the errno of bad requests. Works in a fresh directory under /tmp. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *err(int e) {
    switch (e) {
    case 0: return "ok";
    case EAGAIN: return "EAGAIN";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EDEADLK: return "EDEADLK";
    case EACCES: return "EACCES";
    case EOVERFLOW: return "EOVERFLOW";
    default: return "other";
    }
}

static int lk(int fd, int cmd, int type, int whence, long start, long len) {
    struct flock fl = {.l_type = type, .l_whence = whence, .l_start = start, .l_len = len};
    return fcntl(fd, cmd, &fl) == 0 ? 0 : errno;
}

/* F_GETLK/F_OFD_GETLK of a range: what is in the way, and whether its pid is `owner`. */
static void getlk(const char *what, int fd, int cmd, int type, long start, long len, pid_t owner) {
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    if (fcntl(fd, cmd, &fl) != 0) {
        printf("%s: %s\n", what, err(errno));
        return;
    }
    if (fl.l_type == F_UNLCK) {
        printf("%s: unlocked\n", what);
        return;
    }
    printf("%s: %s start %ld len %ld pid %s\n", what, fl.l_type == F_WRLCK ? "write" : "read",
           (long)fl.l_start, (long)fl.l_len,
           fl.l_pid == owner ? "owner" : fl.l_pid == -1 ? "-1" : "other");
}

static void wait_child(void) {
    int st;
    wait(&st);
    printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void posix_locks(void) {
    int fd = open("rec", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "0123456789abcdefghij", 20);
    printf("set write 0..99: %s\n", err(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100)));
    printf("unlock 40..59: %s\n", err(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 40, 20)));
    printf("relock own range read: %s\n", err(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 90, 10)));
    printf("lock to EOF from SEEK_END: %s\n", err(lk(fd, F_SETLK, F_WRLCK, SEEK_END, 1000, 0)));
    getlk("own getlk", fd, F_GETLK, F_WRLCK, 0, 0, getpid());
    pid_t parent = getpid();
    if (fork() == 0) {
        getlk("child getlk 0..", fd, F_GETLK, F_WRLCK, 0, 0, parent);
        getlk("child getlk 45..49", fd, F_GETLK, F_WRLCK, 45, 5, parent);
        getlk("child getlk 50..69", fd, F_GETLK, F_WRLCK, 50, 20, parent);
        getlk("child read getlk 90..", fd, F_GETLK, F_RDLCK, 90, 5, parent);
        getlk("child read getlk 85..", fd, F_GETLK, F_RDLCK, 85, 10, parent);
        getlk("child getlk 1020..", fd, F_GETLK, F_RDLCK, 1020, 1, parent);
        printf("child set 10..19: %s\n", err(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 10, 10)));
        printf("child set 40..59: %s\n", err(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 40, 20)));
        printf("child read 92..93: %s\n", err(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 92, 2)));
        printf("child write 92..93: %s\n", err(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 92, 2)));
        _exit(0);
    }
    wait_child();
    /* A close of any fd of the file drops every POSIX lock the process has on it. */
    int other = open("rec", O_RDONLY);
    close(other);
    if (fork() == 0) {
        getlk("after closing another fd", fd, F_GETLK, F_WRLCK, 0, 0, parent);
        _exit(0);
    }
    wait_child();
    close(fd);
}

static void blocking_and_deadlock(void) {
    int fd = open("rec", O_RDWR);
    int go[2], ready[2];
    pipe(go);
    pipe(ready);
    char c;
    printf("parent lock 0: %s\n", err(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1)));
    pid_t child = fork();
    if (child == 0) {
        printf("child lock 1: %s\n", err(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1)));
        fflush(stdout);
        write(ready[1], "r", 1);
        int e = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1); /* waits for the parent's byte 0 */
        printf("child waited for 0: %s\n", err(e));
        _exit(0);
    }
    read(ready[0], &c, 1);
    usleep(200000); /* let the child block in F_SETLKW */
    printf("parent wait for 1: %s\n", err(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1)));
    fflush(stdout);
    int unlocked = lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1); /* the child may print first */
    wait_child();
    printf("parent unlock 0: %s\n", err(unlocked));
    printf("parent now locks 1: %s\n", err(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1)));
    close(go[0]);
    close(go[1]);
    close(ready[0]);
    close(ready[1]);
    close(fd);
}

static void ofd_locks(void) {
    int a = open("rec", O_RDWR);
    int b = open("rec", O_RDWR);
    printf("ofd a write 0..9: %s\n", err(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10)));
    printf("ofd b write 5..14: %s\n", err(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 10)));
    getlk("ofd b getlk", b, F_OFD_GETLK, F_RDLCK, 0, 0, getpid());
    printf("posix via b over it: %s\n", err(lk(b, F_SETLK, F_RDLCK, SEEK_SET, 0, 1)));
    printf("posix via b past it: %s\n", err(lk(b, F_SETLK, F_RDLCK, SEEK_SET, 10, 1)));
    getlk("ofd a getlk sees posix", a, F_OFD_GETLK, F_WRLCK, 10, 1, getpid());
    int dupa = dup(a);
    close(a);
    printf("ofd b after closing a (dup left): %s\n", err(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 1)));
    close(dupa);
    printf("ofd b after the last close: %s\n", err(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 1)));
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 1};
    printf("ofd l_pid 1: %s\n", err(fcntl(b, F_OFD_SETLK, &fl) == 0 ? 0 : errno));
    printf("ofd getlk l_pid 1: %s\n", err(fcntl(b, F_OFD_GETLK, &fl) == 0 ? 0 : errno));
    close(b);
}

static void bad_requests(void) {
    int rw = open("rec", O_RDWR);
    int ro = open("rec", O_RDONLY);
    int wo = open("rec", O_WRONLY);
    printf("type 7: %s\n", err(lk(rw, F_SETLK, 7, SEEK_SET, 0, 1)));
    printf("getlk F_UNLCK: %s\n", err(lk(rw, F_GETLK, F_UNLCK, SEEK_SET, 0, 1)));
    printf("whence 9: %s\n", err(lk(rw, F_SETLK, F_RDLCK, 9, 0, 1)));
    printf("negative start: %s\n", err(lk(rw, F_SETLK, F_RDLCK, SEEK_SET, -5, 1)));
    printf("negative len past 0: %s\n", err(lk(rw, F_SETLK, F_RDLCK, SEEK_SET, 2, -5)));
    printf("negative len: %s\n", err(lk(rw, F_SETLK, F_RDLCK, SEEK_SET, 5, -5)));
    printf("read lock on O_WRONLY: %s\n", err(lk(wo, F_SETLK, F_RDLCK, SEEK_SET, 0, 1)));
    printf("write lock on O_RDONLY: %s\n", err(lk(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 1)));
    printf("unlock on O_RDONLY: %s\n", err(lk(ro, F_SETLK, F_UNLCK, SEEK_SET, 0, 1)));
    printf("overflowing range: %s\n", err(lk(rw, F_SETLK, F_RDLCK, SEEK_SET, 0x7fffffffffffff00L, 0x1000)));
    printf("bad fd: %s\n", err(lk(99, F_SETLK, F_RDLCK, SEEK_SET, 0, 1)));
    printf("flock bad fd: %s\n", err(flock(99, LOCK_SH) == 0 ? 0 : errno));
    printf("flock bad op: %s\n", err(flock(rw, 3) == 0 ? 0 : errno));
    printf("flock 0: %s\n", err(flock(rw, 0) == 0 ? 0 : errno));
    int path = open("rec", O_PATH);
    printf("flock O_PATH: %s\n", err(flock(path, LOCK_SH) == 0 ? 0 : errno));
    printf("setlk O_PATH: %s\n", err(lk(path, F_SETLK, F_RDLCK, SEEK_SET, 0, 1)));
    close(path);
    close(rw);
    close(ro);
    close(wo);
}

static void flocks(void) {
    int a = open("rec", O_RDONLY);
    int b = open("rec", O_RDONLY);
    printf("flock a ex: %s\n", err(flock(a, LOCK_EX) == 0 ? 0 : errno));
    printf("flock a ex again: %s\n", err(flock(a, LOCK_EX | LOCK_NB) == 0 ? 0 : errno));
    printf("flock b sh nb: %s\n", err(flock(b, LOCK_SH | LOCK_NB) == 0 ? 0 : errno));
    printf("fcntl lock via b meanwhile: %s\n", err(lk(b, F_SETLK, F_RDLCK, SEEK_SET, 0, 0)));
    lk(b, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
    int dupa = dup(a);
    printf("flock dup ex nb (same description): %s\n", err(flock(dupa, LOCK_EX | LOCK_NB) == 0 ? 0 : errno));
    if (fork() == 0) {
        printf("child flock inherited ex nb: %s\n", err(flock(a, LOCK_EX | LOCK_NB) == 0 ? 0 : errno));
        printf("child flock b nb: %s\n", err(flock(b, LOCK_EX | LOCK_NB) == 0 ? 0 : errno));
        _exit(0);
    }
    wait_child();
    printf("convert a to sh: %s\n", err(flock(a, LOCK_SH) == 0 ? 0 : errno));
    printf("flock b sh nb: %s\n", err(flock(b, LOCK_SH | LOCK_NB) == 0 ? 0 : errno));
    printf("flock b ex nb: %s\n", err(flock(b, LOCK_EX | LOCK_NB) == 0 ? 0 : errno));
    printf("flock b un: %s\n", err(flock(b, LOCK_UN) == 0 ? 0 : errno));
    printf("flock a ex nb: %s\n", err(flock(a, LOCK_EX | LOCK_NB) == 0 ? 0 : errno));
    int ready[2];
    pipe(ready);
    if (fork() == 0) {
        char c;
        close(a); /* the child's references to a's description would keep its lock */
        close(dupa);
        read(ready[0], &c, 1);
        int e = flock(b, LOCK_EX) == 0 ? 0 : errno; /* waits until the parent's last close */
        printf("child flock b ex after wait: %s\n", err(e));
        _exit(0);
    }
    write(ready[1], "g", 1);
    usleep(200000);
    printf("parent closes both fds of a\n");
    fflush(stdout);
    close(a);
    close(dupa);
    wait_child();
    printf("flock b ex nb after child: %s\n", err(flock(b, LOCK_EX | LOCK_NB) == 0 ? 0 : errno));
    close(b);
    close(ready[0]);
    close(ready[1]);
}

int main(void) {
    char dir[] = "/tmp/emu-fs-locks-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) {
        perror("setup");
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    posix_locks();
    blocking_and_deadlock();
    ofd_locks();
    bad_requests();
    flocks();
    unlink("rec");
    chdir("/");
    rmdir(dir);
    return 0;
}

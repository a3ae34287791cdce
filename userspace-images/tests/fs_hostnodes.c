/* FIFOs and AF_UNIX socket nodes in a host directory (issue 13): made in a fresh directory under
 * the working directory (under emu a read-write host directory, where the nodes live in the guest
 * kernel's view only), with stat, readdir, a FIFO rendezvous, connect, rename, EEXIST and unlink;
 * the same output natively and under emu. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *what, long r) {
    if (r < 0) {
        printf("%s: -1 %s\n", what, strerror(errno));
    } else {
        printf("%s: %ld\n", what, r);
    }
    fflush(stdout);
}

static const char *kind(mode_t m) {
    return S_ISFIFO(m) ? "fifo" : S_ISSOCK(m) ? "socket" : S_ISREG(m) ? "file" : S_ISDIR(m) ? "dir" : "other";
}

static void list(void) {
    DIR *d = opendir(".");
    char names[16][300];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 16) {
        if (e->d_name[0] != '.') {
            snprintf(names[n++], 300, "%s(%s)", e->d_name,
                     e->d_type == DT_FIFO ? "fifo" : e->d_type == DT_SOCK ? "sock" : e->d_type == DT_REG ? "reg" : "?");
        }
    }
    closedir(d);
    /* readdir order is the filesystem's: sort for a stable line */
    for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
            if (strcmp(names[i], names[j]) > 0) {
                char t[300];
                strcpy(t, names[i]);
                strcpy(names[i], names[j]);
                strcpy(names[j], t);
            }
        }
    }
    printf("listing:");
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
    }
    printf("\n");
}

int main(void) {
    char dir[64];
    snprintf(dir, sizeof dir, "hostnodes.%d", (int) getpid());
    if (mkdir(dir, 0755) < 0 || chdir(dir) < 0) {
        perror("setup");
        return 1;
    }
    umask(022);
    say("mkfifo", mkfifo("fifo", 0666));
    say("mkfifo again", mkfifo("fifo", 0666));
    struct stat st;
    say("stat", stat("fifo", &st));
    printf("fifo: %s mode %o nlink %d\n", kind(st.st_mode), st.st_mode & 07777, (int) st.st_nlink);
    close(open("plain", O_CREAT | O_WRONLY, 0644));
    say("mknod fifo over a file", mknod("plain", S_IFIFO | 0600, 0));
    say("open O_WRONLY|O_NONBLOCK without a reader", open("fifo", O_WRONLY | O_NONBLOCK));

    pid_t pid = fork();
    if (pid == 0) {
        int w = open("fifo", O_WRONLY);
        write(w, "through the fifo", 16);
        close(w);
        _exit(0);
    }
    int r = open("fifo", O_RDONLY);
    char buf[64] = {0};
    ssize_t n = read(r, buf, sizeof buf - 1);
    printf("read %zd: %s\n", n, buf);
    close(r);
    waitpid(pid, NULL, 0);

    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strcpy(a.sun_path, "sock");
    say("bind", bind(s, (struct sockaddr *) &a, sizeof a));
    say("bind again", bind(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *) &a, sizeof a));
    say("listen", listen(s, 1));
    say("lstat sock", lstat("sock", &st));
    printf("sock: %s\n", kind(st.st_mode));
    say("open sock", open("sock", O_RDONLY));
    list();
    pid = fork();
    if (pid == 0) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *) &a, sizeof a) < 0) {
            _exit(2);
        }
        write(c, "over the socket", 15);
        _exit(0);
    }
    int c = accept(s, NULL, NULL);
    memset(buf, 0, sizeof buf);
    n = read(c, buf, sizeof buf - 1);
    printf("accepted and read %zd: %s\n", n, buf);
    waitpid(pid, NULL, 0);
    close(c);

    say("rename fifo", rename("fifo", "fifo2"));
    say("stat old name", stat("fifo", &st));
    say("stat new name", stat("fifo2", &st));
    printf("fifo2: %s\n", kind(st.st_mode));
    say("rename fifo2 over plain", rename("fifo2", "plain"));
    say("stat plain", stat("plain", &st));
    printf("plain: %s\n", kind(st.st_mode));
    list();
    say("unlink plain", unlink("plain"));
    say("unlink sock", unlink("sock"));
    say("rmdir sock", rmdir("sock"));
    list();
    close(s);
    chdir("..");
    say("rmdir", rmdir(dir));
    return 0;
}

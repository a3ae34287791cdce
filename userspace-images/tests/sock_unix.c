/* AF_UNIX sockets (issue 14): socketpair, fd passing, credentials, datagram and seqpacket
 * boundaries, shutdown, buffer limits, path-name and abstract servers with forked clients, and
 * the errno of bad requests. Run natively and under emu by DifferentialTest: same output. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
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

static int sigpipes;
static void on_sigpipe(int sig) { (void) sig; sigpipes++; }

static void wait_child(void) {
    int status;
    wait(&status);
    printf("child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static void pingpong(int type, const char *name) {
    int sv[2];
    say(name, socketpair(AF_UNIX, type, 0, sv));
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        char buf[64];
        for (int i = 0; i < 3; i++) {
            ssize_t n = read(sv[1], buf, sizeof buf);
            if (n <= 0) _exit(1);
            buf[n] = 0;
            char reply[80];
            int len = snprintf(reply, sizeof reply, "pong(%s)", buf);
            if (write(sv[1], reply, len) != len) _exit(2);
        }
        _exit(0);
    }
    close(sv[1]);
    for (int i = 0; i < 3; i++) {
        char msg[16], buf[64];
        int len = snprintf(msg, sizeof msg, "ping%d", i);
        write(sv[0], msg, len);
        ssize_t n = read(sv[0], buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = 0;
        printf("%s got %zd '%s'\n", name, n, buf);
    }
    wait_child();
    char b;
    /* a datagram socket's peer leaving is no end of file: it would wait for ever */
    say("read after peer exit", recv(sv[0], &b, 1, type == SOCK_DGRAM ? MSG_DONTWAIT : 0));
    close(sv[0]);
}

static void fd_passing(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int p[2];
    pipe(p);
    write(p[1], "through the pipe", 16);
    /* send the pipe's read end, then close our copies: the file stays alive in flight */
    char data = 'F';
    struct iovec iov = {&data, 1};
    union { struct cmsghdr h; char buf[CMSG_SPACE(2 * sizeof(int))]; } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = CMSG_SPACE(2 * sizeof(int));
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(2 * sizeof(int));
    int fds[2] = {p[0], p[1]};
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    say("sendmsg rights", sendmsg(sv[0], &msg, 0));
    close(p[0]);
    close(p[1]);
    pid_t pid = fork();
    if (pid == 0) {
        char got;
        union { struct cmsghdr h; char buf[CMSG_SPACE(2 * sizeof(int))]; } r;
        struct iovec riov = {&got, 1};
        struct msghdr m = {0};
        m.msg_iov = &riov;
        m.msg_iovlen = 1;
        m.msg_control = r.buf;
        m.msg_controllen = sizeof r.buf;
        ssize_t n = recvmsg(sv[1], &m, MSG_CMSG_CLOEXEC);
        struct cmsghdr *rc = CMSG_FIRSTHDR(&m);
        printf("child recvmsg %zd '%c' flags %#x level %d type %d len %zu\n", n, got, m.msg_flags,
               rc ? rc->cmsg_level : -1, rc ? rc->cmsg_type : -1, rc ? (size_t) rc->cmsg_len : 0);
        int in[2];
        memcpy(in, CMSG_DATA(rc), sizeof in);
        printf("child fd cloexec %d %d\n", fcntl(in[0], F_GETFD), fcntl(in[1], F_GETFD));
        char buf[32] = {0};
        close(in[1]);
        ssize_t k = read(in[0], buf, sizeof buf - 1);
        printf("child read from passed pipe %zd '%s'\n", k, buf);
        fflush(stdout);
        _exit(0);
    }
    wait_child();
    /* a control buffer too small: MSG_CTRUNC, the files closed */
    write(sv[0], "x", 0);
    int q[2];
    pipe(q);
    memcpy(CMSG_DATA(c), q, sizeof q);
    sendmsg(sv[0], &msg, 0);
    close(q[0]);
    char got;
    char small[CMSG_SPACE(sizeof(int))];
    struct iovec riov = {&got, 1};
    struct msghdr m = {0};
    m.msg_iov = &riov;
    m.msg_iovlen = 1;
    m.msg_control = small;
    m.msg_controllen = sizeof small;
    ssize_t n = recvmsg(sv[1], &m, 0);
    printf("short control: %zd flags %#x controllen %zu\n", n, m.msg_flags, (size_t) m.msg_controllen);
    int one;
    memcpy(&one, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof one);
    close(one);
    /* the write end's last reference: in q[1] only now */
    say("write to pipe whose read end went with the truncated message", write(q[1], "z", 1));
    close(q[1]);
    /* a bad fd in SCM_RIGHTS */
    fds[0] = 99;
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    say("sendmsg bad fd", sendmsg(sv[0], &msg, 0));
    c->cmsg_len = 8;
    say("sendmsg short cmsg_len", sendmsg(sv[0], &msg, 0));
    close(sv[0]);
    close(sv[1]);
}

static void credentials(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    int on = 1;
    say("SO_PASSCRED", setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
    write(sv[0], "c", 1);
    char got;
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(struct ucred))]; } u;
    struct iovec iov = {&got, 1};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = u.buf;
    m.msg_controllen = sizeof u.buf;
    ssize_t n = recvmsg(sv[1], &m, 0);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    struct ucred cr;
    memcpy(&cr, CMSG_DATA(c), sizeof cr);
    printf("creds: %zd type %d pid is mine %d uid %d gid %d\n", n, c->cmsg_type, cr.pid == getpid(),
           cr.uid == getuid(), cr.gid == getgid());
    struct ucred peer;
    socklen_t len = sizeof peer;
    say("SO_PEERCRED", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &peer, &len));
    printf("peercred len %u pid is mine %d\n", len, peer.pid == getpid());
    close(sv[0]);
    close(sv[1]);
}

static void boundaries(int type, const char *name) {
    int sv[2];
    socketpair(AF_UNIX, type, 0, sv);
    write(sv[0], "first", 5);
    write(sv[0], "second message", 14);
    write(sv[0], "", 0);
    char buf[64];
    int inq = -1;
    say("FIONREAD", ioctl(sv[1], FIONREAD, &inq));
    printf("%s FIONREAD %d\n", name, inq);
    ssize_t n = recv(sv[1], buf, 3, MSG_PEEK);
    printf("%s peek %zd '%.*s'\n", name, n, (int) (n > 0 ? n : 0), buf);
    n = recv(sv[1], buf, 3, MSG_TRUNC);
    printf("%s trunc recv %zd '%.3s'\n", name, n, buf);
    struct iovec iov = {buf, 4};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    n = recvmsg(sv[1], &m, 0);
    printf("%s recvmsg %zd '%.4s' flags %#x\n", name, n, buf, m.msg_flags);
    n = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
    printf("%s zero-length: %zd\n", name, n);
    n = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
    say("empty MSG_DONTWAIT", n);
    close(sv[0]);
    n = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
    say("after peer close", n);
    close(sv[1]);
}

static void shutdowns(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    say("shutdown bad how", shutdown(sv[0], 3));
    say("shutdown SHUT_WR", shutdown(sv[0], SHUT_WR));
    char b;
    say("peer reads EOF", read(sv[1], &b, 1));
    say("write after SHUT_WR", write(sv[0], "x", 1));
    printf("sigpipes %d\n", sigpipes);
    say("send MSG_NOSIGNAL", send(sv[0], "x", 1, MSG_NOSIGNAL));
    printf("sigpipes %d\n", sigpipes);
    say("peer can still write", write(sv[1], "y", 1));
    say("read it", read(sv[0], &b, 1));
    say("shutdown SHUT_RD", shutdown(sv[0], SHUT_RD));
    say("read after SHUT_RD", read(sv[0], &b, 1));
    say("peer write after our SHUT_RD", write(sv[1], "z", 1));
    close(sv[0]);
    close(sv[1]);
    /* closing with unread data resets the peer */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    write(sv[1], "unread", 6);
    close(sv[0]);
    say("read after reset", read(sv[1], &b, 1));
    say("read again", read(sv[1], &b, 1));
    say("write to closed peer", write(sv[1], "x", 1));
    close(sv[1]);
}

static void buffers(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv);
    printf("flags %#x cloexec %d\n", fcntl(sv[0], F_GETFL) & O_NONBLOCK, fcntl(sv[0], F_GETFD));
    int v;
    socklen_t len = sizeof v;
    getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len);
    printf("default sndbuf %d\n", v);
    v = 5000;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
    getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len);
    printf("sndbuf after 5000: %d\n", v);
    v = 1;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
    getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len);
    printf("sndbuf after 1: %d\n", v);
    long total = 0;
    char buf[1000] = {0};
    int writes = 0;
    for (;;) {
        ssize_t n = write(sv[0], buf, sizeof buf);
        if (n < 0) break;
        total += n;
        writes++;
    }
    printf("filled with %d writes, %ld bytes, then %s\n", writes, total, strerror(errno));
    char rd[8192];
    ssize_t n = read(sv[1], rd, sizeof rd);
    printf("read %zd\n", n);
    say("write after draining", write(sv[0], buf, 10));
    close(sv[0]);
    close(sv[1]);
    /* datagrams: one message per 768-byte skb overhead plus its bytes */
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    writes = 0;
    while (write(sv[0], buf, 100) == 100) writes++;
    printf("dgram filled after %d messages: %s\n", writes, strerror(errno));
    int big = 300000;
    char *huge = calloc(1, big);
    say("dgram bigger than sndbuf", write(sv[0], huge, big));
    free(huge);
    close(sv[0]);
    close(sv[1]);
    /* a blocking write bigger than the buffer returns its whole count */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    if (fork() == 0) {
        close(sv[1]);
        char *lots = calloc(1, 500000);
        ssize_t w = write(sv[0], lots, 500000);
        _exit(w == 500000 ? 0 : 1);
    }
    close(sv[0]);
    long got = 0;
    for (;;) {
        ssize_t k = read(sv[1], rd, sizeof rd);
        if (k <= 0) break;
        got += k;
    }
    printf("read %ld bytes from a 500000-byte write\n", got);
    wait_child();
    close(sv[1]);
    /* SO_SNDTIMEO: a write stops where the buffer is full, the next one times out */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct timeval sndtimeo = {0, 100000};
    say("SO_SNDTIMEO", setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &sndtimeo, sizeof sndtimeo));
    char *mega = calloc(1, 1000000);
    say("write 1000000 with SO_SNDTIMEO", write(sv[0], mega, 1000000));
    say("write again", write(sv[0], mega, 1000));
    free(mega);
    close(sv[0]);
    close(sv[1]);
    /* SO_RCVTIMEO on a blocking read */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct timeval tv = {0, 100000};
    say("SO_RCVTIMEO", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    struct timeval back;
    len = sizeof back;
    getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &back, &len);
    printf("rcvtimeo %ld.%06ld len %u\n", (long) back.tv_sec, (long) back.tv_usec, len);
    say("read times out", read(sv[0], rd, 1));
    tv.tv_usec = 2000000;
    say("SO_RCVTIMEO bad usec", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    close(sv[0]);
    close(sv[1]);
}

static void server(const struct sockaddr *addr, socklen_t len, const char *name, int clients) {
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    say("bind", bind(s, addr, len));
    say("bind again", bind(s, addr, len));
    int t = socket(AF_UNIX, SOCK_STREAM, 0);
    say("bind taken name", bind(t, addr, len));
    say("connect before listen", connect(t, addr, len));
    say("listen", listen(s, 8));
    int v;
    socklen_t vl = sizeof v;
    getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
    printf("%s acceptconn %d\n", name, v);
    pid_t pids[8];
    for (int i = 0; i < clients; i++) {
        if ((pids[i] = fork()) == 0) {
            int c = socket(AF_UNIX, SOCK_STREAM, 0);
            if (connect(c, addr, len) != 0) _exit(3);
            struct ucred server_cred;
            socklen_t cl = sizeof server_cred;
            getsockopt(c, SOL_SOCKET, SO_PEERCRED, &server_cred, &cl);
            if (server_cred.pid != getppid()) _exit(8);
            char msg[32];
            int n = snprintf(msg, sizeof msg, "client %d", i);
            write(c, msg, n);
            shutdown(c, SHUT_WR);
            char buf[64];
            ssize_t k = read(c, buf, sizeof buf);
            _exit(k == n + 6 ? 0 : 4);
        }
    }
    /* serve in the order the clients' messages say, so the output is the same natively */
    char seen[8][128];
    int got = 0;
    for (int i = 0; i < clients; i++) {
        struct sockaddr_un peer;
        socklen_t pl = sizeof peer;
        int c = accept(s, (struct sockaddr *) &peer, &pl);
        char buf[64];
        ssize_t n = read(c, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = 0;
        char eof;
        ssize_t e = read(c, &eof, 1);
        char reply[80];
        int rn = snprintf(reply, sizeof reply, "echo: %s", buf);
        write(c, reply, rn);
        struct sockaddr_un me;
        socklen_t ml = sizeof me;
        getsockname(c, (struct sockaddr *) &me, &ml);
        struct ucred cred;
        socklen_t cl = sizeof cred;
        getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &cl);
        int client = 0;
        for (int k = 0; k < clients; k++) client |= cred.pid == pids[k];
        snprintf(seen[got++], sizeof seen[0], "%.24s then %zd, peer len %u, name matches %d, peercred a client %d",
                 buf, e, pl, ml == len && memcmp(&me, addr, len) == 0, client);
        close(c);
    }
    qsort(seen, got, sizeof seen[0], (int (*)(const void *, const void *)) strcmp);
    for (int i = 0; i < got; i++) printf("%s served %s\n", name, seen[i]);
    for (int i = 0; i < clients; i++) wait_child();
    close(s);
    say("connect after server closed", connect(t, addr, len));
    close(t);
}

static void names(void) {
    char dir[] = "/tmp/sock_unixXXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(1); }
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s/srv", dir);
    socklen_t len = offsetof(struct sockaddr_un, sun_path) + strlen(a.sun_path) + 1;
    server((struct sockaddr *) &a, len, "path", 3);
    struct stat st;
    say("stat socket node", stat(a.sun_path, &st));
    printf("node is a socket %d perm %o\n", S_ISSOCK(st.st_mode), st.st_mode & 0777 & ~022);
    say("open socket node", open(a.sun_path, O_RDONLY));
    unlink(a.sun_path);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    say("connect to missing path", connect(c, (struct sockaddr *) &a, len));
    snprintf(a.sun_path, sizeof a.sun_path, "%s", dir);
    say("connect to a directory", connect(c, (struct sockaddr *) &a, len));
    close(c);
    rmdir(dir);

    /* abstract name: a leading NUL, every byte of the length counts */
    struct sockaddr_un ab = {.sun_family = AF_UNIX};
    snprintf(ab.sun_path + 1, sizeof ab.sun_path - 1, "emu-sock-test-%d", (int) getpid());
    socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(ab.sun_path + 1);
    server((struct sockaddr *) &ab, alen, "abstract", 2);

    /* autobind: an address of just the family */
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un got;
    socklen_t gl = sizeof got;
    getsockname(d, (struct sockaddr *) &got, &gl);
    printf("unbound name len %u\n", gl);
    sa_family_t fam = AF_UNIX;
    say("autobind", bind(d, (struct sockaddr *) &fam, sizeof fam));
    gl = sizeof got;
    getsockname(d, (struct sockaddr *) &got, &gl);
    printf("autobound name len %u abstract %d\n", gl, got.sun_path[0] == 0);
    close(d);
}

static void dgram_names(void) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "emu-dgram-%d", (int) getpid());
    socklen_t len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(a.sun_path + 1);
    int r = socket(AF_UNIX, SOCK_DGRAM, 0);
    bind(r, (struct sockaddr *) &a, len);
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    say("sendto", sendto(s, "to the name", 11, 0, (struct sockaddr *) &a, len));
    say("send unconnected", send(s, "x", 1, 0));
    char buf[32];
    struct sockaddr_un from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *) &from, &fl);
    printf("recvfrom %zd '%.*s' from len %u\n", n, (int) n, buf, fl);
    struct sockaddr_un sb = {.sun_family = AF_UNIX};
    snprintf(sb.sun_path + 1, sizeof sb.sun_path - 1, "emu-dgram-s-%d", (int) getpid());
    socklen_t sl = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sb.sun_path + 1);
    bind(s, (struct sockaddr *) &sb, sl);
    say("connect", connect(s, (struct sockaddr *) &a, len));
    say("send connected", send(s, "named", 5, 0));
    fl = sizeof from;
    n = recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *) &from, &fl);
    printf("recvfrom %zd from the sender's name %d\n", n, fl == sl && memcmp(&from, &sb, sl) == 0);
    say("connect receiver to sender", connect(r, (struct sockaddr *) &sb, sl));
    int third = socket(AF_UNIX, SOCK_DGRAM, 0);
    say("third party to connected socket", sendto(third, "x", 1, 0, (struct sockaddr *) &a, len));
    unsigned short unspec = AF_UNSPEC;
    say("dissolve with AF_UNSPEC", connect(r, (struct sockaddr *) &unspec, sizeof unspec));
    say("third party now", sendto(third, "x", 1, 0, (struct sockaddr *) &a, len));
    close(r);
    say("send to closed peer", send(s, "x", 1, 0));
    say("sendto a name nobody has", sendto(third, "x", 1, 0, (struct sockaddr *) &a, len));
    close(s);
    close(third);
}

static void errors(void) {
    say("bad family", socket(12345, SOCK_STREAM, 0));
    say("family AF_MAX", socket(46, SOCK_STREAM, 0));
    say("bad type", socket(AF_UNIX, 12, 0));
    say("type 0", socket(AF_UNIX, 0, 0));
    say("bad type flag", socket(AF_UNIX, SOCK_STREAM | 0x100, 0));
    say("bad protocol", socket(AF_UNIX, SOCK_STREAM, 7));
    say("socketpair inet", socketpair(AF_INET, SOCK_STREAM, 0, (int[2]) {0, 0}));
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "/tmp/x"};
    say("bind len 1", bind(s, (struct sockaddr *) &a, 1));
    say("bind len 111", bind(s, (struct sockaddr *) &a, 111));
    say("bind len 200", bind(s, (struct sockaddr *) &a, 200));
    say("bind len -1", bind(s, (struct sockaddr *) &a, -1));
    say("bind bad pointer", bind(s, (struct sockaddr *) 8, sizeof a));
    a.sun_family = AF_INET;
    say("bind wrong family", bind(s, (struct sockaddr *) &a, sizeof a));
    say("connect wrong family", connect(s, (struct sockaddr *) &a, sizeof a));
    say("listen unbound", listen(s, 1));
    say("accept unbound", accept(s, NULL, NULL));
    say("accept4 bad flags", accept4(s, NULL, NULL, 1));
    char b;
    say("read unconnected stream", read(s, &b, 1));
    say("write unconnected stream", write(s, "x", 1));
    say("getpeername unconnected", getpeername(s, (struct sockaddr *) &a, (socklen_t[]) {sizeof a}));
    say("getsockname bad len", getsockname(s, (struct sockaddr *) &a, (socklen_t[]) {-1}));
    say("sendto on stream", sendto(s, "x", 1, 0, (struct sockaddr *) &a, sizeof a));
    int v = 1;
    say("unknown option", setsockopt(s, SOL_SOCKET, 12345, &v, sizeof v));
    say("short option", setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, 2));
    say("set SO_TYPE", setsockopt(s, SOL_SOCKET, SO_TYPE, &v, sizeof v));
    say("SOL_TCP on unix", setsockopt(s, 6 /* SOL_TCP */, 1, &v, sizeof v));
    socklen_t len = sizeof v;
    say("get SO_TYPE", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len));
    printf("type %d len %u\n", v, len);
    len = 2;
    v = 0;
    getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &len);
    printf("domain (2 bytes) %d len %u\n", v, len);
    len = -1;
    say("getsockopt negative len", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len));
    len = sizeof v;
    say("get unknown option", getsockopt(s, SOL_SOCKET, 12345, &v, &len));
    say("get SO_ERROR", getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len));
    struct linger lg = {1, 5};
    say("SO_LINGER", setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    len = sizeof lg;
    memset(&lg, 0, sizeof lg);
    getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &len);
    printf("linger %d %d\n", lg.l_onoff, lg.l_linger);
    struct stat st;
    fstat(s, &st);
    printf("fstat: socket %d mode %o size %ld\n", S_ISSOCK(st.st_mode), st.st_mode & 0777, (long) st.st_size);
    char link[64], want[64];
    ssize_t n = readlink("/proc/self/fd/3", link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof want, "socket:[%lu]", (unsigned long) st.st_ino);
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", s);
    n = readlink(path, link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    printf("fd link is socket:[ino] %d\n", strcmp(link, want) == 0);
    say("lseek on socket", lseek(s, 0, SEEK_SET));
    int nb = 1;
    say("FIONBIO", ioctl(s, FIONBIO, &nb));
    printf("O_NONBLOCK after FIONBIO %d\n", (fcntl(s, F_GETFL) & O_NONBLOCK) != 0);
    nb = 0;
    ioctl(s, FIONBIO, &nb);
    printf("O_NONBLOCK after FIONBIO 0: %d\n", (fcntl(s, F_GETFL) & O_NONBLOCK) != 0);
    say("isatty on socket", isatty(s));
    printf("isatty errno %s\n", strerror(errno));
    close(s);
    say("send on a pipe", send(0, "x", 1, 0));
    int p[2];
    pipe(p);
    say("listen on a pipe", listen(p[0], 1));
    say("getsockopt on a pipe", getsockopt(p[0], SOL_SOCKET, SO_TYPE, &v, &len));
    say("shutdown bad fd", shutdown(99, SHUT_RD));
    close(p[0]);
    close(p[1]);
    int sv[2];
    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
    say("seqpacket accept", accept(sv[0], NULL, NULL));
    say("seqpacket MSG_OOB", send(sv[0], "x", 1, MSG_OOB));
    close(sv[1]);
    say("seqpacket write to closed peer", send(sv[0], "x", 1, MSG_NOSIGNAL));
    say("seqpacket read closed", recv(sv[0], &b, 1, 0));
    close(sv[0]);
    s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    say("read unconnected seqpacket", read(s, &b, 1));
    say("write unconnected seqpacket", write(s, &b, 1));
    close(s);
}

static void message_errors(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    static struct iovec iov[1030];
    char b[4];
    for (int i = 0; i < 1030; i++) {
        iov[i].iov_base = b;
        iov[i].iov_len = 1;
    }
    struct msghdr m = {0};
    m.msg_iov = iov;
    m.msg_iovlen = 1025;
    say("sendmsg 1025 iovecs", sendmsg(sv[0], &m, 0));
    say("recvmsg 1025 iovecs", recvmsg(sv[1], &m, MSG_DONTWAIT));
    m.msg_iovlen = 1;
    m.msg_control = b;
    /* raw syscalls: musl's wrapper copies the msghdr (and caps the control buffer) itself */
    unsigned long huge = 1UL << 40;
    memcpy((char *) &m + offsetof(struct msghdr, msg_control) + sizeof(void *), &huge, sizeof huge);
    say("sendmsg huge controllen", syscall(SYS_sendmsg, sv[0], &m, 0));
    m.msg_controllen = 0;
    memset((char *) &m + offsetof(struct msghdr, msg_control) + sizeof(void *), 0, sizeof huge);
    m.msg_name = b;
    m.msg_namelen = -1;
    say("sendmsg namelen -1", sendmsg(sv[0], &m, 0));
    say("recvmsg namelen -1", recvmsg(sv[1], &m, MSG_DONTWAIT));
    m.msg_name = NULL;
    struct { struct cmsghdr h; struct ucred c; } cm;
    memset(&cm, 0, sizeof cm);
    cm.h.cmsg_len = CMSG_LEN(sizeof(struct ucred));
    cm.h.cmsg_level = SOL_SOCKET;
    cm.h.cmsg_type = SCM_CREDENTIALS;
    cm.c.pid = getpid();
    cm.c.uid = getuid();
    cm.c.gid = getgid();
    m.msg_control = &cm;
    m.msg_controllen = sizeof cm;
    say("explicit SCM_CREDENTIALS", sendmsg(sv[0], &m, 0));
    cm.c.pid = 999999;
    say("SCM_CREDENTIALS of no process", sendmsg(sv[0], &m, 0));
    cm.c.pid = getpid();
    cm.h.cmsg_type = 77;
    say("unknown SOL_SOCKET message", sendmsg(sv[0], &m, 0));
    cm.h.cmsg_level = 99;
    say("another level is ignored", sendmsg(sv[0], &m, 0));
    say("sendmsg bad msghdr", syscall(SYS_sendmsg, sv[0], 8, 0));
    say("recvfrom bad buffer", recvfrom(sv[1], (char *) 8, 4, 0, NULL, NULL));
    close(sv[0]);
    close(sv[1]);
}

int main(void) {
    signal(SIGPIPE, on_sigpipe);
    setvbuf(stdout, NULL, _IOLBF, 0);
    pingpong(SOCK_STREAM, "stream");
    pingpong(SOCK_SEQPACKET, "seqpacket");
    pingpong(SOCK_DGRAM, "dgram");
    fd_passing();
    credentials();
    boundaries(SOCK_DGRAM, "dgram");
    boundaries(SOCK_SEQPACKET, "seqpacket");
    boundaries(SOCK_STREAM, "stream");
    shutdowns();
    buffers();
    names();
    dgram_names();
    errors();
    message_errors();
    printf("sigpipes %d\n", sigpipes);
    return 0;
}

/* Loopback TCP and UDP over IPv4 and IPv6 (issue 14): an echo server with forked clients,
 * refused connections, resets, non-blocking connect, UDP datagrams, and the errno of bad
 * requests. Numeric addresses only (no getaddrinfo), ports from bind(port 0) and getsockname,
 * never printed: the output is the same natively and under emu. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int sigpipes;
static void on_sigpipe(int sig) { (void) sig; sigpipes++; }

static void say(const char *what, long r) {
    if (r < 0) {
        printf("%s: -1 %s\n", what, strerror(errno));
    } else {
        printf("%s: %ld\n", what, r);
    }
    fflush(stdout);
}

typedef union {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
    struct sockaddr_storage ss;
} addr_t;

static socklen_t loopback(addr_t *a, int family, int port) {
    memset(a, 0, sizeof *a);
    if (family == AF_INET) {
        a->in.sin_family = AF_INET;
        a->in.sin_port = htons(port);
        a->in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return sizeof a->in;
    }
    a->in6.sin6_family = AF_INET6;
    a->in6.sin6_port = htons(port);
    a->in6.sin6_addr = in6addr_loopback;
    return sizeof a->in6;
}

static int port_of(const addr_t *a) {
    return ntohs(a->sa.sa_family == AF_INET ? a->in.sin_port : a->in6.sin6_port);
}

/* the address without its port */
static const char *host_of(const addr_t *a, char *buf) {
    if (a->sa.sa_family == AF_INET) {
        inet_ntop(AF_INET, &a->in.sin_addr, buf, INET6_ADDRSTRLEN);
    } else if (a->sa.sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &a->in6.sin6_addr, buf, INET6_ADDRSTRLEN);
    } else {
        snprintf(buf, INET6_ADDRSTRLEN, "family %d", a->sa.sa_family);
    }
    return buf;
}

static int bound_port(int s) {
    addr_t a;
    socklen_t len = sizeof a;
    getsockname(s, &a.sa, &len);
    return port_of(&a);
}

static void wait_children(int n) {
    int codes[16];
    for (int i = 0; i < n; i++) {
        int status;
        wait(&status);
        codes[i] = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    for (int i = 0; i < n; i++) printf("client exit %d\n", codes[i]);
}

static void tcp_echo(int family, const char *name, int clients) {
    int s = socket(family, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    addr_t a;
    socklen_t len = loopback(&a, family, 0);
    say("bind", bind(s, &a.sa, len));
    say("listen", listen(s, 16));
    int port = bound_port(s);
    printf("%s port is ephemeral %d\n", name, port >= 1024);
    loopback(&a, family, port);
    for (int i = 0; i < clients; i++) {
        if (fork() == 0) {
            int c = socket(family, SOCK_STREAM, 0);
            if (connect(c, &a.sa, len) != 0) _exit(3);
            int one = 1;
            setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            char msg[32], buf[64];
            int n = snprintf(msg, sizeof msg, "client %d", i);
            for (int round = 0; round < 3; round++) {
                if (write(c, msg, n) != n) _exit(4);
                int got = 0;
                while (got < n + 6) {
                    ssize_t k = read(c, buf + got, sizeof buf - got);
                    if (k <= 0) _exit(5);
                    got += k;
                }
                if (memcmp(buf, "echo: ", 6) || memcmp(buf + 6, msg, n)) _exit(6);
            }
            shutdown(c, SHUT_WR);
            ssize_t k = read(c, buf, sizeof buf);
            _exit(k == 0 ? 0 : 7);
        }
    }
    char lines[16][128];
    for (int i = 0; i < clients; i++) {
        addr_t peer;
        socklen_t pl = sizeof peer;
        int c = accept(s, &peer.sa, &pl);
        char buf[64], host[INET6_ADDRSTRLEN], reply[80];
        int rounds = 0;
        ssize_t n;
        char first[64] = "";
        while ((n = read(c, buf, sizeof buf - 1)) > 0) {
            buf[n] = 0;
            if (!rounds) snprintf(first, sizeof first, "%s", buf);
            rounds++;
            int rn = snprintf(reply, sizeof reply, "echo: %s", buf);
            write(c, reply, rn);
        }
        addr_t me;
        socklen_t ml = sizeof me;
        getsockname(c, &me.sa, &ml);
        snprintf(lines[i], sizeof lines[i], "%s: %d reads, then %zd; peer %s len %u; local port same %d",
                 first, rounds, n, host_of(&peer, host), pl, port_of(&me) == port);
        close(c);
    }
    qsort(lines, clients, sizeof lines[0], (int (*)(const void *, const void *)) strcmp);
    for (int i = 0; i < clients; i++) printf("%s served %s\n", name, lines[i]);
    wait_children(clients);
    close(s);
}

static void tcp_states(int family) {
    addr_t a;
    socklen_t len = loopback(&a, family, 0);
    /* a port nobody listens on: bound once, then closed */
    int tmp = socket(family, SOCK_STREAM, 0);
    bind(tmp, &a.sa, len);
    int closed_port = bound_port(tmp);
    close(tmp);
    loopback(&a, family, closed_port);
    int c = socket(family, SOCK_STREAM, 0);
    say("connect to a closed port", connect(c, &a.sa, len));
    close(c);
    c = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    say("non-blocking connect to a closed port", connect(c, &a.sa, len));
    usleep(20000);
    int err;
    socklen_t el = sizeof err;
    getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el);
    printf("SO_ERROR %s\n", strerror(err));
    close(c);

    int s = socket(family, SOCK_STREAM, 0);
    loopback(&a, family, 0);
    bind(s, &a.sa, len);
    listen(s, 4);
    loopback(&a, family, bound_port(s));
    int t = socket(family, SOCK_STREAM, 0);
    addr_t same = a;
    say("bind a port in use", bind(t, &same.sa, len));
    close(t);

    c = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    say("non-blocking connect", connect(c, &a.sa, len));
    int conn = accept(s, NULL, NULL);
    say("accepted", conn >= 0);
    say("connect again", connect(c, &a.sa, len));
    getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el);
    printf("SO_ERROR %d\n", err);
    char b[16];
    say("read nothing yet", read(c, b, sizeof b));
    /* the server closes cleanly: EOF, then a write meets the reset */
    close(conn);
    usleep(20000);
    say("read after FIN", read(c, b, sizeof b));
    say("write to closed peer", write(c, "x", 1));
    usleep(20000);
    say("write after reset", write(c, "x", 1));
    printf("sigpipes %d\n", sigpipes);
    say("read after reset", read(c, b, sizeof b));
    close(c);

    /* closing with unread data resets the connection */
    c = socket(family, SOCK_STREAM, 0);
    connect(c, &a.sa, len);
    conn = accept(s, NULL, NULL);
    write(c, "unread", 6);
    usleep(20000);
    close(conn);
    usleep(20000);
    say("read after RST", read(c, b, sizeof b));
    say("read again", read(c, b, sizeof b));
    close(c);

    /* shutdown(SHUT_WR) is a FIN the peer reads as EOF */
    c = socket(family, SOCK_STREAM, 0);
    connect(c, &a.sa, len);
    conn = accept(s, NULL, NULL);
    say("shutdown SHUT_WR", shutdown(c, SHUT_WR));
    say("peer reads EOF", read(conn, b, sizeof b));
    say("peer still writes", write(conn, "back", 4));
    say("we still read", read(c, b, sizeof b));
    say("write after SHUT_WR", send(c, "x", 1, MSG_NOSIGNAL));
    addr_t peer;
    socklen_t pl = sizeof peer;
    say("getpeername", getpeername(c, &peer.sa, &pl));
    printf("peer port matches %d len %u\n", port_of(&peer) == port_of(&a), pl);
    close(c);
    close(conn);

    /* MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT */
    c = socket(family, SOCK_STREAM, 0);
    connect(c, &a.sa, len);
    conn = accept(s, NULL, NULL);
    say("MSG_DONTWAIT on empty", recv(c, b, sizeof b, MSG_DONTWAIT));
    int inq;
    say("FIONREAD on a listener", ioctl(s, FIONREAD, &inq));
    if (fork() == 0) {
        write(conn, "abc", 3);
        usleep(20000);
        write(conn, "defgh", 5);
        _exit(0);
    }
    ssize_t n = recv(c, b, 8, MSG_WAITALL);
    printf("MSG_WAITALL %zd '%.*s'\n", n, (int) n, b);
    wait_children(1);
    write(conn, "peek", 4);
    usleep(20000);
    n = recv(c, b, sizeof b, MSG_PEEK);
    printf("peek %zd '%.*s'\n", n, (int) n, b);
    n = recv(c, b, sizeof b, 0);
    printf("read %zd '%.*s'\n", n, (int) n, b);
    close(c);
    close(conn);
    close(s);
}

static void udp(int family) {
    addr_t a, from;
    socklen_t len = loopback(&a, family, 0);
    int r = socket(family, SOCK_DGRAM, 0);
    say("udp bind", bind(r, &a.sa, len));
    loopback(&a, family, bound_port(r));
    int s = socket(family, SOCK_DGRAM, 0);
    say("send unconnected", send(s, "x", 1, 0));
    say("sendto", sendto(s, "first datagram", 14, 0, &a.sa, len));
    say("sendto", sendto(s, "second", 6, 0, &a.sa, len));
    say("sendto empty", sendto(s, "", 0, 0, &a.sa, len));
    char buf[64], host[INET6_ADDRSTRLEN];
    int inq = -1;
    ioctl(r, FIONREAD, &inq);
    printf("FIONREAD %d\n", inq);
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(r, buf, 5, MSG_TRUNC, &from.sa, &fl);
    printf("recvfrom %zd '%.5s' from %s len %u port matches %d\n", n, buf, host_of(&from, host), fl,
           port_of(&from) == bound_port(s));
    struct iovec iov = {buf, 3};
    struct msghdr m = {0};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_name = &from;
    m.msg_namelen = sizeof from;
    n = recvmsg(r, &m, 0);
    printf("recvmsg %zd '%.3s' flags %#x namelen %u\n", n, buf, m.msg_flags, m.msg_namelen);
    n = recv(r, buf, sizeof buf, 0);
    printf("empty datagram %zd\n", n);
    say("nothing left", recv(r, buf, sizeof buf, MSG_DONTWAIT));
    addr_t zero = a;
    if (family == AF_INET) zero.in.sin_port = 0; else zero.in6.sin6_port = 0;
    say("sendto port 0", sendto(s, "x", 1, 0, &zero.sa, len));
    say("sendto short address", sendto(s, "x", 1, 0, &a.sa, 8));
    char *big = calloc(1, 70000);
    say("datagram too big", sendto(s, big, 70000, 0, &a.sa, len));
    free(big);
    /* several datagrams in one call each way */
    struct mmsghdr mm[4];
    struct iovec mv[4];
    char mbuf[4][16];
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 3; i++) {
        snprintf(mbuf[i], sizeof mbuf[i], "batch %d", i);
        mv[i].iov_base = mbuf[i];
        mv[i].iov_len = strlen(mbuf[i]);
        mm[i].msg_hdr.msg_iov = &mv[i];
        mm[i].msg_hdr.msg_iovlen = 1;
        mm[i].msg_hdr.msg_name = &a;
        mm[i].msg_hdr.msg_namelen = len;
    }
    say("sendmmsg", sendmmsg(s, mm, 3, 0));
    printf("msg_len %u %u %u\n", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
    memset(mm, 0, sizeof mm);
    memset(mbuf, 0, sizeof mbuf);
    for (int i = 0; i < 4; i++) {
        mv[i].iov_base = mbuf[i];
        mv[i].iov_len = sizeof mbuf[i];
        mm[i].msg_hdr.msg_iov = &mv[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    say("recvmmsg MSG_WAITFORONE", recvmmsg(r, mm, 4, MSG_WAITFORONE, NULL));
    printf("got '%s' '%s' '%s' lengths %u %u %u\n", mbuf[0], mbuf[1], mbuf[2], mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
    say("recvmmsg on empty, MSG_DONTWAIT", recvmmsg(r, mm, 4, MSG_DONTWAIT, NULL));
    /* connected: only the peer's datagrams arrive */
    say("connect", connect(r, &from.sa, fl));
    int other = socket(family, SOCK_DGRAM, 0);
    sendto(other, "stranger", 8, 0, &a.sa, len);
    sendto(s, "peer", 4, 0, &a.sa, len);
    n = recv(r, buf, sizeof buf, 0);
    printf("connected socket got %zd '%.*s'\n", n, (int) n, buf);
    say("shutdown", shutdown(r, SHUT_RD));
    say("read after SHUT_RD", recv(r, buf, sizeof buf, 0));
    close(r);
    /* a connected sender learns of the closed port on its next call */
    say("connect to the closed port", connect(s, &a.sa, len));
    say("send", send(s, "x", 1, 0));
    usleep(20000);
    say("recv gets the refusal", recv(s, buf, sizeof buf, MSG_DONTWAIT));
    say("then nothing", recv(s, buf, sizeof buf, MSG_DONTWAIT));
    unsigned short unspec = AF_UNSPEC;
    say("disconnect", connect(s, (struct sockaddr *) &unspec, sizeof unspec));
    addr_t pa;
    socklen_t pal = sizeof pa;
    say("getpeername after disconnect", getpeername(s, &pa.sa, &pal));
    say("shutdown unconnected", shutdown(other, SHUT_RDWR));
    close(s);
    close(other);
}

static void dual_stack(void) {
    int s = socket(AF_INET6, SOCK_STREAM, 0);
    addr_t a;
    memset(&a, 0, sizeof a);
    a.in6.sin6_family = AF_INET6;
    a.in6.sin6_addr = in6addr_any;
    say("bind ::", bind(s, &a.sa, sizeof a.in6));
    listen(s, 2);
    int port = bound_port(s);
    int v6only = -1;
    socklen_t ol = sizeof v6only;
    getsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &ol);
    printf("v6only %d\n", v6only);
    addr_t v4;
    socklen_t len = loopback(&v4, AF_INET, port);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    say("IPv4 client to a :: listener", connect(c, &v4.sa, len));
    addr_t peer;
    socklen_t pl = sizeof peer;
    int conn = accept(s, &peer.sa, &pl);
    char host[INET6_ADDRSTRLEN];
    printf("accepted from %s len %u\n", host_of(&peer, host), pl);
    write(c, "mapped", 6);
    char b[16];
    ssize_t n = read(conn, b, sizeof b);
    printf("read %zd '%.*s'\n", n, (int) n, b);
    close(c);
    close(conn);
    close(s);
}

static void reuse(void) {
    int on = 1;
    addr_t a;
    socklen_t len = loopback(&a, AF_INET, 0);
    int r1 = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(r1, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    bind(r1, &a.sa, len);
    loopback(&a, AF_INET, bound_port(r1));
    int r2 = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(r2, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    say("SO_REUSEADDR: second bind", bind(r2, &a.sa, len));
    say("first listens", listen(r1, 1));
    say("second listens", listen(r2, 1));
    int r3 = socket(AF_INET, SOCK_STREAM, 0);
    say("bind without SO_REUSEADDR", bind(r3, &a.sa, len));
    int u1 = socket(AF_INET, SOCK_DGRAM, 0);
    say("udp on the same port number", bind(u1, &a.sa, len));
    /* an accepted connection keeps the port after its listener is gone */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    connect(c, &a.sa, len);
    int conn = accept(r1, NULL, NULL);
    close(r1);
    close(r2);
    int r4 = socket(AF_INET, SOCK_STREAM, 0);
    say("bind while an accepted connection holds the port", bind(r4, &a.sa, len));
    close(r4);
    r4 = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(r4, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    say("the same with SO_REUSEADDR", bind(r4, &a.sa, len));
    say("and listen", listen(r4, 1));
    close(r4);
    close(c);
    close(conn);
    close(r3);
    close(u1);
}

static void errors(void) {
    say("seqpacket inet", socket(AF_INET, SOCK_SEQPACKET, 0));
    say("stream with udp", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
    say("dgram with tcp", socket(AF_INET6, SOCK_DGRAM, IPPROTO_TCP));
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int v;
    socklen_t len = sizeof v;
    getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &len);
    printf("protocol %d\n", v);
    getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &len);
    printf("domain %d\n", v);
    getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len);
    printf("tcp sndbuf %d\n", v);
    getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len);
    printf("nodelay %d\n", v);
    v = 1;
    say("TCP_NODELAY", setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v));
    getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len);
    printf("nodelay %d\n", v);
    v = 0;
    say("TCP_KEEPIDLE 0", setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof v));
    say("unknown TCP option", setsockopt(s, IPPROTO_TCP, 999, &v, sizeof v));
    addr_t a;
    socklen_t alen = loopback(&a, AF_INET, 0);
    char b;
    say("read unconnected", read(s, &b, 1));
    say("write unconnected", write(s, "x", 1));
    printf("sigpipes %d\n", sigpipes);
    say("send MSG_NOSIGNAL unconnected", send(s, "x", 1, MSG_NOSIGNAL));
    say("shutdown unconnected", shutdown(s, SHUT_RD));
    say("getpeername unconnected", getpeername(s, &a.sa, &alen));
    alen = sizeof a;
    getsockname(s, &a.sa, &alen);
    char host[INET6_ADDRSTRLEN];
    printf("unbound name %s port %d len %u\n", host_of(&a, host), port_of(&a), alen);
    alen = loopback(&a, AF_INET, 0);
    say("bind short", bind(s, &a.sa, alen - 1));
    a.sa.sa_family = AF_UNIX;
    say("bind AF_UNIX to inet", bind(s, &a.sa, alen));
    say("connect AF_UNIX to inet", connect(s, &a.sa, alen));
    a.sa.sa_family = AF_INET;
    a.in.sin_addr.s_addr = inet_addr("192.0.2.1");
    say("bind a foreign address", bind(s, &a.sa, alen));
    a.sa.sa_family = AF_UNSPEC;
    a.in.sin_addr.s_addr = htonl(INADDR_ANY);
    say("bind AF_UNSPEC any", bind(s, &a.sa, alen));
    say("bind twice", bind(s, &a.sa, alen));
    say("listen", listen(s, 1));
    say("connect a listener", connect(s, &a.sa, alen));
    close(s);
    s = socket(AF_INET6, SOCK_STREAM, 0);
    addr_t b6;
    socklen_t l6 = loopback(&b6, AF_INET6, 0);
    say("bind in6 short", bind(s, &b6.sa, 20));
    b6.sa.sa_family = AF_INET;
    say("bind in6 wrong family", bind(s, &b6.sa, l6));
    close(s);
    s = socket(AF_INET, SOCK_DGRAM, 0);
    say("udp accept", accept(s, NULL, NULL));
    say("udp listen", listen(s, 1));
    close(s);
    printf("sigpipes %d\n", sigpipes);
}

int main(void) {
    signal(SIGPIPE, on_sigpipe);
    setvbuf(stdout, NULL, _IOLBF, 0);
    tcp_echo(AF_INET, "tcp4", 4);
    tcp_echo(AF_INET6, "tcp6", 2);
    tcp_states(AF_INET);
    tcp_states(AF_INET6);
    udp(AF_INET);
    udp(AF_INET6);
    dual_stack();
    reuse();
    errors();
    return 0;
}

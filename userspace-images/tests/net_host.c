/* `emu run --net host` (issue 14): a guest TCP/UDP client of services the host test runs on
 * 127.0.0.1, a guest server the host connects to, two guest processes talking through the
 * host's loopback, and what the default loopback-only network answers for an outside address.
 *
 *   net_host client PORT UPORT   TCP exchange with PORT, UDP echo with UPORT (host services)
 *   net_host server PORT         accepts one connection on 127.0.0.1:PORT and answers it
 *   net_host pair                forked server and client on 127.0.0.1 (same output everywhere)
 *   net_host unreach             connect and sendto 192.0.2.1 (TEST-NET-1)
 *   net_host acceptwait          blocks in accept forever (for --timeout) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
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

static struct sockaddr_in v4(const char *ip, int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

static int optval(int fd, int level, int name) {
    int v = -1;
    socklen_t len = sizeof v;
    if (getsockopt(fd, level, name, &v, &len) < 0) {
        return -errno;
    }
    return v;
}

/* Reads until '\n' or end of file; returns the length. */
static int read_line(int fd, char *buf, int size) {
    int n = 0;
    while (n < size - 1) {
        ssize_t r = read(fd, buf + n, 1);
        if (r <= 0) {
            break;
        }
        n++;
        if (buf[n - 1] == '\n') {
            break;
        }
    }
    buf[n] = 0;
    return n;
}

static int client(int port, int uport) {
    char portstr[16], buf[256];
    snprintf(portstr, sizeof portstr, "%d", port);
    struct addrinfo hints = {0}, *res;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int g = getaddrinfo("localhost", portstr, &hints, &res);
    if (g != 0) {
        printf("getaddrinfo: %s\n", gai_strerror(g));
        return 1;
    }
    char ip[64];
    inet_ntop(AF_INET, &((struct sockaddr_in *) res->ai_addr)->sin_addr, ip, sizeof ip);
    printf("localhost is %s\n", ip);

    int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
    say("connect", connect(fd, res->ai_addr, res->ai_addrlen));
    freeaddrinfo(res);
    struct sockaddr_in peer, self;
    socklen_t len = sizeof peer;
    getpeername(fd, (struct sockaddr *) &peer, &len);
    len = sizeof self;
    getsockname(fd, (struct sockaddr *) &self, &len);
    printf("peer port is the server's: %d, local address %s, ephemeral port: %d\n",
           ntohs(peer.sin_port) == port, inet_ntoa(self.sin_addr), ntohs(self.sin_port) != 0);
    int one = 1;
    say("setsockopt TCP_NODELAY", setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
    say("setsockopt SO_KEEPALIVE", setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one));
    printf("TCP_NODELAY %d SO_KEEPALIVE %d SO_TYPE %d SO_ERROR %d\n", optval(fd, IPPROTO_TCP, TCP_NODELAY),
           optval(fd, SOL_SOCKET, SO_KEEPALIVE), optval(fd, SOL_SOCKET, SO_TYPE), optval(fd, SOL_SOCKET, SO_ERROR));
    const char *msg = "hello from the guest\n";
    say("send", send(fd, msg, strlen(msg), 0));
    struct pollfd p = {fd, POLLIN, 0};
    say("poll POLLIN", poll(&p, 1, 10000));
    ssize_t n = recv(fd, buf, 4, MSG_PEEK);
    printf("peeked %zd: %.4s\n", n, buf);
    read_line(fd, buf, sizeof buf);
    printf("reply: %s", buf);
    say("shutdown SHUT_WR", shutdown(fd, SHUT_WR));
    say("read at the end", read(fd, buf, sizeof buf));
    close(fd);

    /* a non-blocking connect to a port that is bound but not listening: refused */
    int holder = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = v4("127.0.0.1", 0);
    bind(holder, (struct sockaddr *) &a, sizeof a);
    len = sizeof a;
    getsockname(holder, (struct sockaddr *) &a, &len);
    int nb = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(nb, (struct sockaddr *) &a, sizeof a);
    printf("non-blocking connect: %s\n", r == 0 ? "0" : errno == EINPROGRESS ? "EINPROGRESS" : strerror(errno));
    if (r < 0 && errno == EINPROGRESS) {
        struct pollfd q = {nb, POLLOUT, 0};
        poll(&q, 1, 10000);
        printf("POLLOUT %d POLLERR %d\n", !!(q.revents & POLLOUT), !!(q.revents & POLLERR));
        int e = optval(nb, SOL_SOCKET, SO_ERROR);
        printf("SO_ERROR: %s\n", strerror(e));
    }
    close(nb);
    close(holder);

    /* UDP: an echo on the host */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in to = v4("127.0.0.1", uport);
    say("sendto", sendto(u, "ping", 4, 0, (struct sockaddr *) &to, sizeof to));
    struct pollfd q = {u, POLLIN, 0};
    say("poll udp", poll(&q, 1, 10000));
    int avail = -1;
    ioctl(u, FIONREAD, &avail);
    printf("FIONREAD %d\n", avail);
    n = recv(u, buf, 2, MSG_PEEK | MSG_TRUNC);
    printf("peek with MSG_TRUNC: %zd\n", n);
    struct sockaddr_in from;
    len = sizeof from;
    n = recvfrom(u, buf, sizeof buf, 0, (struct sockaddr *) &from, &len);
    printf("udp reply %zd: %.*s from the echo port: %d\n", n, (int) n, buf, ntohs(from.sin_port) == uport);
    n = recv(u, buf, sizeof buf, MSG_DONTWAIT);
    printf("nothing more: %s\n", n < 0 && errno == EAGAIN ? "EAGAIN" : "data");
    close(u);
    return 0;
}

static int server(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = v4("127.0.0.1", port);
    say("bind", bind(fd, (struct sockaddr *) &a, sizeof a));
    say("listen", listen(fd, 4));
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    say("epoll_wait", epoll_wait(ep, &ev, 1, 60000));
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    int c = accept4(fd, (struct sockaddr *) &peer, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
    printf("accepted from %s, O_NONBLOCK %d, FD_CLOEXEC %d\n", inet_ntoa(peer.sin_addr),
           !!(fcntl(c, F_GETFL) & O_NONBLOCK), !!(fcntl(c, F_GETFD) & FD_CLOEXEC));
    fcntl(c, F_SETFL, 0);
    char buf[256];
    read_line(c, buf, sizeof buf);
    printf("got: %s", buf);
    char reply[300];
    snprintf(reply, sizeof reply, "guest got: %s", buf);
    say("write", write(c, reply, strlen(reply)));
    close(c);
    close(fd);
    return 0;
}

/* Two guest processes over 127.0.0.1: the output is the same natively, on emu's loopback and
 * through the host's. */
static int pair(void) {
    signal(SIGPIPE, SIG_IGN);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = v4("127.0.0.1", 0);
    say("bind", bind(s, (struct sockaddr *) &a, sizeof a));
    socklen_t len = sizeof a;
    getsockname(s, (struct sockaddr *) &a, &len);
    say("listen", listen(s, 2));
    fcntl(s, F_SETFL, O_NONBLOCK);
    int nb = accept(s, NULL, NULL);
    printf("accept without a client: %s\n", nb < 0 && errno == EAGAIN ? "EAGAIN" : "?");
    fcntl(s, F_SETFL, 0);
    enum { SIZE = 300000 };
    pid_t pid = fork();
    if (pid == 0) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *) &a, sizeof a) < 0) {
            _exit(2);
        }
        static char big[SIZE];
        for (int i = 0; i < SIZE; i++) {
            big[i] = (char) (i * 7);
        }
        ssize_t w = write(c, big, SIZE);
        shutdown(c, SHUT_WR);
        char ack[8];
        ssize_t r = read(c, ack, sizeof ack);
        _exit(w == SIZE && r == 2 ? 0 : 3);
    }
    int c = accept(s, NULL, NULL);
    say("accepted", c >= 0);
    static char got[SIZE];
    long total = 0, sum = 0, ok = 1;
    for (;;) {
        ssize_t r = recv(c, got, sizeof got, MSG_WAITALL);
        if (r <= 0) {
            break;
        }
        for (ssize_t i = 0; i < r; i++) {
            ok &= got[i] == (char) ((total + i) * 7);
            sum += (unsigned char) got[i];
        }
        total += r;
    }
    printf("received %ld bytes, intact %ld, sum %ld\n", total, ok, sum);
    say("write ack", write(c, "ok", 2));
    int st;
    waitpid(pid, &st, 0);
    printf("client exit %d\n", WEXITSTATUS(st));
    close(c);
    close(s);
    return 0;
}

static int unreach(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = v4("192.0.2.1", 9);
    say("connect 192.0.2.1", connect(fd, (struct sockaddr *) &a, sizeof a));
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    say("sendto 192.0.2.1", sendto(u, "x", 1, 0, (struct sockaddr *) &a, sizeof a));
    return 0;
}

static int acceptwait(void) {
    int s = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    bind(s, (struct sockaddr *) &a, sizeof a);
    listen(s, 1);
    printf("waiting\n");
    fflush(stdout);
    accept(s, NULL, NULL);
    printf("accept returned\n");
    return 1;
}

int main(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[1], "client") == 0) {
        return client(atoi(argv[2]), atoi(argv[3]));
    }
    if (argc >= 3 && strcmp(argv[1], "server") == 0) {
        return server(atoi(argv[2]));
    }
    if (argc >= 2 && strcmp(argv[1], "pair") == 0) {
        return pair();
    }
    if (argc >= 2 && strcmp(argv[1], "unreach") == 0) {
        return unreach();
    }
    if (argc >= 2 && strcmp(argv[1], "acceptwait") == 0) {
        return acceptwait();
    }
    fprintf(stderr, "usage: net_host client PORT UPORT | server PORT | pair | unreach | acceptwait\n");
    return 2;
}

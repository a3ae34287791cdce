/* Echo servers waiting with poll, select and epoll on several clients at once, over AF_UNIX and
 * over loopback TCP (IPv4 and IPv6). The server is the parent; each client is a forked child that
 * sends a few messages, checks every echo and exits 0 if all came back whole. The output holds
 * only what does not depend on the order the host schedules the clients in. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define CLIENTS 4
#define MESSAGES 3

enum waiter { POLL, SELECT, EPOLL };
static const char *waiter_name[] = {"poll", "select", "epoll"};

typedef union {
    struct sockaddr sa;
    struct sockaddr_un un;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
} addr_t;

static int listener(int family, addr_t *a, socklen_t *len) {
    int s = socket(family, SOCK_STREAM, 0);
    memset(a, 0, sizeof *a);
    if (family == AF_UNIX) {
        a->un.sun_family = AF_UNIX;
        snprintf(a->un.sun_path + 1, sizeof a->un.sun_path - 1, "echoserv-%d", (int) getpid());
        *len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(a->un.sun_path + 1);
    } else if (family == AF_INET) {
        a->in.sin_family = AF_INET;
        a->in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        *len = sizeof a->in;
    } else {
        a->in6.sin6_family = AF_INET6;
        a->in6.sin6_addr = in6addr_loopback;
        *len = sizeof a->in6;
    }
    if (bind(s, &a->sa, *len) != 0 || listen(s, CLIENTS) != 0) {
        printf("bind/listen: %s\n", strerror(errno));
        exit(1);
    }
    socklen_t l = *len;
    getsockname(s, &a->sa, &l); /* the port the kernel chose */
    return s;
}

/* A client: MESSAGES round trips, each message echoed whole; exit status 0 when all were. */
static void client(int family, const addr_t *a, socklen_t len, int id) {
    int c = socket(family, SOCK_STREAM, 0);
    if (connect(c, &a->sa, len) != 0) {
        _exit(2);
    }
    for (int m = 0; m < MESSAGES; m++) {
        char out[64], in[64];
        int n = snprintf(out, sizeof out, "client %d message %d", id, m);
        if (write(c, out, n) != n) {
            _exit(3);
        }
        int got = 0;
        while (got < n) {
            ssize_t r = read(c, in + got, n - got);
            if (r <= 0) {
                _exit(4);
            }
            got += r;
        }
        if (memcmp(in, out, n) != 0) {
            _exit(5);
        }
    }
    close(c);
    _exit(0);
}

struct stats {
    int accepted, closed;
    long bytes;
};

/* Serves one readable connection: echoes what it reads; returns 0 when the client closed. */
static int serve(int fd, struct stats *st) {
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) {
        close(fd);
        st->closed++;
        return 0;
    }
    st->bytes += n;
    if (write(fd, buf, n) != n) {
        printf("short echo\n");
    }
    return 1;
}

static void run_poll(int s, struct stats *st) {
    struct pollfd fds[CLIENTS + 1];
    int nfds = 1;
    fds[0] = (struct pollfd){s, POLLIN, 0};
    while (st->closed < CLIENTS) {
        if (poll(fds, nfds, 10000) <= 0) {
            printf("poll: timeout or %s\n", strerror(errno));
            return;
        }
        for (int i = nfds - 1; i >= 1; i--) {
            if (fds[i].revents & (POLLIN | POLLHUP) && !serve(fds[i].fd, st)) {
                fds[i] = fds[--nfds];
            }
        }
        if (fds[0].revents & POLLIN) {
            fds[nfds++] = (struct pollfd){accept(s, NULL, NULL), POLLIN, 0};
            st->accepted++;
        }
    }
}

static void run_select(int s, struct stats *st) {
    int conns[CLIENTS], n = 0;
    while (st->closed < CLIENTS) {
        fd_set r;
        FD_ZERO(&r);
        FD_SET(s, &r);
        int max = s;
        for (int i = 0; i < n; i++) {
            FD_SET(conns[i], &r);
            max = conns[i] > max ? conns[i] : max;
        }
        struct timeval tv = {10, 0};
        if (select(max + 1, &r, NULL, NULL, &tv) <= 0) {
            printf("select: timeout or %s\n", strerror(errno));
            return;
        }
        for (int i = n - 1; i >= 0; i--) {
            if (FD_ISSET(conns[i], &r) && !serve(conns[i], st)) {
                conns[i] = conns[--n];
            }
        }
        if (FD_ISSET(s, &r)) {
            conns[n++] = accept(s, NULL, NULL);
            st->accepted++;
        }
    }
}

static void run_epoll(int s, struct stats *st) {
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = s};
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
    while (st->closed < CLIENTS) {
        struct epoll_event out[CLIENTS + 1];
        int n = epoll_wait(ep, out, CLIENTS + 1, 10000);
        if (n <= 0) {
            printf("epoll_wait: timeout or %s\n", strerror(errno));
            break;
        }
        for (int i = 0; i < n; i++) {
            if (out[i].data.fd == s) {
                int c = accept(s, NULL, NULL);
                struct epoll_event cev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = c};
                epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                st->accepted++;
            } else {
                int fd = out[i].data.fd;
                /* closing the fd drops it from the interest list, as Linux does */
                serve(fd, st);
            }
        }
    }
    close(ep);
}

static void round_trip(int family, const char *family_name, enum waiter w) {
    addr_t a;
    socklen_t len;
    int s = listener(family, &a, &len);
    pid_t kids[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            close(s);
            client(family, &a, len, i);
        }
    }
    struct stats st = {0, 0, 0};
    if (w == POLL) {
        run_poll(s, &st);
    } else if (w == SELECT) {
        run_select(s, &st);
    } else {
        run_epoll(s, &st);
    }
    close(s);
    int ok = 0;
    for (int i = 0; i < CLIENTS; i++) {
        int status;
        waitpid(kids[i], &status, 0);
        ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }
    printf("%s %s: accepted %d, closed %d, echoed %ld bytes, clients ok %d/%d\n", family_name,
           waiter_name[w], st.accepted, st.closed, st.bytes, ok, CLIENTS);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    for (int w = POLL; w <= EPOLL; w++) {
        round_trip(AF_UNIX, "unix", w);
        round_trip(AF_INET, "tcp4", w);
        round_trip(AF_INET6, "tcp6", w);
    }
    return 0;
}

package dev.emu.abi;

/**
 * Socket numbers of the Linux x86_64 ABI: address families (linux/socket.h), socket types and
 * their creation flags (linux/net.h), option levels and names (asm-generic/socket.h,
 * linux/tcp.h, linux/in.h, linux/in6.h), message flags and control-message types.
 */
public final class Sockets {
    private Sockets() {}

    public static final int AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16,
            AF_PACKET = 17, AF_MAX = 46;

    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_RDM = 4,
            SOCK_SEQPACKET = 5, SOCK_PACKET = 10, SOCK_TYPE_MASK = 0xf;
    /** Flags or-ed into socket(2)'s type: O_NONBLOCK and O_CLOEXEC. */
    public static final int SOCK_NONBLOCK = 04000, SOCK_CLOEXEC = 02000000;

    public static final int IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_IPV6 = 41;

    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;

    public static final int SOL_SOCKET = 1, SOL_TCP = 6;

    public static final int SO_DEBUG = 1, SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4,
            SO_DONTROUTE = 5, SO_BROADCAST = 6, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9,
            SO_OOBINLINE = 10, SO_NO_CHECK = 11, SO_PRIORITY = 12, SO_LINGER = 13,
            SO_BSDCOMPAT = 14, SO_REUSEPORT = 15, SO_PASSCRED = 16, SO_PEERCRED = 17,
            SO_RCVLOWAT = 18, SO_SNDLOWAT = 19, SO_RCVTIMEO = 20, SO_SNDTIMEO = 21,
            SO_ACCEPTCONN = 30, SO_SNDBUFFORCE = 32, SO_RCVBUFFORCE = 33, SO_PROTOCOL = 38,
            SO_DOMAIN = 39;

    public static final int TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_CORK = 3, TCP_KEEPIDLE = 4,
            TCP_KEEPINTVL = 5, TCP_KEEPCNT = 6;

    public static final int IPV6_V6ONLY = 26;

    public static final int MSG_OOB = 1, MSG_PEEK = 2, MSG_DONTROUTE = 4, MSG_CTRUNC = 8,
            MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100,
            MSG_NOSIGNAL = 0x4000, MSG_MORE = 0x8000, MSG_CMSG_CLOEXEC = 0x40000000;

    public static final int SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
    /** SCM_MAX_FD: the most descriptors one SCM_RIGHTS message may carry (include/net/scm.h). */
    public static final int SCM_MAX_FD = 253;

    /** sizeof(struct sockaddr_un), sockaddr_in, sockaddr_in6. */
    public static final int SOCKADDR_UN_SIZE = 110, SOCKADDR_IN_SIZE = 16, SOCKADDR_IN6_SIZE = 28;
    /** sizeof(struct sockaddr_storage): the most an address copy-in reads (move_addr_to_kernel). */
    public static final int SOCKADDR_STORAGE_SIZE = 128;

    /** SOMAXCONN: the backlog listen(2) caps at (net.core.somaxconn's default). */
    public static final int SOMAXCONN = 4096;
}

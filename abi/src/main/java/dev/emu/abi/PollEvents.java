package dev.emu.abi;

/**
 * The readiness bits of poll(2) and epoll(7) (include/uapi/asm-generic/poll.h and
 * include/uapi/linux/eventpoll.h). poll's POLL* and epoll's EPOLL* share the same values.
 */
public final class PollEvents {
    public static final int POLLIN = 0x0001;
    public static final int POLLPRI = 0x0002;
    public static final int POLLOUT = 0x0004;
    public static final int POLLERR = 0x0008;
    public static final int POLLHUP = 0x0010;
    public static final int POLLNVAL = 0x0020;
    public static final int POLLRDNORM = 0x0040;
    public static final int POLLRDBAND = 0x0080;
    public static final int POLLWRNORM = 0x0100;
    public static final int POLLWRBAND = 0x0200;
    public static final int POLLMSG = 0x0400;
    public static final int POLLRDHUP = 0x2000;

    /** What a file without a poll operation reports: always readable and writable (DEFAULT_POLLMASK). */
    public static final int DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

    private PollEvents() {}
}

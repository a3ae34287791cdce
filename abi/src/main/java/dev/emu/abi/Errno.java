package dev.emu.abi;

/**
 * Linux errno values (asm-generic/errno-base.h and errno.h), as x86_64 user space sees them.
 *
 * <p>Handlers return {@code -errno.number} across the syscall boundary; nothing here is thrown.
 */
public enum Errno {
    EPERM(1), ENOENT(2), ESRCH(3), EINTR(4), EIO(5), ENXIO(6), E2BIG(7), ENOEXEC(8), EBADF(9),
    ECHILD(10), EAGAIN(11), ENOMEM(12), EACCES(13), EFAULT(14), ENOTBLK(15), EBUSY(16),
    EEXIST(17), EXDEV(18), ENODEV(19), ENOTDIR(20), EISDIR(21), EINVAL(22), ENFILE(23),
    EMFILE(24), ENOTTY(25), ETXTBSY(26), EFBIG(27), ENOSPC(28), ESPIPE(29), EROFS(30),
    EMLINK(31), EPIPE(32), EDOM(33), ERANGE(34), EDEADLK(35), ENAMETOOLONG(36), ENOLCK(37),
    ENOSYS(38), ENOTEMPTY(39), ELOOP(40), ENOMSG(42), EIDRM(43), ENODATA(61), ETIME(62),
    EPROTO(71), EOVERFLOW(75), EBADFD(77), EILSEQ(84), ENOTSOCK(88), EDESTADDRREQ(89), EMSGSIZE(90),
    EPROTOTYPE(91), ENOPROTOOPT(92), EPROTONOSUPPORT(93), EOPNOTSUPP(95), EAFNOSUPPORT(97),
    ESOCKTNOSUPPORT(94), EADDRINUSE(98), EADDRNOTAVAIL(99), ENETDOWN(100), ENETUNREACH(101),
    ECONNABORTED(103), ECONNRESET(104), ENOBUFS(105), EISCONN(106), ENOTCONN(107), ETIMEDOUT(110),
    ECONNREFUSED(111), EHOSTUNREACH(113), EALREADY(114), EINPROGRESS(115), ECANCELED(125),
    /**
     * Kernel-internal (include/linux/errno.h): a blocked operation that re-executes the syscall
     * when woken (a FIFO open waiting for its partner); never reaches user space.
     */
    ERESTARTSYS(512),
    /** Kernel-internal (include/linux/errno.h); never reaches user space from bpf(). */
    ENOTSUPP(524);

    private static final Errno[] BY_NUMBER = new Errno[600];

    static {
        for (Errno e : values()) {
            BY_NUMBER[e.number] = e;
        }
    }

    /** The positive errno number. */
    public final int number;

    Errno(int number) {
        this.number = number;
    }

    /** The value a syscall returns for this error: {@code -number}. */
    public long ret() {
        return -number;
    }

    /** The errno with this positive number, or null if Linux defines none we know. */
    public static Errno of(int number) {
        return number > 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
    }

    /** The name of a negative syscall return value, e.g. -2 → "ENOENT", or null. */
    public static String nameOfReturn(long ret) {
        if (ret >= 0 || ret < -4095) {
            return null;
        }
        Errno e = of((int) -ret);
        return e == null ? "E" + (-ret) : e.name();
    }
}

package dev.emu.kernel.syscall;

import static dev.emu.abi.PollEvents.*;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.poll.PollLoop;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.task.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * poll(2), ppoll(2), select(2) and pselect6(2) (fs/select.c): one scan of the files' poll
 * operations per round of {@link PollLoop}, which waits on every queue they name.
 */
final class SysPoll {
    private SysPoll() {}

    static final int NR_POLL = 7, NR_SELECT = 23, NR_PSELECT6 = 270, NR_PPOLL = 271;
    /** What select's three sets stand for (POLLIN_SET, POLLOUT_SET, POLLEX_SET in fs/select.c). */
    static final int POLLIN_SET = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR;
    static final int POLLOUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR;
    static final int POLLEX_SET = POLLPRI;
    static final long NSEC = 1_000_000_000L;

    /** Poll implements Linux syscall poll(2): a negative timeout waits for ever. */
    static long poll(Task t, long ufds, long nfds, long timeoutMs, long a3, long a4, long a5) {
        long timeout = timeoutMs < 0 ? -1 : timeoutMs * 1_000_000L;
        return doPoll(t, NR_POLL, ufds, nfds, timeout, false, 0, 0);
    }

    /** Ppoll implements Linux syscall ppoll(2): a timespec timeout, a signal mask for the wait, the time left written back. */
    static long ppoll(Task t, long ufds, long nfds, long tsp, long sigmask, long sigsetsize, long a5) {
        long timeout = -1;
        if (tsp != 0) {
            timeout = SysTime.readTimespec(t, tsp);
            if (timeout < 0) {
                return Errno.EINVAL.ret();
            }
        }
        long[] mask = new long[1];
        long err = SysSignal.readWaitMask(t, sigmask, sigsetsize, mask);
        if (err != 0) {
            return err;
        }
        return doPoll(t, NR_PPOLL, ufds, nfds, timeout, sigmask != 0, mask[0], tsp);
    }

    /** Do_sys_poll: copy the pollfds in, wait, write every revents back (also on timeout and EINTR). */
    private static long doPoll(Task t, int nr, long ufds, long nfds, long timeout, boolean withMask, long mask, long tsp) {
        if (Long.compareUnsigned(nfds, t.process().fds().maxFds()) > 0) {
            return Errno.EINVAL.ret();
        }
        int n = (int) nfds;
        byte[] raw = n == 0 ? new byte[0] : t.memory().read(ufds, n * 8);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        PollLoop loop = PollLoop.enter(t, nr, timeout, withMask, mask);
        FdTable fds = t.process().fds();
        long r = loop.run((wait, table) -> {
            int ready = 0;
            for (int i = 0; i < n; i++) {
                int fd = b.getInt(i * 8);
                int events = b.getShort(i * 8 + 4) & 0xffff;
                int revents = 0;
                if (fd >= 0) {
                    File f = fds.get(fd);
                    if (f == null) {
                        revents = POLLNVAL;
                    } else {
                        int filter = events | POLLERR | POLLHUP;
                        wait.interest(filter);
                        revents = f.poll(t, table) & filter;
                    }
                }
                b.putShort(i * 8 + 6, (short) revents);
                if (revents != 0) {
                    ready++;
                }
            }
            return ready;
        }, "poll");
        if (r == SyscallResults.RESTART) {
            return r;
        }
        if (n > 0) {
            t.memory().write(ufds, raw);
        }
        if (tsp != 0) {
            writeRemaining(t, tsp, loop, false);
        }
        return r;
    }

    /** Select implements Linux syscall select(2): the time left is written back to the timeval. */
    static long select(Task t, long n, long inp, long outp, long exp, long tvp, long a5) {
        long timeout = -1;
        if (tvp != 0) {
            long sec = t.memory().readLong(tvp);
            long usec = t.memory().readLong(tvp + 8);
            if (sec < 0 || usec < 0) {
                return Errno.EINVAL.ret();
            }
            // tv_usec past a second is carried into tv_sec, as kern_select does.
            sec += usec / 1_000_000;
            usec %= 1_000_000;
            timeout = sec > Long.MAX_VALUE / NSEC - 1 ? Long.MAX_VALUE : sec * NSEC + usec * 1000;
        }
        return coreSelect(t, NR_SELECT, n, inp, outp, exp, timeout, false, 0, tvp, true);
    }

    /**
     * Pselect6 implements Linux syscall pselect6(2): a timespec timeout and, in the sixth
     * argument, a pointer to {const sigset_t *ss; size_t ss_len;}.
     */
    static long pselect6(Task t, long n, long inp, long outp, long exp, long tsp, long sig) {
        long timeout = -1;
        if (tsp != 0) {
            timeout = SysTime.readTimespec(t, tsp);
            if (timeout < 0) {
                return Errno.EINVAL.ret();
            }
        }
        long[] mask = new long[1];
        boolean withMask = false;
        if (sig != 0) {
            long ss = t.memory().readLong(sig);
            long err = SysSignal.readWaitMask(t, ss, t.memory().readLong(sig + 8), mask);
            if (err != 0) {
                return err;
            }
            withMask = ss != 0;
        }
        return coreSelect(t, NR_PSELECT6, n, inp, outp, exp, timeout, withMask, mask[0], tsp, false);
    }

    /**
     * Core_sys_select: {@code n} is capped at the fd table's size; a set bit naming a closed fd
     * is EBADF; the result sets are written back unless the call fails (EINTR included).
     */
    private static long coreSelect(Task t, int nr, long n, long inp, long outp, long exp, long timeout,
                                   boolean withMask, long mask, long timeAddr, boolean timeval) {
        if (n < 0) {
            return Errno.EINVAL.ret();
        }
        FdTable fds = t.process().fds();
        int max = (int) Math.min(n, Math.max(fds.capacity(), 64));
        int words = (max + 63) / 64;
        long[] in = readSet(t, inp, words), out = readSet(t, outp, words), ex = readSet(t, exp, words);
        for (int fd = 0; fd < max; fd++) {
            if (isSet(in, fd) || isSet(out, fd) || isSet(ex, fd)) {
                if (fds.get(fd) == null) {
                    return Errno.EBADF.ret();
                }
            }
        }
        long[] rin = new long[words], rout = new long[words], rex = new long[words];
        PollLoop loop = PollLoop.enter(t, nr, timeout, withMask, mask);
        long r = loop.run((wait, table) -> {
            Arrays.fill(rin, 0);
            Arrays.fill(rout, 0);
            Arrays.fill(rex, 0);
            int ready = 0;
            for (int fd = 0; fd < max; fd++) {
                boolean wantIn = isSet(in, fd), wantOut = isSet(out, fd), wantEx = isSet(ex, fd);
                if (!wantIn && !wantOut && !wantEx) {
                    continue;
                }
                File f = fds.get(fd);
                if (f == null) {
                    return Errno.EBADF.ret(); // closed by another thread meanwhile
                }
                wait.interest((wantIn ? POLLIN_SET : 0) | (wantOut ? POLLOUT_SET : 0) | (wantEx ? POLLEX_SET : 0));
                int revents = f.poll(t, table);
                if (wantIn && (revents & POLLIN_SET) != 0) {
                    set(rin, fd);
                    ready++;
                }
                if (wantOut && (revents & POLLOUT_SET) != 0) {
                    set(rout, fd);
                    ready++;
                }
                if (wantEx && (revents & POLLEX_SET) != 0) {
                    set(rex, fd);
                    ready++;
                }
            }
            return ready;
        }, "select");
        if (r == SyscallResults.RESTART) {
            return r;
        }
        if (timeAddr != 0) {
            writeRemaining(t, timeAddr, loop, timeval);
        }
        if (r < 0) {
            return r;
        }
        writeSet(t, inp, rin);
        writeSet(t, outp, rout);
        writeSet(t, exp, rex);
        return r;
    }

    /**
     * Poll_select_finish: the time left goes back to the caller's timeval or timespec; a
     * write that fails is ignored (the call succeeded), as Linux ignores it.
     */
    private static void writeRemaining(Task t, long addr, PollLoop loop, boolean timeval) {
        long left = loop.remainingNanos();
        if (left == Long.MAX_VALUE) {
            return;
        }
        try {
            t.memory().writeLong(addr, left / NSEC);
            t.memory().writeLong(addr + 8, timeval ? (left % NSEC) / 1000 : left % NSEC);
        } catch (BadAddressException ignored) {
            // "we don't want the Linux-specific update to the timeval to cause a fault after the select has completed successfully"
        }
    }

    /** An fd_set of {@code words} longs from the guest; null for a NULL pointer (no set). */
    private static long[] readSet(Task t, long addr, int words) {
        if (addr == 0) {
            return null;
        }
        long[] s = new long[words];
        if (words > 0) {
            ByteBuffer.wrap(t.memory().read(addr, words * 8)).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(s);
        }
        return s;
    }

    private static void writeSet(Task t, long addr, long[] s) {
        if (addr == 0 || s.length == 0) {
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(s.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(s);
        t.memory().write(addr, b.array());
    }

    private static boolean isSet(long[] s, int fd) {
        return s != null && (s[fd >>> 6] & (1L << (fd & 63))) != 0;
    }

    private static void set(long[] s, int fd) {
        s[fd >>> 6] |= 1L << (fd & 63);
    }
}

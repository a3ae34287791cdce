package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.mm.UserMemory;
import dev.emu.kernel.poll.EpollFile;
import dev.emu.kernel.poll.PollLoop;
import dev.emu.kernel.task.Task;

/** The epoll(7) syscalls (fs/eventpoll.c); the instance is {@link EpollFile}. */
final class SysEpoll {
    private SysEpoll() {}

    static final int EPOLL_CLOEXEC = 02000000;
    static final int EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2, EPOLL_CTL_MOD = 3;
    static final int NR_EPOLL_WAIT = 232, NR_EPOLL_PWAIT = 281, NR_EPOLL_PWAIT2 = 441;
    /** EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event). */
    static final int EP_MAX_EVENTS = Integer.MAX_VALUE / EpollFile.EVENT_SIZE;

    /** Epoll_create implements Linux syscall epoll_create(2): {@code size} only has to be positive. */
    static long epollCreate(Task t, long size, long a1, long a2, long a3, long a4, long a5) {
        if (size <= 0) {
            return Errno.EINVAL.ret();
        }
        return create(t, 0);
    }

    /** Epoll_create1 implements Linux syscall epoll_create1(2). */
    static long epollCreate1(Task t, long flags, long a1, long a2, long a3, long a4, long a5) {
        if ((flags & ~EPOLL_CLOEXEC) != 0) {
            return Errno.EINVAL.ret();
        }
        return create(t, (int) flags);
    }

    private static long create(Task t, int flags) {
        EpollFile ep = new EpollFile(t.kernel().scheduler(), t.kernel().memory(), 2); // O_RDWR
        int fd = t.process().fds().install(ep, 0, (flags & EPOLL_CLOEXEC) != 0);
        if (fd < 0) {
            ep.release();
        }
        return fd;
    }

    /** Epoll_ctl implements Linux syscall epoll_ctl(2), with do_epoll_ctl's checks in its order. */
    static long epollCtl(Task t, long epfd, long op, long fd, long event, long a4, long a5) {
        int events = 0;
        long data = 0;
        if (op != EPOLL_CTL_DEL) {
            events = t.memory().readInt(event);
            data = t.memory().readLong(event + 4);
        }
        FdTable fds = t.process().fds();
        File f = fds.get(epfd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        File target = fds.get(fd);
        if (target == null) {
            return Errno.EBADF.ret();
        }
        if (!target.pollable()) {
            return Errno.EPERM.ret();
        }
        // ep_take_care_of_epollwakeup: the guest has no CAP_BLOCK_SUSPEND, so the bit is dropped.
        events &= ~EpollFile.EPOLLWAKEUP;
        if (f == target || !(f instanceof EpollFile ep)) {
            return Errno.EINVAL.ret();
        }
        if (op != EPOLL_CTL_DEL && (events & EpollFile.EPOLLEXCLUSIVE) != 0) {
            if (op == EPOLL_CTL_MOD) {
                return Errno.EINVAL.ret();
            }
            if (op == EPOLL_CTL_ADD && (target instanceof EpollFile || (events & ~EpollFile.EPOLLEXCLUSIVE_OK_BITS) != 0)) {
                return Errno.EINVAL.ret();
            }
        }
        return switch ((int) op) {
            case EPOLL_CTL_ADD -> {
                if (target instanceof EpollFile inner && ep.wouldLoop(inner)) {
                    yield Errno.ELOOP.ret();
                }
                yield ep.add(t, target, (int) fd, events, data);
            }
            case EPOLL_CTL_DEL -> ep.remove(target, (int) fd);
            case EPOLL_CTL_MOD -> ep.modify(t, target, (int) fd, events, data);
            default -> Errno.EINVAL.ret();
        };
    }

    /** Epoll_wait implements Linux syscall epoll_wait(2): a negative timeout waits for ever. */
    static long epollWait(Task t, long epfd, long events, long maxevents, long timeoutMs, long a4, long a5) {
        return doWait(t, NR_EPOLL_WAIT, epfd, events, maxevents, timeoutMs < 0 ? -1 : timeoutMs * 1_000_000L, false, 0);
    }

    /** Epoll_pwait implements Linux syscall epoll_pwait(2): epoll_wait with a signal mask for the wait. */
    static long epollPwait(Task t, long epfd, long events, long maxevents, long timeoutMs, long sigmask, long sigsetsize) {
        long[] mask = new long[1];
        long err = SysSignal.readWaitMask(t, sigmask, sigsetsize, mask);
        if (err != 0) {
            return err;
        }
        return doWait(t, NR_EPOLL_PWAIT, epfd, events, maxevents, timeoutMs < 0 ? -1 : timeoutMs * 1_000_000L, sigmask != 0, mask[0]);
    }

    /** Epoll_pwait2 implements Linux syscall epoll_pwait2(2): a timespec timeout (NULL: for ever). */
    static long epollPwait2(Task t, long epfd, long events, long maxevents, long tsp, long sigmask, long sigsetsize) {
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
        return doWait(t, NR_EPOLL_PWAIT2, epfd, events, maxevents, timeout, sigmask != 0, mask[0]);
    }

    /** Do_epoll_wait: maxevents, then the buffer's range, then the fd, then its type. */
    private static long doWait(Task t, int nr, long epfd, long events, long maxevents, long timeout, boolean withMask, long mask) {
        if (maxevents <= 0 || maxevents > EP_MAX_EVENTS) {
            return Errno.EINVAL.ret();
        }
        if (!UserMemory.accessOk(events, maxevents * EpollFile.EVENT_SIZE)) {
            return Errno.EFAULT.ret();
        }
        File f = t.process().fds().get(epfd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        if (!(f instanceof EpollFile ep)) {
            return Errno.EINVAL.ret();
        }
        PollLoop loop = PollLoop.enter(t, nr, timeout, withMask, mask);
        return loop.run((wait, table) -> {
            table.wait(ep.waitQueue());
            ep.forwardWakeAt(t, table);
            return ep.eventsAvailable() ? ep.collect(t, events, (int) maxevents) : 0;
        }, "epoll_wait");
    }
}

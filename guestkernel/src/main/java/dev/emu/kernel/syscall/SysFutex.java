package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.sync.Futexes;
import dev.emu.kernel.task.Task;

/** futex(2) (kernel/futex/syscalls.c, waitwake.c, requeue.c). */
final class SysFutex {
    private SysFutex() {}

    static final int FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4,
            FUTEX_WAKE_OP = 5, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
    static final int FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;

    /**
     * Futex implements Linux syscall futex(2): WAIT, WAKE, WAIT_BITSET, WAKE_BITSET, REQUEUE,
     * CMP_REQUEUE and WAKE_OP. Private and shared futexes are both keyed by the caller's address
     * space (emu has no shared mappings between processes).
     */
    static long futex(Task t, long uaddr, long op, long val, long timeout, long uaddr2, long val3) {
        int cmd = (int) op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
        if ((op & FUTEX_CLOCK_REALTIME) != 0 && cmd != FUTEX_WAIT_BITSET) {
            return Errno.ENOSYS.ret(); // do_futex: only the absolute-time waits take a clock
        }
        if ((uaddr & 3) != 0) {
            return Errno.EINVAL.ret();
        }
        Futexes f = t.kernel().futexes();
        Scheduler s = t.kernel().scheduler();
        Object space = t.process().mm();
        switch (cmd) {
            case FUTEX_WAIT, FUTEX_WAIT_BITSET -> {
                int bitset = cmd == FUTEX_WAIT ? Futexes.MATCH_ANY : (int) val3;
                if (bitset == 0) {
                    return Errno.EINVAL.ret();
                }
                long now = t.kernel().clock().nanos();
                long deadline = Long.MAX_VALUE;
                if (timeout != 0) {
                    long ns = SysTime.readTimespec(t, timeout);
                    if (ns < 0) {
                        return Errno.EINVAL.ret();
                    }
                    if (cmd == FUTEX_WAIT) {
                        deadline = now + ns;
                    } else {
                        int clock = (op & FUTEX_CLOCK_REALTIME) != 0 ? SysTime.CLOCK_REALTIME : SysTime.CLOCK_MONOTONIC;
                        deadline = now + (ns - SysTime.now(t, clock));
                    }
                }
                if (t.memory().readInt(uaddr) != (int) val) {
                    return Errno.EAGAIN.ret();
                }
                if (deadline <= now) {
                    return Errno.ETIMEDOUT.ret();
                }
                f.park(t, space, uaddr, bitset, deadline, Errno.ETIMEDOUT.ret());
                return 0;
            }
            case FUTEX_WAKE, FUTEX_WAKE_BITSET -> {
                int bitset = cmd == FUTEX_WAKE ? Futexes.MATCH_ANY : (int) val3;
                if (bitset == 0) {
                    return Errno.EINVAL.ret();
                }
                return f.wake(s, space, uaddr, Math.max(1, (int) val), bitset);
            }
            case FUTEX_REQUEUE, FUTEX_CMP_REQUEUE -> {
                if ((uaddr2 & 3) != 0 || (int) val < 0 || (int) timeout < 0) {
                    return Errno.EINVAL.ret();
                }
                if (cmd == FUTEX_CMP_REQUEUE && t.memory().readInt(uaddr) != (int) val3) {
                    return Errno.EAGAIN.ret();
                }
                return f.requeue(s, space, uaddr, Math.max(1, (int) val), uaddr2, (int) timeout);
            }
            case FUTEX_WAKE_OP -> {
                if ((uaddr2 & 3) != 0) {
                    return Errno.EINVAL.ret();
                }
                int enc = (int) val3;
                int opc = (enc >>> 28) & 7;
                boolean shift = ((enc >>> 28) & 8) != 0;
                int cmp = (enc >>> 24) & 15;
                int oparg = (enc << 8) >> 20;
                int cmparg = (enc << 20) >> 20;
                if (shift) {
                    oparg = 1 << (oparg & 31);
                }
                int old = t.memory().readInt(uaddr2);
                int next = switch (opc) {
                    case 0 -> oparg;
                    case 1 -> old + oparg;
                    case 2 -> old | oparg;
                    case 3 -> old & ~oparg;
                    case 4 -> old ^ oparg;
                    default -> Integer.MIN_VALUE;
                };
                boolean hit = switch (cmp) {
                    case 0 -> old == cmparg;
                    case 1 -> old != cmparg;
                    case 2 -> old < cmparg;
                    case 3 -> old <= cmparg;
                    case 4 -> old > cmparg;
                    case 5 -> old >= cmparg;
                    default -> false;
                };
                if (opc > 4 || cmp > 5) {
                    return Errno.ENOSYS.ret();
                }
                t.memory().writeInt(uaddr2, next);
                int n = f.wake(s, space, uaddr, Math.max(1, (int) val), Futexes.MATCH_ANY);
                if (hit) {
                    n += f.wake(s, space, uaddr2, Math.max(1, (int) timeout), Futexes.MATCH_ANY);
                }
                return n;
            }
            default -> {
                t.kernel().log().once("futex:" + cmd, "futex op " + cmd + " not supported: -ENOSYS");
                return Errno.ENOSYS.ret();
            }
        }
    }
}

package dev.emu.kernel.task;

/**
 * The fields of a siginfo_t emu fills (include/uapi/asm-generic/siginfo.h).
 *
 * @param signo the signal
 * @param code si_code (SI_USER, SI_TKILL, SI_TIMER, SEGV_MAPERR, CLD_EXITED…)
 * @param pid sender pid (kill, sigqueue), child pid (SIGCHLD), or the timer id (SI_TIMER: si_tid)
 * @param addr fault address (SIGSEGV, SIGBUS…)
 * @param status SIGCHLD: exit code or signal; SI_TIMER: si_overrun
 * @param value si_value (sigval) of SI_TIMER and SI_QUEUE signals
 * @param raw the 128 bytes rt_sigqueueinfo copied from the sender, or null
 * @param onDequeue what must happen when the signal leaves the pending set (a POSIX timer re-arms); null if nothing
 */
public record SigInfo(int signo, int code, int pid, long addr, int status, long value, byte[] raw, DequeueHook onDequeue) {
    public static final int SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_MESGQ = -3,
            SI_ASYNCIO = -4, SI_SIGIO = -5, SI_TKILL = -6;
    public static final int SEGV_MAPERR = 1, SEGV_ACCERR = 2;
    /** si_code of SIGBUS for an access past the end of a mapped object. */
    public static final int BUS_ADRERR = 2;
    public static final int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_TRAPPED = 4, CLD_STOPPED = 5,
            CLD_CONTINUED = 6;

    /** Called when a queued signal is dequeued, for delivery or by sigtimedwait (posixtimer_rearm). */
    @FunctionalInterface
    public interface DequeueHook {
        /** Returns the siginfo the receiver sees (a timer fills in si_overrun). */
        SigInfo dequeued(SigInfo info);
    }

    public SigInfo(int signo, int code, int pid, long addr, int status) {
        this(signo, code, pid, addr, status, 0, null, null);
    }

    /** A copy with si_overrun (SI_TIMER) or the status replaced. */
    public SigInfo withStatus(int newStatus) {
        return new SigInfo(signo, code, pid, addr, newStatus, value, raw, null);
    }

    /** The 128-byte siginfo_t as x86_64 lays it out. */
    public byte[] encode() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(128).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (raw != null) {
            b.put(0, raw, 0, Math.min(raw.length, 128));
            b.putInt(0, signo);
            return b.array();
        }
        b.putInt(0, signo);
        b.putInt(8, code);
        if (addr != 0) {
            b.putLong(16, addr);
        } else if (code == SI_TIMER) {
            b.putInt(16, pid); // si_tid
            b.putInt(20, status); // si_overrun
            b.putLong(24, value); // si_sigval
        } else if (code == SI_QUEUE || code == SI_MESGQ) {
            b.putInt(16, pid);
            b.putInt(20, 0); // uid: root
            b.putLong(24, value);
        } else {
            b.putInt(16, pid);
            b.putInt(20, 0); // uid: root
            b.putInt(24, status);
        }
        return b.array();
    }
}

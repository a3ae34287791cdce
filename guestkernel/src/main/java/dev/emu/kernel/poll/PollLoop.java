package dev.emu.kernel.poll;

import dev.emu.abi.Errno;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.Task;

/**
 * The waiting loop shared by poll, select and epoll_wait (do_poll, do_select and ep_poll in
 * fs/select.c and fs/eventpoll.c), spread over RESTARTs: scan; if something is ready, or the
 * timeout is 0 or has passed, return; if a signal is pending, EINTR; else park on every queue
 * the scan named until a wake-up or the deadline, and scan again when the syscall re-executes.
 *
 * <p>The deadline (kernel clock) and the caller's signal mask survive the restarts in the
 * task's resume state, so a timeout counts from the first call and a timed-out wait gives the
 * same result on every run. A temporary mask (ppoll, pselect6, epoll_pwait) is undone when the
 * call returns, except on EINTR: then the signal frame saves the caller's mask and sigreturn
 * restores it, as Linux's restore_saved_sigmask_unless(-EINTR) does.
 */
public final class PollLoop {
    /** One scan of the watched files; returns the number ready (> 0), 0, or -errno. */
    @FunctionalInterface
    public interface Scan {
        long scan(PollWait wait, PollTable table);
    }

    /** What survives a RESTART of the same call. */
    private record Resume(int syscall, long deadline, long handlerFrames, boolean masked, long callerMask) {}

    private final Task task;
    private final int syscall;
    private final Resume resumed;
    private final long deadline;
    private final boolean masked;
    private final long callerMask;

    private PollLoop(Task task, int syscall, Resume resumed, long deadline, boolean masked, long callerMask) {
        this.task = task;
        this.syscall = syscall;
        this.resumed = resumed;
        this.deadline = deadline;
        this.masked = masked;
        this.callerMask = callerMask;
    }

    /**
     * Enters (or re-enters after a RESTART) the wait of syscall {@code nr}: {@code timeoutNanos}
     * < 0 waits without limit; {@code mask}, if {@code withMask}, is the signal mask for the wait
     * (already stripped of SIGKILL and SIGSTOP). Arguments must be validated before this.
     */
    public static PollLoop enter(Task t, int nr, long timeoutNanos, boolean withMask, long mask) {
        long now = t.kernel().clock().nanos();
        if (t.resumeState() instanceof Resume r && r.syscall == nr) {
            t.setResumeState(null);
            return new PollLoop(t, nr, r, r.deadline, r.masked, r.callerMask);
        }
        long deadline = timeoutNanos < 0 || timeoutNanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + timeoutNanos;
        long callerMask = t.signalMask();
        if (withMask) {
            t.setSavedSignalMask(callerMask);
            t.setSignalMask(mask);
        }
        return new PollLoop(t, nr, null, deadline, withMask, callerMask);
    }

    /** The absolute deadline on the kernel clock; Long.MAX_VALUE for none. */
    public long deadline() {
        return deadline;
    }

    /** Time left before the deadline, at least 0; Long.MAX_VALUE for none (what select writes back). */
    public long remainingNanos() {
        return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, deadline - task.kernel().clock().nanos());
    }

    /** Runs one round of the loop; returns the scan's result, -EINTR, or RESTART (parked). */
    public long run(Scan scan, String what) {
        if (resumed != null && resumed.handlerFrames != task.handlerFrames()) {
            // A handler ran between the wake-up and this re-execution: the signal ends the call.
            return Errno.EINTR.ret();
        }
        boolean mayWait = task.kernel().clock().nanos() < deadline;
        PollWait wait = new PollWait(task);
        long n = scan.scan(wait, mayWait ? wait : PollTable.NONE);
        if (n != 0 || !mayWait) {
            wait.finish();
            restoreMask();
            return n;
        }
        if (task.hasDeliverableSignal()) {
            wait.finish();
            return Errno.EINTR.ret(); // the frame saves the caller's mask
        }
        wait.park(deadline, what);
        task.setResumeState(new Resume(syscall, deadline, task.handlerFrames(), masked, callerMask));
        return SyscallResults.RESTART;
    }

    private void restoreMask() {
        if (masked) {
            task.setSignalMask(callerMask);
            task.setSavedSignalMask(-1);
        }
    }
}

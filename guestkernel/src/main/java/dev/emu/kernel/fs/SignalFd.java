package dev.emu.kernel.fs;

import static dev.emu.abi.PollEvents.*;

import dev.emu.abi.Errno;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.SigInfo;
import dev.emu.kernel.task.Task;

/**
 * A signalfd (fs/signalfd.c): reading it dequeues the reader's pending signals that are in its
 * mask, each as a 128-byte struct signalfd_siginfo, blocking until one is pending; readable
 * while one is. The reader's own pending set is used (emu queues a process-directed signal on
 * one thread), and a sent signal wakes readers through the process's signalfd wait queue.
 */
public final class SignalFd extends AnonInodeFile {
    public static final int SFD_NONBLOCK = 04000, SFD_CLOEXEC = 02000000;
    /** Sizeof(struct signalfd_siginfo). */
    public static final int SIGINFO_SIZE = 128;

    private long mask;

    public SignalFd(long mask, int flags) {
        super(2 | (flags & SFD_NONBLOCK), "signalfd");
        this.mask = mask;
    }

    /** Signalfd4 on an existing signalfd replaces its mask. */
    public void setMask(long mask) {
        this.mask = mask;
    }

    private long ready(Task t) {
        return t.pendingSignals() & mask;
    }

    /** Signalfd_read: as many signals as fit, blocking only for the first. */
    @Override
    public long read(Task task, byte[] dst, int off, int len) {
        int room = len / SIGINFO_SIZE;
        if (room == 0) {
            return Errno.EINVAL.ret();
        }
        if (ready(task) == 0) {
            if ((statusFlags() & SFD_NONBLOCK) != 0) {
                return Errno.EAGAIN.ret();
            }
            task.process().signalfdWaiters().park(task);
            return SyscallResults.RESTART;
        }
        int n = 0;
        while (n < room && ready(task) != 0) {
            int sig = task.nextPending(mask);
            SigInfo info = task.takePending(sig);
            encode(sig, info, dst, off + n * SIGINFO_SIZE);
            n++;
        }
        return (long) n * SIGINFO_SIZE;
    }

    /** Signalfd_poll. */
    @Override
    public int poll(Task task, PollTable table) {
        table.wait(task.process().signalfdWaiters());
        return ready(task) != 0 ? POLLIN : 0;
    }

    /**
     * Signalfd_copyinfo: ssi_signo 0, ssi_errno 4, ssi_code 8, ssi_pid 12, ssi_uid 16, ssi_fd
     * 20, ssi_tid 24, ssi_band 28, ssi_overrun 32, ssi_trapno 36, ssi_status 40, ssi_int 44,
     * ssi_ptr 48, ssi_utime 56, ssi_stime 64, ssi_addr 72; the rest is zero.
     */
    static void encode(int sig, SigInfo info, byte[] b, int off) {
        java.nio.ByteBuffer out = java.nio.ByteBuffer.wrap(b, off, SIGINFO_SIZE).slice().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < SIGINFO_SIZE; i++) {
            out.put(i, (byte) 0);
        }
        out.putInt(0, sig);
        if (info == null) {
            out.putInt(8, SigInfo.SI_KERNEL);
            return;
        }
        out.putInt(8, info.code());
        if (info.addr() != 0) {
            out.putLong(72, info.addr());
        } else {
            out.putInt(12, info.pid());
            out.putInt(16, 0); // uid: root
            out.putInt(40, info.status());
        }
    }
}

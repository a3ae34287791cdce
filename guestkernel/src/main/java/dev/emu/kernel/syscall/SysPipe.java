package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.Pipe;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.task.Task;

/** pipe(2) and pipe2(2) (fs/pipe.c). */
final class SysPipe {
    private SysPipe() {}

    static final int O_CLOEXEC = 02000000, O_DIRECT = 040000;

    /** Pipe implements Linux syscall pipe(2). */
    static long pipe(Task t, long fds, long a1, long a2, long a3, long a4, long a5) {
        return pipe2(t, fds, 0, 0, 0, 0, 0);
    }

    /** Pipe2 implements Linux syscall pipe2(2) (do_pipe2 in fs/pipe.c); O_DIRECT is accepted as a plain pipe. */
    static long pipe2(Task t, long fds, long flags, long a2, long a3, long a4, long a5) {
        if ((flags & ~(long) (O_CLOEXEC | Pipe.O_NONBLOCK | O_DIRECT)) != 0) {
            return Errno.EINVAL.ret();
        }
        boolean cloexec = (flags & O_CLOEXEC) != 0;
        // The 64 KiB buffer is charged to the guest's memory until both ends are closed.
        var memory = t.kernel().memory();
        if (!memory.tryChargeHeap(Pipe.CAPACITY)) {
            return Errno.ENOMEM.ret();
        }
        Pipe.Accounting growth = new Pipe.Accounting() {
            @Override
            public boolean charge(long bytes) {
                return memory.tryChargeHeap(bytes);
            }

            @Override
            public void uncharge(long bytes) {
                memory.unchargeHeap(bytes);
            }
        };
        Pipe p = new Pipe(t.kernel().scheduler(), t.kernel().allocInode(), (int) flags, growth,
                () -> memory.unchargeHeap(Pipe.CAPACITY));
        FdTable table = t.process().fds();
        int r = table.install(p.readEnd(), 0, cloexec);
        if (r < 0) {
            p.readEnd().release();
            p.writeEnd().release();
            return r;
        }
        int w = table.install(p.writeEnd(), 0, cloexec);
        if (w < 0) {
            table.close(r);
            p.writeEnd().release();
            return w;
        }
        try {
            t.memory().writeInt(fds, r);
            t.memory().writeInt(fds + 4, w);
        } catch (BadAddressException e) {
            table.close(r);
            table.close(w);
            throw e;
        }
        return 0;
    }

    static final int F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;

    /** F_SETPIPE_SZ and F_GETPIPE_SZ of fcntl(2) (pipe_fcntl): EBADF for a file that is no pipe. */
    static long fcntl(File f, long cmd, long arg) {
        Pipe p = Pipe.of(f);
        if (p == null) {
            return Errno.EBADF.ret();
        }
        return cmd == F_SETPIPE_SZ ? p.resize(arg & 0xffff_ffffL) : p.capacity();
    }
}

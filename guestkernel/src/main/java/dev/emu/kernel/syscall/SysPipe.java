package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.FdTable;
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
        Pipe p = new Pipe(t.kernel().scheduler(), t.kernel().allocInode(), (int) flags,
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
}

package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.task.Task;

/**
 * Resolving and installing map and program fds (Linux's __bpf_map_get / bpf_prog_get and
 * bpf_map_new_fd / bpf_prog_new_fd). An fd that is not open is EBADF; an open fd of another
 * kind is EINVAL. New fds are close-on-exec, as Linux's are.
 */
final class BpfFds {
    private BpfFds() {}

    /** The map open as {@code fd}; null with {@code err[0]} = -EBADF or -EINVAL otherwise. */
    static MapObject map(Task t, long fd, long[] err) {
        File f = fd < 0 || fd > Integer.MAX_VALUE ? null : t.process().fds().get(fd);
        if (f instanceof BpfMapFile m) {
            return m.map();
        }
        err[0] = f == null ? Errno.EBADF.ret() : Errno.EINVAL.ret();
        return null;
    }

    /** The program open as {@code fd}; null with {@code err[0]} = -EBADF or -EINVAL otherwise. */
    static BpfProgram program(Task t, long fd, long[] err) {
        File f = fd < 0 || fd > Integer.MAX_VALUE ? null : t.process().fds().get(fd);
        if (f instanceof BpfProgFile p) {
            return p.program();
        }
        err[0] = f == null ? Errno.EBADF.ret() : Errno.EINVAL.ret();
        return null;
    }

    /** The BTF open as {@code fd}; null with {@code err[0]} = -EBADF or -EINVAL otherwise (btf_get_by_fd). */
    static BtfObject btf(Task t, long fd, long[] err) {
        File f = fd < 0 || fd > Integer.MAX_VALUE ? null : t.process().fds().get(fd);
        if (f instanceof BtfFile b) {
            return b.btf();
        }
        err[0] = f == null ? Errno.EBADF.ret() : Errno.EINVAL.ret();
        return null;
    }

    /** Installs {@code file} at the lowest free fd; on -EMFILE the file is released again. */
    static long install(Task t, File file) {
        int fd = t.process().fds().install(file, 0, true);
        if (fd < 0) {
            file.release();
        }
        return fd;
    }
}

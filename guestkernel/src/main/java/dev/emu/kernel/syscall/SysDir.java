package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.DirEntry;
import dev.emu.kernel.vfs.DirectoryFile;
import dev.emu.kernel.vfs.Result;
import dev.emu.kernel.vfs.Vfs;
import dev.emu.kernel.vfs.VfsFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Directories and the process's place in the tree (fs/readdir.c, fs/open.c, fs/d_path.c): getdents64, chdir, getcwd, chroot, umask. */
final class SysDir {
    private SysDir() {}

    /**
     * Getdents64 implements Linux syscall getdents64(2): as many struct linux_dirent64 records
     * as fit (d_ino, d_off, d_reclen, d_type, name, NUL, padded to 8 bytes); EINVAL when not even
     * the next one fits.
     */
    static long getdents64(Task t, long fd, long dirp, long count, long a3, long a4, long a5) {
        File f = t.process().fds().get((int) fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        if (!(f instanceof DirectoryFile dir)) {
            return Errno.ENOTDIR.ret();
        }
        Result<List<DirEntry>> entries = dir.entriesFromPosition();
        if (entries.failed()) {
            return entries.ret();
        }
        int cap = (int) Math.min(count & 0xffffffffL, 1 << 20); // unsigned int count; more than 1 MiB per call is never needed
        ByteBuffer out = ByteBuffer.allocate(cap).order(ByteOrder.LITTLE_ENDIAN);
        long position = dir.offset();
        int taken = 0;
        for (DirEntry e : entries.value()) {
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            int reclen = (19 + name.length + 1 + 7) & ~7;
            if (out.remaining() < reclen) {
                break;
            }
            int at = out.position();
            out.putLong(e.ino()).putLong(position + taken + 1).putShort((short) reclen).put((byte) e.type()).put(name);
            out.position(at + reclen);
            taken++;
        }
        if (taken == 0 && !entries.value().isEmpty()) {
            return Errno.EINVAL.ret();
        }
        t.memory().write(dirp, out.array(), 0, out.position());
        dir.advance(taken);
        return out.position();
    }

    /** Chdir implements Linux syscall chdir(2). */
    static long chdir(Task t, long pathAddr, long a1, long a2, long a3, long a4, long a5) {
        Result<String> p = PathArgs.path(t, pathAddr);
        if (p.failed()) {
            return p.ret();
        }
        Result<Dentry> d = PathArgs.resolve(t, PathArgs.AT_FDCWD, p.value(), true, false);
        return d.failed() ? d.ret() : enter(t, d.value(), false);
    }

    /** Fchdir implements Linux syscall fchdir(2). */
    static long fchdir(Task t, long fd, long a1, long a2, long a3, long a4, long a5) {
        File f = t.process().fds().get((int) fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        return f instanceof VfsFile v ? enter(t, v.dentry(), false) : Errno.ENOTDIR.ret();
    }

    /** Chroot implements Linux syscall chroot(2) (the guest is root, so CAP_SYS_CHROOT holds). */
    static long chroot(Task t, long pathAddr, long a1, long a2, long a3, long a4, long a5) {
        Result<String> p = PathArgs.path(t, pathAddr);
        if (p.failed()) {
            return p.ret();
        }
        Result<Dentry> d = PathArgs.resolve(t, PathArgs.AT_FDCWD, p.value(), true, false);
        return d.failed() ? d.ret() : enter(t, d.value(), true);
    }

    private static long enter(Task t, Dentry d, boolean asRoot) {
        if (!d.inode().isDirectory()) {
            return Errno.ENOTDIR.ret();
        }
        long ok = d.inode().access(Vfs.X_OK);
        if (ok < 0) {
            return ok;
        }
        if (asRoot) {
            PathArgs.fs(t).setRoot(d);
        } else {
            PathArgs.fs(t).setCwd(d);
        }
        return 0;
    }

    /**
     * Getcwd implements Linux syscall getcwd(2): the path from the process root, NUL-terminated;
     * ERANGE when it does not fit; the return value counts the NUL.
     */
    static long getcwd(Task t, long buf, long size, long a2, long a3, long a4, long a5) {
        String path = pathFromRoot(PathArgs.fs(t).cwd(), PathArgs.fs(t).root());
        byte[] b = (path + "\0").getBytes(StandardCharsets.UTF_8);
        if (b.length > size) {
            return Errno.ERANGE.ret();
        }
        t.memory().write(buf, b);
        return b.length;
    }

    /** The path of {@code d} as seen from {@code root}; "(unreachable)" prefix when outside it (d_path). */
    static String pathFromRoot(Dentry d, Dentry root) {
        StringBuilder sb = new StringBuilder();
        Dentry x = d;
        while (x != null && !x.sameAs(root)) {
            if (x.parent() == null) {
                return "(unreachable)" + d.path();
            }
            sb.insert(0, x.name()).insert(0, '/');
            x = x.parent();
        }
        return sb.isEmpty() ? "/" : sb.toString();
    }

    /** Umask implements Linux syscall umask(2): sets the mask, returns the old one. */
    static long umask(Task t, long mask, long a1, long a2, long a3, long a4, long a5) {
        int old = PathArgs.fs(t).umask();
        PathArgs.fs(t).setUmask((int) mask);
        return old;
    }

    /** Fsync implements Linux syscall fsync(2) and fdatasync(2): data is already where it goes; EINVAL for pipes and the console. */
    static long fsync(Task t, long fd, long a1, long a2, long a3, long a4, long a5) {
        File f = t.process().fds().get((int) fd);
        if (f == null) {
            return Errno.EBADF.ret();
        }
        return f instanceof VfsFile ? 0 : Errno.EINVAL.ret();
    }

    /** Sync implements Linux syscall sync(2); syncfs(2) checks its fd. */
    static long sync(Task t, long a0, long a1, long a2, long a3, long a4, long a5) {
        return 0;
    }

    /** Syncfs implements Linux syscall syncfs(2). */
    static long syncfs(Task t, long fd, long a1, long a2, long a3, long a4, long a5) {
        return t.process().fds().get((int) fd) == null ? Errno.EBADF.ret() : 0;
    }
}

package dev.emu.kernel.net;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Result;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The AF_UNIX name table (unix_socket_table in net/unix/af_unix.c): abstract names, path names by
 * the socket node bind created in the guest's filesystem, and autobind's names.
 *
 * <p>A path name is an S_IFSOCK node made by bind with mknod in the guest's tree (on tmpfs, or a
 * guest-only node in a host directory; it is
 * never a host socket) and found again by its device and inode number, so a rename or a hard link
 * still reaches the socket and an unlink leaves it unreachable, as on Linux.
 */
public final class UnixNames {
    private record NodeKey(long dev, long ino) {}

    private final Map<UnixAddress, SocketFile> abstractNames = new HashMap<>();
    private final Map<NodeKey, SocketFile> pathNames = new HashMap<>();
    /** Autobind's next name: Linux starts at a random number; emu at 0, for the same names every run. */
    private int nextAutobind;

    /** unix_autobind: the next free abstract name "\0" + five hex digits. */
    UnixAddress autobind(SocketFile socket) {
        for (int tries = 0; tries <= 0xfffff; tries++) {
            String hex = String.format("%05x", nextAutobind);
            nextAutobind = (nextAutobind + 1) & 0xfffff;
            byte[] name = new byte[6];
            System.arraycopy(hex.getBytes(StandardCharsets.US_ASCII), 0, name, 1, 5);
            UnixAddress a = new UnixAddress(name);
            if (!abstractNames.containsKey(a)) {
                abstractNames.put(a, socket);
                return a;
            }
        }
        return null;
    }

    /** unix_bind_abstract: EADDRINUSE when the name is taken. */
    long bindAbstract(UnixAddress a, SocketFile socket) {
        if (abstractNames.containsKey(a)) {
            return Errno.EADDRINUSE.ret();
        }
        abstractNames.put(a, socket);
        return 0;
    }

    /**
     * unix_bind_bsd: creates the socket node (mode 0777 less the umask) and records it; EADDRINUSE
     * when the name exists, else the errno of the path walk or of the filesystem.
     */
    long bindPath(Task t, UnixAddress a, SocketFile socket) {
        var ctx = t.process().fs();
        var vfs = t.kernel().vfs();
        long r = vfs.mknod(t, ctx, ctx.cwd(), a.path(), FileStat.S_IFSOCK | 0777, 0);
        if (r == Errno.EEXIST.ret()) {
            return Errno.EADDRINUSE.ret();
        }
        if (r < 0) {
            return r;
        }
        Result<Dentry> d = vfs.lookup(t, ctx, ctx.cwd(), a.path(), false);
        if (d.failed()) {
            return d.ret();
        }
        if (socket != null) {
            pathNames.put(key(d.value()), socket);
        }
        return 0;
    }

    /**
     * unix_find_other: the socket bound to {@code a}. ECONNREFUSED when nothing is bound there or
     * the path is not a socket; the path walk's errno (ENOENT…) for a path that does not resolve.
     */
    Result<SocketFile> find(Task t, UnixAddress a) {
        if (a.isAbstract()) {
            SocketFile s = abstractNames.get(a);
            return s == null ? Result.err(Errno.ECONNREFUSED) : Result.ok(s);
        }
        var ctx = t.process().fs();
        Result<Dentry> d = t.kernel().vfs().lookup(t, ctx, ctx.cwd(), a.path(), true);
        if (d.failed()) {
            return d.cast();
        }
        if ((d.value().stat().mode() & FileStat.S_IFMT) != FileStat.S_IFSOCK) {
            return Result.err(Errno.ECONNREFUSED);
        }
        SocketFile s = pathNames.get(key(d.value()));
        return s == null ? Result.err(Errno.ECONNREFUSED) : Result.ok(s);
    }

    /** Forgets every name of {@code socket} (its release); the node stays in the filesystem. */
    void unbind(SocketFile socket) {
        abstractNames.values().removeIf(s -> s == socket);
        pathNames.values().removeIf(s -> s == socket);
    }

    private static NodeKey key(Dentry d) {
        FileStat st = d.stat();
        return new NodeKey(st.dev(), st.ino());
    }
}

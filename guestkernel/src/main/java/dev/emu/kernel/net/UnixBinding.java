package dev.emu.kernel.net;

import static dev.emu.abi.Sockets.AF_UNIX;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Result;

/** unix_bind and unix_autobind, shared by every AF_UNIX socket type (net/unix/af_unix.c). */
final class UnixBinding {
    private UnixBinding() {}

    /** The address bind gives a socket bound to {@code current} (null: unbound), or an errno. */
    static Result<UnixAddress> bind(Task t, SocketFile s, UnixAddress current, byte[] raw) {
        UnixNames names = s.net.unixNames();
        if (raw.length == Sockaddrs.SUN_PATH_OFFSET && Sockaddrs.family(raw) == AF_UNIX) {
            return current != null ? Result.ok(current) : autobind(s);
        }
        Result<UnixAddress> a = Sockaddrs.unix(raw);
        if (a.failed()) {
            return a;
        }
        if (a.value().isAbstract()) {
            if (current != null) {
                return Result.err(Errno.EINVAL);
            }
            long r = names.bindAbstract(a.value(), s);
            return r < 0 ? Result.err(errno(r)) : a;
        }
        if (t.kernel() == null) {
            return Result.err(Errno.ENOENT);
        }
        long r = names.bindPath(t, a.value(), current == null ? s : null);
        if (r < 0) {
            return Result.err(errno(r));
        }
        if (current != null) {
            // unix_bind_bsd makes the node before it notices the socket is bound, then removes it
            var ctx = t.process().fs();
            t.kernel().vfs().unlink(t, ctx, ctx.cwd(), a.value().path());
            return Result.err(Errno.EINVAL);
        }
        return a;
    }

    static Result<UnixAddress> autobind(SocketFile s) {
        UnixAddress a = s.net.unixNames().autobind(s);
        return a == null ? Result.err(Errno.ENOSPC) : Result.ok(a);
    }

    static Errno errno(long r) {
        for (Errno e : Errno.values()) {
            if (e.ret() == r) {
                return e;
            }
        }
        return Errno.EINVAL;
    }
}

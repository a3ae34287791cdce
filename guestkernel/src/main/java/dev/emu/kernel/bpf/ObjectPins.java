package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.mm.UserMemory;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.FsContext;
import dev.emu.kernel.vfs.PathWalk;
import dev.emu.kernel.vfs.Result;
import dev.emu.kernel.vfs.Vfs;
import dev.emu.kernel.vfs.bpffs.BpfFsDirectory;
import dev.emu.kernel.vfs.bpffs.BpfFsObject;
import java.nio.charset.StandardCharsets;

/**
 * BPF_OBJ_PIN and BPF_OBJ_GET (kernel/bpf/inode.c bpf_obj_pin_user, bpf_obj_get_user): a map or
 * program gets a name in the BPF filesystem ({@link dev.emu.kernel.vfs.bpffs.BpfFilesystem},
 * mounted at /sys/fs/bpf), which holds a reference on it; OBJ_GET opens a new fd on the object a
 * name pins. Errors as Linux: the path's own errors (ENOENT, ENOTDIR, EEXIST), EPERM for a
 * directory outside a BPF filesystem, EACCES for OBJ_GET of a file that pins nothing, EINVAL for
 * an fd that is not a map or program, checked before the path (BTF objects cannot be pinned).
 */
final class ObjectPins {
    private ObjectPins() {}

    /** BPF_OBJ_LAST_FIELD (file_flags in 6.1) ends here. */
    private static final int OBJ_END = 16;
    /** PATH_MAX. */
    private static final int PATH_MAX = 4096;

    /** A pin's reference on a map or program: the pin holds it until its last name goes. */
    private record Pin(Object target, Runnable release) implements BpfFsObject.Pinned {
        @Override
        public void unpinned() {
            release.run();
        }
    }

    static long pin(Task t, Attr a) {
        if (!a.tailZeroFrom(OBJ_END) || a.u32(BpfAttr.FILE_FLAGS) != 0) {
            return Errno.EINVAL.ret();
        }
        // bpf_fd_probe_obj first: anything but a map or program fd (a closed fd included) is EINVAL.
        File f = t.process().fds().get(a.u32Long(BpfAttr.PIN_BPF_FD));
        Pin pin;
        if (f instanceof BpfMapFile mf) {
            MapObject m = mf.map();
            pin = new Pin(m, m::release);
        } else if (f instanceof BpfProgFile pf) {
            BpfProgram p = pf.program();
            pin = new Pin(p, p::release);
        } else {
            return Errno.EINVAL.ret();
        }
        String path = path(t, a);
        if (path == null) {
            return Errno.ENAMETOOLONG.ret();
        }
        Vfs vfs = t.kernel().vfs();
        FsContext ctx = t.process().fs();
        PathWalk walk = vfs.walker(t, ctx);
        Result<PathWalk.Parent> p = walk.resolveParent(ctx.cwd(), path);
        if (p.failed()) {
            return p.ret();
        }
        PathWalk.Parent parent = p.value();
        if (parent.isDots() || parent.trailingSlash()) {
            return parent.isDots() ? Errno.EEXIST.ret() : Errno.ENOENT.ret();
        }
        Result<Dentry> existing = walk.child(parent.dir(), parent.name());
        if (!existing.failed()) {
            return Errno.EEXIST.ret();
        }
        if (existing.error() != Errno.ENOENT) {
            return existing.ret();
        }
        if (!(parent.dir().inode() instanceof BpfFsDirectory dir)) {
            return Errno.EPERM.ret(); // bpf_obj_do_pin: the directory is not bpf_dir_iops
        }
        if (parent.dir().mount().readOnly()) {
            return Errno.EROFS.ret();
        }
        if (pin.target() instanceof MapObject m) {
            m.retain();
        } else {
            ((BpfProgram) pin.target()).retain();
        }
        dir.pin(parent.name(), 0600 & ~ctx.umask(), pin);
        return 0;
    }

    static long get(Task t, Attr a) {
        if (!a.tailZeroFrom(OBJ_END) || a.u32Long(BpfAttr.PIN_BPF_FD) != 0) {
            return Errno.EINVAL.ret();
        }
        int flags = a.u32(BpfAttr.FILE_FLAGS);
        int access = BpfFlags.BPF_F_RDONLY | BpfFlags.BPF_F_WRONLY;
        if ((flags & ~access) != 0 || (flags & access) == access) {
            return Errno.EINVAL.ret();
        }
        String path = path(t, a);
        if (path == null) {
            return Errno.ENAMETOOLONG.ret();
        }
        FsContext ctx = t.process().fs();
        Result<Dentry> d = t.kernel().vfs().lookup(t, ctx, ctx.cwd(), path, true);
        if (d.failed()) {
            return d.ret();
        }
        if (!(d.value().inode() instanceof BpfFsObject o)) {
            return Errno.EACCES.ret(); // bpf_inode_type: not a pinned object
        }
        return switch (o.target()) {
            case MapObject m -> BpfFds.install(t, new BpfMapFile(m, flags));
            case BpfProgram p -> BpfFds.install(t, new BpfProgFile(p));
            default -> Errno.EACCES.ret();
        };
    }

    /** The pathname, or null when it has no NUL within PATH_MAX (a bad pointer is EFAULT). */
    private static String path(Task t, Attr a) {
        byte[] b = UserMemory.readCString(t.memory(), a.u64(BpfAttr.PATHNAME), PATH_MAX);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}

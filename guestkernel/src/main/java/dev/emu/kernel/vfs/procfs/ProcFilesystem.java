package dev.emu.kernel.vfs.procfs;

import dev.emu.kernel.Kernel;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.vfs.Inode;
import dev.emu.kernel.vfs.Mount;
import dev.emu.kernel.vfs.MountTable;
import dev.emu.kernel.vfs.kernfs.KernDir;
import dev.emu.kernel.vfs.kernfs.KernFile;
import dev.emu.kernel.vfs.kernfs.KernFilesystem;
import dev.emu.kernel.vfs.kernfs.KernSymlink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * /proc (fs/proc): the kernel's view of itself, generated from emu's own state when a file is
 * opened. One CPU, virtual uptime, emu's processes and mounts; per-process directories come and
 * go with the processes. The system-wide files live in {@link ProcSystemFiles}, the per-process
 * ones in {@link PidDirectory}.
 */
public final class ProcFilesystem extends KernFilesystem {
    /** PROC_SUPER_MAGIC. */
    private static final long MAGIC = 0x9fa0L;

    private final Kernel kernel;
    private final MountTable mounts;
    private final Map<Integer, PidDirectory> pidDirs = new HashMap<>();

    public ProcFilesystem(Kernel kernel, MountTable mounts, long dev, long bootNanos) {
        super("proc", dev, MAGIC, bootNanos);
        this.kernel = kernel;
        this.mounts = mounts;
        ProcRoot root = new ProcRoot();
        setRoot(root);
        root.add("self", new KernSymlink(this, t -> t == null ? null : Integer.toString(t.process().pid()), null));
        ProcSystemFiles.addTo(root, this, kernel, mounts);
    }

    Kernel kernel() {
        return kernel;
    }

    MountTable mountTable() {
        return mounts;
    }

    /** The mount of this filesystem (for dentries of magic links back into /proc). */
    Mount ownMount() {
        for (Mount m : mounts.mounts()) {
            if (m.fs() == this) {
                return m;
            }
        }
        return null;
    }

    /** /proc itself: the fixed files, then one directory per live process, by pid. */
    private final class ProcRoot extends KernDir {
        ProcRoot() {
            super(ProcFilesystem.this, 0555);
        }

        @Override
        protected dev.emu.abi.Errno createError() {
            return dev.emu.abi.Errno.ENOENT;
        }

        @Override
        protected List<String> dynamicNames() {
            List<String> names = new ArrayList<>();
            for (GuestProcess p : kernel.processes()) {
                names.add(Integer.toString(p.pid())); // zombies too, as on Linux
            }
            return names;
        }

        @Override
        protected Inode dynamicLookup(String name) {
            int pid;
            try {
                pid = Integer.parseInt(name);
            } catch (NumberFormatException e) {
                return null;
            }
            if (!name.equals(Integer.toString(pid))) {
                return null;
            }
            GuestProcess p = kernel.process(pid);
            if (p == null) {
                return null;
            }
            return pidDirs.computeIfAbsent(pid, k -> new PidDirectory(ProcFilesystem.this, p));
        }
    }

    /** A fixed file of /proc whose text is computed at open. */
    KernFile file(long ino, java.util.function.Function<dev.emu.kernel.task.Task, String> text) {
        return new KernFile(this, ino, 0444, text);
    }
}

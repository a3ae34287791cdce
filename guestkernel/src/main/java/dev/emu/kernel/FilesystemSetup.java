package dev.emu.kernel;

import dev.emu.kernel.fs.ConsoleFile;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Filesystem;
import dev.emu.kernel.vfs.FsContext;
import dev.emu.kernel.vfs.MountSpec;
import dev.emu.kernel.vfs.MountTable;
import dev.emu.kernel.vfs.Result;
import dev.emu.kernel.vfs.Vfs;
import dev.emu.kernel.vfs.devfs.DevFilesystem;
import dev.emu.kernel.vfs.hostfs.HostFilesystem;
import dev.emu.kernel.vfs.procfs.ProcFilesystem;
import dev.emu.kernel.vfs.sysfs.SysFilesystem;
import dev.emu.kernel.vfs.tmpfs.TmpfsFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the guest's tree is made of: the root (a host directory, read-only unless asked, or an
 * empty tmpfs), host directories mounted on it, and the working directory. The kernel adds
 * /proc, /sys, /dev, /dev/shm and a fresh /tmp, then the host mounts in the order given, so a
 * host mount can cover any of them. See docs/filesystem.md.
 *
 * @param root the host directory shown as "/", or null for an empty in-memory root
 * @param rootReadOnly whether writes under the root (outside other mounts) fail with EROFS
 * @param mounts host directories to pass through, in mount order
 * @param workdir the guest path of pid 1's working directory
 */
public record FilesystemSetup(Path root, boolean rootReadOnly, List<MountSpec> mounts, String workdir) {
    /** tmpfs size for /tmp and /dev/shm: what the guest may store in memory in each. */
    public static final long TMPFS_CAPACITY = 256L << 20;

    public FilesystemSetup {
        mounts = List.copyOf(mounts);
    }

    /** No host files: an empty tmpfs root with the kernel's mounts (kernel tests, the demos). */
    public static FilesystemSetup inMemory() {
        return new FilesystemSetup(null, false, List.of(), "/");
    }

    /**
     * What qemu-user users expect: the host's "/" read-only, {@code cwd} read-write at its own
     * path, and the working directory there.
     */
    public static FilesystemSetup hostDefault(Path cwd) {
        Path dir = cwd.toAbsolutePath().normalize();
        List<MountSpec> rw = dir.getNameCount() == 0 ? List.of() : List.of(new MountSpec(dir, dir.toString(), false));
        return new FilesystemSetup(Path.of("/"), true, rw, dir.toString());
    }

    /** The built tree and pid 1's root, cwd and umask. */
    public record Built(Vfs vfs, FsContext initContext) {}

    /**
     * Builds the mount table.
     *
     * @throws IllegalArgumentException when a host directory or a mountpoint is missing (the
     *     message says which)
     */
    public Built build(Kernel kernel) {
        MountTable table = new MountTable();
        Vfs vfs = new Vfs(table);
        long boot = kernel.clock().realtimeNanos();
        int[] anon = {0};
        java.util.function.LongSupplier nextDev = () -> FileStat.makedev(0, 20 + anon[0]++);
        if (root != null) {
            requireDirectory(root, "--root");
            table.mountRoot(new HostFilesystem(root, nextDev.getAsLong()), root.toString(), rootReadOnly);
        } else {
            TmpfsFilesystem fs = new TmpfsFilesystem(nextDev.getAsLong(), () -> kernel.clock().realtimeNanos(), TMPFS_CAPACITY, 0755, kernel.memory());
            table.mountRoot(fs, "rootfs", false);
        }
        FsContext ctx = new FsContext(table.root().rootDentry(), table.root().rootDentry(), 022);
        mountKernelFs(kernel, vfs, ctx, "/proc", new ProcFilesystem(kernel, table, nextDev.getAsLong(), boot), "proc");
        mountKernelFs(kernel, vfs, ctx, "/sys", new SysFilesystem(nextDev.getAsLong(), boot, () -> kernel.kernelBtf().blob()), "sysfs");
        dev.emu.kernel.trace.Tracefs tracefs = new dev.emu.kernel.trace.Tracefs(kernel.trace(), nextDev.getAsLong(), boot,
                () -> kernel.clock().nanos(), kernel.scheduler());
        mountKernelFs(kernel, vfs, ctx, "/sys/kernel/tracing", tracefs, "tracefs");
        mountKernelFs(kernel, vfs, ctx, "/sys/kernel/debug/tracing", tracefs, "tracefs");
        mountKernelFs(kernel, vfs, ctx, "/dev", new DevFilesystem(nextDev.getAsLong(), boot, kernel.random(), () -> tty(kernel)), "udev");
        mountKernelFs(kernel, vfs, ctx, "/dev/shm", new TmpfsFilesystem(nextDev.getAsLong(),
                () -> kernel.clock().realtimeNanos(), TMPFS_CAPACITY, 01777, kernel.memory()), "tmpfs");
        mountKernelFs(kernel, vfs, ctx, "/tmp", new TmpfsFilesystem(nextDev.getAsLong(),
                () -> kernel.clock().realtimeNanos(), TMPFS_CAPACITY, 01777, kernel.memory()), "tmpfs");
        // The kernel's internal tmpfs (mm/shmem.c shm_mnt): memfd_create's files, in no directory.
        TmpfsFilesystem shm = new TmpfsFilesystem(nextDev.getAsLong(), () -> kernel.clock().realtimeNanos(), TMPFS_CAPACITY, 01777, kernel.memory());
        vfs.setShmMount(new dev.emu.kernel.vfs.Mount(shm, shm.root(), null, "shm_mnt", false, 0));
        for (MountSpec m : mounts) {
            requireDirectory(m.host(), "--mount " + m.host());
            Dentry at = mountpoint(vfs, ctx, m.guest(), true);
            if (at == null) {
                throw new IllegalArgumentException("--mount: " + m.guest() + " does not exist in the guest and cannot be created there");
            }
            HostFilesystem fs = new HostFilesystem(m.host(), nextDev.getAsLong());
            table.mount(at, fs, fs.root(), m.host().toString(), m.readOnly());
        }
        // The BPF filesystem where BPF_OBJ_PIN puts objects (systemd mounts it there on Linux); last, so
        // the other mounts keep their device numbers.
        mountKernelFs(kernel, vfs, ctx, "/sys/fs/bpf", new dev.emu.kernel.vfs.bpffs.BpfFilesystem(nextDev.getAsLong(),
                () -> kernel.clock().realtimeNanos()), "bpf");
        Result<Dentry> cwd = vfs.lookup(null, ctx, ctx.root(), workdir, true);
        if (cwd.failed() || !cwd.value().inode().isDirectory()) {
            throw new IllegalArgumentException("--workdir: " + workdir + " is not a directory in the guest");
        }
        ctx.setCwd(cwd.value());
        return new Built(vfs, ctx);
    }

    private static void requireDirectory(Path p, String what) {
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException(what + ": " + p + " is not a host directory");
        }
    }

    /** A kernel filesystem at {@code path}; skipped (and logged) when the root lacks the directory. */
    private static void mountKernelFs(Kernel kernel, Vfs vfs, FsContext ctx, String path, Filesystem fs, String source) {
        Dentry at = mountpoint(vfs, ctx, path, true);
        if (at == null) {
            kernel.log().info("no " + path + " in the root: " + fs.type() + " not mounted there");
            return;
        }
        vfs.mounts().mount(at, fs, fs.root(), source, false);
    }

    /** The directory at {@code path}, made (mkdir -p) where the filesystem allows it; null if impossible. */
    private static Dentry mountpoint(Vfs vfs, FsContext ctx, String path, boolean create) {
        Result<Dentry> d = vfs.lookup(null, ctx, ctx.root(), path, true);
        if (!d.failed()) {
            return d.value().inode().isDirectory() ? d.value() : null;
        }
        if (!create || d.error() != dev.emu.abi.Errno.ENOENT) {
            return null;
        }
        StringBuilder prefix = new StringBuilder();
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            String parent = prefix.isEmpty() ? "/" : prefix.toString();
            prefix.append('/').append(part);
            long r = vfs.mkdir(null, ctx, ctx.root(), prefix.toString(), 0755);
            if (r == dev.emu.abi.Errno.EROFS.ret()) {
                r = syntheticMountpoint(vfs, ctx, parent, part);
            }
            if (r < 0 && r != dev.emu.abi.Errno.EEXIST.ret()) {
                return null;
            }
        }
        Result<Dentry> made = vfs.lookup(null, ctx, ctx.root(), path, true);
        return made.failed() ? null : made.value();
    }

    /**
     * A mountpoint under a read-only host tree: a directory made only in the guest's view of it
     * (as bwrap and Docker make one; the host is not changed). 0, or an errno.
     */
    private static long syntheticMountpoint(Vfs vfs, FsContext ctx, String parent, String name) {
        Result<Dentry> dir = vfs.lookup(null, ctx, ctx.root(), parent, true);
        if (dir.failed()) {
            return dir.ret();
        }
        if (!(dir.value().inode().fs() instanceof HostFilesystem hostfs)) {
            return dev.emu.abi.Errno.EROFS.ret();
        }
        Result<dev.emu.kernel.vfs.Inode> made = hostfs.makeMountpoint(dir.value().inode(), name);
        return made.failed() ? made.ret() : 0;
    }

    /** /dev/tty: the console when the host's stdin is a terminal, else none (ENXIO). */
    private static dev.emu.kernel.fs.File tty(Kernel kernel) {
        Kernel.Console c = kernel.console();
        if (c == null || c.inKind() != ConsoleFile.HostKind.TERMINAL) {
            return null;
        }
        ConsoleFile tty = new ConsoleFile("tty", c.in(), c.out(), kernel.log().serial(), ConsoleFile.HostKind.TERMINAL);
        tty.setStatusFlags(2); // O_RDWR
        return tty;
    }
}

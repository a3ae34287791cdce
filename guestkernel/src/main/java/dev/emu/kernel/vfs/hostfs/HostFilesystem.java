package dev.emu.kernel.vfs.hostfs;

import dev.emu.kernel.vfs.Filesystem;
import dev.emu.kernel.vfs.Inode;
import dev.emu.kernel.vfs.Result;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A host directory passed through to the guest (gVisor's gofer/lisafs, 9p in a VM).
 *
 * <p>Only single names are ever appended to a host path, and every host call is made with
 * NOFOLLOW_LINKS: ".." and symlinks are resolved by the VFS in the guest's tree, so the guest
 * reaches nothing outside {@code hostRoot}. Inode numbers, device numbers, modes, owners, sizes
 * and times pass through from the host; st_blocks is the size rounded up to 4 KiB (Java cannot
 * read the host's). One inode object per host path, so mounts on a host directory stay found.
 */
public final class HostFilesystem extends Filesystem {
    private final Path hostRoot;
    private final Map<Path, HostInode> inodes = new HashMap<>();
    private final HostInode root;

    /**
     * @param hostRoot an existing host directory, made absolute and normalized
     * @param dev the device number statfs's mount reports (inodes report the host's own)
     */
    public HostFilesystem(Path hostRoot, long dev) {
        super("hostfs", dev);
        this.hostRoot = hostRoot.toAbsolutePath().normalize();
        this.root = inode(this.hostRoot);
    }

    public Path hostRoot() {
        return hostRoot;
    }

    @Override
    public Inode root() {
        return root;
    }

    /** The inode of a host path under the root (one per path). */
    HostInode inode(Path p) {
        return inodes.computeIfAbsent(p, k -> new HostInode(this, k));
    }

    // ---- synthetic nodes: FIFOs, socket nodes and mountpoints the host does not hold ----

    /** Synthetic nodes by the host path they would have, in the order they were made. */
    private final Map<Path, SyntheticNode> synthetic = new java.util.LinkedHashMap<>();
    /** Synthetic inode numbers count down from the top, away from the host's. */
    private long nextSyntheticIno = Long.MAX_VALUE;

    SyntheticNode synthetic(Path p) {
        return synthetic.get(p);
    }

    SyntheticNode addSynthetic(Path p, int mode, long dev) {
        SyntheticNode n = new SyntheticNode(this, p, mode, nextSyntheticIno--, dev);
        synthetic.put(p, n);
        return n;
    }

    void putSynthetic(Path p, SyntheticNode n) {
        synthetic.put(p, n);
    }

    SyntheticNode removeSynthetic(Path p) {
        return synthetic.remove(p);
    }

    /** The synthetic children of directory {@code dir}, as directory entries. */
    java.util.List<dev.emu.kernel.vfs.DirEntry> syntheticEntries(Path dir) {
        java.util.List<dev.emu.kernel.vfs.DirEntry> out = new java.util.ArrayList<>();
        for (SyntheticNode n : synthetic.values()) {
            if (dir.equals(n.path().getParent())) {
                out.add(new dev.emu.kernel.vfs.DirEntry(n.path().getFileName().toString(), n.attributes().ino(),
                        dev.emu.kernel.vfs.DirEntry.typeOf(n.attributes().mode())));
            }
        }
        return out;
    }

    boolean hasSyntheticChildren(Path dir) {
        return synthetic.keySet().stream().anyMatch(k -> dir.equals(k.getParent()));
    }

    /** A host directory (or a synthetic one) moved from {@code from} to {@code to}: so do the synthetic nodes under it. */
    void moveSynthetic(Path from, Path to) {
        Map<Path, SyntheticNode> moved = new java.util.LinkedHashMap<>();
        synthetic.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(from)) {
                Path p = to.resolve(from.relativize(e.getKey()));
                e.getValue().movedTo(p);
                moved.put(p, e.getValue());
                return true;
            }
            return false;
        });
        synthetic.putAll(moved);
    }

    /**
     * A directory {@code name} in {@code dir} made only in the guest's view, as the mountpoint of
     * a --mount under a read-only host tree (bwrap and Docker make one); EEXIST if the name is
     * taken, EINVAL if {@code dir} is not a directory of this filesystem.
     */
    public Result<Inode> makeMountpoint(Inode dir, String name) {
        Path parent = dir instanceof HostInode h ? h.path() : dir instanceof SyntheticNode s && s.isDirectory() ? s.path() : null;
        if (parent == null || dir.fs() != this) {
            return Result.err(dev.emu.abi.Errno.EINVAL);
        }
        Path p = parent.resolve(name);
        if (synthetic.containsKey(p) || Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Result.err(dev.emu.abi.Errno.EEXIST);
        }
        return Result.ok(addSynthetic(p, dev.emu.kernel.fs.FileStat.S_IFDIR | 0755, dir.dev()));
    }

    /** Forgets the inodes at and below {@code p} (it was renamed or removed on the host). */
    void forget(Path p) {
        inodes.keySet().removeIf(k -> k.startsWith(p) && !k.equals(hostRoot));
    }

    @Override
    protected long magic() {
        try {
            return switch (Files.getFileStore(hostRoot).type()) {
                case "ext2", "ext3", "ext4" -> 0xEF53L;
                case "tmpfs" -> 0x01021994L;
                case "overlay" -> 0x794c7630L;
                case "xfs" -> 0x58465342L;
                case "btrfs" -> 0x9123683eL;
                default -> 0x6969L; // NFS_SUPER_MAGIC: "some other machine's files"
            };
        } catch (IOException e) {
            return 0x6969L;
        }
    }

    @Override
    public StatFs statfs() {
        try {
            FileStore store = Files.getFileStore(hostRoot);
            long bs = 4096;
            return new StatFs(magic(), bs, store.getTotalSpace() / bs, store.getUnallocatedSpace() / bs,
                    store.getUsableSpace() / bs, 0, 0, 255);
        } catch (IOException e) {
            return super.statfs();
        }
    }
}

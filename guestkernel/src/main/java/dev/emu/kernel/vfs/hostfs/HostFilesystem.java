package dev.emu.kernel.vfs.hostfs;

import dev.emu.kernel.vfs.Filesystem;
import dev.emu.kernel.vfs.Inode;
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

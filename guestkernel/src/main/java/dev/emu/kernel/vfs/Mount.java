package dev.emu.kernel.vfs;

/**
 * A filesystem mounted somewhere (Linux's struct mount / vfsmount).
 *
 * <p>Immutable once made. The root mount has no mountpoint.
 *
 * @param fs the mounted filesystem
 * @param root the inode of {@code fs} that appears at the mountpoint (its root, or a directory
 *     inside it for a bind mount)
 * @param mountpoint where it is mounted: the covered name in the parent mount; null for the root
 * @param source what /proc/mounts shows first ("tmpfs", the host directory…)
 * @param readOnly MS_RDONLY: writes through this mount fail with EROFS
 * @param id the mount id (/proc/self/mountinfo), in mount order
 */
public record Mount(Filesystem fs, Inode root, Dentry mountpoint, String source, boolean readOnly, int id) {

    /** The dentry of this mount's root, named like its mountpoint so ".." and getcwd cross it. */
    public Dentry rootDentry() {
        return mountpoint == null ? new Dentry(this, root, null, "")
                : new Dentry(this, root, mountpoint.parent(), mountpoint.name());
    }

    /** The guest path of the mountpoint ("/" for the root mount). */
    public String path() {
        return mountpoint == null ? "/" : mountpoint.path();
    }
}

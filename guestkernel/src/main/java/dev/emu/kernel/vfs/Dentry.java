package dev.emu.kernel.vfs;

import dev.emu.kernel.fs.FileStat;

/**
 * A name in the guest's tree (gVisor's VirtualDentry: a mount and a dentry of it): the inode
 * reached, the mount it was reached through, and the parent it was reached from, which is what
 * ".." and getcwd follow. Immutable; the path walk makes one per component.
 *
 * @param parent the directory this name was found in (across mounts), null for the root
 * @param name the component ("" for the root)
 */
public record Dentry(Mount mount, Inode inode, Dentry parent, String name) {

    /** stat(2) of this name: the inode's fields with the filesystem's device number. */
    public FileStat stat() {
        Attributes a = inode.attributes();
        int blksize = 4096;
        return new FileStat(inode.dev(), a.ino(), a.mode(), a.nlink(), a.uid(), a.gid(), a.rdev(),
                a.size(), blksize, a.blocks(), a.atimeNanos(), a.mtimeNanos(), a.ctimeNanos());
    }

    /** The absolute guest path of this name, as getcwd and /proc/self/fd show it. */
    public String path() {
        if (parent == null) {
            return "/";
        }
        StringBuilder sb = new StringBuilder();
        for (Dentry d = this; d.parent != null; d = d.parent) {
            sb.insert(0, d.name).insert(0, '/');
        }
        return sb.toString();
    }

    /** Whether this is the same file reached through the same mount as {@code other}. */
    public boolean sameAs(Dentry other) {
        return other != null && mount == other.mount && inode == other.inode;
    }

    /** Whether this dentry is the root of its mount. */
    public boolean isMountRoot() {
        return inode == mount.root();
    }

    @Override
    public String toString() {
        return "Dentry[" + path() + "]";
    }
}

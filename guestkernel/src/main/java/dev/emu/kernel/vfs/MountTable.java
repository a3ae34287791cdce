package dev.emu.kernel.vfs;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The guest's mounts (Linux's mount namespace; gVisor's vfs.mountTable): which mount covers which
 * directory. A later mount on the same place hides the earlier one, as in Linux.
 */
public final class MountTable {
    private final List<Mount> mounts = new ArrayList<>();
    /** parent mount → covered inode → the mount on top of it. */
    private final Map<Mount, Map<Inode, Mount>> covering = new IdentityHashMap<>();
    private Mount root;

    /** Makes {@code fs} the root mount; the first call only. */
    public Mount mountRoot(Filesystem fs, String source, boolean readOnly) {
        if (root != null) {
            throw new IllegalStateException("the root is already mounted");
        }
        root = new Mount(fs, fs.root(), null, source, readOnly, mounts.size() + 1);
        mounts.add(root);
        return root;
    }

    /**
     * Mounts {@code root} of {@code fs} on the directory {@code at} (mount(2) / bind mounts).
     *
     * @param root the inode that appears at {@code at}: {@code fs.root()} or, for a bind mount
     *     of a sub-directory, a directory inside {@code fs}
     */
    public Mount mount(Dentry at, Filesystem fs, Inode root, String source, boolean readOnly) {
        Mount m = new Mount(fs, root, at, source, readOnly, mounts.size() + 1);
        mounts.add(m);
        covering.computeIfAbsent(at.mount(), k -> new IdentityHashMap<>()).put(at.inode(), m);
        return m;
    }

    /** The mount on top of {@code inode} reached through {@code parent}, or null (lookup_mnt). */
    public Mount mountedOn(Mount parent, Inode inode) {
        Map<Inode, Mount> m = covering.get(parent);
        return m == null ? null : m.get(inode);
    }

    public Mount root() {
        return root;
    }

    /** Every mount in mount order (/proc/mounts). */
    public List<Mount> mounts() {
        return List.copyOf(mounts);
    }
}

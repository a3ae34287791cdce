package dev.emu.kernel.vfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.Task;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Path resolution, the one place that interprets "/", ".", ".." and symlinks (Linux's
 * fs/namei.c link_path_walk and walk_component; gVisor's vfs.ResolvingPath).
 *
 * <p>Linux's rules: an absolute path starts at the process root, a relative one at the given
 * directory (cwd or a dirfd); ".." never climbs above the process root and crosses back out of
 * a mount at its root; every intermediate component must be a directory (ENOTDIR) and symlinks
 * in it are always followed; the last is followed only when asked, or when a trailing slash
 * demands a directory; at most {@link #MAXSYMLINKS} links are followed in one walk (ELOOP); a
 * component longer than NAME_MAX is ENAMETOOLONG. Symlink targets are resolved here, in the
 * guest's tree, so a link on a host directory can never lead outside what is mounted.
 */
public final class PathWalk {
    /** PATH_MAX including the terminating NUL (include/uapi/linux/limits.h). */
    public static final int PATH_MAX = 4096;
    public static final int NAME_MAX = 255;
    /** MAXSYMLINKS (include/linux/namei.h). */
    public static final int MAXSYMLINKS = 40;

    private final MountTable mounts;
    private final Task task;
    private final FsContext ctx;
    private int hops;

    /**
     * @param task the calling task, for /proc's magic links (may be null in tests)
     * @param ctx the process's root, cwd and umask
     */
    public PathWalk(MountTable mounts, Task task, FsContext ctx) {
        this.mounts = mounts;
        this.task = task;
        this.ctx = ctx;
    }

    /** The parent directory of a path's last component, that component, and whether a slash followed it. */
    public record Parent(Dentry dir, String name, boolean trailingSlash) {
        /** "." or "..": names a create or remove cannot take (Linux's LAST_DOT / LAST_DOTDOT). */
        public boolean isDots() {
            return name.equals(".") || name.equals("..");
        }
    }

    /** Resolves {@code path} from {@code start}; the last symlink is followed if {@code followLast}. */
    public Result<Dentry> resolve(Dentry start, String path, boolean followLast) {
        if (path.isEmpty()) {
            return Result.err(Errno.ENOENT);
        }
        Deque<String> rest = new ArrayDeque<>();
        split(path, rest);
        boolean mustBeDir = path.endsWith("/");
        Dentry cur = path.startsWith("/") ? ctx.root() : start;
        while (!rest.isEmpty()) {
            String name = rest.pop();
            if (!cur.inode().isDirectory()) {
                return Result.err(Errno.ENOTDIR);
            }
            if (name.length() > NAME_MAX) {
                return Result.err(Errno.ENAMETOOLONG);
            }
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                cur = dotdot(cur);
                continue;
            }
            Result<Inode> child = cur.inode().lookup(name);
            if (child.failed()) {
                return child.cast();
            }
            Dentry next = crossMounts(new Dentry(cur.mount(), child.value(), cur, name));
            boolean last = rest.isEmpty();
            if (next.inode().isSymlink() && (!last || followLast || mustBeDir)) {
                if (++hops > MAXSYMLINKS) {
                    return Result.err(Errno.ELOOP);
                }
                Dentry magic = next.inode().magicLink(task);
                if (magic != null) {
                    cur = magic;
                    continue;
                }
                Result<String> target = next.inode().readlink(task);
                if (target.failed()) {
                    return target.cast();
                }
                String t = target.value();
                if (t.isEmpty()) {
                    return Result.err(Errno.ENOENT);
                }
                if (last && t.endsWith("/")) {
                    mustBeDir = true;
                }
                Deque<String> spliced = new ArrayDeque<>();
                split(t, spliced);
                while (!spliced.isEmpty()) {
                    rest.push(spliced.pollLast());
                }
                if (t.startsWith("/")) {
                    cur = ctx.root();
                }
                continue;
            }
            cur = next;
        }
        if (mustBeDir && !cur.inode().isDirectory()) {
            return Result.err(Errno.ENOTDIR);
        }
        return Result.ok(cur);
    }

    /**
     * Resolves all but the last component (filename_parentat): what creating, removing and
     * renaming need. The parent must be a directory.
     */
    public Result<Parent> resolveParent(Dentry start, String path) {
        if (path.isEmpty()) {
            return Result.err(Errno.ENOENT);
        }
        int end = path.length();
        while (end > 1 && path.charAt(end - 1) == '/') {
            end--;
        }
        boolean trailing = end < path.length();
        String p = path.substring(0, end);
        if (p.equals("/")) {
            return Result.ok(new Parent(ctx.root(), ".", trailing));
        }
        int slash = p.lastIndexOf('/');
        String name = p.substring(slash + 1);
        if (name.length() > NAME_MAX) {
            return Result.err(Errno.ENAMETOOLONG);
        }
        Dentry dir = start;
        if (slash >= 0) {
            Result<Dentry> d = resolve(start, slash == 0 ? "/" : p.substring(0, slash + 1), true);
            if (d.failed()) {
                return d.cast();
            }
            dir = d.value();
        } else if (!dir.inode().isDirectory()) {
            return Result.err(Errno.ENOTDIR);
        }
        return Result.ok(new Parent(dir, name, trailing));
    }

    /** The name {@code name} in {@code dir}, across mounts, without following a symlink. */
    public Result<Dentry> child(Dentry dir, String name) {
        Result<Inode> c = dir.inode().lookup(name);
        return c.failed() ? c.cast() : Result.ok(crossMounts(new Dentry(dir.mount(), c.value(), dir, name)));
    }

    /** ".." from {@code d}: stays at the process root and at the global root (follow_dotdot). */
    private Dentry dotdot(Dentry d) {
        if (d.sameAs(ctx.root()) || d.parent() == null) {
            return d;
        }
        return d.parent();
    }

    /** Steps onto whatever is mounted on {@code d}, topmost last (follow_mount). */
    private Dentry crossMounts(Dentry d) {
        for (Mount m = mounts.mountedOn(d.mount(), d.inode()); m != null; m = mounts.mountedOn(d.mount(), d.inode())) {
            d = new Dentry(m, m.root(), d.parent(), d.name());
        }
        return d;
    }

    /** Adds the non-empty components of {@code path} to {@code out}, in order. */
    private static void split(String path, Deque<String> out) {
        int i = 0;
        int n = path.length();
        while (i < n) {
            while (i < n && path.charAt(i) == '/') {
                i++;
            }
            int j = i;
            while (j < n && path.charAt(j) != '/') {
                j++;
            }
            if (j > i) {
                out.add(path.substring(i, j));
            }
            i = j;
        }
    }
}

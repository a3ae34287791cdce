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
    /** openat2's RESOLVE_* flags for this walk. */
    private int resolveFlags;
    /** The directory a scoped walk (RESOLVE_BENEATH, RESOLVE_IN_ROOT) may not leave; null otherwise. */
    private Dentry scope;

    /** openat2's resolve flags (include/uapi/linux/openat2.h). */
    public static final int RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04,
            RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10, RESOLVE_CACHED = 0x20;

    /**
     * @param task the calling task, for /proc's magic links (may be null in tests)
     * @param ctx the process's root, cwd and umask
     */
    public PathWalk(MountTable mounts, Task task, FsContext ctx) {
        this.mounts = mounts;
        this.task = task;
        this.ctx = ctx;
    }

    /**
     * Restricts this walk as openat2's {@code resolve} says; {@code start} is the dirfd's
     * directory, the scope of RESOLVE_BENEATH and the root of RESOLVE_IN_ROOT.
     */
    public PathWalk restrict(int resolve, Dentry start) {
        this.resolveFlags = resolve;
        this.scope = (resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) != 0 ? start : null;
        return this;
    }

    private boolean has(int flag) {
        return (resolveFlags & flag) != 0;
    }

    /** The root "/" and ".." stop at: the scope of a scoped walk, else the process root. */
    private Dentry root() {
        return scope != null ? scope : ctx.root();
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
        if (path.startsWith("/") && has(RESOLVE_BENEATH)) {
            return Result.err(Errno.EXDEV);
        }
        Dentry cur = path.startsWith("/") ? root() : start;
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
                if (has(RESOLVE_BENEATH) && cur.sameAs(scope)) {
                    return Result.err(Errno.EXDEV);
                }
                Dentry up = dotdot(cur);
                if (has(RESOLVE_NO_XDEV) && up.mount() != cur.mount()) {
                    return Result.err(Errno.EXDEV);
                }
                cur = up;
                continue;
            }
            Result<Inode> child = cur.inode().lookup(name);
            if (child.failed()) {
                return child.cast();
            }
            Dentry next = crossMounts(new Dentry(cur.mount(), child.value(), cur, name));
            if (has(RESOLVE_NO_XDEV) && next.mount() != cur.mount()) {
                return Result.err(Errno.EXDEV);
            }
            boolean last = rest.isEmpty();
            if (next.inode().isSymlink() && (!last || followLast || mustBeDir)) {
                if (++hops > MAXSYMLINKS || has(RESOLVE_NO_SYMLINKS)) {
                    return Result.err(Errno.ELOOP);
                }
                Dentry magic = next.inode().magicLink(task);
                if (magic != null) {
                    // nd_jump_link: refused for NO_MAGICLINKS (ELOOP) and for scoped walks (EXDEV).
                    if (has(RESOLVE_NO_MAGICLINKS)) {
                        return Result.err(Errno.ELOOP);
                    }
                    if (scope != null || has(RESOLVE_NO_XDEV) && magic.mount() != cur.mount()) {
                        return Result.err(Errno.EXDEV);
                    }
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
                    if (has(RESOLVE_BENEATH)) {
                        return Result.err(Errno.EXDEV);
                    }
                    cur = root();
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
            return has(RESOLVE_BENEATH) ? Result.err(Errno.EXDEV) : Result.ok(new Parent(root(), ".", trailing));
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
        if (d.sameAs(root()) || d.parent() == null) {
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

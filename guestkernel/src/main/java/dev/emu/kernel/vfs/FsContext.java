package dev.emu.kernel.vfs;

/**
 * A process's filesystem context (Linux's struct fs_struct): root, working directory and umask.
 * fork copies it; threads share their process's.
 */
public final class FsContext {
    private Dentry root;
    private Dentry cwd;
    private int umask;

    public FsContext(Dentry root, Dentry cwd, int umask) {
        this.root = root;
        this.cwd = cwd;
        this.umask = umask;
    }

    public Dentry root() {
        return root;
    }

    public Dentry cwd() {
        return cwd;
    }

    public int umask() {
        return umask;
    }

    public void setRoot(Dentry root) {
        this.root = root;
    }

    public void setCwd(Dentry cwd) {
        this.cwd = cwd;
    }

    public void setUmask(int umask) {
        this.umask = umask & 0777;
    }

    /** A copy for fork (copy_fs_struct). */
    public FsContext copy() {
        return new FsContext(root, cwd, umask);
    }
}

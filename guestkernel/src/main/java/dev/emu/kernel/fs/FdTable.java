package dev.emu.kernel.fs;

import dev.emu.abi.Errno;
import dev.emu.kernel.limits.ResourceLimits;
import java.util.Arrays;

/**
 * A process's file descriptor table (Linux's struct files_struct): fd → open file plus the
 * close-on-exec flag. Shared between threads and between processes made with CLONE_FILES
 * (counted, as files_struct's count), copied by fork.
 */
public final class FdTable {
    private File[] files = new File[16];
    private boolean[] closeOnExec = new boolean[16];
    /** The owning process's limits (RLIMIT_NOFILE); null: Linux's default soft limit. */
    private ResourceLimits limits;
    /** Told of every file this table stops referring to (filp_close's locks_remove_posix). */
    private CloseHook closeHook;
    /** The processes using this table (files_struct.count); the last one's exit closes the fds. */
    private int users = 1;

    /** What a table calls as one of its fds is closed, before the file's reference is dropped. */
    @FunctionalInterface
    public interface CloseHook {
        void closing(FdTable table, File file);
    }

    /** Sets the hook told of each close; fork copies it. */
    public void setCloseHook(CloseHook hook) {
        this.closeHook = hook;
    }

    /** Makes new fds obey {@code limits}' RLIMIT_NOFILE. */
    public void setLimits(ResourceLimits limits) {
        this.limits = limits;
    }

    /** One past the highest fd that may be opened: RLIMIT_NOFILE's soft limit (fs.nr_open at most). */
    public int maxFds() {
        long soft = limits == null ? 1024 : limits.soft(ResourceLimits.RLIMIT_NOFILE);
        return (int) (Long.compareUnsigned(soft, ResourceLimits.NR_OPEN) > 0 ? ResourceLimits.NR_OPEN : soft);
    }

    /** One past the highest fd the table has room for (every open fd is below it). */
    public int capacity() {
        return files.length;
    }

    /** The file at {@code fd}, or null if the fd is not open. */
    public File get(long fd) {
        return fd >= 0 && fd < files.length ? files[(int) fd] : null;
    }

    /** Installs {@code file} at the lowest free fd ≥ {@code minFd}; returns it or -EMFILE. */
    public int install(File file, int minFd, boolean cloexec) {
        int max = maxFds();
        for (int fd = minFd; fd < max; fd++) {
            if (get(fd) == null) {
                put(fd, file, cloexec);
                return fd;
            }
        }
        return (int) Errno.EMFILE.ret();
    }

    public int install(File file) {
        return install(file, 0, false);
    }

    /** Puts {@code file} at {@code fd}, closing what was there (dup2 semantics). */
    public void put(int fd, File file, boolean cloexec) {
        if (fd >= files.length) {
            int n = Math.max(fd + 1, Math.min(maxFds(), files.length * 2));
            files = Arrays.copyOf(files, n);
            closeOnExec = Arrays.copyOf(closeOnExec, n);
        }
        File old = files[fd];
        files[fd] = file;
        closeOnExec[fd] = cloexec;
        if (old != null) {
            if (closeHook != null) {
                closeHook.closing(this, old);
            }
            old.release();
        }
    }

    /** Closes {@code fd}; returns 0 or -EBADF. */
    public int close(long fd) {
        File f = get(fd);
        if (f == null) {
            return (int) Errno.EBADF.ret();
        }
        files[(int) fd] = null;
        closeOnExec[(int) fd] = false;
        if (closeHook != null) {
            closeHook.closing(this, f);
        }
        f.release();
        return 0;
    }

    public boolean closeOnExec(int fd) {
        return fd < closeOnExec.length && closeOnExec[fd];
    }

    public void setCloseOnExec(int fd, boolean value) {
        closeOnExec[fd] = value;
    }

    /** A copy sharing the same open files (each retained), for fork. */
    public FdTable fork() {
        FdTable copy = new FdTable();
        copy.files = files.clone();
        copy.closeOnExec = closeOnExec.clone();
        copy.closeHook = closeHook;
        for (File f : copy.files) {
            if (f != null) {
                f.retain();
            }
        }
        return copy;
    }

    /** Closes the fds marked close-on-exec (execve). */
    public void closeOnExec() {
        for (int fd = 0; fd < files.length; fd++) {
            if (files[fd] != null && closeOnExec[fd]) {
                close(fd);
            }
        }
    }

    /** Another process uses this table (copy_files with CLONE_FILES). */
    public FdTable share() {
        users++;
        return this;
    }

    /** Whether another process uses this table too. */
    public boolean shared() {
        return users > 1;
    }

    /** A process stops using this table (exit_files): the last one closes every fd. */
    public void releaseTable() {
        if (--users == 0) {
            closeAll();
        }
    }

    /** Closes every fd (process exit). */
    public void closeAll() {
        for (int fd = 0; fd < files.length; fd++) {
            if (files[fd] != null) {
                close(fd);
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("FdTable{");
        for (int fd = 0; fd < files.length; fd++) {
            if (files[fd] != null) {
                sb.append(fd).append("=").append(files[fd].describe()).append(closeOnExec[fd] ? "(cloexec) " : " ");
            }
        }
        return sb.append('}').toString();
    }
}

package dev.emu.kernel.vfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * An open directory: getdents64 reads its entries, "." and ".." first, from a snapshot taken when
 * the position is 0 (opendir or rewinddir), so a listing is consistent while files come and go.
 * The position is the index of the next entry, which is also each entry's d_off.
 */
public final class DirectoryFile extends VfsFile {
    private List<DirEntry> snapshot;

    public DirectoryFile(Dentry dentry, int flags) {
        super(dentry, flags);
    }

    /** Directories have no poll operation: always ready, not for epoll (EPERM). */
    @Override
    public boolean pollable() {
        return false;
    }

    @Override
    public long read(Task task, byte[] dst, int off, int len) {
        return Errno.EISDIR.ret();
    }

    @Override
    public long pread(Task task, byte[] dst, int off, int len, long position) {
        return Errno.EISDIR.ret();
    }

    /** The entries from the current position on, refreshed when the position is 0. */
    public Result<List<DirEntry>> entriesFromPosition() {
        if (snapshot == null || offset == 0) {
            Result<List<DirEntry>> r = dentry().inode().list();
            if (r.failed()) {
                return r;
            }
            List<DirEntry> all = new ArrayList<>(r.value().size() + 2);
            Dentry d = dentry();
            all.add(new DirEntry(".", d.inode().attributes().ino(), DirEntry.DT_DIR));
            Dentry parent = d.parent() == null ? d : d.parent();
            all.add(new DirEntry("..", parent.inode().attributes().ino(), DirEntry.DT_DIR));
            all.addAll(r.value());
            snapshot = all;
        }
        int from = (int) Math.min(offset, snapshot.size());
        return Result.ok(snapshot.subList(from, snapshot.size()));
    }

    /** Moves past {@code n} entries that getdents64 returned. */
    public void advance(int n) {
        offset += n;
    }

    /** dcache_dir_lseek: SEEK_SET and SEEK_CUR to an entry index; SEEK_END is EINVAL. */
    @Override
    public long seek(long off, int whence) {
        long pos = switch (whence) {
            case SEEK_SET -> off;
            case SEEK_CUR -> offset + off;
            default -> -1;
        };
        if (pos < 0) {
            return Errno.EINVAL.ret();
        }
        offset = pos;
        return pos;
    }
}

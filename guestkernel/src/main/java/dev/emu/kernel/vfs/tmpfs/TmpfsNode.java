package dev.emu.kernel.vfs.tmpfs;

import dev.emu.kernel.vfs.Attributes;
import dev.emu.kernel.vfs.Inode;

/** What every tmpfs inode has: number, mode, owner, link count and times (shmem_inode_info). */
abstract class TmpfsNode extends Inode {
    final TmpfsFilesystem tmpfs;
    final long ino;
    int mode;
    int nlink;
    int uid;
    int gid;
    long atime;
    long mtime;
    long ctime;
    /** When it was made (shmem's i_crtime, statx's btime). */
    final long btime;

    TmpfsNode(TmpfsFilesystem fs, int mode) {
        super(fs);
        this.tmpfs = fs;
        this.ino = fs.allocIno();
        this.mode = mode;
        this.nlink = 1;
        long now = fs.now();
        atime = mtime = ctime = now;
        btime = now;
    }

    @Override
    public long birthTimeNanos() {
        return btime;
    }

    abstract long size();

    long blocks() {
        return 0;
    }

    long rdev() {
        return 0;
    }

    @Override
    public Attributes attributes() {
        return new Attributes(ino, mode, nlink, uid, gid, rdev(), size(), blocks(), atime, mtime, ctime);
    }

    /** The contents changed: mtime and ctime move (file_update_time). */
    void modified() {
        mtime = ctime = tmpfs.now();
    }

    @Override
    public long setMode(int perm) {
        mode = (mode & ~07777) | (perm & 07777);
        ctime = tmpfs.now();
        return 0;
    }

    @Override
    public long setOwner(int newUid, int newGid) {
        if (newUid != -1) {
            uid = newUid;
        }
        if (newGid != -1) {
            gid = newGid;
        }
        ctime = tmpfs.now();
        return 0;
    }

    @Override
    public long setTimes(long a, long m) {
        if (a != TIME_OMIT) {
            atime = a;
        }
        if (m != TIME_OMIT) {
            mtime = m;
        }
        ctime = tmpfs.now();
        return 0;
    }

    /** One name fewer; a regular file frees its data when none is left and nothing has it open. */
    void dropLink() {
        nlink--;
        ctime = tmpfs.now();
    }
}

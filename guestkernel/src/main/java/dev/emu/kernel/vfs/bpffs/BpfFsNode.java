package dev.emu.kernel.vfs.bpffs;

import dev.emu.kernel.vfs.Attributes;
import dev.emu.kernel.vfs.Inode;

/** What directories and pinned objects of the BPF filesystem share: number, mode, owner, links, times. */
abstract class BpfFsNode extends Inode {
    final BpfFilesystem bpffs;
    final long ino;
    int mode;
    int nlink = 1;
    int uid;
    int gid;
    long atime;
    long mtime;
    long ctime;

    BpfFsNode(BpfFilesystem fs, int mode) {
        super(fs);
        this.bpffs = fs;
        this.ino = fs.allocIno();
        this.mode = mode;
        atime = mtime = ctime = fs.now();
    }

    @Override
    public Attributes attributes() {
        return new Attributes(ino, mode, nlink, uid, gid, 0, 0, 0, atime, mtime, ctime);
    }

    @Override
    public long setMode(int perm) {
        mode = (mode & ~07777) | (perm & 07777);
        ctime = bpffs.now();
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
        ctime = bpffs.now();
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
        ctime = bpffs.now();
        return 0;
    }

    void modified() {
        mtime = ctime = bpffs.now();
    }

    /** One name fewer (simple_unlink); a pinned object drops its reference with the last. */
    void dropLink() {
        nlink--;
        ctime = bpffs.now();
    }
}

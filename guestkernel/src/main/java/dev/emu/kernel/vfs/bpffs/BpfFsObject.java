package dev.emu.kernel.vfs.bpffs;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Result;

/**
 * A pinned BPF object (bpf_mkobj_ops): a regular-file inode that holds one reference on a map,
 * program or link until its last name is removed. The object itself is the BPF subsystem's;
 * this filesystem only keeps it alive. Opening it with open(2) is EIO, as bpffs_obj_open.
 */
public final class BpfFsObject extends BpfFsNode {
    /** The BPF subsystem's side of a pin: the object, and what to do when the pin goes. */
    public interface Pinned {
        /** The pinned map, program or link. */
        Object target();

        /** The last name is gone: drop the pin's reference (bpf_free_inode / bpf_any_put). */
        void unpinned();
    }

    private final Pinned pinned;

    BpfFsObject(BpfFilesystem fs, int mode, Pinned pinned) {
        super(fs, mode);
        this.pinned = pinned;
    }

    /** The pinned map, program or link. */
    public Object target() {
        return pinned.target();
    }

    @Override
    void dropLink() {
        super.dropLink();
        if (nlink == 0) {
            pinned.unpinned();
        }
    }

    @Override
    public Result<File> open(Task task, Dentry dentry, int flags) {
        return Result.err(Errno.EIO);
    }
}

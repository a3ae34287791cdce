package dev.emu.kernel.fs;

/**
 * A file with no name in any filesystem (fs/anon_inodes.c): epoll, eventfd, timerfd and
 * signalfd fds. They share one inode, as Linux's anon_inode_getfile files do: fstat shows mode
 * 0600 with no file type, and /proc/self/fd names them "anon_inode:[kind]".
 */
public abstract class AnonInodeFile extends File {
    /** The inode number all anonymous-inode files share. */
    public static final long INO = 9_000;
    /** Immutable. */
    private final String kind;

    protected AnonInodeFile(int statusFlags, String kind) {
        super(statusFlags);
        this.kind = kind;
    }

    @Override
    public FileStat stat() {
        return new FileStat(0xd, INO, 0600, 1, 0, 0, 0, 0, 4096, 0);
    }

    @Override
    public String describe() {
        return "anon_inode:[" + kind + "]";
    }
}

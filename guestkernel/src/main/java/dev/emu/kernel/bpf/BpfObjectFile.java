package dev.emu.kernel.bpf;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;

/**
 * What the open files behind map, program and BTF fds share: an anon-inode stat with the object's
 * inode number, and the anon-inode name ("anon_inode:bpf-map" / "anon_inode:bpf-prog").
 */
abstract sealed class BpfObjectFile extends File permits BpfMapFile, BpfProgFile, BtfFile {
    /** Immutable. */
    private final long ino;
    /** Immutable. */
    private final String name;

    BpfObjectFile(int statusFlags, long ino, String name) {
        super(statusFlags);
        this.ino = ino;
        this.name = name;
    }

    @Override
    public final FileStat stat() {
        return new FileStat(0xd, ino, 0600, 1, 0, 0, 0, 0, 4096, 0);
    }

    @Override
    public final String describe() {
        return name;
    }
}

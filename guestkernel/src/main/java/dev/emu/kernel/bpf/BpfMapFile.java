package dev.emu.kernel.bpf;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;

/**
 * The open file behind a map fd ("anon_inode:bpf-map", Linux's bpf_map_fops). Read and write
 * keep File's defaults (EINVAL), as Linux's map fds do. Holds one reference on the map.
 */
public final class BpfMapFile extends File {
    /** Immutable. */
    private final MapObject map;

    BpfMapFile(MapObject map, int statusFlags) {
        super(statusFlags);
        this.map = map;
        map.retain();
    }

    public MapObject map() {
        return map;
    }

    @Override
    public FileStat stat() {
        return new FileStat(0xd, 10_000 + map.id(), 0600, 1, 0, 0, 0, 0, 4096, 0);
    }

    @Override
    public String describe() {
        return "anon_inode:bpf-map";
    }

    @Override
    protected void onRelease() {
        map.release();
    }
}

package dev.emu.kernel.bpf;

import dev.emu.kernel.fs.MappableFile;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.task.Task;

/**
 * The open file behind a map fd ("anon_inode:bpf-map", Linux's bpf_map_fops). Read and write
 * keep File's defaults (EINVAL), as Linux's map fds do. Holds one reference on the map.
 */
public final class BpfMapFile extends BpfObjectFile implements MappableFile {
    /** Immutable. */
    private final MapObject map;

    BpfMapFile(MapObject map, int statusFlags) {
        super(statusFlags, 10_000 + map.id(), "anon_inode:bpf-map");
        this.map = map;
        map.retain();
    }

    public MapObject map() {
        return map;
    }

    @Override
    public int poll(Task task, PollTable table) {
        return map.poll(table);
    }

    /** bpf_map_mmap: mmapable arrays and ringbufs share their bytes with user space (MapMmap). */
    @Override
    public long mmap(Task t, long addr, long length, int prot, int flags, long offset) {
        return MapMmap.mmap(t, map, statusFlags(), addr, length, prot, flags, offset);
    }

    @Override
    protected void onRelease() {
        map.release();
    }
}

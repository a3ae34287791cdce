package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.bpf.map.PerfEventArray;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.perf.PerfEventFile;
import dev.emu.kernel.task.Task;

/**
 * The kernel half of BPF_MAP_TYPE_PERF_EVENT_ARRAY (perf_event_fd_array_get_ptr and friends):
 * an update's value is a perf event fd, whose open file the map then holds (so the event lives
 * on after the fd is closed) until the slot is replaced, deleted or the map is freed.
 */
final class PerfEventMaps {
    private PerfEventMaps() {}

    /** bpf_fd_array_map_update_elem: BPF_ANY only, an index in range, a perf event fd. */
    static long update(Task t, PerfEventArray map, byte[] key, byte[] value, long flags) {
        if (flags != 0) {
            return Errno.EINVAL.ret();
        }
        int index = map.index(key);
        if (index < 0) {
            return Errno.E2BIG.ret();
        }
        int fd = (value[0] & 0xff) | (value[1] & 0xff) << 8 | (value[2] & 0xff) << 16 | (value[3] & 0xff) << 24;
        File f = fd < 0 ? null : t.process().fds().get(fd);
        if (!(f instanceof PerfEventFile pf)) {
            return Errno.EBADF.ret(); // perf_event_get
        }
        pf.retain();
        Object old = map.set(index, pf);
        if (old instanceof PerfEventFile o) {
            o.release();
        }
        return 0;
    }

    /** MAP_DELETE_ELEM: drops the slot's file. */
    static long delete(PerfEventArray map, byte[] key) {
        int index = map.index(key);
        if (index < 0) {
            return Errno.E2BIG.ret();
        }
        Object old = map.set(index, null);
        if (old instanceof PerfEventFile o) {
            o.release();
            return 0;
        }
        return Errno.ENOENT.ret();
    }

    /** The map is freed: its files go (fd_array_map_free). */
    static void releaseAll(PerfEventArray map) {
        for (int i = 0; i < map.maxEntries(); i++) {
            if (map.set(i, null) instanceof PerfEventFile o) {
                o.release();
            }
        }
    }
}

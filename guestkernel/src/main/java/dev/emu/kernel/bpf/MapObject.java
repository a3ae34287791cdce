package dev.emu.kernel.bpf;

import dev.emu.bpf.map.ArrayMap;
import dev.emu.bpf.map.BpfMap;
import dev.emu.bpf.map.MapOfMaps;
import dev.emu.bpf.map.RingBuf;
import dev.emu.abi.PollEvents;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.kernel.platform.SharedPages;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.sched.WaitQueue;
import dev.emu.kernel.task.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * A map as the kernel holds it (Linux's struct bpf_map around the ops): the bpf-vm map plus its
 * global id, name and reference count. Each map fd's file holds one reference and each loaded
 * program using the map holds one (bpf_map_inc / bpf_map_put); the last put frees the id.
 */
public final class MapObject {
    private final BpfSubsystem owner;
    /** Immutable. */
    private final int id;
    private final BpfMap map;
    private final String name;
    private int references;
    /** The BTF describing key and value (map_create's btf_fd), or null; with its type ids. */
    private BtfObject btf;
    private int btfKeyTypeId, btfValueTypeId, btfVmlinuxValueTypeId;
    /** Tasks parked in a blocking ringbuf poll on this map. */
    private final List<Task> pollers = new ArrayList<>();
    /** Woken with the pollers: poll, select and epoll waiting on a ringbuf map fd (rb->waitq). */
    private final WaitQueue waitQueue = new WaitQueue("ringbuf");
    /**
     * The pages user space maps (MapMmap), made at the first mmap; null before. For a ringbuf
     * they are the ring itself (RingBuf#attachShared); for an mmapable array a mirror of the
     * values that {@link #pullFromMappings}/{@link #pushToMappings} keep coherent.
     */
    private SharedPages pages;

    MapObject(BpfSubsystem owner, int id, BpfMap map, String name) {
        this.owner = owner;
        this.id = id;
        this.map = map;
        this.name = name;
        if (map instanceof RingBuf rb) {
            rb.setWakeupListener(this::wakePollers);
        }
    }

    public int id() {
        return id;
    }

    public BpfMap map() {
        return map;
    }

    public String name() {
        return name;
    }

    void retain() {
        references++;
    }

    void release() {
        if (--references == 0) {
            owner.forget(this);
            if (map instanceof MapOfMaps outer) {
                outer.releaseAll(); // the inner maps' references die with the outer map
            }
            if (pages != null) {
                pages.release(); // mappings that outlive the map keep their own references
            }
            if (btf != null) {
                btf.release();
            }
        }
    }

    /** Records the map's BTF (map_create after map_check_btf accepted it); the map holds a reference. */
    void setBtf(BtfObject btf, int keyTypeId, int valueTypeId, int vmlinuxValueTypeId) {
        btf.retain();
        this.btf = btf;
        this.btfKeyTypeId = keyTypeId;
        this.btfValueTypeId = valueTypeId;
        this.btfVmlinuxValueTypeId = vmlinuxValueTypeId;
    }

    /** The map's BTF, or null. */
    public BtfObject btf() {
        return btf;
    }

    public int btfKeyTypeId() {
        return btfKeyTypeId;
    }

    public int btfValueTypeId() {
        return btfValueTypeId;
    }

    public int btfVmlinuxValueTypeId() {
        return btfVmlinuxValueTypeId;
    }

    /**
     * True once BPF_MAP_FREEZE succeeded: syscall-side writes are refused with EPERM, and so is
     * a writable mmap (bpf_map_mmap). The flag is the bpf-vm map's, which the verifier reads.
     */
    public boolean frozen() {
        return map.frozen();
    }

    /** BPF_MAP_FREEZE's effect; the command checks {@link #hasWritableMappings} (EBUSY) first. */
    public void freeze() {
        map.freeze();
    }

    /**
     * Whether some process has a mapping of this map that may write (Linux's
     * bpf_map_write_active: BPF_MAP_FREEZE fails with EBUSY while it is true). Mappings
     * inherited by fork and pieces left by a partial munmap count; munmap, exit and exec end them.
     */
    public boolean hasWritableMappings() {
        return pages != null && pages.writableMappings() > 0;
    }

    /** The pages user space maps, or null before the first mmap. */
    SharedPages pages() {
        return pages;
    }

    /** Installs the pages the first mmap made (MapMmap). */
    void setPages(SharedPages p) {
        if (pages != null) {
            throw new IllegalStateException("map pages already made");
        }
        pages = p;
    }

    /**
     * Copies what user space wrote into its mapping of an mmapable array into the values the
     * engines index (byte[] per element), before the kernel or a program reads them. emu runs
     * one guest CPU and programs only while the guest is stopped in the kernel, so copying in
     * at each kernel access and {@link #pushToMappings out} after it is exact.
     */
    void pullFromMappings() {
        // Unless a writable mapping exists or existed since the last copy, user space cannot
        // have changed anything.
        if (pages != null && map instanceof ArrayMap array
                && (pages.writableMappings() > 0 || pages.writableMappingsEnded() != endedAtLastPull)) {
            endedAtLastPull = pages.writableMappingsEnded();
            copyValues(array, true);
        }
    }

    /** {@link SharedPages#writableMappingsEnded} at the last {@link #pullFromMappings} copy. */
    private long endedAtLastPull;

    /** Copies the values back into the mapped pages after the kernel or a program may have written them. */
    void pushToMappings() {
        if (pages != null && map instanceof ArrayMap array) {
            copyValues(array, false);
        }
    }

    /** Bytes of the mapping moved at once: per-element copies of small values cost ~10x more. */
    private static final int COPY_CHUNK = 64 * 1024;

    /** Moves every value between the pages and the per-element arrays, in page-sized chunks. */
    private void copyValues(ArrayMap array, boolean fromPages) {
        int size = array.valueSize();
        int stride = (int) elemSize(size);
        if (stride >= COPY_CHUNK) { // big values (a skeleton's .bss is one): each is one copy
            for (int i = 0; i < array.maxEntries(); i++) {
                if (fromPages) {
                    pages.read((long) i * stride, array.valueAt(i), 0, size);
                } else {
                    pages.write((long) i * stride, array.valueAt(i), 0, size);
                }
            }
            return;
        }
        int perChunk = COPY_CHUNK / stride;
        byte[] chunk = new byte[perChunk * stride];
        for (int first = 0; first < array.maxEntries(); first += perChunk) {
            int n = Math.min(perChunk, array.maxEntries() - first);
            long at = (long) first * stride;
            int bytes = (n - 1) * stride + size;
            if (fromPages) {
                pages.read(at, chunk, 0, bytes);
                for (int i = 0; i < n; i++) {
                    System.arraycopy(chunk, i * stride, array.valueAt(first + i), 0, size);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    System.arraycopy(array.valueAt(first + i), 0, chunk, i * stride, size);
                }
                pages.write(at, chunk, 0, bytes);
            }
        }
    }

    /** An array element's stride in the mapping: round_up(value_size, 8) (array->elem_size). */
    static long elemSize(int valueSize) {
        return (valueSize + 7L) & ~7L;
    }

    /** Parks {@code t} until a commit wakes this ringbuf's consumers (Linux: rb->waitq). */
    void addPoller(Task t) {
        if (!pollers.contains(t)) {
            pollers.add(t);
        }
    }

    void removePoller(Task t) {
        pollers.remove(t);
    }

    /** The ringbuf's wake-up listener: wakes every parked poller (wake_up_all). */
    private void wakePollers() {
        for (Task t : pollers) {
            t.wake();
        }
        pollers.clear();
        waitQueue.wake(owner.scheduler(), PollEvents.POLLIN | PollEvents.POLLRDNORM);
    }

    /**
     * Bpf_map_poll: a ringbuf is readable while it holds data the consumer has not taken
     * (ringbuf_map_poll_kern: ringbuf_avail_data_sz); its commits wake the poller by the
     * ringbuf's rules (adaptive, BPF_RB_NO_WAKEUP, BPF_RB_FORCE_WAKEUP). Other map types have
     * no map_poll: EPOLLERR.
     */
    int poll(PollTable table) {
        if (!(map instanceof RingBuf ring)) {
            return PollEvents.POLLERR;
        }
        table.wait(waitQueue);
        return ring.query(BpfFlags.BPF_RB_AVAIL_DATA) > 0 ? PollEvents.POLLIN | PollEvents.POLLRDNORM : 0;
    }

    @Override
    public String toString() {
        return "map " + id + (name.isEmpty() ? "" : " (" + name + ")");
    }
}

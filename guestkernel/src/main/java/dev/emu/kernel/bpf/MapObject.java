package dev.emu.kernel.bpf;

import dev.emu.bpf.map.BpfMap;
import dev.emu.bpf.map.MapOfMaps;
import dev.emu.bpf.map.RingBuf;
import dev.emu.abi.PollEvents;
import dev.emu.abi.bpf.BpfFlags;
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

    /** True once BPF_MAP_FREEZE succeeded: syscall-side writes are refused with EPERM. */
    public boolean frozen() {
        return map.frozen();
    }

    void freeze() {
        map.freeze();
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

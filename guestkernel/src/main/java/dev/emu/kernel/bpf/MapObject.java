package dev.emu.kernel.bpf;

import dev.emu.bpf.map.BpfMap;
import dev.emu.bpf.map.RingBuf;
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
    /** Tasks parked in a blocking ringbuf poll on this map. */
    private final List<Task> pollers = new ArrayList<>();

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
        }
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
    }

    @Override
    public String toString() {
        return "map " + id + (name.isEmpty() ? "" : " (" + name + ")");
    }
}

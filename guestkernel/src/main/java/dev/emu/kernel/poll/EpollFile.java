package dev.emu.kernel.poll;

import static dev.emu.abi.PollEvents.*;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.AnonInodeFile;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.limits.MemoryAccountant;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.sched.WaitEntry;
import dev.emu.kernel.sched.WaitQueue;
import dev.emu.kernel.task.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An epoll instance (fs/eventpoll.c, struct eventpoll): the interest list keyed by (file, fd),
 * the ready list, the queue epoll_wait callers wait on and the queue pollers of the epoll fd
 * itself wait on (an epoll fd is pollable, so epolls nest).
 *
 * <p>Adding a file polls it once with a table that hangs a persistent entry on each of its wait
 * queues (ep_ptable_queue_proc); a wake-up on one of them puts the item on the ready list
 * (ep_poll_callback) unless the key names none of its events or a fired EPOLLONESHOT disabled
 * it. Collecting events polls each ready item again: what holds is reported; a level-triggered
 * item goes back to the tail of the ready list, an edge-triggered one waits for the next
 * wake-up. Items leave with EPOLL_CTL_DEL, with their file's last close, or with the epoll.
 */
public final class EpollFile extends AnonInodeFile {
    public static final int EPOLLEXCLUSIVE = 1 << 28, EPOLLWAKEUP = 1 << 29, EPOLLONESHOT = 1 << 30, EPOLLET = 1 << 31;
    /** Bits that are modes, not events (EP_PRIVATE_BITS). */
    public static final int EP_PRIVATE_BITS = EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE;
    /** What EPOLLEXCLUSIVE may be combined with (EPOLLEXCLUSIVE_OK_BITS). */
    public static final int EPOLLEXCLUSIVE_OK_BITS = POLLIN | POLLOUT | POLLERR | POLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE;
    /** The longest chain of nested epolls (EP_MAX_NESTS). */
    public static final int EP_MAX_NESTS = 4;
    /** Struct epoll_event is packed on x86_64: u32 events, u64 data. */
    public static final int EVENT_SIZE = 12;
    /** What one item costs on the Java heap (Linux's EP_ITEM_COST: an epitem and its eppoll_entry). */
    public static final int ITEM_COST = 256;

    private final Scheduler scheduler;
    /** Charged ITEM_COST per item; null for none (tests). */
    private final MemoryAccountant memory;
    private final Map<Key, Item> items = new LinkedHashMap<>();
    private final ArrayDeque<Item> ready = new ArrayDeque<>();
    /** Ep->wq: tasks in epoll_wait. */
    private final WaitQueue waiters = new WaitQueue("epoll_wait");
    /** Ep->poll_wait: pollers of this epoll fd (poll, select, an outer epoll). */
    private final WaitQueue pollers = new WaitQueue("epoll poll");
    /** Epolls that watch this one (for the nesting limit). */
    private final List<EpollFile> parents = new ArrayList<>();

    private record Key(File file, int fd) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.file == file && k.fd == fd;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(file) * 31 + fd;
        }
    }

    public EpollFile(Scheduler scheduler, int statusFlags) {
        this(scheduler, null, statusFlags);
    }

    /** An epoll whose items are charged to {@code memory} (Linux's max_user_watches bounds them). */
    public EpollFile(Scheduler scheduler, MemoryAccountant memory, int statusFlags) {
        super(statusFlags, "eventpoll");
        this.scheduler = scheduler;
        this.memory = memory;
    }

    /**
     * Ep_insert: EEXIST if (file, fd) is already there; ENOSPC when the guest's memory cannot
     * hold another item (Linux: past max_user_watches). The caller made the other checks.
     */
    public long add(Task t, File file, int fd, int events, long data) {
        Key key = new Key(file, fd);
        if (items.containsKey(key)) {
            return Errno.EEXIST.ret();
        }
        if (memory != null && !memory.tryChargeHeap(ITEM_COST)) {
            return Errno.ENOSPC.ret();
        }
        Item item = new Item(key, events | POLLERR | POLLHUP, data);
        items.put(key, item);
        file.addReleaseHook(item.onRelease);
        if (file instanceof EpollFile child) {
            child.parents.add(this);
        }
        int revents = file.poll(t, item) & item.events;
        if (revents != 0) {
            item.makeReady();
        }
        return 0;
    }

    /** Ep_modify: new events (plus EPOLLERR and EPOLLHUP) and data; ready now if they hold. */
    public long modify(Task t, File file, int fd, int events, long data) {
        Item item = items.get(new Key(file, fd));
        if (item == null) {
            return Errno.ENOENT.ret();
        }
        if ((item.events & EPOLLEXCLUSIVE) != 0) {
            return Errno.EINVAL.ret();
        }
        item.events = events | POLLERR | POLLHUP;
        item.data = data;
        if ((file.poll(t, PollTable.NONE) & item.events) != 0) {
            item.makeReady();
        }
        return 0;
    }

    /** Ep_remove. */
    public long remove(File file, int fd) {
        Item item = items.get(new Key(file, fd));
        if (item == null) {
            return Errno.ENOENT.ret();
        }
        item.drop();
        return 0;
    }

    /**
     * Ep_loop_check: true if adding {@code target} here would close a cycle or make a chain
     * of more than {@link #EP_MAX_NESTS} nested epolls.
     */
    public boolean wouldLoop(EpollFile target) {
        int below = target.depthBelow(this);
        return below < 0 || below + 1 + upwardsDepth() > EP_MAX_NESTS;
    }

    /** Nesting below this epoll (0 when it watches no epoll), or -1 if {@code forbidden} is reachable. */
    private int depthBelow(EpollFile forbidden) {
        if (this == forbidden) {
            return -1;
        }
        int depth = 0;
        for (Item i : items.values()) {
            if (i.key.file instanceof EpollFile child) {
                int d = child.depthBelow(forbidden);
                if (d < 0) {
                    return -1;
                }
                depth = Math.max(depth, d + 1);
            }
        }
        return depth;
    }

    private int upwardsDepth() {
        int depth = 0;
        for (EpollFile p : parents) {
            depth = Math.max(depth, p.upwardsDepth() + 1);
        }
        return depth;
    }

    /** The queue epoll_wait callers wait on (ep->wq). */
    public WaitQueue waitQueue() {
        return waiters;
    }

    /**
     * Polls every item for the time its readiness changes by itself (a timerfd's expiry) and
     * passes the earliest on to {@code table}; an item whose time has come wakes its queue on
     * the way, which puts it on the ready list.
     */
    public void forwardWakeAt(Task t, PollTable table) {
        PollTable collect = new PollTable() {
            @Override
            public void wait(WaitQueue queue) {}

            @Override
            public void wakeAt(long nanos) {
                table.wakeAt(nanos);
            }
        };
        for (Item i : List.copyOf(items.values())) {
            if (i.live && (i.events & ~EP_PRIVATE_BITS) != 0) {
                i.key.file.poll(t, collect);
            }
        }
    }

    /** True while the ready list is not empty (ep_events_available). */
    public boolean eventsAvailable() {
        return !ready.isEmpty();
    }

    /**
     * Ep_send_events: reports up to {@code maxEvents} ready items into the user array at
     * {@code events}; returns the count. Level-triggered items are queued again at the tail,
     * the ones not reached stay at the head. A fault before anything was reported is EFAULT,
     * and nothing is consumed.
     */
    public long collect(Task t, long events, int maxEvents) {
        List<Item> batch = new ArrayList<>(ready);
        ready.clear();
        for (Item i : batch) {
            i.queued = false;
        }
        ByteBuffer out = ByteBuffer.allocate(Math.min(batch.size(), maxEvents) * EVENT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        List<Item> reported = new ArrayList<>();
        List<Item> requeue = new ArrayList<>();
        int next = 0;
        for (; next < batch.size() && reported.size() < maxEvents; next++) {
            Item i = batch.get(next);
            int revents = i.key.file.poll(t, PollTable.NONE) & i.events;
            if (revents == 0) {
                continue;
            }
            out.putInt(revents).putLong(i.data);
            reported.add(i);
            if ((i.events & EPOLLONESHOT) == 0 && (i.events & EPOLLET) == 0) {
                requeue.add(i);
            }
        }
        try {
            if (out.position() > 0) {
                t.memory().write(events, out.array(), 0, out.position());
            }
        } catch (BadAddressException e) {
            // Nothing was delivered: put everything back as it was.
            ready.clear();
            for (Item i : batch) {
                i.queued = true;
                ready.add(i);
            }
            throw e;
        }
        for (Item i : reported) {
            if ((i.events & EPOLLONESHOT) != 0) {
                i.events &= EP_PRIVATE_BITS; // reported once: disabled until EPOLL_CTL_MOD
            }
        }
        // ep_done_scan: the items not reached go back to the head, the level-triggered ones after them.
        for (int k = batch.size() - 1; k >= next; k--) {
            Item i = batch.get(k);
            if (!i.queued && i.live) {
                i.queued = true;
                ready.addFirst(i);
            }
        }
        for (Item i : requeue) {
            if (!i.queued && i.live) {
                i.queued = true;
                ready.addLast(i);
            }
        }
        return reported.size();
    }

    /**
     * Ep_eventpoll_poll: readable when some ready item still has one of its events (items whose
     * events went away are dropped from the ready list on the way).
     */
    @Override
    public int poll(Task task, PollTable table) {
        table.wait(pollers);
        forwardWakeAt(task, table);
        while (!ready.isEmpty()) {
            Item i = ready.peekFirst();
            if ((i.key.file.poll(task, PollTable.NONE) & i.events) != 0) {
                return POLLIN | POLLRDNORM;
            }
            ready.pollFirst();
            i.queued = false;
        }
        return 0;
    }

    /** Ep_free: every item leaves its file's wait queues. */
    @Override
    protected void onRelease() {
        for (Item i : List.copyOf(items.values())) {
            i.drop();
        }
    }

    /** One watched (file, fd): its events, data, and entries on the file's wait queues (struct epitem). */
    private final class Item implements PollTable, WaitEntry {
        final Key key;
        int events;
        long data;
        boolean queued;
        boolean live = true;
        final List<WaitQueue> queues = new ArrayList<>();
        /** Eventpoll_release: the file's last close drops this item. */
        final Runnable onRelease = this::drop;

        Item(Key key, int events, long data) {
            this.key = key;
            this.events = events;
            this.data = data;
        }

        /** Ep_ptable_queue_proc: stay on the file's queue until the item goes. */
        @Override
        public void wait(WaitQueue queue) {
            queues.add(queue);
            queue.add(this);
        }

        /** Ep_poll_callback. */
        @Override
        public boolean wake(Scheduler s, int key) {
            if ((events & ~EP_PRIVATE_BITS) == 0) {
                return false; // a fired EPOLLONESHOT: disabled until EPOLL_CTL_MOD
            }
            if (key != 0 && (key & events) == 0) {
                return false;
            }
            makeReady();
            return false;
        }

        @Override
        public boolean stale() {
            return !live;
        }

        void makeReady() {
            if (!queued) {
                queued = true;
                ready.addLast(this);
            }
            waiters.wakeAll(scheduler);
            pollers.wake(scheduler, POLLIN | POLLRDNORM);
        }

        void drop() {
            if (!live) {
                return;
            }
            live = false;
            for (WaitQueue q : queues) {
                q.remove(this);
            }
            queues.clear();
            items.remove(key);
            if (queued) {
                ready.remove(this);
                queued = false;
            }
            key.file.removeReleaseHook(onRelease);
            if (memory != null) {
                memory.unchargeHeap(ITEM_COST);
            }
            if (key.file instanceof EpollFile child) {
                child.parents.remove(EpollFile.this);
            }
        }
    }
}

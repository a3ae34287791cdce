package dev.emu.kernel.net;

import dev.emu.kernel.limits.MemoryAccountant;
import dev.emu.kernel.sched.Scheduler;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The guest's network namespace (struct net): its AF_UNIX name table and its loopback INET stack,
 * with what every socket needs from the kernel (the scheduler that runs woken tasks, the memory
 * accountant that queued data is charged to, socket inode numbers).
 *
 * <p>By default the guest's only network is its own: loopback addresses reach the guest's
 * sockets, every other destination is ENETUNREACH, so a run never depends on the host's network.
 * With a {@link HostNetwork} (`emu run --net host`) AF_INET and AF_INET6 sockets are the host's
 * instead ({@link HostInetSocket}), loopback included; AF_UNIX stays the guest's own.
 */
public final class Network {
    private final Scheduler scheduler;
    private final MemoryAccountant memory;
    private final IntSupplier inodes;
    private final UnixNames unixNames = new UnixNames();
    private final Loopback loopback = new Loopback();
    private final HostNetwork host;
    /** The open host-backed sockets, in the order they were made, and by their host socket. */
    private final Set<HostInetSocket> hostSockets = new LinkedHashSet<>();
    private final Map<HostSocket, HostInetSocket> byHost = new IdentityHashMap<>();

    public Network(Scheduler scheduler, MemoryAccountant memory, IntSupplier inodes) {
        this(scheduler, memory, inodes, null);
    }

    /** A network whose INET sockets are {@code host}'s (null: the guest's own loopback). */
    public Network(Scheduler scheduler, MemoryAccountant memory, IntSupplier inodes, HostNetwork host) {
        this.scheduler = scheduler;
        this.memory = memory;
        this.inodes = inodes;
        this.host = host;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public MemoryAccountant memory() {
        return memory;
    }

    int allocInode() {
        return inodes.getAsInt();
    }

    public UnixNames unixNames() {
        return unixNames;
    }

    public Loopback loopback() {
        return loopback;
    }

    /** The host network of `--net host`, or null. */
    public HostNetwork host() {
        return host;
    }

    void hostOpened(HostInetSocket s) {
        hostSockets.add(s);
        byHost.put(s.host(), s);
    }

    void hostReplaced(HostInetSocket s, HostSocket old) {
        byHost.remove(old);
        byHost.put(s.host(), s);
    }

    void hostClosed(HostInetSocket s) {
        hostSockets.remove(s);
        byHost.remove(s.host());
    }

    /** Whether a task or epoll waits on a host socket for something the host has still to report. */
    public boolean hostWaiting() {
        for (HostInetSocket s : hostSockets) {
            if (s.wanted() != 0 && s.hasWaiters()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The kernel's one hook into the host network: waits up to {@code timeoutNanos} of host time
     * (0: only looks) for what the host sockets want, takes what arrived and wakes their waiters.
     */
    public void pollHost(long timeoutNanos) {
        if (host == null || hostSockets.isEmpty()) {
            return;
        }
        for (HostInetSocket s : hostSockets) {
            s.host().watch(s.wanted());
        }
        for (HostNetwork.Ready r : new ArrayList<>(host.await(timeoutNanos))) {
            HostInetSocket s = byHost.get(r.socket());
            if (s != null) {
                s.hostReady(r.events());
            }
        }
    }

    /** The open host-backed sockets (for tests and the deadlock report). */
    List<HostInetSocket> hostSockets() {
        return List.copyOf(hostSockets);
    }
}

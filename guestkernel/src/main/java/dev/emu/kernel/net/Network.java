package dev.emu.kernel.net;

import dev.emu.kernel.limits.MemoryAccountant;
import dev.emu.kernel.sched.Scheduler;
import java.util.function.IntSupplier;

/**
 * The guest's network namespace (struct net): its AF_UNIX name table and its loopback INET stack,
 * with what every socket needs from the kernel (the scheduler that runs woken tasks, the memory
 * accountant that queued data is charged to, socket inode numbers).
 *
 * <p>The guest's only network is its own: loopback addresses reach the guest's sockets, every
 * other destination is ENETUNREACH, so a run never depends on the host's network.
 */
public final class Network {
    private final Scheduler scheduler;
    private final MemoryAccountant memory;
    private final IntSupplier inodes;
    private final UnixNames unixNames = new UnixNames();
    private final Loopback loopback = new Loopback();

    public Network(Scheduler scheduler, MemoryAccountant memory, IntSupplier inodes) {
        this.scheduler = scheduler;
        this.memory = memory;
        this.inodes = inodes;
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
}

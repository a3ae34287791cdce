package dev.emu.kernel.bpf;

import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.sched.TickContext;
import dev.emu.kernel.sched.TickHook;
import dev.emu.kernel.task.Task;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Programs attached with BPF_EMU_TIMER: one {@link TickHook} on the kernel that runs each
 * attached program every N ticks with a {@code struct emu_timer_ctx} (see
 * {@link EmuBpfExtensions}). The hook is registered only while something is attached, so an idle
 * kernel with nothing attached can still detect a deadlock.
 *
 * <p>Runtime guard: each run has the subsystem's instruction budget ({@link BpfSubsystem#runBudget},
 * 1,000,000 by default). A program that faults (an access the verifier should have refused, a
 * bad helper argument) or exhausts the budget is reported once on the kernel log and detached;
 * the guest keeps running. Its fds stay valid; PROG_DETACH then returns -ENOENT.
 */
public final class TimerAttachments implements TickHook {
    /** One attachment. {@code every} and {@code program} are immutable. */
    private record Attachment(BpfProgram program, int every) {}

    private final BpfSubsystem bpf;
    private final List<Attachment> attached = new ArrayList<>();
    private boolean registered;
    private boolean inTick;

    TimerAttachments(BpfSubsystem bpf) {
        this.bpf = bpf;
    }

    /** Attaches {@code p} to run every {@code every} ticks; false if it is already attached. */
    boolean attach(BpfProgram p, int every) {
        if (isAttached(p)) {
            return false;
        }
        attached.add(new Attachment(p, every));
        sync();
        return true;
    }

    /** Detaches {@code p}; false if it was not attached. */
    boolean detach(BpfProgram p) {
        boolean removed = attached.removeIf(a -> a.program == p);
        sync();
        return removed;
    }

    public boolean isAttached(BpfProgram p) {
        return attached.stream().anyMatch(a -> a.program == p);
    }

    public int count() {
        return attached.size();
    }

    /** The attached programs in attach order (PROG_QUERY). */
    public java.util.List<BpfProgram> programs() {
        return attached.stream().map(Attachment::program).toList();
    }

    /**
     * Registers or removes the kernel tick hook to match the attachments. The kernel walks its
     * hook list while ticking, so nothing changes it from inside a tick; a detach during a tick
     * takes effect on the hook list at the next bpf() call or close.
     */
    void sync() {
        if (inTick) {
            return;
        }
        Kernel k = bpf.kernel();
        if (attached.isEmpty() && registered) {
            k.removeTickHook(this);
            registered = false;
        } else if (!attached.isEmpty() && !registered) {
            k.addTickHook(this);
            registered = true;
        }
    }

    @Override
    public void onTick(TickContext tick) {
        if (attached.isEmpty()) {
            return;
        }
        inTick = true;
        try {
            byte[] ctx = context(tick);
            Task t = tick.interrupted();
            for (Attachment a : List.copyOf(attached)) {
                if (tick.tick() % a.every != 0) {
                    continue;
                }
                ExecutionResult r = a.program.run(ctx.clone(), new KernelHelperEnvironment(bpf.kernel(), t));
                if (r instanceof ExecutionResult.Fault f) {
                    attached.remove(a);
                    bpf.kernel().log().info("bpf: " + a.program + " faulted at " + f.message()
                            + " on tick " + tick.tick() + "; detached from the timer");
                }
            }
        } finally {
            inTick = false;
        }
    }

    /** struct emu_timer_ctx for {@code tick}. */
    static byte[] context(TickContext tick) {
        Task t = tick.interrupted();
        return ByteBuffer.allocate(EmuBpfExtensions.TIMER_CTX_SIZE).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(EmuBpfExtensions.TIMER_CTX_TICK, tick.tick())
                .putLong(EmuBpfExtensions.TIMER_CTX_TIME_NS, tick.nowNanos())
                .putInt(EmuBpfExtensions.TIMER_CTX_PID, t == null ? 0 : t.process().pid())
                .putInt(EmuBpfExtensions.TIMER_CTX_TID, t == null ? 0 : t.tid())
                .putLong(EmuBpfExtensions.TIMER_CTX_RIP, t == null ? 0 : tick.userRip())
                .array();
    }
}

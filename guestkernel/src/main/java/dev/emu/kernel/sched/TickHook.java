package dev.emu.kernel.sched;

/**
 * Called on every timer tick, on the emulation thread, between guest instructions.
 *
 * <p>This is where the BPF subsystem attaches timer programs. Implementations must not block.
 */
@FunctionalInterface
public interface TickHook {
    void onTick(TickContext context);
}

package dev.emu.emulator.unicorn;

import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.Platform;

/**
 * Runs guest code in Unicorn 2 (libunicorn.so.2), bound with java.lang.foreign.
 *
 * <p>Each {@link AddressSpace} is one Unicorn engine; its threads are saved CPU contexts. Work is
 * counted in executed basic blocks by a native block hook shared by all engines of the platform,
 * so {@link #workDone()} is deterministic for the same guest code and inputs.
 *
 * <p>Usage: {@code Platform p = new UnicornPlatform();}. Needs {@code --enable-native-access}
 * for the unnamed module (the jar manifest grants it).
 */
public final class UnicornPlatform implements Platform {

    /**
     * Made on first use ({@link #slice()}), not in the constructor: the libraries may still be
     * loading on UnicornPreload's threads while the kernel is constructed.
     */
    private volatile SliceCounter slice;
    private final boolean preciseFaults;
    /** Unicorn 2.1.4+: virtual TLB and native fill hook (VirtualTlb); else 2.0's hook set. */
    private boolean fastMemory;
    private boolean running;
    /** The per-instruction hook; null unless an instruction limit or a debugger was enabled. */
    private InsnHook insn;
    private UnicornDebug debug;
    private boolean spacesCreated;

    /** A platform with precise fault RIPs (see {@link #UnicornPlatform(boolean)}). */
    public UnicornPlatform() {
        this(true);
    }

    /**
     * @param preciseFaults make RIP after a memory fault the faulting instruction's address.
     *     Unicorn 2.0 otherwise reports the start of the faulting translation block, with the
     *     block's earlier instructions already executed. Precision costs ~18% on memory-bound
     *     code (Unicorn stores RIP before every instruction).
     */
    public UnicornPlatform(boolean preciseFaults) {
        this.preciseFaults = preciseFaults;
        HostPages.disableHugePages();
    }


    boolean preciseFaults() {
        return preciseFaults;
    }

    boolean fastMemory() {
        slice();
        return fastMemory;
    }

    /**
     * Null with Unicorn 2.1.4+; otherwise a one-line warning that guest stores are slow with the
     * library in use (every store takes Unicorn 2.0's slow path, ~10-30x qemu-user).
     */
    public String slowMemoryWarning() {
        return fastMemory() ? null
                : "Unicorn " + Unicorn.version() + " (" + Unicorn.LIBRARY + ") makes guest stores slow (10-30x); "
                        + "emu is tuned for Unicorn " + Unicorn.PREFERRED_VERSION
                        + ", which scripts/emu fetches (or set EMU_UNICORN_LIB=/path/to/libunicorn.so.2)";
    }

    /** The library in use: "Unicorn 2.1.4 (/root/.cache/emu/unicorn-2.1.4/libunicorn.so.2)". */
    public static String libraryDescription() {
        return "Unicorn " + Unicorn.version() + " (" + Unicorn.LIBRARY + ")";
    }

    @Override
    public dev.emu.kernel.platform.SharedPages newSharedPages(long length) {
        return new HostPages(length);
    }

    @Override
    public AddressSpace newAddressSpace() {
        spacesCreated = true;
        try {
            return new UnicornAddressSpace(this);
        } catch (UnicornException e) {
            if (e.code() == Unicorn.UC_ERR_NOMEM) {
                throw new dev.emu.kernel.platform.HostMemoryException(e.getMessage());
            }
            throw e;
        }
    }

    @Override
    public long workDone() {
        return slice().blocks();
    }

    @Override
    public String description() {
        String warning = slowMemoryWarning();
        return libraryDescription() + (warning == null ? "" : " [warning: " + warning + "]");
    }

    /**
     * Makes the running guest thread (if any) stop at its next basic block with
     * {@code INTERRUPTED}, and every later {@code run} return {@code INTERRUPTED} at once until
     * {@link #clearInterrupt()}. Safe to call from any thread (e.g. a --timeout watchdog).
     *
     * <p>It sets a flag the native block hook reads, rather than calling uc_emu_stop from this
     * thread, which races with the engine's own start/stop bookkeeping.
     */
    public void interrupt() {
        slice().requestStop();
    }

    /** Withdraws {@link #interrupt()}. */
    public void clearInterrupt() {
        slice().clearStopRequest();
    }

    /**
     * Stops the guest before it executes instruction {@code limit + 1} (counted over all threads);
     * the kernel then ends the run ({@link #haltReason()}). Installs the per-instruction hook,
     * which costs 2-4x on compute-bound code. Must be called before the first address space.
     */
    public void setInstructionLimit(long limit) {
        insnHook().setLimit(limit);
    }

    /**
     * The debugger interface; installs the per-instruction hook (and the watchpoint hook while
     * watchpoints are set, UnicornDebug#watchHookWanted). Must be called before the first
     * address space.
     */
    public UnicornDebug enableDebugger() {
        if (debug == null) {
            debug = new UnicornDebug(insnHook(), slice());
        }
        return debug;
    }

    private InsnHook insnHook() {
        if (insn == null) {
            slice(); // the libraries
            if (spacesCreated) {
                throw new IllegalStateException("the instruction hook must be enabled before the first address space");
            }
            insn = new InsnHook();
        }
        return insn;
    }

    InsnHook insn() {
        return insn;
    }

    UnicornDebug debug() {
        return debug;
    }

    /** Instructions executed so far, or -1 when they are not counted (no limit, no debugger). */
    public long instructionsDone() {
        return insn == null ? -1 : insn.instructions();
    }

    @Override
    public String haltReason() {
        if (insn == null || !insn.halted()) {
            return null;
        }
        if (debug != null && debug.haltReason() != null) {
            return debug.haltReason();
        }
        return "instruction limit reached (" + insn.limit() + " instructions)";
    }

    /** The platform's block counter; the first call waits for the libraries (UnicornPreload). */
    SliceCounter slice() {
        SliceCounter s = slice;
        if (s == null) {
            synchronized (this) {
                s = slice;
                if (s == null) {
                    UnicornPreload.await();
                    fastMemory = VirtualTlb.supported();
                    s = new SliceCounter();
                    slice = s; // volatile write: publishes fastMemory too
                }
            }
        }
        return s;
    }

    /** One guest thread runs at a time: the slice counter's budget belongs to it. */
    void enterRun() {
        if (running) {
            throw new IllegalStateException("a guest thread is already running on this platform (nested run)");
        }
        running = true;
    }

    void exitRun() {
        running = false;
    }
}

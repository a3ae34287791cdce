package dev.emu.emulator.unicorn;

import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.Reg;
import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;

/**
 * What a debugger (the gdb stub) needs from the Unicorn platform: stops at breakpoints, after
 * watched accesses, after one instruction, at syscall entry and return and at guest faults;
 * every register gdb knows; and halting the guest.
 *
 * <p>Breakpoints and watchpoints live in the native per-instruction hook ({@link InsnHook}), so
 * guest memory is never modified and a hit costs one upcall. Every stop calls
 * {@link Listener#onStop} on the emulation thread, with the guest thread's registers in the
 * engine; the guest resumes when it returns. Obtained from {@link UnicornPlatform#enableDebugger()}.
 */
public final class UnicornDebug {

    /** Why the guest stopped for the debugger. */
    public enum Kind { STEP, INTERRUPT, WATCH_WRITE, WATCH_READ, WATCH_ACCESS, BREAKPOINT, SYSCALL_ENTRY,
        SYSCALL_RETURN, SIGNAL }

    /**
     * A stop.
     *
     * @param cpu the guest thread that stopped
     * @param dataAddress for watchpoints, the accessed address
     * @param syscall for syscall stops, the number
     * @param signal for {@link Kind#SIGNAL}, the Linux signal the fault raises
     */
    public record Stop(Kind kind, Cpu cpu, long dataAddress, int syscall, int signal) {}

    /** Receives stops on the emulation thread; the guest resumes when it returns. */
    @FunctionalInterface
    public interface Listener {
        void onStop(Stop stop);
    }

    /** Registers beyond {@link Reg} that gdb's amd64 description has: x87, SSE. */
    public enum ExtraReg {
        ST0(10), ST1(10), ST2(10), ST3(10), ST4(10), ST5(10), ST6(10), ST7(10),
        FCTRL(4), FSTAT(4), FTAG(4), FISEG(4), FIOFF(4), FOSEG(4), FOOFF(4), FOP(4),
        XMM0(16), XMM1(16), XMM2(16), XMM3(16), XMM4(16), XMM5(16), XMM6(16), XMM7(16),
        XMM8(16), XMM9(16), XMM10(16), XMM11(16), XMM12(16), XMM13(16), XMM14(16), XMM15(16),
        MXCSR(4);

        private final int size;

        ExtraReg(int size) {
            this.size = size;
        }

        public int size() {
            return size;
        }

        int ucId() {
            int o = ordinal();
            if (o <= ST7.ordinal()) {
                return X86.ST0 + o;
            }
            if (o >= XMM0.ordinal() && o <= XMM15.ordinal()) {
                return X86.XMM0 + (o - XMM0.ordinal());
            }
            return switch (this) {
                case FCTRL -> X86.FPCW;
                case FSTAT -> X86.FPSW;
                case FTAG -> X86.FPTAG;
                case FISEG -> 255; // UC_X86_REG_FCS
                case FIOFF -> 254; // UC_X86_REG_FIP
                case FOSEG -> 257; // UC_X86_REG_FDS
                case FOOFF -> 256; // UC_X86_REG_FDP
                case FOP -> 258; // UC_X86_REG_FOP
                case MXCSR -> X86.MXCSR;
                default -> throw new AssertionError(this);
            };
        }
    }

    private static final int REQ_STEP = 1;
    private static final int REQ_INTERRUPT = 2;

    private final InsnHook hook;
    private final SliceCounter slice;
    private volatile Listener listener;
    private final List<Long> breakpoints = new ArrayList<>();
    private final List<long[]> watches = new ArrayList<>();
    private boolean catchAllSyscalls;
    private final BitSet caughtSyscalls = new BitSet();
    private boolean catching;
    private Cpu running;
    private int syscallInProgress = -1;
    private String haltReason;
    private long stops;

    UnicornDebug(InsnHook hook, SliceCounter slice) {
        this.hook = hook;
        this.slice = slice;
        try {
            var handle = MethodHandles.lookup().findVirtual(UnicornDebug.class, "onNativeStop",
                    MethodType.methodType(long.class, long.class, long.class, long.class, long.class, long.class,
                            long.class));
            // SAFETY: on_stop's C type in struct emu_insn, int64_t (uc_engine *, uint64_t pc,
            // int32_t kind, uint64_t data), taken in the shape of Unicorn.UPCALL; the stub lives
            // as long as the JVM (Arena.global), so no engine can call a freed stub.
            hook.setOnStop(Unicorn.LINKER.upcallStub(handle.bindTo(this), Unicorn.UPCALL, Arena.global()));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    // ---- breakpoints, watchpoints, stepping ----------------------------------------------------

    /** Adds a breakpoint at {@code address}; false when the table is full. */
    public synchronized boolean addBreakpoint(long address) {
        if (!breakpoints.contains(address)) {
            if (breakpoints.size() >= InsnHook.MAX_BREAKS) {
                return false;
            }
            breakpoints.add(address);
            hook.setBreakpoints(breakpoints.stream().mapToLong(Long::longValue).toArray());
        }
        return true;
    }

    public synchronized void removeBreakpoint(long address) {
        breakpoints.remove(address);
        hook.setBreakpoints(breakpoints.stream().mapToLong(Long::longValue).toArray());
    }

    /** Adds a watchpoint on [address, address+length); kind WATCH_WRITE, _READ or _ACCESS. */
    public synchronized boolean addWatchpoint(Kind kind, long address, long length) {
        if (watches.size() >= InsnHook.MAX_WATCHES || length <= 0) {
            return false;
        }
        watches.add(new long[] {address, address + length - 1, watchCode(kind)});
        hook.setWatches(watches.toArray(long[][]::new));
        return true;
    }

    public synchronized void removeWatchpoint(Kind kind, long address, long length) {
        watches.removeIf(w -> w[0] == address && w[1] == address + length - 1 && w[2] == watchCode(kind));
        hook.setWatches(watches.toArray(long[][]::new));
    }

    private static int watchCode(Kind kind) {
        return switch (kind) {
            case WATCH_WRITE -> 3;
            case WATCH_READ -> 4;
            case WATCH_ACCESS -> 5;
            default -> throw new IllegalArgumentException(kind + " is not a watchpoint kind");
        };
    }

    /** Removes every breakpoint and watchpoint and stops catching syscalls (detach). */
    public synchronized void clearAll() {
        breakpoints.clear();
        watches.clear();
        hook.setBreakpoints(new long[0]);
        hook.setWatches(new long[0][]);
        catching = false;
    }

    /** The guest stops again after executing exactly one instruction (any thread's). */
    public void stepOnResume() {
        hook.requestStop(REQ_STEP);
    }

    /** Stops the guest at its next instruction with {@link Kind#INTERRUPT}; safe from any thread. */
    public void interrupt() {
        hook.requestStop(REQ_INTERRUPT);
    }

    /** Cancels a pending {@link #stepOnResume()}/{@link #interrupt()} (continue after a step stop). */
    public void clearStopRequest() {
        hook.requestStop(0);
    }

    /** Stop at syscall entry and return: all syscalls, or only {@code numbers}. */
    public synchronized void catchSyscalls(boolean on, Set<Integer> numbers) {
        catching = on;
        caughtSyscalls.clear();
        catchAllSyscalls = numbers == null || numbers.isEmpty();
        if (numbers != null) {
            numbers.forEach(caughtSyscalls::set);
        }
    }

    /** Ends the run: the guest stops at its next instruction and the kernel's loop ends. */
    public void kill() {
        haltReason = "killed by the debugger";
        hook.halt();
    }

    String haltReason() {
        return haltReason;
    }

    /** The syscall number of the stop in progress (gdb's orig_rax), or -1. */
    public int syscallInProgress() {
        return syscallInProgress;
    }

    /** Instructions executed so far (the hook counts them while a debugger is enabled). */
    public long instructions() {
        return hook.instructions();
    }

    // ---- registers -----------------------------------------------------------------------------

    /** Reads an x87/SSE register of {@code cpu} into a little-endian byte array of its size. */
    public byte[] read(Cpu cpu, ExtraReg reg) {
        byte[] out = new byte[reg.size()];
        ((UnicornCpu) cpu).readRaw(reg.ucId(), out);
        return out;
    }

    public void write(Cpu cpu, ExtraReg reg, byte[] value) {
        ((UnicornCpu) cpu).writeRaw(reg.ucId(), value);
    }

    // ---- stops, called by the platform -------------------------------------------------------

    /** The platform is about to run {@code cpu} (the thread a native stop refers to). */
    void running(Cpu cpu) {
        running = cpu;
    }

    void syscallEntry(Cpu cpu, int nr) {
        if (wants(nr)) {
            syscallInProgress = nr;
            try {
                deliver(new Stop(Kind.SYSCALL_ENTRY, cpu, 0, nr, 0));
            } finally {
                syscallInProgress = -1;
            }
        }
    }

    void syscallReturn(Cpu cpu, int nr) {
        if (wants(nr)) {
            syscallInProgress = nr;
            try {
                deliver(new Stop(Kind.SYSCALL_RETURN, cpu, 0, nr, 0));
            } finally {
                syscallInProgress = -1;
            }
        }
    }

    private synchronized boolean wants(int nr) {
        return catching && (catchAllSyscalls || caughtSyscalls.get(nr));
    }

    void fault(Cpu cpu, int signal, long address) {
        deliver(new Stop(Kind.SIGNAL, cpu, address, -1, signal));
    }

    /**
     * on_stop upcall from emu_insn_code_hook: the engine is before the instruction at {@code pc}.
     * Returns 1 to have the engine stop before it (see {@link #watchHookWanted}).
     */
    private long onNativeStop(long uc, long pc, long kindArg, long data, long unused5, long unused6) {
        int kind = (int) kindArg;
        // Catch-all: an exception must not unwind into Unicorn's frames (it would abort the JVM).
        try {
            Kind k = switch (kind) {
                case REQ_STEP -> Kind.STEP;
                case REQ_INTERRUPT -> Kind.INTERRUPT;
                case 3 -> Kind.WATCH_WRITE;
                case 4 -> Kind.WATCH_READ;
                case 5 -> Kind.WATCH_ACCESS;
                default -> Kind.BREAKPOINT;
            };
            if (deliver(new Stop(k, running, data, -1, 0))) {
                // The watch hook must be added or removed before this instruction runs: the
                // engine stops before it and UnicornAddressSpace.run resyncs and resumes here.
                return 1;
            }
        } catch (Throwable t) {
            System.err.println("emu: debugger failed, continuing without stopping: " + t);
        }
        return 0;
    }

    /**
     * Reports {@code stop} and waits for the debugger to resume; true when the debugger meanwhile
     * set the first watchpoint or removed the last, so the engine must stop to add or remove its
     * watch hook before the guest goes on. A stop outside the code hook (syscall, fault) ends the
     * slice at the next block for that ({@link #watchHookWanted}).
     */
    private boolean deliver(Stop stop) {
        Listener l = listener;
        if (l != null && stop.cpu() != null) {
            stops++;
            boolean before = watchHookWanted();
            l.onStop(stop);
            if (watchHookWanted() != before) {
                slice.endSliceAtNextBlock();
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the engines need the watch hook (UC_HOOK_MEM_READ|WRITE): only while a watchpoint
     * is set, because any such hook sends every guest load and store to Unicorn's slow path.
     * UnicornAddressSpace.run adds or removes it before each slice (with Unicorn 2.1.4; on older
     * libraries, which cannot flush translations, it stays for the whole --gdb session).
     */
    synchronized boolean watchHookWanted() {
        return !watches.isEmpty();
    }

    /** Stops delivered so far: a run that ends without a reason after one was resumed by it. */
    long stops() {
        return stops;
    }

    @Override
    public synchronized String toString() {
        return "UnicornDebug{breakpoints=" + breakpoints.stream().map(Long::toHexString).toList()
                + ", watches=" + watches.size() + ", catchSyscalls=" + (catching ? (catchAllSyscalls ? "all" : caughtSyscalls) : "off")
                + ", instructions=" + hook.instructions() + "}";
    }
}

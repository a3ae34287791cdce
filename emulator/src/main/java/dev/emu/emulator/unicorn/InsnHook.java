package dev.emu.emulator.unicorn;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The per-instruction hook of one platform (emulator/src/main/c/emu_slice.c, {@code emu_insn}):
 * exact instruction counting and limit, breakpoints, watchpoints and stop requests for the
 * debugger. Installed on an engine only when the platform enables it, because a callback per
 * instruction costs 2-4x on compute-bound code.
 *
 * <pre>
 *   struct emu_insn {                 offset
 *       int64_t instructions;         0    executed instructions
 *       int64_t limit;                8    0: none
 *       int32_t halted;               16   sticky stop
 *       int32_t stop_request;         20   atomic: kind of stop wanted at the next instruction
 *       uint64_t watch_addr;          24   data address of the last watch hit
 *       int64_t (*on_stop)(...);      32   upcall, NULL without a debugger; non-zero: stop
 *                                          before this instruction (resume_pc)
 *       int32_t nbreak, nwatch;       40, 44
 *       uint64_t breaks[64];          48
 *       struct {uint64 lo, hi; int32 kind, pad;} watches[32];   560
 *       uint64_t resume_pc;           1328 the instruction on_stop stopped before, which runs
 *       int32_t resume_pending, pad;  1336 without a second stop when resumed
 *   };
 * </pre>
 */
final class InsnHook {
    static final int MAX_BREAKS = 64;
    static final int MAX_WATCHES = 32;

    private static final long INSTRUCTIONS = 0;
    private static final long LIMIT = 8;
    private static final long HALTED = 16;
    private static final long STOP_REQUEST = 20;
    private static final long WATCH_ADDR = 24;
    private static final long ON_STOP = 32;
    private static final long NBREAK = 40;
    private static final long NWATCH = 44;
    private static final long BREAKS = 48;
    private static final long WATCHES = BREAKS + 8L * MAX_BREAKS;
    private static final long WATCH_SIZE = 24;
    private static final long SIZE = WATCHES + WATCH_SIZE * MAX_WATCHES + 16;

    private static final VarHandle INT_HANDLE = JAVA_INT.varHandle();

    /** Address of emu_insn_code_hook (UC_HOOK_CODE). */
    static final MemorySegment CODE_HOOK = SliceCounter.symbol("emu_insn_code_hook");
    /** Address of emu_insn_watch_hook (UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE). */
    static final MemorySegment WATCH_HOOK = SliceCounter.symbol("emu_insn_watch_hook");

    private final MemorySegment state;

    InsnHook() {
        // Kept alive by the platform, which every engine pointing at it holds.
        state = Arena.ofAuto().allocate(SIZE, 8);
    }

    MemorySegment address() {
        return state;
    }

    long instructions() {
        return state.get(JAVA_LONG, INSTRUCTIONS);
    }

    void setLimit(long limit) {
        state.set(JAVA_LONG, LIMIT, limit);
    }

    long limit() {
        return state.get(JAVA_LONG, LIMIT);
    }

    boolean halted() {
        return state.get(JAVA_INT, HALTED) != 0;
    }

    void halt() {
        state.set(JAVA_INT, HALTED, 1);
    }

    /** Asks for an on_stop upcall with {@code kind} at the next instruction; safe from any thread. */
    void requestStop(int kind) {
        INT_HANDLE.setVolatile(state, STOP_REQUEST, kind);
    }

    long watchAddress() {
        return state.get(JAVA_LONG, WATCH_ADDR);
    }

    void setOnStop(MemorySegment fn) {
        state.set(ADDRESS, ON_STOP, fn);
    }

    void setBreakpoints(long[] addresses) {
        if (addresses.length > MAX_BREAKS) {
            throw new IllegalArgumentException("at most " + MAX_BREAKS + " breakpoints");
        }
        state.set(JAVA_INT, NBREAK, 0);
        for (int i = 0; i < addresses.length; i++) {
            state.set(JAVA_LONG, BREAKS + 8L * i, addresses[i]);
        }
        state.set(JAVA_INT, NBREAK, addresses.length);
    }

    /** @param ranges triples (lo, hi inclusive, kind 3 write / 4 read / 5 access) */
    void setWatches(long[][] ranges) {
        if (ranges.length > MAX_WATCHES) {
            throw new IllegalArgumentException("at most " + MAX_WATCHES + " watchpoints");
        }
        state.set(JAVA_INT, NWATCH, 0);
        for (int i = 0; i < ranges.length; i++) {
            long base = WATCHES + WATCH_SIZE * i;
            state.set(JAVA_LONG, base, ranges[i][0]);
            state.set(JAVA_LONG, base + 8, ranges[i][1]);
            state.set(JAVA_INT, base + 16, (int) ranges[i][2]);
        }
        state.set(JAVA_INT, NWATCH, ranges.length);
    }
}

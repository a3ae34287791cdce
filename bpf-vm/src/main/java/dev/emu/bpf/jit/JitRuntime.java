package dev.emu.bpf.jit;

import dev.emu.abi.bpf.BpfFlags;
import dev.emu.bpf.helper.HelperContext;
import dev.emu.bpf.helper.HelperEnvironment;
import dev.emu.bpf.interp.MemoryMap;
import dev.emu.bpf.interp.VmFault;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.map.ArrayMap;
import dev.emu.bpf.map.BpfMap;

/**
 * Per-run state of compiled code (what the interpreter keeps in its Run): memory, maps, the
 * environment, and the BPF-to-BPF call frame stack. Public only for the generated classes.
 */
public final class JitRuntime implements HelperContext {
    private static final int MAX_FRAMES = BpfFlags.MAX_CALL_FRAMES;

    final LoadedProgram program;
    final HelperEnvironment env;
    /** The run's memory; generated code caches {@code mem.regions} and reloads it after helper calls. */
    public final MemoryMap mem = new MemoryMap();
    /** Current call depth (0 = main function). */
    public int depth;
    private final long[] saved = new long[MAX_FRAMES * 5];

    JitRuntime(LoadedProgram program, HelperEnvironment env) {
        this.program = program;
        this.env = env;
    }

    @Override
    public HelperEnvironment env() {
        return env;
    }

    @Override
    public MemoryMap memory() {
        return mem;
    }

    @Override
    public BpfMap map(long ptr) {
        long idx = (ptr >>> 32) - LoadedProgram.MAP_PTR_REGION;
        if ((int) ptr != 0 || idx < 0 || idx >= program.maps().size()) {
            throw new VmFault("0x" + Long.toHexString(ptr) + " is not a map pointer");
        }
        return program.maps().get((int) idx);
    }

    /** lddw map_value: the address of the single array element's value plus the offset. */
    public long mapValue(long slot, int pc) {
        try {
            BpfMap m = program.maps().get((int) (slot >>> 32));
            byte[] v = ((ArrayMap) m).valueAt(0);
            return mem.map(v, m) + (slot & 0xffffffffL);
        } catch (VmFault f) {
            throw new JitFault(pc, f.getMessage());
        }
    }

    /** call local: saves r6-r9 and the return site, or faults past 8 frames (as the interpreter). */
    public void push(long r6, long r7, long r8, long r9, int site, int pc) {
        if (depth + 1 >= MAX_FRAMES) {
            throw new JitFault(pc, "call stack too deep: more than " + MAX_FRAMES + " frames");
        }
        int s = depth * 5;
        saved[s] = r6;
        saved[s + 1] = r7;
        saved[s + 2] = r8;
        saved[s + 3] = r9;
        saved[s + 4] = site;
        depth++;
    }

    /** exit from a local function: pops the frame, returns the return site; then {@link #saved} gives r6-r9. */
    public int pop() {
        depth--;
        return (int) saved[depth * 5 + 4];
    }

    /** Saved register {@code k} (0 = r6) of the frame just popped. */
    public long saved(int k) {
        return saved[depth * 5 + k];
    }
}

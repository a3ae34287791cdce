package dev.emu.kernel.bpf;

import dev.emu.bpf.helper.HelperEnvironment;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.interp.InsnCounter;
import dev.emu.bpf.verifier.VerifiedProgram;
import java.util.List;

/**
 * A loaded, verified program as the kernel holds it (Linux's struct bpf_prog + bpf_prog_aux):
 * the code, its type, the maps it pins, its id and name. Reference-counted by its fds; the last
 * release detaches it from the timer and drops its map references (bpf_prog_put).
 */
public final class BpfProgram {
    private final BpfSubsystem owner;
    /** Immutable fields. */
    private final int id;
    private final int type;
    private final int expectedAttachType;
    private final String name;
    private final String license;
    private final VerifiedProgram code;
    /** The maps of its code, then those PROG_BIND_MAP added (bpf_prog_aux->used_maps). */
    private final List<MapObject> maps;
    /** Its BTF (prog_btf_fd) and the func_info / line_info records as loaded, or null / empty. */
    private BtfObject btf;
    private byte[] funcInfo = new byte[0], lineInfo = new byte[0];
    private int funcInfoCount, lineInfoCount;
    private final byte[] tag;
    private final long loadTimeNanos;
    private int references;
    /** A TRACING program's attach point (from attach_btf_id), or null. */
    private TracingTargets.Target tracingTarget;

    TracingTargets.Target tracingTarget() {
        return tracingTarget;
    }

    void setTracingTarget(TracingTargets.Target target) {
        this.tracingTarget = target;
    }

    BpfProgram(BpfSubsystem owner, int id, int type, int expectedAttachType, String name, String license,
               VerifiedProgram code, List<MapObject> maps, byte[] tag, long loadTimeNanos) {
        this.owner = owner;
        this.id = id;
        this.type = type;
        this.expectedAttachType = expectedAttachType;
        this.name = name;
        this.license = license;
        this.code = code;
        this.maps = new java.util.ArrayList<>(maps);
        this.tag = tag;
        this.loadTimeNanos = loadTimeNanos;
        for (MapObject m : maps) {
            m.retain();
        }
    }

    public int id() {
        return id;
    }

    /**
     * Host memory a loaded program holds: its decoded instructions and its JIT class, charged to
     * the guest's memory while it is loaded (Linux charges bpf_prog_alloc to the memory cgroup).
     */
    static long memoryCost(int instructions) {
        return (64L << 10) + 128L * instructions;
    }

    long memoryCost() {
        return memoryCost(code.program().instructions().size());
    }

    public int type() {
        return type;
    }

    public int expectedAttachType() {
        return expectedAttachType;
    }

    public String name() {
        return name;
    }

    public String license() {
        return license;
    }

    /** The verified code (only verified programs run). */
    public VerifiedProgram code() {
        return code;
    }

    /**
     * Runs the program once under the kernel's runtime guard: the default engine and the
     * subsystem's per-run instruction budget, so a slow program stops with a fault instead of
     * hanging the guest.
     */
    public ExecutionResult run(byte[] context, HelperEnvironment env) {
        return run(context, env, null);
    }

    /** As {@link #run(byte[], HelperEnvironment)}, adding the instructions executed to {@code counter} (if not null). */
    public ExecutionResult run(byte[] context, HelperEnvironment env, InsnCounter counter) {
        // Mapped mmapable arrays: user space's stores in, the program's stores out (MapObject).
        for (MapObject m : maps) {
            m.pullFromMappings();
        }
        try {
            return code.run(context, env, VerifiedProgram.Engine.DEFAULT, owner.runBudget(), counter);
        } finally {
            for (MapObject m : maps) {
                m.pushToMappings();
            }
        }
    }

    /** The maps this program uses, in the order of the loaded program's maps, then the bound ones. */
    public List<MapObject> maps() {
        return java.util.Collections.unmodifiableList(maps);
    }

    /**
     * PROG_BIND_MAP: the program holds {@code m} as if its code used it (bpf_prog_bind_map).
     * False if it already did.
     */
    boolean bindMap(MapObject m) {
        if (maps.contains(m)) {
            return false;
        }
        m.retain();
        maps.add(m);
        return true;
    }

    /** Keeps the program's BTF and its func_info / line_info records (reported by OBJ_GET_INFO_BY_FD). */
    void setBtf(BtfObject btf, byte[] funcInfo, int funcInfoCount, byte[] lineInfo, int lineInfoCount) {
        btf.retain();
        this.btf = btf;
        this.funcInfo = funcInfo;
        this.funcInfoCount = funcInfoCount;
        this.lineInfo = lineInfo;
        this.lineInfoCount = lineInfoCount;
    }

    /** The program's BTF, or null. */
    public BtfObject btf() {
        return btf;
    }

    /** The bpf_func_info records (8 bytes each), as loaded. */
    byte[] funcInfo() {
        return funcInfo.clone();
    }

    int funcInfoCount() {
        return funcInfoCount;
    }

    /** The bpf_line_info records (16 bytes each), as loaded. */
    byte[] lineInfo() {
        return lineInfo.clone();
    }

    int lineInfoCount() {
        return lineInfoCount;
    }

    /** bpf_prog_info.tag: the first 8 bytes of the SHA-1 of the instructions. */
    public byte[] tag() {
        return tag.clone();
    }

    public long loadTimeNanos() {
        return loadTimeNanos;
    }

    void retain() {
        references++;
    }

    void release() {
        if (--references == 0) {
            owner.forget(this);
            for (MapObject m : maps) {
                m.release();
            }
            if (btf != null) {
                btf.release();
            }
        }
    }

    @Override
    public String toString() {
        return "program " + id + (name.isEmpty() ? "" : " (" + name + ")");
    }
}

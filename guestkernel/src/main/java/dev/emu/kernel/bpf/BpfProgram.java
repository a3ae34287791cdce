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
    private final List<MapObject> maps;
    private final byte[] tag;
    private final long loadTimeNanos;
    private int references;

    BpfProgram(BpfSubsystem owner, int id, int type, int expectedAttachType, String name, String license,
               VerifiedProgram code, List<MapObject> maps, byte[] tag, long loadTimeNanos) {
        this.owner = owner;
        this.id = id;
        this.type = type;
        this.expectedAttachType = expectedAttachType;
        this.name = name;
        this.license = license;
        this.code = code;
        this.maps = maps;
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

    /** The maps this program uses, in the order of the loaded program's maps. */
    public List<MapObject> maps() {
        return maps;
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
        }
    }

    @Override
    public String toString() {
        return "program " + id + (name.isEmpty() ? "" : " (" + name + ")");
    }
}

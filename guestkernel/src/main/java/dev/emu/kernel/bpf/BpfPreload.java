package dev.emu.kernel.bpf;

import dev.emu.bpf.isa.Instruction;
import dev.emu.bpf.load.LoadResult;
import dev.emu.bpf.load.LoadedProgram;
import dev.emu.bpf.map.BpfMap;
import dev.emu.bpf.map.MapCreateResult;
import dev.emu.bpf.map.MapTypes;
import dev.emu.bpf.verifier.ProgramType;
import dev.emu.bpf.verifier.Verifier;
import dev.emu.bpf.verifier.VerifierResult;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.perf.PerfEvent;
import dev.emu.kernel.perf.PerfProgram;
import java.util.ArrayList;
import java.util.List;

/**
 * BPF objects the kernel makes for itself (after kernel/bpf/preload, where Linux loads its own
 * iterator programs through a light skeleton): maps made by the map types' own constructors and
 * programs checked by the load checks and the verifier like any guest's, then attached to a
 * perf event as PERF_EVENT_IOC_SET_BPF would. They are not in the id tables, so the guest does
 * not see them (a profiled guest's `bpftool prog` shows what it shows unprofiled), and they are
 * not charged to the guest's memory: they are emu's, not the guest's.
 */
public final class BpfPreload {
    private BpfPreload() {}

    /** A map of {@code type}; IllegalArgumentException with the errno when the type refuses the sizes. */
    public static MapObject createMap(Kernel kernel, int type, int keySize, int valueSize, int maxEntries, String name) {
        MapCreateResult r = MapTypes.create(type, new MapTypes.CreateAttrs(keySize, valueSize, maxEntries, 0, 0, null),
                dev.emu.bpf.map.MemoryCharge.UNLIMITED);
        if (!r.isOk()) {
            throw new IllegalArgumentException("map " + name + ": " + r.error());
        }
        MapObject m = new MapObject(BpfSubsystem.of(kernel), 0, r.map(), name);
        m.retain();
        return m;
    }

    /**
     * A program of {@code type} from {@code insns}, whose {@code lddw map_fd(N)} names
     * {@code maps.get(N)}; verified as a GPL program. IllegalArgumentException with the
     * verifier's message if it is refused (a bug in emu's own program).
     */
    public static BpfProgram load(Kernel kernel, ProgramType type, String name, List<Instruction> insns,
                                  List<MapObject> maps) {
        LoadResult lr = LoadedProgram.load(insns, fd -> fd >= 0 && fd < maps.size() ? maps.get(fd).map() : null);
        if (!(lr instanceof LoadResult.Loaded l)) {
            throw new IllegalArgumentException("program " + name + ": " + ((LoadResult.Refused) lr).message());
        }
        VerifierResult vr = Verifier.verify(l.program(), type, 0);
        if (!(vr instanceof VerifierResult.Accepted ac)) {
            throw new IllegalArgumentException("program " + name + " refused by the verifier: "
                    + ((VerifierResult.Rejected) vr).message());
        }
        List<MapObject> used = new ArrayList<>();
        for (BpfMap m : l.program().maps()) {
            for (MapObject o : maps) {
                if (o.map() == m) {
                    used.add(o);
                }
            }
        }
        BpfSubsystem bpf = BpfSubsystem.of(kernel);
        BpfProgram p = new BpfProgram(bpf, 0, type.id(), 0, name, "GPL", ac.program(), used, new byte[8],
                kernel.clock().nanos());
        p.retain();
        return p;
    }

    /** The perf-core view of {@code p} attached to a sampling event (a PERF_EVENT program's context). */
    public static PerfProgram perfProgram(Kernel kernel, BpfProgram p) {
        return new TracingAttach.PerfAttachment(kernel, p);
    }

    /** The PERF_EVENT program type as the kernel's verifier sees it. */
    public static ProgramType perfEventType() {
        return KernelProgramTypes.PERF_EVENT;
    }
}

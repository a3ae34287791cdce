package dev.emu.kernel.bpf;

import dev.emu.bpf.map.BpfMap;
import dev.emu.kernel.Kernel;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;

/**
 * The BPF state of one guest kernel: the global id tables of maps and programs (Linux's
 * map_idr / prog_idr) and the timer attachments.
 *
 * <p>Looked up per kernel with {@link #of}; created on first use, so a guest that never calls
 * bpf() pays nothing. Everything runs on the emulation thread.
 */
public final class BpfSubsystem {
    private static final Map<Kernel, BpfSubsystem> BY_KERNEL = Collections.synchronizedMap(new WeakHashMap<>());

    private final Kernel kernel;
    private final TreeMap<Integer, MapObject> maps = new TreeMap<>();
    private final TreeMap<Integer, BpfProgram> programs = new TreeMap<>();
    private final TreeMap<Integer, BtfObject> btfs = new TreeMap<>();
    private final TimerAttachments timer;
    /**
     * Runtime guard: the most instructions one program run may execute (a timer tick or one
     * repetition of PROG_TEST_RUN), {@link #DEFAULT_RUN_BUDGET} unless a test lowers it. Linux
     * needs none (its verifier's 1M-instruction complexity limit plus preemption); this kernel
     * runs programs inline on its tick and cannot preempt them.
     */
    private long runBudget = DEFAULT_RUN_BUDGET;
    /** The per-run instruction budget: 1,000,000, the figure of Linux's verifier complexity limit. */
    public static final long DEFAULT_RUN_BUDGET = 1_000_000;
    private int nextMapId = 1;
    private int nextProgId = 1;
    /** Links by id (link_idr). */
    private final TreeMap<Integer, BpfLink> links = new TreeMap<>();
    private int nextLinkId = 1;
    /** Id 1 is the kernel's own BTF ("vmlinux", btf_vmlinux), as on Linux; loaded BTF starts at 2. */
    private int nextBtfId = 2;
    private BtfObject vmlinux;

    private BpfSubsystem(Kernel kernel) {
        this.kernel = kernel;
        this.timer = new TimerAttachments(this);
    }

    /** The scheduler of this kernel: what wakes tasks waiting on a map. */
    dev.emu.kernel.sched.Scheduler scheduler() {
        return kernel.scheduler();
    }

    /** The BPF state of {@code kernel}. */
    public static BpfSubsystem of(Kernel kernel) {
        return BY_KERNEL.computeIfAbsent(kernel, BpfSubsystem::new);
    }

    public Kernel kernel() {
        return kernel;
    }

    /** The per-run instruction budget (see {@link dev.emu.bpf.interp.InsnBudget}). */
    public long runBudget() {
        return runBudget;
    }

    /** Sets the per-run instruction budget (tests use small ones). */
    public void setRunBudget(long budget) {
        if (budget <= 0) {
            throw new IllegalArgumentException("budget " + budget);
        }
        runBudget = budget;
    }

    public TimerAttachments timer() {
        return timer;
    }

    MapObject newMap(BpfMap map, String name) {
        MapObject m = new MapObject(this, nextMapId++, map, name);
        maps.put(m.id(), m);
        return m;
    }

    void register(BpfProgram p) {
        programs.put(p.id(), p);
    }

    int allocProgramId() {
        return nextProgId++;
    }

    BtfObject newBtf(dev.emu.bpf.btf.Btf btf) {
        BtfObject b = new BtfObject(this, nextBtfId++, btf);
        btfs.put(b.id(), b);
        return b;
    }

    /** The live BTF object with global id {@code id}, or null. */
    public BtfObject btfById(long id) {
        vmlinux();
        return btfs.get((int) Math.min(id, Integer.MAX_VALUE));
    }

    /** The kernel BTF as BTF object 1, made the first time it is asked for; never freed. */
    public BtfObject vmlinux() {
        if (vmlinux == null) {
            vmlinux = new BtfObject(this, 1, kernel.kernelBtf().btf(), "vmlinux");
            vmlinux.retain();
            btfs.put(1, vmlinux);
        }
        return vmlinux;
    }

    /** The smallest live map id above {@code id}, or -1 (idr_get_next for BPF_MAP_GET_NEXT_ID). */
    int nextMapId(long id) {
        Integer k = maps.higherKey((int) Math.min(id, Integer.MAX_VALUE));
        return k == null ? -1 : k;
    }

    /** The smallest live program id above {@code id}, or -1. */
    int nextProgramId(long id) {
        Integer k = programs.higherKey((int) Math.min(id, Integer.MAX_VALUE));
        return k == null ? -1 : k;
    }

    /** The smallest live BTF id above {@code id}, or -1. */
    int nextBtfId(long id) {
        vmlinux();
        Integer k = btfs.higherKey((int) Math.min(id, Integer.MAX_VALUE));
        return k == null ? -1 : k;
    }

    /** Called by the BTF object's last release. */
    void forget(BtfObject b) {
        btfs.remove(b.id());
        kernel.memory().unchargeHeap(b.memoryCost());
    }

    /** The live map with global id {@code id}, or null. */
    public MapObject mapById(long id) {
        return maps.get((int) Math.min(id, Integer.MAX_VALUE));
    }

    /** The live program with global id {@code id}, or null. */
    public BpfProgram programById(long id) {
        return programs.get((int) Math.min(id, Integer.MAX_VALUE));
    }

    /** Called by the map's last release: the map's storage goes, and its charge with it. */
    void forget(MapObject m) {
        maps.remove(m.id());
        if (m.map() instanceof dev.emu.bpf.map.PerfEventArray pea) {
            PerfEventMaps.releaseAll(pea); // the event files it held
        }
        kernel.memory().unchargeHeap(m.map().memoryCost());
    }

    /** Called by the program's last release: it leaves the id table and the timer. */
    void forget(BpfProgram p) {
        programs.remove(p.id());
        timer.detach(p);
        kernel.memory().unchargeHeap(p.memoryCost());
    }

    int allocLinkId() {
        return nextLinkId++;
    }

    void register(BpfLink l) {
        links.put(l.id(), l);
    }

    /** The live link with global id {@code id}, or null. */
    public BpfLink linkById(long id) {
        return links.get((int) Math.min(id, Integer.MAX_VALUE));
    }

    /** The smallest link id above {@code id}, or null (LINK_GET_NEXT_ID). */
    Integer nextLinkId(long id) {
        return id >= Integer.MAX_VALUE ? null : links.higherKey((int) Math.max(id, -1));
    }

    /** Called by the link's last release. */
    void forget(BpfLink l) {
        links.remove(l.id());
    }

    /** What was already reported as unsupported (each is logged once, as unimplemented syscalls are). */
    private final java.util.Set<String> reported = new java.util.HashSet<>();

    /** Logs {@code what} ("command 24", "program type 5") as unsupported, the first time only. */
    void reportUnsupported(String what) {
        if (reported.add(what)) {
            kernel.log().info("bpf: " + what + " is not supported: EINVAL");
        }
    }

    /** Number of live maps, programs and BTF objects (tests, leak checks). */
    public int liveObjects() {
        return maps.size() + programs.size() + btfs.size();
    }
}

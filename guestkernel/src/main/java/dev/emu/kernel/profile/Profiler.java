package dev.emu.kernel.profile;

import dev.emu.abi.bpf.BpfMapType;
import dev.emu.bpf.map.BpfMap;
import dev.emu.bpf.map.StackTraceMap;
import dev.emu.kernel.ExecLookup;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.bpf.BpfPreload;
import dev.emu.kernel.bpf.BpfProgram;
import dev.emu.kernel.bpf.MapObject;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.perf.KernelCounter;
import dev.emu.kernel.perf.PerfEvent;
import dev.emu.kernel.perf.PerfProgram;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.trace.TraceEvent;
import dev.emu.kernel.trace.TraceHit;
import dev.emu.kernel.trace.TraceProbe;
import dev.emu.kernel.vfs.Result;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * `emu run --profile`: a sampling profiler built from the kernel's own BPF and perf objects, the
 * pipeline a user's profiler uses (libbpf-tools' profile): a CPU-wide cpu-clock event at
 * {@code hz} samples per second of the kernel clock runs a PERF_EVENT program
 * ({@link ProfilerProgram}) that stores the sampled task's user stack in a STACK_TRACE map and
 * counts (tgid, stack id, comm) in a hash map. Every task of the guest is sampled while it runs
 * (children and threads included: the event watches the CPU, not one task).
 *
 * <p>Symbolisation needs each process's mappings as they were when it was sampled: after each
 * sample the profiler keeps the sampled process's file mappings ({@link ProcessImage}) and reads
 * the symbols of files it has not seen (through the guest's VFS, as the process sees them).
 * When a process execs or exits its counts are taken out of the map and symbolised with the
 * mappings it had; {@link #finish} does the same for the rest. The result is folded stacks
 * ({@code comm;outer;...;inner count}), the same on every run under the virtual clock.
 */
public final class Profiler {
    /** Samples per second of the kernel clock when --profile gives none. */
    public static final int DEFAULT_HZ = 999;
    /** libbpf-tools profile's stack_storage_size. */
    private static final int MAX_STACKS = 16384;

    private final Kernel kernel;
    private final MapObject stacks;
    private final MapObject counts;
    private final PerfEvent event;
    private final TraceEvent execEvent, exitEvent;
    private final TraceProbe execProbe = this::onExec, exitProbe = this::onExit;
    /** tgid → its mappings at its last sample. */
    private final Map<Integer, ProcessImage> images = new HashMap<>();
    /** Guest path → its symbols, read the first time a sample found the file mapped. */
    private final Map<String, ElfSymbols> symbols = new HashMap<>();
    private final TreeMap<String, Long> folded = new TreeMap<>();
    private long samples;
    private boolean finished;

    private Profiler(Kernel kernel, int hz, boolean cfi) {
        this.kernel = kernel;
        stacks = BpfPreload.createMap(kernel, BpfMapType.STACK_TRACE, 4, StackTraceMap.MAX_STACK * 8, MAX_STACKS, "stackmap");
        counts = BpfPreload.createMap(kernel, BpfMapType.HASH, ProfilerProgram.KEY_SIZE, 8, MAX_STACKS, "counts");
        BpfProgram program = BpfPreload.load(kernel, BpfPreload.perfEventType(), "do_perf_event",
                ProfilerProgram.instructions(cfi), List.of(stacks, counts));
        PerfProgram bpf = BpfPreload.perfProgram(kernel, program);
        event = KernelCounter.cpuClockSampler(kernel, hz, new PerfProgram() {
            @Override
            public boolean onHit(TraceHit hit) {
                return bpf.onHit(hit);
            }

            @Override
            public boolean onOverflow(PerfEvent e, Task task, byte[] regs) {
                boolean r = bpf.onOverflow(e, task, regs);
                sampled(task);
                return r;
            }

            @Override
            public void release() {
                bpf.release();
            }
        });
        execEvent = kernel.trace().byName("sched", "sched_process_exec");
        exitEvent = kernel.trace().byName("sched", "sched_process_exit");
        execEvent.attach(execProbe);
        exitEvent.attach(exitProbe);
    }

    /**
     * Starts profiling every task of {@code kernel} at {@code hz} samples per second; with
     * {@code cfi} user stacks are unwound with .eh_frame (emu's BPF_F_EMU_USER_STACK_CFI), else
     * by frame pointers only, as Linux's bpf_get_stackid.
     */
    public static Profiler start(Kernel kernel, int hz, boolean cfi) {
        if (hz < 1 || hz > 100_000) {
            throw new IllegalArgumentException("profile frequency must be 1..100000 Hz, not " + hz);
        }
        return new Profiler(kernel, hz, cfi);
    }

    /** Samples taken (stack stored or not). */
    public long samples() {
        return samples;
    }

    /** Stops sampling and returns the folded stacks, sorted (each line {@code frames count}). */
    public Map<String, Long> finish() {
        if (!finished) {
            finished = true;
            KernelCounter.release(event);
            execEvent.detach(execProbe);
            exitEvent.detach(exitProbe);
            drain(-1);
        }
        return java.util.Collections.unmodifiableMap(folded);
    }

    /** After each sample: the sampled process's mappings, and the symbols of files not seen yet. */
    private void sampled(Task task) {
        samples++;
        if (task.process().mm().closed()) {
            return;
        }
        int tgid = task.process().pid();
        ProcessImage last = images.get(tgid);
        ProcessImage now = ProcessImage.of(task.process().mm());
        if (now.equals(last)) {
            return;
        }
        images.put(tgid, now);
        for (ProcessImage.Mapping m : now.mappings()) {
            symbols.computeIfAbsent(m.path(), p -> readSymbols(task, p));
        }
    }

    private ElfSymbols readSymbols(Task task, String path) {
        Result<File> r = kernel.vfs().open(task, task.process().fs(), task.process().fs().root(), path, 0, 0);
        if (r.failed()) {
            return ElfSymbols.EMPTY;
        }
        File f = r.value();
        try {
            return ElfSymbols.read(ExecLookup.source(task, f));
        } catch (java.io.IOException | RuntimeException e) {
            kernel.log().once("profile-syms:" + path, "profile: cannot read the symbols of " + path + ": " + e.getMessage());
            return ElfSymbols.EMPTY;
        } finally {
            f.release();
        }
    }

    private void onExec(TraceHit hit) {
        if (hit.task() != null) {
            drain(hit.task().process().pid());
        }
    }

    private void onExit(TraceHit hit) {
        if (hit.task() != null && hit.rawArgs().length > 1 && hit.rawArgs()[1] != 0) { // group_dead
            drain(hit.task().process().pid());
        }
    }

    /** Moves the counts of {@code tgid} (-1: all) out of the map into {@link #folded}, symbolised. */
    private void drain(int tgid) {
        BpfMap map = counts.map();
        List<byte[]> keys = new ArrayList<>();
        byte[] key = null;
        byte[] next = new byte[ProfilerProgram.KEY_SIZE];
        while (map.getNextKey(key, next) == 0) {
            key = next.clone();
            if (tgid < 0 || le(key).getInt(0) == tgid) {
                keys.add(key);
            }
        }
        byte[] value = new byte[8];
        byte[] stack = new byte[stacks.map().valueSize()];
        for (byte[] k : keys) {
            if (map.lookup(k, value) != 0) {
                continue;
            }
            long count = le(value).getLong(0);
            map.delete(k);
            ByteBuffer kb = le(k);
            int pid = kb.getInt(0), stackId = kb.getInt(4);
            String comm = comm(k);
            StringBuilder line = new StringBuilder(comm);
            if (stackId < 0 || stacks.map().lookup(le(stackId), stack) != 0) {
                line.append(";[Missed User Stack]"); // libbpf-tools profile's words
            } else {
                ByteBuffer sb = le(stack);
                List<Long> ips = new ArrayList<>();
                for (int i = 0; i + 8 <= stack.length; i += 8) {
                    long ip = sb.getLong(i);
                    if (ip == 0) {
                        break;
                    }
                    ips.add(ip);
                }
                ProcessImage image = images.getOrDefault(pid, new ProcessImage(List.of()));
                for (int i = ips.size() - 1; i >= 0; i--) {
                    line.append(';').append(frameName(image, ips.get(i), i > 0));
                }
            }
            folded.merge(line.toString(), count, Long::sum);
        }
        if (tgid >= 0) {
            images.remove(tgid);
        }
    }

    /**
     * The function at {@code ip} in the file mapped there; a return address ({@code caller})
     * is looked up one byte back, inside its call instruction, so a call that ends a function
     * is not named after the next one. No symbol: {@code file+0xoffset}; no file: [unknown].
     */
    private String frameName(ProcessImage image, long ip, boolean caller) {
        long at = caller ? ip - 1 : ip;
        ProcessImage.Mapping m = image.at(at);
        if (m == null) {
            return "[unknown]";
        }
        ElfSymbols syms = symbols.getOrDefault(m.path(), ElfSymbols.EMPTY);
        long fileAddr = at - (image.base(m.path()) - (syms.firstLoad() & ~0xfffL));
        String name = syms.lookup(fileAddr);
        if (name != null) {
            return name.replace(';', ':');
        }
        String file = m.path().substring(m.path().lastIndexOf('/') + 1);
        return "[" + file + "+0x" + Long.toHexString(at - image.base(m.path())) + "]";
    }

    private static String comm(byte[] key) {
        int end = 8;
        while (end < 24 && key[end] != 0) {
            end++;
        }
        String c = new String(key, 8, end - 8, StandardCharsets.UTF_8);
        return c.isEmpty() ? "[unknown]" : c.replace(';', ':').replace(' ', '_');
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] le(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }
}

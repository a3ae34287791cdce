package dev.emu.bpf.helper;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A plain {@link HelperEnvironment} for running programs without a kernel: host monotonic clock,
 * CPU 0, a fixed task identity, trace messages kept in a list and optionally printed.
 */
public final class StandaloneEnvironment implements HelperEnvironment {
    private final Random random;
    private final PrintStream trace;
    private final List<String> messages = Collections.synchronizedList(new ArrayList<>());
    private final long pidTgid;
    private final byte[] comm;

    /** pid = tgid = 1, comm "emu-bpf", seeded random, trace not printed. */
    public StandaloneEnvironment() {
        this(1, "emu-bpf", 0x5eed, null);
    }

    /**
     * @param pid the pid and tgid reported
     * @param comm the task name reported
     * @param seed random seed
     * @param trace where to print trace_printk messages, or null
     */
    public StandaloneEnvironment(int pid, String comm, long seed, PrintStream trace) {
        this.pidTgid = (long) pid << 32 | (pid & 0xffffffffL);
        this.comm = comm.getBytes(StandardCharsets.UTF_8);
        this.random = new Random(seed);
        this.trace = trace;
    }

    @Override
    public long ktimeGetNs() {
        return System.nanoTime();
    }

    @Override
    public synchronized int prandomU32() {
        return random.nextInt();
    }

    @Override
    public int smpProcessorId() {
        return 0;
    }

    @Override
    public long currentPidTgid() {
        return pidTgid;
    }

    @Override
    public byte[] currentComm() {
        return comm.clone();
    }

    @Override
    public void tracePrintk(String message) {
        messages.add(message);
        if (trace != null) {
            trace.print(message);
        }
    }

    /** The trace_printk messages so far. */
    public List<String> messages() {
        return List.copyOf(messages);
    }
}

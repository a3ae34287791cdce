package dev.emu.kernel.trace;

import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.sched.WaitQueue;
import dev.emu.kernel.task.Task;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The trace buffer that /sys/kernel/tracing/trace_pipe drains: bpf_trace_printk writes lines in
 * Linux's trace output format (kernel/trace/trace_output.c trace_print_context); a read takes
 * them (consuming, as trace_pipe does) and blocks while there are none. Bounded as Linux's ring
 * buffer is: past {@link #CAPACITY} bytes the oldest lines are dropped (overwrite mode).
 */
public final class TracePipe {
    /** buffer_size_kb's default per CPU: 1408 KiB. */
    public static final int CAPACITY = 1408 << 10;

    private final ArrayDeque<byte[]> lines = new ArrayDeque<>();
    private final WaitQueue readers = new WaitQueue("trace_pipe");
    private int bytes;
    /** Bytes of the head line already read. */
    private int headRead;

    /**
     * Appends one bpf_trace_printk message from {@code task} at {@code nanos}:
     * {@code "<comm>-<pid> [000] ..... <sec>.<usec>: bpf_trace_printk: <msg>"}.
     */
    public void printk(Task task, long nanos, String message, Scheduler scheduler) {
        append(task, nanos, "bpf_trace_printk: " + message, scheduler);
    }

    /** Appends one trace line: the context (comm-pid, CPU, flags, time) and {@code body}. */
    public void append(Task task, long nanos, String body, Scheduler scheduler) {
        String comm = task == null ? "<idle>" : task.comm();
        int pid = task == null ? 0 : task.tid();
        String msg = body.endsWith("\n") ? body : body + "\n";
        String line = String.format("%16s-%-7d [000] ..... %5d.%06d: %s", comm, pid,
                nanos / 1_000_000_000L, nanos / 1000 % 1_000_000, msg);
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        lines.add(b);
        bytes += b.length;
        while (bytes > CAPACITY && lines.size() > 1) {
            bytes -= lines.removeFirst().length;
            headRead = 0;
        }
        readers.wake(scheduler, dev.emu.abi.PollEvents.POLLIN);
    }

    /** True if a read would return data. */
    public boolean readable() {
        return !lines.isEmpty();
    }

    public WaitQueue readers() {
        return readers;
    }

    /** Takes up to {@code len} bytes into {@code dst}; 0 when empty. */
    public int read(byte[] dst, int off, int len) {
        int n = 0;
        while (n < len && !lines.isEmpty()) {
            byte[] head = lines.peekFirst();
            int take = Math.min(len - n, head.length - headRead);
            System.arraycopy(head, headRead, dst, off + n, take);
            n += take;
            headRead += take;
            if (headRead == head.length) {
                lines.removeFirst();
                bytes -= head.length;
                headRead = 0;
            }
        }
        return n;
    }
}

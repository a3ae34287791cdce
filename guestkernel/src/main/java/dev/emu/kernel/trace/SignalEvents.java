package dev.emu.kernel.trace;

import dev.emu.kernel.task.SigInfo;
import dev.emu.kernel.task.Task;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The signal tracepoints (include/trace/events/signal.h): signal_generate when a signal is sent
 * (__send_signal_locked), signal_deliver when a task dequeues it to act on it (get_signal).
 * Raw tracepoint arguments: the scalars are real; the siginfo, task and sigaction pointers are 0.
 */
public final class SignalEvents {
    /** enum trace_signal_result. */
    public static final int DELIVERED = 0, IGNORED = 1;

    private final TraceEvent generate;
    private final TraceEvent deliver;

    SignalEvents(TraceEvents events) {
        generate = events.add("signal", "signal_generate", List.of(
                new TraceField("int", "sig", 8, 4, true),
                new TraceField("int", "errno", 12, 4, true),
                new TraceField("int", "code", 16, 4, true),
                new TraceField("char", "comm[16]", 20, 16, false),
                new TraceField("pid_t", "pid", 36, 4, true),
                new TraceField("int", "group", 40, 4, true),
                new TraceField("int", "result", 44, 4, true)), 48,
                "\"sig=%d errno=%d code=%d comm=%s pid=%d grp=%d res=%d\", REC->sig, REC->errno, REC->code, REC->comm, REC->pid, REC->group, REC->result",
                5);
        deliver = events.add("signal", "signal_deliver", List.of(
                new TraceField("int", "sig", 8, 4, true),
                new TraceField("int", "errno", 12, 4, true),
                new TraceField("int", "code", 16, 4, true),
                new TraceField("unsigned long", "sa_handler", 24, 8, false),
                new TraceField("unsigned long", "sa_flags", 32, 8, false)), 40,
                "\"sig=%d errno=%d code=%d sa_handler=%lx sa_flags=%lx\", REC->sig, REC->errno, REC->code, REC->sa_handler, REC->sa_flags",
                3);
        generate.setText(h -> {
            ByteBuffer r = ByteBuffer.wrap(h.record()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            return "signal_generate: sig=" + r.getInt(8) + " errno=" + r.getInt(12) + " code=" + r.getInt(16) + " comm="
                    + TraceEvent.cString(h.record(), 20, 16) + " pid=" + r.getInt(36) + " grp=" + r.getInt(40)
                    + " res=" + r.getInt(44);
        });
        deliver.setText(h -> {
            ByteBuffer r = ByteBuffer.wrap(h.record()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            return "signal_deliver: sig=" + r.getInt(8) + " errno=" + r.getInt(12) + " code=" + r.getInt(16)
                    + " sa_handler=" + Long.toHexString(r.getLong(24)) + " sa_flags=" + Long.toHexString(r.getLong(32));
        });
    }

    /** {@code sig} was sent to {@code target} by {@code current}; {@code result} is DELIVERED or IGNORED. */
    public void generate(Task current, Task target, int sig, SigInfo info, boolean group, int result) {
        if (!generate.enabled()) {
            return;
        }
        ByteBuffer r = generate.newRecord(current == null ? 0 : current.tid());
        r.putInt(8, sig).putInt(12, 0).putInt(16, info == null ? SigInfo.SI_KERNEL : info.code());
        byte[] c = target.comm().getBytes(StandardCharsets.UTF_8);
        r.put(20, c, 0, Math.min(15, c.length));
        r.putInt(36, target.tid()).putInt(40, group ? 1 : 0).putInt(44, result);
        generate.fire(new TraceHit(generate, current, r.array(), new long[] {sig, 0, 0, group ? 1 : 0, result}, KernelObjects.NONE));
    }

    /** {@code task} dequeued {@code sig} to act on it with this handler and sa_flags. */
    public void deliver(Task task, int sig, SigInfo info, long handler, long flags) {
        if (!deliver.enabled()) {
            return;
        }
        ByteBuffer r = deliver.newRecord(task.tid());
        r.putInt(8, sig).putInt(12, 0).putInt(16, info == null ? SigInfo.SI_KERNEL : info.code());
        r.putLong(24, handler).putLong(32, flags);
        deliver.fire(new TraceHit(deliver, task, r.array(), new long[] {sig, 0, 0}, KernelObjects.NONE));
    }
}

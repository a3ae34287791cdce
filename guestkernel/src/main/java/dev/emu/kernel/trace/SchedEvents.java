package dev.emu.kernel.trace;

import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The sched tracepoints (include/trace/events/sched.h): sched_switch, sched_process_fork,
 * sched_process_exec and sched_process_exit, fired by the scheduler loop, clone, execve and exit;
 * sched_wakeup and sched_wakeup_new, fired where a task becomes runnable (Task) and where a new
 * one first is (clone).
 * Every task has Linux's default priority, 120 (nice 0). A raw tracepoint program gets TP_PROTO's
 * arguments; its {@code struct task_struct *} arguments point at the tasks' images in kernel
 * memory ({@code KernelImages}).
 */
public final class SchedEvents {
    private static final int PRIO = 120;
    /** TASK_REPORT bits as sched_switch reports prev_state (__trace_sched_switch_state). */
    private static final long RUNNING = 0, INTERRUPTIBLE = 0x1, STOPPED = 0x4, ZOMBIE = 0x20;

    private final TraceEvent switchEvent;
    private final TraceEvent fork;
    private final TraceEvent exec;
    private final TraceEvent exit;
    private final TraceEvent wakeup;
    private final TraceEvent wakeupNew;

    SchedEvents(TraceEvents events) {
        switchEvent = events.add("sched", "sched_switch", List.of(
                new TraceField("char", "prev_comm[16]", 8, 16, false),
                new TraceField("pid_t", "prev_pid", 24, 4, true),
                new TraceField("int", "prev_prio", 28, 4, true),
                new TraceField("long", "prev_state", 32, 8, true),
                new TraceField("char", "next_comm[16]", 40, 16, false),
                new TraceField("pid_t", "next_pid", 56, 4, true),
                new TraceField("int", "next_prio", 60, 4, true)), 64,
                "\"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d next_prio=%d\", "
                        + "REC->prev_comm, REC->prev_pid, REC->prev_prio, (REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1)) ? "
                        + "__print_flags(REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1), \"|\", "
                        + "{ 0x00000001, \"S\" }, { 0x00000002, \"D\" }, { 0x00000004, \"T\" }, { 0x00000008, \"t\" }, { 0x00000010, \"X\" }, { 0x00000020, \"Z\" }, { 0x00000040, \"P\" }, { 0x00000080, \"I\" }) : \"R\", "
                        + "REC->prev_state & (((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) ? \"+\" : \"\", "
                        + "REC->next_comm, REC->next_pid, REC->next_prio",
                4);
        fork = events.add("sched", "sched_process_fork", List.of(
                new TraceField("__data_loc char[]", "parent_comm", 8, 4, false),
                new TraceField("pid_t", "parent_pid", 12, 4, true),
                new TraceField("__data_loc char[]", "child_comm", 16, 4, false),
                new TraceField("pid_t", "child_pid", 20, 4, true)), 24,
                "\"comm=%s pid=%d child_comm=%s child_pid=%d\", __get_str(parent_comm), REC->parent_pid, __get_str(child_comm), REC->child_pid",
                2);
        exec = events.add("sched", "sched_process_exec", List.of(
                new TraceField("__data_loc char[]", "filename", 8, 4, false),
                new TraceField("pid_t", "pid", 12, 4, true),
                new TraceField("pid_t", "old_pid", 16, 4, true)), 20,
                "\"filename=%s pid=%d old_pid=%d\", __get_str(filename), REC->pid, REC->old_pid", 3);
        exit = events.add("sched", "sched_process_exit", List.of(
                new TraceField("char", "comm[16]", 8, 16, false),
                new TraceField("pid_t", "pid", 24, 4, true),
                new TraceField("int", "prio", 28, 4, true),
                new TraceField("bool", "group_dead", 32, 1, false)), 36,
                "\"comm=%s pid=%d prio=%d group_dead=%s\", REC->comm, REC->pid, REC->prio, REC->group_dead ? \"true\" : \"false\"",
                2);
        wakeup = wakeupEvent(events, "sched_wakeup");
        wakeupNew = wakeupEvent(events, "sched_wakeup_new");
        setTexts();
    }

    /** sched_wakeup and sched_wakeup_new share sched_wakeup_template's record; TP_PROTO is (struct task_struct *p). */
    private static TraceEvent wakeupEvent(TraceEvents events, String name) {
        TraceEvent e = events.add("sched", name, List.of(
                new TraceField("char", "comm[16]", 8, 16, false),
                new TraceField("pid_t", "pid", 24, 4, true),
                new TraceField("int", "prio", 28, 4, true),
                new TraceField("int", "target_cpu", 32, 4, true)), 36,
                "\"comm=%s pid=%d prio=%d target_cpu=%03d\", REC->comm, REC->pid, REC->prio, REC->target_cpu", 1);
        e.setText(h -> {
            ByteBuffer r = ByteBuffer.wrap(h.record()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            return name + ": comm=" + TraceEvent.cString(h.record(), 8, 16) + " pid=" + r.getInt(24) + " prio="
                    + r.getInt(28) + " target_cpu=" + String.format("%03d", r.getInt(32));
        });
        return e;
    }

    /** The text trace lines, as the events' print fmts give them. */
    private void setTexts() {
        switchEvent.setText(h -> {
            ByteBuffer r = ByteBuffer.wrap(h.record()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long st = r.getLong(32);
            String state = st == 0 ? "R" : st == INTERRUPTIBLE ? "S" : st == STOPPED ? "T" : st == ZOMBIE ? "Z" : "X";
            return "sched_switch: prev_comm=" + TraceEvent.cString(h.record(), 8, 16) + " prev_pid=" + r.getInt(24)
                    + " prev_prio=" + r.getInt(28) + " prev_state=" + state + " ==> next_comm="
                    + TraceEvent.cString(h.record(), 40, 16) + " next_pid=" + r.getInt(56) + " next_prio=" + r.getInt(60);
        });
        fork.setText(h -> {
            ByteBuffer r = ByteBuffer.wrap(h.record()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int pc = r.getInt(8);
            int cc = r.getInt(16);
            return "sched_process_fork: comm=" + TraceEvent.cString(h.record(), pc & 0xffff, pc >>> 16) + " pid="
                    + r.getInt(12) + " child_comm=" + TraceEvent.cString(h.record(), cc & 0xffff, cc >>> 16)
                    + " child_pid=" + r.getInt(20);
        });
        exec.setText(h -> {
            ByteBuffer r = ByteBuffer.wrap(h.record()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int f = r.getInt(8);
            return "sched_process_exec: filename=" + TraceEvent.cString(h.record(), f & 0xffff, f >>> 16) + " pid="
                    + r.getInt(12) + " old_pid=" + r.getInt(16);
        });
        exit.setText(h -> {
            ByteBuffer r = ByteBuffer.wrap(h.record()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            return "sched_process_exit: comm=" + TraceEvent.cString(h.record(), 8, 16) + " pid=" + r.getInt(24)
                    + " prio=" + r.getInt(28) + " group_dead=" + (r.get(32) != 0);
        });
    }

    /** The CPU goes from {@code prev} to {@code next} (null: the idle task, pid 0 "swapper/0"). */
    public void switchTo(Task prev, Task next, Task current) {
        if (!switchEvent.enabled()) {
            return;
        }
        long state = prev == null ? RUNNING : switch (prev.state()) {
            case RUNNABLE -> RUNNING;
            case BLOCKED -> INTERRUPTIBLE;
            case STOPPED -> STOPPED;
            case EXITED -> ZOMBIE;
        };
        ByteBuffer r = switchEvent.newRecord(current == null ? 0 : current.tid());
        comm(r, 8, prev);
        r.putInt(24, prev == null ? 0 : prev.tid()).putInt(28, PRIO).putLong(32, state);
        comm(r, 40, next);
        r.putInt(56, next == null ? 0 : next.tid()).putInt(60, PRIO);
        boolean preempt = prev != null && prev.state() == TaskState.RUNNABLE;
        Task any = prev != null ? prev : next != null ? next : current;
        dev.emu.kernel.btf.KernelImages images = any == null ? null : any.kernel().kernelImages();
        switchEvent.fire(new TraceHit(switchEvent, current, r.array(), new long[] {preempt ? 1 : 0,
            images == null ? 0 : images.task(prev), images == null ? 0 : images.task(next), state}, KernelObjects.NONE));
    }

    /** {@code parent} made {@code child} (trace_sched_process_fork in kernel_clone). */
    public void fork(Task parent, Task child) {
        if (!fork.enabled()) {
            return;
        }
        byte[] pc = cString(parent.comm());
        byte[] cc = cString(child.comm());
        ByteBuffer r = fork.newRecord(parent.tid());
        ByteBuffer full = ByteBuffer.allocate(24 + pc.length + cc.length).order(r.order());
        full.put(r.array());
        full.putInt(8, pc.length << 16 | 24).putInt(12, parent.process().pid());
        full.putInt(16, cc.length << 16 | (24 + pc.length)).putInt(20, child.tid());
        full.put(24, pc).put(24 + pc.length, cc);
        dev.emu.kernel.btf.KernelImages images = parent.kernel().kernelImages();
        fork.fire(new TraceHit(fork, parent, full.array(), new long[] {images.task(parent), images.task(child)}, KernelObjects.NONE));
    }

    /** {@code task} exec'd {@code filename} (trace_sched_process_exec in exec_binprm). */
    public void exec(Task task, String filename, int oldPid) {
        if (!exec.enabled()) {
            return;
        }
        byte[] f = cString(filename);
        ByteBuffer full = ByteBuffer.allocate(20 + f.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        full.put(exec.newRecord(task.tid()).array());
        full.putInt(8, f.length << 16 | 20).putInt(12, task.process().pid()).putInt(16, oldPid);
        full.put(20, f);
        dev.emu.kernel.btf.KernelImages images = task.kernel().kernelImages();
        KernelObjects objects = new KernelObjects();
        long bprm = images.binprm(objects, task, filename);
        exec.fire(new TraceHit(exec, task, full.array(), new long[] {images.task(task), oldPid, bprm}, objects));
    }

    /** {@code task} exits (trace_sched_process_exit in do_exit); {@code groupDead}: it was its process's last thread. */
    public void exit(Task task, boolean groupDead) {
        if (!exit.enabled()) {
            return;
        }
        ByteBuffer r = exit.newRecord(task.tid());
        comm(r, 8, task);
        r.putInt(24, task.tid()).putInt(28, PRIO).put(32, (byte) (groupDead ? 1 : 0));
        exit.fire(new TraceHit(exit, task, r.array(), new long[] {task.kernel().kernelImages().task(task), groupDead ? 1 : 0},
                KernelObjects.NONE));
    }

    /**
     * {@code task} became runnable again (trace_sched_wakeup in ttwu_do_wakeup): a blocked task
     * woken, a stopped task continued. {@code waker} is the running task, or null (timer, idle).
     */
    public void wakeup(Task task, Task waker) {
        fireWakeup(wakeup, task, waker);
    }

    /** The new {@code child} is first runnable (trace_sched_wakeup_new in wake_up_new_task). */
    public void wakeupNew(Task child, Task parent) {
        fireWakeup(wakeupNew, child, parent);
    }

    private static void fireWakeup(TraceEvent e, Task task, Task current) {
        if (!e.enabled()) {
            return;
        }
        ByteBuffer r = e.newRecord(current == null ? 0 : current.tid());
        comm(r, 8, task);
        r.putInt(24, task.tid()).putInt(28, PRIO).putInt(32, 0); // one CPU: target_cpu 0
        long p = task.kernel() == null ? 0 : task.kernel().kernelImages().task(task); // kernel tests' tasks have no kernel
        e.fire(new TraceHit(e, current, r.array(), new long[] {p}, KernelObjects.NONE));
    }

    private static void comm(ByteBuffer r, int at, Task t) {
        byte[] c = t == null ? "swapper/0".getBytes(StandardCharsets.US_ASCII) : t.comm().getBytes(StandardCharsets.UTF_8);
        r.put(at, c, 0, Math.min(15, c.length));
    }

    private static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }
}

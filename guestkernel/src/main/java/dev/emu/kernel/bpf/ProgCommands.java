package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.bpf.interp.ExecutionResult;
import dev.emu.bpf.interp.InsnCounter;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.time.VirtualClock;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * BPF_PROG_ATTACH / PROG_DETACH (emu's timer attach type), PROG_TEST_RUN, PROG_GET_FD_BY_ID and
 * PROG_BIND_MAP (kernel/bpf/syscall.c bpf_prog_attach, bpf_prog_test_run, bpf_prog_get_fd_by_id,
 * bpf_prog_bind_map).
 */
final class ProgCommands {
    private ProgCommands() {}

    /** Linux's ETH_HLEN: the link-layer header of a socket filter's test packet. */
    private static final int ETH_HLEN = 14;
    private static final int ATTACH_END = 20, DETACH_END = 12, TEST_RUN_END = 76, PROG_BY_ID_END = 4;

    /**
     * PROG_ATTACH with attach_type BPF_EMU_TIMER and target_fd 0: run the program every
     * attach_flags ticks (0 = every tick). Other attach types: -EINVAL (emu has no cgroups or
     * sockets to attach to). -EEXIST if the program is already attached.
     */
    static long attach(Task t, BpfSubsystem bpf, Attr a) {
        if (!a.tailZeroFrom(ATTACH_END)) {
            return Errno.EINVAL.ret();
        }
        if (a.u32(BpfAttr.ATTACH_TYPE) != EmuBpfExtensions.BPF_EMU_TIMER || a.u32(BpfAttr.TARGET_FD) != 0
                || a.u32(BpfAttr.REPLACE_BPF_FD) != 0) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        BpfProgram p = BpfFds.program(t, a.u32Long(BpfAttr.ATTACH_BPF_FD), err);
        if (p == null) {
            return err[0];
        }
        if (p.type() != EmuBpfExtensions.BPF_PROG_TYPE_EMU_TIMER) {
            return Errno.EINVAL.ret();
        }
        long every = a.u32Long(BpfAttr.ATTACH_FLAGS);
        if (every == 0) {
            every = 1;
        }
        if (every > Integer.MAX_VALUE) {
            return Errno.EINVAL.ret();
        }
        if (!bpf.timer().attach(p, (int) every)) {
            return Errno.EEXIST.ret();
        }
        t.kernel().log().info("bpf: " + p + " attached to the timer, every " + every + " tick" + (every == 1 ? "" : "s"));
        return 0;
    }

    /** PROG_DETACH with attach_type BPF_EMU_TIMER: detaches the program attach_bpf_fd; -ENOENT if not attached. */
    static long detach(Task t, BpfSubsystem bpf, Attr a) {
        if (!a.tailZeroFrom(DETACH_END)) {
            return Errno.EINVAL.ret();
        }
        if (a.u32(BpfAttr.ATTACH_TYPE) != EmuBpfExtensions.BPF_EMU_TIMER || a.u32(BpfAttr.TARGET_FD) != 0) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        BpfProgram p = BpfFds.program(t, a.u32Long(BpfAttr.ATTACH_BPF_FD), err);
        if (p == null) {
            return err[0];
        }
        if (!bpf.timer().detach(p)) {
            return Errno.ENOENT.ret();
        }
        t.kernel().log().info("bpf: " + p + " detached from the timer");
        return 0;
    }

    /**
     * PROG_TEST_RUN: runs the program {@code repeat} times (0 means once) on the input and reports
     * r0, the output and the duration. Input: ctx_in if given, else data_in. A timer program's
     * input is a struct emu_timer_ctx (at most 32 bytes, zero-extended); a socket filter's is the
     * packet. data_out receives the context after the run (-ENOSPC if data_size_out is smaller,
     * with the prefix copied, as Linux's bpf_test_finish). duration is the average host time per
     * run in ns with --clock host and 0 with the deterministic virtual clock. A run that faults
     * is -EFAULT, reported on the kernel log; so is one that exhausts the per-run instruction
     * budget ({@link BpfSubsystem#runBudget}, applied to each repetition).
     *
     * <p>The CPU budget of the repetitions (Linux's bpf_test_timer_continue): each repetition
     * costs virtual time ({@link #NANOS_PER_INSN} per instruction executed plus
     * {@link #NANOS_PER_REPEAT}); when a tick or a kernel timer is due (need_resched), a signal
     * is pending, or (looked at every 1024 repetitions) a guard of the run tripped or SIGKILL is
     * pending ({@link Kernel#mustStop}), the task yields with its progress saved
     * ({@link TestRunProgress}) and the syscall re-executes from there, so ticks, other tasks,
     * --timeout, --max-blocks (the repetitions count as blocks) and signals all go on during a
     * long test run. A signal whose handler ran in between ends it with -EINTR, as signal_pending() does on
     * Linux; a fatal one ends the process.
     */
    static long testRun(Task t, Attr a) {
        TestRunProgress resumed = t.resumeState() instanceof TestRunProgress r && r.attr() == a.address() ? r : null;
        t.setResumeState(null);
        if (!a.tailZeroFrom(TEST_RUN_END)) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        BpfProgram p = BpfFds.program(t, a.u32Long(BpfAttr.TEST_PROG_FD), err);
        if (p == null) {
            return err[0];
        }
        if (a.u32(BpfAttr.TEST_FLAGS) != 0 || a.u32(BpfAttr.TEST_CPU) != 0) {
            return Errno.EINVAL.ret();
        }
        if (TracingAttach.tracingType(p.type())) {
            return TracingAttach.testRun(t, p, a); // no test_run (ENOTSUPP), or raw_tp's
        }
        if (resumed != null && resumed.program() != p) {
            resumed = null; // the fd now names another program: a new call, not the yielded one
        }
        if (resumed != null && resumed.handlerFrames() != t.handlerFrames()) {
            return Errno.EINTR.ret(); // a signal handler ran while the test run was yielded
        }
        PacketTestRun packet = null;
        if (PacketTestRun.handles(p.type())) {
            packet = PacketTestRun.prepare(t, p, a, err);
            if (packet == null) {
                return err[0];
            }
        }
        long ctxIn = a.u64(BpfAttr.TEST_CTX_IN);
        long ctxSize = a.u32Long(BpfAttr.TEST_CTX_SIZE_IN);
        long in = ctxSize > 0 ? ctxIn : a.u64(BpfAttr.TEST_DATA_IN);
        long inSize = packet != null ? 0 : ctxSize > 0 ? ctxSize : a.u32Long(BpfAttr.TEST_DATA_SIZE_IN);
        int max = p.code().type().context().size();
        if (inSize > max) {
            return Errno.EINVAL.ret();
        }
        boolean timer = p.type() == EmuBpfExtensions.BPF_PROG_TYPE_EMU_TIMER;
        if (!timer && packet == null && inSize < ETH_HLEN) {
            return Errno.EINVAL.ret(); // bpf_test_init: a packet shorter than an Ethernet header
        }
        byte[] input = inSize == 0 ? new byte[0] : t.memory().read(in, (int) inSize);
        byte[] packetCtx = packet == null ? null
                : resumed != null && resumed.packetContext() != null ? resumed.packetContext() : packet.context();
        long repeat = Math.max(1, a.u32Long(BpfAttr.TEST_REPEAT));
        KernelHelperEnvironment env = new KernelHelperEnvironment(t.kernel(), t);
        Kernel k = t.kernel();
        InsnCounter work = new InsnCounter();
        long done = resumed == null ? 0 : resumed.done();
        long hostNanos = resumed == null ? 0 : resumed.hostNanos();
        byte[] ctx;
        ExecutionResult r;
        long start = System.nanoTime();
        for (;;) {
            // A packet program's repetitions share one skb / xdp_buff, as bpf_test_run's loop does.
            ctx = packet != null ? packetCtx : timer ? java.util.Arrays.copyOf(input, max) : input.clone();
            long before = work.count();
            r = p.run(ctx, env, work);
            k.chargeKernelWork((work.count() - before) * NANOS_PER_INSN + NANOS_PER_REPEAT);
            if (r instanceof ExecutionResult.Fault f) {
                k.log().info("bpf: " + p + " faulted in a test run at " + f.message());
                return Errno.EFAULT.ret();
            }
            if (++done >= repeat) {
                break;
            }
            // A guard (--timeout) is host time: looked at every 1024 repetitions, not only at ticks.
            if (k.tickDue() || t.hasDeliverableSignal() || ((done & 1023) == 0 && k.mustStop(t))) {
                t.setResumeState(new TestRunProgress(a.address(), p, done,
                        hostNanos + System.nanoTime() - start, t.handlerFrames(), packetCtx));
                k.requestReschedule();
                return SyscallResults.RESTART;
            }
        }
        long elapsed = hostNanos + System.nanoTime() - start;
        boolean host = k.clock().mode() != VirtualClock.Mode.VIRTUAL;
        if (packet != null) {
            return packet.finish(t, a, ctx, (int) ((ExecutionResult.Exit) r).r0(),
                    host ? (int) Math.min(Integer.MAX_VALUE, elapsed / repeat) : 0);
        }
        if (!timer) {
            // bpf_prog_test_run_skb: a socket filter runs from the network header, and the
            // link-layer header it skipped comes back zeroed (memset(__skb_push(skb, hh_len), 0, ...)).
            java.util.Arrays.fill(ctx, 0, Math.min(ETH_HLEN, ctx.length), (byte) 0);
        }
        a.putU32(BpfAttr.TEST_RETVAL, (int) ((ExecutionResult.Exit) r).r0());
        a.putU32(BpfAttr.TEST_DURATION, host ? (int) Math.min(Integer.MAX_VALUE, elapsed / repeat) : 0);
        long out = a.u64(BpfAttr.TEST_DATA_OUT);
        if (out != 0) {
            long outSize = a.u32Long(BpfAttr.TEST_DATA_SIZE_OUT);
            int n = (int) Math.min(outSize, ctx.length);
            t.memory().write(out, ctx, 0, n);
            a.putU32(BpfAttr.TEST_DATA_SIZE_OUT, ctx.length);
            if (n < ctx.length) {
                return Errno.ENOSPC.ret();
            }
        }
        return 0;
    }

    /** Virtual time a test run charges per BPF instruction executed (about a JIT-compiled instruction's cost). */
    static final long NANOS_PER_INSN = 1;
    /** Virtual time a test run charges per repetition on top of its instructions (setup and teardown). */
    static final long NANOS_PER_REPEAT = 10;

    /**
     * Where a yielded PROG_TEST_RUN goes on: the attr it was called with, the program, the
     * repetitions done, the host time spent, and the task's handler-frame count when it yielded.
     */
    record TestRunProgress(long attr, BpfProgram program, long done, long hostNanos, long handlerFrames,
                           byte[] packetContext) {}

    /** PROG_GET_FD_BY_ID: a new fd for the live program with that id (-ENOENT if none). */
    static long progFdById(Task t, BpfSubsystem bpf, Attr a) {
        if (!a.tailZeroFrom(PROG_BY_ID_END)) {
            return Errno.EINVAL.ret();
        }
        BpfProgram p = bpf.programById(a.u32Long(BpfAttr.BY_ID_ID));
        if (p == null) {
            return Errno.ENOENT.ret();
        }
        return BpfFds.install(t, new BpfProgFile(p));
    }

    /** BPF_PROG_BIND_MAP_LAST_FIELD (prog_bind_map.flags) ends here. */
    private static final int BIND_MAP_END = 12;

    /**
     * PROG_BIND_MAP (bpf_prog_bind_map): the program keeps a reference on the map for its
     * lifetime, as if its code used it (libbpf binds .rodata this way for metadata). Binding a map
     * the program already uses succeeds and changes nothing. flags must be 0.
     */
    static long bindMap(Task t, Attr a) {
        if (!a.tailZeroFrom(BIND_MAP_END)) {
            return Errno.EINVAL.ret();
        }
        if (a.u32(BpfAttr.BIND_FLAGS) != 0) {
            return Errno.EINVAL.ret();
        }
        long[] err = new long[1];
        BpfProgram p = BpfFds.program(t, a.u32Long(BpfAttr.BIND_PROG_FD), err);
        if (p == null) {
            return err[0];
        }
        MapObject m = BpfFds.map(t, a.u32Long(BpfAttr.BIND_MAP_FD), err);
        if (m == null) {
            return err[0];
        }
        p.bindMap(m);
        return 0;
    }
}

package dev.emu.kernel.bpf;

import dev.emu.bpf.helper.HelperEnvironment;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.task.Task;
import java.nio.charset.StandardCharsets;

/**
 * What helpers see of the guest kernel during one program run (kernel/trace/bpf_trace.c,
 * kernel/bpf/helpers.c): the kernel clock, the seeded random generator, the task the program runs
 * on behalf of (the interrupted task for timer programs; null when the CPU was idle, which
 * helpers see as Linux's idle task: pid 0, comm "swapper/0"), and the kernel log for
 * trace_printk. Deterministic: nothing here reads host state.
 */
final class KernelHelperEnvironment implements HelperEnvironment, dev.emu.bpf.helper.TracingEnvironment {
    private static final byte[] IDLE_COMM = "swapper/0".getBytes(StandardCharsets.US_ASCII);

    private final Kernel kernel;
    private final Task current;

    /** The kernel objects of the hit a tracing program runs on (probe_read_kernel's window). */
    private final dev.emu.kernel.trace.KernelObjects objects;

    KernelHelperEnvironment(Kernel kernel, Task current) {
        this(kernel, current, dev.emu.kernel.trace.KernelObjects.NONE);
    }

    KernelHelperEnvironment(Kernel kernel, Task current, dev.emu.kernel.trace.KernelObjects objects) {
        this.kernel = kernel;
        this.current = current;
        this.objects = objects;
    }

    // ---- tracing helpers (kernel/trace/bpf_trace.c); see TracingEnvironment ----

    @Override
    public long currentUidGid() {
        if (current == null) {
            return 0;
        }
        dev.emu.kernel.task.Credentials c = current.process().creds();
        return (c.gid & 0xffffffffL) << 32 | (c.uid & 0xffffffffL);
    }

    @Override
    public boolean readUser(long addr, byte[] dst, int len) {
        if (current == null || !dev.emu.kernel.mm.UserMemory.accessOk(addr, len)) {
            return false;
        }
        try {
            current.memory().read(addr, dst, 0, len);
            return true;
        } catch (dev.emu.kernel.platform.BadAddressException e) {
            return false;
        }
    }

    @Override
    public boolean readKernel(long addr, byte[] dst, int len) {
        return objects.read(addr, dst, len);
    }

    /**
     * The user stack by frame pointers (perf_callchain_user): the interrupted instruction, then
     * the return address above each saved rbp, while the frames go up the stack and can be read.
     */
    @Override
    public long[] userStack(int max) {
        if (current == null || max <= 0) {
            return new long[0];
        }
        dev.emu.kernel.platform.Cpu cpu = current.cpu();
        long[] out = new long[max];
        int n = 0;
        out[n++] = cpu.get(dev.emu.kernel.platform.Reg.RIP);
        long fp = cpu.get(dev.emu.kernel.platform.Reg.RBP);
        byte[] frame = new byte[16];
        while (n < max && fp != 0 && (fp & 7) == 0 && readUser(fp, frame, 16)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(frame).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long next = b.getLong(0);
            long ret = b.getLong(8);
            if (ret == 0) {
                break;
            }
            out[n++] = ret;
            if (Long.compareUnsigned(next, fp) <= 0) {
                break; // frames must go up the stack
            }
            fp = next;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * emu's BPF_F_EMU_USER_STACK_CFI: the user stack unwound with the .eh_frame of the objects
     * mapped in the current process (dev.emu.kernel.unwind), frame-pointer steps where there is none.
     */
    @Override
    public long[] userStackCfi(int max) {
        if (current == null || max <= 0 || current.process().mm().closed()) {
            return new long[0];
        }
        dev.emu.kernel.platform.Cpu cpu = current.cpu();
        long[] regs = new long[dev.emu.kernel.unwind.CfiRow.REGS];
        dev.emu.kernel.platform.Reg[] dwarf = {dev.emu.kernel.platform.Reg.RAX, dev.emu.kernel.platform.Reg.RDX,
            dev.emu.kernel.platform.Reg.RCX, dev.emu.kernel.platform.Reg.RBX, dev.emu.kernel.platform.Reg.RSI,
            dev.emu.kernel.platform.Reg.RDI, dev.emu.kernel.platform.Reg.RBP, dev.emu.kernel.platform.Reg.RSP,
            dev.emu.kernel.platform.Reg.R8, dev.emu.kernel.platform.Reg.R9, dev.emu.kernel.platform.Reg.R10,
            dev.emu.kernel.platform.Reg.R11, dev.emu.kernel.platform.Reg.R12, dev.emu.kernel.platform.Reg.R13,
            dev.emu.kernel.platform.Reg.R14, dev.emu.kernel.platform.Reg.R15, dev.emu.kernel.platform.Reg.RIP};
        for (int i = 0; i < dwarf.length; i++) {
            regs[i] = cpu.get(dwarf[i]);
        }
        dev.emu.kernel.mm.MemoryManager mm = current.process().mm();
        dev.emu.kernel.platform.AddressSpace space = mm.space();
        dev.emu.kernel.unwind.UnwindMemory mem = (addr, dst, len) -> {
            if (!dev.emu.kernel.mm.UserMemory.accessOk(addr, len)) {
                return false;
            }
            try {
                space.read(addr, dst, 0, len);
                return true;
            } catch (dev.emu.kernel.platform.BadAddressException e) {
                return false;
            }
        };
        Task task = current;
        java.util.function.Function<String, long[]> sections = path -> {
            dev.emu.kernel.vfs.Result<dev.emu.kernel.fs.File> r = kernel.vfs().open(task, task.process().fs(),
                    task.process().fs().root(), path, 0, 0);
            if (r.failed()) {
                return null;
            }
            try {
                return dev.emu.kernel.unwind.EhFrameSection.find(dev.emu.kernel.ExecLookup.source(task, r.value()));
            } catch (java.io.IOException e) {
                return null;
            } finally {
                r.value().release();
            }
        };
        return dev.emu.kernel.unwind.UserStackUnwinder.unwind(mem, new dev.emu.kernel.unwind.MappedObjects(mm, mem, sections),
                regs, max);
    }

    /** bpf_send_signal_common: to the current process (or thread), as the kernel (SI_KERNEL). */
    @Override
    public long sendSignal(long sig, boolean thread) {
        if (current == null || current.process().exiting()) {
            return dev.emu.abi.Errno.EPERM.ret();
        }
        if (sig > 64) {
            return dev.emu.abi.Errno.EINVAL.ret();
        }
        if (sig == 0) {
            return 0;
        }
        dev.emu.kernel.task.SigInfo info = new dev.emu.kernel.task.SigInfo((int) sig, dev.emu.kernel.task.SigInfo.SI_KERNEL, 0, 0, 0);
        if (thread) {
            dev.emu.kernel.signal.Signals.sendToTask(kernel, current, (int) sig, info);
        } else {
            dev.emu.kernel.signal.Signals.sendToProcess(kernel, current.process(), (int) sig, info);
        }
        return 0;
    }

    /** bpf_perf_event_output: only into a bpf-output software event. */
    @Override
    public long perfEventOutput(Object event, byte[] data) {
        if (!(event instanceof dev.emu.kernel.perf.PerfEventFile f) || f.event().kind() != dev.emu.kernel.perf.PerfEvent.Kind.BPF_OUTPUT) {
            return dev.emu.abi.Errno.EINVAL.ret();
        }
        return f.event().output(current, data);
    }

    @Override
    public long ktimeGetNs() {
        return kernel.clock().nanos();
    }

    /** The last tick's time: the clock rounded down to the tick period (--tick-hz). */
    @Override
    public long ktimeGetCoarseNs() {
        long now = kernel.clock().nanos();
        long period = 1_000_000_000L / Math.max(1, kernel.config().tickHz());
        return now - now % period;
    }

    @Override
    public long ktimeGetTaiNs() {
        return kernel.clock().realtimeNanos();
    }

    @Override
    public long jiffies64() {
        return kernel.ticks();
    }

    @Override
    public int prandomU32() {
        return kernel.random().nextInt();
    }

    @Override
    public int smpProcessorId() {
        return 0;
    }

    @Override
    public long currentPidTgid() {
        return current == null ? 0 : (long) current.process().pid() << 32 | current.tid();
    }

    @Override
    public byte[] currentComm() {
        return current == null ? IDLE_COMM.clone() : current.comm().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void tracePrintk(String message) {
        String m = message.endsWith("\n") ? message.substring(0, message.length() - 1) : message;
        kernel.log().info("bpf_trace_printk: " + m);
        kernel.trace().pipe().printk(current, kernel.clock().nanos(), m, kernel.scheduler());
    }
}

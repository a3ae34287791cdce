package dev.emu.kernel.bpf;

import dev.emu.kernel.Kernel;
import dev.emu.kernel.KernelConfig;
import dev.emu.kernel.fs.ConsoleFile;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.log.SerialLog;
import dev.emu.kernel.mm.MemoryManager;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.Platform;
import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.platform.StopReason;
import dev.emu.kernel.platform.SyscallTrap;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.testing.FakeAddressSpace;
import dev.emu.kernel.testing.FakePlatform;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumMap;

/**
 * A kernel with one task whose memory is a {@link FakeAddressSpace}, for calling bpf() directly:
 * scratch memory at {@link #MEM} (64 KiB, read-write), nothing mapped at 0.
 */
final class BpfHarness {
    static final long MEM = 0x10000;
    static final int MEM_SIZE = 0x10000;

    final ByteArrayOutputStream serial = new ByteArrayOutputStream();
    final Kernel kernel;
    final Task task;
    final FakeAddressSpace space = new FakeAddressSpace();

    BpfHarness() {
        Platform platform = new FakePlatform("bpf test harness");
        PrintStream reports = new PrintStream(new ByteArrayOutputStream());
        Kernel.Console console = new Kernel.Console(java.io.InputStream.nullInputStream(), serial, serial,
                ConsoleFile.HostKind.PIPE, ConsoleFile.HostKind.PIPE, ConsoleFile.HostKind.PIPE, reports);
        kernel = new Kernel(platform, KernelConfig.defaults(), console, new SerialLog(serial), name -> null);
        space.map(MEM, MEM_SIZE, Prot.READ | Prot.WRITE);
        GuestProcess p = new GuestProcess(1, null, new MemoryManager(space), new FdTable(), "/bpf-harness");
        task = new Task(kernel, 1, p, new dev.emu.kernel.testing.FakeCpu(space), "harness");
    }

    /** bpf(cmd, attr at MEM, size) after writing {@code attr} there. */
    long bpf(int cmd, byte[] attr) {
        space.write(MEM, attr);
        return bpf(cmd, MEM, attr.length);
    }

    long bpf(long cmd, long attrAddr, long size) {
        try {
            return SysBpf.bpf(task, cmd, attrAddr, size, 0, 0, 0);
        } catch (dev.emu.kernel.platform.BadAddressException e) {
            return dev.emu.abi.Errno.EFAULT.ret(); // what the dispatcher does
        }
    }

    static ByteBuffer attr() {
        return ByteBuffer.allocate(dev.emu.abi.bpf.BpfAttr.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    }

    String serialText() {
        return serial.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}

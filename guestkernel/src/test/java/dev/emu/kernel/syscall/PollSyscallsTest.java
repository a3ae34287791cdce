package dev.emu.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.KernelConfig;
import dev.emu.kernel.fs.ConsoleFile;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.fs.Pipe;
import dev.emu.kernel.log.SerialLog;
import dev.emu.kernel.mm.MemoryManager;
import dev.emu.kernel.platform.Platform;
import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.signal.Signals;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.SigInfo;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import dev.emu.kernel.testing.FakeAddressSpace;
import dev.emu.kernel.testing.FakePlatform;
import dev.emu.kernel.testing.FakeCpu;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/**
 * poll and ppoll through the handlers, on a kernel without Unicorn: the wait across RESTARTs,
 * its deadline on the kernel clock, and how a signal ends it (EINTR past the syscall, the
 * caller's mask kept for the signal frame).
 */
class PollSyscallsTest {
    private static final long MEM = 0x10000;
    private static final long FDS = MEM, TS = MEM + 0x100, MASK = MEM + 0x200;
    private final FakeAddressSpace space = new FakeAddressSpace();
    private final Kernel kernel;
    private final Task task;
    private final Pipe pipe;
    private final int readFd;

    PollSyscallsTest() {
        Platform platform = new FakePlatform("poll test");
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        Kernel.Console console = new Kernel.Console(java.io.InputStream.nullInputStream(), serial, serial,
                ConsoleFile.HostKind.PIPE, ConsoleFile.HostKind.PIPE, ConsoleFile.HostKind.PIPE,
                new PrintStream(new ByteArrayOutputStream()));
        kernel = new Kernel(platform, KernelConfig.defaults(), console, new SerialLog(serial), name -> null);
        space.map(MEM, 0x1000, Prot.READ | Prot.WRITE);
        GuestProcess p = new GuestProcess(1, null, new MemoryManager(space), new FdTable(), "/poll-test");
        task = new Task(kernel, 1, p, new FakeCpu(space), "poll");
        pipe = new Pipe(kernel.scheduler(), 1, 0);
        readFd = p.fds().install(pipe.readEnd(), 3, false);
        p.fds().install(pipe.writeEnd(), 4, false);
        space.writeInt(FDS, readFd);
        space.write(FDS + 4, new byte[] {(byte) PollEvents.POLLIN, 0, 0, 0});
    }

    /** What the dispatcher does with a handler's result. */
    private long call(long result) {
        if (task.state() == TaskState.BLOCKED) {
            task.setRestartOnWake(result == SyscallResults.RESTART);
        }
        if (result == SyscallResults.RESTART) {
            task.cpu().set(Reg.RIP, task.cpu().get(Reg.RIP) - 2);
        } else {
            task.cpu().set(Reg.RAX, result);
        }
        return result;
    }

    private short revents() {
        return (short) (space.readInt(FDS + 4) >>> 16);
    }

    @Test
    void aWaitRestartsUntilAWriteAndTheTimeoutCountsFromTheFirstCall() {
        long start = kernel.clock().nanos();
        assertThat(call(SysPoll.poll(task, FDS, 1, 50, 0, 0, 0))).isEqualTo(SyscallResults.RESTART);
        assertThat(task.state()).isEqualTo(TaskState.BLOCKED);
        assertThat(task.wakeDeadline()).isEqualTo(start + 50_000_000L);
        kernel.scheduler().put(task);
        kernel.clock().skipTo(start + 20_000_000L);
        pipe.writeEnd().write(task, new byte[] {1}, 0, 1);
        assertThat(task.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(call(SysPoll.poll(task, FDS, 1, 50, 0, 0, 0))).isEqualTo(1);
        assertThat(revents()).isEqualTo((short) PollEvents.POLLIN);

        pipe.readEnd().read(task, new byte[1], 0, 1);
        assertThat(call(SysPoll.poll(task, FDS, 1, 50, 0, 0, 0))).isEqualTo(SyscallResults.RESTART);
        long deadline = task.wakeDeadline();
        kernel.scheduler().put(task);
        kernel.clock().skipTo(deadline);
        kernel.scheduler().wakeExpired(deadline);
        assertThat(call(SysPoll.poll(task, FDS, 1, 50, 0, 0, 0))).as("timed out").isZero();
        assertThat(revents()).isZero();
        assertThat(task.resumeState()).isNull();
    }

    @Test
    void aSignalEndsPpollWithEintrAndTheFrameGetsTheCallersMask() {
        long usr1 = 1L << (Signals.SIGUSR1 - 1);
        task.setSignalMask(usr1);
        space.writeLong(MASK, 0);
        task.process().setAction(Signals.SIGUSR1, new dev.emu.kernel.task.SignalAction(0x4000, 0, 0, 0));
        task.cpu().set(Reg.RIP, 0x1002);
        assertThat(call(SysPoll.ppoll(task, FDS, 1, 0, MASK, 8, 0))).isEqualTo(SyscallResults.RESTART);
        assertThat(task.signalMask()).as("the wait's mask").isZero();
        kernel.scheduler().put(task);
        Signals.sendToTask(kernel, task, Signals.SIGUSR1, new SigInfo(Signals.SIGUSR1, SigInfo.SI_USER, 1, 0, 0));
        assertThat(task.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(task.cpu().get(Reg.RAX)).isEqualTo(Errno.EINTR.ret());
        assertThat(task.cpu().get(Reg.RIP)).as("past the syscall: not restarted").isEqualTo(0x1002);
        assertThat(task.takeMaskToSave()).as("what the signal frame saves").isEqualTo(usr1);
    }

    @Test
    void badArgumentsGetLinuxsErrno() {
        assertThat(SysPoll.poll(task, FDS, task.process().fds().maxFds() + 1L, 0, 0, 0, 0)).isEqualTo(Errno.EINVAL.ret());
        space.writeInt(FDS, 77);
        assertThat(SysPoll.poll(task, FDS, 1, 0, 0, 0, 0)).isEqualTo(1);
        assertThat(revents()).isEqualTo((short) PollEvents.POLLNVAL);
        assertThat(SysPoll.ppoll(task, FDS, 1, 0, MASK, 4, 0)).isEqualTo(Errno.EINVAL.ret());
        space.writeLong(TS, 0);
        space.writeLong(TS + 8, 1_000_000_000L);
        assertThat(SysPoll.ppoll(task, FDS, 1, TS, 0, 0, 0)).isEqualTo(Errno.EINVAL.ret());
        assertThat(SysPoll.select(task, -1, 0, 0, 0, 0, 0)).isEqualTo(Errno.EINVAL.ret());
    }
}

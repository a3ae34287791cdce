package dev.emu.kernel.btf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.kernel.Kernel;
import dev.emu.kernel.KernelConfig;
import dev.emu.kernel.fs.ConsoleFile;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.log.SerialLog;
import dev.emu.kernel.mm.ExecLayout;
import dev.emu.kernel.mm.MemoryManager;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.testing.FakeAddressSpace;
import dev.emu.kernel.testing.FakeCpu;
import dev.emu.kernel.testing.FakePlatform;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Kernel memory as a BPF program reads it: images built from the kernel's tasks, pointers between them, -EFAULT elsewhere. */
class KernelImagesTest {
    private final Kernel kernel;
    private final Task parent, child, thread;
    private final KernelImages images;
    private final KernelBtf btf;

    KernelImagesTest() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Kernel.Console console = new Kernel.Console(java.io.InputStream.nullInputStream(), out, out,
                ConsoleFile.HostKind.PIPE, ConsoleFile.HostKind.PIPE, ConsoleFile.HostKind.PIPE,
                new PrintStream(new ByteArrayOutputStream()));
        kernel = new Kernel(new FakePlatform("images"), KernelConfig.defaults(), console, new SerialLog(out), name -> null);
        FakeAddressSpace space = new FakeAddressSpace();
        GuestProcess p1 = new GuestProcess(1, null, new MemoryManager(space), new FdTable(), "/init");
        parent = new Task(kernel, 1, p1, new FakeCpu(space), "init");
        MemoryManager mm = new MemoryManager(new FakeAddressSpace());
        mm.setExecLayout(new ExecLayout(0x400000, 0x401000, 0x402000, 0x403000, 0x7ffff000, 0x7ffff100, 0x7ffff120,
                0x7ffff120, 0x7ffff200));
        GuestProcess p2 = new GuestProcess(7, p1, mm, new FdTable(), "/bin/worker");
        p2.creds().uid = 1000;
        p2.creds().euid = 1001;
        child = new Task(kernel, 7, p2, new FakeCpu(space), "worker");
        thread = new Task(kernel, 8, p2, new FakeCpu(space), "worker-t");
        kernel.addTask(parent);
        kernel.addTask(child);
        kernel.addTask(thread);
        images = kernel.kernelImages();
        btf = kernel.kernelBtf();
    }

    private ByteBuffer read(long addr, int len) {
        byte[] b = new byte[len];
        assertThat(images.read(addr, b, len)).as("read %x", addr).isTrue();
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private long ptr(long addr, StructLayout l, String field) {
        return read(addr + l.off(field), 8).getLong(0);
    }

    private int i32(long addr, StructLayout l, String field) {
        return read(addr + l.off(field), 4).getInt(0);
    }

    @Test
    void aThreadsImagePointsAtItsLeaderParentCredAndMm() {
        long t = images.task(thread);
        StructLayout ts = btf.task;
        assertThat(i32(t, ts, "pid")).isEqualTo(8);
        assertThat(i32(t, ts, "tgid")).isEqualTo(7);
        assertThat(i32(t, ts, "exit_signal")).isEqualTo(-1); // a thread's, as Linux's
        assertThat(ptr(t, ts, "group_leader")).isEqualTo(images.task(child));
        long parentImage = ptr(t, ts, "real_parent");
        assertThat(parentImage).isEqualTo(images.task(parent));
        assertThat(i32(parentImage, ts, "tgid")).isEqualTo(1);
        assertThat(ptr(parentImage, ts, "real_parent")).as("init's parent is the idle task").isEqualTo(images.task(null));
        long cred = ptr(t, ts, "cred");
        assertThat(i32(cred, btf.cred, "uid")).isEqualTo(1000);
        assertThat(i32(cred, btf.cred, "euid")).isEqualTo(1001);
        long mm = ptr(t, ts, "mm");
        assertThat(ptr(mm, btf.mm, "arg_start")).isEqualTo(0x7ffff100L);
        assertThat(ptr(mm, btf.mm, "env_end")).isEqualTo(0x7ffff200L);
        byte[] comm = new byte[16];
        images.read(t + ts.off("comm"), comm, 16);
        assertThat(new String(comm, 0, 8)).isEqualTo("worker-t");
        assertThat(comm[8]).isZero();
    }

    @Test
    void theIdleTaskIsSwapper() {
        long idle = images.task(null);
        assertThat(i32(idle, btf.task, "pid")).isZero();
        byte[] comm = new byte[10];
        images.read(idle + btf.task.off("comm"), comm, 10);
        assertThat(new String(comm, 0, 9)).isEqualTo("swapper/0");
    }

    @Test
    void readsOutsideAnyObjectFail() {
        byte[] b = new byte[8];
        long t = images.task(child);
        assertThat(images.read(t + btf.task.size() - 4, b, 8)).as("past the end of the image").isFalse();
        assertThat(images.read(images.task(parent) + (99L - 1) * 4096, b, 8)).as("no task 99").isFalse();
        assertThat(images.read(KernelImages.BASE - 8, b, 8)).isFalse();
        assertThat(images.read(-1L, b, 8)).isFalse();
        assertThat(images.read(0, b, 8)).isFalse();
        assertThat(images.read(KernelImages.BASE + (63L << 40), b, 8)).as("no such region").isFalse();
        assertThat(images.read(t, b, -1)).isFalse();
    }
}

package dev.emu.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.kernel.FilesystemSetup;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.KernelConfig;
import dev.emu.kernel.fs.ConsoleFile;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.log.SerialLog;
import dev.emu.kernel.mm.MemoryManager;
import dev.emu.kernel.platform.Platform;
import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.FsContext;
import dev.emu.kernel.testing.FakeAddressSpace;
import dev.emu.kernel.testing.FakePlatform;
import dev.emu.kernel.testing.FakeCpu;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** execve(2) of things that are not executables: EACCES for what is not a regular file, ENOEXEC for a bad ELF, without reading them. */
class ExecveImageTest {
    private static final long MEM = 0x10000;

    @TempDir
    Path tmp;

    private long execve(String path) {
        ByteArrayOutputStream serial = new ByteArrayOutputStream();
        Platform platform = new FakePlatform("execve test");
        Kernel.Console console = new Kernel.Console(java.io.InputStream.nullInputStream(), serial, serial,
                ConsoleFile.HostKind.PIPE, ConsoleFile.HostKind.PIPE, ConsoleFile.HostKind.PIPE,
                new PrintStream(new ByteArrayOutputStream()));
        Kernel kernel = new Kernel(platform, KernelConfig.defaults(), console, new SerialLog(serial),
                name -> Files.exists(Path.of(name)) ? Path.of(name) : null);
        kernel.setFilesystem(FilesystemSetup.hostDefault(tmp)); // the host's / read-only, as `emu run` shows it
        FsContext fs = kernel.bootFilesystem();
        FakeAddressSpace space = new FakeAddressSpace();
        space.map(MEM, 0x1000, Prot.READ | Prot.WRITE);
        GuestProcess p = new GuestProcess(1, null, new MemoryManager(space), new FdTable(), "/test");
        p.setFs(fs);
        Task t = new Task(kernel, 1, p, new FakeCpu(space), "test");
        space.write(MEM, (path + "\0").getBytes(StandardCharsets.UTF_8));
        space.writeLong(MEM + 0x800, 0); // argv and envp: empty
        return SysTask.execve(t, MEM, MEM + 0x800, MEM + 0x800, 0, 0, 0);
    }

    @Test
    void aDeviceADirectoryAndAFifoAreEacces() throws Exception {
        assertThat(execve("/dev/zero")).isEqualTo(Errno.EACCES.ret());
        assertThat(execve(tmp.toString())).isEqualTo(Errno.EACCES.ret());
        Path fifo = tmp.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertThat(execve(fifo.toString())).as("refused without opening it (that would block)").isEqualTo(Errno.EACCES.ret());
    }

    @Test
    void aTruncatedOrForeignFileIsEnoexecAndAMissingOneEnoent() throws Exception {
        // Executable bits set: without them execve is EACCES before the contents are looked at.
        Path text = executable(Files.writeString(tmp.resolve("notes"), "plain text, no #! line\n"));
        assertThat(execve(text.toString())).isEqualTo(Errno.ENOEXEC.ret());
        byte[] head = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
        assertThat(execve(executable(Files.write(tmp.resolve("trunc"), head)).toString())).isEqualTo(Errno.ENOEXEC.ret());
        assertThat(execve(tmp.resolve("missing").toString())).isEqualTo(Errno.ENOENT.ret());
        assertThat(execve("")).isEqualTo(Errno.ENOENT.ret());
    }

    private static Path executable(Path file) throws java.io.IOException {
        return Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}

package dev.emu.kernel;

import dev.emu.kernel.limits.ResourceLimits;
import dev.emu.kernel.loader.ElfFile;
import dev.emu.kernel.loader.ElfLoader;
import dev.emu.kernel.loader.ElfSource;
import dev.emu.kernel.loader.InitialStack;
import dev.emu.kernel.loader.LoadedImage;
import dev.emu.kernel.loader.MappedRegion;
import dev.emu.kernel.loader.StackSpec;
import dev.emu.kernel.mm.MemoryManager;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.HostMemoryException;
import dev.emu.kernel.platform.Reg;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Builds a fresh process image from an ELF file: what fs/exec.c and fs/binfmt_elf.c do for
 * execve, shared by the first process and by execve(2).
 */
public final class Exec {
    private Exec() {}

    /** A loaded image: its memory map and the CPU state that starts it. */
    public record Image(MemoryManager mm, Cpu cpu, String exePath, LoadedImage image) {}

    /** The largest stack emu maps: it must stay below the mmap area (MMAP_BASE is 128 MiB lower). */
    static final long MAX_STACK = 64L << 20;
    /** The smallest: room for the arguments, environment and a first frame. */
    static final long MIN_STACK = 128L << 10;
    /** Stack kept mapped below the arguments at exec; the rest is demand-paged. */
    static final long RESIDENT_STACK = 128L << 10;

    /**
     * The stack size for RLIMIT_STACK's soft limit: Linux grows the stack on demand up to it; emu
     * maps (and charges) it whole at exec, within [128 KiB, 64 MiB], 8 MiB when unlimited.
     */
    static long stackSize(ResourceLimits limits) {
        long soft = limits.soft(ResourceLimits.RLIMIT_STACK);
        if (soft == ResourceLimits.RLIM_INFINITY) {
            return StackSpec.DEFAULT_STACK_SIZE;
        }
        long size = Math.clamp(soft, MIN_STACK, MAX_STACK);
        return (size + 4095) & -4096L;
    }

    /**
     * Parses and loads {@code path} into a new address space with its initial stack, charged to
     * the kernel's memory ({@code limits} give the stack size and bound the new memory map).
     *
     * @throws dev.emu.kernel.loader.ElfFormatException if the file is not a loadable x86_64 ELF
     * @throws HostMemoryException if the guest's memory limit (or the host) cannot take the image
     */
    public static Image load(Kernel kernel, Path path, List<String> argv, List<String> envp,
                             ResourceLimits limits) throws IOException {
        String notRegular = notRegularFile(path);
        if (notRegular != null) {
            throw new NotExecutableException(path + ": " + notRegular);
        }
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            return load(kernel, path, ElfFile.read(path.toString(), ElfSource.of(file)), argv, envp, limits);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Why {@code path} cannot be an executable though it exists (do_open_execat: only a regular
     * file is; a directory, FIFO, device or socket is EACCES), or null if it is a regular file.
     * Checked before opening it: opening a FIFO would wait for a writer.
     */
    public static String notRegularFile(Path path) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return Files.isRegularFile(path) ? null : Files.isDirectory(path) ? "is a directory" : "not a regular file";
        }
        return switch (mode & 0170000) {
            case 0100000 -> null;
            case 0040000 -> "is a directory";
            case 0010000 -> "is a FIFO, not a regular file";
            case 0020000 -> "is a character device, not a regular file";
            case 0060000 -> "is a block device, not a regular file";
            case 0140000 -> "is a socket, not a regular file";
            default -> "not a regular file";
        };
    }

    /** An image that exists but is not a regular file: execve's EACCES, status 126 for `emu run`. */
    public static final class NotExecutableException extends IOException {
        public NotExecutableException(String message) {
            super(message);
        }
    }

    private static Image load(Kernel kernel, Path path, ElfFile elf, List<String> argv, List<String> envp,
                              ResourceLimits limits) {
        AddressSpace as = kernel.platform().newAddressSpace();
        try {
            MemoryManager mm = new MemoryManager(as, kernel.memory());
            mm.setOutOfMemory(kernel::outOfMemory);
            LoadedImage image = ElfLoader.load(elf, as);
            for (MappedRegion r : image.regions()) {
                mm.registerMapped(r.start(), r.length(), r.prot(), r.name());
            }
            mm.initBrk(image.brk());
            byte[] random = new byte[16];
            kernel.random().nextBytes(random);
            // AT_EXECFN is the filename exec was given, which for emu is the resolved image path.
            InitialStack stack = InitialStack.build(as, StackSpec.of(image, argv, envp, path.toString(), random)
                    .withStack(StackSpec.DEFAULT_STACK_TOP, stackSize(limits)));
            // Linux maps the stack's first pages and grows it on demand up to RLIMIT_STACK: the
            // part below the arguments and a first 128 KiB is demand-paged (charged when touched).
            long top = StackSpec.DEFAULT_STACK_TOP;
            long bottom = stack.region().start();
            long resident = Math.max(bottom, ((stack.rsp() - RESIDENT_STACK) & -4096L));
            mm.registerMapped(resident, top - resident, stack.region().prot(), "[stack]");
            if (resident > bottom) {
                as.unmap(bottom, resident - bottom);
                mm.registerOnDemand(bottom, resident - bottom, stack.region().prot(), "[stack]");
            }
            if (!mm.commitInitial()) {
                throw new HostMemoryException("not enough guest memory for " + path + " (--memory "
                        + (kernel.memory().limit() >> 20) + " MiB)");
            }
            mm.setLimits(limits);
            Cpu cpu = as.newCpu();
            cpu.set(Reg.RSP, stack.rsp());
            cpu.set(Reg.RIP, image.entry());
            // Linux's ELF_PLAT_INIT leaves every other GPR zero; RDX=0 means "no atexit routine".
            return new Image(mm, cpu, path.toAbsolutePath().toString(), image);
        } catch (RuntimeException e) {
            as.close();
            throw e;
        }
    }

    /** The task name Linux derives from the file name (comm, 15 bytes). */
    public static String commOf(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        return base.length() > 15 ? base.substring(0, 15) : base;
    }
}

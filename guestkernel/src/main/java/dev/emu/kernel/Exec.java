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
            return load(kernel, ElfFile.read(path.toString(), ElfSource.of(file)), path.toAbsolutePath().toString(),
                    argv, envp, path.toString(), null, limits);
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

    /**
     * Loads the executable {@code bytes} named {@code name} (its guest path, /proc/PID/exe), and
     * its PT_INTERP from the guest's tree if it has one.
     *
     * @param execfn the filename execve was given (AT_EXECFN)
     * @param fs where a PT_INTERP path is looked up (the caller's root and cwd); null: the
     *     kernel's root
     * @throws dev.emu.kernel.loader.ElfFormatException if the file or its interpreter is not a
     *     loadable x86_64 ELF, or the interpreter cannot be read
     * @throws HostMemoryException if the guest's memory limit (or the host) cannot take the image
     */
    public static Image load(Kernel kernel, byte[] bytes, String name, List<String> argv, List<String> envp,
                             String execfn, dev.emu.kernel.vfs.FsContext fs, ResourceLimits limits) {
        return load(kernel, ElfFile.parse(name, bytes), name, argv, envp, execfn, fs, limits);
    }

    /**
     * Loads the program {@link ExecLookup#find} found in the guest's tree, reading the file only
     * where its headers point, and its PT_INTERP from the tree.
     *
     * @param task the task whose execve this is (null for pid 1)
     */
    public static Image load(Kernel kernel, dev.emu.kernel.task.Task task, ExecLookup.Program program, List<String> envp,
                             String execfn, dev.emu.kernel.vfs.FsContext fs, ResourceLimits limits) {
        dev.emu.kernel.vfs.Result<dev.emu.kernel.fs.File> open = ExecLookup.open(task, program.dentry());
        if (open.failed()) {
            throw new dev.emu.kernel.loader.ElfFormatException(program.path(), "cannot open: " + open.error());
        }
        dev.emu.kernel.fs.File f = open.value();
        try {
            ElfFile elf = ElfFile.read(program.path(), ExecLookup.source(task, f));
            return load(kernel, elf, program.path(), program.argv(), envp, execfn, fs, limits);
        } catch (IOException | UncheckedIOException e) {
            throw new dev.emu.kernel.loader.ElfFormatException(program.path(), "cannot read: " + e.getMessage());
        } finally {
            f.release();
        }
    }

    private static Image load(Kernel kernel, ElfFile elf, String name, List<String> argv, List<String> envp,
                              String execfn, dev.emu.kernel.vfs.FsContext fs, ResourceLimits limits) {
        List<dev.emu.kernel.fs.File> opened = new java.util.ArrayList<>();
        try {
            return load(kernel, elf, elf.interpreter().isPresent() ? interpreter(kernel, elf, fs, opened) : null,
                    name, argv, envp, execfn, limits);
        } finally {
            opened.forEach(dev.emu.kernel.fs.File::release);
        }
    }

    private static Image load(Kernel kernel, ElfFile elf, ElfFile interp, String name, List<String> argv, List<String> envp,
                              String execfn, ResourceLimits limits) {
        AddressSpace as = kernel.platform().newAddressSpace();
        try {
            MemoryManager mm = new MemoryManager(as, kernel.memory());
            mm.setOutOfMemory(kernel::outOfMemory);
            LoadedImage image = ElfLoader.load(elf, as);
            for (MappedRegion r : image.regions()) {
                mm.registerMapped(r.start(), r.length(), r.prot(), r.name());
            }
            mm.initBrk(image.brk());
            long entry = image.entry();
            long interpBase = 0;
            if (interp != null) {
                // The loader goes at the top of the mmap area, where Linux's ASLR-off mmap puts it.
                long span = interp.loadSegments().getLast().vaddr() + interp.loadSegments().getLast().memsz()
                        - (interp.loadSegments().getFirst().vaddr() & -MemoryManager.PAGE);
                LoadedImage ld = ElfLoader.load(interp, as, (MemoryManager.MMAP_BASE - span) & -MemoryManager.PAGE);
                for (MappedRegion r : ld.regions()) {
                    mm.registerMapped(r.start(), r.length(), r.prot(), r.name());
                }
                interpBase = ld.loadBias();
                entry = ld.entry();
            }
            byte[] random = new byte[16];
            kernel.random().nextBytes(random);
            // AT_EXECFN is the filename exec was given, which for emu is the resolved image path.
            // Linux maps the stack's first pages and grows it on demand up to RLIMIT_STACK: the
            // part below the arguments and a first 128 KiB is demand-paged (charged when touched).
            // Only the resident part is mapped: unmapping the rest afterwards cost Unicorn ~100 ms.
            long stackSize = stackSize(limits);
            InitialStack stack = InitialStack.build(as, StackSpec.of(image, argv, envp, execfn, random)
                    .withStack(StackSpec.DEFAULT_STACK_TOP, stackSize).withInterpreterBase(interpBase)
                    .withResident(RESIDENT_STACK));
            long top = StackSpec.DEFAULT_STACK_TOP;
            long bottom = top - stackSize;
            long resident = stack.region().start();
            mm.registerMapped(resident, top - resident, stack.region().prot(), "[stack]");
            mm.setSavedAuxv(stack.auxv());
            mm.setExecLayout(execLayout(image, stack));
            if (resident > bottom) {
                mm.registerOnDemand(bottom, resident - bottom, stack.region().prot(), "[stack]");
            }
            if (!mm.commitInitial()) {
                throw new HostMemoryException("not enough guest memory for " + name + " (--memory "
                        + (kernel.memory().limit() >> 20) + " MiB)");
            }
            mm.setLimits(limits);
            Cpu cpu = as.newCpu();
            cpu.set(Reg.RSP, stack.rsp());
            cpu.set(Reg.RIP, entry);
            // Linux's ELF_PLAT_INIT leaves every other GPR zero; RDX=0 means "no atexit routine".
            return new Image(mm, cpu, name, image);
        } catch (RuntimeException e) {
            as.close();
            throw e;
        }
    }

    /**
     * mm->start_code … env_end as load_elf_binary sets them: the program's executable segment,
     * its writable one, the initial stack pointer, and the argv and envp strings.
     */
    private static dev.emu.kernel.mm.ExecLayout execLayout(LoadedImage image, InitialStack stack) {
        long startCode = 0, endCode = 0, startData = 0, endData = 0;
        for (MappedRegion r : image.regions()) {
            if ((r.prot() & dev.emu.kernel.platform.Prot.EXEC) != 0 && startCode == 0) {
                startCode = r.start();
                endCode = r.end();
            } else if ((r.prot() & dev.emu.kernel.platform.Prot.WRITE) != 0 && startData == 0) {
                startData = r.start();
                endData = r.end();
            }
        }
        return new dev.emu.kernel.mm.ExecLayout(startCode, endCode, startData, endData, stack.rsp(),
                stack.argStart(), stack.argEnd(), stack.envStart(), stack.envEnd());
    }

    /** Reads and parses the program's PT_INTERP from the guest's tree (load_elf_binary's open_exec). */
    private static ElfFile interpreter(Kernel kernel, ElfFile elf, dev.emu.kernel.vfs.FsContext fs, List<dev.emu.kernel.fs.File> opened) {
        String path = elf.interpreter().orElseThrow();
        dev.emu.kernel.vfs.Vfs vfs = kernel.vfs();
        if (vfs == null) {
            throw new dev.emu.kernel.loader.ElfFormatException(elf.path(), "no filesystem to load the interpreter " + path + " from");
        }
        dev.emu.kernel.vfs.FsContext ctx = fs != null ? fs
                : new dev.emu.kernel.vfs.FsContext(vfs.mounts().root().rootDentry(), vfs.mounts().root().rootDentry(), 022);
        dev.emu.kernel.vfs.Result<dev.emu.kernel.vfs.Dentry> d = vfs.lookup(null, ctx, ctx.cwd(), path, true);
        dev.emu.kernel.vfs.Result<dev.emu.kernel.fs.File> file = d.failed() ? d.cast() : ExecLookup.open(null, d.value());
        if (file.failed()) {
            throw new dev.emu.kernel.loader.ElfFormatException(elf.path(), "cannot read the interpreter " + path + ": " + file.error());
        }
        opened.add(file.value()); // open until its segments are loaded
        ElfFile ld;
        try {
            ld = ElfFile.read(path, ExecLookup.source(null, file.value()));
        } catch (IOException e) {
            throw new dev.emu.kernel.loader.ElfFormatException(elf.path(), "cannot read the interpreter " + path + ": " + e.getMessage());
        }
        if (ld.interpreter().isPresent()) {
            throw new dev.emu.kernel.loader.ElfFormatException(path, "an interpreter must not have an interpreter (ELIBBAD)");
        }
        return ld;
    }

    /** The task name Linux derives from the file name (comm, 15 bytes). */
    public static String commOf(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        return base.length() > 15 ? base.substring(0, 15) : base;
    }
}

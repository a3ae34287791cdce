package dev.emu.kernel;

import dev.emu.kernel.loader.ElfFile;
import dev.emu.kernel.loader.ElfLoader;
import dev.emu.kernel.loader.InitialStack;
import dev.emu.kernel.loader.LoadedImage;
import dev.emu.kernel.loader.MappedRegion;
import dev.emu.kernel.loader.StackSpec;
import dev.emu.kernel.mm.MemoryManager;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.Reg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds a fresh process image from an ELF file: what fs/exec.c and fs/binfmt_elf.c do for
 * execve, shared by the first process and by execve(2).
 */
public final class Exec {
    private Exec() {}

    /** A loaded image: its memory map and the CPU state that starts it. */
    public record Image(MemoryManager mm, Cpu cpu, String exePath, LoadedImage image) {}

    /**
     * Parses and loads {@code path} into a new address space with its initial stack.
     *
     * @throws dev.emu.kernel.loader.ElfFormatException if the file is not a loadable x86_64 ELF
     */
    public static Image load(Kernel kernel, Path path, List<String> argv, List<String> envp) throws IOException {
        return load(kernel, Files.readAllBytes(path), path.toAbsolutePath().toString(), argv, envp, path.toString(), null);
    }

    /**
     * Loads the executable {@code bytes} named {@code name} (its guest path, /proc/PID/exe).
     *
     * @param execfn the filename execve was given (AT_EXECFN)
     * @param fs where a PT_INTERP path is looked up (the caller's root and cwd); null: the
     *     kernel's root
     * @throws dev.emu.kernel.loader.ElfFormatException if the file or its interpreter is not a
     *     loadable x86_64 ELF, or the interpreter cannot be read
     */
    public static Image load(Kernel kernel, byte[] bytes, String name, List<String> argv, List<String> envp, String execfn,
                             dev.emu.kernel.vfs.FsContext fs) {
        ElfFile elf = ElfFile.parse(name, bytes);
        ElfFile interp = elf.interpreter().isPresent() ? interpreter(kernel, elf, fs) : null;
        AddressSpace as = kernel.platform().newAddressSpace();
        try {
            MemoryManager mm = new MemoryManager(as);
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
                interpBase = (MemoryManager.MMAP_BASE - span) & -MemoryManager.PAGE;
                LoadedImage ld = ElfLoader.load(interp, as, interpBase);
                for (MappedRegion r : ld.regions()) {
                    mm.registerMapped(r.start(), r.length(), r.prot(), r.name());
                }
                interpBase = ld.loadBias();
                entry = ld.entry();
            }
            byte[] random = new byte[16];
            kernel.random().nextBytes(random);
            // AT_EXECFN is the filename exec was given, which for emu is the resolved image path.
            InitialStack stack = InitialStack.build(as, StackSpec.of(image, argv, envp, execfn, random)
                    .withInterpreterBase(interpBase));
            mm.registerMapped(stack.region().start(), stack.region().length(), stack.region().prot(), "[stack]");
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

    /** Reads and parses the program's PT_INTERP from the guest's tree (load_elf_binary's open_exec). */
    private static ElfFile interpreter(Kernel kernel, ElfFile elf, dev.emu.kernel.vfs.FsContext fs) {
        String path = elf.interpreter().orElseThrow();
        dev.emu.kernel.vfs.Vfs vfs = kernel.vfs();
        if (vfs == null) {
            throw new dev.emu.kernel.loader.ElfFormatException(elf.path(), "no filesystem to load the interpreter " + path + " from");
        }
        dev.emu.kernel.vfs.FsContext ctx = fs != null ? fs
                : new dev.emu.kernel.vfs.FsContext(vfs.mounts().root().rootDentry(), vfs.mounts().root().rootDentry(), 022);
        dev.emu.kernel.vfs.Result<dev.emu.kernel.vfs.Dentry> d = vfs.lookup(null, ctx, ctx.cwd(), path, true);
        dev.emu.kernel.vfs.Result<byte[]> bytes = d.failed() ? d.cast() : ExecLookup.readFile(null, d.value());
        if (bytes.failed()) {
            throw new dev.emu.kernel.loader.ElfFormatException(elf.path(), "cannot read the interpreter " + path + ": " + bytes.error());
        }
        ElfFile ld = ElfFile.parse(path, bytes.value());
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

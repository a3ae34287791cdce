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
        return load(kernel, Files.readAllBytes(path), path.toAbsolutePath().toString(), argv, envp, path.toString());
    }

    /**
     * Loads the executable {@code bytes} named {@code name} (its guest path, /proc/PID/exe).
     *
     * @param execfn the filename execve was given (AT_EXECFN)
     * @throws dev.emu.kernel.loader.ElfFormatException if the file is not a loadable x86_64 ELF
     */
    public static Image load(Kernel kernel, byte[] bytes, String name, List<String> argv, List<String> envp, String execfn) {
        ElfFile elf = ElfFile.parse(name, bytes);
        AddressSpace as = kernel.platform().newAddressSpace();
        try {
            MemoryManager mm = new MemoryManager(as);
            LoadedImage image = ElfLoader.load(elf, as);
            for (MappedRegion r : image.regions()) {
                mm.registerMapped(r.start(), r.length(), r.prot(), r.name());
            }
            mm.initBrk(image.brk());
            byte[] random = new byte[16];
            kernel.random().nextBytes(random);
            // AT_EXECFN is the filename exec was given, which for emu is the resolved image path.
            InitialStack stack = InitialStack.build(as, StackSpec.of(image, argv, envp, execfn, random));
            mm.registerMapped(stack.region().start(), stack.region().length(), stack.region().prot(), "[stack]");
            Cpu cpu = as.newCpu();
            cpu.set(Reg.RSP, stack.rsp());
            cpu.set(Reg.RIP, image.entry());
            // Linux's ELF_PLAT_INIT leaves every other GPR zero; RDX=0 means "no atexit routine".
            return new Image(mm, cpu, name, image);
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

package dev.emu.kernel.loader;

import dev.emu.kernel.platform.AddressSpace;
import java.util.List;

/**
 * What the initial stack of a new program contains and where it goes.
 *
 * @param image the loaded executable (AT_PHDR, AT_ENTRY, executable stack)
 * @param argv argument strings; an empty list gets {@code [""]} as Linux 5.18+ does
 * @param envp environment strings ("NAME=value")
 * @param execfn the filename exactly as passed to execve (AT_EXECFN)
 * @param random the 16 bytes AT_RANDOM points at (the caller seeds them deterministically)
 * @param stackTop page-aligned address just above the stack (STACK_TOP)
 * @param stackSize page-aligned size of the mapping below {@code stackTop} (RLIMIT_STACK)
 * @param hwcap the AT_HWCAP value, which must match what CPUID leaf 1 EDX reports
 * @param interpreterBase where the dynamic loader was mapped (AT_BASE), 0 without one
 * @param residentSize how much of the stack below the initial RSP is mapped at once; the rest,
 *     down to {@code stackTop - stackSize}, is left unmapped for the caller to demand-page
 */
public record StackSpec(LoadedImage image, List<String> argv, List<String> envp, String execfn,
                        int uid, int euid, int gid, int egid, byte[] random, long stackTop,
                        long stackSize, long hwcap, long interpreterBase, long residentSize) {

    /** STACK_TOP on x86-64 with 4-level paging and ASLR off (TASK_SIZE_MAX rounded). */
    public static final long DEFAULT_STACK_TOP = 0x7ffffffff000L;
    /** 8 MiB, the usual RLIMIT_STACK soft limit. */
    public static final long DEFAULT_STACK_SIZE = 8L << 20;
    /**
     * CPUID leaf 1 EDX of QEMU's qemu64 CPU model (fpu vme de pse tsc msr pae mce cx8 apic sep
     * mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2), the CPU the Unicorn platform
     * emulates. Linux's AT_HWCAP on x86 is exactly this word (ELF_HWCAP,
     * boot_cpu_data.x86_capability[CPUID_1_EDX]).
     */
    public static final long QEMU64_HWCAP = 0x078bfbfdL;

    public StackSpec {
        argv = List.copyOf(argv);
        envp = List.copyOf(envp);
        if (random.length != 16) {
            throw new IllegalArgumentException("AT_RANDOM needs 16 bytes, got " + random.length);
        }
        random = random.clone();
        if ((stackTop & (AddressSpace.PAGE_SIZE - 1)) != 0
                || (stackSize & (AddressSpace.PAGE_SIZE - 1)) != 0 || stackSize <= 0
                || stackSize > stackTop || residentSize < 0) {
            throw new IllegalArgumentException("stack top 0x" + Long.toHexString(stackTop)
                    + " and size 0x" + Long.toHexString(stackSize) + " must be page-aligned");
        }
    }

    /** A spec for root (uid/gid 0) with the default stack placement and {@link #QEMU64_HWCAP}. */
    public static StackSpec of(LoadedImage image, List<String> argv, List<String> envp,
                               String execfn, byte[] random) {
        return new StackSpec(image, argv, envp, execfn, 0, 0, 0, 0, random, DEFAULT_STACK_TOP,
                DEFAULT_STACK_SIZE, QEMU64_HWCAP, 0, DEFAULT_STACK_SIZE);
    }

    /** This spec with other credentials. */
    public StackSpec withCredentials(int uid, int euid, int gid, int egid) {
        return new StackSpec(image, argv, envp, execfn, uid, euid, gid, egid, random, stackTop,
                stackSize, hwcap, interpreterBase, residentSize);
    }

    /** This spec with another stack placement. */
    public StackSpec withStack(long top, long size) {
        return new StackSpec(image, argv, envp, execfn, uid, euid, gid, egid, random, top, size,
                hwcap, interpreterBase, residentSize);
    }

    /** This spec with the dynamic loader mapped at {@code base} (AT_BASE). */
    public StackSpec withInterpreterBase(long base) {
        return new StackSpec(image, argv, envp, execfn, uid, euid, gid, egid, random, stackTop, stackSize,
                hwcap, base, residentSize);
    }

    /**
     * This spec mapping only {@code bytes} below the initial RSP (page-rounded) at once, as
     * Linux maps a stack's first pages and grows it on demand up to RLIMIT_STACK.
     */
    public StackSpec withResident(long bytes) {
        return new StackSpec(image, argv, envp, execfn, uid, euid, gid, egid, random, stackTop, stackSize,
                hwcap, interpreterBase, bytes);
    }

    @Override
    public byte[] random() {
        return random.clone();
    }
}

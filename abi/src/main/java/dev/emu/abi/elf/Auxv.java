package dev.emu.abi.elf;

/**
 * Auxiliary vector entry types (include/uapi/linux/auxvec.h and arch/x86/include/uapi/asm/auxvec.h).
 *
 * <p>Pure constants: the kernel builds the auxv with them (fs/binfmt_elf.c create_elf_tables) and
 * /proc/self/auxv reports them.
 */
public final class Auxv {
    /** End of vector. */
    public static final int AT_NULL = 0;
    /** Entry should be ignored. */
    public static final int AT_IGNORE = 1;
    /** File descriptor of program. */
    public static final int AT_EXECFD = 2;
    /** Program headers of the program, in memory. */
    public static final int AT_PHDR = 3;
    /** Size of a program header entry. */
    public static final int AT_PHENT = 4;
    /** Number of program headers. */
    public static final int AT_PHNUM = 5;
    /** System page size. */
    public static final int AT_PAGESZ = 6;
    /** Base address of the interpreter (0 when there is none). */
    public static final int AT_BASE = 7;
    /** Flags (always 0 on Linux). */
    public static final int AT_FLAGS = 8;
    /** Entry point of the program. */
    public static final int AT_ENTRY = 9;
    /** Program is not ELF. */
    public static final int AT_NOTELF = 10;
    public static final int AT_UID = 11;
    public static final int AT_EUID = 12;
    public static final int AT_GID = 13;
    public static final int AT_EGID = 14;
    /** Address of a string naming the CPU platform ("x86_64"). */
    public static final int AT_PLATFORM = 15;
    /** Machine-dependent CPU capability hints (x86: CPUID leaf 1 EDX). */
    public static final int AT_HWCAP = 16;
    /** Frequency of times() (USER_HZ). */
    public static final int AT_CLKTCK = 17;
    /** Secure mode boolean (setuid and friends). */
    public static final int AT_SECURE = 23;
    /** Address of a string naming the real platform. */
    public static final int AT_BASE_PLATFORM = 24;
    /** Address of 16 random bytes. */
    public static final int AT_RANDOM = 25;
    /** Extension of AT_HWCAP (x86: HWCAP2_RING3MWAIT, HWCAP2_FSGSBASE). */
    public static final int AT_HWCAP2 = 26;
    /** rseq supported feature size. */
    public static final int AT_RSEQ_FEATURE_SIZE = 27;
    /** rseq allocation alignment. */
    public static final int AT_RSEQ_ALIGN = 28;
    public static final int AT_HWCAP3 = 29;
    public static final int AT_HWCAP4 = 30;
    /** Address of the filename the program was executed as. */
    public static final int AT_EXECFN = 31;
    /** Address of the vDSO's ELF header. */
    public static final int AT_SYSINFO_EHDR = 33;
    /** Minimal stack size for signal delivery (x86 ARCH_DLINFO). */
    public static final int AT_MINSIGSTKSZ = 51;

    private Auxv() {}

    /** The AT_* name of {@code type}, or {@code "AT_<n>"} for an unknown type. */
    public static String name(long type) {
        return switch ((int) type) {
            case AT_NULL -> "AT_NULL";
            case AT_IGNORE -> "AT_IGNORE";
            case AT_EXECFD -> "AT_EXECFD";
            case AT_PHDR -> "AT_PHDR";
            case AT_PHENT -> "AT_PHENT";
            case AT_PHNUM -> "AT_PHNUM";
            case AT_PAGESZ -> "AT_PAGESZ";
            case AT_BASE -> "AT_BASE";
            case AT_FLAGS -> "AT_FLAGS";
            case AT_ENTRY -> "AT_ENTRY";
            case AT_NOTELF -> "AT_NOTELF";
            case AT_UID -> "AT_UID";
            case AT_EUID -> "AT_EUID";
            case AT_GID -> "AT_GID";
            case AT_EGID -> "AT_EGID";
            case AT_PLATFORM -> "AT_PLATFORM";
            case AT_HWCAP -> "AT_HWCAP";
            case AT_CLKTCK -> "AT_CLKTCK";
            case AT_SECURE -> "AT_SECURE";
            case AT_BASE_PLATFORM -> "AT_BASE_PLATFORM";
            case AT_RANDOM -> "AT_RANDOM";
            case AT_HWCAP2 -> "AT_HWCAP2";
            case AT_RSEQ_FEATURE_SIZE -> "AT_RSEQ_FEATURE_SIZE";
            case AT_RSEQ_ALIGN -> "AT_RSEQ_ALIGN";
            case AT_HWCAP3 -> "AT_HWCAP3";
            case AT_HWCAP4 -> "AT_HWCAP4";
            case AT_EXECFN -> "AT_EXECFN";
            case AT_SYSINFO_EHDR -> "AT_SYSINFO_EHDR";
            case AT_MINSIGSTKSZ -> "AT_MINSIGSTKSZ";
            default -> "AT_" + type;
        };
    }
}

package dev.emu.abi.elf;

/**
 * ELF64 numbers and layouts (include/uapi/linux/elf.h, elf-em.h; System V gABI).
 *
 * <p>Pure constants; parsing lives in the guest kernel's loader.
 */
public final class Elf {
    // e_ident
    public static final int EI_NIDENT = 16;
    public static final int EI_MAG0 = 0;
    public static final int EI_CLASS = 4;
    public static final int EI_DATA = 5;
    public static final int EI_VERSION = 6;
    public static final int EI_OSABI = 7;
    public static final byte[] ELFMAG = {0x7f, 'E', 'L', 'F'};
    public static final int ELFCLASSNONE = 0;
    public static final int ELFCLASS32 = 1;
    public static final int ELFCLASS64 = 2;
    public static final int ELFDATANONE = 0;
    public static final int ELFDATA2LSB = 1;
    public static final int ELFDATA2MSB = 2;
    public static final int EV_CURRENT = 1;

    // Elf64_Ehdr field offsets and size
    public static final int E_TYPE = 16;
    public static final int E_MACHINE = 18;
    public static final int E_VERSION = 20;
    public static final int E_ENTRY = 24;
    public static final int E_PHOFF = 32;
    public static final int E_SHOFF = 40;
    public static final int E_FLAGS = 48;
    public static final int E_EHSIZE = 52;
    public static final int E_PHENTSIZE = 54;
    public static final int E_PHNUM = 56;
    public static final int E_SHENTSIZE = 58;
    public static final int E_SHNUM = 60;
    public static final int E_SHSTRNDX = 62;
    public static final int EHDR64_SIZE = 64;

    // Elf64_Phdr field offsets and size
    public static final int P_TYPE = 0;
    public static final int P_FLAGS = 4;
    public static final int P_OFFSET = 8;
    public static final int P_VADDR = 16;
    public static final int P_PADDR = 24;
    public static final int P_FILESZ = 32;
    public static final int P_MEMSZ = 40;
    public static final int P_ALIGN = 48;
    public static final int PHDR64_SIZE = 56;
    /** e_phnum value meaning "the real count is in section header 0's sh_info". */
    public static final int PN_XNUM = 0xffff;

    // e_type
    public static final int ET_NONE = 0;
    public static final int ET_REL = 1;
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int ET_CORE = 4;

    // e_machine (include/uapi/linux/elf-em.h)
    public static final int EM_NONE = 0;
    public static final int EM_SPARC = 2;
    public static final int EM_386 = 3;
    public static final int EM_68K = 4;
    public static final int EM_MIPS = 8;
    public static final int EM_PARISC = 15;
    public static final int EM_PPC = 20;
    public static final int EM_PPC64 = 21;
    public static final int EM_S390 = 22;
    public static final int EM_ARM = 40;
    public static final int EM_SH = 42;
    public static final int EM_SPARCV9 = 43;
    public static final int EM_IA_64 = 50;
    public static final int EM_X86_64 = 62;
    public static final int EM_AARCH64 = 183;
    public static final int EM_RISCV = 243;
    public static final int EM_BPF = 247;
    public static final int EM_LOONGARCH = 258;

    // p_type
    public static final int PT_NULL = 0;
    public static final int PT_LOAD = 1;
    public static final int PT_DYNAMIC = 2;
    public static final int PT_INTERP = 3;
    public static final int PT_NOTE = 4;
    public static final int PT_SHLIB = 5;
    public static final int PT_PHDR = 6;
    public static final int PT_TLS = 7;
    public static final int PT_GNU_EH_FRAME = 0x6474e550;
    public static final int PT_GNU_STACK = 0x6474e551;
    public static final int PT_GNU_RELRO = 0x6474e552;
    public static final int PT_GNU_PROPERTY = 0x6474e553;

    // p_flags
    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;

    private Elf() {}

    /** A readable name for an e_machine value, e.g. "AArch64", or "unknown" if not listed. */
    public static String machineName(int machine) {
        return switch (machine) {
            case EM_NONE -> "none";
            case EM_SPARC -> "SPARC";
            case EM_386 -> "i386";
            case EM_68K -> "m68k";
            case EM_MIPS -> "MIPS";
            case EM_PARISC -> "PA-RISC";
            case EM_PPC -> "PowerPC";
            case EM_PPC64 -> "PowerPC64";
            case EM_S390 -> "S/390";
            case EM_ARM -> "ARM";
            case EM_SH -> "SuperH";
            case EM_SPARCV9 -> "SPARC V9";
            case EM_IA_64 -> "IA-64";
            case EM_X86_64 -> "x86-64";
            case EM_AARCH64 -> "AArch64";
            case EM_RISCV -> "RISC-V";
            case EM_BPF -> "BPF";
            case EM_LOONGARCH -> "LoongArch";
            default -> "unknown";
        };
    }

    /** The ET_* name of an e_type value. */
    public static String typeName(int type) {
        return switch (type) {
            case ET_NONE -> "ET_NONE";
            case ET_REL -> "ET_REL";
            case ET_EXEC -> "ET_EXEC";
            case ET_DYN -> "ET_DYN";
            case ET_CORE -> "ET_CORE";
            default -> "unknown";
        };
    }
}

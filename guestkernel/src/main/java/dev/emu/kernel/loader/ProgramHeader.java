package dev.emu.kernel.loader;

import dev.emu.abi.elf.Elf;
import dev.emu.kernel.platform.Prot;

/**
 * One Elf64_Phdr, as read from the file (addresses not yet relocated).
 *
 * @param index position in the program header table, for messages
 */
public record ProgramHeader(int index, int type, int flags, long offset, long vaddr, long paddr,
                            long filesz, long memsz, long align) {

    /** The page protection for this segment's PF_R/PF_W/PF_X flags. */
    public int prot() {
        int prot = Prot.NONE;
        if ((flags & Elf.PF_R) != 0) {
            prot |= Prot.READ;
        }
        if ((flags & Elf.PF_W) != 0) {
            prot |= Prot.WRITE;
        }
        if ((flags & Elf.PF_X) != 0) {
            prot |= Prot.EXEC;
        }
        return prot;
    }

    /** Whether {@code address} (unrelocated) lies in [p_vaddr, p_vaddr + p_memsz). */
    public boolean contains(long address) {
        return Long.compareUnsigned(address, vaddr) >= 0
                && Long.compareUnsigned(address - vaddr, memsz) < 0;
    }

    /** One past the last virtual address of the segment (unrelocated). */
    public long end() {
        return vaddr + memsz;
    }
}

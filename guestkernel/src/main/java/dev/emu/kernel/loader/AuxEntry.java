package dev.emu.kernel.loader;

import dev.emu.abi.elf.Auxv;

/** One auxiliary vector entry (Elf64_auxv_t): an AT_* type and its value. */
public record AuxEntry(long type, long value) {
    @Override
    public String toString() {
        return Auxv.name(type) + "=0x" + Long.toHexString(value);
    }
}

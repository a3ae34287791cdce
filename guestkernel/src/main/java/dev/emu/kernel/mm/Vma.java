package dev.emu.kernel.mm;

import dev.emu.kernel.platform.Prot;

/**
 * One mapped range of a process's address space (Linux's vm_area_struct), page-aligned.
 *
 * @param start first byte
 * @param end one past the last byte
 * @param prot PROT_* bits
 * @param name what /proc/self/maps would show: a path, "[heap]", "[stack]" or "" for anonymous
 */
public record Vma(long start, long end, int prot, String name) {

    public long length() {
        return end - start;
    }

    @Override
    public String toString() {
        return String.format("%012x-%012x %s %s", start, end, Prot.toString(prot), name);
    }
}

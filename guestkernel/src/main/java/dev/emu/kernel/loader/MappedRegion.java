package dev.emu.kernel.loader;

import dev.emu.kernel.platform.Prot;

/**
 * A page-aligned range the loader mapped, for the memory manager to register as a VMA.
 *
 * @param name what /proc/self/maps shows: the executable's path, or "[stack]"
 */
public record MappedRegion(long start, long length, int prot, String name) {

    public long end() {
        return start + length;
    }

    @Override
    public String toString() {
        return String.format("%012x-%012x %s %s", start, end(), Prot.toString(prot), name);
    }
}

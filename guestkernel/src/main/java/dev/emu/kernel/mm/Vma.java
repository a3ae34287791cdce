package dev.emu.kernel.mm;

import dev.emu.kernel.platform.Prot;

/**
 * One mapped range of a process's address space (Linux's vm_area_struct), page-aligned.
 *
 * @param start first byte
 * @param end one past the last byte
 * @param prot PROT_* bits
 * @param name what /proc/self/maps would show: a path, "[heap]", "[stack]" or "" for anonymous
 * @param backing how the engine holds its pages
 * @param accounted its pages are charged to the guest's memory (Linux's VM_ACCOUNT): set when an
 *     eagerly backed range becomes writable, kept until it is unmapped
 */
public record Vma(long start, long end, int prot, String name, Backing backing, boolean accounted) {

    /** How a VMA's pages exist in the platform's address space. */
    public enum Backing {
        /** Mapped in the engine as a whole when created (committed memory). */
        EAGER,
        /**
         * A PROT_NONE reservation: not in the engine at all, so it costs nothing at any size; the
         * parts that mprotect makes accessible become EAGER (and are charged if writable).
         */
        RESERVED,
        /** MAP_NORESERVE: pages are mapped and charged as they are first touched (demand paging). */
        ON_DEMAND
    }

    /** An eagerly backed VMA, accounted when writable (what the image loader maps). */
    public Vma(long start, long end, int prot, String name) {
        this(start, end, prot, name, Backing.EAGER, (prot & Prot.WRITE) != 0);
    }

    public long length() {
        return end - start;
    }

    /** This VMA's bookkeeping for the sub-range [s, e). */
    Vma slice(long s, long e) {
        return new Vma(s, e, prot, name, backing, accounted);
    }

    /** Can merge with a neighbour: everything but the bounds is equal. */
    boolean sameKind(Vma o) {
        return prot == o.prot && name.equals(o.name) && backing == o.backing && accounted == o.accounted;
    }

    @Override
    public String toString() {
        return String.format("%012x-%012x %s %s", start, end, Prot.toString(prot), name);
    }
}

package dev.emu.kernel.mm;

import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.platform.SharedPages;

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
 * @param shared what a {@link Backing#SHARED} VMA maps; null for the other kinds
 */
public record Vma(long start, long end, int prot, String name, Backing backing, boolean accounted, Shared shared) {

    /**
     * The pages a SHARED VMA maps: {@code pages} from byte {@code offset} at {@code start}
     * (Linux's vm_pgoff), and whether mprotect may add PROT_WRITE / PROT_EXEC (VM_MAYWRITE,
     * VM_MAYEXEC: a read-only mapping of a ringbuf's producer pages may never become writable).
     * The VMA holds a reference to the pages.
     */
    public record Shared(SharedPages pages, long offset, boolean mayWrite, boolean mayExec) {}

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
        ON_DEMAND,
        /**
         * Host pages shared with the kernel and other mappings ({@link Shared}): mapped in the
         * engine at any protection, never copied at fork, charged to their owner, not here.
         */
        SHARED
    }

    /** A VMA of the kinds that map no shared pages. */
    public Vma(long start, long end, int prot, String name, Backing backing, boolean accounted) {
        this(start, end, prot, name, backing, accounted, null);
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
        return new Vma(s, e, prot, name, backing, accounted,
                shared == null ? null : new Shared(shared.pages, shared.offset + (s - start), shared.mayWrite, shared.mayExec));
    }

    /** This VMA's bookkeeping moved to start at {@code newStart} (mremap): same pages, same offset. */
    Vma movedTo(long newStart) {
        return new Vma(newStart, newStart + length(), prot, name, backing, accounted, shared);
    }

    /** This VMA with another protection. */
    Vma withProt(int newProt) {
        return new Vma(start, end, newProt, name, backing, accounted, shared);
    }

    /** Can merge with a neighbour: everything but the bounds is equal. */
    boolean sameKind(Vma o) {
        return prot == o.prot && name.equals(o.name) && backing == o.backing && accounted == o.accounted
                && (shared == null ? o.shared == null
                        : o.shared != null && shared.pages == o.shared.pages && shared.mayWrite == o.shared.mayWrite
                                && shared.mayExec == o.shared.mayExec && shared.offset - start == o.shared.offset - o.start);
    }

    @Override
    public String toString() {
        return String.format("%012x-%012x %s %s", start, end, Prot.toString(prot), name);
    }
}

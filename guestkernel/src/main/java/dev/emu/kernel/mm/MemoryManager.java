package dev.emu.kernel.mm;

import dev.emu.abi.Errno;
import dev.emu.kernel.platform.AddressSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A process's memory map (Linux's mm_struct): the VMAs, the program break and the mmap policy,
 * programmed into the platform's {@link AddressSpace}.
 *
 * <p>Every method takes and returns Linux semantics: page-aligned ranges, -errno on failure.
 * Placement is top-down from {@link #MMAP_BASE}, as Linux does with ASLR off, so addresses are
 * the same on every run.
 */
public final class MemoryManager {
    public static final long PAGE = AddressSpace.PAGE_SIZE;
    /** Top of the mmap area: below the stack and its gap, as Linux's mmap_base with ASLR off. */
    public static final long MMAP_BASE = 0x7ffff7fff000L;
    /** Lowest address mmap hands out (vm.mmap_min_addr). */
    public static final long MMAP_MIN = 0x10000L;
    /** The end of user space on x86_64 with 4-level paging. */
    public static final long TASK_SIZE = 0x7ffffffff000L;
    /** How far brk may grow (RLIMIT_DATA is unlimited on Linux; this keeps a runaway in check). */
    public static final long BRK_LIMIT = 1L << 36;

    private final AddressSpace space;
    private final TreeMap<Long, Vma> vmas = new TreeMap<>();
    private long brkStart;
    private long brk;

    public MemoryManager(AddressSpace space) {
        this.space = space;
    }

    public AddressSpace space() {
        return space;
    }

    /** Records a mapping the loader made directly in the address space. */
    public void registerMapped(long start, long length, int prot, String name) {
        long end = pageUp(start + length);
        start = pageDown(start);
        for (Vma v : overlapping(start, end)) {
            removeRange(v, start, end);
        }
        vmas.put(start, new Vma(start, end, prot, name));
    }

    /** Sets the initial program break (the page-aligned end of the image). */
    public void initBrk(long start) {
        brkStart = pageUp(start);
        brk = brkStart;
    }

    /** brk(2): returns the new break, or the current one when the request cannot be met. */
    public long brk(long requested) {
        if (requested < brkStart || requested > brkStart + BRK_LIMIT) {
            return brk;
        }
        long oldTop = pageUp(brk);
        long newTop = pageUp(requested);
        if (newTop > oldTop) {
            if (!overlapping(oldTop, newTop).isEmpty()) {
                return brk;
            }
            mapNew(oldTop, newTop - oldTop, 3, "[heap]");
        } else if (newTop < oldTop) {
            unmapRange(newTop, oldTop);
        }
        brk = requested;
        return brk;
    }

    /**
     * mmap(2) of anonymous memory.
     *
     * @param hint the requested address (0 for none)
     * @param fixed MAP_FIXED: place exactly at hint, replacing what is there
     * @param noReplace MAP_FIXED_NOREPLACE: place exactly at hint, EEXIST if anything is there
     * @return the address or -errno
     */
    public long mmapAnonymous(long hint, long length, int prot, boolean fixed, boolean noReplace, String name) {
        if (length <= 0 || length > TASK_SIZE) {
            return Errno.ENOMEM.ret();
        }
        long len = pageUp(length);
        if (fixed || noReplace) {
            if ((hint & (PAGE - 1)) != 0) {
                return Errno.EINVAL.ret();
            }
            if (hint < MMAP_MIN || hint + len > TASK_SIZE || hint + len < hint) {
                return Errno.ENOMEM.ret();
            }
            if (!overlapping(hint, hint + len).isEmpty()) {
                if (noReplace) {
                    return Errno.EEXIST.ret();
                }
                unmapRange(hint, hint + len);
            }
            mapNew(hint, len, prot, name);
            return hint;
        }
        long addr = 0;
        if (hint != 0) {
            long h = pageDown(hint);
            if (h >= MMAP_MIN && h + len <= TASK_SIZE && overlapping(h, h + len).isEmpty()) {
                addr = h;
            }
        }
        if (addr == 0) {
            addr = findFreeTopDown(len);
            if (addr < 0) {
                return Errno.ENOMEM.ret();
            }
        }
        mapNew(addr, len, prot, name);
        return addr;
    }

    /** munmap(2). */
    public long munmap(long addr, long length) {
        if ((addr & (PAGE - 1)) != 0 || length <= 0 || addr + length > TASK_SIZE || addr + length < addr) {
            return Errno.EINVAL.ret();
        }
        unmapRange(addr, addr + pageUp(length));
        return 0;
    }

    /** mprotect(2): the whole range must be mapped, else ENOMEM. */
    public long mprotect(long addr, long length, int prot) {
        if ((addr & (PAGE - 1)) != 0 || (prot & ~7) != 0) {
            return Errno.EINVAL.ret();
        }
        long end = addr + pageUp(length);
        if (end < addr) {
            return Errno.ENOMEM.ret();
        }
        if (end == addr) {
            return 0;
        }
        if (!fullyMapped(addr, end)) {
            return Errno.ENOMEM.ret();
        }
        for (Vma v : overlapping(addr, end)) {
            long s = Math.max(v.start(), addr);
            long e = Math.min(v.end(), end);
            removeRange(v, s, e);
            putMerged(new Vma(s, e, prot, v.name()));
        }
        space.protect(addr, end - addr, prot);
        return 0;
    }

    /** mremap(2) for anonymous mappings: shrink in place, grow in place, or move. */
    public long mremap(long oldAddr, long oldSize, long newSize, boolean mayMove, boolean fixed, long newAddr) {
        if ((oldAddr & (PAGE - 1)) != 0 || newSize == 0) {
            return Errno.EINVAL.ret();
        }
        long oldLen = pageUp(oldSize);
        long newLen = pageUp(newSize);
        Vma v = vmaAt(oldAddr);
        if (v == null || oldAddr + oldLen > v.end()) {
            return Errno.EFAULT.ret();
        }
        if (fixed) {
            if (!mayMove || (newAddr & (PAGE - 1)) != 0) {
                return Errno.EINVAL.ret();
            }
            return move(oldAddr, oldLen, newLen, newAddr, v);
        }
        if (newLen <= oldLen) {
            if (newLen < oldLen) {
                unmapRange(oldAddr + newLen, oldAddr + oldLen);
            }
            return oldAddr;
        }
        long tailStart = oldAddr + oldLen;
        long tailEnd = oldAddr + newLen;
        if (tailEnd <= TASK_SIZE && overlapping(tailStart, tailEnd).isEmpty()) {
            mapNew(tailStart, tailEnd - tailStart, v.prot(), v.name());
            return oldAddr;
        }
        if (!mayMove) {
            return Errno.ENOMEM.ret();
        }
        long dest = findFreeTopDown(newLen);
        if (dest < 0) {
            return Errno.ENOMEM.ret();
        }
        return move(oldAddr, oldLen, newLen, dest, v);
    }

    private long move(long oldAddr, long oldLen, long newLen, long dest, Vma v) {
        unmapRange(dest, dest + newLen);
        mapNew(dest, newLen, v.prot() | 1, v.name());
        long copy = Math.min(oldLen, newLen);
        byte[] chunk = new byte[(int) Math.min(copy, 1 << 20)];
        for (long done = 0; done < copy; done += chunk.length) {
            int n = (int) Math.min(chunk.length, copy - done);
            space.read(oldAddr + done, chunk, 0, n);
            space.write(dest + done, chunk, 0, n);
        }
        if ((v.prot() & 1) == 0) {
            space.protect(dest, newLen, v.prot());
            vmas.put(dest, new Vma(dest, dest + newLen, v.prot(), v.name()));
        }
        unmapRange(oldAddr, oldAddr + oldLen);
        return dest;
    }

    /** madvise(MADV_DONTNEED): private anonymous pages read back as zero afterwards. */
    public long dontNeed(long addr, long length) {
        if ((addr & (PAGE - 1)) != 0) {
            return Errno.EINVAL.ret();
        }
        long end = addr + pageUp(length);
        for (Vma v : overlapping(addr, end)) {
            long s = Math.max(v.start(), addr);
            long e = Math.min(v.end(), end);
            space.zero(s, e - s);
        }
        return 0;
    }

    /** The VMA containing {@code addr}, or null. */
    public Vma vmaAt(long addr) {
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        return e != null && addr < e.getValue().end() ? e.getValue() : null;
    }

    public List<Vma> vmas() {
        return List.copyOf(vmas.values());
    }

    /** A copy for fork: same VMAs and break over a forked address space. */
    public MemoryManager fork() {
        MemoryManager copy = new MemoryManager(space.fork());
        copy.vmas.putAll(vmas);
        copy.brkStart = brkStart;
        copy.brk = brk;
        return copy;
    }

    private void mapNew(long addr, long len, int prot, String name) {
        space.map(addr, len, prot);
        putMerged(new Vma(addr, addr + len, prot, name));
    }

    /** Inserts {@code v}, merging it with neighbours of the same protection and name (vma_merge). */
    private void putMerged(Vma v) {
        long start = v.start();
        long end = v.end();
        Map.Entry<Long, Vma> below = vmas.lowerEntry(start);
        if (below != null && below.getValue().end() == start && below.getValue().prot() == v.prot()
                && below.getValue().name().equals(v.name())) {
            start = below.getKey();
            vmas.remove(start);
        }
        Vma above = vmas.get(end);
        if (above != null && above.prot() == v.prot() && above.name().equals(v.name())) {
            end = above.end();
            vmas.remove(above.start());
        }
        vmas.put(start, new Vma(start, end, v.prot(), v.name()));
    }

    private void unmapRange(long start, long end) {
        for (Vma v : overlapping(start, end)) {
            long s = Math.max(v.start(), start);
            long e = Math.min(v.end(), end);
            removeRange(v, s, e);
            space.unmap(s, e - s);
        }
    }

    /** Removes [s, e) from the bookkeeping of {@code v}, keeping the parts outside. */
    private void removeRange(Vma v, long s, long e) {
        vmas.remove(v.start());
        if (v.start() < s) {
            vmas.put(v.start(), new Vma(v.start(), s, v.prot(), v.name()));
        }
        if (e < v.end()) {
            vmas.put(e, new Vma(e, v.end(), v.prot(), v.name()));
        }
    }

    private List<Vma> overlapping(long start, long end) {
        List<Vma> out = new ArrayList<>();
        Map.Entry<Long, Vma> first = vmas.floorEntry(start);
        Long from = first != null && first.getValue().end() > start ? first.getKey() : Long.valueOf(start);
        for (Vma v : vmas.subMap(from, true, end, false).values()) {
            if (v.end() > start && v.start() < end) {
                out.add(v);
            }
        }
        return out;
    }

    private boolean fullyMapped(long start, long end) {
        long at = start;
        for (Vma v : overlapping(start, end)) {
            if (v.start() > at) {
                return false;
            }
            at = v.end();
        }
        return at >= end;
    }

    private long findFreeTopDown(long len) {
        long top = MMAP_BASE;
        for (Vma v : vmas.headMap(MMAP_BASE, false).descendingMap().values()) {
            if (v.end() <= top && top - v.end() >= len) {
                return top - len;
            }
            top = Math.min(top, v.start());
        }
        return top - len >= MMAP_MIN ? top - len : -1;
    }

    static long pageUp(long x) {
        return (x + PAGE - 1) & -PAGE;
    }

    static long pageDown(long x) {
        return x & -PAGE;
    }

    @Override
    public String toString() {
        return "MemoryManager{brk=0x" + Long.toHexString(brk) + ", vmas=" + vmas.size() + "}";
    }
}

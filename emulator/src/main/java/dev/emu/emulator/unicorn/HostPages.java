package dev.emu.emulator.unicorn;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.emu.kernel.platform.HostMemoryException;
import dev.emu.kernel.platform.SharedPages;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@link SharedPages} in host memory from an anonymous mmap(2) of the emu process: the engines
 * map them with uc_mem_map_ptr (no copy), the kernel reads and writes them through a
 * MemorySegment. Untouched pages cost the host nothing (MAP_NORESERVE); munmap at the last release.
 */
final class HostPages extends SharedPages {
    private static final MemorySegment MMAP = libc("mmap");
    private static final MemorySegment MUNMAP = libc("munmap");
    private static final MemorySegment MADVISE = libc("madvise");
    private static final MemorySegment MINCORE = libc("mincore");
    private static final long MADV_DONTNEED = 4;
    private static final long PROT_READ_WRITE = 3;
    private static final long MAP_PRIVATE_ANONYMOUS_NORESERVE = 0x02 | 0x20 | 0x4000;

    private final long address;
    private MemorySegment memory;

    private static MemorySegment libc(String name) {
        return Linker.nativeLinker().defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no " + name));
    }

    HostPages(long length) {
        super(length);
        long at = mmapAnonymous(length, "shared pages");
        this.address = at;
        // SAFETY: [at, at + length) is this mapping, unmapped only by free(), after which
        // `memory` is no longer reachable (null) and accessors fail.
        this.memory = MemorySegment.ofAddress(at).reinterpret(length);
    }

    /**
     * A private anonymous MAP_NORESERVE mapping of {@code length} bytes of the emu process:
     * untouched pages cost the host nothing. HostMemoryException when the host refuses.
     */
    static long mmapAnonymous(long length, String what) {
        // SAFETY: mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE,
        // -1, 0) takes six integer-class arguments (Unicorn.call's shape) and calls no Java.
        long at = Unicorn.call(MMAP, 0, length, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS_NORESERVE, -1, 0);
        if (at == -1 || at == 0) {
            throw new HostMemoryException("mmap of " + length + " bytes of " + what + " failed");
        }
        return at;
    }

    private static final MemorySegment PRCTL = libc("prctl");
    private static final long PR_SET_THP_DISABLE = 41;

    /**
     * prctl(PR_SET_THP_DISABLE) for the emu process: Unicorn madvises each engine's translation
     * buffer MADV_HUGEPAGE, so the first translated block of every process cost a 2 MiB huge page
     * (measured: 101 idle processes, 206 MB of AnonHugePages, ~2 MiB of each process's ~3 MiB).
     * Without it an idle process costs the host ~1 MiB. Best effort: a refusal changes nothing.
     */
    static void disableHugePages() {
        Unicorn.call(PRCTL, PR_SET_THP_DISABLE, 1, 0, 0);
    }

    /** munmap of a range {@link #mmapAnonymous} returned. */
    static void munmap(long address, long length) {
        Unicorn.call(MUNMAP, address, length);
    }

    /**
     * MADV_DONTNEED of whole pages of a private anonymous mapping: they read back as zero and
     * the host frees them. False if the host refused (the caller zeroes them instead).
     */
    static boolean dontNeed(long address, long length) {
        return (int) Unicorn.call(MADVISE, address, length, MADV_DONTNEED) == 0;
    }

    private static final long MADV_POPULATE_WRITE = 23;

    /**
     * MADV_POPULATE_WRITE (Linux 5.14): backs whole pages of a private anonymous mapping in one
     * call, instead of one page fault each at the first write (a fork's copy of 256 MiB spent
     * more time in page faults than in the copy). False if the host refused; the caller then
     * just writes (and faults).
     */
    static boolean populate(long address, long length) {
        return (int) Unicorn.call(MADVISE, address, length, MADV_POPULATE_WRITE) == 0;
    }

    /**
     * mincore(2) into {@code vec} (one byte per page, bit 0 = resident): which pages of
     * [address, address + length) the host backs. False if the host refused.
     */
    static boolean mincore(long address, long length, MemorySegment vec) {
        return (int) Unicorn.call(MINCORE, address, length, vec.address()) == 0;
    }

    /** The host address of byte {@code offset} (for uc_mem_map_ptr). */
    long hostAddress(long offset) {
        if (memory == null) {
            throw new IllegalStateException("shared pages already freed");
        }
        return address + offset;
    }

    @Override
    protected void free() {
        memory = null;
        munmap(address, length());
    }

    private MemorySegment memory() {
        if (memory == null) {
            throw new IllegalStateException("shared pages already freed");
        }
        return memory;
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int count) {
        MemorySegment.copy(memory(), java.lang.foreign.ValueLayout.JAVA_BYTE, offset, dst, dstOffset, count);
    }

    @Override
    public void write(long offset, byte[] src, int srcOffset, int count) {
        MemorySegment.copy(src, srcOffset, memory(), java.lang.foreign.ValueLayout.JAVA_BYTE, offset, count);
    }

    @Override
    public void zero(long offset, long count) {
        memory().asSlice(offset, count).fill((byte) 0);
    }

    /** Zeroes the edges and MADV_DONTNEEDs the whole pages: private anonymous memory reads back as zero. */
    @Override
    public void discard(long offset, long count) {
        long lo = (offset + 4095) & -4096L;
        long hi = (offset + count) & -4096L;
        if (hi <= lo) {
            zero(offset, count);
            return;
        }
        zero(offset, lo - offset);
        zero(hi, offset + count - hi);
        // SAFETY: [address + lo, address + hi) lies inside this live mapping (memory() checked it is not freed).
        memory();
        if (!dontNeed(address + lo, hi - lo)) {
            zero(lo, hi - lo); // cannot happen for a private anonymous mapping; zero it anyway
        }
    }

    @Override
    public long getLong(long offset) {
        long v = memory().get(JAVA_LONG_UNALIGNED, offset);
        VarHandle.acquireFence();
        return v;
    }

    @Override
    public void putLong(long offset, long value) {
        VarHandle.releaseFence();
        memory().set(JAVA_LONG_UNALIGNED, offset, value);
    }

    @Override
    public int getInt(long offset) {
        int v = memory().get(JAVA_INT_UNALIGNED, offset);
        VarHandle.acquireFence();
        return v;
    }

    @Override
    public void putInt(long offset, int value) {
        VarHandle.releaseFence();
        memory().set(JAVA_INT_UNALIGNED, offset, value);
    }

    @Override
    public ByteBuffer buffer() {
        return memory().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
}

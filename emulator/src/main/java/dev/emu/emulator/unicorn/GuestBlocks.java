package dev.emu.emulator.unicorn;

import dev.emu.kernel.platform.HostMemoryException;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

/**
 * The private memory of one engine in the fast memory configuration: large blocks of host
 * memory (anonymous MAP_NORESERVE mmaps of the emu process: untouched pages cost nothing) mapped
 * into the engine once with uc_mem_map_ptr at their guest address, readable, writable and
 * executable. Which pages of a block the guest may use, and how, is the {@link RegionTable}'s
 * business, enforced by the TLB-fill hook: a guest mmap, munmap or mprotect is a table edit and a
 * TLB flush, never a uc_mem_map or uc_mem_unmap, whose cost grows with the number of regions
 * Unicorn holds (QEMU rebuilds its flat view of all of them on every change), which made
 * creating N threads, each with its own stack mapping, cost O(N^2).
 *
 * <p>A block covers whole {@link #CHUNK}-aligned chunks (1 GiB of guest addresses); a mapping
 * that needs several missing chunks in a row gets one block for all of them. Blocks stay until
 * the engine closes; what the guest unmaps is given back to the host at once ({@link #discard}).
 * Invariant: a byte of a block that no private table entry covers is zero, so a new mapping
 * needs no clearing.
 */
final class GuestBlocks {
    static final long CHUNK = 1L << 30;
    private static final int RWX = 7;

    /** [begin, end) of guest addresses backed by host memory from {@code host}. */
    private record Block(long begin, long end, long host) { }

    private final MemorySegment uc;
    private final TreeMap<Long, Block> blocks = new TreeMap<>();

    GuestBlocks(MemorySegment uc) {
        this.uc = uc;
    }

    /** Makes sure blocks back [begin, end); HostMemoryException when the host refuses. */
    void ensure(long begin, long end) {
        long at = begin & -CHUNK;
        long stop = (end + CHUNK - 1) & -CHUNK;
        while (at < stop) {
            Block b = blockAt(at);
            if (b != null) {
                at = b.end();
                continue;
            }
            Map.Entry<Long, Block> next = blocks.higherEntry(at);
            long runEnd = next == null ? stop : Math.min(stop, next.getKey());
            long host = HostPages.mmapAnonymous(runEnd - at, "guest memory");
            try {
                Unicorn.memMapPtr(uc, at, runEnd - at, RWX, host);
            } catch (UnicornException e) {
                HostPages.munmap(host, runEnd - at);
                if (e.code() == Unicorn.UC_ERR_NOMEM) {
                    throw new HostMemoryException(e.getMessage());
                }
                throw e;
            }
            blocks.put(at, new Block(at, runEnd, host));
            at = runEnd;
        }
    }

    private Block blockAt(long address) {
        Map.Entry<Long, Block> e = blocks.floorEntry(address);
        return e != null && address < e.getValue().end() ? e.getValue() : null;
    }

    /**
     * The host memory behind [address, address + length), which one block holds (true of every
     * private table entry's pieces up to a chunk boundary; callers split at {@link #pieceEnd}).
     */
    MemorySegment host(long address, long length) {
        Block b = blockAt(address);
        if (b == null || address + length > b.end()) {
            throw new IllegalStateException("no block holds 0x" + Long.toHexString(address) + "+" + length);
        }
        // SAFETY: [b.host, b.host + b.end - b.begin) is this block's live mmap, unmapped only by
        // close(), after the engine and every caller are done with it.
        return MemorySegment.ofAddress(b.host() + (address - b.begin())).reinterpret(length);
    }

    /** The end of the block holding {@code address} (a private range may span blocks). */
    long pieceEnd(long address) {
        Block b = blockAt(address);
        return b == null ? address : b.end();
    }

    /**
     * Gives the whole pages of [begin, end) back to the host (MADV_DONTNEED: they read as zero
     * afterwards); the caller zeroes partial pages. False if the host refused.
     */
    boolean discard(long begin, long end) {
        boolean ok = true;
        for (long at = begin; at < end; ) {
            Block b = blockAt(at);
            if (b == null) {
                at = nextBlockStart(at, end);
                continue;
            }
            long hi = Math.min(end, b.end());
            ok &= HostPages.dontNeed(b.host() + (at - b.begin()), hi - at);
            at = hi;
        }
        return ok;
    }

    private long nextBlockStart(long at, long end) {
        Map.Entry<Long, Block> next = blocks.higherEntry(at);
        return next == null ? end : Math.min(end, next.getKey());
    }

    /** Bytes of guest address space the blocks cover (host address space reserved, not memory). */
    long reserved() {
        long n = 0;
        for (Block b : blocks.values()) {
            n += b.end() - b.begin();
        }
        return n;
    }

    /** Returns the host memory; only after uc_close. */
    void close() {
        for (Block b : blocks.values()) {
            HostPages.munmap(b.host(), b.end() - b.begin());
        }
        blocks.clear();
    }
}

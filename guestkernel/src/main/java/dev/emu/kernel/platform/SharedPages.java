package dev.emu.kernel.platform;

import java.nio.ByteBuffer;

/**
 * Host-owned, page-aligned memory that guest address spaces map ({@link AddressSpace#mapShared})
 * and the kernel reads and writes directly: every mapping and the kernel see the same bytes at
 * once (Linux's shared pages: a shmem/tmpfs page, a BPF map's vmalloc area, a perf ring).
 *
 * <p>Made by {@link Platform#newSharedPages}; zero-filled; its length is a multiple of
 * {@link AddressSpace#PAGE_SIZE}. <b>Ownership</b>: reference-counted. The creator holds the
 * first reference; every holder that keeps the pages calls {@link #retain} and, when done,
 * {@link #release}: the kernel object that exposes them (a BPF map, a memfd), each address-space
 * mapping (the platform retains per mapped range, also across fork) and each VMA. The last
 * release frees the host memory and runs the {@link #whenFreed} actions (the owner's uncharge).
 *
 * <p>Offsets are bytes from the start; an access outside [0, length) throws
 * IndexOutOfBoundsException (a kernel bug, never a guest's doing). Not thread-safe: the
 * emulation thread only.
 */
public abstract class SharedPages {
    private final long length;
    private int references = 1;
    /** Mappings that may write (VM_MAYWRITE VMAs of any process): bpf_map_write_active. */
    private int writableMappings;
    private Runnable whenFreed;

    protected SharedPages(long length) {
        if (length <= 0 || (length & (AddressSpace.PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("shared pages need a positive multiple of 4096 bytes, not " + length);
        }
        this.length = length;
    }

    /** Bytes, a multiple of the page size. */
    public final long length() {
        return length;
    }

    /** Adds a reference; returns this. */
    public final SharedPages retain() {
        if (references <= 0) {
            throw new IllegalStateException("retain of freed shared pages");
        }
        references++;
        return this;
    }

    /** Drops a reference; the last one frees the host memory. */
    public final void release() {
        if (references <= 0) {
            throw new IllegalStateException("release of freed shared pages");
        }
        if (--references == 0) {
            free();
            Runnable r = whenFreed;
            whenFreed = null;
            if (r != null) {
                r.run();
            }
        }
    }

    /** References held now (0 once freed). */
    public final int references() {
        return references;
    }

    /** Runs {@code action} when the last reference goes (e.g. returning a memory charge). */
    public final void whenFreed(Runnable action) {
        Runnable before = whenFreed;
        whenFreed = before == null ? action : () -> {
            before.run();
            action.run();
        };
    }

    /** Mappings of these pages that may become or are writable (Linux's VM_MAYWRITE VMAs). */
    public final int writableMappings() {
        return writableMappings;
    }

    /** The memory manager counts a VMA that may write (mapped, forked, split) ... */
    public final void addWritableMapping() {
        writableMappings++;
    }

    /** ... and uncounts it when it goes (unmapped, exit, exec). */
    public final void removeWritableMapping() {
        writableMappings--;
    }

    /** The host memory goes; called once, by the last {@link #release}. */
    protected abstract void free();

    public abstract void read(long offset, byte[] dst, int dstOffset, int count);

    public abstract void write(long offset, byte[] src, int srcOffset, int count);

    /** Zeroes [offset, offset + count). */
    public abstract void zero(long offset, long count);

    /** Little-endian 8-byte load (a ringbuf position); acquire ordering against the guest. */
    public abstract long getLong(long offset);

    /** Little-endian 8-byte store; release ordering against the guest. */
    public abstract void putLong(long offset, long value);

    public abstract int getInt(long offset);

    public abstract void putInt(long offset, int value);

    /**
     * A little-endian ByteBuffer over all of the pages (position 0, limit = length), for code that
     * works on buffers (bpf-vm's ringbuf); only when length fits an int.
     */
    public abstract ByteBuffer buffer();

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + (length >> 10) + " KiB, refs=" + references + "]";
    }
}

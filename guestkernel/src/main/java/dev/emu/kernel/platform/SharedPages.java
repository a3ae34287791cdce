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
    private long writableMappingsEnded;
    private Runnable whenFreed;
    /** Bytes from the start that exist (a tmpfs file's size, page-aligned); the rest is past the end. */
    private long validLength;
    private final java.util.List<ValidLengthListener> listeners = new java.util.ArrayList<>();

    /** Told when {@link #validLength} changes: mappings map or unmap the pages that came or went. */
    public interface ValidLengthListener {
        void validLengthChanged(SharedPages pages, long oldValid, long newValid);
    }

    protected SharedPages(long length) {
        if (length <= 0 || (length & (AddressSpace.PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("shared pages need a positive multiple of 4096 bytes, not " + length);
        }
        this.length = length;
        this.validLength = length;
    }

    /**
     * Bytes from the start that exist, page-aligned: all of them unless the owner says less (a
     * tmpfs file's size). A mapping maps only these; an access past them is SIGBUS, as an access
     * past the end of a mapped file is on Linux.
     */
    public final long validLength() {
        return validLength;
    }

    /** Sets {@link #validLength} (page-aligned, at most the length) and tells the listeners. */
    public final void setValidLength(long valid) {
        if (valid < 0 || valid > length || (valid & (AddressSpace.PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("bad valid length " + valid + " of " + this);
        }
        long old = validLength;
        validLength = valid;
        if (old != valid) {
            for (ValidLengthListener l : java.util.List.copyOf(listeners)) {
                l.validLengthChanged(this, old, valid);
            }
        }
    }

    public final void addListener(ValidLengthListener l) {
        listeners.add(l);
    }

    public final void removeListener(ValidLengthListener l) {
        listeners.remove(l);
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
        writableMappingsEnded++;
    }

    /**
     * How many writable mappings have gone so far: with {@link #writableMappings} it tells
     * whether user space may have written since an earlier look (a mapping may have come,
     * been written and gone in between).
     */
    public final long writableMappingsEnded() {
        return writableMappingsEnded;
    }

    /** The host memory goes; called once, by the last {@link #release}. */
    protected abstract void free();

    public abstract void read(long offset, byte[] dst, int dstOffset, int count);

    public abstract void write(long offset, byte[] src, int srcOffset, int count);

    /** Zeroes [offset, offset + count). */
    public abstract void zero(long offset, long count);

    /**
     * Zeroes [offset, offset + count) and lets the host reclaim the whole pages in it (a
     * truncated tmpfs file: its pages read as zero afterwards and cost nothing).
     */
    public abstract void discard(long offset, long count);

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

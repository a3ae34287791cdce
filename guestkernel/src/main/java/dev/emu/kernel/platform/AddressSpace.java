package dev.emu.kernel.platform;

/**
 * The memory of one guest process: page mappings with protections, and the bytes in them.
 *
 * <p>This is the MMU the kernel programs; which ranges are mapped (VMAs, brk, mmap policy) is
 * the kernel's memory manager's decision. All addresses and lengths passed to
 * {@link #map}/{@link #unmap}/{@link #protect} are page-aligned (4096). Kernel accesses
 * ({@link #read}, {@link #write}) ignore page protections as Linux's copy_to_user ignores nothing
 * but presence: they fail only on unmapped bytes (or PROT_NONE pages).
 */
public interface AddressSpace extends AutoCloseable {

    int PAGE_SIZE = 4096;

    /**
     * Maps zero-filled pages. The range must not overlap an existing mapping.
     *
     * @throws HostMemoryException if the host cannot back the range
     */
    void map(long address, long length, int prot);

    /**
     * Maps [address, address + length) onto bytes [pageOffset, pageOffset + length) of
     * {@code pages}: guest accesses, kernel {@link #read}/{@link #write} and
     * {@link SharedPages}' own accessors see the same bytes. The range must not overlap an existing
     * mapping; the same pages may be mapped any number of times, also at adjacent ranges (a
     * ringbuf's data area twice). The address space retains the pages for as long as any part of
     * the range stays mapped. {@link #unmap} and {@link #protect} work on it as on other mappings
     * (also partially), {@link #fork} maps the same pages in the child (shared, not copied), and
     * {@link #close} releases them.
     *
     * @throws HostMemoryException if the host cannot map the range
     */
    void mapShared(long address, SharedPages pages, long pageOffset, long length, int prot);

    /**
     * Installs the kernel's demand-paging handler: a guest access or a kernel {@link #read}/
     * {@link #write} that reaches an unmapped address asks it to map the page, then retries.
     */
    default void setPageFaultHandler(PageFaultHandler handler) {}

    /** Unmaps pages; unmapped holes inside the range are ignored. */
    void unmap(long address, long length);

    /** Changes the protection of mapped pages. */
    void protect(long address, long length, int prot);

    /** Copies guest memory into {@code dst}. @throws BadAddressException on an unmapped byte */
    void read(long address, byte[] dst, int offset, int length);

    /** Copies {@code src} into guest memory. @throws BadAddressException on an unmapped byte */
    void write(long address, byte[] src, int offset, int length);

    default byte[] read(long address, int length) {
        byte[] b = new byte[length];
        read(address, b, 0, length);
        return b;
    }

    default void write(long address, byte[] src) {
        write(address, src, 0, src.length);
    }

    long readLong(long address);

    int readInt(long address);

    void writeLong(long address, long value);

    void writeInt(long address, int value);

    /** Fills guest memory with zero bytes. */
    void zero(long address, long length);

    /**
     * A copy of this address space (every mapping and its contents), for fork().
     *
     * @throws HostMemoryException if the host cannot back the copy
     */
    AddressSpace fork();

    /** A new thread state in this address space with all registers zero. */
    Cpu newCpu();

    /** Releases host resources. */
    @Override
    void close();
}

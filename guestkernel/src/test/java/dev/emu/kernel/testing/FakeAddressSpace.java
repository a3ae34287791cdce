package dev.emu.kernel.testing;

import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.platform.SharedPages;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory {@link AddressSpace} for kernel unit tests: a sorted map of 4 KiB pages, each
 * with its protection and (allocated on first write) its bytes.
 *
 * <p>Follows the interface contract strictly, so tests catch kernel bugs: map/unmap/protect
 * require page alignment, map refuses overlaps, protect refuses unmapped pages, and kernel
 * accesses fail with {@link BadAddressException} on unmapped or PROT_NONE pages. {@link #fork()}
 * is a deep copy except for {@link #mapShared} pages, which the child shares; {@link #newCpu()}
 * is unsupported.
 */
public class FakeAddressSpace implements AddressSpace {
    private static final long PAGE = PAGE_SIZE;

    private static final class Page {
        int prot;
        byte[] data; // null until first written: reads as zeroes
        /** Non-null for a page of mapShared: its bytes are these pages' at sharedOffset. */
        SharedPages shared;
        long sharedOffset;

        Page(int prot) {
            this.prot = prot;
        }

        Page copy() {
            Page p = new Page(prot);
            p.data = data == null ? null : data.clone();
            p.shared = shared;
            p.sharedOffset = sharedOffset;
            if (shared != null) {
                shared.retain(); // fork maps the same pages
            }
            return p;
        }

        void drop() {
            if (shared != null) {
                shared.release();
                shared = null;
            }
        }
    }

    private final TreeMap<Long, Page> pages = new TreeMap<>();
    private boolean closed;
    private dev.emu.kernel.platform.PageFaultHandler pageFaults;

    @Override
    public void setPageFaultHandler(dev.emu.kernel.platform.PageFaultHandler handler) {
        this.pageFaults = handler;
    }

    @Override
    public void map(long address, long length, int prot) {
        checkRange(address, length);
        for (long a = address; a != address + length; a += PAGE) {
            if (pages.containsKey(a)) {
                throw new IllegalStateException("map 0x" + Long.toHexString(address) + "+0x"
                        + Long.toHexString(length) + " overlaps the page at 0x"
                        + Long.toHexString(a));
            }
        }
        for (long a = address; a != address + length; a += PAGE) {
            pages.put(a, new Page(prot));
        }
    }

    /** {@inheritDoc} Each fake page holds one reference to {@code pages}. */
    @Override
    public void mapShared(long address, SharedPages shared, long pageOffset, long length, int prot) {
        checkRange(address, length);
        checkRange(pageOffset, length);
        if (pageOffset + length > shared.length()) {
            throw new IllegalArgumentException("shared range past the pages' end");
        }
        map(address, length, prot);
        for (long a = address; a != address + length; a += PAGE) {
            Page p = pages.get(a);
            p.shared = shared.retain();
            p.sharedOffset = pageOffset + (a - address);
        }
    }

    @Override
    public void unmap(long address, long length) {
        checkRange(address, length);
        Map<Long, Page> gone = pages.subMap(address, address + length);
        gone.values().forEach(Page::drop);
        gone.clear();
    }

    @Override
    public void protect(long address, long length, int prot) {
        checkRange(address, length);
        for (long a = address; a != address + length; a += PAGE) {
            if (!pages.containsKey(a)) {
                throw new IllegalStateException("protect of unmapped page 0x" + Long.toHexString(a));
            }
        }
        for (Page p : pages.subMap(address, address + length).values()) {
            p.prot = prot;
        }
    }

    @Override
    public void read(long address, byte[] dst, int offset, int length) {
        checkOpen();
        checkAccess(address, length);
        int done = 0;
        while (done < length) {
            long a = address + done;
            int in = (int) (a & (PAGE - 1));
            int n = Math.min(length - done, PAGE_SIZE - in);
            Page p = pages.get(a - in);
            if (p.shared != null) {
                p.shared.read(p.sharedOffset + in, dst, offset + done, n);
            } else if (p.data == null) {
                java.util.Arrays.fill(dst, offset + done, offset + done + n, (byte) 0);
            } else {
                System.arraycopy(p.data, in, dst, offset + done, n);
            }
            done += n;
        }
    }

    @Override
    public void write(long address, byte[] src, int offset, int length) {
        checkOpen();
        checkAccess(address, length);
        int done = 0;
        while (done < length) {
            long a = address + done;
            int in = (int) (a & (PAGE - 1));
            int n = Math.min(length - done, PAGE_SIZE - in);
            Page p = pages.get(a - in);
            if (p.shared != null) {
                p.shared.write(p.sharedOffset + in, src, offset + done, n);
                done += n;
                continue;
            }
            if (p.data == null) {
                p.data = new byte[PAGE_SIZE];
            }
            System.arraycopy(src, offset + done, p.data, in, n);
            done += n;
        }
    }

    @Override
    public long readLong(long address) {
        byte[] b = read(address, 8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    @Override
    public int readInt(long address) {
        byte[] b = read(address, 4);
        int v = 0;
        for (int i = 3; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    @Override
    public void writeLong(long address, long value) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        write(address, b);
    }

    @Override
    public void writeInt(long address, int value) {
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        write(address, b);
    }

    @Override
    public void zero(long address, long length) {
        checkOpen();
        checkAccess(address, length);
        long done = 0;
        while (done < length) {
            long a = address + done;
            int in = (int) (a & (PAGE - 1));
            int n = (int) Math.min(length - done, PAGE_SIZE - in);
            Page p = pages.get(a - in);
            if (p.shared != null) {
                p.shared.zero(p.sharedOffset + in, n);
            } else if (p.data != null) {
                java.util.Arrays.fill(p.data, in, in + n, (byte) 0);
            }
            done += n;
        }
    }

    @Override
    public FakeAddressSpace fork() {
        checkOpen();
        FakeAddressSpace child = new FakeAddressSpace();
        for (Map.Entry<Long, Page> e : pages.entrySet()) {
            child.pages.put(e.getKey(), e.getValue().copy());
        }
        return child;
    }

    @Override
    public Cpu newCpu() {
        throw new UnsupportedOperationException("FakeAddressSpace has no CPU");
    }

    @Override
    public void close() {
        closed = true;
        pages.values().forEach(Page::drop);
        pages.clear();
    }

    // Test helpers.

    /** Whether the page containing {@code address} is mapped. */
    public boolean isMapped(long address) {
        return pages.containsKey(address & -PAGE);
    }

    /** The protection of the page containing {@code address}; -1 if unmapped. */
    public int protAt(long address) {
        Page p = pages.get(address & -PAGE);
        return p == null ? -1 : p.prot;
    }

    /** Number of mapped pages. */
    public int mappedPageCount() {
        return pages.size();
    }

    /** Reads a NUL-terminated string (UTF-8). */
    public String readCString(long address) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long a = address; ; a++) {
            byte b = read(a, 1)[0];
            if (b == 0) {
                return out.toString(StandardCharsets.UTF_8);
            }
            out.write(b);
        }
    }

    /** The mappings as "start-end rwx" lines, merged where adjacent with equal protection. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        long start = -1;
        long next = -1;
        int prot = -1;
        for (Map.Entry<Long, Page> e : pages.entrySet()) {
            if (e.getKey() != next || e.getValue().prot != prot) {
                if (start != -1) {
                    sb.append(line(start, next, prot));
                }
                start = e.getKey();
                prot = e.getValue().prot;
            }
            next = e.getKey() + PAGE;
        }
        if (start != -1) {
            sb.append(line(start, next, prot));
        }
        return sb.toString();
    }

    private static String line(long start, long end, int prot) {
        return String.format("%x-%x %s%n", start, end, Prot.toString(prot));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("address space is closed");
        }
    }

    private static void checkRange(long address, long length) {
        if ((address & (PAGE - 1)) != 0 || (length & (PAGE - 1)) != 0 || length < 0) {
            throw new IllegalArgumentException("unaligned range 0x" + Long.toHexString(address)
                    + "+0x" + Long.toHexString(length));
        }
    }

    private void checkAccess(long address, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        if (length == 0) {
            return;
        }
        long first = address & -PAGE;
        long last = (address + length - 1) & -PAGE;
        for (long a = first; ; a += PAGE) {
            Page p = pages.get(a);
            if (p == null && pageFaults != null && pageFaults.populate(Math.max(a, address))) {
                p = pages.get(a); // demand paging mapped it, as the Unicorn platform retries
            }
            if (p == null || p.prot == Prot.NONE) {
                throw new BadAddressException(Math.max(a, address));
            }
            if (a == last) {
                break;
            }
        }
    }
}

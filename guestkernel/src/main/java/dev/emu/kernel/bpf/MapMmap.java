package dev.emu.kernel.bpf;

import dev.emu.abi.Errno;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.bpf.map.ArrayMap;
import dev.emu.bpf.map.RingBuf;
import dev.emu.kernel.fs.MappableFile;
import dev.emu.kernel.mm.MemoryManager;
import dev.emu.kernel.mm.SharedMemory;
import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.platform.SharedPages;
import dev.emu.kernel.task.Task;

/**
 * mmap(2) of a map fd (kernel/bpf/syscall.c bpf_map_mmap, arraymap.c array_map_mmap, ringbuf.c
 * ringbuf_map_mmap_kern): user space and BPF programs share the map's bytes.
 *
 * <ul>
 *   <li>A BPF_F_MMAPABLE array maps its values from offset 0, element i at
 *       i * round_up(value_size, 8): what libbpf's skeleton maps over .bss/.data/.rodata.</li>
 *   <li>A ringbuf maps Linux's layout: offset 0 the consumer page (the only writable page),
 *       4096 the producer page, 8192 the data area, then the data area again, so a record that
 *       wraps reads contiguously (libbpf ringbuf.c maps [0, 4096) read-write and
 *       [4096, 8192 + 2 * size) read-only).</li>
 * </ul>
 * The pages are made at the first mmap and charged to the guest's memory; they live as long as
 * the map or a mapping of it.
 */
final class MapMmap {
    private MapMmap() {}

    static final String NAME = "anon_inode:bpf-map";
    private static final long PAGE = MemoryManager.PAGE;

    /**
     * bpf_map_mmap after do_mmap's generic checks: {@code openFlags} are the fd's BPF_F_RDONLY /
     * BPF_F_WRONLY (its f_mode).
     */
    static long mmap(Task t, MapObject m, int openFlags, long addr, long length, int prot, int flags, long offset) {
        boolean write = (prot & Prot.WRITE) != 0;
        boolean shared = (flags & 3) != MappableFile.MAP_PRIVATE;
        if ((openFlags & BpfFlags.BPF_F_WRONLY) != 0 || shared && write && (openFlags & BpfFlags.BPF_F_RDONLY) != 0) {
            return Errno.EACCES.ret(); // do_mmap: FMODE_READ always, FMODE_WRITE for a writable shared mapping
        }
        boolean array = m.map() instanceof ArrayMap;
        boolean ring = m.map() instanceof RingBuf;
        if (!array && !ring) {
            return Errno.ENOTSUPP.ret(); // no map_mmap in the map's ops
        }
        if (!shared) {
            return Errno.EINVAL.ret();
        }
        if (write) {
            if (m.frozen()) {
                return Errno.EPERM.ret();
            }
            if ((m.map().flags() & BpfFlags.BPF_F_RDONLY_PROG) != 0) {
                return Errno.EACCES.ret();
            }
        }
        long len = MemoryManager.pageUp(length);
        boolean fixed = (flags & MappableFile.MAP_FIXED) != 0;
        boolean noReplace = (flags & MappableFile.MAP_FIXED_NOREPLACE) != 0;
        MemoryManager mm = t.process().mm();
        if (array) {
            ArrayMap a = (ArrayMap) m.map();
            if ((a.flags() & BpfFlags.BPF_F_MMAPABLE) == 0) {
                return Errno.EINVAL.ret();
            }
            long data = MemoryManager.pageUp(a.maxEntries() * MapObject.elemSize(a.valueSize()));
            if (Long.compareUnsigned(offset, data) > 0 || Long.compareUnsigned(len, data - offset) > 0) {
                return Errno.EINVAL.ret();
            }
            SharedPages pages = pagesOf(t, m, data);
            if (pages == null) {
                return Errno.ENOMEM.ret();
            }
            return mm.mmapShared(addr, len, prot, fixed, noReplace, pages, offset, write, false, NAME);
        }
        RingBuf rb = (RingBuf) m.map();
        if (write && (offset != 0 || len != PAGE)) {
            return Errno.EPERM.ret(); // writable: the consumer page only
        }
        long wrap = rb.sharedLength(); // where the second view of the data area starts
        long total = wrap + rb.size();
        if (Long.compareUnsigned(offset, total) > 0 || Long.compareUnsigned(len, total - offset) > 0) {
            return Errno.EINVAL.ret(); // remap_vmalloc_range's size and offset checks
        }
        SharedPages pages = pagesOf(t, m, rb.sharedLength());
        if (pages == null) {
            return Errno.ENOMEM.ret();
        }
        if (offset + len <= wrap || offset >= wrap) {
            long from = offset >= wrap ? offset - rb.size() : offset;
            return mm.mmapShared(addr, len, prot, fixed, noReplace, pages, from, write, false, NAME);
        }
        // Both views: reserve the whole range, then map each view over its part.
        long at = mm.mmapAnonymous(addr, len, Prot.NONE, fixed, noReplace, NAME);
        if (at < 0) {
            return at;
        }
        long first = wrap - offset;
        long r1 = mm.mmapShared(at, first, prot, true, false, pages, offset, write, false, NAME);
        long r2 = r1 < 0 ? r1 : mm.mmapShared(at + first, len - first, prot, true, false, pages,
                RingBuf.DATA_OFFSET, write, false, NAME);
        if (r2 < 0) {
            mm.munmap(at, len);
            return r2;
        }
        return at;
    }

    /** The map's pages, made (and filled from the map) at its first mmap; null for ENOMEM. */
    private static SharedPages pagesOf(Task t, MapObject m, long length) {
        if (m.pages() != null) {
            return m.pages();
        }
        SharedPages pages = SharedMemory.allocate(t.kernel().platform(), t.kernel().memory(), length);
        if (pages == null) {
            return null;
        }
        m.setPages(pages);
        if (m.map() instanceof RingBuf rb) {
            rb.attachShared(pages.buffer());
        } else {
            m.pushToMappings();
        }
        return pages;
    }
}

package dev.emu.kernel.vfs.tmpfs;

import dev.emu.abi.Errno;
import dev.emu.kernel.platform.Platform;
import dev.emu.kernel.platform.SharedPages;
import dev.emu.kernel.vfs.Result;
import java.util.Map;
import java.util.TreeMap;

/**
 * The contents of a tmpfs regular file: sparse 4 KiB pages, so a file truncated to a large size
 * costs nothing until written (holes read as zeros, as shmem's do).
 *
 * <p>The first MAP_SHARED mapping moves the bytes into {@link SharedPages} as large as the
 * filesystem ({@link #mapShared}): from then on read(2), write(2), truncation and every shared
 * mapping in any process use the same bytes, as shmem's page cache is shared (the host memory is
 * reserved, not committed: untouched pages cost nothing). {@link #pages} then only records which
 * pages are charged (values null). Data stays within the first {@code capacity} bytes: a write
 * beyond them is ENOSPC.
 */
final class TmpfsData {
    static final int PAGE = 4096;
    /** MAX_LFS_FILESIZE on 64-bit. */
    static final long MAX_SIZE = Long.MAX_VALUE;

    private final TmpfsFilesystem fs;
    private final TreeMap<Long, byte[]> pages = new TreeMap<>();
    private long size;
    /** The bytes once the file was mapped shared; null before. */
    private SharedPages shm;

    TmpfsData(TmpfsFilesystem fs) {
        this.fs = fs;
    }

    long size() {
        return size;
    }

    long pageCount() {
        return pages.size();
    }

    long read(byte[] dst, int off, int len, long pos) {
        if (pos < 0) {
            return Errno.EINVAL.ret();
        }
        if (pos >= size) {
            return 0;
        }
        int n = (int) Math.min(len, size - pos);
        if (shm != null) {
            shm.read(pos, dst, off, n); // pos < size <= capacity (writes past it fail)
            return n;
        }
        for (int done = 0; done < n; ) {
            long at = pos + done;
            int inPage = (int) (at % PAGE);
            int chunk = Math.min(n - done, PAGE - inPage);
            byte[] page = pages.get(at / PAGE);
            if (page == null) {
                java.util.Arrays.fill(dst, off + done, off + done + chunk, (byte) 0);
            } else {
                System.arraycopy(page, inPage, dst, off + done, chunk);
            }
            done += chunk;
        }
        return n;
    }

    long write(byte[] src, int off, int len, long pos) {
        if (pos < 0) {
            return Errno.EINVAL.ret();
        }
        if (len == 0) {
            return 0;
        }
        if (pos + len < 0) {
            return Errno.EFBIG.ret();
        }
        if (shm != null && pos + len > shm.length()) {
            return Errno.ENOSPC.ret(); // beyond the shared pages (the filesystem's size)
        }
        long newPages = 0;
        for (long p = pos / PAGE; p <= (pos + len - 1) / PAGE; p++) {
            if (!pages.containsKey(p)) {
                newPages++;
            }
        }
        long reserved = fs.reserve(newPages);
        if (reserved < 0) {
            return reserved;
        }
        if (shm != null) {
            for (long p = pos / PAGE; p <= (pos + len - 1) / PAGE; p++) {
                pages.putIfAbsent(p, null);
            }
            shm.write(pos, src, off, len);
            size = Math.max(size, pos + len);
            updateValidLength();
            return len;
        }
        for (int done = 0; done < len; ) {
            long at = pos + done;
            int inPage = (int) (at % PAGE);
            int chunk = Math.min(len - done, PAGE - inPage);
            byte[] page = pages.computeIfAbsent(at / PAGE, k -> new byte[PAGE]);
            System.arraycopy(src, off + done, page, inPage, chunk);
            done += chunk;
        }
        size = Math.max(size, pos + len);
        return len;
    }

    /** Sets the size; pages past it are freed and the tail of the last one zeroed. */
    void truncate(long newSize) {
        if (shm != null) {
            truncateShared(newSize);
            return;
        }
        if (newSize < size) {
            long firstGone = (newSize + PAGE - 1) / PAGE;
            Map<Long, byte[]> gone = pages.tailMap(firstGone, true);
            fs.unreserve(gone.size());
            gone.clear();
            byte[] last = pages.get(newSize / PAGE);
            if (last != null && newSize % PAGE != 0) {
                java.util.Arrays.fill(last, (int) (newSize % PAGE), PAGE, (byte) 0);
            }
        }
        size = newSize;
    }

    /**
     * Shrinking frees the pages past the end (the host reclaims them; mappings read zeros there,
     * where Linux raises SIGBUS) and zeroes the tail of the last one; growing zeroes what the
     * file gains, which a mapping may have written past the old end.
     */
    private void truncateShared(long newSize) {
        long limit = Math.min(Math.max(size, newSize), shm.length());
        if (newSize < size) {
            long firstGone = (newSize + PAGE - 1) / PAGE;
            Map<Long, byte[]> gone = pages.tailMap(firstGone, true);
            for (long p : gone.keySet()) {
                shm.discard(p * PAGE, PAGE);
            }
            fs.unreserve(gone.size());
            gone.clear();
            if (newSize % PAGE != 0 && newSize < shm.length()) {
                shm.zero(newSize, PAGE - newSize % PAGE);
            }
        } else if (newSize > size && size < limit) {
            for (Map.Entry<Long, byte[]> p : pages.subMap(size / PAGE, true, (limit - 1) / PAGE, true).entrySet()) {
                long from = Math.max(size, p.getKey() * PAGE);
                long to = Math.min(limit, p.getKey() * PAGE + PAGE);
                shm.zero(from, to - from);
            }
        }
        size = newSize;
        updateValidLength();
    }

    /** Mappings map the pages up to the end of the file, the last one whole (SIGBUS past it). */
    private void updateValidLength() {
        shm.setValidLength(Math.min((size + PAGE - 1) & -PAGE, shm.length()));
    }

    /**
     * The shared pages for a MAP_SHARED mapping of [offset, offset + length) (shmem_mmap): the
     * data moves into them at the first one; the pages of the range are charged (a mapping can
     * write every one of them). ENOMEM when the range or the data lies beyond the filesystem's
     * size, or when the charge does not fit.
     */
    Result<SharedPages> mapShared(Platform platform, long capacity, long offset, long length) {
        long cap = (capacity + PAGE - 1) & -PAGE;
        if (offset < 0 || offset + length > cap || offset + length < offset) {
            return Result.err(Errno.ENOMEM);
        }
        if (shm == null) {
            if (!pages.isEmpty() && (pages.lastKey() + 1) * PAGE > cap) {
                return Result.err(Errno.ENOMEM);
            }
            SharedPages s;
            try {
                s = platform.newSharedPages(cap);
            } catch (dev.emu.kernel.platform.HostMemoryException e) {
                return Result.err(Errno.ENOMEM);
            }
            for (Map.Entry<Long, byte[]> p : pages.entrySet()) {
                s.write(p.getKey() * PAGE, p.getValue(), 0, PAGE);
                p.setValue(null);
            }
            shm = s;
            updateValidLength();
        }
        long first = offset / PAGE;
        long end = (offset + length + PAGE - 1) / PAGE;
        long uncharged = 0;
        for (long p = first; p < end; p++) {
            uncharged += pages.containsKey(p) ? 0 : 1;
        }
        if (fs.reserve(uncharged) < 0) {
            return Result.err(Errno.ENOMEM); // mmap's errno when memory (or the tmpfs) is full
        }
        for (long p = first; p < end; p++) {
            pages.putIfAbsent(p, null);
        }
        return Result.ok(shm);
    }

    /** The shared pages, or null if the file was never mapped shared. */
    SharedPages shared() {
        return shm;
    }

    /**
     * Frees every page (the inode's last link and last open file are gone). Shared pages still
     * mapped somewhere stay charged until their last mapping goes.
     */
    void free() {
        long n = pages.size();
        pages.clear();
        size = 0;
        if (shm != null) {
            SharedPages s = shm;
            shm = null;
            s.whenFreed(() -> fs.unreserve(n));
            s.release();
        } else {
            fs.unreserve(n);
        }
    }
}

package dev.emu.kernel.vfs.tmpfs;

import dev.emu.abi.Errno;
import java.util.Map;
import java.util.TreeMap;

/**
 * The contents of a tmpfs regular file: sparse 4 KiB pages, so a file truncated to a large size
 * costs nothing until written (holes read as zeros, as shmem's do).
 */
final class TmpfsData {
    static final int PAGE = 4096;
    /** MAX_LFS_FILESIZE on 64-bit. */
    static final long MAX_SIZE = Long.MAX_VALUE;

    private final TmpfsFilesystem fs;
    private final TreeMap<Long, byte[]> pages = new TreeMap<>();
    private long size;

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

    /** Frees every page (the inode's last link and last open file are gone). */
    void free() {
        fs.unreserve(pages.size());
        pages.clear();
        size = 0;
    }
}

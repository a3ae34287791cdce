package dev.emu.kernel.mm;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.platform.AddressSpace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A MAP_SHARED mapping of a regular file, kept coherent with the file at sync points.
 *
 * <p>Each process's memory is its own Unicorn engine, so a page cannot be shared between two
 * mappings the way Linux shares the page cache. Instead every shared mapping keeps a snapshot of
 * the file's bytes as it last agreed with the file, and at a sync point — msync, munmap (also by
 * MAP_FIXED or mremap over it), exit, exec and fork — the bytes that differ from the snapshot
 * (the stores made through this mapping) are written to the file and copied into every other
 * shared mapping of the same file, in any process. So stores reach the file and the other
 * mappings at the next sync point of the mapping that made them, byte-exact (two mappings that
 * wrote different bytes of one page both keep their writes). Between sync points they are not
 * visible elsewhere, and a write(2) to the file reaches an existing mapping only at its
 * msync(MS_INVALIDATE). Bytes past the end of the file are never written back (Linux: SIGBUS).
 */
public final class SharedFileMapping {
    static final int PAGE = (int) AddressSpace.PAGE_SIZE;

    /** How a mapping writes to and reads from its file (a RegularFile's positioned primitives). */
    public interface Backing {
        /** Positioned write that ignores O_APPEND; the count or -errno. */
        long writeBack(byte[] src, int off, int len, long pos);

        /** Positioned read; the count (0 at the end) or -errno. */
        long readAt(byte[] dst, int off, int len, long pos);

        long size();
    }

    /** The shared mappings of every file, by (st_dev, st_ino): who gets a mapping's stores. */
    public static final class Registry {
        private record Key(long dev, long ino) {}

        private final Map<Key, List<SharedFileMapping>> byFile = new HashMap<>();

        void add(SharedFileMapping m) {
            byFile.computeIfAbsent(m.key, k -> new ArrayList<>()).add(m);
        }

        void remove(SharedFileMapping m) {
            List<SharedFileMapping> l = byFile.get(m.key);
            if (l != null && l.remove(m) && l.isEmpty()) {
                byFile.remove(m.key);
            }
        }

        List<SharedFileMapping> of(Key k) {
            return byFile.getOrDefault(k, List.of());
        }
    }

    private final Registry registry;
    private final Registry.Key key;
    private final AddressSpace space;
    private final File file;
    private final Backing backing;
    final long start;
    final long length;
    final long offset;
    /** The file's bytes as this mapping last agreed with them, page by page (null past EOF). */
    private final byte[][] snapshot;

    private SharedFileMapping(Registry registry, AddressSpace space, File file, Backing backing, long start,
                              long length, long offset) {
        this.registry = registry;
        this.key = new Registry.Key(file.stat().dev(), file.stat().ino());
        this.space = space;
        this.file = file;
        this.backing = backing;
        this.start = start;
        this.length = length;
        this.offset = offset;
        this.snapshot = new byte[(int) ((length + PAGE - 1) / PAGE)][];
    }

    /**
     * Registers the mapping of {@code length} bytes at {@code start} of {@code file} from
     * {@code offset}, whose pages hold the file's bytes now; takes a reference to the file.
     */
    public static SharedFileMapping create(Registry registry, AddressSpace space, File file, Backing backing,
                                           long start, long length, long offset) {
        SharedFileMapping m = new SharedFileMapping(registry, space, file.retain(), backing, start, length, offset);
        m.resnapshot();
        registry.add(m);
        return m;
    }

    /** Host bytes the snapshot holds (charged to the guest's memory by the owner). */
    long snapshotBytes() {
        return (long) snapshot.length * PAGE;
    }

    /** The snapshot becomes what the pages hold now (they agree with the file). */
    private void resnapshot() {
        for (int p = 0; p < snapshot.length; p++) {
            int len = (int) Math.min(PAGE, length - (long) p * PAGE);
            byte[] b = new byte[len];
            space.read(start + (long) p * PAGE, b, 0, len);
            snapshot[p] = b;
        }
    }

    /**
     * The sync point: writes the bytes changed through this mapping to the file and into the
     * other shared mappings of the file; with {@code invalidate} (MS_INVALIDATE) then reloads
     * the unchanged bytes from the file. Returns 0 or the first write's -errno.
     */
    public long sync(boolean invalidate) {
        long size = backing.size();
        long err = 0;
        byte[] now = new byte[PAGE];
        for (int p = 0; p < snapshot.length; p++) {
            byte[] old = snapshot[p];
            int len = old.length;
            long filePos = offset + (long) p * PAGE;
            space.read(start + (long) p * PAGE, now, 0, len);
            int limit = (int) Math.max(0, Math.min(len, size - filePos)); // nothing past EOF
            for (int i = 0; i < limit; ) {
                if (now[i] == old[i]) {
                    i++;
                    continue;
                }
                int j = i;
                while (j < limit && now[j] != old[j]) {
                    j++;
                }
                long w = backing.writeBack(now, i, j - i, filePos + i);
                if (w < 0 && err == 0) {
                    err = w;
                }
                System.arraycopy(now, i, old, i, j - i);
                for (SharedFileMapping other : registry.of(key)) {
                    if (other != this) {
                        other.receive(now, i, j - i, filePos + i);
                    }
                }
                i = j;
            }
            if (invalidate) {
                int n = (int) Math.max(0, Math.min(len, size - filePos));
                byte[] fresh = new byte[n];
                long got = n == 0 ? 0 : backing.readAt(fresh, 0, n, filePos);
                if (got > 0) {
                    space.write(start + (long) p * PAGE, fresh, 0, (int) got);
                    System.arraycopy(fresh, 0, old, 0, (int) got);
                }
            }
        }
        return err;
    }

    /** Another mapping's stores to the file at {@code filePos}: into this mapping's pages too. */
    private void receive(byte[] src, int off, int len, long filePos) {
        long lo = Math.max(filePos, offset);
        long hi = Math.min(filePos + len, offset + length);
        if (lo >= hi) {
            return;
        }
        int from = off + (int) (lo - filePos);
        space.write(start + (lo - offset), src, from, (int) (hi - lo));
        for (long at = lo; at < hi; ) {
            int p = (int) ((at - offset) / PAGE);
            int in = (int) ((at - offset) % PAGE);
            int n = (int) Math.min(hi - at, PAGE - in);
            System.arraycopy(src, from + (int) (at - lo), snapshot[p], in, n);
            at += n;
        }
    }

    /** Syncs, then forgets the mapping and drops its file reference (munmap, exit). */
    public void release() {
        sync(false);
        registry.remove(this);
        file.release();
    }

    /** The same mapping of the same file in {@code child}'s copy of the memory (fork). */
    SharedFileMapping forkInto(AddressSpace child) {
        return create(registry, child, file, backing, start, length, offset);
    }

    /** The part [s, e) of this mapping as a mapping of its own (after the rest was unmapped). */
    SharedFileMapping slice(long s, long e) {
        return create(registry, space, file, backing, s, e - s, offset + (s - start));
    }

    boolean overlaps(long s, long e) {
        return start < e && s < start + length;
    }

    @Override
    public String toString() {
        return "SharedFileMapping[" + Long.toHexString(start) + "+" + length + " " + file.describe() + "@" + offset + "]";
    }
}

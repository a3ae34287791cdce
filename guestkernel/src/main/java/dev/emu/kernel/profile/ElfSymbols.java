package dev.emu.kernel.profile;

import dev.emu.kernel.loader.ElfSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The function symbols of an ELF file, for symbolising addresses (as perf and libbpf-tools'
 * trace_helpers do): .symtab, else .dynsym (a stripped shared library keeps only that), its
 * STT_FUNC and STT_GNU_IFUNC symbols sorted by address, and the first PT_LOAD's address (the
 * load bias of a mapping is its lowest address minus that, page-aligned).
 */
public final class ElfSymbols {
    private static final int SHT_SYMTAB = 2, SHT_DYNSYM = 11, PT_LOAD = 1;
    private static final int STT_FUNC = 2, STT_GNU_IFUNC = 10;
    /** The largest symbol or string table read (libc's .dynsym is ~100 KiB; a big .symtab some MiB). */
    private static final long MAX_TABLE = 64L << 20;

    private final long[] starts;
    private final long[] sizes;
    private final String[] names;
    private final long firstLoad;

    private ElfSymbols(long[] starts, long[] sizes, String[] names, long firstLoad) {
        this.starts = starts;
        this.sizes = sizes;
        this.names = names;
        this.firstLoad = firstLoad;
    }

    /** An object without symbols (its frames show as {@code object+0xoffset}). */
    public static final ElfSymbols EMPTY = new ElfSymbols(new long[0], new long[0], new String[0], 0);

    /** The first PT_LOAD's virtual address (0 for PIE objects and shared libraries). */
    public long firstLoad() {
        return firstLoad;
    }

    public int size() {
        return names.length;
    }

    /**
     * The function containing the file address {@code addr}: the symbol with the greatest start
     * at or below it that covers it (a symbol without a size covers up to the next one); null if
     * none does.
     */
    public String lookup(long addr) {
        int lo = 0, hi = starts.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(starts[mid], addr) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        // Several symbols may share a start (aliases): the sort put the preferred one last.
        for (int i = found; i >= 0 && i > found - 8; i--) {
            if (sizes[i] == 0 ? i == found : Long.compareUnsigned(addr - starts[i], sizes[i]) < 0) {
                return names[i];
            }
        }
        return null;
    }

    /** Reads the symbols of {@code src}; EMPTY for a file that is not a 64-bit little-endian ELF. */
    public static ElfSymbols read(ElfSource src) throws IOException {
        byte[] eh = new byte[64];
        if (src.size() < 64) {
            return EMPTY;
        }
        src.read(0, eh, 0, 64);
        if (eh[0] != 0x7f || eh[1] != 'E' || eh[2] != 'L' || eh[3] != 'F' || eh[4] != 2 || eh[5] != 1) {
            return EMPTY;
        }
        ByteBuffer h = ByteBuffer.wrap(eh).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = h.getLong(0x20), shoff = h.getLong(0x28);
        int phentsize = h.getShort(0x36) & 0xffff, phnum = h.getShort(0x38) & 0xffff;
        int shentsize = h.getShort(0x3a) & 0xffff, shnum = h.getShort(0x3c) & 0xffff;
        long firstLoad = 0;
        if (phentsize >= 56 && phnum > 0 && phnum < 4096) {
            ByteBuffer ph = table(src, phoff, (long) phentsize * phnum);
            for (int i = 0; i < phnum; i++) {
                if (ph.getInt(i * phentsize) == PT_LOAD) {
                    firstLoad = ph.getLong(i * phentsize + 16);
                    break;
                }
            }
        }
        if (shentsize < 64 || shnum == 0 || shnum > 65535 || shoff == 0) {
            return new ElfSymbols(new long[0], new long[0], new String[0], firstLoad);
        }
        ByteBuffer sh = table(src, shoff, (long) shentsize * shnum);
        int symtab = -1;
        for (int want : new int[] {SHT_SYMTAB, SHT_DYNSYM}) {
            for (int i = 0; i < shnum && symtab < 0; i++) {
                if (sh.getInt(i * shentsize + 4) == want) {
                    symtab = i;
                }
            }
        }
        if (symtab < 0) {
            return new ElfSymbols(new long[0], new long[0], new String[0], firstLoad);
        }
        int s = symtab * shentsize;
        long symOff = sh.getLong(s + 0x18), symSize = sh.getLong(s + 0x20), entSize = sh.getLong(s + 0x38);
        int link = sh.getInt(s + 0x28);
        if (entSize < 24 || link <= 0 || link >= shnum) {
            return new ElfSymbols(new long[0], new long[0], new String[0], firstLoad);
        }
        ByteBuffer syms = table(src, symOff, symSize);
        ByteBuffer strs = table(src, sh.getLong(link * shentsize + 0x18), sh.getLong(link * shentsize + 0x20));
        record Sym(long start, long size, String name) {}
        List<Sym> out = new ArrayList<>();
        for (long at = 0; at + entSize <= symSize; at += entSize) {
            int i = (int) at;
            int info = syms.get(i + 4) & 0xff;
            int type = info & 0xf;
            int shndx = syms.getShort(i + 6) & 0xffff;
            long value = syms.getLong(i + 8);
            if ((type != STT_FUNC && type != STT_GNU_IFUNC) || shndx == 0 || value == 0) {
                continue;
            }
            out.add(new Sym(value, syms.getLong(i + 16), cstring(strs, syms.getInt(i))));
        }
        // By address; among aliases at one address the preferred name last, where lookup finds
        // it: a name without a leading underscore, then the shorter, then the smaller.
        java.util.Comparator<Sym> preference = java.util.Comparator.<Sym, Boolean>comparing(x -> !x.name.startsWith("_"))
                .thenComparing(x -> -x.name.length()).thenComparing(x -> x.name, java.util.Comparator.reverseOrder());
        out.sort(java.util.Comparator.<Sym>comparingLong(x -> x.start ^ Long.MIN_VALUE).thenComparing(preference));
        long[] starts = new long[out.size()], sizes = new long[out.size()];
        String[] names = new String[out.size()];
        for (int i = 0; i < out.size(); i++) {
            starts[i] = out.get(i).start;
            sizes[i] = out.get(i).size;
            names[i] = out.get(i).name;
        }
        return new ElfSymbols(starts, sizes, names, firstLoad);
    }

    private static ByteBuffer table(ElfSource src, long off, long len) throws IOException {
        if (len < 0 || len > MAX_TABLE || off < 0 || off + len > src.size()) {
            throw new IOException("ELF table at " + off + " of " + len + " bytes is outside the file");
        }
        byte[] b = new byte[(int) len];
        src.read(off, b, 0, b.length);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String cstring(ByteBuffer b, int off) {
        if (off < 0 || off >= b.capacity()) {
            return "?";
        }
        int end = off;
        while (end < b.capacity() && b.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - off];
        b.get(off, s);
        return new String(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return names.length + " symbols" + (names.length == 0 ? "" : ": " + Arrays.asList(names).subList(0, Math.min(3, names.length)));
    }
}

package dev.emu.kernel.unwind;

import dev.emu.kernel.mm.MemoryManager;
import dev.emu.kernel.mm.Vma;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The ELF objects mapped in a process, found as a user-space unwinder finds them with
 * dl_iterate_phdr: the file-backed VMA holding a pc, the lowest VMA of the same file (which
 * maps the ELF header), its program headers in memory, the load bias, and PT_GNU_EH_FRAME.
 * Everything is read from the process's memory, except, for an object linked without
 * .eh_frame_hdr, where its .eh_frame is ({@link EhFrameSection}, from the file); a result per
 * (object, base) is cached for the life of the address space.
 */
public final class MappedObjects implements UnwindModules {
    private static final int PT_LOAD = 1, PT_GNU_EH_FRAME = 0x6474e550;
    private static final Map<MemoryManager, Map<String, java.util.Optional<EhFrameHdr>>> CACHE =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final MemoryManager mm;
    private final UnwindMemory mem;
    /** A file's .eh_frame {address, size} from its section headers (objects without PT_GNU_EH_FRAME), or null. */
    private final java.util.function.Function<String, long[]> sections;

    public MappedObjects(MemoryManager mm, UnwindMemory mem, java.util.function.Function<String, long[]> sections) {
        this.mm = mm;
        this.mem = mem;
        this.sections = sections;
    }

    /** The lowest address of the file mapped at {@code pc} (where its ELF header is), or -1. */
    public static long objectBase(MemoryManager mm, long pc) {
        Vma v = mm.vmaAt(pc);
        if (v == null || !v.name().startsWith("/")) {
            return -1;
        }
        long base = v.start();
        for (Vma o : mm.vmas()) {
            if (o.name().equals(v.name()) && Long.compareUnsigned(o.start(), base) < 0 && o.shared() == null) {
                base = o.start();
            }
        }
        return base;
    }

    @Override
    public EhFrameHdr ehFrameHdr(long pc) {
        long base = objectBase(mm, pc);
        if (base < 0) {
            return null;
        }
        String key = mm.vmaAt(pc).name() + "@" + Long.toHexString(base);
        Map<String, java.util.Optional<EhFrameHdr>> perMm =
                CACHE.computeIfAbsent(mm, k -> Collections.synchronizedMap(new HashMap<>()));
        String path = mm.vmaAt(pc).name();
        return perMm.computeIfAbsent(key, k -> java.util.Optional.ofNullable(locate(base, path))).orElse(null);
    }

    /** PT_GNU_EH_FRAME of the ELF image whose header is at {@code base}, biased; null if none. */
    private EhFrameHdr locate(long base, String path) {
        byte[] eh = new byte[64];
        if (!mem.read(base, eh, 64) || eh[0] != 0x7f || eh[1] != 'E' || eh[2] != 'L' || eh[3] != 'F' || eh[4] != 2) {
            return null;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(eh).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(0x20);
        int phentsize = b.getShort(0x36) & 0xffff, phnum = b.getShort(0x38) & 0xffff;
        if (phentsize < 56 || phnum == 0 || phnum > 256 || phoff > 1 << 20) {
            return null;
        }
        byte[] ph = new byte[phentsize * phnum];
        if (!mem.read(base + phoff, ph, ph.length)) {
            return null;
        }
        java.nio.ByteBuffer p = java.nio.ByteBuffer.wrap(ph).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long firstLoad = -1, ehHdr = -1;
        for (int i = 0; i < phnum; i++) {
            int at = i * phentsize;
            int type = p.getInt(at);
            long vaddr = p.getLong(at + 16);
            if (type == PT_LOAD && firstLoad < 0) {
                firstLoad = vaddr;
            } else if (type == PT_GNU_EH_FRAME) {
                ehHdr = vaddr;
            }
        }
        if (firstLoad < 0) {
            return null;
        }
        long bias = base - (firstLoad & ~0xfffL);
        if (ehHdr >= 0) {
            return EhFrameHdr.read(mem, ehHdr + bias);
        }
        long[] section = sections == null ? null : sections.apply(path);
        return section == null ? null : EhFrameHdr.fromSection(mem, section[0] + bias, section[1]);
    }
}

package dev.emu.kernel.profile;

import dev.emu.kernel.mm.MemoryManager;
import dev.emu.kernel.mm.Vma;
import java.util.ArrayList;
import java.util.List;

/**
 * The file mappings of a process at one moment (what perf records as MMAP events): each VMA
 * named by a path, with its range. Symbolisation maps an address to the file mapped there and,
 * through the lowest mapping of that file, to the file's own addresses.
 */
record ProcessImage(List<Mapping> mappings) {
    record Mapping(long start, long end, String path) {}

    static ProcessImage of(MemoryManager mm) {
        List<Mapping> out = new ArrayList<>();
        for (Vma v : mm.vmas()) {
            if (v.name().startsWith("/") && v.shared() == null) {
                out.add(new Mapping(v.start(), v.end(), v.name()));
            }
        }
        return new ProcessImage(List.copyOf(out));
    }

    /** The mapping holding {@code addr}, or null. */
    Mapping at(long addr) {
        for (Mapping m : mappings) {
            if (Long.compareUnsigned(addr, m.start) >= 0 && Long.compareUnsigned(addr, m.end) < 0) {
                return m;
            }
        }
        return null;
    }

    /** The lowest address {@code path} is mapped at (where its first PT_LOAD went). */
    long base(String path) {
        long base = -1;
        for (Mapping m : mappings) {
            if (m.path.equals(path) && (base < 0 || Long.compareUnsigned(m.start, base) < 0)) {
                base = m.start;
            }
        }
        return base;
    }
}

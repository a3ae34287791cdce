package dev.emu.kernel.unwind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An ELF file's PT_LOAD segments at their own addresses (load bias 0), plus extra regions: a process image for tests. */
final class ElfFileMemory implements UnwindMemory {
    private record Region(long start, byte[] bytes) {}

    private final List<Region> regions = new ArrayList<>();
    final long ehFrameHdr;

    ElfFileMemory(Path elf) throws IOException {
        byte[] f = Files.readAllBytes(elf);
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(0x20);
        int phentsize = b.getShort(0x36) & 0xffff, phnum = b.getShort(0x38) & 0xffff;
        long hdr = -1;
        for (int i = 0; i < phnum; i++) {
            int at = (int) phoff + i * phentsize;
            int type = b.getInt(at);
            long off = b.getLong(at + 8), vaddr = b.getLong(at + 16), filesz = b.getLong(at + 32);
            if (type == 1) {
                regions.add(new Region(vaddr, java.util.Arrays.copyOfRange(f, (int) off, (int) (off + filesz))));
            } else if (type == 0x6474e550) {
                hdr = vaddr;
            }
        }
        ehFrameHdr = hdr;
    }

    void add(long start, byte[] bytes) {
        regions.add(new Region(start, bytes));
    }

    @Override
    public boolean read(long addr, byte[] dst, int len) {
        for (Region r : regions) {
            if (addr >= r.start && addr + len <= r.start + r.bytes.length) {
                System.arraycopy(r.bytes, (int) (addr - r.start), dst, 0, len);
                return true;
            }
        }
        return false;
    }
}

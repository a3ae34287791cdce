package dev.emu.kernel.loader;

import static dev.emu.abi.elf.Elf.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small ELF64 x86-64 executables in memory, so loader tests need no compiler.
 *
 * <p>Segments keep the order they are added in. The one made by {@link #loadWithHeaders} starts
 * at file offset 0 and contains the ELF header and program headers, as in a real static binary;
 * other segments' data is placed after, at offsets congruent to their p_vaddr modulo 4096.
 */
final class ElfBuilder {
    private static final int PAGE = 4096;

    private static final class Segment {
        int type;
        int flags;
        long vaddr;
        byte[] data; // null: raw header values below are used as given
        long offset = -1;
        long filesz = -1;
        long memsz;
        long align = PAGE;
        boolean withHeaders;
        boolean phdr;
    }

    private int type = ET_EXEC;
    private int machine = EM_X86_64;
    private long entry;
    private final List<Segment> segments = new ArrayList<>();
    /** Extra bytes appended after all segment data (e.g. to fill out a file page). */
    private byte[] trailer = new byte[0];

    ElfBuilder type(int type) {
        this.type = type;
        return this;
    }

    ElfBuilder machine(int machine) {
        this.machine = machine;
        return this;
    }

    ElfBuilder entry(long entry) {
        this.entry = entry;
        return this;
    }

    ElfBuilder trailer(byte[] trailer) {
        this.trailer = trailer;
        return this;
    }

    /** A PT_LOAD at file offset 0 holding the headers and then {@code data}; vaddr page-aligned. */
    ElfBuilder loadWithHeaders(int flags, long vaddr, byte[] data, long extraMem) {
        Segment s = new Segment();
        s.type = PT_LOAD;
        s.flags = flags;
        s.vaddr = vaddr;
        s.data = data;
        s.memsz = extraMem; // headers and data length added at build time
        s.withHeaders = true;
        segments.add(s);
        return this;
    }

    /** A PT_LOAD with {@code data} as its file image and {@code memsz} bytes in memory. */
    ElfBuilder load(int flags, long vaddr, byte[] data, long memsz) {
        return segment(PT_LOAD, flags, vaddr, data, memsz);
    }

    /** Any segment whose file image is {@code data}. */
    ElfBuilder segment(int type, int flags, long vaddr, byte[] data, long memsz) {
        Segment s = new Segment();
        s.type = type;
        s.flags = flags;
        s.vaddr = vaddr;
        s.data = data;
        s.memsz = memsz;
        segments.add(s);
        return this;
    }

    /** A segment with exactly these header values and no data of its own. */
    ElfBuilder raw(int type, int flags, long offset, long vaddr, long filesz, long memsz,
                   long align) {
        Segment s = new Segment();
        s.type = type;
        s.flags = flags;
        s.offset = offset;
        s.vaddr = vaddr;
        s.filesz = filesz;
        s.memsz = memsz;
        s.align = align;
        segments.add(s);
        return this;
    }

    /** A PT_PHDR describing the program header table; needs a {@link #loadWithHeaders} segment. */
    ElfBuilder phdr() {
        Segment s = new Segment();
        s.type = PT_PHDR;
        s.flags = PF_R;
        s.phdr = true;
        s.align = 8;
        segments.add(s);
        return this;
    }

    ElfBuilder gnuStack(int flags) {
        return raw(PT_GNU_STACK, flags, 0, 0, 0, 0, 16);
    }

    static int headerSize(int phnum) {
        return EHDR64_SIZE + phnum * PHDR64_SIZE;
    }

    byte[] build() {
        int headers = headerSize(segments.size());
        long cursor = headers;
        long headersVaddr = 0;
        for (Segment s : segments) {
            if (s.withHeaders) {
                s.offset = 0;
                s.filesz = headers + s.data.length;
                s.memsz += s.filesz;
                headersVaddr = s.vaddr;
                cursor = Math.max(cursor, s.filesz);
            }
        }
        for (Segment s : segments) {
            if (s.phdr) {
                s.offset = EHDR64_SIZE;
                s.vaddr = headersVaddr + EHDR64_SIZE;
                s.filesz = s.memsz = (long) segments.size() * PHDR64_SIZE;
            } else if (!s.withHeaders && s.data != null) {
                long offset = cursor;
                long want = s.vaddr & (PAGE - 1);
                if (s.type == PT_LOAD) {
                    while ((offset & (PAGE - 1)) != want) {
                        offset++;
                    }
                }
                s.offset = offset;
                s.filesz = s.data.length;
                cursor = offset + s.data.length;
            }
        }
        long size = cursor + trailer.length;
        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ELFMAG);
        b.put(EI_CLASS, (byte) ELFCLASS64);
        b.put(EI_DATA, (byte) ELFDATA2LSB);
        b.put(EI_VERSION, (byte) EV_CURRENT);
        b.putShort(E_TYPE, (short) type);
        b.putShort(E_MACHINE, (short) machine);
        b.putInt(E_VERSION, EV_CURRENT);
        b.putLong(E_ENTRY, entry);
        b.putLong(E_PHOFF, EHDR64_SIZE);
        b.putShort(E_EHSIZE, (short) EHDR64_SIZE);
        b.putShort(E_PHENTSIZE, (short) PHDR64_SIZE);
        b.putShort(E_PHNUM, (short) segments.size());
        b.putShort(E_SHENTSIZE, (short) 64);
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            int at = EHDR64_SIZE + i * PHDR64_SIZE;
            b.putInt(at + P_TYPE, s.type);
            b.putInt(at + P_FLAGS, s.flags);
            b.putLong(at + P_OFFSET, s.offset);
            b.putLong(at + P_VADDR, s.vaddr);
            b.putLong(at + P_PADDR, s.vaddr);
            b.putLong(at + P_FILESZ, s.filesz);
            b.putLong(at + P_MEMSZ, s.memsz);
            b.putLong(at + P_ALIGN, s.align);
            if (s.data != null) {
                b.put((int) (s.withHeaders ? headers : s.offset), s.data);
            }
        }
        b.put((int) cursor, trailer);
        return b.array();
    }

    /** File offset of program header {@code i}. */
    static int phdrOffset(int i) {
        return EHDR64_SIZE + i * PHDR64_SIZE;
    }

    /** Bytes 0, 1, 2, ... of the given length, as recognisable contents. */
    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }
}

package dev.emu.kernel.loader;

import static dev.emu.abi.elf.Elf.*;

import dev.emu.kernel.platform.AddressSpace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A validated ELF64 x86-64 executable, parsed from its headers ({@link ElfSource}: only the ELF
 * header, the program headers and PT_INTERP's string are read here; the loader copies the
 * segments' bytes).
 *
 * <p>Validation is stricter than Linux's load_elf_binary (fs/binfmt_elf.c), which lets some
 * malformed files through to fail later in odd ways: here every refusal happens up front, with an
 * {@link ElfFormatException} naming the file and the problem. Only statically linked programs
 * are accepted (ET_EXEC, or ET_DYN static-pie); a PT_INTERP names the dynamic loader exec maps too; there is no dynamic
 * linker in the guest.
 *
 * <p>Immutable once constructed.
 */
public final class ElfFile {
    /** Lowest address above user space on x86-64 with 4-level paging (TASK_SIZE_MAX + 1 page). */
    static final long USER_SPACE_END = 0x7ffffffff000L;

    private static final long PAGE_MASK = AddressSpace.PAGE_SIZE - 1;

    /**
     * The most memory an image's PT_LOAD segments may span (p_memsz summed): an ELF that asks for
     * more (a terabyte of .bss) is refused up front with a message, as Linux's execve fails with
     * ENOMEM when it cannot map the segments.
     */
    public static final long MAX_IMAGE_MEMORY = 1L << 34;

    /** The longest PT_INTERP string read for the refusal message (PATH_MAX). */
    private static final int INTERP_MAX = 4096;

    private final String path;
    private final ElfSource source;
    private final int type;
    private final long entry;
    private final long phoff;
    private final int phentsize;
    private final List<ProgramHeader> programHeaders;
    private final List<ProgramHeader> loadSegments;
    private final String interpreter;

    private ElfFile(String path, ElfSource source, int type, long entry, long phoff, int phentsize,
                    List<ProgramHeader> programHeaders, List<ProgramHeader> loadSegments, String interpreter) {
        this.interpreter = interpreter;
        this.path = path;
        this.source = source;
        this.type = type;
        this.entry = entry;
        this.phoff = phoff;
        this.phentsize = phentsize;
        this.programHeaders = programHeaders;
        this.loadSegments = loadSegments;
    }

    /**
     * Parses and validates an executable held in memory.
     *
     * @param path the file's path, used only in messages and as the regions' name
     * @param bytes the whole file; not copied, must not be modified afterwards
     * @throws ElfFormatException if the file is not a loadable static x86-64 ELF64 executable
     */
    public static ElfFile parse(String path, byte[] bytes) {
        try {
            return read(path, ElfSource.of(bytes));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // bytes in memory cannot fail to read
        }
    }

    /**
     * Reads and validates an executable's headers from {@code source}, which the returned file
     * keeps for the loader.
     *
     * @param path the file's path, used only in messages and as the regions' name
     * @throws ElfFormatException if the file is not a loadable static x86-64 ELF64 executable
     * @throws IOException if the file cannot be read
     */
    public static ElfFile read(String path, ElfSource source) throws IOException {
        long fileSize = source.size();
        byte[] head = source.read(0, (int) Math.min(fileSize, EHDR64_SIZE));
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        checkIdent(path, head);
        if (head.length < EHDR64_SIZE) {
            throw new ElfFormatException(path, "truncated ELF header (file is " + fileSize
                    + " bytes, the ELF64 header needs " + EHDR64_SIZE + ")");
        }
        int type = Short.toUnsignedInt(b.getShort(E_TYPE));
        int machine = Short.toUnsignedInt(b.getShort(E_MACHINE));
        long version = Integer.toUnsignedLong(b.getInt(E_VERSION));
        long entry = b.getLong(E_ENTRY);
        long phoff = b.getLong(E_PHOFF);
        int phentsize = Short.toUnsignedInt(b.getShort(E_PHENTSIZE));
        int phnum = Short.toUnsignedInt(b.getShort(E_PHNUM));

        if (machine != EM_X86_64) {
            throw new ElfFormatException(path, "ELF machine is " + machineName(machine) + " ("
                    + machine + "), expected x86-64 (" + EM_X86_64 + ")");
        }
        if (version != EV_CURRENT) {
            throw new ElfFormatException(path, "ELF header e_version is " + version
                    + ", expected " + EV_CURRENT + " (EV_CURRENT)");
        }
        if (type != ET_EXEC && type != ET_DYN) {
            throw new ElfFormatException(path, "ELF type is " + typeName(type) + " (" + type
                    + "), expected ET_EXEC (2) or ET_DYN (3): not an executable");
        }
        if (phentsize != PHDR64_SIZE) {
            throw new ElfFormatException(path, "e_phentsize is " + phentsize + ", expected "
                    + PHDR64_SIZE + " (sizeof(Elf64_Phdr))");
        }
        if (phnum == PN_XNUM) {
            throw new ElfFormatException(path,
                    "e_phnum is PN_XNUM (0xffff): extended program header numbering is not supported");
        }
        long tableSize = (long) phnum * PHDR64_SIZE; // at most 65534 x 56 bytes
        if (phoff < 0 || phoff > fileSize || tableSize > fileSize - phoff) {
            throw new ElfFormatException(path, "program headers (e_phoff 0x"
                    + Long.toHexString(phoff) + ", " + phnum + " x " + PHDR64_SIZE
                    + " bytes) extend beyond the end of the file (" + fileSize + " bytes)");
        }

        ByteBuffer table = ByteBuffer.wrap(source.read(phoff, (int) tableSize)).order(ByteOrder.LITTLE_ENDIAN);
        List<ProgramHeader> headers = new ArrayList<>(phnum);
        for (int i = 0; i < phnum; i++) {
            int at = i * PHDR64_SIZE;
            headers.add(new ProgramHeader(i, table.getInt(at + P_TYPE), table.getInt(at + P_FLAGS),
                    table.getLong(at + P_OFFSET), table.getLong(at + P_VADDR), table.getLong(at + P_PADDR),
                    table.getLong(at + P_FILESZ), table.getLong(at + P_MEMSZ), table.getLong(at + P_ALIGN)));
        }

        // PT_INTERP: the dynamic loader exec maps next to the program (load_elf_binary).
        String interp = null;
        for (ProgramHeader ph : headers) {
            if (ph.type() == PT_INTERP) {
                interp = interpreter(source, fileSize, ph);
                if (interp == null) {
                    throw new ElfFormatException(path, "PT_INTERP lies outside the file");
                }
            }
        }

        List<ProgramHeader> loads = new ArrayList<>();
        for (ProgramHeader ph : headers) {
            if (ph.type() == PT_LOAD) {
                checkLoad(path, fileSize, ph);
                loads.add(ph);
            }
        }
        if (loads.isEmpty()) {
            throw new ElfFormatException(path, "no PT_LOAD segment: nothing to load");
        }
        long memory = 0;
        for (ProgramHeader ph : loads) {
            memory += ph.memsz(); // each below 2^47 (checkLoad), so the sum cannot overflow
        }
        if (memory > MAX_IMAGE_MEMORY) {
            throw new ElfFormatException(path, "the PT_LOAD segments need " + memory + " bytes of memory (0x"
                    + Long.toHexString(memory) + "), more than the " + (MAX_IMAGE_MEMORY >> 30)
                    + " GiB emu maps for an image");
        }
        // The gABI requires ascending p_vaddr; sorting costs nothing and makes overlap one pass.
        loads.sort(Comparator.comparingLong(ProgramHeader::vaddr));
        for (int i = 1; i < loads.size(); i++) {
            ProgramHeader prev = loads.get(i - 1);
            ProgramHeader cur = loads.get(i);
            if (Long.compareUnsigned(cur.vaddr(), prev.end()) < 0) {
                throw new ElfFormatException(path, "PT_LOAD segments " + prev.index() + " ("
                        + range(prev.vaddr(), prev.end()) + ") and " + cur.index() + " ("
                        + range(cur.vaddr(), cur.end()) + ") overlap");
            }
        }
        boolean entryOk = loads.stream()
                .anyMatch(ph -> (ph.flags() & PF_X) != 0 && ph.contains(entry));
        if (!entryOk) {
            throw new ElfFormatException(path, "entry point 0x" + Long.toHexString(entry)
                    + " is not inside an executable (PF_X) PT_LOAD segment");
        }
        return new ElfFile(path, source, type, entry, phoff, phentsize, List.copyOf(headers),
                List.copyOf(loads), interp);
    }

    private static void checkIdent(String path, byte[] bytes) {
        for (int i = 0; i < ELFMAG.length; i++) {
            if (i >= bytes.length || bytes[i] != ELFMAG[i]) {
                int n = Math.min(bytes.length, ELFMAG.length);
                String seen = n == 0 ? "empty file"
                        : "starts with " + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, n);
                throw new ElfFormatException(path,
                        "not an ELF file (bad magic: " + seen + ", expected 7f 45 4c 46)");
            }
        }
        if (bytes.length < EI_NIDENT) {
            throw new ElfFormatException(path, "truncated ELF header (file is " + bytes.length
                    + " bytes, the ELF64 header needs " + EHDR64_SIZE + ")");
        }
        int cls = Byte.toUnsignedInt(bytes[EI_CLASS]);
        if (cls != ELFCLASS64) {
            String what = cls == ELFCLASS32 ? "ELFCLASS32 (1): 32-bit executables are not supported"
                    : "invalid (" + cls + ")";
            throw new ElfFormatException(path, "ELF class (EI_CLASS) is " + what
                    + ", expected ELFCLASS64 (2)");
        }
        int data = Byte.toUnsignedInt(bytes[EI_DATA]);
        if (data != ELFDATA2LSB) {
            String what = data == ELFDATA2MSB ? "big-endian (ELFDATA2MSB, 2)"
                    : "invalid (" + data + ")";
            throw new ElfFormatException(path, "ELF data encoding (EI_DATA) is " + what
                    + ", expected little-endian (ELFDATA2LSB, 1)");
        }
        int version = Byte.toUnsignedInt(bytes[EI_VERSION]);
        if (version != EV_CURRENT) {
            throw new ElfFormatException(path, "ELF identification version (EI_VERSION) is "
                    + version + ", expected " + EV_CURRENT + " (EV_CURRENT)");
        }
    }

    private static void checkLoad(String path, long fileSize, ProgramHeader ph) {
        String seg = "PT_LOAD segment " + ph.index() + ": ";
        if (Long.compareUnsigned(ph.filesz(), ph.memsz()) > 0) {
            throw new ElfFormatException(path, seg + "p_filesz 0x" + Long.toHexString(ph.filesz())
                    + " is larger than p_memsz 0x" + Long.toHexString(ph.memsz()));
        }
        if (Long.compareUnsigned(ph.offset(), fileSize) > 0
                || Long.compareUnsigned(ph.filesz(), fileSize - ph.offset()) > 0) {
            throw new ElfFormatException(path, seg + "file range 0x"
                    + Long.toHexString(ph.offset()) + "+0x" + Long.toHexString(ph.filesz())
                    + " extends beyond the end of the file (" + fileSize + " bytes)");
        }
        if (((ph.vaddr() - ph.offset()) & PAGE_MASK) != 0) {
            throw new ElfFormatException(path, seg + "p_vaddr 0x" + Long.toHexString(ph.vaddr())
                    + " and p_offset 0x" + Long.toHexString(ph.offset())
                    + " differ modulo the page size (" + AddressSpace.PAGE_SIZE
                    + "), so the segment cannot be mapped");
        }
        if (ph.memsz() == 0) {
            return;
        }
        if (Long.compareUnsigned(ph.vaddr(), USER_SPACE_END) >= 0
                || Long.compareUnsigned(ph.memsz(), USER_SPACE_END - ph.vaddr()) > 0) {
            throw new ElfFormatException(path, seg + "address range "
                    + range(ph.vaddr(), ph.vaddr() + ph.memsz())
                    + " is outside the user address space");
        }
    }

    /** The PT_INTERP path (the dynamic loader, e.g. /lib64/ld-linux-x86-64.so.2), if any. */
    public java.util.Optional<String> interpreter() {
        return java.util.Optional.ofNullable(interpreter);
    }

    /** PT_INTERP's NUL-terminated path, read from the file; null if it lies outside the file. */
    private static String interpreter(ElfSource source, long fileSize, ProgramHeader ph) throws IOException {
        if (ph.offset() < 0 || ph.filesz() <= 0 || ph.offset() >= fileSize
                || ph.filesz() > fileSize - ph.offset()) {
            return null;
        }
        byte[] s = source.read(ph.offset(), (int) Math.min(ph.filesz(), INTERP_MAX));
        int end = 0;
        while (end < s.length && s[end] != 0) {
            end++;
        }
        return new String(s, 0, end, StandardCharsets.UTF_8);
    }

    private static String range(long start, long end) {
        return "0x" + Long.toHexString(start) + "-0x" + Long.toHexString(end);
    }

    public String path() {
        return path;
    }

    /** ET_EXEC or ET_DYN. */
    public int type() {
        return type;
    }

    /** Whether this is a position-independent (ET_DYN, static-pie) executable. */
    public boolean isPie() {
        return type == ET_DYN;
    }

    /** e_entry, unrelocated. */
    public long entry() {
        return entry;
    }

    /** e_phoff: file offset of the program header table. */
    public long phoff() {
        return phoff;
    }

    public int phentsize() {
        return phentsize;
    }

    public int phnum() {
        return programHeaders.size();
    }

    /** All program headers, in file order. */
    public List<ProgramHeader> programHeaders() {
        return programHeaders;
    }

    /** The PT_LOAD headers, validated, in ascending p_vaddr order. */
    public List<ProgramHeader> loadSegments() {
        return loadSegments;
    }

    /** The first program header of {@code type}, if any. */
    public Optional<ProgramHeader> find(int type) {
        return programHeaders.stream().filter(ph -> ph.type() == type).findFirst();
    }

    /**
     * Whether PT_GNU_STACK asks for an executable stack. Without PT_GNU_STACK Linux x86-64 (since
     * 5.8, elf_read_implies_exec) gives 64-bit programs a non-executable stack, and so do we.
     */
    public boolean executableStack() {
        return find(PT_GNU_STACK).map(ph -> (ph.flags() & PF_X) != 0).orElse(false);
    }

    /**
     * Copies the file bytes of {@code ph} (validated: inside the file) to {@code address} in
     * {@code as}, {@link #COPY_CHUNK} bytes at a time.
     */
    void copySegment(ProgramHeader ph, AddressSpace as, long address) throws IOException {
        byte[] buf = new byte[(int) Math.min(ph.filesz(), COPY_CHUNK)];
        for (long done = 0; done < ph.filesz(); ) {
            int n = (int) Math.min(buf.length, ph.filesz() - done);
            source.read(ph.offset() + done, buf, 0, n);
            as.write(address + done, buf, 0, n);
            done += n;
        }
    }

    /** Bytes of a segment copied through the host at a time. */
    private static final int COPY_CHUNK = 1 << 20;
}

package dev.emu.kernel.loader;

import static dev.emu.abi.elf.Elf.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ElfFileTest {
    private static final String PATH = "/bin/prog";

    /** A typical static non-PIE layout: R headers, R-X text, RW- data+bss, GNU_STACK. */
    static ElfBuilder staticExec() {
        return new ElfBuilder()
                .entry(0x401000)
                .loadWithHeaders(PF_R, 0x400000, new byte[0], 0)
                .load(PF_R | PF_X, 0x401000, ElfBuilder.pattern(0x80, 1), 0x80)
                .load(PF_R | PF_W, 0x403f00, ElfBuilder.pattern(0x40, 2), 0x3000)
                .gnuStack(PF_R | PF_W);
    }

    private static ElfFile parse(byte[] bytes) {
        return ElfFile.parse(PATH, bytes);
    }

    private static void refused(byte[] bytes, String message) {
        assertThatThrownBy(() -> parse(bytes))
                .isInstanceOf(ElfFormatException.class)
                .hasMessage(PATH + ": " + message);
    }

    private static void refusedContaining(byte[] bytes, String fragment) {
        assertThatThrownBy(() -> parse(bytes))
                .isInstanceOf(ElfFormatException.class)
                .hasMessageStartingWith(PATH + ": ")
                .hasMessageContaining(fragment);
    }

    private static byte[] patch(byte[] bytes, java.util.function.Consumer<ByteBuffer> edit) {
        byte[] copy = bytes.clone();
        edit.accept(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
        return copy;
    }

    @Test
    void parsesValidStaticExecutable() {
        ElfFile elf = parse(staticExec().build());

        assertThat(elf.path()).isEqualTo(PATH);
        assertThat(elf.type()).isEqualTo(ET_EXEC);
        assertThat(elf.isPie()).isFalse();
        assertThat(elf.entry()).isEqualTo(0x401000);
        assertThat(elf.phnum()).isEqualTo(4);
        assertThat(elf.phentsize()).isEqualTo(56);
        assertThat(elf.loadSegments()).extracting(ProgramHeader::vaddr)
                .containsExactly(0x400000L, 0x401000L, 0x403f00L);
        assertThat(elf.executableStack()).isFalse();
    }

    @Test
    void emptyFileIsNotElf() {
        refused(new byte[0], "not an ELF file (bad magic: empty file, expected 7f 45 4c 46)");
    }

    @Test
    void scriptIsNotElf() {
        refused("#!/bin/sh\necho hi\n".getBytes(StandardCharsets.US_ASCII),
                "not an ELF file (bad magic: starts with 23 21 2f 62, expected 7f 45 4c 46)");
    }

    @Test
    void partialMagicIsNotElf() {
        refused(new byte[] {0x7f, 'E', 'L'},
                "not an ELF file (bad magic: starts with 7f 45 4c, expected 7f 45 4c 46)");
    }

    @Test
    void corruptedMagicIsNotElf() {
        byte[] bytes = patch(staticExec().build(), b -> b.put(3, (byte) 'G'));
        refused(bytes, "not an ELF file (bad magic: starts with 7f 45 4c 47, expected 7f 45 4c 46)");
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 10, 16, 17, 40, 63})
    void truncatedHeader(int length) {
        byte[] bytes = Arrays.copyOf(staticExec().build(), length);
        refused(bytes, "truncated ELF header (file is " + length
                + " bytes, the ELF64 header needs 64)");
    }

    @Test
    void refuses32Bit() {
        byte[] bytes = patch(staticExec().build(), b -> b.put(EI_CLASS, (byte) ELFCLASS32));
        refused(bytes, "ELF class (EI_CLASS) is ELFCLASS32 (1): 32-bit executables are not "
                + "supported, expected ELFCLASS64 (2)");
    }

    @Test
    void refusesInvalidClass() {
        byte[] bytes = patch(staticExec().build(), b -> b.put(EI_CLASS, (byte) 7));
        refused(bytes, "ELF class (EI_CLASS) is invalid (7), expected ELFCLASS64 (2)");
    }

    @Test
    void refusesBigEndian() {
        byte[] bytes = patch(staticExec().build(), b -> b.put(EI_DATA, (byte) ELFDATA2MSB));
        refused(bytes, "ELF data encoding (EI_DATA) is big-endian (ELFDATA2MSB, 2), expected "
                + "little-endian (ELFDATA2LSB, 1)");
    }

    @Test
    void refusesWrongIdentVersion() {
        byte[] bytes = patch(staticExec().build(), b -> b.put(EI_VERSION, (byte) 0));
        refused(bytes, "ELF identification version (EI_VERSION) is 0, expected 1 (EV_CURRENT)");
    }

    @Test
    void refusesWrongHeaderVersion() {
        byte[] bytes = patch(staticExec().build(), b -> b.putInt(E_VERSION, 2));
        refused(bytes, "ELF header e_version is 2, expected 1 (EV_CURRENT)");
    }

    @Test
    void refusesAarch64() {
        byte[] bytes = staticExec().machine(EM_AARCH64).build();
        refused(bytes, "ELF machine is AArch64 (183), expected x86-64 (62)");
    }

    @Test
    void refusesI386MachineAndUnknownMachine() {
        refused(staticExec().machine(EM_386).build(),
                "ELF machine is i386 (3), expected x86-64 (62)");
        refused(staticExec().machine(0x1234).build(),
                "ELF machine is unknown (4660), expected x86-64 (62)");
    }

    @Test
    void refusesRelocatableObjectAndCore() {
        refused(staticExec().type(ET_REL).build(),
                "ELF type is ET_REL (1), expected ET_EXEC (2) or ET_DYN (3): not an executable");
        refused(staticExec().type(ET_CORE).build(),
                "ELF type is ET_CORE (4), expected ET_EXEC (2) or ET_DYN (3): not an executable");
    }

    @Test
    void refusesWrongPhentsize() {
        byte[] bytes = patch(staticExec().build(), b -> b.putShort(E_PHENTSIZE, (short) 32));
        refused(bytes, "e_phentsize is 32, expected 56 (sizeof(Elf64_Phdr))");
    }

    @Test
    void refusesPnXnum() {
        byte[] bytes = patch(staticExec().build(), b -> b.putShort(E_PHNUM, (short) 0xffff));
        refusedContaining(bytes, "PN_XNUM");
    }

    @Test
    void refusesProgramHeadersBeyondFile() {
        byte[] good = staticExec().build();
        refused(patch(good, b -> b.putLong(E_PHOFF, good.length - 10)),
                "program headers (e_phoff 0x" + Long.toHexString(good.length - 10)
                        + ", 4 x 56 bytes) extend beyond the end of the file (" + good.length
                        + " bytes)");
        refusedContaining(patch(good, b -> b.putLong(E_PHOFF, -64)),
                "extend beyond the end of the file");
        refusedContaining(patch(good, b -> b.putShort(E_PHNUM, (short) 2000)),
                "2000 x 56 bytes) extend beyond the end of the file");
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 100, 120, 200, 287})
    void refusesFileTruncatedInsideProgramHeaders(int length) {
        // 4 program headers end at 64 + 4 * 56 = 288.
        byte[] bytes = Arrays.copyOf(staticExec().build(), length);
        refused(bytes, "program headers (e_phoff 0x40, 4 x 56 bytes) extend beyond the end of "
                + "the file (" + length + " bytes)");
    }

    @Test
    void refusesFileTruncatedInsideSegmentData() {
        byte[] good = staticExec().build();
        byte[] bytes = Arrays.copyOf(good, good.length - 1);
        refused(bytes, "PT_LOAD segment 2: file range 0x1f00+0x40 extends beyond the end of "
                + "the file (" + bytes.length + " bytes)");
    }

    @Test
    void refusesSegmentOffsetBeyondFile() {
        byte[] bytes = patch(staticExec().build(),
                b -> b.putLong(ElfBuilder.phdrOffset(1) + P_OFFSET, 0x100000));
        refusedContaining(bytes, "PT_LOAD segment 1: file range 0x100000+0x80 extends beyond");
    }

    @Test
    void refusesFileszLargerThanMemsz() {
        byte[] bytes = patch(staticExec().build(),
                b -> b.putLong(ElfBuilder.phdrOffset(1) + P_MEMSZ, 0x7f));
        refused(bytes, "PT_LOAD segment 1: p_filesz 0x80 is larger than p_memsz 0x7f");
    }

    @Test
    void refusesMisalignedVaddrAndOffset() {
        byte[] bytes = patch(staticExec().build(),
                b -> b.putLong(ElfBuilder.phdrOffset(1) + P_VADDR, 0x401010));
        refused(bytes, "PT_LOAD segment 1: p_vaddr 0x401010 and p_offset 0x1000 differ modulo "
                + "the page size (4096), so the segment cannot be mapped");
    }

    @Test
    void refusesOverlappingSegments() {
        byte[] bytes = new ElfBuilder()
                .entry(0x401000)
                .load(PF_R | PF_X, 0x401000, ElfBuilder.pattern(0x100, 0), 0x2000)
                .load(PF_R | PF_W, 0x402800, ElfBuilder.pattern(0x10, 0), 0x10)
                .build();
        refused(bytes, "PT_LOAD segments 0 (0x401000-0x403000) and 1 (0x402800-0x402810) overlap");
    }

    @Test
    void segmentsSharingAPageDoNotOverlap() {
        byte[] bytes = new ElfBuilder()
                .entry(0x401000)
                .load(PF_R | PF_X, 0x401000, ElfBuilder.pattern(0x100, 0), 0x100)
                .load(PF_R | PF_W, 0x401100, ElfBuilder.pattern(0x10, 0), 0x10)
                .build();
        assertThat(parse(bytes).loadSegments()).hasSize(2);
    }

    @Test
    void refusesNoLoadSegment() {
        refused(new ElfBuilder().entry(0x401000).gnuStack(PF_R | PF_W).build(),
                "no PT_LOAD segment: nothing to load");
        refused(new ElfBuilder().entry(0x401000).build(), "no PT_LOAD segment: nothing to load");
    }

    @Test
    void refusesEntryOutsideExecutableSegment() {
        refused(staticExec().entry(0x403f10).build(),
                "entry point 0x403f10 is not inside an executable (PF_X) PT_LOAD segment");
        refused(staticExec().entry(0x900000).build(),
                "entry point 0x900000 is not inside an executable (PF_X) PT_LOAD segment");
        refused(staticExec().entry(0x401080).build(),
                "entry point 0x401080 is not inside an executable (PF_X) PT_LOAD segment");
    }

    @Test
    void aDynamicallyLinkedProgramNamesItsInterpreter() {
        byte[] interp = "/lib64/ld-linux-x86-64.so.2\0".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = staticExec().segment(PT_INTERP, PF_R, 0x400300, interp, interp.length)
                .build();
        assertThat(parse(bytes).interpreter()).contains("/lib64/ld-linux-x86-64.so.2");
        assertThat(parse(staticExec().build()).interpreter()).isEmpty();
    }

    @Test
    void refusesAnInterpreterOutsideTheFile() {
        byte[] bytes = staticExec().raw(PT_INTERP, PF_R, 0x99999, 0, 28, 28, 1).build();
        refused(bytes, "PT_INTERP lies outside the file");
    }

    @Test
    void acceptsStaticPieWithDynamicSegment() {
        byte[] bytes = new ElfBuilder()
                .type(ET_DYN)
                .entry(0x1000)
                .loadWithHeaders(PF_R, 0, new byte[0], 0)
                .load(PF_R | PF_X, 0x1000, ElfBuilder.pattern(0x20, 0), 0x20)
                .load(PF_R | PF_W, 0x2000, ElfBuilder.pattern(0x40, 0), 0x40)
                .segment(PT_DYNAMIC, PF_R | PF_W, 0x2000, ElfBuilder.pattern(0x40, 0), 0x40)
                .build();
        ElfFile elf = parse(bytes);
        assertThat(elf.isPie()).isTrue();
        assertThat(elf.find(PT_DYNAMIC)).isPresent();
    }

    @Test
    void refusesSegmentOutsideUserSpace() {
        byte[] bytes = patch(staticExec().build(),
                b -> b.putLong(ElfBuilder.phdrOffset(2) + P_MEMSZ, 0x800000000000L));
        refused(bytes, "PT_LOAD segment 2: address range 0x403f00-0x800000403f00 is outside the "
                + "user address space");
    }

    @Test
    void executableStackFromGnuStack() {
        assertThat(parse(staticExec().gnuStack(PF_R | PF_W | PF_X).build()).executableStack())
                .as("first PT_GNU_STACK wins").isFalse();
        byte[] exec = new ElfBuilder().entry(0x401000)
                .load(PF_R | PF_X, 0x401000, new byte[16], 16)
                .gnuStack(PF_R | PF_W | PF_X).build();
        assertThat(parse(exec).executableStack()).isTrue();
        byte[] none = new ElfBuilder().entry(0x401000)
                .load(PF_R | PF_X, 0x401000, new byte[16], 16).build();
        assertThat(parse(none).executableStack()).as("x86-64 default").isFalse();
    }

    /** A file of {@code size} bytes whose first bytes are {@code head} (zeros after), counting what is read. */
    static final class CountingSource implements ElfSource {
        final byte[] head;
        final long size;
        long bytesRead;

        CountingSource(byte[] head, long size) {
            this.head = head;
            this.size = size;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void read(long offset, byte[] dst, int off, int len) {
            bytesRead += len;
            for (int i = 0; i < len; i++) {
                long at = offset + i;
                dst[off + i] = at < head.length ? head[(int) at] : 0;
            }
        }
    }

    @Test
    void readsOnlyWhatTheHeadersDescribeNotTheWholeFile() throws Exception {
        byte[] head = staticExec().build();
        CountingSource file = new CountingSource(head, 1L << 40); // a 1 TiB file (or /dev/zero)
        ElfFile elf = ElfFile.read(PATH, file);
        assertThat(file.bytesRead).as("ELF header and program headers").isEqualTo(64 + 4 * 56);
        dev.emu.kernel.testing.FakeAddressSpace as = new dev.emu.kernel.testing.FakeAddressSpace();
        ElfLoader.load(elf, as);
        long filesz = elf.loadSegments().stream().mapToLong(ProgramHeader::filesz).sum();
        assertThat(file.bytesRead).as("plus the segments' file bytes").isEqualTo(64 + 4 * 56 + filesz);
    }

    @Test
    void aFileShorterThanItsSizeSaysIsAnIoErrorNotAHang() {
        byte[] head = staticExec().build();
        ElfSource shrinking = new ElfSource() {
            @Override
            public long size() {
                return head.length;
            }

            @Override
            public void read(long offset, byte[] dst, int off, int len) throws java.io.IOException {
                ElfSource.of(java.util.Arrays.copyOf(head, 100)).read(offset, dst, off, len);
            }
        };
        assertThatThrownBy(() -> ElfFile.read(PATH, shrinking)).isInstanceOf(java.io.EOFException.class);
    }

    @Test
    void segmentsNeedingMoreMemoryThanAnImageMayHaveAreRefused() {
        byte[] bytes = new ElfBuilder().entry(0x401000)
                .load(PF_R | PF_X, 0x401000, ElfBuilder.pattern(0x10, 0), 0x10)
                .load(PF_R | PF_W, 0x500000, ElfBuilder.pattern(0x10, 1), 1L << 40)
                .build();
        refused(bytes, "the PT_LOAD segments need 1099511627792 bytes of memory (0x10000000010), more than the 16 GiB emu maps for an image");
    }
}

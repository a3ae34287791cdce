package dev.emu.kernel.loader;

import static dev.emu.abi.elf.Elf.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.testing.FakeAddressSpace;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ElfLoaderTest {
    private static final int R = Prot.READ;
    private static final int RW = Prot.READ | Prot.WRITE;
    private static final int RX = Prot.READ | Prot.EXEC;
    private static final int RWX = Prot.ALL;

    /** A FakeAddressSpace whose fresh pages are full of 0xAA, to prove the loader zeroes bss. */
    private static final class DirtyAddressSpace extends FakeAddressSpace {
        @Override
        public void map(long address, long length, int prot) {
            super.map(address, length, prot);
            byte[] junk = new byte[(int) length];
            Arrays.fill(junk, (byte) 0xAA);
            super.write(address, junk, 0, junk.length);
        }
    }

    private final FakeAddressSpace as = new FakeAddressSpace();

    private static ElfFile parse(ElfBuilder b) {
        return ElfFile.parse("/bin/prog", b.build());
    }

    @Test
    void loadsStaticExecutableAtItsAddresses() {
        byte[] text = ElfBuilder.pattern(0x80, 1);
        byte[] data = ElfBuilder.pattern(0x40, 2);
        byte[] file = ElfFileTest.staticExec().build();
        ElfFile elf = ElfFile.parse("/bin/prog", file);

        LoadedImage image = ElfLoader.load(elf, as, 0x10000000);

        assertThat(image.loadBias()).isZero();
        assertThat(image.entry()).isEqualTo(0x401000);
        assertThat(image.phent()).isEqualTo(56);
        assertThat(image.phnum()).isEqualTo(4);
        assertThat(image.phdrAddress()).as("from the PT_LOAD covering e_phoff")
                .isEqualTo(0x400040);
        assertThat(image.brk()).as("page-aligned end of .bss: 0x403f00 + 0x3000")
                .isEqualTo(0x407000);
        assertThat(image.executableStack()).isFalse();
        assertThat(image.tls()).isEmpty();
        assertThat(image.regions()).containsExactly(
                new MappedRegion(0x400000, 0x1000, R, "/bin/prog"),
                new MappedRegion(0x401000, 0x1000, RX, "/bin/prog"),
                new MappedRegion(0x403000, 0x4000, RW, "/bin/prog"));
        assertThat(as.read(0x401000, 0x80)).isEqualTo(text);
        assertThat(as.read(0x403f00, 0x40)).isEqualTo(data);
        assertThat(as.read(0x400000, 64)).as("ELF header visible in memory")
                .isEqualTo(Arrays.copyOf(file, 64));
        assertThat(as.isMapped(0x402000)).isFalse();
        assertThat(as.isMapped(0x407000)).isFalse();
    }

    @Test
    void zeroesBssIncludingPartialFilePage() {
        // The file has non-zero bytes right after .data (the trailer), as a real file page
        // does; Linux's padzero clears them.
        ElfFile elf = parse(new ElfBuilder()
                .entry(0x401000)
                .load(PF_R | PF_X, 0x401000, ElfBuilder.pattern(0x10, 0), 0x10)
                .load(PF_R | PF_W, 0x402ff0, ElfBuilder.pattern(0x20, 3), 0x2100)
                .trailer(ElfBuilder.pattern(0x300, 9)));
        DirtyAddressSpace dirty = new DirtyAddressSpace();

        LoadedImage image = ElfLoader.load(elf, dirty, 0);

        assertThat(dirty.read(0x402ff0, 0x20)).isEqualTo(ElfBuilder.pattern(0x20, 3));
        long bssStart = 0x402ff0 + 0x20;
        assertThat(image.brk()).as("0x402ff0 + 0x2100 page-aligned").isEqualTo(0x406000);
        byte[] bss = dirty.read(bssStart, (int) (0x406000 - bssStart));
        assertThat(bss).containsOnly(0);
        assertThat(dirty.read(0x402000, 0xff0)).as("before the segment: untouched")
                .containsOnly((byte) 0xAA);
    }

    @Test
    void segmentsSharingAPageGetTheUnionOfPermissions() {
        byte[] text = ElfBuilder.pattern(0x1100, 4);
        byte[] data = ElfBuilder.pattern(0x100, 5);
        ElfFile elf = parse(new ElfBuilder()
                .entry(0x401000)
                .load(PF_R | PF_X, 0x401000, text, text.length)
                .load(PF_R | PF_W, 0x402200, data, 0x2000));

        LoadedImage image = ElfLoader.load(elf, as, 0);

        assertThat(image.regions()).containsExactly(
                new MappedRegion(0x401000, 0x1000, RX, "/bin/prog"),
                new MappedRegion(0x402000, 0x1000, RWX, "/bin/prog"),
                new MappedRegion(0x403000, 0x2000, RW, "/bin/prog"));
        assertThat(as.protAt(0x401fff)).isEqualTo(RX);
        assertThat(as.protAt(0x402100)).isEqualTo(RWX);
        assertThat(as.protAt(0x404000)).isEqualTo(RW);
        assertThat(as.read(0x401000, text.length)).isEqualTo(text);
        assertThat(as.read(0x402200, data.length)).isEqualTo(data);
        assertThat(as.read(0x402100, 0x100)).as("gap between segments").containsOnly(0);
    }

    @Test
    void laterSegmentInAPageIsNotClobberedByEarlierBss() {
        ElfFile elf = parse(new ElfBuilder()
                .entry(0x401000)
                .load(PF_R | PF_X, 0x401000, ElfBuilder.pattern(0x10, 0), 0x10)
                .load(PF_R | PF_W, 0x402000, ElfBuilder.pattern(0x10, 1), 0x100)
                .load(PF_R | PF_W, 0x402800, ElfBuilder.pattern(0x10, 2), 0x10));

        ElfLoader.load(elf, as, 0);

        assertThat(as.read(0x402800, 0x10)).isEqualTo(ElfBuilder.pattern(0x10, 2));
        assertThat(as.read(0x402010, 0xf0)).containsOnly(0);
    }

    static ElfBuilder staticPie(boolean withPtPhdr) {
        ElfBuilder b = new ElfBuilder().type(ET_DYN).entry(0x1040);
        if (withPtPhdr) {
            b.phdr();
        }
        return b.loadWithHeaders(PF_R, 0, new byte[0], 0)
                .load(PF_R | PF_X, 0x1000, ElfBuilder.pattern(0x100, 6), 0x100)
                .load(PF_R | PF_W, 0x2e00, ElfBuilder.pattern(0x300, 7), 0x1400)
                .raw(PT_TLS, PF_R, 0x1e00, 0x2e00, 0x10, 0x48, 8)
                .gnuStack(PF_R | PF_W);
    }

    @Test
    void relocatesPieToDefaultBase() {
        ElfFile elf = parse(staticPie(true));

        LoadedImage image = ElfLoader.load(elf, as);

        long base = ElfLoader.DEFAULT_PIE_BASE;
        assertThat(base).isEqualTo(0x555555554000L);
        assertThat(image.loadBias()).isEqualTo(base);
        assertThat(image.entry()).isEqualTo(base + 0x1040);
        assertThat(image.phdrAddress()).as("PT_PHDR relocated").isEqualTo(base + 0x40);
        assertThat(image.phnum()).isEqualTo(6);
        assertThat(image.brk()).isEqualTo(base + 0x5000);
        assertThat(image.tls()).contains(new TlsInfo(base + 0x2e00, 0x10, 0x48, 8));
        assertThat(as.read(base + 0x1000, 0x100)).isEqualTo(ElfBuilder.pattern(0x100, 6));
        assertThat(as.read(base + 0x2e00, 0x300)).isEqualTo(ElfBuilder.pattern(0x300, 7));
        assertThat(as.read(image.phdrAddress(), 4)).as("p_type of phdr[0] is PT_PHDR")
                .containsExactly(PT_PHDR, 0, 0, 0);
        assertThat(as.protAt(base)).isEqualTo(R);
        assertThat(as.protAt(base + 0x1000)).isEqualTo(RX);
        assertThat(as.protAt(base + 0x2000)).isEqualTo(RW);
        assertThat(as.protAt(base + 0x4000)).isEqualTo(RW);
        assertThat(as.isMapped(base + 0x5000)).isFalse();
    }

    @Test
    void relocatesPieToGivenBaseAndComputesPhdrWithoutPtPhdr() {
        ElfFile elf = parse(staticPie(false));

        LoadedImage image = ElfLoader.load(elf, as, 0x7f0000000000L);

        assertThat(image.loadBias()).isEqualTo(0x7f0000000000L);
        assertThat(image.entry()).isEqualTo(0x7f0000001040L);
        assertThat(image.phdrAddress()).isEqualTo(0x7f0000000040L);
        assertThat(as.readInt(image.phdrAddress())).isEqualTo(PT_LOAD);
    }

    @Test
    void pieWhoseFirstSegmentIsNotAtZeroStillStartsAtBase() {
        ElfFile elf = parse(new ElfBuilder().type(ET_DYN).entry(0x10000)
                .load(PF_R | PF_X, 0x10000, ElfBuilder.pattern(0x10, 0), 0x10));

        LoadedImage image = ElfLoader.load(elf, as, 0x20000000);

        assertThat(image.loadBias()).isEqualTo(0x20000000 - 0x10000);
        assertThat(image.entry()).isEqualTo(0x20000000);
        assertThat(image.regions().getFirst().start()).isEqualTo(0x20000000);
    }

    @Test
    void phdrFallbackWhenNoSegmentCoversTheTable() {
        ElfFile elf = parse(new ElfBuilder().entry(0x401000)
                .load(PF_R | PF_X, 0x401000, ElfBuilder.pattern(0x10, 0), 0x10));

        LoadedImage image = ElfLoader.load(elf, as, 0);

        assertThat(image.phdrAddress()).as("(vaddr - offset) + e_phoff of the first PT_LOAD")
                .isEqualTo(0x400040);
    }

    @Test
    void recordsExecutableStack() {
        ElfFile elf = parse(new ElfBuilder().entry(0x401000)
                .load(PF_R | PF_X, 0x401000, new byte[16], 16)
                .gnuStack(PF_R | PF_W | PF_X));

        assertThat(ElfLoader.load(elf, as, 0).executableStack()).isTrue();
    }

    @Test
    void refusesPieBaseThatIsNotPageAligned() {
        ElfFile elf = parse(staticPie(true));
        assertThatThrownBy(() -> ElfLoader.load(elf, as, 0x555555554010L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not page-aligned");
    }

    @Test
    void refusesPieThatWouldLeaveUserSpace() {
        ElfFile elf = parse(staticPie(true));
        assertThatThrownBy(() -> ElfLoader.load(elf, as, 0x7ffffffff000L - 0x1000))
                .isInstanceOf(ElfFormatException.class)
                .hasMessageStartingWith("/bin/prog: PT_LOAD segment ")
                .hasMessageContaining("ends outside the user address space");
        assertThat(as.mappedPageCount()).as("nothing mapped on failure").isZero();
    }
}

package dev.emu.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.testing.FakeAddressSpace;
import dev.emu.kernel.testing.FakeSharedPages;
import org.junit.jupiter.api.Test;

/** MemoryManager.mmapShared: VMAs over shared pages, their references and writable-mapping count. */
class SharedMappingTest {
    private final FakeAddressSpace space = new FakeAddressSpace();
    private final MemoryManager mm = new MemoryManager(space);
    private final FakeSharedPages pages = new FakeSharedPages(4 * 4096);

    @Test
    void twoMappingsOfTheSamePagesAliasAndTheKernelSeesTheirBytes() {
        long a = mm.mmapShared(0, 2 * 4096, Prot.READ | Prot.WRITE, false, false, pages, 0, true, false, "x");
        long b = mm.mmapShared(0, 4096, Prot.READ, false, false, pages, 4096, false, false, "x");
        space.writeLong(a + 4096 + 8, 77);
        assertThat(space.readLong(b + 8)).isEqualTo(77);
        assertThat(pages.getLong(4096 + 8)).isEqualTo(77);
        assertThat(pages.writableMappings()).isEqualTo(1);
        assertThat(mm.vmaAt(a).shared()).isNotNull();
    }

    @Test
    void forkSharesPagesAndUnmapAndExitDropEveryReference() {
        long a = mm.mmapShared(0, 4 * 4096, Prot.READ | Prot.WRITE, false, false, pages, 0, true, true, "x");
        MemoryManager child = mm.fork();
        child.space().writeInt(a + 3 * 4096, 5);
        assertThat(space.readInt(a + 3 * 4096)).isEqualTo(5);
        assertThat(pages.writableMappings()).isEqualTo(2);
        assertThat(mm.munmap(a + 4096, 4096)).isZero(); // splits the parent's VMA in two
        assertThat(pages.writableMappings()).isEqualTo(3);
        child.close();
        mm.close();
        assertThat(pages.writableMappings()).isZero();
        assertThat(pages.references()).as("only the creator's").isEqualTo(1);
        pages.release();
        assertThat(pages.freed()).isTrue();
    }

    @Test
    void aMappingThatMayNotWriteCannotBeMadeWritable() {
        long a = mm.mmapShared(0, 4096, Prot.READ, false, false, pages, 0, false, false, "x");
        assertThat(mm.mprotect(a, 4096, Prot.READ | Prot.WRITE)).isEqualTo(Errno.EACCES.ret());
        assertThat(mm.mprotect(a, 4096, Prot.READ | Prot.EXEC)).isEqualTo(Errno.EACCES.ret());
        assertThat(mm.mprotect(a, 4096, Prot.NONE)).isZero();
        assertThat(space.protAt(a)).isEqualTo(Prot.NONE);
    }

    @Test
    void mremapMovesTheSamePagesAndRefusesGrowingPastThem() {
        long a = mm.mmapShared(0, 2 * 4096, Prot.READ | Prot.WRITE, false, false, pages, 4096, true, false, "x");
        pages.putInt(4096 + 4096, 9);
        long moved = mm.mremap(a + 4096, 4096, 4096, true, true, 0x50000000L);
        assertThat(moved).isEqualTo(0x50000000L);
        assertThat(space.readInt(moved)).isEqualTo(9);
        assertThat(mm.mremap(moved, 4096, 4 * 4096, true, false, 0)).isEqualTo(Errno.ENOMEM.ret());
        assertThat(mm.dontNeed(moved, 4096)).isZero();
        assertThat(space.readInt(moved)).as("MADV_DONTNEED keeps shared bytes").isEqualTo(9);
    }

    @Test
    void pagesPastTheObjectsEndAreNotMappedAndFollowItsLength() {
        pages.setValidLength(4096); // a one-page file in 4 pages of room
        long a = mm.mmapShared(0, 3 * 4096, Prot.READ | Prot.WRITE, false, false, pages, 0, true, false, "f");
        MemoryManager child = mm.fork();
        assertThat(space.isMapped(a)).isTrue();
        assertThat(space.isMapped(a + 4096)).isFalse();
        assertThat(mm.pastObjectEnd(a + 4096)).as("SIGBUS there").isTrue();
        assertThat(mm.pastObjectEnd(a)).isFalse();
        pages.setValidLength(3 * 4096); // the file grew: every mapping maps the new pages
        assertThat(space.isMapped(a + 2 * 4096)).isTrue();
        child.space().writeInt(a + 2 * 4096, 8);
        assertThat(space.readInt(a + 2 * 4096)).isEqualTo(8);
        assertThat(mm.mprotect(a, 3 * 4096, Prot.READ)).isZero();
        pages.setValidLength(4096); // truncated again
        assertThat(space.isMapped(a + 4096)).isFalse();
        assertThat(((FakeAddressSpace) child.space()).isMapped(a + 2 * 4096)).isFalse();
        assertThat(mm.mprotect(a, 3 * 4096, Prot.READ | Prot.WRITE)).isZero();
        assertThat(space.protAt(a)).isEqualTo(Prot.READ | Prot.WRITE);
        child.close();
    }
}

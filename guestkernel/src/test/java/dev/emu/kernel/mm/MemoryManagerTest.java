package dev.emu.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.testing.FakeAddressSpace;
import org.junit.jupiter.api.Test;

class MemoryManagerTest {
    private final FakeAddressSpace space = new FakeAddressSpace();
    private final MemoryManager mm = new MemoryManager(space);

    @Test
    void mmapPlacesTopDownBelowTheMmapBaseAndZeroFills() {
        long a = mm.mmapAnonymous(0, 8192, 3, false, false, "");
        long b = mm.mmapAnonymous(0, 4096, 3, false, false, "");
        assertThat(a).isEqualTo(MemoryManager.MMAP_BASE - 8192);
        assertThat(b).isEqualTo(a - 4096);
        assertThat(space.read(a, 16)).containsOnly(0);
    }

    @Test
    void hintIsHonouredWhenFreeAndIgnoredWhenTaken() {
        long hint = 0x10000000L;
        assertThat(mm.mmapAnonymous(hint, 4096, 3, false, false, "")).isEqualTo(hint);
        assertThat(mm.mmapAnonymous(hint, 4096, 3, false, false, "")).isNotEqualTo(hint);
    }

    @Test
    void fixedNoReplaceRefusesAnOccupiedRangeWithEexist() {
        long hint = 0x20000000L;
        mm.mmapAnonymous(hint, 8192, 3, true, false, "");
        assertThat(mm.mmapAnonymous(hint + 4096, 4096, 3, false, true, "")).isEqualTo(Errno.EEXIST.ret());
        assertThat(mm.mmapAnonymous(hint + 4096, 4096, 3, true, false, "")).isEqualTo(hint + 4096);
    }

    @Test
    void fixedNeedsAlignment() {
        assertThat(mm.mmapAnonymous(0x20000001L, 4096, 3, true, false, "")).isEqualTo(Errno.EINVAL.ret());
    }

    @Test
    void munmapSplitsAMappingAndTheHoleFaults() {
        long a = mm.mmapAnonymous(0, 3 * 4096, 3, false, false, "");
        assertThat(mm.munmap(a + 4096, 4096)).isZero();
        assertThat(mm.vmaAt(a)).isNotNull();
        assertThat(mm.vmaAt(a + 4096)).isNull();
        assertThat(mm.vmaAt(a + 8192)).isNotNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> space.read(a + 4096, 1))
                .isInstanceOf(BadAddressException.class);
        assertThat(mm.munmap(a + 1, 4096)).isEqualTo(Errno.EINVAL.ret());
    }

    @Test
    void mprotectOfAPartlyUnmappedRangeIsEnomem() {
        long a = mm.mmapAnonymous(0, 4096, 3, false, false, "");
        assertThat(mm.mprotect(a, 8192, 1)).isEqualTo(Errno.ENOMEM.ret());
        assertThat(mm.mprotect(a, 4096, 1)).isZero();
        assertThat(mm.vmaAt(a).prot()).isEqualTo(1);
    }

    @Test
    void brkGrowsAndShrinksTheHeapAndRefusesBelowItsStart() {
        mm.initBrk(0x600000);
        assertThat(mm.brk(0)).isEqualTo(0x600000);
        assertThat(mm.brk(0x602010)).isEqualTo(0x602010);
        space.writeLong(0x602000, 42);
        assertThat(mm.vmaAt(0x602000).name()).isEqualTo("[heap]");
        assertThat(mm.brk(0x601000)).isEqualTo(0x601000);
        assertThat(mm.vmaAt(0x602000)).isNull();
        assertThat(mm.brk(0x500000)).isEqualTo(0x601000);
    }

    @Test
    void mremapGrowsInPlaceOrMovesKeepingContents() {
        long a = mm.mmapAnonymous(0x30000000L, 4096, 3, true, false, "");
        space.writeLong(a, 0x1122334455667788L);
        assertThat(mm.mremap(a, 4096, 8192, false, false, 0)).isEqualTo(a);
        mm.mmapAnonymous(a + 8192, 4096, 3, true, false, "");
        assertThat(mm.mremap(a, 8192, 16384, false, false, 0)).isEqualTo(Errno.ENOMEM.ret());
        long moved = mm.mremap(a, 8192, 16384, true, false, 0);
        assertThat(moved).isNotEqualTo(a).isPositive();
        assertThat(space.readLong(moved)).isEqualTo(0x1122334455667788L);
        assertThat(mm.vmaAt(a)).isNull();
    }

    @Test
    void dontNeedZeroesPages() {
        long a = mm.mmapAnonymous(0, 4096, 3, false, false, "");
        space.writeLong(a, -1);
        assertThat(mm.dontNeed(a, 4096)).isZero();
        assertThat(space.readLong(a)).isZero();
    }

    @Test
    void sharedMemoryStaysUntilItsLastUserCloses() {
        MemoryManager mm = new MemoryManager(new dev.emu.kernel.testing.FakeAddressSpace());
        assertThat(mm.share()).isSameAs(mm);
        mm.close(); // the vfork child execs or exits
        assertThat(mm.closed()).isFalse();
        mm.close(); // the parent
        assertThat(mm.closed()).isTrue();
    }
}

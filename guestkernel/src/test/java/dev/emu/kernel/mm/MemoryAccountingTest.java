package dev.emu.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emu.abi.Errno;
import dev.emu.kernel.limits.MemoryAccountant;
import dev.emu.kernel.limits.ResourceLimits;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.testing.FakeAddressSpace;
import org.junit.jupiter.api.Test;

/** What a process's memory map charges to the guest's memory, and the limits that refuse it. */
class MemoryAccountingTest {
    private static final long MIB = 1 << 20;
    private static final int RW = Prot.READ | Prot.WRITE;

    private final MemoryAccountant memory = new MemoryAccountant(64 * MIB, 16 * MIB);
    private final FakeAddressSpace space = new FakeAddressSpace();
    private final MemoryManager mm = new MemoryManager(space, memory);
    private int oomKills;

    MemoryAccountingTest() {
        assertThat(mm.commitInitial()).isTrue();
        mm.setOutOfMemory((faulting, needed) -> {
            oomKills++;
            return false;
        });
    }

    @Test
    void aProcessCostsItsEngineAndAWritableMappingItsPagesAndPageTables() {
        assertThat(memory.charged()).isEqualTo(MemoryAccountant.PROCESS_COST);
        long a = mm.mmapAnonymous(0, 4 * MIB, RW, false, false, "");
        assertThat(memory.charged()).isEqualTo(MemoryAccountant.PROCESS_COST + 4 * MIB + 4 * MIB / 512);
        assertThat(mm.munmap(a, 4 * MIB)).isZero();
        assertThat(memory.charged()).isEqualTo(MemoryAccountant.PROCESS_COST);
    }

    @Test
    void aWritableMappingBeyondTheLimitIsEnomemAndChargesNothing() {
        assertThat(mm.mmapAnonymous(0, 64 * MIB, RW, false, false, "")).isEqualTo(Errno.ENOMEM.ret());
        assertThat(memory.charged()).isEqualTo(MemoryAccountant.PROCESS_COST);
        assertThat(mm.vmas()).isEmpty();
    }

    @Test
    void readOnlyMappingsAreNotCommitted() {
        mm.mmapAnonymous(0, 128 * MIB, Prot.READ, false, false, "");
        assertThat(memory.charged()).isEqualTo(MemoryAccountant.PROCESS_COST);
    }

    @Test
    void aTebibyteReservationCostsNothingAndIsNotInTheEngine() {
        long a = mm.mmapAnonymous(0, 1L << 40, Prot.NONE, false, false, "");
        assertThat(a).isPositive();
        assertThat(space.mappedPageCount()).isZero();
        assertThat(memory.charged()).isEqualTo(MemoryAccountant.PROCESS_COST);
        assertThatThrownBy(() -> space.read(a + 4096, 1)).isInstanceOf(BadAddressException.class);

        // Carving a usable piece out of it commits that piece only.
        assertThat(mm.mprotect(a + (1L << 39), MIB, RW)).isZero();
        assertThat(space.mappedPageCount()).isEqualTo(256);
        assertThat(memory.charged()).isEqualTo(MemoryAccountant.PROCESS_COST + MIB + MIB / 512);
        assertThat(mm.mprotect(a, 128 * MIB, RW)).isEqualTo(Errno.ENOMEM.ret());
        assertThat(mm.munmap(a, 1L << 40)).isZero();
        assertThat(memory.charged()).isEqualTo(MemoryAccountant.PROCESS_COST);
    }

    @Test
    void noReservePagesAreChargedWhenTouchedAndTheOomKillerRunsWhenNothingIsLeft() {
        long a = mm.mmapAnonymous(0, 1L << 36, RW, false, false, true, "");
        assertThat(memory.charged()).isEqualTo(MemoryAccountant.PROCESS_COST);
        space.writeInt(a + 12345, 7);
        assertThat(space.readInt(a + 12345)).isEqualTo(7);
        long granule = MemoryManager.GRANULE;
        assertThat(memory.charged()).isEqualTo(MemoryAccountant.PROCESS_COST + granule + granule / 512);

        // Touch until the limit: the last touches shrink to single pages, then the OOM killer.
        long at = a + granule;
        while (oomKills == 0) {
            try {
                space.writeInt(at, 1);
            } catch (BadAddressException e) {
                break;
            }
            at += 4096;
        }
        assertThat(oomKills).isEqualTo(1);
        assertThat(memory.charged()).isLessThanOrEqualTo(memory.limit()).isGreaterThan(memory.limit() - 8192);

        // MADV_DONTNEED gives the touched pages back.
        assertThat(mm.dontNeed(a, 1L << 36)).isZero();
        assertThat(memory.charged()).isEqualTo(MemoryAccountant.PROCESS_COST);
        assertThat(space.readInt(a + 12345)).isZero();
    }

    @Test
    void aBigWritableMappingIsChargedWhenMadeButOnlyTouchedPiecesReachTheEngineOrAFork() {
        long a = mm.mmapAnonymous(0, 16 * MIB, RW, false, false, "");
        long charge = MemoryAccountant.PROCESS_COST + 16 * MIB + 16 * MIB / 512;
        assertThat(memory.charged()).isEqualTo(charge);
        assertThat(space.mappedPageCount()).isZero();
        assertThat(space.readInt(a + 10 * MIB)).isZero();
        space.writeInt(a + 12345, 7);
        assertThat(memory.charged()).isEqualTo(charge); // touching charges nothing more
        assertThat(space.mappedPageCount()).isEqualTo(2 * (int) (MemoryManager.GRANULE / 4096));

        MemoryManager child = mm.fork();
        assertThat(child).isNotNull();
        assertThat(memory.charged()).isEqualTo(2 * charge);
        FakeAddressSpace childSpace = (FakeAddressSpace) child.space();
        assertThat(childSpace.mappedPageCount()).isEqualTo(space.mappedPageCount());
        assertThat(childSpace.readInt(a + 12345)).isEqualTo(7);
        child.close();

        // MADV_DONTNEED drops the touched pages and keeps the charge; munmap gives it back.
        assertThat(mm.dontNeed(a, 16 * MIB)).isZero();
        assertThat(space.mappedPageCount()).isZero();
        assertThat(memory.charged()).isEqualTo(charge);
        assertThat(space.readInt(a + 12345)).isZero();
        assertThat(mm.munmap(a, 16 * MIB)).isZero();
        assertThat(memory.charged()).isEqualTo(MemoryAccountant.PROCESS_COST);
    }

    @Test
    void brkBeyondTheLimitLeavesTheBreak() {
        mm.initBrk(0x600000);
        assertThat(mm.brk(0x600000 + 8 * MIB)).isEqualTo(0x600000 + 8 * MIB);
        assertThat(mm.brk(0x600000 + (32L << 30))).isEqualTo(0x600000 + 8 * MIB);
        assertThat(mm.brk(0x600000)).isEqualTo(0x600000);
        assertThat(memory.charged()).isEqualTo(MemoryAccountant.PROCESS_COST);
    }

    @Test
    void forkChargesACopyAndFailsWhenItDoesNotFit() {
        mm.mmapAnonymous(0, 24 * MIB, RW, false, false, "");
        long parent = memory.charged();
        MemoryManager child = mm.fork();
        assertThat(child).isNotNull();
        assertThat(memory.charged()).isEqualTo(2 * parent);
        assertThat(mm.fork()).as("a third copy exceeds 64 MiB").isNull();
        assertThat(memory.charged()).isEqualTo(2 * parent);
        child.close();
        assertThat(memory.charged()).isEqualTo(parent);
    }

    @Test
    void rlimitAsCountsReservationsAndRlimitDataCountsWritablePrivateMemory() {
        ResourceLimits limits = ResourceLimits.initial(100);
        mm.setLimits(limits);
        assertThat(limits.set(ResourceLimits.RLIMIT_AS, 8 * MIB, ResourceLimits.RLIM_INFINITY)).isZero();
        assertThat(mm.mmapAnonymous(0, 16 * MIB, Prot.NONE, false, false, "")).isEqualTo(Errno.ENOMEM.ret());
        assertThat(mm.mmapAnonymous(0, 4 * MIB, Prot.NONE, false, false, "")).isPositive();
        assertThat(limits.set(ResourceLimits.RLIMIT_AS, ResourceLimits.RLIM_INFINITY, ResourceLimits.RLIM_INFINITY)).isZero();

        assertThat(limits.set(ResourceLimits.RLIMIT_DATA, 2 * MIB, ResourceLimits.RLIM_INFINITY)).isZero();
        assertThat(mm.mmapAnonymous(0, 4 * MIB, RW, false, false, "")).isEqualTo(Errno.ENOMEM.ret());
        assertThat(mm.mmapAnonymous(0, 4 * MIB, Prot.READ, false, false, "")).isPositive();
        long a = mm.mmapAnonymous(0, MIB, RW, false, false, "");
        assertThat(a).isPositive();
        assertThat(mm.mprotect(mm.vmas().getFirst().start(), 4 * MIB, RW)).isEqualTo(Errno.ENOMEM.ret());
    }

    @Test
    void closingTheProcessReturnsEveryCharge() {
        mm.mmapAnonymous(0, 8 * MIB, RW, false, false, "");
        long a = mm.mmapAnonymous(0, 1L << 30, RW, false, false, true, "");
        space.writeLong(a, 1);
        mm.close();
        assertThat(memory.charged()).isZero();
    }
}

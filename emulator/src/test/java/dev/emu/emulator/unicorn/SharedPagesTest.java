package dev.emu.emulator.unicorn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.platform.SharedPages;
import dev.emu.kernel.platform.StopReason;
import dev.emu.kernel.platform.StopReason.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Host pages mapped into engines with uc_mem_map_ptr: guest, kernel and other mappings share bytes. */
class SharedPagesTest {
    static final long CODE = 0x10000;
    static final long SHARED = 0x40000;

    UnicornPlatform platform;
    AddressSpace as;
    SharedPages pages;

    @BeforeEach
    void setUp() {
        platform = new UnicornPlatform();
        as = platform.newAddressSpace();
        as.map(CODE, 0x1000, Prot.READ | Prot.EXEC);
        pages = platform.newSharedPages(3 * 4096);
    }

    @AfterEach
    void tearDown() {
        as.close();
    }

    private StopReason run(AddressSpace space, Asm a) {
        space.write(CODE, a.bytes());
        Cpu cpu = space.newCpu();
        cpu.set(Reg.RIP, CODE);
        return cpu.run(Long.MAX_VALUE, c -> false);
    }

    @Test
    void guestStoresReachTheKernelsViewAndBothAdjacentAliases() {
        // The ringbuf layout: pages 1..2 at SHARED, then page 2 again right after them.
        as.mapShared(SHARED, pages, 4096, 2 * 4096, Prot.READ | Prot.WRITE);
        as.mapShared(SHARED + 2 * 4096, pages, 2 * 4096, 4096, Prot.READ);
        Asm a = new Asm(CODE);
        a.movRax(0x1122334455667788L);
        a.storeRax((int) SHARED + 4096 + 8); // page 2, byte 8
        a.syscall();
        assertThat(run(as, a).kind()).isEqualTo(Kind.SYSCALL_STOP);
        assertThat(pages.getLong(2 * 4096 + 8)).isEqualTo(0x1122334455667788L);
        assertThat(as.readLong(SHARED + 2 * 4096 + 8)).as("the second alias").isEqualTo(0x1122334455667788L);
        pages.putLong(4096, 42);
        assertThat(as.readLong(SHARED)).as("a kernel store, seen through the mapping").isEqualTo(42);
    }

    @Test
    void aReadOnlyAliasFaultsOnAGuestStore() {
        as.mapShared(SHARED, pages, 0, 4096, Prot.READ);
        Asm a = new Asm(CODE);
        a.movEax(1);
        a.storeRax((int) SHARED + 16);
        StopReason r = run(as, a);
        assertThat(r.kind()).isEqualTo(Kind.FAULT_PROTECTION);
        assertThat(r.faultAddress()).isEqualTo(SHARED + 16);
    }

    @Test
    void forkSharesTheBytesAndPartialUnmapOrProtectKeepsTheRest() {
        as.mapShared(SHARED, pages, 0, 3 * 4096, Prot.READ | Prot.WRITE);
        as.protect(SHARED + 4096, 4096, Prot.READ); // Unicorn splits the map_ptr region
        AddressSpace child = as.fork();
        try {
            child.writeLong(SHARED + 2 * 4096, 7);
            assertThat(as.readLong(SHARED + 2 * 4096)).isEqualTo(7);
            as.unmap(SHARED, 4096);
            as.writeLong(SHARED + 4096, 9);
            assertThat(child.readLong(SHARED + 4096)).isEqualTo(9);
            assertThat(pages.references()).as("creator, parent's remaining range, child's range").isEqualTo(3);
        } finally {
            child.close();
        }
        assertThat(pages.references()).isEqualTo(2);
        as.close();
        assertThat(pages.references()).isEqualTo(1);
        pages.release();
        assertThat(pages.references()).isZero();
    }
}

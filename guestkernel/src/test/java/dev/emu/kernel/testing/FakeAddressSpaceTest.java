package dev.emu.kernel.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.platform.Prot;
import org.junit.jupiter.api.Test;

class FakeAddressSpaceTest {
    private final FakeAddressSpace as = new FakeAddressSpace();

    @Test
    void readsBackWritesAcrossPagesAndZeroFillsFreshPages() {
        as.map(0x10000, 0x3000, Prot.READ | Prot.WRITE);
        as.writeLong(0x10ffc, 0x1122334455667788L);

        assertThat(as.readLong(0x10ffc)).isEqualTo(0x1122334455667788L);
        assertThat(as.readInt(0x11000)).isEqualTo(0x11223344);
        assertThat(as.read(0x12000, 16)).containsOnly(0);
        as.zero(0x10ffe, 4);
        assertThat(as.readLong(0x10ffc)).isEqualTo(0x1122000000007788L);
    }

    @Test
    void kernelAccessFailsOnUnmappedOrProtNoneOnly() {
        as.map(0x10000, 0x2000, Prot.READ);
        as.write(0x10000, new byte[] {1}); // kernel writes ignore PROT_WRITE
        as.protect(0x11000, 0x1000, Prot.NONE);

        assertThatThrownBy(() -> as.read(0x10ff0, 0x20))
                .isInstanceOf(BadAddressException.class)
                .extracting(e -> ((BadAddressException) e).address()).isEqualTo(0x11000L);
        assertThatThrownBy(() -> as.readLong(0x20000)).isInstanceOf(BadAddressException.class);
        as.unmap(0x10000, 0x4000);
        assertThat(as.mappedPageCount()).isZero();
    }

    @Test
    void refusesOverlapAndMisalignment() {
        as.map(0x10000, 0x2000, Prot.READ);
        assertThatThrownBy(() -> as.map(0x11000, 0x1000, Prot.READ))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> as.map(0x20010, 0x1000, Prot.READ))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> as.protect(0x30000, 0x1000, Prot.READ))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void forkIsADeepCopy() {
        as.map(0x10000, 0x1000, Prot.READ | Prot.WRITE);
        as.writeInt(0x10000, 42);

        FakeAddressSpace child = as.fork();
        child.writeInt(0x10000, 7);
        child.protect(0x10000, 0x1000, Prot.READ);

        assertThat(as.readInt(0x10000)).isEqualTo(42);
        assertThat(as.protAt(0x10000)).isEqualTo(Prot.READ | Prot.WRITE);
        assertThat(child.readInt(0x10000)).isEqualTo(7);
        assertThat(child.describe()).isEqualTo(String.format("10000-11000 r--%n"));
        assertThatThrownBy(as::newCpu).isInstanceOf(UnsupportedOperationException.class);
    }
}

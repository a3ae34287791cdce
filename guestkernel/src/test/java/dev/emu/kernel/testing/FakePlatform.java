package dev.emu.kernel.testing;

import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.Platform;

/**
 * A platform for kernel tests without Unicorn: every address space is a {@link FakeAddressSpace}
 * and no guest work is ever done, so virtual time moves only when the kernel advances it.
 */
public final class FakePlatform implements Platform {
    private final String description;

    /** {@code description} is what the kernel log names as the platform. */
    public FakePlatform(String description) {
        this.description = description;
    }

    @Override
    public AddressSpace newAddressSpace() {
        return new FakeAddressSpace();
    }

    @Override
    public dev.emu.kernel.platform.SharedPages newSharedPages(long length) {
        return new FakeSharedPages(length);
    }

    @Override
    public long workDone() {
        return 0;
    }

    @Override
    public String description() {
        return description;
    }
}

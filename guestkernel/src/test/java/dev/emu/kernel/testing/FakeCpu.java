package dev.emu.kernel.testing;

import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.platform.StopReason;
import dev.emu.kernel.platform.SyscallTrap;
import java.util.EnumMap;

/** Registers in a map; never runs guest code. For kernel logic tests without Unicorn. */
public final class FakeCpu implements Cpu {
    private final AddressSpace space;
    private final EnumMap<Reg, Long> regs = new EnumMap<>(Reg.class);

    public FakeCpu(AddressSpace space) {
        this.space = space;
    }

    @Override
    public long get(Reg reg) {
        return regs.getOrDefault(reg, 0L);
    }

    @Override
    public void set(Reg reg, long value) {
        regs.put(reg, value);
    }

    @Override
    public AddressSpace addressSpace() {
        return space;
    }

    @Override
    public Cpu copyInto(AddressSpace target) {
        FakeCpu c = new FakeCpu(target);
        c.regs.putAll(regs);
        return c;
    }

    @Override
    public StopReason run(long budget, SyscallTrap syscalls) {
        throw new UnsupportedOperationException("FakeCpu does not execute");
    }

    @Override
    public void release() {}
}

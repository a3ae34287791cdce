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
    private byte[] fpu = defaultFpu();

    /** What a fresh Linux thread has: fcw 0x37f, mxcsr 0x1f80 (all exceptions masked). */
    private static byte[] defaultFpu() {
        java.nio.ByteBuffer fx = java.nio.ByteBuffer.allocate(512).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        fx.putShort(0, (short) 0x37f).putInt(24, 0x1f80).putInt(28, 0xffff);
        return fx.array();
    }

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
    public byte[] saveFpuState() {
        return fpu.clone();
    }

    @Override
    public void restoreFpuState(byte[] fxsave) {
        fpu = fxsave.clone();
    }

    @Override
    public AddressSpace addressSpace() {
        return space;
    }

    @Override
    public Cpu copyInto(AddressSpace target) {
        FakeCpu c = new FakeCpu(target);
        c.regs.putAll(regs);
        c.fpu = fpu.clone();
        return c;
    }

    @Override
    public StopReason run(long budget, SyscallTrap syscalls) {
        throw new UnsupportedOperationException("FakeCpu does not execute");
    }

    @Override
    public void release() {}
}

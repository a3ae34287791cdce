package dev.emu.emulator.unicorn;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.platform.StopReason;
import dev.emu.kernel.platform.SyscallTrap;
import java.lang.foreign.MemorySegment;

/**
 * One guest thread: a saved {@code uc_context} (all CPU state Unicorn keeps, FPU and SSE
 * included) in its address space's engine.
 *
 * <p>While the thread is loaded in the engine its registers are read and written there; otherwise
 * in its saved context. The segment selectors are synthesized (see {@link X86#isSelector}).
 */
final class UnicornCpu implements Cpu {

    private final UnicornAddressSpace space;
    /** The saved state; stale while this thread is loaded. Null once released. */
    MemorySegment context;
    /**
     * Set while the kernel handles this thread's {@code syscall}: the engine's RIP is still at the
     * instruction (Unicorn advances it after the hook), the kernel's view is past it.
     */
    boolean inSyscall;
    /** The kernel's view of RIP during the syscall (past the instruction). */
    long syscallRip;
    /** Whether the kernel set RIP during the syscall. */
    boolean syscallRipChanged;

    UnicornCpu(UnicornAddressSpace space, MemorySegment context) {
        this.space = space;
        this.context = context;
    }

    /** Called by the syscall hook: the engine's RIP is at the instruction, {@code rip} past it. */
    void enterSyscall(long rip) {
        inSyscall = true;
        syscallRip = rip;
        syscallRipChanged = false;
    }

    @Override
    public long get(Reg reg) {
        if (X86.isSelector(reg)) {
            return X86.selectorValue(reg);
        }
        if (reg == Reg.RIP && inSyscall) {
            checkLive();
            return syscallRip;
        }
        return read(X86.ucId(reg));
    }

    @Override
    public void set(Reg reg, long value) {
        if (X86.isSelector(reg)) {
            return; // Unicorn's flat 64-bit segments stay; see X86.isSelector
        }
        if (reg == Reg.RIP && inSyscall) {
            // Applied by the syscall hook (or after the run stops), see UnicornAddressSpace.onSyscall.
            checkLive();
            syscallRip = value;
            syscallRipChanged = true;
            return;
        }
        write(X86.ucId(reg), value);
    }

    /** {@inheritDoc} One uc_reg_read_batch when this thread is in the engine (the syscall path). */
    @Override
    public void getSyscallRegs(long[] out) {
        checkLive();
        if (space.isLoaded(this)) {
            space.readSyscallRegs(out);
        } else {
            Cpu.super.getSyscallRegs(out);
        }
    }

    private long read(int ucId) {
        checkLive();
        MemorySegment buf = space.scratch;
        buf.set(JAVA_LONG_UNALIGNED, 0, 0L);
        if (space.isLoaded(this)) {
            Unicorn.regRead(space.uc, ucId, buf);
        } else {
            Unicorn.contextRegRead(context, ucId, buf);
        }
        return buf.get(JAVA_LONG_UNALIGNED, 0);
    }

    private void write(int ucId, long value) {
        checkLive();
        MemorySegment buf = space.scratch;
        buf.set(JAVA_LONG_UNALIGNED, 0, value);
        if (space.isLoaded(this)) {
            Unicorn.regWrite(space.uc, ucId, buf);
        } else {
            Unicorn.contextRegWrite(context, ucId, buf);
        }
    }

    @Override
    public byte[] saveFpuState() {
        java.nio.ByteBuffer fx = java.nio.ByteBuffer.allocate(512).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        fx.putShort(0, (short) read(X86.FPCW)).putShort(2, (short) read(X86.FPSW));
        long tag = read(X86.FPTAG);
        int abridged = 0;
        for (int i = 0; i < 8; i++) {
            if (((tag >>> (2 * i)) & 3) != 3) { // full tag word: 11 = empty; FXSAVE keeps one bit per register
                abridged |= 1 << i;
            }
        }
        fx.put(4, (byte) abridged);
        fx.putInt(24, (int) read(X86.MXCSR)).putInt(28, 0xffff);
        byte[] reg = new byte[16];
        for (int i = 0; i < 8; i++) {
            byte[] st = new byte[10];
            readRaw(X86.ST0 + i, st);
            fx.put(32 + 16 * i, st);
        }
        for (int i = 0; i < 16; i++) {
            readRaw(X86.XMM0 + i, reg);
            fx.put(160 + 16 * i, reg);
        }
        return fx.array();
    }

    @Override
    public void restoreFpuState(byte[] fxsave) {
        java.nio.ByteBuffer fx = java.nio.ByteBuffer.wrap(fxsave).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        write(X86.FPCW, fx.getShort(0) & 0xffff);
        write(X86.FPSW, fx.getShort(2) & 0xffff);
        int abridged = fx.get(4) & 0xff;
        long tag = 0;
        for (int i = 0; i < 8; i++) {
            tag |= (long) ((abridged & (1 << i)) != 0 ? 0 : 3) << (2 * i); // valid (00) or empty (11)
        }
        write(X86.FPTAG, tag);
        // Linux refuses reserved MXCSR bits (fpu__restore_sig); keep only the architectural ones.
        write(X86.MXCSR, fx.getInt(24) & 0xffff);
        for (int i = 0; i < 8; i++) {
            writeRaw(X86.ST0 + i, java.util.Arrays.copyOfRange(fxsave, 32 + 16 * i, 42 + 16 * i));
        }
        for (int i = 0; i < 16; i++) {
            writeRaw(X86.XMM0 + i, java.util.Arrays.copyOfRange(fxsave, 160 + 16 * i, 176 + 16 * i));
        }
    }

    /** Reads a register of any width (x87: 10 bytes, XMM: 16) for the debugger. */
    void readRaw(int ucId, byte[] out) {
        checkLive();
        MemorySegment buf = space.scratch;
        buf.fill((byte) 0);
        if (space.isLoaded(this)) {
            Unicorn.regRead(space.uc, ucId, buf);
        } else {
            Unicorn.contextRegRead(context, ucId, buf);
        }
        MemorySegment.copy(buf, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, out, 0, out.length);
    }

    void writeRaw(int ucId, byte[] value) {
        checkLive();
        MemorySegment buf = space.scratch;
        buf.fill((byte) 0);
        MemorySegment.copy(value, 0, buf, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, Math.min(16, value.length));
        if (space.isLoaded(this)) {
            Unicorn.regWrite(space.uc, ucId, buf);
        } else {
            Unicorn.contextRegWrite(context, ucId, buf);
        }
    }

    @Override
    public AddressSpace addressSpace() {
        return space;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Copies the whole {@code uc_context}. Across engines (fork) the context of one engine is
     * restored into the other: both are x86-64 engines of the same library, so the context has the
     * same size and layout (checked by UnicornPlatformTest, which runs the child after the parent
     * engine is closed).
     */
    @Override
    public Cpu copyInto(AddressSpace target) {
        checkLive();
        UnicornAddressSpace dst = (UnicornAddressSpace) target;
        UnicornCpu copy = dst.allocCpu();
        if (dst == space) {
            if (!space.isLoaded(this)) {
                space.switchTo(this); // fails while another thread of this space is running
            }
            Unicorn.contextSave(space.uc, copy.context);
        } else {
            if (space.isLoaded(this)) {
                Unicorn.contextSave(space.uc, context);
            }
            dst.requireIdle("copyInto");
            dst.unload();
            Unicorn.contextRestore(dst.uc, context);
            Unicorn.contextSave(dst.uc, copy.context);
            dst.setLoaded(copy);
        }
        if (inSyscall) {
            // The child resumes after the syscall instruction (clone/fork return in the child).
            copy.set(Reg.RIP, get(Reg.RIP));
        }
        return copy;
    }

    @Override
    public StopReason run(long budget, SyscallTrap syscalls) {
        checkLive();
        return space.run(this, budget, syscalls);
    }

    @Override
    public void release() {
        if (context == null) {
            return;
        }
        Unicorn.contextFree(context);
        context = null;
        space.released(this);
    }

    private void checkLive() {
        if (context == null) {
            throw new IllegalStateException("thread state was released");
        }
    }
}

package dev.emu.emulator.unicorn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.Prot;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.platform.StopReason;
import dev.emu.kernel.platform.StopReason.Kind;
import dev.emu.kernel.platform.SyscallTrap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UnicornPlatformTest {
    static final long CODE = 0x10000;
    static final long DATA = 0x20000;
    static final long RO = 0x30000;
    static final SyscallTrap STOP = cpu -> false;
    static final long FOREVER = Long.MAX_VALUE;

    UnicornPlatform platform;
    AddressSpace as;

    @BeforeEach
    void setUp() {
        platform = new UnicornPlatform();
        as = newSpace(platform);
    }

    @AfterEach
    void tearDown() {
        as.close();
    }

    static AddressSpace newSpace(UnicornPlatform p) {
        AddressSpace s = p.newAddressSpace();
        s.map(CODE, 0x1000, Prot.READ | Prot.EXEC);
        s.map(DATA, 0x1000, Prot.READ | Prot.WRITE);
        s.map(RO, 0x1000, Prot.READ);
        return s;
    }

    Cpu load(Asm a) {
        as.write(CODE, a.bytes());
        Cpu cpu = as.newCpu();
        cpu.set(Reg.RIP, CODE);
        return cpu;
    }

    @Test
    void descriptionNamesTheUnicornVersion() {
        assertThat(platform.description()).matches("Unicorn 2\\.\\d+\\.\\d+ \\(.*libunicorn.*\\).*");
    }

    @Test
    void registersRoundTripWhetherLoadedOrNot() {
        Cpu a = as.newCpu();
        Cpu b = as.newCpu(); // now b is the loaded one; a lives in its saved context
        for (Cpu cpu : List.of(a, b)) {
            for (Reg r : Reg.all()) {
                if (r != Reg.RFLAGS && r.ordinal() < Reg.CS.ordinal() || r == Reg.FS_BASE || r == Reg.GS_BASE) {
                    cpu.set(r, 0x1000_0000_0000L + r.ordinal() * 0x111 + (cpu == a ? 0 : 7));
                }
            }
            cpu.set(Reg.RFLAGS, 0x246);
        }
        for (Cpu cpu : List.of(a, b)) {
            for (Reg r : Reg.all()) {
                if (r != Reg.RFLAGS && r.ordinal() < Reg.CS.ordinal() || r == Reg.FS_BASE || r == Reg.GS_BASE) {
                    assertThat(cpu.get(r)).as(r.name()).isEqualTo(0x1000_0000_0000L + r.ordinal() * 0x111 + (cpu == a ? 0 : 7));
                }
            }
            assertThat(cpu.get(Reg.RFLAGS)).isEqualTo(0x246);
            assertThat(cpu.get(Reg.CS)).isEqualTo(0x33);
            assertThat(cpu.get(Reg.SS)).isEqualTo(0x2b);
        }
        assertThat(as.newCpu().get(Reg.RAX)).as("new thread starts zeroed").isZero();
    }

    @Test
    void syscallTrapSeesNumberArgumentsAndRipPastTheInstruction() {
        Asm a = new Asm(CODE);
        a.movEax(39).movEdi(1).movEsi(2).movEdx(3).movR10d(4).movR8d(5).movR9d(6).syscall();
        long afterFirst = a.here();
        a.movRbxRax().movEax(60).syscall();
        long afterSecond = a.here();
        Cpu cpu = load(a);
        List<long[]> seen = new ArrayList<>();
        StopReason r = cpu.run(FOREVER, c -> {
            seen.add(new long[] {c.get(Reg.RAX), c.get(Reg.RDI), c.get(Reg.RSI), c.get(Reg.RDX), c.get(Reg.R10),
                    c.get(Reg.R8), c.get(Reg.R9), c.get(Reg.RIP)});
            if (c.get(Reg.RAX) == 60) {
                return false;
            }
            c.set(Reg.RAX, 42);
            return true;
        });
        assertThat(r.kind()).isEqualTo(Kind.SYSCALL_STOP);
        assertThat(seen.get(0)).containsExactly(39, 1, 2, 3, 4, 5, 6, afterFirst);
        assertThat(seen.get(1)[0]).isEqualTo(60);
        assertThat(seen.get(1)[7]).isEqualTo(afterSecond);
        assertThat(cpu.get(Reg.RBX)).as("result written by the trap").isEqualTo(42);
        assertThat(cpu.get(Reg.RIP)).isEqualTo(afterSecond);
    }

    @Test
    void runResumesAfterAStoppingTrap() {
        Asm a = new Asm(CODE);
        a.movEax(1).syscall();
        long after = a.here();
        a.movRbxRax().movEax(2).syscall();
        Cpu cpu = load(a);
        assertThat(cpu.run(FOREVER, c -> {
            c.set(Reg.RAX, 77);
            return false;
        }).kind()).isEqualTo(Kind.SYSCALL_STOP);
        assertThat(cpu.get(Reg.RIP)).isEqualTo(after);
        assertThat(cpu.get(Reg.RAX)).isEqualTo(77);
        List<Long> numbers = new ArrayList<>();
        assertThat(cpu.run(FOREVER, c -> numbers.add(c.get(Reg.RAX)) && false).kind()).isEqualTo(Kind.SYSCALL_STOP);
        assertThat(numbers).containsExactly(2L);
        assertThat(cpu.get(Reg.RBX)).isEqualTo(77);
    }

    @Test
    void ripSetDuringTheTrapIsWhereTheThreadResumes() {
        Asm a = new Asm(CODE);
        a.movEax(1).syscall().movEax(99).syscall(); // skipped
        long target = a.here();
        a.movEax(2).syscall();
        long afterTarget = a.here();
        a.movEax(3).syscall();
        Cpu cpu = load(a);
        List<Long> numbers = new ArrayList<>();
        StopReason r = cpu.run(FOREVER, c -> {
            long n = c.get(Reg.RAX);
            numbers.add(n);
            if (n == 1) {
                c.set(Reg.RIP, target); // like execve or signal delivery, keep running
                return true;
            }
            if (n == 2) {
                c.set(Reg.RIP, afterTarget); // unchanged view, stop
                return false;
            }
            return false;
        });
        assertThat(r.kind()).isEqualTo(Kind.SYSCALL_STOP);
        assertThat(numbers).containsExactly(1L, 2L);
        assertThat(cpu.get(Reg.RIP)).isEqualTo(afterTarget);
        // Set while stopped in the trap, then resume there.
        cpu.run(FOREVER, c -> {
            c.set(Reg.RIP, target);
            return false;
        });
        assertThat(cpu.get(Reg.RIP)).isEqualTo(target);
        cpu.run(FOREVER, c -> numbers.add(c.get(Reg.RAX)) && false);
        assertThat(numbers).containsExactly(1L, 2L, 2L);
    }

    @Test
    void theWatchHookIsInstalledOnlyWhileAWatchpointIsSet() {
        UnicornPlatform p = new UnicornPlatform();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.fastMemory(), "Unicorn 2.1.4 (older ones keep the hook)");
        UnicornDebug debug = p.enableDebugger();
        UnicornAddressSpace s = (UnicornAddressSpace) newSpace(p);
        try {
            Asm a = new Asm(CODE);
            a.movRax(7).storeRax((int) DATA).movRax(8).storeRax((int) DATA + 64).syscall();
            s.write(CODE, a.bytes());
            Cpu cpu = s.newCpu();
            cpu.set(Reg.RIP, CODE);
            long firstStore = CODE + 10; // movabs is 10 bytes
            List<UnicornDebug.Stop> stops = new ArrayList<>();
            debug.setListener(stop -> {
                stops.add(stop);
                if (stop.kind() == UnicornDebug.Kind.BREAKPOINT) {
                    // Set at the store itself: the store must still be seen.
                    debug.addWatchpoint(UnicornDebug.Kind.WATCH_WRITE, DATA, 8);
                } else {
                    debug.removeWatchpoint(UnicornDebug.Kind.WATCH_WRITE, DATA, 8);
                }
            });
            debug.addBreakpoint(firstStore);
            assertThat(s.hasWatchHook()).isFalse(); // --gdb alone does not slow loads and stores
            List<Boolean> hookAfterRun = new ArrayList<>();
            StopReason r;
            do {
                r = cpu.run(FOREVER, STOP);
                hookAfterRun.add(s.hasWatchHook());
            } while (r.kind() == Kind.INTERRUPTED);
            assertThat(r.kind()).isEqualTo(Kind.SYSCALL_STOP);
            assertThat(stops).extracting(UnicornDebug.Stop::kind)
                    .containsExactly(UnicornDebug.Kind.BREAKPOINT, UnicornDebug.Kind.WATCH_WRITE);
            assertThat(stops.get(1).dataAddress()).isEqualTo(DATA);
            // Stopped before the store to add the hook, then before the next instruction to remove it.
            assertThat(hookAfterRun).containsExactly(false, true, false);
            assertThat(s.readLong(DATA)).isEqualTo(7);
            assertThat(s.readLong(DATA + 64)).isEqualTo(8);
        } finally {
            s.close();
        }
    }

    @Test
    void fsBaseAddressesThreadLocalStorage() {
        as.writeLong(DATA + 8, 0x1234_5678_9abcL);
        Asm a = new Asm(CODE);
        a.loadRaxFs0().syscall();
        Cpu cpu = load(a);
        cpu.set(Reg.FS_BASE, DATA + 8);
        long[] seen = new long[1];
        cpu.run(FOREVER, c -> {
            seen[0] = c.get(Reg.RAX);
            return false;
        });
        assertThat(seen[0]).isEqualTo(0x1234_5678_9abcL);
        assertThat(cpu.get(Reg.FS_BASE)).isEqualTo(DATA + 8);
    }

    @Test
    void sseAndFxsaveWorkByDefault() {
        Asm a = new Asm(CODE);
        a.movRax(Double.doubleToRawLongBits(1.5)).movqXmm0Rax().addsdXmm0Xmm0().movqRaxXmm0()
                .fxsave((int) (DATA + 0x200)).syscall();
        Cpu cpu = load(a);
        assertThat(cpu.run(FOREVER, STOP).kind()).isEqualTo(Kind.SYSCALL_STOP);
        assertThat(Double.longBitsToDouble(cpu.get(Reg.RAX))).isEqualTo(3.0);
        // fxsave image: MXCSR at offset 24 (default 0x1f80), XMM0 at offset 160.
        assertThat(as.readInt(DATA + 0x200 + 24)).isEqualTo(0x1f80);
        assertThat(as.readLong(DATA + 0x200 + 160)).isEqualTo(Double.doubleToRawLongBits(3.0));
    }

    @Test
    void budgetExhaustionReturnsAndWorkIsDeterministic() {
        long[] first = countLoopWork(new UnicornPlatform(), 1000);
        long[] second = countLoopWork(new UnicornPlatform(), 1000);
        assertThat(second).isEqualTo(first);
        assertThat(first[1]).as("slices").isGreaterThan(5);
        assertThat(first[0]).as("blocks").isGreaterThanOrEqualTo(10_000);
    }

    @Test
    void aBudgetOfOneBlockMakesProgress() {
        Asm a = new Asm(CODE);
        a.movEbx(3);
        long loop = a.here();
        a.incRax().decEbx().jnz(loop).syscall();
        Cpu cpu = load(a);
        List<Long> rips = new ArrayList<>();
        StopReason r;
        while ((r = cpu.run(1, STOP)).kind() == Kind.BUDGET_EXHAUSTED) {
            rips.add(cpu.get(Reg.RIP));
        }
        assertThat(r.kind()).isEqualTo(Kind.SYSCALL_STOP);
        assertThat(cpu.get(Reg.RAX)).isEqualTo(3);
        assertThat(rips).as("one block per run").hasSizeGreaterThanOrEqualTo(3).doesNotContain(CODE);
        assertThat(platform.workDone()).isEqualTo(rips.size() + 1);
    }

    /** Runs a 10,000-iteration loop in slices of {@code budget}; returns {workDone, slices}. */
    static long[] countLoopWork(UnicornPlatform p, long budget) {
        try (AddressSpace s = newSpace(p)) {
            Asm a = new Asm(CODE);
            a.movEbx(10_000);
            long loop = a.here();
            a.incRax().decEbx().jnz(loop).movEax(60).syscall();
            s.write(CODE, a.bytes());
            Cpu cpu = s.newCpu();
            cpu.set(Reg.RIP, CODE);
            long slices = 0;
            while (true) {
                long before = p.workDone();
                StopReason r = cpu.run(budget, STOP);
                if (r.kind() == Kind.SYSCALL_STOP) {
                    break;
                }
                assertThat(r.kind()).isEqualTo(Kind.BUDGET_EXHAUSTED);
                assertThat(p.workDone() - before).as("blocks in one slice").isEqualTo(budget);
                slices++;
            }
            return new long[] {p.workDone(), slices};
        }
    }

    @Test
    void unmappedReadFaultsAtTheInstruction() {
        Asm a = new Asm(CODE);
        a.movEax(1);
        long insn = a.here();
        a.loadRax(0x10);
        Cpu cpu = load(a);
        StopReason r = cpu.run(FOREVER, STOP);
        assertThat(r.kind()).isEqualTo(Kind.FAULT_UNMAPPED);
        assertThat(r.faultAddress()).isEqualTo(0x10);
        assertThat(cpu.get(Reg.RIP)).isEqualTo(insn);
    }

    @Test
    void writeToReadOnlyPageIsAProtectionFault() {
        Asm a = new Asm(CODE);
        a.movEax(1);
        long insn = a.here();
        a.storeRax((int) RO + 16);
        Cpu cpu = load(a);
        StopReason r = cpu.run(FOREVER, STOP);
        assertThat(r.kind()).isEqualTo(Kind.FAULT_PROTECTION);
        assertThat(r.faultAddress()).isEqualTo(RO + 16);
        assertThat(cpu.get(Reg.RIP)).isEqualTo(insn);
    }

    @Test
    void faultReportNamesTheInstructionsAccessSize() {
        Asm a = new Asm(CODE);
        long whole = a.here();
        a.storeRax((int) RO + 8); // 8-byte store to a read-only page
        Cpu cpu = load(a);
        StopReason r = cpu.run(FOREVER, STOP);
        assertThat(r.detail()).isEqualTo("write of 8 bytes at 0x" + Long.toHexString(RO + 8));
        assertThat(cpu.get(Reg.RIP)).isEqualTo(whole);
    }

    @Test
    void storeCrossingIntoAnUnmappedPageFaultsAtThatPageWithTheFullSize() {
        Asm a = new Asm(CODE);
        a.movEax(7);
        long insn = a.here();
        a.storeRax((int) DATA + 0xffc); // bytes 0xffc..0x1003: the second page is unmapped
        Cpu cpu = load(a);
        StopReason r = cpu.run(FOREVER, STOP);
        assertThat(r.kind()).isEqualTo(Kind.FAULT_UNMAPPED);
        assertThat(r.faultAddress()).isEqualTo(DATA + 0x1000);
        assertThat(r.detail()).isEqualTo("write of 8 bytes at 0x" + Long.toHexString(DATA + 0x1000));
        assertThat(cpu.get(Reg.RIP)).isEqualTo(insn);
    }

    @Test
    void theFastMemoryConfigurationIsUsedFromUnicorn214() {
        boolean at214 = Integer.compareUnsigned(Unicorn.versionNumber(), Unicorn.FAST_MEMORY_VERSION) >= 0;
        assertThat(platform.fastMemory()).isEqualTo(at214);
        assertThat(platform.slowMemoryWarning() == null).isEqualTo(at214);
        if (System.getenv("EMU_REQUIRE_UNICORN") != null) {
            // CI (scripts/test via .ci/run) sets it: the precise-fault, self-modifying-code and
            // determinism tests must have run against the pinned library.
            assertThat(Unicorn.version()).isEqualTo(System.getenv("EMU_REQUIRE_UNICORN"));
        }
    }

    @Test
    void fetchFromUnmappedOrNonExecutableMemory() {
        Asm a = new Asm(CODE);
        a.jmp(0x50000);
        Cpu cpu = load(a);
        StopReason r = cpu.run(FOREVER, STOP);
        assertThat(r.kind()).isEqualTo(Kind.FAULT_UNMAPPED);
        assertThat(r.faultAddress()).isEqualTo(0x50000);
        assertThat(cpu.get(Reg.RIP)).isEqualTo(0x50000);

        cpu.set(Reg.RIP, DATA); // mapped rw-
        r = cpu.run(FOREVER, STOP);
        assertThat(r.kind()).isEqualTo(Kind.FAULT_PROTECTION);
        assertThat(r.faultAddress()).isEqualTo(DATA);
    }

    @Test
    void ud2IsAnIllegalInstructionAtItsAddress() {
        Asm a = new Asm(CODE);
        a.movEax(1);
        long insn = a.here();
        a.ud2();
        Cpu cpu = load(a);
        assertThat(cpu.run(FOREVER, STOP).kind()).isEqualTo(Kind.ILLEGAL_INSTRUCTION);
        assertThat(cpu.get(Reg.RIP)).isEqualTo(insn);
    }

    @Test
    void divideByZeroFaultsAtTheDivide() {
        Asm a = new Asm(CODE);
        a.xorEcxEcx();
        long insn = a.here();
        a.divRcx();
        Cpu cpu = load(a);
        assertThat(cpu.run(FOREVER, STOP).kind()).isEqualTo(Kind.DIVIDE_ERROR);
        assertThat(cpu.get(Reg.RIP)).isEqualTo(insn);
    }

    @Test
    void int3TrapsWithRipAfterIt() {
        Asm a = new Asm(CODE);
        a.movEax(1).int3();
        long after = a.here();
        Cpu cpu = load(a);
        assertThat(cpu.run(FOREVER, STOP).kind()).isEqualTo(Kind.BREAKPOINT);
        assertThat(cpu.get(Reg.RIP)).isEqualTo(after); // as Linux reports a #BP
    }

    @Test
    void hltIsAGeneralProtectionFaultAtTheInstruction() {
        Asm a = new Asm(CODE);
        a.movEax(1);
        long insn = a.here();
        a.hlt();
        Cpu cpu = load(a);
        assertThat(cpu.run(FOREVER, STOP).kind()).isEqualTo(Kind.GENERAL_PROTECTION);
        assertThat(cpu.get(Reg.RIP)).isEqualTo(insn);
    }

    @Test
    void forkCopiesMemoryAndTheCopiesDiverge() {
        as.map(0x100000, 3 << 20, Prot.READ | Prot.WRITE); // spans several copy chunks
        as.writeLong(0x100000 + (2 << 20) + 8, 0xfeed);
        as.writeLong(DATA, 1);
        try (AddressSpace child = as.fork()) {
            assertThat(child.readLong(DATA)).isEqualTo(1);
            assertThat(child.readLong(0x100000 + (2 << 20) + 8)).isEqualTo(0xfeed);
            child.writeLong(DATA, 2);
            as.writeLong(DATA, 3);
            assertThat(child.readLong(DATA)).isEqualTo(2);
            assertThat(as.readLong(DATA)).isEqualTo(3);
            // Protections are copied too.
            assertThatThrownBy(() -> child.map(RO, 0x1000, Prot.READ)).isInstanceOf(UnicornException.class);
        }
    }

    @Test
    void forkInsideTheSyscallTrapResumesTheChildAfterTheSyscall() {
        Asm a = new Asm(CODE);
        a.movEax(57).syscall().storeRax((int) DATA).movEax(60).syscall();
        Cpu cpu = load(a);
        AddressSpace[] childSpace = new AddressSpace[1];
        Cpu[] childCpu = new Cpu[1];
        StopReason r = cpu.run(FOREVER, c -> {
            if (c.get(Reg.RAX) == 57) {
                childSpace[0] = c.addressSpace().fork();
                childCpu[0] = c.copyInto(childSpace[0]);
                childCpu[0].set(Reg.RAX, 0);
                c.set(Reg.RAX, 1234);
                return true;
            }
            return false;
        });
        assertThat(r.kind()).isEqualTo(Kind.SYSCALL_STOP);
        assertThat(as.readLong(DATA)).isEqualTo(1234);
        as.close(); // the child must not depend on the parent's engine
        try (AddressSpace child = childSpace[0]) {
            assertThat(childCpu[0].run(FOREVER, STOP).kind()).isEqualTo(Kind.SYSCALL_STOP);
            assertThat(child.readLong(DATA)).isZero();
            assertThat(childCpu[0].get(Reg.RAX)).isEqualTo(60);
        }
    }

    @Test
    void switchingThreadsPreservesEachOnesRegistersIncludingXmm() {
        Asm a = new Asm(CODE);
        a.movRbxToXmm0().movEax(1).syscall().movqRaxXmm0().syscall();
        as.write(CODE, a.bytes());
        Cpu t1 = as.newCpu();
        Cpu t2 = as.newCpu();
        for (Cpu t : List.of(t1, t2)) {
            t.set(Reg.RIP, CODE);
        }
        t1.set(Reg.RBX, 0x1111);
        t1.set(Reg.R15, 0xaaaa);
        t2.set(Reg.RBX, 0x2222);
        t2.set(Reg.R15, 0xbbbb);
        Map<Cpu, Long> reported = new HashMap<>();
        SyscallTrap record = c -> {
            reported.put(c, c.get(Reg.RAX));
            return false;
        };
        t1.run(FOREVER, record);
        t2.run(FOREVER, record);
        assertThat(t1.get(Reg.RBX)).isEqualTo(0x1111); // read from t1's saved context
        t1.run(FOREVER, record);
        t2.run(FOREVER, record);
        assertThat(reported).containsEntry(t1, 0x1111L).containsEntry(t2, 0x2222L);
        assertThat(t1.get(Reg.R15)).isEqualTo(0xaaaa);
        assertThat(t2.get(Reg.R15)).isEqualTo(0xbbbb);
    }

    @Test
    void copyIntoTheSameSpaceMakesAnIndependentThread() {
        Asm a = new Asm(CODE);
        a.movRbxToXmm0().movEax(1).syscall().movqRaxXmm0().syscall();
        Cpu t1 = load(a);
        t1.set(Reg.RBX, 0x5555);
        t1.run(FOREVER, STOP); // xmm0 = 0x5555
        Cpu t2 = t1.copyInto(as);
        t1.set(Reg.RBX, 1);
        List<Long> xmm = new ArrayList<>();
        t2.run(FOREVER, c -> xmm.add(c.get(Reg.RAX)) && false);
        assertThat(xmm).containsExactly(0x5555L);
        assertThat(t2.get(Reg.RBX)).isEqualTo(0x5555);
        assertThat(t1.get(Reg.RBX)).isEqualTo(1);
    }

    @Test
    void kernelAccessToUnmappedMemoryThrowsBadAddress() {
        assertThatThrownBy(() -> as.readLong(0x5000)).isInstanceOfSatisfying(BadAddressException.class,
                e -> assertThat(e.address()).isEqualTo(0x5000));
        assertThatThrownBy(() -> as.writeInt(0x5000, 1)).isInstanceOf(BadAddressException.class);
        // A span that starts mapped and runs off the end reports the first unmapped byte.
        assertThatThrownBy(() -> as.read(DATA + 0xff0, 0x20)).isInstanceOfSatisfying(BadAddressException.class,
                e -> assertThat(e.address()).isEqualTo(DATA + 0x1000));
        assertThatThrownBy(() -> as.write(DATA + 0xff0, new byte[0x20])).isInstanceOf(BadAddressException.class);
        assertThatThrownBy(() -> as.zero(0x5000, 10)).isInstanceOf(BadAddressException.class);
        // Protections do not apply to the kernel.
        as.writeLong(RO, 9);
        assertThat(as.readLong(RO)).isEqualTo(9);
    }

    @Test
    void bulkReadWriteZeroUnmapAndProtect() {
        as.map(0x200000, 0x400000, Prot.READ | Prot.WRITE);
        byte[] big = new byte[0x300000];
        Arrays.fill(big, (byte) 7);
        as.write(0x200100, big);
        assertThat(as.read(0x200100, big.length)).isEqualTo(big);
        as.zero(0x200100, 0x1000);
        assertThat(as.read(0x200100, 0x1000)).containsOnly(0);
        // Unmap a range with a hole and beyond the mapping: holes are ignored.
        as.unmap(0x1f0000, 0x20000);
        assertThatThrownBy(() -> as.readInt(0x200000)).isInstanceOf(BadAddressException.class);
        assertThat(as.readInt(0x210000)).isEqualTo(0x07070707);
        as.protect(0x210000, 0x1000, Prot.READ);
        Asm a = new Asm(CODE);
        a.storeRax(0x210000);
        Cpu cpu = load(a);
        assertThat(cpu.run(FOREVER, STOP).kind()).isEqualTo(Kind.FAULT_PROTECTION);
    }

    @Test
    void exceptionInTheTrapSurfacesFromRunAndTheSpaceStaysUsable() {
        Asm a = new Asm(CODE);
        a.movEax(1).syscall();
        long after = a.here();
        a.movEax(2).syscall();
        Cpu cpu = load(a);
        IllegalStateException boom = new IllegalStateException("kernel bug");
        assertThatThrownBy(() -> cpu.run(FOREVER, c -> {
            throw boom;
        })).isSameAs(boom);
        assertThat(cpu.get(Reg.RIP)).isEqualTo(after);
        List<Long> numbers = new ArrayList<>();
        assertThat(cpu.run(FOREVER, c -> numbers.add(c.get(Reg.RAX)) && false).kind()).isEqualTo(Kind.SYSCALL_STOP);
        assertThat(numbers).containsExactly(2L);
    }

    @Test
    void closingTheSpaceInsideItsTrapIsDeferred() {
        Asm a = new Asm(CODE);
        a.movEax(231).syscall();
        Cpu cpu = load(a);
        AddressSpace space = as;
        as = newSpace(platform); // for tearDown
        assertThat(cpu.run(FOREVER, c -> {
            c.release();
            space.close();
            return false;
        }).kind()).isEqualTo(Kind.SYSCALL_STOP);
        assertThatThrownBy(() -> space.readLong(DATA)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void interruptFromAnotherThreadStopsAnEndlessLoop() throws Exception {
        Asm a = new Asm(CODE);
        a.jmpSelf();
        Cpu cpu = load(a);
        Thread watchdog = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            platform.interrupt();
        });
        assertThat(cpu.run(FOREVER, STOP).kind()).isEqualTo(Kind.INTERRUPTED);
        watchdog.join();
        assertThat(cpu.run(10, STOP).kind()).as("sticky").isEqualTo(Kind.INTERRUPTED);
        platform.clearInterrupt();
        assertThat(cpu.run(10, STOP).kind()).isEqualTo(Kind.BUDGET_EXHAUSTED);
    }

    @Test
    void nestedRunIsRejected() {
        Asm a = new Asm(CODE);
        a.movEax(1).syscall();
        Cpu cpu = load(a);
        assertThatThrownBy(() -> cpu.run(FOREVER, c -> c.run(FOREVER, STOP) == null))
                .isInstanceOf(IllegalStateException.class);
    }
}

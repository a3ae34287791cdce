package dev.emu.emulator.unicorn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.Cpu;
import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.platform.StopReason.Kind;
import org.junit.jupiter.api.Test;

/**
 * Measures a tight guest loop ({@code inc rax; dec ebx; jnz}, one block per iteration) under the
 * native block hook, in one long slice and in 10,000-block slices. Prints ns/iteration; asserts
 * only that the loop ran and was counted.
 */
class SliceOverheadTest {
    static final int ITERATIONS = 20_000_000;

    @Test
    void tightLoopUnderTheBlockHook() {
        UnicornPlatform p = new UnicornPlatform();
        run(p, Long.MAX_VALUE); // warm up (translation, JIT)
        double oneSlice = run(p, Long.MAX_VALUE);
        double sliced = run(p, 10_000);
        System.out.printf("slice hook: %.2f ns/iteration in one slice, %.2f ns/iteration in 10k-block slices%n",
                oneSlice, sliced);
    }

    private static double run(UnicornPlatform p, long budget) {
        try (AddressSpace s = UnicornPlatformTest.newSpace(p)) {
            Asm a = new Asm(UnicornPlatformTest.CODE);
            a.movEbx(ITERATIONS);
            long loop = a.here();
            a.incRax().decEbx().jnz(loop).syscall();
            s.write(UnicornPlatformTest.CODE, a.bytes());
            Cpu cpu = s.newCpu();
            cpu.set(Reg.RIP, UnicornPlatformTest.CODE);
            long before = p.workDone();
            long t0 = System.nanoTime();
            while (cpu.run(budget, c -> false).kind() == Kind.BUDGET_EXHAUSTED) {
                // next slice
            }
            long t1 = System.nanoTime();
            assertThat(cpu.get(Reg.RAX)).isEqualTo(ITERATIONS);
            assertThat(p.workDone() - before).isGreaterThanOrEqualTo(ITERATIONS);
            return (t1 - t0) / (double) ITERATIONS;
        }
    }
}

package dev.emu.kernel.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.BpfCommand;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.kernel.syscall.SyscallResults;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and mutated bpf() calls: every call returns a result or an errno (or
 * parks the task for a blocking poll); the kernel never throws, and valid calls still work after.
 */
class BpfFuzzTest {
    private static final int CALLS = 20_000;

    @Test
    void randomAndMutatedCallsNeverThrow() {
        BpfHarness h = new BpfHarness();
        SplittableRandom rnd = new SplittableRandom(1234);
        int[] cmds = {0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 13, 14, 15, 39, 40, -1, EmuBpfExtensions.BPF_EMU_RINGBUF_POLL};
        int[] mapTypes = {BpfMapType.HASH, BpfMapType.ARRAY, BpfMapType.RINGBUF, 0, 4, 99};
        long[] pointers = {0, 0x1000, BpfHarness.MEM, BpfHarness.MEM + 0x2000, BpfHarness.MEM + BpfHarness.MEM_SIZE - 8,
                -1L, 0x7fff_ffff_f000L};
        int accepted = 0;
        for (int i = 0; i < CALLS; i++) {
            int cmd = cmds[rnd.nextInt(cmds.length)];
            ByteBuffer a = BpfHarness.attr();
            if (rnd.nextInt(4) == 0) {
                byte[] noise = new byte[BpfAttr.SIZE];
                rnd.nextBytes(noise);
                a.put(0, noise);
            } else if (cmd == BpfCommand.MAP_CREATE) {
                int type = mapTypes[rnd.nextInt(mapTypes.length)];
                boolean ring = type == BpfMapType.RINGBUF && rnd.nextInt(4) != 0;
                a.putInt(0, type).putInt(4, ring ? 0 : 1 << rnd.nextInt(4)).putInt(8, ring ? 0 : rnd.nextInt(64))
                        .putInt(12, ring ? 4096 << rnd.nextInt(3) : rnd.nextInt(100))
                        .putInt(16, rnd.nextInt(6) == 0 ? rnd.nextInt() : 0);
            } else {
                // Plausible attrs with mutated fields: small fds, real pointers, map types, sizes.
                a.putInt(0, rnd.nextInt(3) == 0 ? mapTypes[rnd.nextInt(mapTypes.length)] : rnd.nextInt(8));
                a.putInt(4, rnd.nextInt(3) == 0 ? rnd.nextInt() : rnd.nextInt(64));
                a.putLong(8, rnd.nextInt(2) == 0 ? pointers[rnd.nextInt(pointers.length)] : rnd.nextInt(4096));
                a.putInt(12, 1 << rnd.nextInt(16));
                a.putLong(16, pointers[rnd.nextInt(pointers.length)]);
                a.putLong(24, rnd.nextInt(4) == 0 ? rnd.nextLong() : rnd.nextInt(3));
                if (cmd == BpfCommand.PROG_LOAD || cmd == BpfCommand.PROG_TEST_RUN) {
                    a.putLong(32, pointers[rnd.nextInt(pointers.length)]);
                }
                if (rnd.nextInt(8) == 0) {
                    a.put(rnd.nextInt(BpfAttr.SIZE), (byte) rnd.nextInt());
                }
            }
            // Random instructions in the scratch memory some attrs point at.
            byte[] junk = new byte[256];
            rnd.nextBytes(junk);
            h.space.write(BpfHarness.MEM + 0x2000, junk);
            h.space.write(BpfHarness.MEM, a.array());
            long size = switch (rnd.nextInt(5)) {
                case 0 -> rnd.nextInt(300);
                case 1 -> 5000;
                default -> BpfAttr.SIZE;
            };
            long attrAddr = rnd.nextInt(10) == 0 ? pointers[rnd.nextInt(pointers.length)] : BpfHarness.MEM;
            long r = h.bpf(cmd, attrAddr, size);
            assertThat(r == SyscallResults.RESTART || r >= 0 || SyscallResults.isError(r))
                    .as("call %d: bpf(%d) returned %d", i, cmd, r).isTrue();
            if (r == SyscallResults.RESTART) {
                h.task.wake();
            }
            if (r >= 0) {
                accepted++;
            }
            if (i % 500 == 0) {
                h.task.process().fds().closeAll(); // keep the fd table from filling up
            }
        }
        assertThat(accepted).as("some calls succeed, so the fuzzer reaches past the checks").isGreaterThan(10);
        // The kernel still works.
        h.task.process().fds().closeAll();
        ByteBuffer a = BpfHarness.attr().putInt(0, BpfMapType.ARRAY).putInt(4, 4).putInt(8, 8).putInt(12, 1);
        assertThat(h.bpf(BpfCommand.MAP_CREATE, a.array())).isGreaterThanOrEqualTo(0);
    }
}

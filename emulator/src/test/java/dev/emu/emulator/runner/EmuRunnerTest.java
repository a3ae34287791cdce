package dev.emu.emulator.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.emulator.EmuRunner;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The in-process test API kernel developers use (and set IDE breakpoints under). */
@Tag("integration")
class EmuRunnerTest {

    @Test
    void runsAnImageOnTheTestThread() throws Exception {
        EmuRunner.Result r = EmuRunner.image("hello.elf").run();
        assertThat(r.status()).isZero();
        assertThat(r.stdout()).isEqualTo("Hello from emu guest!\n");
        assertThat(r.serial()).contains("guest exited with status 0");
        assertThat(r.instructions()).isEqualTo(-1);
    }

    @Test
    void theBpfDemoWithItsTrace() throws Exception {
        EmuRunner.Result r = EmuRunner.image("bpf_loader.elf").traceSyscalls().run();
        assertThat(r.status()).isZero();
        assertThat(r.trace()).contains("bpf(BPF_MAP_CREATE").contains("bpf(BPF_PROG_LOAD");
    }

    @Test
    void maxInstructionsIsExact() throws Exception {
        // hello.elf's total instruction count: the smallest limit at which it completes.
        EmuRunner.Result full = EmuRunner.image("hello.elf").maxInstructions(1_000_000).run();
        assertThat(full.status()).isZero();
        long total = full.instructions();
        assertThat(total).isPositive();
        EmuRunner.Result justEnough = EmuRunner.image("hello.elf").maxInstructions(total).run();
        assertThat(justEnough.status()).isZero();
        assertThat(justEnough.instructions()).isEqualTo(total);
        EmuRunner.Result oneShort = EmuRunner.image("hello.elf").maxInstructions(total - 1).run();
        assertThat(oneShort.status()).isEqualTo(124);
        assertThat(oneShort.instructions()).isEqualTo(total - 1);
        assertThat(oneShort.serial()).contains("instruction limit reached (" + (total - 1) + " instructions)");
        for (long n : new long[] {1, 2, 3, 10, total / 2}) {
            EmuRunner.Result r = EmuRunner.image("hello.elf").maxInstructions(n).run();
            assertThat(r.status()).isEqualTo(124);
            assertThat(r.instructions()).as("executed with limit %d", n).isEqualTo(n);
        }
    }

    @Test
    void everyChargeIsReturnedWhenTheGuestsProcessesAndThreadsAreGone() throws Exception {
        // fork + pipe + wait, threads, sockets: processes, tasks, pipe and socket buffers and memory all uncharged.
        for (String image : new String[] {"musl/forkpipe", "glibc/pthreads", "musl/stdio", "musl/sock_unix", "glibc/sock_inet"}) {
            java.nio.file.Path path = java.nio.file.Path.of(System.getProperty("user.dir")).toAbsolutePath()
                    .getParent().resolve("userspace-images/build").resolve(image);
            EmuRunner.Result r = EmuRunner.image(path.toString()).run();
            assertThat(r.status()).as(image).isZero();
            assertThat(r.memoryCharged()).as("bytes still charged after %s", image).isZero();
        }
    }
}

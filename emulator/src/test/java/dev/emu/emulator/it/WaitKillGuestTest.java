package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code waitpid(-1)}, {@code waitid(P_ALL)} and {@code kill(-1, sig)} through glibc's and musl's
 * wrappers (userspace-images/tests/waitkill.c), inside the guest only: natively kill(-1, SIGTERM)
 * would signal every process of the user. Under emu the program is pid 1, so kill(-1) reaches
 * exactly its children (kernel/signal.c skips init and the caller). glibc passes pid_t -1
 * zero-extended; before issue 11 emu answered ECHILD and ESRCH.
 */
@Tag("integration")
class WaitKillGuestTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"musl", "glibc"})
    void waitAndKillMinusOneReachEveryChild(String libc, @TempDir Path tmp) throws Exception {
        Path image = DifferentialTest.imagesDir().resolve(libc).resolve("waitkill");
        EmuCli.Result r = EmuCli.run(tmp, "run", image.toString());
        assertThat(r.stdout()).as("stderr: %s", r.stderr()).isEqualTo("""
                kill(-1, 0) with no other process: -1 ESRCH
                waitpid(-1) with no child: -1 ECHILD
                waitpid(-1, WNOHANG) while they sleep: 0
                kill(-1, 0): 0
                kill(-1, SIGTERM): 0
                waitpid(-1): a child, killed by signal 15
                waitpid(-1): a child, killed by signal 15
                both children reaped: 1
                waitpid(-1) again: -1 ECHILD
                waitid(P_ALL): 0, child 1, status 42
                """);
        assertThat(r.status()).isZero();
    }
}

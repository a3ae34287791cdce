package dev.emu.emulator.unicorn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The kernel sees only its platform interfaces: no Unicorn, no java.lang.foreign. */
class GuestKernelIndependenceTest {

    @Test
    void guestkernelSourcesUseNeitherForeignMemoryNorTheEmulator() throws IOException {
        Path basedir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        Path sources = basedir.resolveSibling("guestkernel").resolve("src/main/java");
        assertThat(sources).isDirectory();
        List<Path> offenders;
        try (Stream<Path> files = Files.walk(sources)) {
            offenders = files.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    String text = Files.readString(p);
                    return text.contains("java.lang.foreign") || text.contains("dev.emu.emulator");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertThat(offenders).isEmpty();
    }
}

package dev.emu.kernel.profile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.kernel.loader.ElfSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Symbolisation against binutils' nm: the host's libc (.dynsym only) and a program compiled here (.symtab). */
class ElfSymbolsTest {
    private static final Path LIBC = Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6");

    @Test
    void everyFunctionOfTheHostLibcIsFoundByAnAddressInsideIt() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(LIBC), "no " + LIBC);
        ElfSymbols syms = ElfSymbols.read(ElfSource.of(Files.readAllBytes(LIBC)));
        List<String[]> nm = nm("-D", "-S", "--defined-only", LIBC.toString());
        // Names at each address (aliases: memcpy and __memcpy_chk's neighbours, strong and weak names).
        Map<Long, Set<String>> byAddress = new HashMap<>();
        List<long[]> functions = new ArrayList<>();
        for (String[] f : nm) {
            if (f.length == 4 && "TtWwi".contains(f[2])) {
                long addr = Long.parseUnsignedLong(f[0], 16), size = Long.parseUnsignedLong(f[1], 16);
                byAddress.computeIfAbsent(addr, a -> new HashSet<>()).add(f[3].replaceAll("@.*", ""));
                if (size > 0) {
                    functions.add(new long[] {addr, size});
                }
            }
        }
        assertThat(functions.size()).as("functions in libc's .dynsym").isGreaterThan(1000);
        assertThat(syms.firstLoad()).isZero();
        for (long[] fn : functions) {
            String name = syms.lookup(fn[0] + fn[1] / 2);
            assertThat(byAddress.get(fn[0])).as("the name found inside the function at 0x%x", fn[0]).contains(name);
        }
        long malloc = nm.stream().filter(f -> f.length == 4 && f[3].startsWith("malloc@"))
                .mapToLong(f -> Long.parseUnsignedLong(f[0], 16)).findFirst().orElseThrow();
        assertThat(syms.lookup(malloc)).isEqualTo("malloc");
    }

    @Test
    void aStaticProgramIsSymbolisedFromItsSymtab(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("p.c");
        Files.writeString(src, """
                __attribute__((noipa)) int inner(int x) { return x * 3 + 1; }
                __attribute__((noipa)) int outer(int x) { return inner(x) + inner(x + 1); }
                int main(int argc, char **argv) { (void) argv; return outer(argc) & 1; }
                """);
        Path exe = tmp.resolve("p");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-static", "-o", exe.toString(), src.toString())
                .redirectErrorStream(true).start();
        gcc.getInputStream().readAllBytes();
        Assumptions.assumeTrue(gcc.waitFor(120, TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc -static works here");
        ElfSymbols syms = ElfSymbols.read(ElfSource.of(Files.readAllBytes(exe)));
        assertThat(syms.firstLoad()).as("a static non-PIE program's first PT_LOAD").isEqualTo(0x400000);
        for (String[] f : nm("-S", "--defined-only", exe.toString())) {
            if (f.length == 4 && (f[3].equals("inner") || f[3].equals("outer") || f[3].equals("main"))) {
                long addr = Long.parseUnsignedLong(f[0], 16), size = Long.parseUnsignedLong(f[1], 16);
                assertThat(syms.lookup(addr)).isEqualTo(f[3]);
                assertThat(syms.lookup(addr + size - 1)).isEqualTo(f[3]);
            }
        }
        assertThat(syms.lookup(1)).isNull();
    }

    private static List<String[]> nm(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("nm"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            rows.add(line.trim().split("\\s+"));
        }
        return rows;
    }
}

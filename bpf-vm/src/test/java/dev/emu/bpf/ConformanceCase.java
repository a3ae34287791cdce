package dev.emu.bpf;

import dev.emu.bpf.tool.BpfTool;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One {@code conformance/*.data} file (bpf_conformance format: {@code -- asm}, {@code -- mem},
 * {@code -- result} or {@code -- error}), as the engine tests read it.
 *
 * @param result the expected r0, or null when none is given
 * @param error the expected fault or refusal text, or null when none is given
 */
public record ConformanceCase(String name, String asm, byte[] mem, Long result, String error) {

    /** Reads one data file. */
    public static ConformanceCase parse(Path p) throws IOException {
        String section = null;
        StringBuilder asm = new StringBuilder();
        StringBuilder mem = new StringBuilder();
        StringBuilder result = new StringBuilder();
        StringBuilder error = new StringBuilder();
        for (String line : Files.readAllLines(p)) {
            if (line.startsWith("-- ")) {
                section = line.substring(3).trim();
                continue;
            }
            if (section == null) {
                continue;
            }
            switch (section) {
                case "asm" -> asm.append(line).append('\n');
                case "mem" -> mem.append(line).append(' ');
                case "result" -> result.append(line.trim());
                case "error" -> error.append(line.trim());
                default -> { }
            }
        }
        String r = result.toString();
        Long expected = r.isEmpty() ? null : Long.parseUnsignedLong(r.replaceFirst("^0x", ""), 16);
        String name = p.getFileName().toString();
        return new ConformanceCase(name, asm.toString(), BpfTool.parseHex(mem.toString()), expected,
                error.isEmpty() ? null : error.toString());
    }

    /** Every {@code .data} file of the {@code /conformance} test resources, sorted by name. */
    public static List<Path> files() throws IOException, URISyntaxException {
        Path dir = Path.of(ConformanceCase.class.getResource("/conformance").toURI());
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.toString().endsWith(".data")).sorted().toList();
        }
    }
}

package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.emu.abi.bpf.BpfMapType;
import dev.emu.abi.bpf.BpfProgType;
import dev.emu.bpf.asm.Assembler;
import dev.emu.bpf.isa.Instruction;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential verifier corpus: the cases of {@code src/test/resources/verifier-corpus/*.txt}
 * (emu's BPF assembler syntax, a program type, maps, and Linux's expected verdict) are loaded with
 * BPF_PROG_LOAD by userspace-images/verifier_corpus.c, under emu always and natively when the host
 * allows bpf() (root). Every verdict — accepted, or refused with an errno — must be the case's
 * {@code expect}; a known difference states emu's verdict in {@code emu:} with the reason in
 * {@code why:}, so it is checked too and listed (docs/bpf-extensions.md, "Verifier corpus").
 *
 * <p>Case format (one case per {@code ===} header; {@code #} lines are comments):
 *
 * <pre>
 *   === name
 *   type: socket_filter            (default; kprobe, sched_cls, tracepoint, xdp, perf_event, raw_tracepoint)
 *   maps: array 4 8 4; hash 4 8 16 (TYPE KEY VALUE MAX [FLAGS]; map_fd(0) is the first)
 *   expect: ok                     (or the errno: EACCES, EINVAL, E2BIG, ...)
 *   emu: EACCES                    (only for a known difference)
 *   why: ...                       (its reason)
 *   mov r0, 0                      (the program, to the next ===)
 *   exit
 * </pre>
 */
@Tag("integration")
class VerifierCorpusTest {
    record Case(String name, String file, int type, List<String> maps, String expect, String emu, String why,
            String asm) {
        String emuExpect() {
            return emu != null ? emu : expect;
        }
    }

    /** One loader line: the verdict ("ok" or an errno), the processed count, the refusal's log line. */
    record Verdict(String verdict, long processed, String reason) {}

    @TempDir
    static Path tmp;

    static List<Case> cases;
    static Path input;

    @BeforeAll
    static void assemble() throws Exception {
        cases = readCorpus();
        StringBuilder sb = new StringBuilder();
        for (Case c : cases) {
            List<Instruction> insns = Assembler.assemble(c.asm());
            sb.append("case ").append(c.name()).append(' ').append(c.type()).append(' ').append(c.maps().size())
                    .append(' ').append(insns.size()).append('\n');
            for (String m : c.maps()) {
                sb.append("map ").append(m).append('\n');
            }
            for (Instruction in : insns) {
                long slot = (in.opcode() & 0xffL) | (long) (in.dst() & 0xf) << 8 | (long) (in.src() & 0xf) << 12
                        | (in.off() & 0xffffL) << 16 | (long) in.imm() << 32;
                sb.append(Long.toHexString(slot)).append('\n');
            }
        }
        input = tmp.resolve("cases.txt");
        Files.writeString(input, sb);
    }

    @Test
    void corpusHasTheIssuesCoverage() {
        assertThat(cases).hasSizeGreaterThanOrEqualTo(200);
        assertThat(cases.stream().map(Case::name).distinct().count()).isEqualTo(cases.size());
        assertThat(cases).filteredOn(c -> c.expect().equals("ok")).hasSizeGreaterThan(60);
        assertThat(cases).filteredOn(c -> !c.expect().equals("ok")).hasSizeGreaterThan(100);
    }

    @Test
    void emuGivesTheCorpusVerdicts() throws Exception {
        Map<String, Verdict> emu = parse(runEmu());
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            Verdict v = emu.get(c.name());
            if (v == null || !v.verdict().equals(c.emuExpect())) {
                wrong.add(c.file() + ": " + c.name() + ": expected " + c.emuExpect() + ", emu " + v);
            }
        }
        System.out.println(summary("emu", emu));
        assertThat(wrong).as("cases where emu's verdict is not the corpus'").isEmpty();
    }

    @Test
    void hostKernelGivesTheCorpusVerdicts() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "bpf() natively needs root");
        String out = run(List.of(image().toString(), input.toString()), "native");
        assumeFalse(out.startsWith("SKIP"), out.strip());
        Map<String, Verdict> host = parse(out);
        Map<String, Verdict> emu = parse(runEmu());
        List<String> wrong = new ArrayList<>();
        StringBuilder counts = new StringBuilder("processed insns, host vs emu (accepted by both):\n");
        for (Case c : cases) {
            Verdict h = host.get(c.name());
            if (h == null || !h.verdict().equals(c.expect())) {
                wrong.add(c.file() + ": " + c.name() + ": expected " + c.expect() + ", host " + h);
            }
            Verdict e = emu.get(c.name());
            if (h != null && e != null && h.verdict().equals("ok") && e.verdict().equals("ok")) {
                counts.append(String.format("  %-40s %8d %8d%s%n", c.name(), h.processed(), e.processed(),
                        h.processed() == e.processed() ? "" : "  *"));
            }
        }
        System.out.println(summary("host", host));
        System.out.println(counts);
        assertThat(wrong).as("cases where the host kernel's verdict is not the corpus'").isEmpty();
    }

    private static String summary(String who, Map<String, Verdict> got) {
        long known = cases.stream().filter(c -> c.emu() != null).count();
        long agree = cases.stream().filter(c -> got.containsKey(c.name())
                && got.get(c.name()).verdict().equals(who.equals("host") ? c.expect() : c.emuExpect())).count();
        Map<String, Integer> byReason = new TreeMap<>();
        cases.stream().filter(c -> c.emu() != null).forEach(c -> byReason.merge(c.why(), 1, Integer::sum));
        return "verifier corpus (" + who + "): " + cases.size() + " cases, " + agree + " as expected, " + known
                + " known differences " + byReason;
    }

    private static Path image() {
        Path image = DifferentialTest.imagesDir().resolve("glibc").resolve("verifier_corpus");
        assertThat(image).as("run `make -C userspace-images`").isRegularFile();
        return image;
    }

    private static String emuOutput;

    private static synchronized String runEmu() throws Exception {
        if (emuOutput == null) {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    "dev.emu.emulator.cli.EmuCommand", "run", "--serial-log", tmp.resolve("serial.log").toString(),
                    "--mount", tmp + ":/corpus:ro", image().toString(), "/corpus/cases.txt"));
            emuOutput = run(cmd, "emu");
        }
        return emuOutput;
    }

    private static Map<String, Verdict> parse(String out) {
        assertThat(out).contains("done");
        Map<String, Verdict> m = new LinkedHashMap<>();
        for (String line : out.lines().toList()) {
            String[] f = line.split(" ", 3);
            if (f.length < 2) {
                continue;
            }
            if (f[1].equals("ok")) {
                long p = f.length > 2 && f[2].startsWith("processed=") ? Long.parseLong(f[2].substring(10)) : -1;
                m.put(f[0], new Verdict("ok", p, ""));
            } else if (f[1].equals("-1") && f.length > 2) {
                int bar = f[2].indexOf(" | ");
                m.put(f[0], new Verdict(bar < 0 ? f[2] : f[2].substring(0, bar), -1, bar < 0 ? "" : f[2].substring(bar + 3)));
            } else if (f[1].equals("map")) {
                m.put(f[0], new Verdict("map " + (f.length > 2 ? f[2] : ""), -1, ""));
            }
        }
        return m;
    }

    private static String run(List<String> cmd, String name) throws Exception {
        Path out = tmp.resolve(name + ".out");
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(tmp.resolve(name + ".err").toFile()).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("%s finished", name).isTrue();
        assertThat(p.exitValue()).as("%s status (stderr: %s)", name, Files.readString(tmp.resolve(name + ".err")))
                .isZero();
        return Files.readString(out);
    }

    // ---- the corpus files

    static List<Case> readCorpus() throws IOException, URISyntaxException {
        Path dir = Path.of(VerifierCorpusTest.class.getResource("/verifier-corpus").toURI());
        List<Case> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".txt")).sorted().toList()) {
                out.addAll(parseFile(f.getFileName().toString(), Files.readString(f)));
            }
        }
        return out;
    }

    private static List<Case> parseFile(String file, String text) {
        List<Case> out = new ArrayList<>();
        String name = null;
        Map<String, String> keys = new LinkedHashMap<>();
        StringBuilder asm = new StringBuilder();
        for (String line : (text + "\n=== \n").lines().toList()) {
            String t = line.strip();
            if (t.startsWith("===")) {
                if (name != null) {
                    out.add(toCase(file, name, keys, asm.toString()));
                }
                name = t.substring(3).strip();
                keys = new LinkedHashMap<>();
                asm.setLength(0);
                continue;
            }
            if (name == null || t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            int colon = t.indexOf(':');
            String key = colon > 0 ? t.substring(0, colon) : "";
            if (asm.isEmpty() && List.of("type", "maps", "expect", "emu", "why").contains(key)) {
                keys.put(key, t.substring(colon + 1).strip());
            } else {
                asm.append(line).append('\n');
            }
        }
        return out;
    }

    private static Case toCase(String file, String name, Map<String, String> keys, String asm) {
        String where = file + ": " + name;
        assertThat(keys).as("%s needs expect:", where).containsKey("expect");
        assertThat(keys.containsKey("emu")).as("%s: emu: and why: go together", where).isEqualTo(keys.containsKey("why"));
        List<String> maps = new ArrayList<>();
        String spec = keys.getOrDefault("maps", "");
        for (String m : spec.split(";")) {
            if (m.isBlank()) {
                continue;
            }
            String[] f = m.strip().split("\\s+");
            int mapType = switch (f[0]) {
                case "array" -> BpfMapType.ARRAY;
                case "hash" -> BpfMapType.HASH;
                case "percpu_array" -> BpfMapType.PERCPU_ARRAY;
                case "percpu_hash" -> BpfMapType.PERCPU_HASH;
                case "lru_hash" -> BpfMapType.LRU_HASH;
                case "ringbuf" -> BpfMapType.RINGBUF;
                case "queue" -> BpfMapType.QUEUE;
                case "stack" -> BpfMapType.STACK;
                default -> throw new IllegalArgumentException(where + ": map type " + f[0]);
            };
            String rest = mapType == BpfMapType.RINGBUF ? "0 0 " + f[1] + " 0"
                    : f[1] + " " + f[2] + " " + f[3] + " " + (f.length > 4 ? f[4] : "0");
            maps.add(mapType + " " + rest);
        }
        int type = switch (keys.getOrDefault("type", "socket_filter")) {
            case "socket_filter" -> BpfProgType.SOCKET_FILTER;
            case "kprobe" -> BpfProgType.KPROBE;
            case "sched_cls" -> BpfProgType.SCHED_CLS;
            case "tracepoint" -> BpfProgType.TRACEPOINT;
            case "xdp" -> BpfProgType.XDP;
            case "perf_event" -> BpfProgType.PERF_EVENT;
            case "raw_tracepoint" -> BpfProgType.RAW_TRACEPOINT;
            default -> throw new IllegalArgumentException(where + ": program type " + keys.get("type"));
        };
        return new Case(name, file, type, maps, keys.get("expect"), keys.get("emu"), keys.get("why"), asm);
    }
}

package dev.emu.emulator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The suite's output: a fixed-width table for people and JSON for tracking over time. */
final class Report {
    /** Where the numbers came from. */
    record Machine(int cpus, String cpuModel, String jdk, String os, String qemu) {
        static Machine detect(boolean haveQemu) {
            String model = "unknown";
            try {
                model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                        .filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
                        .findFirst().orElse(model);
            } catch (IOException e) {
                // keep "unknown": the table is still useful without the model name
            }
            String qemu = "absent";
            if (haveQemu) {
                try {
                    qemu = Runner.run(List.of("qemu-x86_64", "--version")).output().lines().findFirst().orElse("?");
                } catch (IOException | Runner.RunFailed e) {
                    qemu = "unknown version";
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new Machine(Runtime.getRuntime().availableProcessors(), model,
                    System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.version"), qemu);
        }
    }

    static final List<String> HEADER = List.of("row", "unit", "emu", "qemu-user", "native", "emu/qemu",
            "emu/native", "target", "met");

    private final Machine machine;
    private final BenchSuite.Options options;
    private final List<Row> rows;

    Report(Machine machine, BenchSuite.Options options, List<Row> rows) {
        this.machine = machine;
        this.options = options;
        this.rows = rows;
    }

    /** The table, a machine line above it, notes below. Markdown-compatible (pipes). */
    String table() {
        List<List<String>> cells = new ArrayList<>();
        cells.add(HEADER);
        for (Row r : rows) {
            cells.add(List.of(r.name(), r.unit(), num(r.emu()), num(r.qemu()), num(r.nativeValue()),
                    ratio(r.emuOverQemu()), ratio(r.emuOverNative()), r.target(),
                    r.met() == null ? "" : r.met() ? "yes" : "NO"));
        }
        int[] w = new int[HEADER.size()];
        for (List<String> row : cells) {
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.max(w[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("machine: %d CPUs, %s; %s; %s; qemu: %s; median of %d reps%s%n%n", machine.cpus(),
                machine.cpuModel(), machine.jdk(), machine.os(), machine.qemu(), options.reps(),
                options.quick() ? " (--quick: tiny counts, not comparable)" : ""));
        for (int r = 0; r < cells.size(); r++) {
            sb.append('|');
            for (int i = 0; i < w.length; i++) {
                String c = cells.get(r).get(i);
                boolean right = i >= 2 && i <= 6;
                sb.append(' ').append(right ? pad(c, w[i], true) : pad(c, w[i], false)).append(" |");
            }
            sb.append('\n');
            if (r == 0) {
                sb.append('|');
                for (int i = 0; i < w.length; i++) {
                    sb.append(i >= 2 && i <= 6 ? "-".repeat(w[i] + 1) + ":" : "-".repeat(w[i] + 2)).append('|');
                }
                sb.append('\n');
            }
        }
        for (Row r : rows) {
            if (!r.note().isEmpty()) {
                sb.append(String.format("  %-16s %s%n", r.id() + ":", r.note()));
            }
        }
        return sb.toString();
    }

    String json() {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"date\": ").append(str(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
        sb.append(",\n  \"reps\": ").append(options.reps());
        sb.append(",\n  \"quick\": ").append(options.quick());
        sb.append(",\n  \"machine\": {\"cpus\": ").append(machine.cpus())
                .append(", \"cpu_model\": ").append(str(machine.cpuModel()))
                .append(", \"jdk\": ").append(str(machine.jdk()))
                .append(", \"os\": ").append(str(machine.os()))
                .append(", \"qemu\": ").append(str(machine.qemu())).append("}");
        sb.append(",\n  \"rows\": [");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"id\": ").append(str(r.id()))
                    .append(", \"name\": ").append(str(r.name()))
                    .append(", \"unit\": ").append(str(r.unit()))
                    .append(", \"emu\": ").append(jnum(r.emu()))
                    .append(", \"qemu\": ").append(jnum(r.qemu()))
                    .append(", \"native\": ").append(jnum(r.nativeValue()))
                    .append(", \"emu_over_qemu\": ").append(jnum(r.emuOverQemu()))
                    .append(", \"emu_over_native\": ").append(jnum(r.emuOverNative()))
                    .append(", \"target\": ").append(str(r.target()))
                    .append(", \"met\": ").append(r.met() == null ? "null" : r.met().toString())
                    .append(", \"command\": ").append(str(r.how()))
                    .append(", \"note\": ").append(str(r.note())).append("}");
        }
        sb.append("\n  ]\n}\n");
        return sb.toString();
    }

    /** Three significant digits or so, grouped thousands for big numbers. */
    static String num(Double v) {
        if (v == null) {
            return "-";
        }
        double a = Math.abs(v);
        String f = a >= 1000 ? "%,.0f" : a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, f, v);
    }

    static String ratio(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, a(v), v) + "x";
    }

    private static String a(double v) {
        return v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f";
    }

    private static String pad(String s, int w, boolean right) {
        String sp = " ".repeat(w - s.length());
        return right ? sp + s : s + sp;
    }

    private static String jnum(Double v) {
        return v == null || v.isNaN() || v.isInfinite() ? "null" : String.format(Locale.ROOT, "%.6g", v);
    }

    static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}

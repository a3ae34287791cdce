package dev.emu.emulator.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The start-up fast path of {@code emu run}: fills a {@link RunCommand} from a well-formed
 * command line without picocli. picocli's ~170 classes are compiled for Java 5, which the JDK's
 * AOT cache cannot hold, and its set-up (annotation scan, terminal detection) cost more than
 * the rest of a short run together (docs/performance.md, "startup").
 *
 * <p>Anything it does not recognise — help, an unknown option, a malformed number, {@code --} —
 * returns null, and picocli parses the same arguments and reports the problem as before.
 * {@code RunArgsTest} checks that every {@code @Option} of RunCommand is known here and that both
 * parsers agree.
 */
final class RunArgs {
    private RunArgs() {}

    /** The options with a value; a value follows as the next word or after '='. */
    static final Set<String> WITH_VALUE = Set.of("--env", "--serial-log", "--trace-file", "--clock", "--seed",
            "--tick-hz", "--max-blocks", "--max-instructions", "--gdb", "--timeout", "--expect", "--memory",
            "--mount", "--root", "--workdir", "--net", "--profile-out", "--profile-unwind", "--with");
    /** Flags; {@code --trace-syscalls} and {@code --profile} take a value only after '='. */
    static final Set<String> FLAGS = Set.of("--trace-syscalls", "--trace-time", "--gdb-wait", "-v", "--verbose",
            "--profile");

    /** {@code args} after "run"; null when picocli must parse them. */
    static RunCommand parse(List<String> args) {
        RunCommand c = new RunCommand();
        c.clock = "virtual";
        c.net = "loopback";
        c.tickHz = 100;
        c.gdbPort = -1;
        c.profileUnwind = "cfi";
        int i = 0;
        try {
            for (; i < args.size(); i++) {
                String a = args.get(i);
                if (!a.startsWith("-") || a.equals("-")) {
                    break; // IMAGE: everything after it belongs to the guest
                }
                int eq = a.indexOf('=');
                String name = eq < 0 ? a : a.substring(0, eq);
                String value = eq < 0 ? null : a.substring(eq + 1);
                if (FLAGS.contains(name)) {
                    if (name.equals("--trace-syscalls")) {
                        c.traceSyscalls = value == null ? "" : value;
                        continue;
                    }
                    if (name.equals("--profile")) {
                        c.profile = value == null ? "" : value;
                        continue;
                    }
                    if (value != null) {
                        return null;
                    }
                    switch (name) {
                        case "--trace-time" -> c.traceTime = true;
                        case "--gdb-wait" -> c.gdbWait = true;
                        default -> c.verbose = true;
                    }
                    continue;
                }
                if (!WITH_VALUE.contains(name)) {
                    return null;
                }
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        return null;
                    }
                    value = args.get(++i);
                }
                switch (name) {
                    case "--env" -> c.env.add(value);
                    case "--serial-log" -> c.serialLog = value;
                    case "--trace-file" -> c.traceFile = Path.of(value);
                    case "--clock" -> c.clock = value;
                    case "--seed" -> c.seed = Long.parseLong(value);
                    case "--tick-hz" -> c.tickHz = Integer.parseInt(value);
                    case "--max-blocks" -> c.maxBlocks = Long.parseLong(value);
                    case "--max-instructions" -> c.maxInstructions = Long.parseLong(value);
                    case "--gdb" -> c.gdbPort = Integer.parseInt(value);
                    case "--timeout" -> c.timeout = Double.parseDouble(value);
                    case "--expect" -> c.expect = Path.of(value);
                    case "--memory" -> c.memory = value;
                    case "--mount" -> c.mounts.add(value);
                    case "--root" -> c.root = Path.of(value);
                    case "--workdir" -> c.workdir = value;
                    case "--net" -> c.net = value;
                    case "--profile-out" -> c.profileOut = Path.of(value);
                    case "--profile-unwind" -> c.profileUnwind = value;
                    case "--with" -> c.with = value;
                    default -> throw new IllegalStateException(name);
                }
            }
        } catch (NumberFormatException | java.nio.file.InvalidPathException e) {
            return null;
        }
        if (i >= args.size()) {
            return null; // no IMAGE: picocli's usage message
        }
        c.image = args.get(i);
        c.args.addAll(args.subList(i + 1, args.size()));
        return c;
    }
}

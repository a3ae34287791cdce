package dev.emu.kernel.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The argument fields of Linux's syscalls:sys_enter_NAME events: the SYSCALL_DEFINE names and
 * types, as a Linux x86_64 host's tracefs format files list them (generated into
 * abi's syscall-trace-args.txt by scripts/gen-syscall-trace-args).
 */
final class SyscallTraceArgs {
    /** One declared argument: {@code const char * filename} is type "const char *", name "filename". */
    record Arg(String type, String name) {}

    private static final Map<String, List<Arg>> BY_NAME = load();

    private SyscallTraceArgs() {}

    /** The arguments of syscall {@code name}, or null if Linux has no sys_enter event for it. */
    static List<Arg> of(String name) {
        return BY_NAME.get(name);
    }

    private static Map<String, List<Arg>> load() {
        Map<String, List<Arg>> m = new HashMap<>();
        try (InputStream in = SyscallTraceArgs.class.getResourceAsStream("/dev/emu/abi/syscall-trace-args.txt")) {
            if (in == null) {
                throw new IllegalStateException("syscall-trace-args.txt missing from the abi module");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t");
                Arg[] args = new Arg[cols.length - 1];
                for (int i = 1; i < cols.length; i++) {
                    int sp = cols[i].lastIndexOf(' ');
                    args[i - 1] = new Arg(cols[i].substring(0, sp), cols[i].substring(sp + 1));
                }
                m.put(cols[0], List.of(args));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }
}

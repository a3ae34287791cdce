package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.BpfCommand;
import dev.emu.abi.bpf.BpfFlags;
import dev.emu.abi.bpf.BpfHelperId;
import dev.emu.abi.bpf.BpfMapType;
import dev.emu.abi.bpf.BpfProgType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The abi/ bpf constants against the machine's {@code <linux/bpf.h>}: a C program compiled with the
 * host's headers prints command numbers, map and program types, helper ids, flags and attr / info
 * offsets; every one must equal the abi/ constant of the same name.
 */
@Tag("integration")
class BpfAbiCrossCheckTest {
    @TempDir
    Path tmp;

    @Test
    void abiConstantsMatchTheHostHeader() throws Exception {
        assumeTrue(Files.exists(Path.of("/usr/include/linux/bpf.h")), "no <linux/bpf.h> (apt-get install linux-libc-dev)");
        Path src = Path.of(getClass().getResource("/bpf/abi_dump.c").toURI());
        Path exe = tmp.resolve("abi_dump");
        Process cc = new ProcessBuilder("gcc", "-O0", src.toString(), "-o", exe.toString()).redirectErrorStream(true).start();
        assertThat(cc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cc.exitValue()).as(new String(cc.getInputStream().readAllBytes())).isZero();
        Process run = new ProcessBuilder(exe.toString()).start();
        String out = new String(run.getInputStream().readAllBytes());
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();

        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (String line : out.split("\n")) {
            String[] kv = line.split(" ");
            long host = Long.parseLong(kv[1]);
            Number ours = lookup(kv[0]);
            checked++;
            if (ours == null) {
                mismatches.add(kv[0] + ": missing in abi/ (host " + host + ")");
            } else if (ours.longValue() != host) {
                mismatches.add(kv[0] + ": abi/ " + ours + ", host " + host);
            }
        }
        assertThat(checked).isGreaterThan(100);
        assertThat(mismatches).isEmpty();
    }

    private static Number lookup(String name) {
        if (name.equals("sizeof.bpf_map_info")) {
            return BpfAttr.MAP_INFO_SIZE;
        }
        if (name.startsWith("BPF_MAP_TYPE_")) {
            return field(BpfMapType.class, name.substring(13));
        }
        if (name.startsWith("BPF_PROG_TYPE_")) {
            return field(BpfProgType.class, name.substring(14));
        }
        if (name.startsWith("BPF_FUNC_")) {
            return field(BpfHelperId.class, name.substring(9).toUpperCase(Locale.ROOT));
        }
        if (name.startsWith("BPF_")) {
            Number n = field(BpfCommand.class, name.substring(4));
            return n != null ? n : field(BpfFlags.class, name);
        }
        return field(BpfAttr.class, name);
    }

    private static Number field(Class<?> c, String name) {
        try {
            return (Number) c.getField(name).get(null);
        } catch (NoSuchFieldException e) {
            return null;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}

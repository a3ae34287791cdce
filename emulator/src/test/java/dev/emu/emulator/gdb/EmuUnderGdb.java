package dev.emu.emulator.gdb;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** `emu run --gdb 0 --gdb-wait IMAGE` as a subprocess, with the port it chose. */
final class EmuUnderGdb implements AutoCloseable {
    private static final Pattern PORT = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");

    final Process process;
    final int port;
    final Path stdout;
    private final StringBuilder stderr = new StringBuilder();

    EmuUnderGdb(Path tmp, String image, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.emu.emulator.cli.EmuCommand", "run", "--gdb", "0", "--gdb-wait"));
        cmd.addAll(List.of(extra));
        cmd.add(image);
        stdout = tmp.resolve("emu-stdout-" + System.nanoTime());
        process = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(stdout.toFile()).start();
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        String line = err.readLine();
        if (line == null) {
            throw new IOException("emu exited before listening");
        }
        stderr.append(line).append('\n');
        Matcher m = PORT.matcher(line);
        if (!m.find()) {
            throw new IOException("no port in: " + line);
        }
        port = Integer.parseInt(m.group(1));
        Thread.ofPlatform().daemon().start(() -> {
            try {
                String l;
                while ((l = err.readLine()) != null) {
                    synchronized (stderr) {
                        stderr.append(l).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
    }

    int waitFor() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            String threads = "";
            try {
                Process js = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                        Long.toString(process.pid())).redirectErrorStream(true).start();
                threads = new String(js.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                threads = e.toString();
            }
            process.destroyForcibly();
            throw new AssertionError("emu did not exit; stderr:\n" + stderr() + "\nthreads:\n" + threads);
        }
        return process.exitValue();
    }

    String stdout() throws IOException {
        return Files.readString(stdout);
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    static Path imagesDir() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("userspace-images"))) {
                return d.resolve("userspace-images").resolve("build");
            }
        }
        throw new IllegalStateException("no userspace-images/ above " + System.getProperty("user.dir"));
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}

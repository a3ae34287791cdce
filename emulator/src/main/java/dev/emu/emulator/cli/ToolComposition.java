package dev.emu.emulator.cli;

import dev.emu.emulator.ImageLookup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code emu run --with "TOOL ARGS" IMAGE ARGS}: the guest's pid 1 becomes
 * {@code tool_run TOOL ARGS -- IMAGE ARGS} (userspace-images/tools/tool_run.c), which starts the
 * tracing tool, waits for its first line (its header: the tool is attached), runs the workload,
 * then ends the tool with SIGINT so it prints its summary; everything on the console and the
 * serial log. TOOL and IMAGE are found as IMAGE always is (a path, or a bare name in
 * $EMU_IMAGE_PATH and userspace-images/build/), and also in the tools/ directory under each.
 *
 * @param image the image to run (tool_run)
 * @param args its arguments
 * @param visible the host files the guest must see at their own paths (the tool and the workload)
 */
record ToolComposition(Path image, List<String> args, List<Path> visible) {

    /** The composition; IllegalArgumentException saying what is missing when a part cannot be found. */
    static ToolComposition of(ImageLookup lookup, String with, String workload, List<String> workloadArgs) {
        List<String> words = Arrays.stream(with.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
        if (words.isEmpty()) {
            throw new IllegalArgumentException("--with needs a tool, e.g. --with \"opensnoop -x\"");
        }
        Path runner = find(lookup, "tool_run");
        if (runner == null) {
            throw new IllegalArgumentException("--with: tool_run not found (build it: make -C userspace-images tools)");
        }
        Path tool = find(lookup, words.getFirst());
        if (tool == null) {
            throw new IllegalArgumentException("--with: " + words.getFirst() + ": no such tool (looked in " + lookup.searchPath() + " and their tools/)");
        }
        Path program = lookup.resolve(workload);
        if (program == null) {
            throw new IllegalArgumentException(workload + ": no such image (looked in the current directory"
                    + (workload.contains("/") ? "" : " and " + lookup.searchPath()) + ")");
        }
        List<String> args = new ArrayList<>();
        args.add(abs(tool));
        args.addAll(words.subList(1, words.size()));
        args.add("--");
        args.add(abs(program));
        args.addAll(workloadArgs);
        return new ToolComposition(Path.of(abs(runner)), args, List.of(Path.of(abs(tool)), Path.of(abs(program))));
    }

    private static Path find(ImageLookup lookup, String name) {
        Path p = lookup.resolve(name);
        if (p != null || name.contains("/")) {
            return p;
        }
        for (Path dir : lookup.searchPath()) {
            Path t = dir.resolve("tools").resolve(name);
            if (java.nio.file.Files.isRegularFile(t)) {
                return t;
            }
        }
        return null;
    }

    private static String abs(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }
}

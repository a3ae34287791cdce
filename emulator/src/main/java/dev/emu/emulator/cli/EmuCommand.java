package dev.emu.emulator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `emu`: the command-line entry point. */
@Command(name = "emu", mixinStandardHelpOptions = true, versionProvider = EmuCommand.Version.class,
        description = "A full-system x86_64 emulator hosting a Java guest kernel with an eBPF subsystem.",
        subcommands = {RunCommand.class, SyscallsCommand.class, BpfCommand.class})
public final class EmuCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: run, syscalls or bpf");
    }

    /** {@code emu --version}: emu's version and the Unicorn library in use (path and uc_version). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"emu 0.1.0", dev.emu.emulator.unicorn.UnicornPlatform.libraryDescription()};
        }
    }

    public static void main(String[] args) {
        dev.emu.emulator.StartupTrace.mark("main");
        int status = execute(args);
        dev.emu.emulator.StartupTrace.mark("exit");
        dev.emu.emulator.StartupTrace.report();
        System.exit(status);
    }

    /** Runs the CLI and returns the exit status (2 for bad usage, as picocli reports it). */
    public static int execute(String... args) {
        if (args.length > 0 && args[0].equals("run")) {
            // Start-up: libunicorn loads on a second thread while the kernel boots.
            dev.emu.emulator.unicorn.UnicornPreload.start();
            // Start-up fast path: a well-formed `run` needs no picocli (RunArgs).
            RunCommand run = RunArgs.parse(java.util.Arrays.asList(args).subList(1, args.length));
            if (run != null) {
                return run.call();
            }
        }
        CommandLine cl = new CommandLine(new EmuCommand());
        cl.setExitCodeExceptionMapper(e -> 2);
        // Everything after IMAGE belongs to the guest, even words that look like emu options.
        cl.getSubcommands().get("run").setStopAtPositional(true);
        return cl.execute(args);
    }
}

package dev.emu.emulator.cli;

import dev.emu.bpf.tool.BpfTool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `emu bpf …`: drive the eBPF VM without booting a guest. */
@Command(name = "bpf", mixinStandardHelpOptions = true,
        description = "Assemble, disassemble and run eBPF programs with emu's BPF VM.",
        subcommands = {BpfCommand.Asm.class, BpfCommand.Disasm.class, BpfCommand.Exec.class, BpfCommand.Verify.class})
public final class BpfCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing bpf command: asm, disasm or exec");
    }

    @Command(name = "asm", mixinStandardHelpOptions = true,
            description = "Assemble FILE (conformance-suite syntax) to raw bytecode on stdout.")
    static final class Asm implements Callable<Integer> {
        @Parameters(paramLabel = "FILE") Path file;
        @Option(names = "--hex", description = "Print space-separated hex bytes instead of raw bytes.") boolean hex;

        @Override
        public Integer call() {
            return BpfTool.asm(file, hex, System.out, System.err);
        }
    }

    @Command(name = "disasm", mixinStandardHelpOptions = true, description = "Disassemble raw bytecode FILE.")
    static final class Disasm implements Callable<Integer> {
        @Parameters(paramLabel = "FILE") Path file;

        @Override
        public Integer call() {
            return BpfTool.disasm(file, System.out, System.err);
        }
    }

    @Command(name = "exec", mixinStandardHelpOptions = true,
            description = {"Run a program with the bpf_conformance plugin protocol: the program is one line of",
                "hex bytes on stdin; MEMORY (hex bytes) is the input memory (r1 = its address, r2 = its length).",
                "Prints r0 in hex and exits 0, or prints the reason on stderr and exits 1."})
    static final class Exec implements Callable<Integer> {
        @Parameters(paramLabel = "MEMORY", arity = "0..1") String memory;
        @Option(names = "--interpret", description = "Use the interpreter (the reference engine).") boolean interpret;
        @Option(names = "--jit", description = "Use the JIT to JVM bytecode (the default).") boolean jit;

        @Override
        public Integer call() throws IOException {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
            if (interpret && jit) {
                System.err.println("emu bpf exec: --interpret and --jit exclude each other");
                return 2;
            }
            return BpfTool.exec(line == null ? "" : line, memory, interpret, System.out, System.err);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Run the verifier on FILE (assembly text or raw bytecode) and print its log.",
                "Exit status 0 when the program is accepted, 1 when it is refused."})
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "FILE") Path file;
        @Option(names = "--type", paramLabel = "TYPE", defaultValue = "emu_timer",
                description = "Program type: emu_timer (default), socket_filter, sched_cls, xdp or raw_memory.")
        String type;
        @Option(names = "--map", paramLabel = "FD:TYPE:KEY:VALUE:ENTRIES",
                description = "Declare a map the program refers to with lddw map_fd(FD), e.g. 3:array:4:8:1 or 4:ringbuf:0:0:4096.")
        java.util.List<String> maps = new java.util.ArrayList<>();
        @Option(names = "--log-level", paramLabel = "N", defaultValue = "1", description = "0, 1 (default) or 2, as Linux's log_level.")
        int logLevel;

        @Override
        public Integer call() {
            dev.emu.bpf.verifier.ProgramType t = dev.emu.kernel.bpf.KernelProgramTypes.byName(type);
            if (t == null) {
                System.err.println("emu bpf verify: unknown program type '" + type + "' (emu_timer, socket_filter, sched_cls, xdp, raw_memory)");
                return 2;
            }
            return BpfTool.verify(file, t, maps, logLevel, System.out, System.err);
        }
    }
}

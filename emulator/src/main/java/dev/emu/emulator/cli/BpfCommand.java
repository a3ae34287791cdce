package dev.emu.emulator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `emu bpf …`: drive the eBPF VM without booting a guest. */
@Command(name = "bpf", mixinStandardHelpOptions = true,
        description = "Assemble, disassemble and run eBPF programs with emu's BPF VM.")
public final class BpfCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing bpf command");
    }
}

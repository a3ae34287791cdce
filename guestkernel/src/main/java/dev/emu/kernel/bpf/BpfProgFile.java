package dev.emu.kernel.bpf;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;

/**
 * The open file behind a program fd ("anon_inode:bpf-prog", Linux's bpf_prog_fops). Holds one
 * reference on the program; the program's last reference detaches it and drops its maps.
 */
public final class BpfProgFile extends File {
    /** Immutable. */
    private final BpfProgram program;

    BpfProgFile(BpfProgram program) {
        super(0);
        this.program = program;
        program.retain();
    }

    public BpfProgram program() {
        return program;
    }

    @Override
    public FileStat stat() {
        return new FileStat(0xd, 20_000 + program.id(), 0600, 1, 0, 0, 0, 0, 4096, 0);
    }

    @Override
    public String describe() {
        return "anon_inode:bpf-prog";
    }

    @Override
    protected void onRelease() {
        program.release();
    }
}

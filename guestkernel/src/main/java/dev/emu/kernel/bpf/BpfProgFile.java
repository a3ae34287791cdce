package dev.emu.kernel.bpf;

/**
 * The open file behind a program fd ("anon_inode:bpf-prog", Linux's bpf_prog_fops). Holds one
 * reference on the program; the program's last reference detaches it and drops its maps.
 */
public final class BpfProgFile extends BpfObjectFile {
    /** Immutable. */
    private final BpfProgram program;

    BpfProgFile(BpfProgram program) {
        super(0, 20_000 + program.id(), "anon_inode:bpf-prog");
        this.program = program;
        program.retain();
    }

    public BpfProgram program() {
        return program;
    }

    /** Bpf_prog_fops has no poll: always ready, and epoll refuses it (EPERM). */
    @Override
    public boolean pollable() {
        return false;
    }

    @Override
    protected void onRelease() {
        program.release();
    }
}

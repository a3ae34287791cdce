package dev.emu.kernel.bpf;

/** The open file behind a BTF fd ("anon_inode:btf", Linux's btf_fops). Holds one reference on the BTF. */
public final class BtfFile extends BpfObjectFile {
    /** Immutable. */
    private final BtfObject btf;

    BtfFile(BtfObject btf) {
        super(0, 30_000 + btf.id(), "anon_inode:btf");
        this.btf = btf;
        btf.retain();
    }

    public BtfObject btf() {
        return btf;
    }

    /** Btf_fops has no poll. */
    @Override
    public boolean pollable() {
        return false;
    }

    @Override
    protected void onRelease() {
        btf.release();
    }
}

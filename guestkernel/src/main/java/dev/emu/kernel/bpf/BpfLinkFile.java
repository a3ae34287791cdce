package dev.emu.kernel.bpf;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;

/** The open file behind a link fd ("anon_inode:bpf_link", Linux's bpf_link_fops): one reference on the link. */
public final class BpfLinkFile extends File {
    private final BpfLink link;

    BpfLinkFile(BpfLink link) {
        super(0);
        this.link = link;
        link.retain();
    }

    public BpfLink link() {
        return link;
    }

    @Override
    public FileStat stat() {
        return new FileStat(0xd, 30_000 + link.id(), 0600, 1, 0, 0, 0, 0, 4096, 0);
    }

    @Override
    public String describe() {
        return "anon_inode:bpf_link";
    }

    /** bpf_link_fops has no poll. */
    @Override
    public boolean pollable() {
        return false;
    }

    @Override
    protected void onRelease() {
        link.release();
    }
}

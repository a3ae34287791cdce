package dev.emu.kernel.bpf;

import dev.emu.bpf.btf.Btf;

/**
 * A loaded BTF object as the kernel holds it (Linux's struct btf after btf_parse): the checked
 * blob and its global id. Reference-counted by its fds and by the maps and programs that use it
 * (btf_get / btf_put); the last put frees the id.
 */
public final class BtfObject {
    private final BpfSubsystem owner;
    /** Immutable. */
    private final int id;
    private final Btf btf;
    private int references;
    /** "vmlinux" for the kernel's BTF; null for BTF loaded by user space (which has no name). */
    private final String name;

    BtfObject(BpfSubsystem owner, int id, Btf btf) {
        this(owner, id, btf, null);
    }

    BtfObject(BpfSubsystem owner, int id, Btf btf, String name) {
        this.owner = owner;
        this.id = id;
        this.btf = btf;
        this.name = name;
    }

    /** The kernel's (or a module's) BTF: bpf_btf_info.kernel_btf. */
    public boolean kernel() {
        return name != null;
    }

    /** The name bpf_btf_info reports ("" for user BTF). */
    public String name() {
        return name == null ? "" : name;
    }

    public int id() {
        return id;
    }

    public Btf btf() {
        return btf;
    }

    /** Host memory the object holds: its blob and the decoded types (charged while it is loaded). */
    static long memoryCost(int size) {
        return 4096L + 2L * size;
    }

    long memoryCost() {
        return memoryCost(btf.size());
    }

    void retain() {
        references++;
    }

    void release() {
        if (--references == 0) {
            owner.forget(this);
        }
    }

    @Override
    public String toString() {
        return "btf " + id;
    }
}

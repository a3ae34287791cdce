package dev.emu.kernel.vfs.sysfs;

import dev.emu.abi.perf.PerfEventAttr;
import dev.emu.kernel.vfs.kernfs.KernDir;
import dev.emu.kernel.vfs.kernfs.KernFile;
import dev.emu.kernel.vfs.kernfs.KernFilesystem;

/**
 * /sys: what emu's one-CPU machine has. The CPU topology glibc, libbpf and nproc read
 * (devices/system/cpu/{online,possible,present}), and the directories later work fills:
 * kernel/btf, fs/bpf, kernel/tracing, kernel/debug.
 */
public final class SysFilesystem extends KernFilesystem {
    /** SYSFS_MAGIC. */
    private static final long MAGIC = 0x62656572L;

    public SysFilesystem(long dev, long bootNanos) {
        this(dev, bootNanos, null);
    }

    /** With {@code vmlinuxBtf}: /sys/kernel/btf/vmlinux, the kernel's BTF (btf_vmlinux's sysfs file, 0444). */
    public SysFilesystem(long dev, long bootNanos, java.util.function.Supplier<byte[]> vmlinuxBtf) {
        super("sysfs", dev, MAGIC, bootNanos);
        KernDir root = new KernDir(this, 0555);
        setRoot(root);
        KernDir cpu = root.dir("devices").dir("system").dir("cpu");
        for (String f : new String[] {"online", "possible", "present"}) {
            cpu.add(f, KernFile.of(this, "0\n"));
        }
        cpu.dir("cpu0");
        KernDir kernel = root.dir("kernel");
        KernDir btf = kernel.dir("btf");
        if (vmlinuxBtf != null) {
            btf.add("vmlinux", new dev.emu.kernel.vfs.kernfs.KernBlobFile(this, 0444, vmlinuxBtf));
        }
        kernel.dir("tracing");
        kernel.dir("debug").dir("tracing");
        kernel.dir("mm");
        KernDir fs = root.dir("fs");
        fs.dir("bpf");
        fs.dir("cgroup");
        // The PMUs perf_event_open knows (perf_pmu_register): their type numbers and the kprobe
        // PMU's config bit for return probes, which libbpf reads to attach kprobes.
        KernDir pmus = root.dir("bus").dir("event_source").dir("devices");
        pmus.dir("software").add("type", KernFile.of(this, PerfEventAttr.TYPE_SOFTWARE + "\n"));
        pmus.dir("tracepoint").add("type", KernFile.of(this, PerfEventAttr.TYPE_TRACEPOINT + "\n"));
        KernDir kprobe = pmus.dir("kprobe");
        kprobe.add("type", KernFile.of(this, PerfEventAttr.TYPE_KPROBE + "\n"));
        kprobe.dir("format").add("retprobe", KernFile.of(this, "config:0\n"));
        root.dir("class");
        root.dir("dev");
        root.dir("block");
        root.dir("firmware");
        root.dir("module");
        root.dir("power");
    }
}

package dev.emu.kernel.vfs.procfs;

import dev.emu.kernel.Kernel;
import dev.emu.kernel.mm.Vma;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.TaskState;
import dev.emu.kernel.vfs.MountTable;
import dev.emu.kernel.vfs.kernfs.KernDir;
import dev.emu.kernel.vfs.kernfs.KernFile;
import dev.emu.kernel.vfs.kernfs.KernSymlink;

/**
 * The system-wide files of /proc, consistent with the rest of emu: uname's release, one CPU (the
 * qemu64 model Unicorn emulates), the virtual clock's uptime, emu's processes and mounts.
 */
public final class ProcSystemFiles {
    private ProcSystemFiles() {}

    /** What meminfo reports as installed memory. */
    public static final long MEM_TOTAL_KB = 4L << 20;
    static final String RELEASE = "6.1.0-emu";
    static final String VERSION = "#1 SMP PREEMPT emu guest kernel";

    static void addTo(KernDir root, ProcFilesystem fs, Kernel k, MountTable mounts) {
        root.add("cpuinfo", new KernFile(fs, 0444, t -> cpuinfo()));
        root.add("meminfo", new KernFile(fs, 0444, t -> meminfo(k)));
        root.add("uptime", new KernFile(fs, 0444, t -> {
            long ns = k.clock().nanos();
            return String.format("%d.%02d %d.%02d%n", ns / 1_000_000_000L, ns / 10_000_000L % 100,
                    ns / 1_000_000_000L, ns / 10_000_000L % 100);
        }));
        root.add("loadavg", new KernFile(fs, 0444, t -> {
            long running = k.processes().stream().filter(p -> !p.zombie()).count();
            int last = k.processes().stream().mapToInt(GuestProcess::pid).max().orElse(1);
            return "0.00 0.00 0.00 1/" + running + " " + last + "\n";
        }));
        root.add("stat", new KernFile(fs, 0444, t -> stat(k)));
        root.add("version", KernFile.of(fs, "Linux version " + RELEASE + " (emu@emu) (javac) " + VERSION + "\n"));
        root.add("filesystems", KernFile.of(fs,
                "nodev\tsysfs\nnodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tproc\nnodev\thostfs\nnodev\tbpf\n"));
        root.add("mounts", KernSymlink.to(fs, "self/mounts"));
        root.add("cmdline", KernFile.of(fs, "emu\n"));
        KernDir kernel = root.dir("sys").dir("kernel");
        kernel.add("ostype", KernFile.of(fs, "Linux\n"));
        kernel.add("osrelease", KernFile.of(fs, RELEASE + "\n"));
        kernel.add("version", KernFile.of(fs, VERSION + "\n"));
        kernel.add("hostname", KernFile.of(fs, "emu\n"));
        kernel.add("domainname", KernFile.of(fs, "(none)\n"));
        kernel.add("pid_max", KernFile.of(fs, "4194304\n"));
        kernel.add("ngroups_max", KernFile.of(fs, "65536\n"));
        // bpf() needs no capability in emu (the guest is root), and every program is JIT-compiled.
        kernel.add("unprivileged_bpf_disabled", KernFile.of(fs, "0\n"));
        kernel.add("bpf_stats_enabled", KernFile.of(fs, "0\n"));
        // Sized from --memory as Linux's set_max_threads sizes it from RAM (MemoryAccountant).
        kernel.add("threads-max", new KernFile(fs, 0444, t -> k.memory().maxThreads() + "\n"));
        kernel.add("cap_last_cap", KernFile.of(fs, "40\n")); // CAP_CHECKPOINT_RESTORE in 6.1
        kernel.add("randomize_va_space", KernFile.of(fs, "0\n")); // mmap placement has no ASLR
        kernel.add("perf_event_paranoid", KernFile.of(fs, "2\n"));
        kernel.add("kptr_restrict", KernFile.of(fs, "0\n"));
        kernel.add("overflowuid", KernFile.of(fs, "65534\n"));
        kernel.add("overflowgid", KernFile.of(fs, "65534\n"));
        kernel.add("tainted", KernFile.of(fs, "0\n"));
        kernel.add("panic", KernFile.of(fs, "0\n"));
        kernel.add("core_pattern", KernFile.of(fs, "core\n"));
        kernel.add("printk", KernFile.of(fs, "4\t4\t1\t7\n"));
        kernel.add("sched_child_runs_first", KernFile.of(fs, "0\n"));
        KernDir random = kernel.dir("random");
        random.add("boot_id", new KernFile(fs, 0444, t -> uuid(k, 0x626f6f74L)));
        random.add("uuid", new KernFile(fs, 0444, t -> uuid(k, k.random().nextLong())));
        random.add("entropy_avail", KernFile.of(fs, "256\n"));
        random.add("poolsize", KernFile.of(fs, "256\n"));
        KernDir vm = root.dir("sys").dir("vm");
        vm.add("overcommit_memory", KernFile.of(fs, "0\n"));
        vm.add("overcommit_ratio", KernFile.of(fs, "50\n"));
        vm.add("max_map_count", KernFile.of(fs, "65530\n"));
        vm.add("mmap_min_addr", KernFile.of(fs, "65536\n"));
        KernDir fsDir = root.dir("sys").dir("fs");
        fsDir.add("nr_open", KernFile.of(fs, "1048576\n"));
        fsDir.add("file-max", KernFile.of(fs, "9223372036854775807\n"));
        fsDir.add("file-nr", KernFile.of(fs, "0\t0\t9223372036854775807\n"));
        fsDir.add("pipe-max-size", KernFile.of(fs, dev.emu.kernel.fs.Pipe.MAX_SIZE + "\n"));
        fsDir.add("protected_symlinks", KernFile.of(fs, "1\n"));
        fsDir.add("protected_hardlinks", KernFile.of(fs, "1\n"));
        fsDir.add("protected_fifos", KernFile.of(fs, "0\n"));
        fsDir.add("protected_regular", KernFile.of(fs, "0\n"));
        KernDir core = root.dir("sys").dir("net").dir("core");
        core.add("bpf_jit_enable", KernFile.of(fs, "1\n"));
        core.add("bpf_jit_harden", KernFile.of(fs, "0\n"));
        core.add("bpf_jit_kallsyms", KernFile.of(fs, "0\n"));
        core.add("bpf_jit_limit", KernFile.of(fs, "264241152\n"));
        core.add("somaxconn", KernFile.of(fs, "4096\n"));
    }

    /**
     * A random UUID (version 4, as proc_do_uuid formats it) from the kernel's seeded generator:
     * boot_id is fixed for the run ({@code salt} constant), uuid differs per read.
     */
    private static String uuid(Kernel k, long salt) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(k.config().seed() ^ salt);
        long hi = (r.nextLong() & ~0xf000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new java.util.UUID(hi, lo) + "\n";
    }

    private static String cpuinfo() {
        return "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 15\nmodel\t\t: 107\n"
                + "model name\t: QEMU Virtual CPU version 2.5+\nstepping\t: 1\ncpu MHz\t\t: 1000.000\n"
                + "cache size\t: 512 KB\nphysical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n"
                + "apicid\t\t: 0\ninitial apicid\t: 0\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: 13\n"
                + "wp\t\t: yes\nflags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36"
                + " clflush mmx fxsr sse sse2\nbogomips\t: 2000.00\nclflush size\t: 64\ncache_alignment\t: 64\n"
                + "address sizes\t: 40 bits physical, 48 bits virtual\npower management:\n\n";
    }

    private static String meminfo(Kernel k) {
        long usedKb = SystemMemory.usedKb(k);
        long free = SystemMemory.totalAndFreeKb(k)[1];
        String[][] rows = {
            {"MemTotal", "" + MEM_TOTAL_KB}, {"MemFree", "" + free}, {"MemAvailable", "" + free},
            {"Buffers", "0"}, {"Cached", "0"}, {"SwapCached", "0"}, {"Active", "" + usedKb}, {"Inactive", "0"},
            {"SwapTotal", "0"}, {"SwapFree", "0"}, {"Shmem", "0"}, {"Slab", "0"}, {"SReclaimable", "0"},
            {"CommitLimit", "" + MEM_TOTAL_KB / 2}, {"Committed_AS", "" + usedKb},
        };
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            sb.append(String.format("%-16s%8s kB%n", r[0] + ":", r[1]));
        }
        return sb.toString();
    }

    private static String stat(Kernel k) {
        long ticks = k.clock().nanos() / (1_000_000_000L / ProcText.USER_HZ);
        long running = k.processes().stream().filter(p -> !p.zombie())
                .flatMap(p -> p.threads().stream()).filter(t -> t.state() == TaskState.RUNNABLE).count();
        long blocked = k.processes().stream().filter(p -> !p.zombie())
                .flatMap(p -> p.threads().stream()).filter(t -> t.state() == TaskState.BLOCKED).count();
        String cpu = ticks + " 0 0 0 0 0 0 0 0 0";
        return "cpu  " + cpu + "\ncpu0 " + cpu + "\nintr 0\nctxt 0\nbtime "
                + (k.clock().realtimeNanos() - k.clock().nanos()) / 1_000_000_000L
                + "\nprocesses " + k.processes().size() + "\nprocs_running " + running + "\nprocs_blocked "
                + blocked + "\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n";
    }
}

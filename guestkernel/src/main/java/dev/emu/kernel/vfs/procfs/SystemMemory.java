package dev.emu.kernel.vfs.procfs;

import dev.emu.kernel.Kernel;
import dev.emu.kernel.mm.Vma;
import dev.emu.kernel.task.GuestProcess;

/** The machine's memory as /proc/meminfo and sysinfo(2) both report it, so they agree. */
public final class SystemMemory {
    private SystemMemory() {}

    /** MemTotal and MemFree in kB: the guest's mappings count as used. */
    public static long[] totalAndFreeKb(Kernel k) {
        long usedKb = usedKb(k);
        return new long[] {ProcSystemFiles.MEM_TOTAL_KB, Math.max(0, ProcSystemFiles.MEM_TOTAL_KB - usedKb)};
    }

    static long usedKb(Kernel k) {
        long usedKb = 0;
        for (GuestProcess p : k.processes()) {
            if (!p.zombie()) {
                for (Vma v : p.mm().vmas()) {
                    usedKb += (v.end() - v.start()) / 1024;
                }
            }
        }
        return usedKb;
    }
}

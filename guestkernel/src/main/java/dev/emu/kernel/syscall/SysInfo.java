package dev.emu.kernel.syscall;

import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.procfs.ProcSystemFiles;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** sysinfo(2) (kernel/sys.c do_sysinfo), with the figures /proc/meminfo and /proc/uptime show. */
final class SysInfo {
    private SysInfo() {}

    /** sizeof(struct sysinfo) on x86_64. */
    static final int SIZE = 112;

    /**
     * Sysinfo implements Linux syscall sysinfo(2): uptime from the kernel's clock, load averages
     * 0 (as /proc/loadavg), emu's 4 GiB of RAM less what the processes map, no swap, the number
     * of threads, mem_unit 1.
     */
    static long sysinfo(Task t, long info, long a1, long a2, long a3, long a4, long a5) {
        var k = t.kernel();
        long totalKb = ProcSystemFiles.MEM_TOTAL_KB;
        long freeKb = Math.max(0, totalKb - ProcSystemFiles.usedKb(k));
        long threads = k.processes().stream().filter(p -> !p.zombie()).mapToLong(p -> p.threads().size()).sum();
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, k.clock().nanos() / 1_000_000_000L);
        b.putLong(32, totalKb * 1024).putLong(40, freeKb * 1024); // loads at 8..31 stay 0
        b.putShort(80, (short) Math.min(threads, 0xffff));
        b.putInt(104, 1);
        t.memory().write(info, b.array());
        return 0;
    }
}

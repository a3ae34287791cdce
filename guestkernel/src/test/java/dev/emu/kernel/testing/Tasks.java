package dev.emu.kernel.testing;

import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.mm.MemoryManager;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;

/** Builds tasks over a fake address space and fake CPU (no kernel). */
public final class Tasks {
    private Tasks() {}

    public static GuestProcess process(int pid) {
        return new GuestProcess(pid, null, new MemoryManager(new FakeAddressSpace()), new FdTable(), "/test");
    }

    public static Task task(GuestProcess p, int tid) {
        return new Task(null, tid, p, new FakeCpu(p.mm().space()), "t" + tid);
    }

    public static Task task(int tid) {
        return task(process(tid), tid);
    }
}

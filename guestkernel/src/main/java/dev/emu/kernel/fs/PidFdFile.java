package dev.emu.kernel.fs;

import dev.emu.abi.PollEvents;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.task.GuestProcess;
import dev.emu.kernel.task.Task;

/**
 * A pidfd (kernel/pid.c pidfd_fops): a file that names a process. It is readable (POLLIN) once
 * the process has exited, and also hung up (POLLHUP) once it has been reaped (pidfd_poll).
 */
public final class PidFdFile extends File {
    private final GuestProcess process;

    public PidFdFile(GuestProcess process, int statusFlags) {
        super(statusFlags | 2); // O_RDWR, as pidfd_open's anon inode
        this.process = process;
    }

    public GuestProcess process() {
        return process;
    }

    @Override
    public int poll(Task task, PollTable table) {
        table.wait(process.exitWaiters());
        if (process.reaped()) {
            return PollEvents.POLLIN | PollEvents.POLLRDNORM | PollEvents.POLLHUP;
        }
        return process.zombie() ? PollEvents.POLLIN | PollEvents.POLLRDNORM : 0;
    }

    @Override
    public FileStat stat() {
        return new FileStat(0xd, 1, 0600, 1, 0, 0, 0, 0, 4096, 0);
    }

    @Override
    public String describe() {
        return "anon_inode:[pidfd]";
    }
}

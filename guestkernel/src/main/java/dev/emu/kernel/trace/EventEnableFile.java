package dev.emu.kernel.trace;

import dev.emu.abi.Errno;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.VfsFile;
import java.nio.charset.StandardCharsets;

/**
 * An open events/SYSTEM/EVENT/enable (event_enable_read/event_enable_write): reads "0" or "1";
 * writing a number 0 or 1 turns the event's text trace off or on, anything else is EINVAL.
 */
final class EventEnableFile extends VfsFile {
    private final TraceEvent event;
    private final Runnable on;
    private final Runnable off;

    EventEnableFile(Dentry dentry, int flags, TraceEvent event, Runnable on, Runnable off) {
        super(dentry, flags);
        this.event = event;
        this.on = on;
        this.off = off;
    }

    @Override
    public long read(Task task, byte[] dst, int off, int len) {
        long n = pread(task, dst, off, len, offset);
        if (n > 0) {
            offset += n;
        }
        return n;
    }

    @Override
    public long pread(Task task, byte[] dst, int off, int len, long position) {
        byte[] text = (event.textEnabled() ? "1\n" : "0\n").getBytes(StandardCharsets.US_ASCII);
        if (position >= text.length) {
            return 0;
        }
        int n = (int) Math.min(len, text.length - position);
        System.arraycopy(text, (int) position, dst, off, n);
        return n;
    }

    @Override
    public long write(Task task, byte[] src, int off, int len) {
        String s = new String(src, off, len, StandardCharsets.US_ASCII).strip(); // kstrtoul_from_user
        switch (s) {
            case "0" -> this.off.run();
            case "1" -> on.run();
            default -> {
                return Errno.EINVAL.ret();
            }
        }
        return len;
    }
}

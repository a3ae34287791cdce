package dev.emu.kernel.fs;

import dev.emu.abi.Errno;
import dev.emu.abi.PollEvents;
import dev.emu.kernel.poll.PollTable;
import dev.emu.kernel.log.SerialLog;
import dev.emu.kernel.task.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Fds 0, 1 and 2: the host's stdin, stdout and stderr, byte for byte.
 *
 * <p>Output goes to the host stream unbuffered (nothing is lost if the guest dies) and to the
 * serial log. What the console claims to be (a terminal, a pipe, a regular file) is what the host
 * stream really is, so a libc picks the same buffering under emu as natively.
 */
public final class ConsoleFile extends File {

    /** What the host stream behind a console fd is. */
    public enum HostKind { TERMINAL, PIPE, FILE }

    private static final int TCGETS = 0x5401;
    private static final int TCSETS = 0x5402;
    private static final int TIOCGWINSZ = 0x5413;
    private static final int TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, TIOCSCTTY = 0x540e, TIOCNOTTY = 0x5422,
            TIOCGSID = 0x5429;

    private final String name;
    private final InputStream in;
    private final OutputStream out;
    private final SerialLog serial;
    private final HostKind kind;
    private final HostInputReader input;

    /**
     * @param in the host input (null for an output-only console fd)
     * @param out the host output (null for an input-only console fd)
     */
    public ConsoleFile(String name, InputStream in, OutputStream out, SerialLog serial, HostKind kind) {
        super(in != null && out == null ? 0 : 1); // O_RDONLY / O_WRONLY
        this.name = name;
        this.in = in;
        this.out = out;
        this.serial = serial;
        this.kind = kind;
        this.input = in == null ? null : new HostInputReader(in);
    }

    @Override
    public long read(Task task, byte[] dst, int off, int len) {
        if (in == null) {
            return Errno.EBADF.ret();
        }
        if (kind == HostKind.TERMINAL) {
            long r = task.kernel().tty().checkRead(task);
            if (r != 0) {
                return r;
            }
        }
        try {
            int n = input.read(task.kernel(), dst, off, len);
            if (n == -2) {
                return Errno.EINTR.ret(); // a guard ended the run while the guest waited for input
            }
            return n < 0 ? 0 : n;
        } catch (IOException e) {
            return Errno.EIO.ret();
        }
    }

    @Override
    public long write(Task task, byte[] src, int off, int len) {
        if (out == null) {
            return Errno.EBADF.ret();
        }
        try {
            out.write(src, off, len);
            out.flush();
        } catch (IOException e) {
            // The host reader went away (e.g. `emu run x | head`): what Linux reports for a pipe.
            return Errno.EPIPE.ret();
        }
        serial.console(src, off, len);
        return len;
    }

    /**
     * Readable when it has an input side, writable when it has an output side. Input is always
     * reported ready: a read of the host stream waits for host input inside the read (only a
     * guard, such as --timeout, ends that wait: {@link HostInputReader}), so a
     * poll that said "not ready" would have nothing to wake it, and what a guest sees must not
     * depend on when host input arrives (virtual time).
     */
    @Override
    public int poll(Task task, PollTable table) {
        return (in != null ? PollEvents.POLLIN | PollEvents.POLLRDNORM : 0)
                | (out != null ? PollEvents.POLLOUT | PollEvents.POLLWRNORM : 0);
    }

    @Override
    public long ioctl(Task task, int request, long arg) {
        if (kind != HostKind.TERMINAL) {
            return Errno.ENOTTY.ret();
        }
        switch (request) {
            case TCGETS -> {
                // struct termios: c_iflag, c_oflag, c_cflag, c_lflag, c_line, c_cc[19]; a cooked tty.
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(36).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                b.putInt(0, 0x500).putInt(4, 0x5).putInt(8, 0xbf).putInt(12, 0x8a3b);
                byte[] cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0};
                for (int i = 0; i < cc.length; i++) {
                    b.put(17 + i, cc[i]);
                }
                task.memory().write(arg, b.array());
                return 0;
            }
            case TCSETS, TCSETS + 1, TCSETS + 2 -> {
                return 0; // modes are the host terminal's business; accepted, not applied
            }
            case TIOCGWINSZ -> {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                b.putShort(0, (short) 24).putShort(2, (short) 80);
                task.memory().write(arg, b.array());
                return 0;
            }
            case TIOCGPGRP -> {
                return task.kernel().tty().getForeground(task, arg);
            }
            case TIOCSPGRP -> {
                return task.kernel().tty().setForeground(task, arg);
            }
            case TIOCGSID -> {
                return task.kernel().tty().getSession(task, arg);
            }
            case TIOCSCTTY, TIOCNOTTY -> {
                return task.kernel().tty().controlling(task, request == TIOCSCTTY);
            }
            default -> {
                return Errno.ENOTTY.ret();
            }
        }
    }

    @Override
    public FileStat stat() {
        return switch (kind) {
            case TERMINAL -> new FileStat(0x16, 3, FileStat.S_IFCHR | 0620, 1, 0, 5, 0x8800, 0, 1024, 0);
            case PIPE -> new FileStat(0xc, 1000 + name.hashCode() % 1000, FileStat.S_IFIFO | 0600, 1, 0, 0, 0, 0, 4096, 0);
            case FILE -> new FileStat(0x801, 2000 + name.hashCode() % 1000, FileStat.S_IFREG | 0644, 1, 0, 0, 0, 0, 4096, 0);
        };
    }

    @Override
    public String describe() {
        return switch (kind) {
            case TERMINAL -> "/dev/pts/0";
            case PIPE -> "pipe:[" + name + "]";
            case FILE -> "host:" + name;
        };
    }

    public HostKind kind() {
        return kind;
    }
}

package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.Kernel;
import dev.emu.kernel.platform.AddressSpace;
import dev.emu.kernel.platform.BadAddressException;
import dev.emu.kernel.task.Task;
import java.io.PrintStream;
import java.util.Set;

/**
 * strace-format syscall tracing (`--trace-syscalls`), driven only by the table's {@link ArgKind}
 * metadata: no handler prints anything.
 *
 * <p>Lines look like strace's: {@code write(1, "hi\n", 3) = 3},
 * {@code openat(AT_FDCWD, "/x", O_RDONLY) = -1 ENOENT (…)} is printed as {@code = -1 ENOENT}.
 */
public final class SyscallTracer {
    /** strace's default string length (-s 32). */
    static final int MAX_STRING = 32;

    private final PrintStream out;
    private final Set<String> filter;
    private final boolean timestamps;
    private final Kernel kernel;

    /** An entered syscall whose return is not printed yet. */
    public record Entry(Task task, String name, ArgKind[] kinds, long[] args, String prefix) {}

    /**
     * @param filter syscall names to trace, or null for all
     * @param timestamps prefix each line with the virtual time (like strace -r but absolute)
     */
    public SyscallTracer(Kernel kernel, PrintStream out, Set<String> filter, boolean timestamps) {
        this.kernel = kernel;
        this.out = out;
        this.filter = filter;
        this.timestamps = timestamps;
    }

    Entry enter(Task task, long nr, SyscallDef def, long a0, long a1, long a2, long a3, long a4, long a5) {
        String name = def != null ? def.name() : Kernel.syscallName(nr);
        if (filter != null && !filter.contains(name)) {
            return null;
        }
        ArgKind[] kinds = def != null ? def.args() : new ArgKind[] {ArgKind.HEX, ArgKind.HEX, ArgKind.HEX};
        StringBuilder prefix = new StringBuilder();
        if (timestamps) {
            long ns = kernel.clock().nanos();
            prefix.append(String.format("%d.%06d ", ns / 1_000_000_000L, (ns / 1000) % 1_000_000));
        }
        if (task.process().pid() != 1 || task.tid() != 1) {
            prefix.append("[pid ").append(task.tid()).append("] ");
        }
        return new Entry(task, name, kinds, new long[] {a0, a1, a2, a3, a4, a5}, prefix.toString());
    }

    void exit(Entry e, long ret) {
        StringBuilder sb = new StringBuilder(e.prefix()).append(e.name()).append('(');
        for (int i = 0; i < e.kinds().length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(format(e.task().memory(), e.kinds()[i], e.args(), i, ret));
        }
        sb.append(") = ");
        if (ret == SyscallResults.RESTART) {
            sb.append("? ERESTARTSYS (To be restarted)");
        } else if (SyscallResults.isError(ret)) {
            sb.append("-1 ").append(Errno.nameOfReturn(ret));
        } else if (e.name().equals("mmap") || e.name().equals("brk") || e.name().equals("mremap")) {
            sb.append("0x").append(Long.toHexString(ret));
        } else {
            sb.append(ret);
        }
        out.println(sb);
        out.flush();
    }

    static String format(AddressSpace mem, ArgKind kind, long[] args, int i, long ret) {
        long v = args[i];
        try {
            return switch (kind) {
                case INT, UINT, LONG -> Long.toString(v);
                case SIZE -> Long.toUnsignedString(v);
                case FD -> (int) v == -100 ? "AT_FDCWD" : Integer.toString((int) v);
                case HEX, UINT_HEX -> "0x" + Long.toHexString(v);
                case INT_HEX -> "0x" + Integer.toHexString((int) v);
                case PTR -> v == 0 ? "NULL" : "0x" + Long.toHexString(v);
                case STRING -> v == 0 ? "NULL" : quote(mem, v, 4096, true);
                // The size is a size_t: a "negative" one is huge, so at most the first MAX_STRING bytes are shown.
                case BUF_IN -> v == 0 ? "NULL" : quote(mem, v, shown(args[i + 1]), false);
                case BUF_OUT -> v == 0 || SyscallResults.isError(ret) || ret == SyscallResults.RESTART
                        ? (v == 0 ? "NULL" : "0x" + Long.toHexString(v))
                        : quote(mem, v, shown(ret), false);
                case IOVEC_IN -> "0x" + Long.toHexString(v);
                case PROT -> Flags.prot(v);
                case MMAP_FLAGS -> Flags.mmap(v);
                case OPEN_FLAGS -> Flags.open(v);
                case MODE -> String.format("0%o", (int) v);
                case AT_FLAGS -> Flags.at(v);
                case CLOCK_ID -> Flags.clock(v);
                case SIGNAL -> v == 0 ? "0" : dev.emu.kernel.signal.Signals.name((int) v);
                case TIMESPEC_IN -> v == 0 ? "NULL"
                        : "{tv_sec=" + mem.readLong(v) + ", tv_nsec=" + mem.readLong(v + 8) + "}";
                case IOCTL_REQ -> Flags.ioctl(v);
                case ARCH_PRCTL_CODE -> Flags.archPrctl(v);
                case FUTEX_OP -> Flags.futex(v);
                case CLONE_FLAGS -> Flags.clone(v);
                case BPF_CMD -> Flags.bpfCmd(v);
                case BPF_ATTR -> v == 0 ? "NULL" : StructFormat.bpfAttr(mem, args[i - 1], v);
                case TIMESPEC_OUT -> v == 0 || SyscallResults.isError(ret) ? (v == 0 ? "NULL" : "0x" + Long.toHexString(v))
                        : StructFormat.timespec(mem, v);
                case STAT_OUT -> SyscallResults.isError(ret) ? "0x" + Long.toHexString(v) : StructFormat.stat(mem, v);
            };
        } catch (BadAddressException e) {
            return "0x" + Long.toHexString(v);
        }
    }

    /** How many bytes of a buffer of {@code size} (unsigned) to read: one past what is shown marks "...". */
    private static int shown(long size) {
        return (int) (Long.compareUnsigned(size, MAX_STRING + 1) < 0 ? size : MAX_STRING + 1);
    }

    /** A guest string or buffer in strace's quoting: C escapes, "..." when truncated. */
    static String quote(AddressSpace mem, long addr, int len, boolean cstring) {
        byte[] b;
        boolean truncated;
        if (cstring) {
            b = dev.emu.kernel.mm.UserMemory.readCString(mem, addr, MAX_STRING + 1);
            if (b == null) {
                b = mem.read(addr, MAX_STRING);
                truncated = true;
            } else {
                truncated = b.length > MAX_STRING;
                if (truncated) {
                    b = java.util.Arrays.copyOf(b, MAX_STRING);
                }
            }
        } else {
            truncated = len > MAX_STRING;
            b = mem.read(addr, Math.min(len, MAX_STRING));
        }
        StringBuilder sb = new StringBuilder("\"");
        for (byte x : b) {
            int c = x & 0xff;
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\%o", c));
                    }
                }
            }
        }
        sb.append('"');
        if (truncated) {
            sb.append("...");
        }
        return sb.toString();
    }
}

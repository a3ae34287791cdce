package dev.emu.bpf.helper;

import dev.emu.abi.Errno;
import dev.emu.bpf.interp.MemoryMap;
import dev.emu.bpf.interp.VmFault;

/**
 * The printf dialect of bpf_trace_printk, bpf_trace_vprintk and bpf_snprintf (kernel/bpf/helpers.c
 * bpf_bprintf_prepare): %% and conversions d i u x X c s p, with optional flags [0 +-], a width,
 * and the length modifiers l and ll; at most {@code maxArgs} conversions. Anything else makes the
 * helper return -EINVAL, as Linux does. %s reads a string from the program's memory (at most
 * {@link #MAX_STRING} bytes; an unreadable one prints "(fault)"); %p prints 0x and the hex value.
 */
final class BprintfFormat {
    private BprintfFormat() {}

    /** Linux's per-string bound for %s in bprintf buffers. */
    static final int MAX_STRING = 512;

    /** The formatted text, or null if {@code fmt} is not acceptable (→ -EINVAL). */
    static String format(MemoryMap mem, String fmt, long[] args, int maxArgs) {
        StringBuilder sb = new StringBuilder();
        int used = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char ch = fmt.charAt(i);
            if (ch != '%') {
                sb.append(ch);
                continue;
            }
            if (++i >= fmt.length()) {
                return null;
            }
            if (fmt.charAt(i) == '%') {
                sb.append('%');
                continue;
            }
            StringBuilder flags = new StringBuilder();
            while (i < fmt.length() && "0+- ".indexOf(fmt.charAt(i)) >= 0) {
                flags.append(fmt.charAt(i++));
            }
            int width = 0;
            while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) {
                width = width * 10 + (fmt.charAt(i++) - '0');
                if (width > 1000) {
                    return null;
                }
            }
            int longs = 0;
            while (i < fmt.length() && fmt.charAt(i) == 'l') {
                longs++;
                i++;
            }
            if (i >= fmt.length() || longs > 2 || used >= maxArgs || used >= args.length) {
                return null;
            }
            long v = args[used++];
            String text;
            boolean numeric = true;
            switch (fmt.charAt(i)) {
                case 'd', 'i' -> text = Long.toString(longs == 0 ? (int) v : v);
                case 'u' -> text = longs == 0 ? Long.toString(v & 0xffffffffL) : Long.toUnsignedString(v);
                case 'x' -> text = Long.toHexString(longs == 0 ? v & 0xffffffffL : v);
                case 'X' -> text = Long.toHexString(longs == 0 ? v & 0xffffffffL : v).toUpperCase();
                case 'p' -> text = "0x" + Long.toHexString(v);
                case 'c' -> {
                    text = String.valueOf((char) (v & 0xff));
                    numeric = false;
                }
                case 's' -> {
                    text = cString(mem, v);
                    numeric = false;
                }
                default -> {
                    return null;
                }
            }
            sb.append(pad(text, flags.toString(), width, numeric));
        }
        return sb.toString();
    }

    private static String pad(String text, String flags, int width, boolean numeric) {
        if (numeric && flags.contains("+") && !text.startsWith("-")) {
            text = "+" + text;
        } else if (numeric && flags.contains(" ") && !text.startsWith("-")) {
            text = " " + text;
        }
        if (text.length() >= width) {
            return text;
        }
        String fill = " ".repeat(width - text.length());
        if (flags.contains("-")) {
            return text + fill;
        }
        if (numeric && flags.contains("0")) {
            int sign = text.startsWith("-") || text.startsWith("+") || text.startsWith(" ") ? 1 : 0;
            return text.substring(0, sign) + "0".repeat(width - text.length()) + text.substring(sign);
        }
        return fill + text;
    }

    /** The NUL-terminated string at {@code addr} of the program's memory. */
    static String cString(MemoryMap mem, long addr) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < MAX_STRING; i++) {
            byte[] m;
            try {
                m = mem.resolve(addr + i, 1);
            } catch (VmFault f) {
                return sb.length() == 0 ? "(fault)" : sb.toString();
            }
            byte b = m[(int) (addr + i)];
            if (b == 0) {
                break;
            }
            sb.append((char) (b & 0xff));
        }
        return sb.toString();
    }

    /** -EINVAL as a helper's return value. */
    static long einval() {
        return -Errno.EINVAL.number;
    }
}

package dev.emu.kernel.syscall;

import dev.emu.abi.bpf.BpfAttr;
import dev.emu.abi.bpf.EmuBpfExtensions;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.platform.AddressSpace;

/**
 * Decodes the structs the tracer shows by content, in strace's notation (strace's
 * print_struct_stat, print_timespec, and bpf.c's per-command attr decoders).
 */
final class StructFormat {
    private StructFormat() {}

    static String timespec(AddressSpace mem, long addr) {
        return "{tv_sec=" + mem.readLong(addr) + ", tv_nsec=" + mem.readLong(addr + 8) + "}";
    }

    /** struct stat as strace abbreviates it: type and mode, then size or rdev. */
    static String stat(AddressSpace mem, long addr) {
        int mode = mem.readInt(addr + 24);
        long rdev = mem.readLong(addr + 40);
        long size = mem.readLong(addr + 48);
        String type = switch (mode & FileStat.S_IFMT) {
            case FileStat.S_IFCHR -> "S_IFCHR";
            case FileStat.S_IFIFO -> "S_IFIFO";
            case FileStat.S_IFREG -> "S_IFREG";
            case FileStat.S_IFDIR -> "S_IFDIR";
            case FileStat.S_IFSOCK -> "S_IFSOCK";
            default -> "0" + Integer.toOctalString(mode & FileStat.S_IFMT);
        };
        String perm = String.format("%04o", mode & 07777);
        String tail = (mode & FileStat.S_IFMT) == FileStat.S_IFCHR
                ? "st_rdev=makedev(0x" + Long.toHexString((rdev >>> 8) & 0xfff) + ", 0x" + Long.toHexString(rdev & 0xff) + ")"
                : "st_size=" + size;
        return "{st_mode=" + type + "|" + perm + ", " + tail + ", ...}";
    }

    /** The main fields of union bpf_attr for {@code cmd}. */
    static String bpfAttr(AddressSpace mem, long cmd, long addr) {
        return switch ((int) cmd) {
            case 0 -> "{map_type=" + mapType(mem.readInt(addr + BpfAttr.MAP_TYPE))
                    + ", key_size=" + u32(mem, addr + BpfAttr.KEY_SIZE)
                    + ", value_size=" + u32(mem, addr + BpfAttr.VALUE_SIZE)
                    + ", max_entries=" + u32(mem, addr + BpfAttr.MAX_ENTRIES)
                    + ", map_flags=0x" + Integer.toHexString(mem.readInt(addr + BpfAttr.MAP_FLAGS)) + ", ...}";
            case 1, 2, 3, 4 -> "{map_fd=" + mem.readInt(addr + BpfAttr.ELEM_MAP_FD)
                    + ", key=" + ptr(mem.readLong(addr + BpfAttr.ELEM_KEY))
                    + (cmd == 4 ? ", next_key=" : ", value=") + ptr(mem.readLong(addr + BpfAttr.ELEM_VALUE))
                    + (cmd == 2 ? ", flags=" + elemFlags(mem.readLong(addr + BpfAttr.ELEM_FLAGS)) : "") + "}";
            case 5 -> "{prog_type=" + progType(mem.readInt(addr + BpfAttr.PROG_TYPE))
                    + ", insn_cnt=" + u32(mem, addr + BpfAttr.INSN_CNT)
                    + ", insns=" + ptr(mem.readLong(addr + BpfAttr.INSNS))
                    + ", license=" + license(mem, mem.readLong(addr + BpfAttr.LICENSE))
                    + ", log_level=" + u32(mem, addr + BpfAttr.LOG_LEVEL)
                    + ", log_size=" + u32(mem, addr + BpfAttr.LOG_SIZE) + ", ...}";
            case 8, 9 -> "{target_fd=" + mem.readInt(addr + BpfAttr.TARGET_FD)
                    + ", attach_bpf_fd=" + mem.readInt(addr + BpfAttr.ATTACH_BPF_FD)
                    + ", attach_type=" + attachType(mem.readInt(addr + BpfAttr.ATTACH_TYPE))
                    + ", attach_flags=0x" + Integer.toHexString(mem.readInt(addr + BpfAttr.ATTACH_FLAGS)) + "}";
            case 10 -> "{test={prog_fd=" + mem.readInt(addr + BpfAttr.TEST_PROG_FD)
                    + ", data_size_in=" + u32(mem, addr + BpfAttr.TEST_DATA_SIZE_IN)
                    + ", repeat=" + u32(mem, addr + BpfAttr.TEST_REPEAT) + ", ...}}";
            case 13, 14 -> "{" + (cmd == 13 ? "prog_id=" : "map_id=") + u32(mem, addr) + ", ...}";
            case 15 -> "{info={bpf_fd=" + mem.readInt(addr) + ", info_len=" + u32(mem, addr + 4)
                    + ", info=" + ptr(mem.readLong(addr + 8)) + "}}";
            case EmuBpfExtensions.BPF_EMU_RINGBUF_POLL -> "{map_fd=" + mem.readInt(addr + EmuBpfExtensions.POLL_MAP_FD)
                    + ", flags=" + (mem.readInt(addr + EmuBpfExtensions.POLL_FLAGS) == EmuBpfExtensions.BPF_EMU_POLL_BLOCK
                        ? "BPF_EMU_POLL_BLOCK" : "0x" + Integer.toHexString(mem.readInt(addr + EmuBpfExtensions.POLL_FLAGS)))
                    + ", buf=" + ptr(mem.readLong(addr + EmuBpfExtensions.POLL_BUF))
                    + ", buf_size=" + u32(mem, addr + EmuBpfExtensions.POLL_BUF_SIZE)
                    + ", timeout_ns=" + mem.readLong(addr + EmuBpfExtensions.POLL_TIMEOUT_NS) + "}";
            default -> "0x" + Long.toHexString(addr);
        };
    }

    private static String u32(AddressSpace mem, long addr) {
        return Integer.toUnsignedString(mem.readInt(addr));
    }

    private static String ptr(long v) {
        return v == 0 ? "NULL" : "0x" + Long.toHexString(v);
    }

    private static String license(AddressSpace mem, long addr) {
        if (addr == 0) {
            return "NULL";
        }
        try {
            return SyscallTracer.quote(mem, addr, 0, true);
        } catch (RuntimeException e) {
            return ptr(addr);
        }
    }

    private static String elemFlags(long f) {
        return switch ((int) f) {
            case 0 -> "BPF_ANY";
            case 1 -> "BPF_NOEXIST";
            case 2 -> "BPF_EXIST";
            default -> "0x" + Long.toHexString(f);
        };
    }

    static String mapType(int t) {
        return switch (t) {
            case 1 -> "BPF_MAP_TYPE_HASH";
            case 2 -> "BPF_MAP_TYPE_ARRAY";
            case 27 -> "BPF_MAP_TYPE_RINGBUF";
            default -> Integer.toString(t);
        };
    }

    static String progType(int t) {
        return switch (t) {
            case 1 -> "BPF_PROG_TYPE_SOCKET_FILTER";
            case 2 -> "BPF_PROG_TYPE_KPROBE";
            case 3 -> "BPF_PROG_TYPE_SCHED_CLS";
            case 5 -> "BPF_PROG_TYPE_TRACEPOINT";
            case 6 -> "BPF_PROG_TYPE_XDP";
            case 7 -> "BPF_PROG_TYPE_PERF_EVENT";
            case 17 -> "BPF_PROG_TYPE_RAW_TRACEPOINT";
            case EmuBpfExtensions.BPF_PROG_TYPE_EMU_TIMER -> "BPF_PROG_TYPE_EMU_TIMER";
            default -> Integer.toString(t);
        };
    }

    static String attachType(int t) {
        return t == EmuBpfExtensions.BPF_EMU_TIMER ? "BPF_EMU_TIMER" : Integer.toString(t);
    }
}

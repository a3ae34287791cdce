package dev.emu.kernel.syscall;

/** Symbolic names of flag words for the tracer (the tables strace keeps in xlat/). */
final class Flags {
    private Flags() {}

    private static String bits(long v, long[] masks, String[] names, String zero) {
        if (v == 0) {
            return zero;
        }
        StringBuilder sb = new StringBuilder();
        long rest = v;
        for (int i = 0; i < masks.length; i++) {
            if (masks[i] != 0 && (rest & masks[i]) == masks[i]) {
                if (!sb.isEmpty()) {
                    sb.append('|');
                }
                sb.append(names[i]);
                rest &= ~masks[i];
            }
        }
        if (rest != 0) {
            if (!sb.isEmpty()) {
                sb.append('|');
            }
            sb.append("0x").append(Long.toHexString(rest));
        }
        return sb.toString();
    }

    static String at(long v) {
        return bits((int) v, new long[] {0x100, 0x200, 0x400, 0x800, 0x1000},
                new String[] {"AT_SYMLINK_NOFOLLOW", "AT_REMOVEDIR", "AT_SYMLINK_FOLLOW", "AT_NO_AUTOMOUNT", "AT_EMPTY_PATH"}, "0");
    }

    static String prot(long v) {
        return bits(v, new long[] {1, 2, 4}, new String[] {"PROT_READ", "PROT_WRITE", "PROT_EXEC"}, "PROT_NONE");
    }

    static String mmap(long v) {
        String type = switch ((int) (v & 3)) {
            case 1 -> "MAP_SHARED";
            case 2 -> "MAP_PRIVATE";
            case 3 -> "MAP_SHARED_VALIDATE";
            default -> "0";
        };
        long rest = v & ~3L;
        if (rest == 0) {
            return type;
        }
        return type + "|" + bits(rest, new long[] {0x10, 0x20, 0x100, 0x800, 0x1000, 0x2000, 0x4000, 0x8000,
            0x10000, 0x20000, 0x40000, 0x100000},
                new String[] {"MAP_FIXED", "MAP_ANONYMOUS", "MAP_GROWSDOWN", "MAP_DENYWRITE", "MAP_EXECUTABLE",
                    "MAP_LOCKED", "MAP_NORESERVE", "MAP_POPULATE", "MAP_NONBLOCK", "MAP_STACK",
                    "MAP_HUGETLB", "MAP_FIXED_NOREPLACE"}, "0");
    }

    static String open(long v) {
        String acc = switch ((int) (v & 3)) {
            case 0 -> "O_RDONLY";
            case 1 -> "O_WRONLY";
            case 2 -> "O_RDWR";
            default -> "O_ACCMODE";
        };
        long rest = v & ~3L;
        return rest == 0 ? acc : acc + "|" + bits(rest,
                new long[] {0100, 0200, 01000, 02000, 04000, 010000, 0200000, 0400000, 02000000},
                new String[] {"O_CREAT", "O_EXCL", "O_TRUNC", "O_APPEND", "O_NONBLOCK", "O_DSYNC",
                    "O_DIRECTORY", "O_NOFOLLOW", "O_CLOEXEC"}, "0");
    }

    static String clock(long v) {
        String[] names = {"CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID",
            "CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE",
            "CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME"};
        return v >= 0 && v < names.length ? names[(int) v] : Long.toString(v);
    }

    static String ioctl(long v) {
        return switch ((int) v) {
            case 0x5401 -> "TCGETS";
            case 0x5402 -> "TCSETS";
            case 0x5403 -> "TCSETSW";
            case 0x5404 -> "TCSETSF";
            case 0x540f -> "TIOCGPGRP";
            case 0x5413 -> "TIOCGWINSZ";
            case 0x5414 -> "TIOCSWINSZ";
            case 0x541b -> "FIONREAD";
            case 0x5421 -> "FIONBIO";
            default -> "0x" + Long.toHexString(v);
        };
    }

    static String archPrctl(long v) {
        return switch ((int) v) {
            case 0x1001 -> "ARCH_SET_GS";
            case 0x1002 -> "ARCH_SET_FS";
            case 0x1003 -> "ARCH_GET_FS";
            case 0x1004 -> "ARCH_GET_GS";
            case 0x3001 -> "ARCH_CET_STATUS";
            default -> "0x" + Long.toHexString(v);
        };
    }

    static String futex(long v) {
        String[] ops = {"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE",
            "FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI", "FUTEX_WAIT_BITSET",
            "FUTEX_WAKE_BITSET"};
        int op = (int) (v & 0x7f);
        String s = op < ops.length ? ops[op] : Integer.toString(op);
        if ((v & 128) != 0) {
            s += "_PRIVATE";
        }
        if ((v & 256) != 0) {
            s += "|FUTEX_CLOCK_REALTIME";
        }
        return s;
    }

    static String clone(long v) {
        return bits(v, new long[] {0x100, 0x200, 0x400, 0x800, 0x4000, 0x8000, 0x10000, 0x40000,
            0x80000, 0x100000, 0x200000, 0x1000000},
                new String[] {"CLONE_VM", "CLONE_FS", "CLONE_FILES", "CLONE_SIGHAND", "CLONE_VFORK",
                    "CLONE_PARENT", "CLONE_THREAD", "CLONE_SYSVSEM", "CLONE_SETTLS", "CLONE_PARENT_SETTID",
                    "CLONE_CHILD_CLEARTID", "CLONE_CHILD_SETTID"}, "0");
    }

    static String bpfCmd(long v) {
        String[] names = {"BPF_MAP_CREATE", "BPF_MAP_LOOKUP_ELEM", "BPF_MAP_UPDATE_ELEM",
            "BPF_MAP_DELETE_ELEM", "BPF_MAP_GET_NEXT_KEY", "BPF_PROG_LOAD", "BPF_OBJ_PIN", "BPF_OBJ_GET",
            "BPF_PROG_ATTACH", "BPF_PROG_DETACH", "BPF_PROG_TEST_RUN", "BPF_PROG_GET_NEXT_ID",
            "BPF_MAP_GET_NEXT_ID", "BPF_PROG_GET_FD_BY_ID", "BPF_MAP_GET_FD_BY_ID", "BPF_OBJ_GET_INFO_BY_FD"};
        if (v == dev.emu.abi.bpf.EmuBpfExtensions.BPF_EMU_RINGBUF_POLL) {
            return "BPF_EMU_RINGBUF_POLL";
        }
        if (v >= 0 && v < names.length) {
            return names[(int) v];
        }
        String known = dev.emu.abi.bpf.BpfCommand.name(v); // the commands past OBJ_GET_INFO_BY_FD
        return known != null ? known : Long.toString(v);
    }
}

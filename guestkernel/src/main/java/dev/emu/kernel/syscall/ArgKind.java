package dev.emu.kernel.syscall;

/**
 * One syscall argument as the table declares it: the width and signedness of its C type in the
 * SYSCALL_DEFINE signature, which the dispatcher applies before any handler runs, and how the
 * tracer prints it (the metadata strace keeps per syscall, so no handler prints anything).
 *
 * <p>The x86_64 ABI leaves the upper half of a register that carries a 32-bit argument undefined
 * (glibc passes {@code pid_t -1} as {@code 0x00000000ffffffff}). Linux's syscall wrappers
 * (include/linux/syscalls.h: {@code __SC_LONG} then {@code __SC_CAST}) cast each register to the
 * declared C type, so an {@code int} is the low 32 bits sign-extended and an {@code unsigned int}
 * the low 32 bits zero-extended. {@link #narrow} does exactly that. File descriptors are
 * {@code unsigned int} in most signatures, {@code int} in the *at family and {@code unsigned long}
 * in readv/writev/mmap, but every one of them reaches fdget's {@code unsigned int}: {@link #FD}
 * keeps 32 bits, sign-extended, which gives the same lookup (a negative fd is never open).
 */
public enum ArgKind {
    /** {@code int}, {@code pid_t}: signed decimal. */
    INT(Width.INT32),
    /** {@code unsigned int}, {@code u32}: unsigned decimal (32-bit sizes and counts). */
    UINT(Width.UINT32),
    /** {@code long}, {@code off_t}, {@code loff_t}: signed decimal. */
    LONG(Width.LONG64),
    /** {@code size_t}, {@code unsigned long} counts: unsigned decimal. */
    SIZE(Width.ULONG64),
    /** A file descriptor (decimal; AT_FDCWD by name). */
    FD(Width.INT32),
    /** {@code unsigned long} flags or values: hexadecimal. */
    HEX(Width.ULONG64),
    /** {@code int} flags or options: hexadecimal. */
    INT_HEX(Width.INT32),
    /** {@code unsigned int} or {@code u32} flags and values: hexadecimal. */
    UINT_HEX(Width.UINT32),
    /** A guest pointer (NULL or 0x…). */
    PTR(Width.ULONG64),
    /** A NUL-terminated string read from the guest. */
    STRING(Width.ULONG64),
    /** A buffer the guest passes in; its length is the next argument. */
    BUF_IN(Width.ULONG64),
    /** A buffer the kernel fills; its length is the return value. */
    BUF_OUT(Width.ULONG64),
    /** An array of struct iovec passed in; its count is the next argument. */
    IOVEC_IN(Width.ULONG64),
    /** PROT_* flags ({@code unsigned long} in mmap and mprotect). */
    PROT(Width.ULONG64),
    /** MAP_* flags ({@code unsigned long}). */
    MMAP_FLAGS(Width.ULONG64),
    /** A file mode ({@code umode_t}, passed as an unsigned int: octal, like 0644). */
    MODE(Width.UINT32),
    /** AT_* flags ({@code int}: AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH…). */
    AT_FLAGS(Width.INT32),
    /** O_* flags ({@code int}). */
    OPEN_FLAGS(Width.INT32),
    /** CLOCK_* id ({@code clockid_t}, an int). */
    CLOCK_ID(Width.INT32),
    /** A signal number ({@code int}: SIGINT…). */
    SIGNAL(Width.INT32),
    /** A struct timespec passed in. */
    TIMESPEC_IN(Width.ULONG64),
    /** A struct timespec the kernel fills (shown after the call). */
    TIMESPEC_OUT(Width.ULONG64),
    /** A struct stat the kernel fills (shown after the call). */
    STAT_OUT(Width.ULONG64),
    /** An ioctl request ({@code unsigned int}: TCGETS…). */
    IOCTL_REQ(Width.UINT32),
    /** An arch_prctl code ({@code int}: ARCH_SET_FS…). */
    ARCH_PRCTL_CODE(Width.INT32),
    /** A futex operation ({@code int}: FUTEX_WAIT|FUTEX_PRIVATE_FLAG…). */
    FUTEX_OP(Width.INT32),
    /** CLONE_* flags and the exit signal ({@code unsigned long}). */
    CLONE_FLAGS(Width.ULONG64),
    /** A bpf() command ({@code int}: BPF_MAP_CREATE…). */
    BPF_CMD(Width.INT32),
    /** A union bpf_attr pointer; decoded by the command in the previous argument. */
    BPF_ATTR(Width.ULONG64);

    /** The register width of a C argument type on x86_64. */
    public enum Width {
        /** int, pid_t, clockid_t: the low 32 bits, sign-extended. */
        INT32,
        /** unsigned int, u32, uid_t: the low 32 bits, zero-extended. */
        UINT32,
        /** long, off_t, loff_t, ssize_t: the whole register, signed. */
        LONG64,
        /** unsigned long, size_t, pointers: the whole register, unsigned (compare with Long.compareUnsigned). */
        ULONG64
    }

    private final Width width;

    ArgKind(Width width) {
        this.width = width;
    }

    public Width width() {
        return width;
    }

    /** The register value as the C type sees it (__SC_CAST in include/linux/syscalls.h). */
    public long narrow(long register) {
        return switch (width) {
            case INT32 -> (int) register;
            case UINT32 -> register & 0xffff_ffffL;
            case LONG64, ULONG64 -> register;
        };
    }
}

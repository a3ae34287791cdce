package dev.emu.kernel.syscall;

/**
 * How the tracer decodes one syscall argument: the metadata strace keeps per syscall, kept here
 * in the table so no handler prints anything itself.
 */
public enum ArgKind {
    /** Signed decimal. */
    INT,
    /** Unsigned decimal (sizes, counts). */
    SIZE,
    /** A file descriptor (decimal; AT_FDCWD by name). */
    FD,
    /** Hexadecimal value. */
    HEX,
    /** A guest pointer (NULL or 0x…). */
    PTR,
    /** A NUL-terminated string read from the guest. */
    STRING,
    /** A buffer the guest passes in; its length is the next argument. */
    BUF_IN,
    /** A buffer the kernel fills; its length is the return value. */
    BUF_OUT,
    /** An array of struct iovec passed in; its count is the next argument. */
    IOVEC_IN,
    /** PROT_* flags. */
    PROT,
    /** MAP_* flags. */
    MMAP_FLAGS,
    /** A file mode (octal, like 0644). */
    MODE,
    /** AT_* flags (AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH…). */
    AT_FLAGS,
    /** O_* flags. */
    OPEN_FLAGS,
    /** CLOCK_* id. */
    CLOCK_ID,
    /** A signal number (SIGINT…). */
    SIGNAL,
    /** A struct timespec passed in. */
    TIMESPEC_IN,
    /** A struct timespec the kernel fills (shown after the call). */
    TIMESPEC_OUT,
    /** A struct stat the kernel fills (shown after the call). */
    STAT_OUT,
    /** An ioctl request (TCGETS…). */
    IOCTL_REQ,
    /** An arch_prctl code (ARCH_SET_FS…). */
    ARCH_PRCTL_CODE,
    /** A futex operation (FUTEX_WAIT|FUTEX_PRIVATE_FLAG…). */
    FUTEX_OP,
    /** CLONE_* flags. */
    CLONE_FLAGS,
    /** A bpf() command (BPF_MAP_CREATE…). */
    BPF_CMD,
    /** A union bpf_attr pointer; decoded by the command in the previous argument. */
    BPF_ATTR
}

package dev.emu.abi.perf;

/**
 * struct perf_event_attr and the constants perf_event_open(2) takes
 * (include/uapi/linux/perf_event.h), x86_64 layout.
 */
public final class PerfEventAttr {
    private PerfEventAttr() {}

    // ---- enum perf_type_id (and the kprobe PMU's dynamic type as emu numbers it) ----
    public static final int TYPE_HARDWARE = 0;
    public static final int TYPE_SOFTWARE = 1;
    public static final int TYPE_TRACEPOINT = 2;
    public static final int TYPE_HW_CACHE = 3;
    public static final int TYPE_RAW = 4;
    public static final int TYPE_BREAKPOINT = 5;
    /** The kprobe PMU's type (dynamic in Linux: read from /sys/bus/event_source/devices/kprobe/type). */
    public static final int TYPE_KPROBE = 6;

    // ---- enum perf_sw_ids ----
    public static final int COUNT_SW_CPU_CLOCK = 0;
    public static final int COUNT_SW_TASK_CLOCK = 1;
    public static final int COUNT_SW_PAGE_FAULTS = 2;
    public static final int COUNT_SW_CONTEXT_SWITCHES = 3;
    public static final int COUNT_SW_CPU_MIGRATIONS = 4;
    public static final int COUNT_SW_PAGE_FAULTS_MIN = 5;
    public static final int COUNT_SW_PAGE_FAULTS_MAJ = 6;
    public static final int COUNT_SW_ALIGNMENT_FAULTS = 7;
    public static final int COUNT_SW_EMULATION_FAULTS = 8;
    public static final int COUNT_SW_DUMMY = 9;
    public static final int COUNT_SW_BPF_OUTPUT = 10;
    public static final int COUNT_SW_CGROUP_SWITCHES = 11;
    public static final int COUNT_SW_MAX = 12;

    // ---- layout ----
    public static final int TYPE = 0, SIZE = 4, CONFIG = 8, SAMPLE_PERIOD = 16, SAMPLE_TYPE = 24,
            READ_FORMAT = 32, FLAGS = 40, WAKEUP_EVENTS = 48, BP_TYPE = 52, CONFIG1 = 56, CONFIG2 = 64,
            BRANCH_SAMPLE_TYPE = 72, SAMPLE_REGS_USER = 80, SAMPLE_STACK_USER = 88, CLOCKID = 92,
            SAMPLE_REGS_INTR = 96, AUX_WATERMARK = 104, SAMPLE_MAX_STACK = 108, RESERVED_2 = 110,
            AUX_SAMPLE_SIZE = 112, AUX_ACTION = 116, SIG_DATA = 120, CONFIG3 = 128;
    /** PERF_ATTR_SIZE_VER0: the smallest size accepted (0 means this). */
    public static final int SIZE_VER0 = 64;
    /** PERF_ATTR_SIZE_VER8: sizeof(struct perf_event_attr) in Linux 6.3+. */
    public static final int SIZE_LATEST = 136;

    // ---- flag bits at FLAGS ----
    public static final long DISABLED = 1L, INHERIT = 1L << 1, PINNED = 1L << 2, EXCLUSIVE = 1L << 3,
            EXCLUDE_USER = 1L << 4, EXCLUDE_KERNEL = 1L << 5, EXCLUDE_HV = 1L << 6, EXCLUDE_IDLE = 1L << 7,
            MMAP = 1L << 8, COMM = 1L << 9, FREQ = 1L << 10, INHERIT_STAT = 1L << 11, ENABLE_ON_EXEC = 1L << 12,
            TASK = 1L << 13, WATERMARK = 1L << 14, PRECISE_IP = 3L << 15, MMAP_DATA = 1L << 17,
            SAMPLE_ID_ALL = 1L << 18, EXCLUDE_HOST = 1L << 19, EXCLUDE_GUEST = 1L << 20,
            EXCLUDE_CALLCHAIN_KERNEL = 1L << 21, EXCLUDE_CALLCHAIN_USER = 1L << 22, MMAP2 = 1L << 23,
            COMM_EXEC = 1L << 24, USE_CLOCKID = 1L << 25, CONTEXT_SWITCH = 1L << 26, WRITE_BACKWARD = 1L << 27,
            NAMESPACES = 1L << 28, KSYMBOL = 1L << 29, BPF_EVENT = 1L << 30, AUX_OUTPUT = 1L << 31,
            CGROUP = 1L << 32, TEXT_POKE = 1L << 33, BUILD_ID = 1L << 34, INHERIT_THREAD = 1L << 35,
            REMOVE_ON_EXEC = 1L << 36, SIGTRAP = 1L << 37;
    /** __reserved_1: bits 38..63 must be zero. */
    public static final long RESERVED_1 = -1L << 38;

    // ---- enum perf_event_sample_format ----
    public static final long SAMPLE_IP = 1L, SAMPLE_TID = 1L << 1, SAMPLE_TIME = 1L << 2, SAMPLE_ADDR = 1L << 3,
            SAMPLE_READ = 1L << 4, SAMPLE_CALLCHAIN = 1L << 5, SAMPLE_ID = 1L << 6, SAMPLE_CPU = 1L << 7,
            SAMPLE_PERIOD_BIT = 1L << 8, SAMPLE_STREAM_ID = 1L << 9, SAMPLE_RAW = 1L << 10;
    /** PERF_SAMPLE_MAX (1 << 26 in 6.x): bits from here on are EINVAL. */
    public static final long SAMPLE_MAX = 1L << 26;

    // ---- enum perf_event_read_format ----
    public static final long FORMAT_TOTAL_TIME_ENABLED = 1, FORMAT_TOTAL_TIME_RUNNING = 2, FORMAT_ID = 4,
            FORMAT_GROUP = 8, FORMAT_LOST = 16;
    /** PERF_FORMAT_MAX. */
    public static final long FORMAT_MAX = 1L << 5;

    // ---- perf_event_open flags ----
    public static final long FLAG_FD_NO_GROUP = 1, FLAG_FD_OUTPUT = 2, FLAG_PID_CGROUP = 4, FLAG_FD_CLOEXEC = 8;
    public static final long FLAG_ALL = FLAG_FD_NO_GROUP | FLAG_FD_OUTPUT | FLAG_PID_CGROUP | FLAG_FD_CLOEXEC;

    // ---- ioctls (_IO('$', n), _IOW('$', n, ...)) ----
    public static final int IOC_ENABLE = 0x2400;
    public static final int IOC_DISABLE = 0x2401;
    public static final int IOC_REFRESH = 0x2402;
    public static final int IOC_RESET = 0x2403;
    public static final int IOC_PERIOD = 0x40082404;
    public static final int IOC_SET_OUTPUT = 0x2405;
    public static final int IOC_SET_FILTER = 0x40082406;
    public static final int IOC_ID = 0x80082407;
    public static final int IOC_SET_BPF = 0x40042408;
    public static final int IOC_PAUSE_OUTPUT = 0x40042409;
    public static final int IOC_QUERY_BPF = 0xc008240a;
    public static final int IOC_MODIFY_ATTRIBUTES = 0x4008240b;
    /** PERF_IOC_FLAG_GROUP. */
    public static final int IOC_FLAG_GROUP = 1;

    /** kernel.perf_event_max_sample_rate's default (DEFAULT_MAX_SAMPLE_RATE). */
    public static final long MAX_SAMPLE_RATE = 100_000;
}

package dev.emu.abi.bpf;

/**
 * Byte offsets inside {@code union bpf_attr} and the info structs (include/uapi/linux/bpf.h,
 * x86_64). Checked against the host's header by the ABI cross-check test. Pure numbers.
 */
public final class BpfAttr {
    private BpfAttr() {}

    /** sizeof(union bpf_attr) in the Linux 6.1 headers: the bytes emu knows. */
    public static final int SIZE = 144;
    /** BPF_OBJ_NAME_LEN. */
    public static final int OBJ_NAME_LEN = 16;

    // BPF_MAP_CREATE
    public static final int MAP_TYPE = 0;
    public static final int KEY_SIZE = 4;
    public static final int VALUE_SIZE = 8;
    public static final int MAX_ENTRIES = 12;
    public static final int MAP_FLAGS = 16;
    public static final int INNER_MAP_FD = 20;
    public static final int NUMA_NODE = 24;
    public static final int MAP_NAME = 28;
    public static final int MAP_IFINDEX = 44;
    public static final int BTF_FD = 48;
    public static final int BTF_KEY_TYPE_ID = 52;
    public static final int BTF_VALUE_TYPE_ID = 56;
    public static final int BTF_VMLINUX_VALUE_TYPE_ID = 60;
    public static final int MAP_EXTRA = 64;

    // BPF_MAP_*_ELEM, BPF_MAP_GET_NEXT_KEY
    public static final int ELEM_MAP_FD = 0;
    public static final int ELEM_KEY = 8;
    public static final int ELEM_VALUE = 16;
    public static final int ELEM_NEXT_KEY = 16;
    public static final int ELEM_FLAGS = 24;

    // BPF_PROG_LOAD
    public static final int PROG_TYPE = 0;
    public static final int INSN_CNT = 4;
    public static final int INSNS = 8;
    public static final int LICENSE = 16;
    public static final int LOG_LEVEL = 24;
    public static final int LOG_SIZE = 28;
    public static final int LOG_BUF = 32;
    public static final int KERN_VERSION = 40;
    public static final int PROG_FLAGS = 44;
    public static final int PROG_NAME = 48;
    public static final int PROG_IFINDEX = 64;
    public static final int EXPECTED_ATTACH_TYPE = 68;
    public static final int PROG_BTF_FD = 72;
    public static final int FUNC_INFO_REC_SIZE = 76;
    public static final int FUNC_INFO = 80;
    public static final int FUNC_INFO_CNT = 88;
    public static final int LINE_INFO_REC_SIZE = 92;
    public static final int LINE_INFO = 96;
    public static final int LINE_INFO_CNT = 104;
    public static final int ATTACH_BTF_ID = 108;
    public static final int ATTACH_PROG_FD = 112;
    public static final int CORE_RELO_CNT = 116;
    public static final int FD_ARRAY = 120;

    // BPF_PROG_ATTACH / BPF_PROG_DETACH
    public static final int TARGET_FD = 0;
    public static final int ATTACH_BPF_FD = 4;
    public static final int ATTACH_TYPE = 8;
    public static final int ATTACH_FLAGS = 12;
    public static final int REPLACE_BPF_FD = 16;

    // BPF_PROG_TEST_RUN
    public static final int TEST_PROG_FD = 0;
    public static final int TEST_RETVAL = 4;
    public static final int TEST_DATA_SIZE_IN = 8;
    public static final int TEST_DATA_SIZE_OUT = 12;
    public static final int TEST_DATA_IN = 16;
    public static final int TEST_DATA_OUT = 24;
    public static final int TEST_REPEAT = 32;
    public static final int TEST_DURATION = 36;
    public static final int TEST_CTX_SIZE_IN = 40;
    public static final int TEST_CTX_SIZE_OUT = 44;
    public static final int TEST_CTX_IN = 48;
    public static final int TEST_CTX_OUT = 56;
    public static final int TEST_FLAGS = 64;
    public static final int TEST_CPU = 68;

    // BPF_*_GET_NEXT_ID
    public static final int START_ID = 0;
    public static final int NEXT_ID = 4;

    // BPF_MAP_FREEZE (map_fd at 0) and BPF_PROG_BIND_MAP
    public static final int BIND_PROG_FD = 0;
    public static final int BIND_MAP_FD = 4;
    public static final int BIND_FLAGS = 8;

    // BPF_BTF_LOAD
    public static final int BTF = 0;
    public static final int BTF_LOG_BUF = 8;
    public static final int BTF_SIZE = 16;
    public static final int BTF_LOG_SIZE = 20;
    public static final int BTF_LOG_LEVEL = 24;

    // BPF_OBJ_PIN / BPF_OBJ_GET
    public static final int PATHNAME = 0;
    public static final int PIN_BPF_FD = 8;
    public static final int FILE_FLAGS = 12;

    // BPF_PROG_QUERY
    public static final int QUERY_TARGET_FD = 0;
    public static final int QUERY_ATTACH_TYPE = 4;
    public static final int QUERY_FLAGS = 8;
    public static final int QUERY_ATTACH_FLAGS = 12;
    public static final int QUERY_PROG_IDS = 16;
    public static final int QUERY_PROG_CNT = 24;

    // BPF_*_GET_FD_BY_ID
    public static final int BY_ID_ID = 0;
    public static final int BY_ID_OPEN_FLAGS = 8;

    // BPF_OBJ_GET_INFO_BY_FD
    public static final int INFO_BPF_FD = 0;
    public static final int INFO_LEN = 4;
    public static final int INFO_PTR = 8;

    // struct bpf_map_info (88 bytes)
    public static final int MAP_INFO_SIZE = 88;
    public static final int MAP_INFO_TYPE = 0;
    public static final int MAP_INFO_ID = 4;
    public static final int MAP_INFO_KEY_SIZE = 8;
    public static final int MAP_INFO_VALUE_SIZE = 12;
    public static final int MAP_INFO_MAX_ENTRIES = 16;
    public static final int MAP_INFO_MAP_FLAGS = 20;
    public static final int MAP_INFO_NAME = 24;
    public static final int MAP_INFO_BTF_VMLINUX_VALUE_TYPE_ID = 44;
    public static final int MAP_INFO_BTF_ID = 64;
    public static final int MAP_INFO_BTF_KEY_TYPE_ID = 68;
    public static final int MAP_INFO_BTF_VALUE_TYPE_ID = 72;
    public static final int MAP_INFO_MAP_EXTRA = 80;

    // struct bpf_prog_info (232 bytes in 6.1)
    public static final int PROG_INFO_SIZE = 232;
    public static final int PROG_INFO_TYPE = 0;
    public static final int PROG_INFO_ID = 4;
    public static final int PROG_INFO_TAG = 8;
    public static final int PROG_INFO_JITED_PROG_LEN = 16;
    public static final int PROG_INFO_XLATED_PROG_LEN = 20;
    public static final int PROG_INFO_LOAD_TIME = 40;
    public static final int PROG_INFO_CREATED_BY_UID = 48;
    public static final int PROG_INFO_NR_MAP_IDS = 52;
    public static final int PROG_INFO_MAP_IDS = 56;
    public static final int PROG_INFO_NAME = 64;
    public static final int PROG_INFO_JITED_PROG_INSNS = 24;
    public static final int PROG_INFO_XLATED_PROG_INSNS = 32;
    /** The u32 whose bit 0 is gpl_compatible. */
    public static final int PROG_INFO_GPL_COMPATIBLE_WORD = 84;
    public static final int PROG_INFO_BTF_ID = 128;
    public static final int PROG_INFO_FUNC_INFO_REC_SIZE = 132;
    public static final int PROG_INFO_FUNC_INFO = 136;
    public static final int PROG_INFO_NR_FUNC_INFO = 144;
    public static final int PROG_INFO_NR_LINE_INFO = 148;
    public static final int PROG_INFO_LINE_INFO = 152;
    public static final int PROG_INFO_LINE_INFO_REC_SIZE = 172;
    public static final int PROG_INFO_RUN_TIME_NS = 192;
    public static final int PROG_INFO_RUN_CNT = 200;
    public static final int PROG_INFO_VERIFIED_INSNS = 216;

    // struct bpf_btf_info (32 bytes)
    public static final int BTF_INFO_SIZE = 32;
    public static final int BTF_INFO_BTF = 0;
    public static final int BTF_INFO_BTF_SIZE = 8;
    public static final int BTF_INFO_ID = 12;
    public static final int BTF_INFO_NAME = 16;
    public static final int BTF_INFO_NAME_LEN = 24;
    public static final int BTF_INFO_KERNEL_BTF = 28;
}

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
}

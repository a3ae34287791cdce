package dev.emu.abi.bpf;

/** bpf(2) command numbers ({@code enum bpf_cmd} in include/uapi/linux/bpf.h). Pure numbers. */
public final class BpfCommand {
    private BpfCommand() {}

    public static final int MAP_CREATE = 0;
    public static final int MAP_LOOKUP_ELEM = 1;
    public static final int MAP_UPDATE_ELEM = 2;
    public static final int MAP_DELETE_ELEM = 3;
    public static final int MAP_GET_NEXT_KEY = 4;
    public static final int PROG_LOAD = 5;
    public static final int OBJ_PIN = 6;
    public static final int OBJ_GET = 7;
    public static final int PROG_ATTACH = 8;
    public static final int PROG_DETACH = 9;
    public static final int PROG_TEST_RUN = 10;
    public static final int PROG_GET_NEXT_ID = 11;
    public static final int MAP_GET_NEXT_ID = 12;
    public static final int PROG_GET_FD_BY_ID = 13;
    public static final int MAP_GET_FD_BY_ID = 14;
    public static final int OBJ_GET_INFO_BY_FD = 15;
    public static final int PROG_QUERY = 16;
    public static final int RAW_TRACEPOINT_OPEN = 17;
    public static final int BTF_LOAD = 18;
    public static final int BTF_GET_FD_BY_ID = 19;
    public static final int MAP_FREEZE = 22;
    public static final int BTF_GET_NEXT_ID = 23;
    public static final int LINK_CREATE = 28;
    public static final int MAP_LOOKUP_AND_DELETE_ELEM = 21;
    public static final int MAP_LOOKUP_BATCH = 24;
    public static final int MAP_LOOKUP_AND_DELETE_BATCH = 25;
    public static final int MAP_UPDATE_BATCH = 26;
    public static final int MAP_DELETE_BATCH = 27;
    public static final int LINK_UPDATE = 29;
    public static final int LINK_GET_FD_BY_ID = 30;
    public static final int LINK_GET_NEXT_ID = 31;
    public static final int LINK_DETACH = 34;
    public static final int PROG_BIND_MAP = 35;

    /** Linux's name for {@code cmd} (BPF_MAP_CREATE…), emu's extension names, or null. */
    public static String name(long cmd) {
        if (cmd == EmuBpfExtensions.BPF_EMU_RINGBUF_POLL) {
            return "BPF_EMU_RINGBUF_POLL";
        }
        return switch ((int) cmd) {
            case MAP_CREATE -> "BPF_MAP_CREATE";
            case MAP_LOOKUP_ELEM -> "BPF_MAP_LOOKUP_ELEM";
            case MAP_UPDATE_ELEM -> "BPF_MAP_UPDATE_ELEM";
            case MAP_DELETE_ELEM -> "BPF_MAP_DELETE_ELEM";
            case MAP_GET_NEXT_KEY -> "BPF_MAP_GET_NEXT_KEY";
            case PROG_LOAD -> "BPF_PROG_LOAD";
            case OBJ_PIN -> "BPF_OBJ_PIN";
            case OBJ_GET -> "BPF_OBJ_GET";
            case PROG_ATTACH -> "BPF_PROG_ATTACH";
            case PROG_DETACH -> "BPF_PROG_DETACH";
            case PROG_TEST_RUN -> "BPF_PROG_TEST_RUN";
            case PROG_GET_NEXT_ID -> "BPF_PROG_GET_NEXT_ID";
            case MAP_GET_NEXT_ID -> "BPF_MAP_GET_NEXT_ID";
            case PROG_GET_FD_BY_ID -> "BPF_PROG_GET_FD_BY_ID";
            case MAP_GET_FD_BY_ID -> "BPF_MAP_GET_FD_BY_ID";
            case OBJ_GET_INFO_BY_FD -> "BPF_OBJ_GET_INFO_BY_FD";
            case PROG_QUERY -> "BPF_PROG_QUERY";
            case RAW_TRACEPOINT_OPEN -> "BPF_RAW_TRACEPOINT_OPEN";
            case BTF_LOAD -> "BPF_BTF_LOAD";
            case BTF_GET_FD_BY_ID -> "BPF_BTF_GET_FD_BY_ID";
            case MAP_FREEZE -> "BPF_MAP_FREEZE";
            case BTF_GET_NEXT_ID -> "BPF_BTF_GET_NEXT_ID";
            case PROG_BIND_MAP -> "BPF_PROG_BIND_MAP";
            case LINK_CREATE -> "BPF_LINK_CREATE";
            case MAP_LOOKUP_AND_DELETE_ELEM -> "BPF_MAP_LOOKUP_AND_DELETE_ELEM";
            case MAP_LOOKUP_BATCH -> "BPF_MAP_LOOKUP_BATCH";
            case MAP_LOOKUP_AND_DELETE_BATCH -> "BPF_MAP_LOOKUP_AND_DELETE_BATCH";
            case MAP_UPDATE_BATCH -> "BPF_MAP_UPDATE_BATCH";
            case MAP_DELETE_BATCH -> "BPF_MAP_DELETE_BATCH";
            case LINK_UPDATE -> "BPF_LINK_UPDATE";
            case LINK_GET_FD_BY_ID -> "BPF_LINK_GET_FD_BY_ID";
            case LINK_GET_NEXT_ID -> "BPF_LINK_GET_NEXT_ID";
            case LINK_DETACH -> "BPF_LINK_DETACH";
            default -> null;
        };
    }
}

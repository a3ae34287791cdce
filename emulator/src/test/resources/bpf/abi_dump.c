/* Prints Linux's bpf ABI numbers from the host's <linux/bpf.h>, one "NAME VALUE" per line,
 * for BpfAbiCrossCheckTest to compare with abi/. */
#include <stdio.h>
#include <stddef.h>
#include <linux/bpf.h>

#define N(x) printf(#x " %lld\n", (long long)(x))
#define OFF(name, f) do { union bpf_attr a; printf(name " %zu\n", (size_t)((char *)&a.f - (char *)&a)); } while (0)
#define SOFF(s, f) printf(#s "." #f " %zu\n", offsetof(struct s, f))

int main(void) {
    N(BPF_MAP_CREATE); N(BPF_MAP_LOOKUP_ELEM); N(BPF_MAP_UPDATE_ELEM); N(BPF_MAP_DELETE_ELEM);
    N(BPF_MAP_GET_NEXT_KEY); N(BPF_PROG_LOAD); N(BPF_OBJ_PIN); N(BPF_OBJ_GET); N(BPF_PROG_ATTACH);
    N(BPF_PROG_DETACH); N(BPF_PROG_TEST_RUN); N(BPF_PROG_GET_NEXT_ID); N(BPF_MAP_GET_NEXT_ID);
    N(BPF_PROG_GET_FD_BY_ID); N(BPF_MAP_GET_FD_BY_ID); N(BPF_OBJ_GET_INFO_BY_FD); N(BPF_PROG_QUERY);
    N(BPF_RAW_TRACEPOINT_OPEN); N(BPF_BTF_LOAD); N(BPF_LINK_CREATE);
    N(BPF_MAP_TYPE_HASH); N(BPF_MAP_TYPE_ARRAY); N(BPF_MAP_TYPE_PROG_ARRAY); N(BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    N(BPF_MAP_TYPE_PERCPU_HASH); N(BPF_MAP_TYPE_PERCPU_ARRAY); N(BPF_MAP_TYPE_STACK_TRACE);
    N(BPF_MAP_TYPE_LRU_HASH); N(BPF_MAP_TYPE_QUEUE); N(BPF_MAP_TYPE_STACK); N(BPF_MAP_TYPE_RINGBUF);
    N(BPF_MAP_TYPE_BLOOM_FILTER); N(BPF_MAP_TYPE_USER_RINGBUF);
    N(BPF_PROG_TYPE_SOCKET_FILTER); N(BPF_PROG_TYPE_KPROBE); N(BPF_PROG_TYPE_TRACEPOINT);
    N(BPF_PROG_TYPE_PERF_EVENT); N(BPF_PROG_TYPE_RAW_TRACEPOINT);
    N(BPF_FUNC_map_lookup_elem); N(BPF_FUNC_map_update_elem); N(BPF_FUNC_map_delete_elem);
    N(BPF_FUNC_probe_read); N(BPF_FUNC_ktime_get_ns); N(BPF_FUNC_trace_printk); N(BPF_FUNC_get_prandom_u32);
    N(BPF_FUNC_get_smp_processor_id); N(BPF_FUNC_get_current_pid_tgid); N(BPF_FUNC_get_current_uid_gid);
    N(BPF_FUNC_get_current_comm); N(BPF_FUNC_perf_event_output); N(BPF_FUNC_ringbuf_output);
    N(BPF_FUNC_ringbuf_reserve); N(BPF_FUNC_ringbuf_submit); N(BPF_FUNC_ringbuf_discard);
    N(BPF_FUNC_ringbuf_query);
    N(BPF_RB_NO_WAKEUP); N(BPF_RB_FORCE_WAKEUP); N(BPF_RB_AVAIL_DATA); N(BPF_RB_RING_SIZE);
    N(BPF_RB_CONS_POS); N(BPF_RB_PROD_POS); N(BPF_ANY); N(BPF_NOEXIST); N(BPF_EXIST);
    N(BPF_PSEUDO_MAP_FD); N(BPF_PSEUDO_MAP_VALUE); N(BPF_PSEUDO_CALL); N(BPF_RINGBUF_HDR_SZ);
    printf("sizeof.bpf_map_info %zu\n", sizeof(struct bpf_map_info));
    OFF("MAP_TYPE", map_type); OFF("KEY_SIZE", key_size); OFF("VALUE_SIZE", value_size);
    OFF("MAX_ENTRIES", max_entries); OFF("MAP_FLAGS", map_flags); OFF("INNER_MAP_FD", inner_map_fd);
    OFF("NUMA_NODE", numa_node); OFF("MAP_NAME", map_name);
    OFF("ELEM_MAP_FD", map_fd); OFF("ELEM_KEY", key); OFF("ELEM_VALUE", value); OFF("ELEM_NEXT_KEY", next_key);
    OFF("ELEM_FLAGS", flags);
    OFF("PROG_TYPE", prog_type); OFF("INSN_CNT", insn_cnt); OFF("INSNS", insns); OFF("LICENSE", license);
    OFF("LOG_LEVEL", log_level); OFF("LOG_SIZE", log_size); OFF("LOG_BUF", log_buf);
    OFF("KERN_VERSION", kern_version); OFF("PROG_FLAGS", prog_flags); OFF("PROG_NAME", prog_name);
    OFF("PROG_IFINDEX", prog_ifindex); OFF("EXPECTED_ATTACH_TYPE", expected_attach_type);
    OFF("TARGET_FD", target_fd); OFF("ATTACH_BPF_FD", attach_bpf_fd); OFF("ATTACH_TYPE", attach_type);
    OFF("ATTACH_FLAGS", attach_flags); OFF("REPLACE_BPF_FD", replace_bpf_fd);
    OFF("TEST_PROG_FD", test.prog_fd); OFF("TEST_RETVAL", test.retval); OFF("TEST_DATA_SIZE_IN", test.data_size_in);
    OFF("TEST_DATA_SIZE_OUT", test.data_size_out); OFF("TEST_DATA_IN", test.data_in);
    OFF("TEST_DATA_OUT", test.data_out); OFF("TEST_REPEAT", test.repeat); OFF("TEST_DURATION", test.duration);
    OFF("TEST_CTX_SIZE_IN", test.ctx_size_in); OFF("TEST_CTX_SIZE_OUT", test.ctx_size_out);
    OFF("TEST_CTX_IN", test.ctx_in); OFF("TEST_CTX_OUT", test.ctx_out); OFF("TEST_FLAGS", test.flags);
    OFF("TEST_CPU", test.cpu);
    OFF("BY_ID_ID", map_id); OFF("BY_ID_OPEN_FLAGS", open_flags);
    OFF("INFO_BPF_FD", info.bpf_fd); OFF("INFO_LEN", info.info_len); OFF("INFO_PTR", info.info);
    printf("MAP_INFO_TYPE %zu\nMAP_INFO_ID %zu\nMAP_INFO_KEY_SIZE %zu\nMAP_INFO_VALUE_SIZE %zu\n"
           "MAP_INFO_MAX_ENTRIES %zu\nMAP_INFO_MAP_FLAGS %zu\nMAP_INFO_NAME %zu\n",
           offsetof(struct bpf_map_info, type), offsetof(struct bpf_map_info, id),
           offsetof(struct bpf_map_info, key_size), offsetof(struct bpf_map_info, value_size),
           offsetof(struct bpf_map_info, max_entries), offsetof(struct bpf_map_info, map_flags),
           offsetof(struct bpf_map_info, name));
    printf("PROG_INFO_TYPE %zu\nPROG_INFO_ID %zu\nPROG_INFO_TAG %zu\nPROG_INFO_JITED_PROG_LEN %zu\n"
           "PROG_INFO_XLATED_PROG_LEN %zu\nPROG_INFO_LOAD_TIME %zu\nPROG_INFO_CREATED_BY_UID %zu\n"
           "PROG_INFO_NR_MAP_IDS %zu\nPROG_INFO_MAP_IDS %zu\nPROG_INFO_NAME %zu\n",
           offsetof(struct bpf_prog_info, type), offsetof(struct bpf_prog_info, id),
           offsetof(struct bpf_prog_info, tag), offsetof(struct bpf_prog_info, jited_prog_len),
           offsetof(struct bpf_prog_info, xlated_prog_len), offsetof(struct bpf_prog_info, load_time),
           offsetof(struct bpf_prog_info, created_by_uid), offsetof(struct bpf_prog_info, nr_map_ids),
           offsetof(struct bpf_prog_info, map_ids), offsetof(struct bpf_prog_info, name));
    /* The object commands and base helpers (issue 15). */
    N(BPF_FUNC_get_numa_node_id); N(BPF_FUNC_jiffies64); N(BPF_FUNC_ktime_get_boot_ns);
    N(BPF_FUNC_ktime_get_coarse_ns); N(BPF_FUNC_for_each_map_elem); N(BPF_FUNC_snprintf);
    N(BPF_FUNC_trace_vprintk); N(BPF_FUNC_loop); N(BPF_FUNC_strncmp); N(BPF_FUNC_ktime_get_tai_ns);
    N(BPF_PSEUDO_BTF_ID); N(BPF_PSEUDO_FUNC); N(BPF_PSEUDO_MAP_IDX); N(BPF_PSEUDO_MAP_IDX_VALUE);
    N(BPF_PSEUDO_KFUNC_CALL); N(BPF_F_RDONLY); N(BPF_F_WRONLY); N(BPF_F_RDONLY_PROG); N(BPF_F_WRONLY_PROG);
    N(BPF_F_MMAPABLE);
    N(BPF_BTF_GET_FD_BY_ID); N(BPF_MAP_FREEZE); N(BPF_BTF_GET_NEXT_ID); N(BPF_PROG_BIND_MAP);
    OFF("MAP_IFINDEX", map_ifindex); OFF("BTF_FD", btf_fd); OFF("BTF_KEY_TYPE_ID", btf_key_type_id);
    OFF("BTF_VALUE_TYPE_ID", btf_value_type_id); OFF("BTF_VMLINUX_VALUE_TYPE_ID", btf_vmlinux_value_type_id);
    OFF("MAP_EXTRA", map_extra);
    OFF("PROG_BTF_FD", prog_btf_fd); OFF("FUNC_INFO_REC_SIZE", func_info_rec_size); OFF("FUNC_INFO", func_info);
    OFF("FUNC_INFO_CNT", func_info_cnt); OFF("LINE_INFO_REC_SIZE", line_info_rec_size); OFF("LINE_INFO", line_info);
    OFF("LINE_INFO_CNT", line_info_cnt); OFF("ATTACH_BTF_ID", attach_btf_id); OFF("ATTACH_PROG_FD", attach_prog_fd);
    OFF("FD_ARRAY", fd_array); OFF("CORE_RELO_CNT", core_relo_cnt);
    OFF("START_ID", start_id); OFF("NEXT_ID", next_id);
    OFF("BIND_PROG_FD", prog_bind_map.prog_fd); OFF("BIND_MAP_FD", prog_bind_map.map_fd);
    OFF("BIND_FLAGS", prog_bind_map.flags);
    OFF("BTF", btf); OFF("BTF_LOG_BUF", btf_log_buf); OFF("BTF_SIZE", btf_size); OFF("BTF_LOG_SIZE", btf_log_size);
    OFF("BTF_LOG_LEVEL", btf_log_level);
    OFF("PATHNAME", pathname); OFF("PIN_BPF_FD", bpf_fd); OFF("FILE_FLAGS", file_flags);
    OFF("QUERY_TARGET_FD", query.target_fd); OFF("QUERY_ATTACH_TYPE", query.attach_type);
    OFF("QUERY_FLAGS", query.query_flags); OFF("QUERY_ATTACH_FLAGS", query.attach_flags);
    OFF("QUERY_PROG_IDS", query.prog_ids); OFF("QUERY_PROG_CNT", query.prog_cnt);
#define MI(name, f) printf("MAP_INFO_" name " %zu\n", offsetof(struct bpf_map_info, f))
#define PI(name, f) printf("PROG_INFO_" name " %zu\n", offsetof(struct bpf_prog_info, f))
#define BI(name, f) printf("BTF_INFO_" name " %zu\n", offsetof(struct bpf_btf_info, f))
    MI("BTF_VMLINUX_VALUE_TYPE_ID", btf_vmlinux_value_type_id); MI("BTF_ID", btf_id);
    MI("BTF_KEY_TYPE_ID", btf_key_type_id); MI("BTF_VALUE_TYPE_ID", btf_value_type_id); MI("MAP_EXTRA", map_extra);
    PI("JITED_PROG_INSNS", jited_prog_insns); PI("XLATED_PROG_INSNS", xlated_prog_insns);
    /* gpl_compatible:1 is a bitfield: the u32 right after ifindex. */
    printf("PROG_INFO_GPL_COMPATIBLE_WORD %zu\n", offsetof(struct bpf_prog_info, ifindex) + 4);
    PI("BTF_ID", btf_id); PI("FUNC_INFO_REC_SIZE", func_info_rec_size); PI("FUNC_INFO", func_info);
    PI("NR_FUNC_INFO", nr_func_info); PI("NR_LINE_INFO", nr_line_info); PI("LINE_INFO", line_info);
    PI("LINE_INFO_REC_SIZE", line_info_rec_size); PI("RUN_TIME_NS", run_time_ns); PI("RUN_CNT", run_cnt);
    PI("VERIFIED_INSNS", verified_insns);
    BI("BTF", btf); BI("BTF_SIZE", btf_size); BI("ID", id); BI("NAME", name); BI("NAME_LEN", name_len);
    BI("KERNEL_BTF", kernel_btf);
    printf("BTF_INFO_SIZE %zu\n", sizeof(struct bpf_btf_info));
    return 0;
}

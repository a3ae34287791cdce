package dev.emu.kernel.btf;

import dev.emu.bpf.btf.Btf;
import dev.emu.bpf.btf.BtfLoadResult;
import dev.emu.bpf.btf.BtfLoader;
import dev.emu.bpf.btf.BtfWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's BTF (Linux's /sys/kernel/btf/vmlinux, BTF object id 1 "vmlinux"), generated from
 * a description of the objects emu's kernel shows BPF programs: Linux's type and member names
 * with emu's own layout, so a CO-RE program built against any vmlinux.h is relocated onto emu's
 * objects by libbpf (relocations go by name). Base integer types and typedefs, task_struct and
 * what tools reach from it (mm_struct, cred, files_struct/fdtable/file/path/dentry/qstr/inode,
 * pid/upid/pid_namespace/nsproxy), linux_binprm, pt_regs, the trace_event_raw_* records emu's
 * tracepoints write, the btf_trace_* typedefs of its raw tracepoints (what tp_btf attaches to),
 * and a FUNC {@code __x64_sys_NAME} for every syscall (fentry/fexit attach points).
 *
 * <p>Deterministic: the same syscall table gives the same blob, byte for byte. The image
 * builders ({@link KernelImages}) write the objects through the {@link StructLayout}s made here.
 */
public final class KernelBtf {
    /** PF_EXITING, PF_KTHREAD (include/linux/sched.h). */
    public static final int PF_EXITING = 0x4, PF_KTHREAD = 0x00200000;

    private final byte[] blob;
    private final Btf btf;
    final StructLayout task, mm, cred, files, fdtable, file, path, dentry, inode, pid, upid, pidNamespace,
            nsproxy, binprm, ptRegs, threadInfo, fs, vfsmount, superBlock, qstr;

    private KernelBtf(List<String> syscallWrappers) {
        CTypes c = new CTypes();
        baseTypes(c);
        c.struct("list_head", "struct list_head *next", "struct list_head *prev");
        c.anonymousTypedef("atomic_t", "int counter");
        c.anonymousTypedef("kuid_t", "uid_t val");
        c.anonymousTypedef("kgid_t", "gid_t val");
        c.anonymousTypedef("kernel_cap_t", "u64 val");
        threadInfo = c.struct("thread_info", "long unsigned int flags", "long unsigned int syscall_work", "u32 status",
                "u32 cpu");
        task = c.struct("task_struct",
                "struct thread_info thread_info", "unsigned int __state",
                "unsigned int flags", "unsigned int ptrace", "int on_cpu", "unsigned int cpu", "int on_rq", "int prio",
                "int static_prio", "int normal_prio", "unsigned int rt_priority", "unsigned int policy",
                "int nr_cpus_allowed", "struct mm_struct *mm", "struct mm_struct *active_mm", "int exit_state",
                "int exit_code", "int exit_signal", "pid_t pid", "pid_t tgid",
                "struct task_struct *real_parent", "struct task_struct *parent", "struct task_struct *group_leader",
                "struct pid *thread_pid", "u64 utime", "u64 stime", "u64 start_time", "u64 start_boottime",
                "const struct cred *real_cred", "const struct cred *cred", "char comm[16]", "struct fs_struct *fs",
                "struct files_struct *files", "struct nsproxy *nsproxy");
        mm = c.struct("mm_struct",
                "long unsigned int task_size", "int map_count", "atomic_t mm_users", "atomic_t mm_count",
                "long unsigned int total_vm", "long unsigned int start_code", "long unsigned int end_code",
                "long unsigned int start_data", "long unsigned int end_data", "long unsigned int start_brk",
                "long unsigned int brk", "long unsigned int start_stack", "long unsigned int arg_start",
                "long unsigned int arg_end", "long unsigned int env_start", "long unsigned int env_end",
                "struct file *exe_file", "struct task_struct *owner");
        cred = c.struct("cred",
                "kuid_t uid", "kgid_t gid", "kuid_t suid", "kgid_t sgid", "kuid_t euid",
                "kgid_t egid", "kuid_t fsuid", "kgid_t fsgid",
                "kernel_cap_t cap_inheritable", "kernel_cap_t cap_permitted", "kernel_cap_t cap_effective");
        int hashLen = c.anonymous(true, List.of(
                new CTypes.Member("", c.anonymous(false, List.of(new CTypes.Member("hash", c.id("u32")),
                        new CTypes.Member("len", c.id("u32"))))),
                new CTypes.Member("hash_len", c.id("u64"))));
        qstr = c.define("qstr", List.of(new CTypes.Member("", hashLen), new CTypes.Member("name", c.id("const unsigned char *"))));
        dentry = c.struct("dentry",
                "struct dentry *d_parent", "struct qstr d_name", "struct inode *d_inode",
                "unsigned char d_iname[40]", "struct super_block *d_sb");
        inode = c.struct("inode",
                "umode_t i_mode", "kuid_t i_uid", "kgid_t i_gid",
                "long unsigned int i_ino", "dev_t i_rdev", "loff_t i_size", "unsigned int i_nlink",
                "struct super_block *i_sb");
        superBlock = c.struct("super_block", "dev_t s_dev", "long unsigned int s_magic");
        path = c.struct("path", "struct vfsmount *mnt", "struct dentry *dentry");
        vfsmount = c.struct("vfsmount", "struct dentry *mnt_root", "struct super_block *mnt_sb", "int mnt_flags");
        file = c.struct("file",
                "struct path f_path", "struct inode *f_inode", "unsigned int f_flags", "fmode_t f_mode", "loff_t f_pos");
        fdtable = c.struct("fdtable",
                "unsigned int max_fds", "struct file **fd");
        files = c.struct("files_struct", "struct fdtable *fdt");
        fs = c.struct("fs_struct", "int umask", "struct path root", "struct path pwd");
        c.struct("ns_common", "unsigned int inum");
        pidNamespace = c.struct("pid_namespace",
                "struct task_struct *child_reaper", "unsigned int level",
                "struct pid_namespace *parent", "struct ns_common ns");
        upid = c.struct("upid", "int nr", "struct pid_namespace *ns");
        pid = c.struct("pid", "unsigned int level", "struct upid numbers[1]");
        nsproxy = c.struct("nsproxy", "struct pid_namespace *pid_ns_for_children");
        binprm = c.struct("linux_binprm",
                "struct mm_struct *mm", "struct file *file", "int argc", "int envc", "const char *filename",
                "const char *interp");
        ptRegs = c.struct("pt_regs",
                "long unsigned int r15", "long unsigned int r14", "long unsigned int r13", "long unsigned int r12",
                "long unsigned int bp", "long unsigned int bx", "long unsigned int r11", "long unsigned int r10",
                "long unsigned int r9", "long unsigned int r8", "long unsigned int ax", "long unsigned int cx",
                "long unsigned int dx", "long unsigned int si", "long unsigned int di", "long unsigned int orig_ax",
                "long unsigned int ip", "long unsigned int cs", "long unsigned int flags", "long unsigned int sp",
                "long unsigned int ss");
        traceRecords(c);
        enums(c);
        tracepointTypedefs(c);
        syscallFuncs(c, syscallWrappers);
        blob = c.btf.toBytes();
        btf = switch (BtfLoader.load(blob, false)) {
            case BtfLoadResult.Loaded l -> l.btf();
            case BtfLoadResult.Refused r -> throw new IllegalStateException("kernel BTF refused by its own checks: " + r.log());
        };
    }

    /** The kernel BTF of a kernel whose syscall wrappers are {@code syscallWrappers} (in table order). */
    public static KernelBtf build(List<String> syscallWrappers) {
        return new KernelBtf(syscallWrappers);
    }

    /** The blob, as /sys/kernel/btf/vmlinux serves it (a copy). */
    public byte[] blob() {
        return blob.clone();
    }

    public int size() {
        return blob.length;
    }

    /** The parsed types (what the verifier and CO-RE resolution read). */
    public Btf btf() {
        return btf;
    }

    private static void baseTypes(CTypes c) {
        c.integer("char", 1, 0);
        c.integer("unsigned char", 1, 0);
        c.integer("signed char", 1, BtfWriter.SIGNED);
        c.integer("short int", 2, BtfWriter.SIGNED);
        c.integer("short unsigned int", 2, 0);
        c.integer("int", 4, BtfWriter.SIGNED);
        c.integer("unsigned int", 4, 0);
        c.integer("long int", 8, BtfWriter.SIGNED);
        c.integer("long unsigned int", 8, 0);
        c.integer("long long int", 8, BtfWriter.SIGNED);
        c.integer("long long unsigned int", 8, 0);
        c.integer("_Bool", 1, BtfWriter.BOOL);
        String[][] typedefs = {
            {"__s8", "signed char"}, {"__u8", "unsigned char"}, {"__s16", "short int"}, {"__u16", "short unsigned int"},
            {"__s32", "int"}, {"__u32", "unsigned int"}, {"__s64", "long long int"}, {"__u64", "long long unsigned int"},
            {"s8", "__s8"}, {"u8", "__u8"}, {"s16", "__s16"}, {"u16", "__u16"}, {"s32", "__s32"}, {"u32", "__u32"},
            {"s64", "__s64"}, {"u64", "__u64"}, {"bool", "_Bool"},
            {"__kernel_pid_t", "int"}, {"pid_t", "__kernel_pid_t"},
            {"__kernel_uid32_t", "unsigned int"}, {"uid_t", "__kernel_uid32_t"},
            {"__kernel_gid32_t", "unsigned int"}, {"gid_t", "__kernel_gid32_t"},
            {"__kernel_long_t", "long int"}, {"__kernel_ulong_t", "long unsigned int"},
            {"__kernel_size_t", "__kernel_ulong_t"}, {"size_t", "__kernel_size_t"},
            {"__kernel_loff_t", "long long int"}, {"loff_t", "__kernel_loff_t"},
            {"__kernel_dev_t", "u32"}, {"dev_t", "__kernel_dev_t"}, {"umode_t", "short unsigned int"},
            {"fmode_t", "unsigned int"},
            {"__le16", "__u16"}, {"__be16", "__u16"}, {"__le32", "__u32"}, {"__be32", "__u32"}, {"__le64", "__u64"},
            {"__be64", "__u64"}, {"__sum16", "__u16"}, {"__wsum", "__u32"},
        };
        for (String[] t : typedefs) {
            c.typedef(t[0], t[1]);
        }
    }

    /** The records of emu's tracepoints, as Linux's trace_event_raw_* (the layouts their format files show). */
    private static void traceRecords(CTypes c) {
        c.struct("trace_entry", "short unsigned int type", "unsigned char flags", "unsigned char preempt_count", "int pid");
        c.struct("trace_event_raw_sys_enter", "struct trace_entry ent", "long int id", "long unsigned int args[6]",
                "char __data[0]");
        c.struct("trace_event_raw_sys_exit", "struct trace_entry ent", "long int id", "long int ret", "char __data[0]");
        c.struct("trace_event_raw_sched_switch", "struct trace_entry ent", "char prev_comm[16]", "pid_t prev_pid",
                "int prev_prio", "long int prev_state", "char next_comm[16]", "pid_t next_pid", "int next_prio",
                "char __data[0]");
        c.struct("trace_event_raw_sched_wakeup_template", "struct trace_entry ent", "char comm[16]", "pid_t pid",
                "int prio", "int target_cpu", "char __data[0]");
        c.struct("trace_event_raw_sched_process_template", "struct trace_entry ent", "u32 __data_loc_comm", "pid_t pid",
                "int prio", "char __data[0]");
        c.struct("trace_event_raw_sched_process_exec", "struct trace_entry ent", "u32 __data_loc_filename", "pid_t pid",
                "pid_t old_pid", "char __data[0]");
        c.struct("trace_event_raw_sched_process_fork", "struct trace_entry ent", "u32 __data_loc_parent_comm",
                "pid_t parent_pid", "u32 __data_loc_child_comm", "pid_t child_pid", "char __data[0]");
        c.struct("trace_event_raw_sched_process_exit", "struct trace_entry ent", "char comm[16]", "pid_t pid", "int prio",
                "bool group_dead", "char __data[0]");
        c.struct("trace_event_raw_signal_generate", "struct trace_entry ent", "int sig", "int errno", "int code",
                "char comm[16]", "pid_t pid", "int group", "int result", "char __data[0]");
        c.struct("trace_event_raw_signal_deliver", "struct trace_entry ent", "int sig", "int errno", "int code",
                "long unsigned int sa_handler", "long unsigned int sa_flags", "char __data[0]");
    }

    /** Enums tools name with bpf_core_enum_value (include/linux/pid.h, include/linux/sched.h's state bits are macros). */
    private static void enums(CTypes c) {
        Map<String, Integer> pidType = new LinkedHashMap<>();
        pidType.put("PIDTYPE_PID", 0);
        pidType.put("PIDTYPE_TGID", 1);
        pidType.put("PIDTYPE_PGID", 2);
        pidType.put("PIDTYPE_SID", 3);
        pidType.put("PIDTYPE_MAX", 4);
        c.btf.addEnum("pid_type", pidType, false);
        bpfEnums(c);
    }

    /**
     * The uapi enums a BPF program written against vmlinux.h names instead of including
     * linux/bpf.h (libbpf-tools do): Linux's BTF has them because the kernel uses them, and so do
     * {@code false}/{@code true}. The map types are the ones emu's kernel has.
     */
    private static void bpfEnums(CTypes c) {
        Map<String, Integer> bool = new LinkedHashMap<>();
        bool.put("false", 0);
        bool.put("true", 1);
        c.btf.addEnum("", bool, false);
        java.util.TreeMap<Integer, String> byId = new java.util.TreeMap<>();
        for (java.lang.reflect.Field f : dev.emu.abi.bpf.BpfMapType.class.getFields()) {
            try {
                byId.put(f.getInt(null), "BPF_MAP_TYPE_" + f.getName());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        Map<String, Integer> mapTypes = new LinkedHashMap<>();
        byId.forEach((id, name) -> mapTypes.put(name, id));
        c.btf.addEnum("bpf_map_type", mapTypes, false);
        Map<String, Integer> updateFlags = new LinkedHashMap<>();
        updateFlags.put("BPF_ANY", 0);
        updateFlags.put("BPF_NOEXIST", 1);
        updateFlags.put("BPF_EXIST", 2);
        updateFlags.put("BPF_F_LOCK", 4);
        c.btf.addEnum("", updateFlags, false);
        Map<String, Long> outputFlags = new LinkedHashMap<>(); // bpf_perf_event_output's flags
        outputFlags.put("BPF_F_INDEX_MASK", 0xffff_ffffL);
        outputFlags.put("BPF_F_CURRENT_CPU", 0xffff_ffffL);
        outputFlags.put("BPF_F_CTXLEN_MASK", 0xf_ffffL << 32);
        c.btf.addEnum64("", outputFlags, false);
    }

    /**
     * The raw tracepoints' prototypes (DEFINE_EVENT's btf_trace_NAME typedefs: a pointer to a
     * function of {@code void *} and the TP_PROTO arguments), what tp_btf programs attach to.
     */
    private static void tracepointTypedefs(CTypes c) {
        tp(c, "sys_enter", "struct pt_regs *", "long int");
        tp(c, "sys_exit", "struct pt_regs *", "long int");
        tp(c, "sched_switch", "bool", "struct task_struct *", "struct task_struct *", "unsigned int");
        tp(c, "sched_wakeup", "struct task_struct *");
        tp(c, "sched_wakeup_new", "struct task_struct *");
        tp(c, "sched_process_fork", "struct task_struct *", "struct task_struct *");
        tp(c, "sched_process_exec", "struct task_struct *", "pid_t", "struct linux_binprm *");
        tp(c, "sched_process_exit", "struct task_struct *", "bool");
    }

    private static void tp(CTypes c, String name, String... args) {
        List<BtfWriter.Param> params = new ArrayList<>();
        params.add(new BtfWriter.Param("", c.id("void *")));
        for (String a : args) {
            params.add(new BtfWriter.Param("", c.id(a)));
        }
        int proto = c.btf.addFuncProto(0, params);
        c.btf.addTypedef("btf_trace_" + name, c.btf.addPtr(proto));
    }

    /** long __x64_sys_NAME(const struct pt_regs *regs): the syscall wrappers (arch/x86/entry/syscall_64.c). */
    private static void syscallFuncs(CTypes c, List<String> wrappers) {
        int proto = c.btf.addFuncProto(c.id("long int"), List.of(new BtfWriter.Param("regs", c.id("const struct pt_regs *"))));
        for (String w : wrappers) {
            c.btf.addFunc(w, proto);
        }
    }
}

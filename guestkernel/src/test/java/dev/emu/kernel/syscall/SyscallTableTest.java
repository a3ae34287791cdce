package dev.emu.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.SyscallNumbers;
import dev.emu.kernel.syscall.ArgKind.Width;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SyscallTableTest {

    @Test
    void everyRowCarriesLinuxsNameAndAHandler() {
        for (SyscallDef d : SyscallTable.implemented()) {
            assertThat(d.name()).as("row %d", d.number()).isEqualTo(SyscallNumbers.name(d.number()));
            assertThat(d.handler()).as(d.name()).isNotNull();
            assertThat(d.support()).as(d.name()).isNotEqualTo(Support.ENOSYS);
            if (d.support() == Support.PARTIAL) {
                assertThat(d.note()).as("a partial syscall says what is missing: %s", d.name()).isNotBlank();
            }
        }
    }

    @Test
    void theBootSetIsImplemented() {
        String[] needed = {"read", "write", "readv", "writev", "close", "fstat", "newfstatat", "statx", "lseek",
            "ioctl", "fcntl", "dup", "dup2", "dup3", "brk", "mmap", "munmap", "mprotect", "mremap", "madvise",
            "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64", "getrlimit", "getrandom",
            "uname", "getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid", "clock_gettime",
            "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep", "sched_yield",
            "rt_sigaction", "rt_sigprocmask", "readlink", "exit", "exit_group"};
        var names = SyscallTable.implemented().stream().map(SyscallDef::name).toList();
        assertThat(names).contains(needed);
    }

    /**
     * The parameters of each implemented syscall as its SYSCALL_DEFINE declares it (Linux 6.x,
     * include/linux/syscalls.h and the defining files), for checking the table's widths.
     */
    static final Map<String, String> LINUX_SIGNATURES = linuxSignatures();

    private static Map<String, String> linuxSignatures() {
        String[] lines = {
            "read: unsigned int fd, char *buf, size_t count",
            "write: unsigned int fd, const char *buf, size_t count",
            "pread64: unsigned int fd, char *buf, size_t count, loff_t pos",
            "pwrite64: unsigned int fd, const char *buf, size_t count, loff_t pos",
            // vlen is unsigned long, but import_iovec takes an unsigned nr_segs: 32 bits count.
            "readv: unsigned long fd, const struct iovec *vec, unsigned vlen",
            "writev: unsigned long fd, const struct iovec *vec, unsigned vlen",
            // As readv for vlen; rwf_t is an int.
            "preadv: unsigned long fd, const struct iovec *vec, unsigned vlen, unsigned long pos_l, unsigned long pos_h",
            "pwritev: unsigned long fd, const struct iovec *vec, unsigned vlen, unsigned long pos_l, unsigned long pos_h",
            "preadv2: unsigned long fd, const struct iovec *vec, unsigned vlen, unsigned long pos_l, unsigned long pos_h, int flags",
            "pwritev2: unsigned long fd, const struct iovec *vec, unsigned vlen, unsigned long pos_l, unsigned long pos_h, int flags",
            "flock: unsigned int fd, unsigned int cmd",
            "getgroups: int gidsetsize, gid_t *grouplist",
            "sysinfo: struct sysinfo *info",
            "getpriority: int which, int who",
            "setpriority: int which, int who, int niceval",
            "ioprio_get: int which, int who",
            "memfd_create: const char *uname, unsigned int flags",
            "lseek: unsigned int fd, off_t offset, unsigned int whence",
            "close: unsigned int fd",
            "dup: unsigned int fildes",
            "dup2: unsigned int oldfd, unsigned int newfd",
            "dup3: unsigned int oldfd, unsigned int newfd, int flags",
            "fcntl: unsigned int fd, unsigned int cmd, unsigned long arg",
            "ioctl: unsigned int fd, unsigned int cmd, unsigned long arg",
            "fstat: unsigned int fd, struct stat *statbuf",
            "newfstatat: int dfd, const char *filename, struct stat *statbuf, int flag",
            "statx: int dfd, const char *filename, unsigned flags, unsigned int mask, struct statx *buffer",
            "readlink: const char *path, char *buf, int bufsiz",
            "readlinkat: int dfd, const char *pathname, char *buf, int bufsiz",
            "brk: unsigned long brk",
            "mmap: unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags, unsigned long fd, unsigned long off",
            "munmap: unsigned long addr, size_t len",
            "msync: unsigned long start, size_t len, int flags",
            "mprotect: unsigned long start, size_t len, unsigned long prot",
            "mremap: unsigned long addr, unsigned long old_len, unsigned long new_len, unsigned long flags, unsigned long new_addr",
            "madvise: unsigned long start, size_t len_in, int behavior",
            "clock_gettime: clockid_t which_clock, struct __kernel_timespec *tp",
            "clock_getres: clockid_t which_clock, struct __kernel_timespec *tp",
            "gettimeofday: struct __kernel_old_timeval *tv, struct timezone *tz",
            "time: __kernel_old_time_t *tloc",
            "nanosleep: struct __kernel_timespec *rqtp, struct __kernel_timespec *rmtp",
            "clock_nanosleep: clockid_t which_clock, int flags, const struct __kernel_timespec *rqtp, struct __kernel_timespec *rmtp",
            "sched_yield:",
            "exit: int error_code",
            "exit_group: int error_code",
            "getpid:", "getppid:", "gettid:", "getuid:", "geteuid:", "getgid:", "getegid:",
            "set_tid_address: int *tidptr",
            "set_robust_list: struct robust_list_head *head, size_t len",
            "rseq: struct rseq *rseq, u32 rseq_len, int flags, u32 sig",
            "arch_prctl: int option, unsigned long arg2",
            "prlimit64: pid_t pid, unsigned int resource, const struct rlimit64 *new_rlim, struct rlimit64 *old_rlim",
            "getrlimit: unsigned int resource, struct rlimit *rlim",
            "setrlimit: unsigned int resource, struct rlimit *rlim",
            "uname: struct new_utsname *name",
            "getrandom: char *buf, size_t count, unsigned int flags",
            "sched_getaffinity: pid_t pid, unsigned int len, unsigned long *user_mask_ptr",
            "getcpu: unsigned *cpup, unsigned *nodep, struct getcpu_cache *unused",
            "rt_sigaction: int sig, const struct sigaction *act, struct sigaction *oact, size_t sigsetsize",
            "rt_sigreturn:",
            "rt_sigpending: sigset_t *uset, size_t sigsetsize",
            "rt_sigsuspend: sigset_t *unewset, size_t sigsetsize",
            "rt_sigprocmask: int how, sigset_t *nset, sigset_t *oset, size_t sigsetsize",
            "sigaltstack: const stack_t *uss, stack_t *uoss",
            "pause:",
            "clone: unsigned long clone_flags, unsigned long newsp, int *parent_tidptr, int *child_tidptr, unsigned long tls",
            "clone3: struct clone_args *uargs, size_t size",
            "fork:", "vfork:",
            "wait4: pid_t upid, int *stat_addr, int options, struct rusage *ru",
            "waitid: int which, pid_t upid, struct siginfo *infop, int options, struct rusage *ru",
            "execve: const char *filename, const char *const *argv, const char *const *envp",
            "kill: pid_t pid, int sig",
            "tgkill: pid_t tgid, pid_t pid, int sig",
            "tkill: pid_t pid, int sig",
            "getpgid: pid_t pid",
            "getpgrp:",
            "getsid: pid_t pid",
            "futex: u32 *uaddr, int op, u32 val, const struct __kernel_timespec *utime, u32 *uaddr2, u32 val3",
            "pipe: int *fildes",
            "pipe2: int *fildes, int flags",
            "socket: int family, int type, int protocol",
            "socketpair: int family, int type, int protocol, int *usockvec",
            "bind: int fd, struct sockaddr *umyaddr, int addrlen",
            "listen: int fd, int backlog",
            "accept: int fd, struct sockaddr *upeer_sockaddr, int *upeer_addrlen",
            "accept4: int fd, struct sockaddr *upeer_sockaddr, int *upeer_addrlen, int flags",
            "connect: int fd, struct sockaddr *uservaddr, int addrlen",
            "getsockname: int fd, struct sockaddr *usockaddr, int *usockaddr_len",
            "getpeername: int fd, struct sockaddr *usockaddr, int *usockaddr_len",
            "shutdown: int fd, int how",
            "setsockopt: int fd, int level, int optname, char *optval, int optlen",
            "getsockopt: int fd, int level, int optname, char *optval, int *optlen",
            "sendto: int fd, void *buff, size_t len, unsigned int flags, struct sockaddr *addr, int addr_len",
            "recvfrom: int fd, void *ubuf, size_t size, unsigned int flags, struct sockaddr *addr, int *addr_len",
            "sendmsg: int fd, struct user_msghdr *msg, unsigned int flags",
            "recvmsg: int fd, struct user_msghdr *msg, unsigned int flags",
            "sendmmsg: int fd, struct mmsghdr *mmsg, unsigned int vlen, unsigned int flags",
            "recvmmsg: int fd, struct mmsghdr *mmsg, unsigned int vlen, unsigned int flags, struct __kernel_timespec *timeout",
            "bpf: int cmd, union bpf_attr *uattr, unsigned int size",
            "perf_event_open: struct perf_event_attr *attr_uptr, pid_t pid, int cpu, int group_fd, unsigned long flags",
            "poll: struct pollfd *ufds, unsigned int nfds, int timeout_msecs",
            "ppoll: struct pollfd *ufds, unsigned int nfds, struct __kernel_timespec *tsp, const sigset_t *sigmask, size_t sigsetsize",
            "select: int n, fd_set *inp, fd_set *outp, fd_set *exp, struct __kernel_old_timeval *tvp",
            "pselect6: int n, fd_set *inp, fd_set *outp, fd_set *exp, struct __kernel_timespec *tsp, void *sig",
            "epoll_create: int size",
            "epoll_create1: int flags",
            "epoll_ctl: int epfd, int op, int fd, struct epoll_event *event",
            "epoll_wait: int epfd, struct epoll_event *events, int maxevents, int timeout",
            "epoll_pwait: int epfd, struct epoll_event *events, int maxevents, int timeout, const sigset_t *sigmask, size_t sigsetsize",
            "epoll_pwait2: int epfd, struct epoll_event *events, int maxevents, const struct __kernel_timespec *timeout, const sigset_t *sigmask, size_t sigsetsize",
            "eventfd: unsigned int count",
            "eventfd2: unsigned int count, int flags",
            "timerfd_create: int clockid, int flags",
            "timerfd_settime: int ufd, int flags, const struct __kernel_itimerspec *utmr, struct __kernel_itimerspec *otmr",
            "timerfd_gettime: int ufd, struct __kernel_itimerspec *otmr",
            "signalfd: int ufd, sigset_t *user_mask, size_t sizemask",
            "signalfd4: int ufd, sigset_t *user_mask, size_t sizemask, int flags",
            // The filesystem (issue 13).
            "open: const char *filename, int flags, umode_t mode",
            "openat: int dfd, const char *filename, int flags, umode_t mode",
            "creat: const char *pathname, umode_t mode",
            "openat2: int dfd, const char *filename, struct open_how *how, size_t usize",
            "close_range: unsigned int fd, unsigned int max_fd, unsigned int flags",
            "stat: const char *filename, struct __old_kernel_stat *statbuf",
            "lstat: const char *filename, struct __old_kernel_stat *statbuf",
            "access: const char *filename, int mode",
            "faccessat: int dfd, const char *filename, int mode",
            "faccessat2: int dfd, const char *filename, int mode, int flags",
            "statfs: const char *pathname, struct statfs *buf",
            "fstatfs: unsigned int fd, struct statfs *buf",
            "mkdir: const char *pathname, umode_t mode",
            "mkdirat: int dfd, const char *pathname, umode_t mode",
            "mknod: const char *filename, umode_t mode, unsigned dev",
            "mknodat: int dfd, const char *filename, umode_t mode, unsigned int dev",
            "rmdir: const char *pathname",
            "unlink: const char *pathname",
            "unlinkat: int dfd, const char *pathname, int flag",
            "rename: const char *oldname, const char *newname",
            "renameat: int olddfd, const char *oldname, int newdfd, const char *newname",
            "renameat2: int olddfd, const char *oldname, int newdfd, const char *newname, unsigned int flags",
            "link: const char *oldname, const char *newname",
            "linkat: int olddfd, const char *oldname, int newdfd, const char *newname, int flags",
            "symlink: const char *oldname, const char *newname",
            "symlinkat: const char *oldname, int newdfd, const char *newname",
            "truncate: const char *path, long length",
            "ftruncate: unsigned int fd, off_t length",
            "chmod: const char *filename, umode_t mode",
            "fchmod: unsigned int fd, umode_t mode",
            "fchmodat: int dfd, const char *filename, umode_t mode",
            "chown: const char *filename, uid_t user, gid_t group",
            "fchown: unsigned int fd, uid_t user, gid_t group",
            "lchown: const char *filename, uid_t user, gid_t group",
            "fchownat: int dfd, const char *filename, uid_t user, gid_t group, int flag",
            "utimensat: int dfd, const char *filename, struct __kernel_timespec *utimes, int flags",
            "getdents64: unsigned int fd, struct linux_dirent64 *dirent, unsigned int count",
            "chdir: const char *filename",
            "fchdir: unsigned int fd",
            "getcwd: char *buf, unsigned long size",
            "chroot: const char *filename",
            "umask: int mask",
            "fsync: unsigned int fd",
            "fdatasync: unsigned int fd",
            "sync:",
            "syncfs: int fd",
            "sendfile: int out_fd, int in_fd, loff_t *offset, size_t count",
            "copy_file_range: int fd_in, loff_t *off_in, int fd_out, loff_t *off_out, size_t len, unsigned int flags",
            "fallocate: int fd, int mode, loff_t offset, loff_t len",
            "setxattr: const char *pathname, const char *name, const void *value, size_t size, int flags",
            "lsetxattr: const char *pathname, const char *name, const void *value, size_t size, int flags",
            "fsetxattr: int fd, const char *name, const void *value, size_t size, int flags",
            "getxattr: const char *pathname, const char *name, void *value, size_t size",
            "lgetxattr: const char *pathname, const char *name, void *value, size_t size",
            "fgetxattr: int fd, const char *name, void *value, size_t size",
            "listxattr: const char *pathname, char *list, size_t size",
            "llistxattr: const char *pathname, char *list, size_t size",
            "flistxattr: int fd, char *list, size_t size",
            "removexattr: const char *pathname, const char *name",
            "lremovexattr: const char *pathname, const char *name",
            "fremovexattr: int fd, const char *name",
            // Timers and signal waits (issue 14).
            "rt_sigtimedwait: const sigset_t *uthese, siginfo_t *uinfo, const struct __kernel_timespec *uts, size_t sigsetsize",
            "rt_sigqueueinfo: pid_t pid, int sig, siginfo_t *uinfo",
            "rt_tgsigqueueinfo: pid_t tgid, pid_t pid, int sig, siginfo_t *uinfo",
            "get_robust_list: int pid, struct robust_list_head **head_ptr, size_t *len_ptr",
            "setpgid: pid_t pid, pid_t pgid",
            "pidfd_open: pid_t pid, unsigned int flags",
            "pidfd_send_signal: int pidfd, int sig, siginfo_t *info, unsigned int flags",
            "setsid:",
            "setuid: uid_t uid", "setgid: gid_t gid",
            "setreuid: uid_t ruid, uid_t euid", "setregid: gid_t rgid, gid_t egid",
            "setresuid: uid_t ruid, uid_t euid, uid_t suid", "setresgid: gid_t rgid, gid_t egid, gid_t sgid",
            "getresuid: uid_t *ruidp, uid_t *euidp, uid_t *suidp", "getresgid: gid_t *rgidp, gid_t *egidp, gid_t *sgidp",
            "setfsuid: uid_t uid", "setfsgid: gid_t gid",
            "getgroups: int gidsetsize, gid_t *grouplist", "setgroups: int gidsetsize, gid_t *grouplist",
            "capget: cap_user_header_t header, cap_user_data_t dataptr",
            "capset: cap_user_header_t header, const cap_user_data_t data",
            "getrusage: int who, struct rusage *ru",
            "times: struct tms *tbuf",
            "sysinfo: struct sysinfo *info",
            "getpriority: int which, int who",
            "setpriority: int which, int who, int niceval",
            "sched_setparam: pid_t pid, struct sched_param *param",
            "sched_getparam: pid_t pid, struct sched_param *param",
            "sched_setscheduler: pid_t pid, int policy, struct sched_param *param",
            "sched_getscheduler: pid_t pid",
            "sched_get_priority_max: int policy",
            "sched_get_priority_min: int policy",
            "sched_rr_get_interval: pid_t pid, struct __kernel_timespec *interval",
            "sched_setaffinity: pid_t pid, unsigned int len, unsigned long *user_mask_ptr",
            "getitimer: int which, struct __kernel_old_itimerval *value",
            "setitimer: int which, struct __kernel_old_itimerval *value, struct __kernel_old_itimerval *ovalue",
            "alarm: unsigned int seconds",
            "timer_create: const clockid_t which_clock, struct sigevent *timer_event_spec, timer_t *created_timer_id",
            "timer_settime: timer_t timer_id, int flags, const struct __kernel_itimerspec *new_setting, struct __kernel_itimerspec *old_setting",
            "timer_gettime: timer_t timer_id, struct __kernel_itimerspec *setting",
            "timer_getoverrun: timer_t timer_id",
            "timer_delete: timer_t timer_id",
            "prctl: int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5",
        };
        Map<String, String> m = new TreeMap<>();
        for (String l : lines) {
            m.put(l.substring(0, l.indexOf(':')), l.substring(l.indexOf(':') + 1).trim());
        }
        return m;
    }

    /** The register width of one C parameter; file descriptors all reach fdget's unsigned int. */
    private static Width widthOf(String param) {
        String type = param.substring(0, param.lastIndexOf(' ')).replace("const ", "").trim();
        String name = param.substring(param.lastIndexOf(' ') + 1);
        if (type.contains("*") || name.startsWith("*") || type.startsWith("cap_user_")) {
            return Width.ULONG64;
        }
        if (name.equals("fd") || name.equals("fildes") || name.endsWith("fd") && !name.equals("ufd")) {
            return Width.INT32;
        }
        return switch (type) {
            case "int", "pid_t", "clockid_t", "timer_t" -> Width.INT32;
            // umode_t is an unsigned short and uid_t/gid_t unsigned ints: 32 bits zero-extended
            // keep all of them (the handlers mask a mode to 07777).
            case "unsigned int", "unsigned", "u32", "umode_t", "uid_t", "gid_t" -> Width.UINT32;
            case "long", "off_t", "loff_t" -> Width.LONG64;
            case "unsigned long", "size_t" -> Width.ULONG64;
            default -> throw new IllegalArgumentException("unknown C type " + type);
        };
    }

    @Test
    void everyArgumentHasTheWidthOfItsLinuxType() {
        for (SyscallDef d : SyscallTable.implemented()) {
            String sig = LINUX_SIGNATURES.get(d.name());
            assertThat(sig).as("Linux signature of %s (add it to LINUX_SIGNATURES)", d.name()).isNotNull();
            String[] params = sig.isEmpty() ? new String[0] : sig.split(",\\s*");
            assertThat(d.args()).as("argument count of %s(%s)", d.name(), sig).hasSize(params.length);
            for (int i = 0; i < params.length; i++) {
                assertThat(d.args()[i].width()).as("%s argument %d (%s) declared %s", d.name(), i, params[i], d.args()[i])
                        .isEqualTo(widthOf(params[i]));
            }
        }
    }

    @Test
    void thirtyTwoBitArgumentsAreNarrowedAsLinuxsWrappersDo() {
        SyscallDef[] byNr = SyscallTable.byNumber();
        // wait4(pid_t -1 as glibc passes it, status, int options with garbage above, rusage)
        long[] regs = {61, 0xffff_ffffL, 0x7000, 0xdead_5a5a_0000_0001L, 0, 0x1234, 0x5678};
        byNr[61].narrowArguments(regs);
        assertThat(regs).containsExactly(61, -1, 0x7000, 1, 0, 0, 0);
        // lseek(unsigned int fd, off_t offset, unsigned int whence): the offset keeps 64 bits
        regs = new long[] {8, 0xdead_0000_0000_0003L, -256, 0xffff_ffff_0000_0002L, 9, 9, 9};
        byNr[8].narrowArguments(regs);
        assertThat(regs).containsExactly(8, 3, -256, 2, 0, 0, 0);
        // getrlimit(unsigned int resource): zero-extended, never negative
        regs = new long[] {97, -1, 0x7000, 0, 0, 0, 0};
        byNr[97].narrowArguments(regs);
        assertThat(regs[1]).isEqualTo(0xffff_ffffL);
        // getpgrp takes nothing: a register left over from the caller never reaches the handler
        regs = new long[] {111, 1234, 5, 6, 7, 8, 9};
        byNr[111].narrowArguments(regs);
        assertThat(Arrays.copyOfRange(regs, 1, 7)).containsOnly(0L);
    }

    @Test
    void allListsEveryLinuxNumberOnce() {
        var all = SyscallTable.all();
        assertThat(all).extracting(SyscallDef::number).doesNotHaveDuplicates();
        assertThat(all.stream().filter(d -> d.name().equals("bpf")).findFirst()).isPresent();
    }
}

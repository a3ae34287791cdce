package dev.emu.kernel.syscall;

import static dev.emu.kernel.syscall.ArgKind.*;
import static dev.emu.kernel.syscall.Support.FULL;
import static dev.emu.kernel.syscall.Support.PARTIAL;

import dev.emu.abi.SyscallNumbers;
import dev.emu.kernel.net.SysSocket;
import dev.emu.kernel.net.SysSocketMessages;
import java.util.ArrayList;
import java.util.List;

/**
 * The x86_64 syscall table: number → name, handler, support level, note, and each argument's C
 * type as its SYSCALL_DEFINE declares it (the role of Linux's syscall_64.tbl and gVisor's
 * linux64.go). The dispatcher narrows the registers to those types before the handler and the
 * tracer see them ({@link ArgKind}), so the types here are the ABI: {@code INT}/{@code FD}/
 * {@code SIGNAL}… are 32-bit, {@code LONG}/{@code SIZE}/{@code PTR}/{@code HEX} 64-bit. Every
 * number not listed returns -ENOSYS. `emu syscalls` prints this table.
 */
public final class SyscallTable {
    private SyscallTable() {}

    private static List<SyscallDef> rows() {
        List<SyscallDef> r = new ArrayList<>();
        // ---- read/write (SysReadWrite) ----
        r.add(def(0, FULL, "", SysReadWrite::read, FD, BUF_OUT, SIZE));
        r.add(def(1, FULL, "", SysReadWrite::write, FD, BUF_IN, SIZE));
        r.add(def(17, PARTIAL, "only for files that support positioned reads (none of the console, pipes); else ESPIPE", SysReadWrite::pread64, FD, BUF_OUT, SIZE, LONG));
        r.add(def(18, PARTIAL, "only for files that support positioned writes; else ESPIPE", SysReadWrite::pwrite64, FD, BUF_IN, SIZE, LONG));
        r.add(def(19, FULL, "", SysReadWrite::readv, FD, IOVEC_IN, UINT));
        r.add(def(20, FULL, "", SysReadWrite::writev, FD, IOVEC_IN, UINT));
        r.add(def(8, FULL, "", SysReadWrite::lseek, FD, LONG, UINT));
        r.add(def(295, FULL, "", SysReadWrite::preadv, FD, IOVEC_IN, UINT, SIZE, SIZE));
        r.add(def(296, FULL, "", SysReadWrite::pwritev, FD, IOVEC_IN, UINT, SIZE, SIZE));
        r.add(def(327, PARTIAL, "RWF_HIPRI/DSYNC/SYNC accepted (no effect needed); RWF_NOWAIT only on files that never block (else EOPNOTSUPP); unknown flags → EOPNOTSUPP", SysReadWrite::preadv2, FD, IOVEC_IN, UINT, SIZE, SIZE, INT_HEX));
        r.add(def(328, PARTIAL, "as preadv2, and RWF_APPEND", SysReadWrite::pwritev2, FD, IOVEC_IN, UINT, SIZE, SIZE, INT_HEX));
        // ---- file descriptors (SysFd) ----
        r.add(def(3, FULL, "", SysFd::close, FD));
        r.add(def(32, FULL, "", SysFd::dup, FD));
        r.add(def(33, FULL, "", SysFd::dup2, FD, FD));
        r.add(def(292, FULL, "", SysFd::dup3, FD, FD, OPEN_FLAGS));
        r.add(def(72, PARTIAL, "F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD/SETFD, F_GETFL/SETFL, F_GETPIPE_SZ/SETPIPE_SZ, record locks F_GETLK/SETLK/SETLKW and OFD locks, memfd seals F_ADD_SEALS/F_GET_SEALS; leases → EINVAL", SysFd::fcntl, FD, UINT, HEX));
        r.add(def(319, PARTIAL, "MFD_CLOEXEC, MFD_ALLOW_SEALING; MFD_HUGETLB → EINVAL (no huge pages)", SysMemfd::memfdCreate, STRING, UINT_HEX));
        r.add(def(73, FULL, "", SysLock::flock, FD, UINT));
        r.add(def(16, PARTIAL, "every file: FIONBIO, FIOCLEX, FIONCLEX; console: TCGETS/TCSETS*/TIOCGWINSZ and job control (TIOCGPGRP/TIOCSPGRP/TIOCGSID/TIOCSCTTY/TIOCNOTTY) when the host stream is a terminal, else ENOTTY; sockets: FIONREAD", SysFd::ioctl, FD, IOCTL_REQ, HEX));
        r.add(def(5, FULL, "", SysFd::fstat, FD, STAT_OUT));
        // ---- files by name (SysOpen, SysStat, SysPath, SysAttr, SysDir; docs/filesystem.md) ----
        r.add(def(2, FULL, "", SysOpen::open, STRING, OPEN_FLAGS, MODE));
        r.add(def(257, PARTIAL, "O_TMPFILE on tmpfs (hostfs → EOPNOTSUPP)", SysOpen::openat, FD, STRING, OPEN_FLAGS, MODE));
        r.add(def(85, FULL, "", SysOpen::creat, STRING, MODE));
        r.add(def(437, PARTIAL, "RESOLVE_CACHED → EAGAIN (no lookup cache)", SysOpen::openat2, FD, STRING, PTR, SIZE));
        r.add(def(436, FULL, "", SysOpen::closeRange, FD, FD, UINT_HEX));
        r.add(def(4, FULL, "", SysStat::stat, STRING, STAT_OUT));
        r.add(def(6, FULL, "", SysStat::lstat, STRING, STAT_OUT));
        r.add(def(262, FULL, "", SysStat::newfstatat, FD, STRING, STAT_OUT, AT_FLAGS));
        r.add(def(332, PARTIAL, "the basic fields, stx_mnt_id, stx_btime on tmpfs (STATX_BTIME in the mask only there); no attributes", SysStat::statx, FD, STRING, UINT_HEX, UINT_HEX, PTR));
        r.add(def(21, PARTIAL, "the guest is root: R_OK/W_OK always (EROFS on read-only mounts; host files the emu process cannot access → EACCES), X_OK needs an x bit", SysStat::access, STRING, INT));
        r.add(def(269, PARTIAL, "as access", SysStat::faccessat, FD, STRING, INT));
        r.add(def(439, PARTIAL, "as access", SysStat::faccessat2, FD, STRING, INT, AT_FLAGS));
        r.add(def(89, FULL, "", SysStat::readlink, STRING, PTR, INT));
        r.add(def(267, FULL, "", SysStat::readlinkat, FD, STRING, PTR, INT));
        r.add(def(137, FULL, "", SysStat::statfs, STRING, PTR));
        r.add(def(138, FULL, "", SysStat::fstatfs, FD, PTR));
        r.add(def(83, FULL, "", SysPath::mkdir, STRING, MODE));
        r.add(def(258, FULL, "", SysPath::mkdirat, FD, STRING, MODE));
        r.add(def(133, PARTIAL, "regular files, FIFOs (named pipes, Linux's open rules) and socket nodes (opening one → ENXIO) on tmpfs; device nodes → EPERM (no CAP_MKNOD); host directories → EPERM", SysPath::mknod, STRING, MODE, UINT_HEX));
        r.add(def(259, PARTIAL, "as mknod", SysPath::mknodat, FD, STRING, MODE, UINT_HEX));
        r.add(def(84, FULL, "", SysPath::rmdir, STRING));
        r.add(def(87, FULL, "", SysPath::unlink, STRING));
        r.add(def(263, FULL, "", SysPath::unlinkat, FD, STRING, AT_FLAGS));
        r.add(def(82, FULL, "", SysPath::rename, STRING, STRING));
        r.add(def(264, FULL, "", SysPath::renameat, FD, STRING, FD, STRING));
        r.add(def(316, PARTIAL, "RENAME_NOREPLACE; RENAME_EXCHANGE on tmpfs only (hostfs → EINVAL); RENAME_WHITEOUT → EINVAL", SysPath::renameat2, FD, STRING, FD, STRING, UINT_HEX));
        r.add(def(86, FULL, "", SysPath::link, STRING, STRING));
        r.add(def(265, FULL, "", SysPath::linkat, FD, STRING, FD, STRING, AT_FLAGS));
        r.add(def(88, FULL, "", SysPath::symlink, STRING, STRING));
        r.add(def(266, FULL, "", SysPath::symlinkat, STRING, FD, STRING));
        r.add(def(76, FULL, "", SysPath::truncate, STRING, LONG));
        r.add(def(77, FULL, "", SysPath::ftruncate, FD, LONG));
        r.add(def(90, FULL, "", SysAttr::chmod, STRING, MODE));
        r.add(def(91, FULL, "", SysAttr::fchmod, FD, MODE));
        r.add(def(268, FULL, "", SysAttr::fchmodat, FD, STRING, MODE));
        r.add(def(92, PARTIAL, "host files: what the emu process may do", SysAttr::chown, STRING, UINT, UINT));
        r.add(def(93, PARTIAL, "as chown", SysAttr::fchown, FD, UINT, UINT));
        r.add(def(94, PARTIAL, "as chown", SysAttr::lchown, STRING, UINT, UINT));
        r.add(def(260, PARTIAL, "as chown", SysAttr::fchownat, FD, STRING, UINT, UINT, AT_FLAGS));
        r.add(def(280, FULL, "", SysAttr::utimensat, FD, STRING, PTR, AT_FLAGS));
        r.add(def(217, FULL, "", SysDir::getdents64, FD, PTR, UINT));
        r.add(def(80, FULL, "", SysDir::chdir, STRING));
        r.add(def(81, FULL, "", SysDir::fchdir, FD));
        r.add(def(79, FULL, "", SysDir::getcwd, PTR, SIZE));
        r.add(def(161, FULL, "", SysDir::chroot, STRING));
        r.add(def(95, FULL, "", SysDir::umask, INT));
        r.add(def(74, FULL, "", SysDir::fsync, FD));
        r.add(def(75, FULL, "", SysDir::fsync, FD));
        r.add(def(162, FULL, "", SysDir::sync));
        r.add(def(306, FULL, "", SysDir::syncfs, FD));
        r.add(def(40, FULL, "", SysCopy::sendfile, FD, FD, PTR, SIZE));
        r.add(def(326, FULL, "", SysCopy::copyFileRange, FD, PTR, FD, PTR, SIZE, UINT_HEX));
        r.add(def(285, PARTIAL, "mode 0 (allocate, growing the size); other modes → EOPNOTSUPP", SysCopy::fallocate, FD, INT_HEX, LONG, LONG));
        String noXattrs = "no extended attributes: EOPNOTSUPP once the file is found";
        r.add(def(188, PARTIAL, noXattrs, SysXattr::getxattr, STRING, STRING, PTR, SIZE, INT_HEX));
        r.add(def(189, PARTIAL, noXattrs, SysXattr::lgetxattr, STRING, STRING, PTR, SIZE, INT_HEX));
        r.add(def(190, PARTIAL, noXattrs, SysXattr::fgetxattr, FD, STRING, PTR, SIZE, INT_HEX));
        r.add(def(191, PARTIAL, noXattrs, SysXattr::getxattr, STRING, STRING, PTR, SIZE));
        r.add(def(192, PARTIAL, noXattrs, SysXattr::lgetxattr, STRING, STRING, PTR, SIZE));
        r.add(def(193, PARTIAL, noXattrs, SysXattr::fgetxattr, FD, STRING, PTR, SIZE));
        r.add(def(194, PARTIAL, noXattrs, SysXattr::getxattr, STRING, PTR, SIZE));
        r.add(def(195, PARTIAL, noXattrs, SysXattr::lgetxattr, STRING, PTR, SIZE));
        r.add(def(196, PARTIAL, noXattrs, SysXattr::fgetxattr, FD, PTR, SIZE));
        r.add(def(197, PARTIAL, noXattrs, SysXattr::getxattr, STRING, STRING));
        r.add(def(198, PARTIAL, noXattrs, SysXattr::lgetxattr, STRING, STRING));
        r.add(def(199, PARTIAL, noXattrs, SysXattr::fgetxattr, FD, STRING));
        // ---- prctl (SysPrctl) ----
        r.add(def(157, PARTIAL, "PR_SET_NAME, PR_GET_NAME, PR_GET/SET_DUMPABLE, PR_GET/SET_CHILD_SUBREAPER; other options → EINVAL", SysPrctl::prctl, INT, HEX, HEX, HEX, HEX));
        // ---- memory (SysMemory) ----
        r.add(def(12, FULL, "", SysMemory::brk, PTR));
        r.add(def(9, PARTIAL, "private and shared file mappings (shared: stores written back and shown to the file's other mappings at msync/munmap/exit/exec/fork, docs/filesystem.md); MAP_SHARED|MAP_ANONYMOUS pages are shared with forked children (SharedPages)", SysMemory::mmap, PTR, SIZE, PROT, MMAP_FLAGS, FD, HEX));
        r.add(def(26, PARTIAL, "MS_SYNC and MS_ASYNC write back at once; MS_INVALIDATE reloads from the file", SysMemory::msync, PTR, SIZE, INT_HEX));
        r.add(def(11, FULL, "", SysMemory::munmap, PTR, SIZE));
        r.add(def(10, FULL, "", SysMemory::mprotect, PTR, SIZE, PROT));
        r.add(def(25, FULL, "", SysMemory::mremap, PTR, SIZE, SIZE, HEX, PTR));
        r.add(def(28, PARTIAL, "MADV_DONTNEED zeroes private pages (shared ones keep their bytes); other advice is accepted and has no effect", SysMemory::madvise, PTR, SIZE, INT));
        // ---- time (SysTime) ----
        r.add(def(228, FULL, "", SysTime::clockGettime, CLOCK_ID, TIMESPEC_OUT));
        r.add(def(229, FULL, "", SysTime::clockGetres, CLOCK_ID, TIMESPEC_OUT));
        r.add(def(96, FULL, "", SysTime::gettimeofday, PTR, PTR));
        r.add(def(201, FULL, "", SysTime::time, PTR));
        r.add(def(35, FULL, "", SysTime::nanosleep, TIMESPEC_IN, PTR));
        r.add(def(230, PARTIAL, "CPU-time clocks sleep on the kernel clock", SysTime::clockNanosleep, CLOCK_ID, INT_HEX, TIMESPEC_IN, PTR));
        r.add(def(24, FULL, "", SysTime::schedYield));
        // ---- process (SysProcess) ----
        r.add(def(60, FULL, "", SysProcess::exit, INT));
        r.add(def(231, FULL, "", SysProcess::exitGroup, INT));
        r.add(def(39, FULL, "", SysProcess::getpid));
        r.add(def(110, FULL, "", SysProcess::getppid));
        r.add(def(186, FULL, "", SysProcess::gettid));
        // ---- credentials (SysCred): the guest starts as root, without CAP_SYS_RESOURCE ----
        r.add(def(102, FULL, "", SysCred::getuid));
        r.add(def(107, FULL, "", SysCred::geteuid));
        r.add(def(104, FULL, "", SysCred::getgid));
        r.add(def(108, FULL, "", SysCred::getegid));
        r.add(def(105, FULL, "", SysCred::setuid, UINT));
        r.add(def(106, FULL, "", SysCred::setgid, UINT));
        r.add(def(113, FULL, "", SysCred::setreuid, UINT, UINT));
        r.add(def(114, FULL, "", SysCred::setregid, UINT, UINT));
        r.add(def(117, FULL, "", SysCred::setresuid, UINT, UINT, UINT));
        r.add(def(118, FULL, "", SysCred::getresuid, PTR, PTR, PTR));
        r.add(def(119, FULL, "", SysCred::setresgid, UINT, UINT, UINT));
        r.add(def(120, FULL, "", SysCred::getresgid, PTR, PTR, PTR));
        r.add(def(122, FULL, "", SysCred::setfsuid, UINT));
        r.add(def(123, FULL, "", SysCred::setfsgid, UINT));
        r.add(def(115, FULL, "", SysCred::getgroups, INT, PTR));
        r.add(def(116, FULL, "", SysCred::setgroups, INT, PTR));
        r.add(def(125, PARTIAL, "the capabilities are recorded, and setuid/setgid/setgroups/nice/rlimits check them; nothing else does", SysCred::capget, PTR, PTR));
        r.add(def(126, PARTIAL, "the caller's own sets only; no bounding set or securebits", SysCred::capset, PTR, PTR));
        // ---- resources and scheduling (SysResource): CPU time is virtual (executed blocks) ----
        r.add(def(98, PARTIAL, "CPU time is all user time; ru_maxrss is the charged memory; fault, I/O and switch counts are 0", SysResource::getrusage, INT, PTR));
        r.add(def(100, FULL, "", SysResource::times, PTR));
        r.add(def(99, FULL, "", SysResource::sysinfo, PTR));
        r.add(def(140, FULL, "", SysResource::getpriority, INT, INT));
        r.add(def(141, PARTIAL, "recorded; one scheduling class, so it has no effect", SysResource::setpriority, INT, INT, INT));
        r.add(def(142, PARTIAL, "recorded; no effect", SysResource::schedSetparam, INT, PTR));
        r.add(def(143, FULL, "", SysResource::schedGetparam, INT, PTR));
        r.add(def(144, PARTIAL, "recorded; no effect (no SCHED_DEADLINE)", SysResource::schedSetscheduler, INT, INT, PTR));
        r.add(def(145, FULL, "", SysResource::schedGetscheduler, INT));
        r.add(def(146, FULL, "", SysResource::schedGetPriorityMax, INT));
        r.add(def(147, FULL, "", SysResource::schedGetPriorityMin, INT));
        r.add(def(148, FULL, "", SysResource::schedRrGetInterval, INT, PTR));
        r.add(def(203, FULL, "one CPU: the mask must contain CPU 0", SysResource::schedSetaffinity, INT, UINT, PTR));
        r.add(def(252, PARTIAL, "IOPRIO_CLASS_NONE for every process (ioprio_set is not implemented)", SysPriority::ioprioGet, INT, INT));
        r.add(def(218, FULL, "", SysProcess::setTidAddress, PTR));
        r.add(def(273, FULL, "walked at thread exit and exec (dev.emu.kernel.sync.RobustList)", SysProcess::setRobustList, PTR, SIZE));
        r.add(def(274, FULL, "", SysProcess::getRobustList, INT, PTR, PTR));
        r.add(def(334, PARTIAL, "single CPU: cpu_id is 0; critical sections are never aborted", SysProcess::rseq, PTR, UINT, INT_HEX, UINT_HEX));
        r.add(def(158, FULL, "", SysProcess::archPrctl, ARCH_PRCTL_CODE, HEX));
        // ---- resource limits (SysRlimit) ----
        r.add(def(302, PARTIAL, "enforced: AS, DATA, STACK (at exec), NPROC, NOFILE; hard limits can only be lowered (no CAP_SYS_RESOURCE)", SysRlimit::prlimit64, INT, UINT, PTR, PTR));
        r.add(def(97, FULL, "", SysRlimit::getrlimit, UINT, PTR));
        r.add(def(160, PARTIAL, "as prlimit64", SysRlimit::setrlimit, UINT, PTR));
        r.add(def(63, FULL, "", SysProcess::uname, PTR));
        r.add(def(318, FULL, "seeded generator (--seed): the same bytes on every run", SysProcess::getrandom, PTR, SIZE, UINT_HEX));
        r.add(def(204, FULL, "one CPU", SysProcess::schedGetaffinity, INT, UINT, PTR));
        r.add(def(309, FULL, "one CPU", SysProcess::getcpu, PTR, PTR, PTR));
        // ---- signals (SysSignal) ----
        r.add(def(13, FULL, "", SysSignal::rtSigaction, SIGNAL, PTR, PTR, SIZE));
        r.add(def(15, PARTIAL, "general registers, mask, alternate stack and the x87/SSE state (fxsave area) restored; no AVX state in the frame", SysSignal::rtSigreturn));
        r.add(def(127, FULL, "", SysSignal::rtSigpending, PTR, SIZE));
        r.add(def(131, FULL, "", SysSignal::sigaltstack, PTR, PTR));
        r.add(def(34, FULL, "", SysSignal::pause));
        r.add(def(130, FULL, "", SysSignal::rtSigsuspend, PTR, SIZE));
        r.add(def(128, FULL, "", SysSignal::rtSigtimedwait, PTR, PTR, TIMESPEC_IN, SIZE));
        r.add(def(129, FULL, "", SysSignal::rtSigqueueinfo, INT, SIGNAL, PTR));
        r.add(def(297, FULL, "", SysSignal::rtTgsigqueueinfo, INT, INT, SIGNAL, PTR));
        // ---- timers (SysTimer, dev.emu.kernel.timer): CPU time is virtual (executed blocks) ----
        r.add(def(36, FULL, "", SysTimer::getitimer, INT, PTR));
        r.add(def(38, FULL, "ITIMER_VIRTUAL and ITIMER_PROF count the same virtual CPU time (no system time)", SysTimer::setitimer, INT, PTR, PTR));
        r.add(def(37, FULL, "", SysTimer::alarm, UINT));
        r.add(def(222, PARTIAL, "CPU clocks of other processes → EINVAL", SysTimer::timerCreate, CLOCK_ID, PTR, PTR));
        r.add(def(223, FULL, "", SysTimer::timerSettime, INT, INT_HEX, PTR, PTR));
        r.add(def(224, FULL, "", SysTimer::timerGettime, INT, PTR));
        r.add(def(225, FULL, "", SysTimer::timerGetoverrun, INT));
        r.add(def(226, FULL, "", SysTimer::timerDelete, INT));
        // ---- tasks (SysTask) ----
        r.add(def(56, PARTIAL, "threads, fork, and CLONE_VM processes sharing memory; a new process with CLONE_FILES shares the fd table; no CLONE_PIDFD or namespaces", SysTask::clone, CLONE_FLAGS, PTR, PTR, PTR, HEX));
        r.add(def(435, PARTIAL, "as clone; no set_tid or cgroup", SysTask::clone3, PTR, SIZE));
        r.add(def(57, FULL, "", SysTask::fork));
        r.add(def(58, FULL, "", SysTask::vfork));
        r.add(def(61, FULL, "", SysTask::wait4, INT, PTR, INT_HEX, PTR));
        r.add(def(247, FULL, "", SysTask::waitid, INT, INT, PTR, INT_HEX, PTR));
        r.add(def(59, PARTIAL, "from the guest's tree with #! scripts and PT_INTERP; a bare name not found is looked up like the CLI's image; /proc/self/exe of a host image is the caller's own image", SysTask::execve, STRING, PTR, PTR));
        r.add(def(62, FULL, "", SysTask::kill, INT, SIGNAL));
        r.add(def(234, FULL, "", SysTask::tgkill, INT, INT, SIGNAL));
        r.add(def(200, FULL, "", SysTask::tkill, INT, SIGNAL));
        r.add(def(121, FULL, "", SysTask::getpgid, INT));
        r.add(def(111, FULL, "", SysTask::getpgrp));
        r.add(def(124, FULL, "", SysTask::getsid, INT));
        r.add(def(109, FULL, "", SysTask::setpgid, INT, INT));
        r.add(def(434, FULL, "", SysTask::pidfdOpen, INT, UINT_HEX));
        r.add(def(424, FULL, "", SysTask::pidfdSendSignal, FD, SIGNAL, PTR, UINT_HEX));
        r.add(def(112, FULL, "", SysTask::setsid));
        // ---- futex (SysFutex) ----
        r.add(def(202, PARTIAL, "WAIT, WAKE, *_BITSET, REQUEUE, CMP_REQUEUE, WAKE_OP; PI futexes → ENOSYS", SysFutex::futex, PTR, FUTEX_OP, UINT, PTR, PTR, UINT_HEX));
        // ---- pipes (SysPipe) ----
        r.add(def(22, FULL, "", SysPipe::pipe, PTR));
        r.add(def(293, FULL, "", SysPipe::pipe2, PTR, OPEN_FLAGS));
        r.add(def(14, FULL, "", SysSignal::rtSigprocmask, INT, PTR, PTR, SIZE));
        // ---- readiness (SysPoll, SysEpoll; docs/readiness.md) ----
        String consoleReady = "host console input always reads as ready: its reads wait for the host (docs/readiness.md)";
        r.add(def(7, FULL, consoleReady, SysPoll::poll, PTR, UINT, INT));
        r.add(def(271, FULL, consoleReady, SysPoll::ppoll, PTR, UINT, PTR, PTR, SIZE));
        r.add(def(23, FULL, consoleReady, SysPoll::select, INT, PTR, PTR, PTR, PTR));
        r.add(def(270, FULL, consoleReady, SysPoll::pselect6, INT, PTR, PTR, PTR, PTR, PTR));
        r.add(def(213, FULL, "", SysEpoll::epollCreate, INT));
        r.add(def(291, FULL, "", SysEpoll::epollCreate1, INT_HEX));
        r.add(def(233, FULL, "EPOLLEXCLUSIVE wakes every epoll watching the file, in order (epoll(7) promises one or more); EPOLLWAKEUP dropped (no CAP_BLOCK_SUSPEND)", SysEpoll::epollCtl, FD, INT, FD, PTR));
        r.add(def(232, FULL, "", SysEpoll::epollWait, FD, PTR, INT, INT));
        r.add(def(281, FULL, "", SysEpoll::epollPwait, FD, PTR, INT, INT, PTR, SIZE));
        r.add(def(441, FULL, "", SysEpoll::epollPwait2, FD, PTR, INT, PTR, PTR, SIZE));
        r.add(def(284, FULL, "", SysEventFiles::eventfd, UINT));
        r.add(def(290, FULL, "", SysEventFiles::eventfd2, UINT, INT_HEX));
        r.add(def(283, PARTIAL, "CLOCK_REALTIME_ALARM/BOOTTIME_ALARM act as their base clocks", SysEventFiles::timerfdCreate, CLOCK_ID, INT_HEX));
        r.add(def(286, FULL, "TFD_TIMER_CANCEL_ON_SET never cancels: the guest cannot set the realtime clock", SysEventFiles::timerfdSettime, FD, INT_HEX, PTR, PTR));
        r.add(def(287, FULL, "", SysEventFiles::timerfdGettime, FD, PTR));
        r.add(def(282, PARTIAL, "reads the reading thread's pending signals (a process-directed signal is queued on one thread)", SysEventFiles::signalfd, INT, PTR, SIZE));
        r.add(def(289, PARTIAL, "as signalfd", SysEventFiles::signalfd4, INT, PTR, SIZE, INT_HEX));
        // ---- sockets (dev.emu.kernel.net; docs/network.md) ----
        r.add(def(41, PARTIAL, "AF_UNIX stream/dgram/seqpacket; AF_INET/AF_INET6 TCP and UDP on the guest's loopback (host sockets with --net host); raw sockets, netlink and other families → EPROTONOSUPPORT/EAFNOSUPPORT", SysSocket::socket, INT, INT_HEX, INT));
        r.add(def(53, PARTIAL, "AF_UNIX only (others → EOPNOTSUPP, as Linux)", SysSocket::socketpair, INT, INT_HEX, INT, PTR));
        r.add(def(49, PARTIAL, "AF_UNIX path names (on tmpfs, or guest-only nodes in host directories), abstract names, autobind; INET: loopback and wildcard addresses (--net host: the host's)", SysSocket::bind, FD, PTR, INT));
        r.add(def(50, FULL, "", SysSocket::listen, FD, INT));
        r.add(def(43, FULL, "", SysSocket::accept, FD, PTR, PTR));
        r.add(def(288, FULL, "", SysSocket::accept4, FD, PTR, PTR, INT_HEX));
        r.add(def(42, PARTIAL, "INET: loopback destinations only, others → ENETUNREACH (--net host: the host's network)", SysSocket::connect, FD, PTR, INT));
        r.add(def(51, FULL, "", SysSocket::getsockname, FD, PTR, PTR));
        r.add(def(52, FULL, "", SysSocket::getpeername, FD, PTR, PTR));
        r.add(def(48, FULL, "", SysSocket::shutdown, FD, INT));
        r.add(def(54, PARTIAL, "SOL_SOCKET's common options, TCP_NODELAY/CORK/KEEP*, IPV6_V6ONLY; others → ENOPROTOOPT", SysSocket::setsockopt, FD, INT, INT, PTR, INT));
        r.add(def(55, PARTIAL, "as setsockopt, plus SO_TYPE/DOMAIN/PROTOCOL/ERROR/ACCEPTCONN/PEERCRED", SysSocket::getsockopt, FD, INT, INT, PTR, PTR));
        r.add(def(44, PARTIAL, "no MSG_OOB; one call sends at most 1 MiB; a blocking stream send queues it all once there is room", SysSocketMessages::sendto, FD, BUF_IN, SIZE, UINT_HEX, PTR, INT));
        r.add(def(45, PARTIAL, "no MSG_OOB", SysSocketMessages::recvfrom, FD, BUF_OUT, SIZE, UINT_HEX, PTR, PTR));
        r.add(def(46, PARTIAL, "SCM_RIGHTS and SCM_CREDENTIALS on AF_UNIX; no MSG_OOB", SysSocketMessages::sendmsg, FD, PTR, UINT_HEX));
        r.add(def(47, PARTIAL, "SCM_RIGHTS (MSG_CMSG_CLOEXEC) and SCM_CREDENTIALS (SO_PASSCRED) on AF_UNIX; no MSG_OOB, MSG_ERRQUEUE", SysSocketMessages::recvmsg, FD, PTR, UINT_HEX));
        r.add(def(307, PARTIAL, "as sendmsg, entry by entry", SysSocketMessages::sendmmsg, FD, PTR, UINT, UINT_HEX));
        r.add(def(299, PARTIAL, "as recvmsg; after the first datagram only those already queued (as MSG_WAITFORONE)", SysSocketMessages::recvmmsg, FD, PTR, UINT, UINT_HEX, PTR));
        // ---- bpf (dev.emu.kernel.bpf.SysBpf) ----
        r.add(def(321, PARTIAL, "maps (hash, array, ringbuf, per-CPU, LRU, LPM trie, map-in-map, queue/stack, bloom, perf event array, stack trace; mmap of arrays and ringbufs), PROG_LOAD with the verifier (timer, socket filter, sched_cls, XDP, kprobe, tracepoint, raw tracepoint, perf_event), links, TEST_RUN, ids, info, BTF_LOAD, MAP_FREEZE, PROG_BIND_MAP, batch ops, OBJ_PIN/OBJ_GET (/sys/fs/bpf), PROG_QUERY, and emu's ringbuf poll (docs/bpf-extensions.md, docs/tracing.md); other commands → EINVAL",
                dev.emu.kernel.bpf.SysBpf::bpf, BPF_CMD, BPF_ATTR, UINT));
        // ---- perf events (dev.emu.kernel.perf; docs/tracing.md) ----
        r.add(def(298, PARTIAL, "software cpu-clock/task-clock (sampling on the kernel clock), dummy, bpf-output; tracepoints by tracefs id; the kprobe PMU on __x64_sys_<name>; no hardware PMU (ENOENT); side-band records, inherit, enable_on_exec → EOPNOTSUPP",
                dev.emu.kernel.perf.SysPerfEventOpen::perfEventOpen, PTR, INT, INT, FD, HEX));
        return r;
    }

    private static SyscallDef def(int nr, Support s, String note, SyscallHandler h, ArgKind... args) {
        return new SyscallDef(nr, SyscallNumbers.name(nr), s, note, h, args);
    }

    /** The implemented rows, by ascending number. */
    public static List<SyscallDef> implemented() {
        List<SyscallDef> r = new ArrayList<>(rows());
        r.sort(java.util.Comparator.comparingInt(SyscallDef::number));
        return r;
    }

    /** Every x86_64 syscall, implemented or ENOSYS, by number (for `emu syscalls`). */
    public static List<SyscallDef> all() {
        SyscallDef[] byNr = byNumber();
        List<SyscallDef> out = new ArrayList<>();
        for (int nr = 0; nr < byNr.length; nr++) {
            if (byNr[nr] != null) {
                out.add(byNr[nr]);
            } else if (SyscallNumbers.name(nr) != null) {
                out.add(new SyscallDef(nr, SyscallNumbers.name(nr), Support.ENOSYS, "", null));
            }
        }
        return out;
    }

    /** A direct-indexed array for the dispatcher; null where the syscall is not implemented. */
    public static SyscallDef[] byNumber() {
        SyscallDef[] t = new SyscallDef[SyscallNumbers.tableSize()];
        for (SyscallDef d : rows()) {
            if (t[d.number()] != null) {
                throw new IllegalStateException("syscall " + d.number() + " listed twice");
            }
            t[d.number()] = d;
        }
        return t;
    }
}

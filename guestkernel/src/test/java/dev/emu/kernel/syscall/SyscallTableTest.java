package dev.emu.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.SyscallNumbers;
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

    @Test
    void allListsEveryLinuxNumberOnce() {
        var all = SyscallTable.all();
        assertThat(all).extracting(SyscallDef::number).doesNotHaveDuplicates();
        assertThat(all.stream().filter(d -> d.name().equals("bpf")).findFirst()).isPresent();
    }
}

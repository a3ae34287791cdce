package dev.emu.emulator.cli;

import dev.emu.kernel.syscall.Support;
import dev.emu.kernel.syscall.SyscallDef;
import dev.emu.kernel.syscall.SyscallTable;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `emu syscalls`: the support matrix, printed from the kernel's syscall table. */
@Command(name = "syscalls", mixinStandardHelpOptions = true,
        description = "Print which Linux x86_64 syscalls emu implements (from the kernel's syscall table).")
public final class SyscallsCommand implements Callable<Integer> {

    @Option(names = "--all", description = "Also list the syscalls that return ENOSYS.")
    boolean all;

    @Override
    public Integer call() {
        List<SyscallDef> rows = SyscallTable.all();
        long full = rows.stream().filter(d -> d.support() == Support.FULL).count();
        long partial = rows.stream().filter(d -> d.support() == Support.PARTIAL).count();
        long enosys = rows.stream().filter(d -> d.support() == Support.ENOSYS).count();
        System.out.printf("%-4s %-24s %-8s %s%n", "NR", "NAME", "SUPPORT", "NOTE");
        for (SyscallDef d : rows) {
            if (all || d.support() != Support.ENOSYS) {
                System.out.printf("%-4d %-24s %-8s %s%n", d.number(), d.name(), d.support(), d.note());
            }
        }
        System.out.printf("%d syscalls: %d full, %d partial, %d ENOSYS%n", rows.size(), full, partial, enosys);
        return 0;
    }
}

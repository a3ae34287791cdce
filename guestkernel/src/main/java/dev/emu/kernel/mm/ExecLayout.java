package dev.emu.kernel.mm;

/**
 * Where execve placed a program's parts (Linux's mm_struct start_code … env_end, set by
 * load_elf_binary and create_elf_tables): the text, the data, the initial stack pointer, and the
 * argv and envp strings on the stack (what /proc/PID/cmdline and a BPF program's
 * {@code task->mm->arg_start} read).
 */
public record ExecLayout(long startCode, long endCode, long startData, long endData, long startStack,
                         long argStart, long argEnd, long envStart, long envEnd) {
    /** A process that has not exec'd an image (all zero, as a kernel thread's). */
    public static final ExecLayout NONE = new ExecLayout(0, 0, 0, 0, 0, 0, 0, 0, 0);
}

package dev.emu.kernel.syscall;

import dev.emu.kernel.task.Task;

/**
 * One syscall's implementation: decode the arguments, act, return the result or -errno.
 *
 * <p>A handler may park the task (sleep, wait) and return the value the task will see when it
 * resumes, or return {@link SyscallResults#RESTART} to have the syscall re-executed from scratch
 * once the task is woken (Linux's -ERESTARTSYS with SA_RESTART semantics). A bad guest pointer
 * may simply surface as {@link dev.emu.kernel.platform.BadAddressException}: the dispatcher
 * turns it into -EFAULT.
 */
@FunctionalInterface
public interface SyscallHandler {
    long call(Task task, long a0, long a1, long a2, long a3, long a4, long a5);
}

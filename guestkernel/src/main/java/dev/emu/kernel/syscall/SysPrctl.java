package dev.emu.kernel.syscall;

import dev.emu.abi.Errno;
import dev.emu.kernel.mm.UserMemory;
import dev.emu.kernel.task.Task;
import java.nio.charset.StandardCharsets;

/** prctl(2) (kernel/sys.c): the thread name, the dumpable flag and the child subreaper flag; other options → EINVAL. */
final class SysPrctl {
    private SysPrctl() {}

    static final int PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4, PR_SET_NAME = 15, PR_GET_NAME = 16;
    static final int PR_SET_CHILD_SUBREAPER = 36, PR_GET_CHILD_SUBREAPER = 37;
    /** TASK_COMM_LEN. */
    static final int TASK_COMM_LEN = 16;

    /** Prctl implements Linux syscall prctl(2) for PR_SET_NAME, PR_GET_NAME, PR_{GET,SET}_DUMPABLE and PR_{GET,SET}_CHILD_SUBREAPER. */
    static long prctl(Task t, long option, long arg2, long arg3, long arg4, long arg5, long a5) {
        switch ((int) option) {
            case PR_SET_NAME -> {
                byte[] name = UserMemory.readCString(t.memory(), arg2, TASK_COMM_LEN);
                String s = name == null
                        ? new String(t.memory().read(arg2, TASK_COMM_LEN - 1), StandardCharsets.UTF_8)
                        : new String(name, StandardCharsets.UTF_8);
                t.setComm(s);
                return 0;
            }
            case PR_GET_NAME -> {
                byte[] out = new byte[TASK_COMM_LEN];
                byte[] comm = t.comm().getBytes(StandardCharsets.UTF_8);
                System.arraycopy(comm, 0, out, 0, Math.min(comm.length, TASK_COMM_LEN - 1));
                t.memory().write(arg2, out);
                return 0;
            }
            case PR_SET_CHILD_SUBREAPER -> {
                t.process().setChildSubreaper(arg2 != 0);
                return 0;
            }
            case PR_GET_CHILD_SUBREAPER -> {
                t.memory().writeInt(arg2, t.process().childSubreaper() ? 1 : 0);
                return 0;
            }
            case PR_GET_DUMPABLE -> {
                return 1;
            }
            case PR_SET_DUMPABLE -> {
                return arg2 == 0 || arg2 == 1 ? 0 : Errno.EINVAL.ret();
            }
            default -> {
                t.kernel().log().once("prctl:" + (int) option, "prctl option " + (int) option + " not supported: -EINVAL");
                return Errno.EINVAL.ret();
            }
        }
    }
}

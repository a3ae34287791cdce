package dev.emu.kernel.net;

import dev.emu.kernel.task.Task;

/**
 * struct ucred: the process, user and group a message or a connection came from (SCM_CREDENTIALS,
 * SO_PEERCRED). The guest runs as root, so uid and gid are 0.
 */
public record Credentials(int pid, int uid, int gid) {
    /** What is not known: Linux reports pid 0 and the overflow uid/gid 65534. */
    public static final Credentials NONE = new Credentials(0, 65534, 65534);

    /** The credentials of {@code task}'s process. */
    public static Credentials of(Task task) {
        return new Credentials(task.process().pid(), 0, 0);
    }

    /** The 12-byte struct ucred. */
    byte[] toBytes() {
        return java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(pid).putInt(uid).putInt(gid).array();
    }
}

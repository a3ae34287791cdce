package dev.emu.kernel.task;

/**
 * A process's credentials (Linux's struct cred, include/linux/cred.h): real, effective, saved
 * and filesystem user and group ids, supplementary groups, and capability sets. The guest starts
 * as root with every capability but CAP_SYS_RESOURCE (see ResourceLimits); fork copies them,
 * setuid-family calls change them with Linux's rules (kernel/sys.c) and the capability
 * adjustments of security/commoncap.c (cap_emulate_setxuid).
 */
public final class Credentials {
    public static final int CAP_SETGID = 6, CAP_SETUID = 7, CAP_SYS_NICE = 23, CAP_SYS_RESOURCE = 24;
    /** CAP_LAST_CAP of Linux 5.9+ (CAP_CHECKPOINT_RESTORE = 40). */
    public static final int CAP_LAST_CAP = 40;
    public static final long ROOT_CAPS = ((1L << (CAP_LAST_CAP + 1)) - 1) & ~(1L << CAP_SYS_RESOURCE);

    public int uid, euid, suid, fsuid;
    public int gid, egid, sgid, fsgid;
    public int[] groups = new int[0];
    public long effective = ROOT_CAPS, permitted = ROOT_CAPS, inheritable;

    public Credentials copy() {
        Credentials c = new Credentials();
        c.uid = uid;
        c.euid = euid;
        c.suid = suid;
        c.fsuid = fsuid;
        c.gid = gid;
        c.egid = egid;
        c.sgid = sgid;
        c.fsgid = fsgid;
        c.groups = groups.clone();
        c.effective = effective;
        c.permitted = permitted;
        c.inheritable = inheritable;
        return c;
    }

    public boolean capable(int cap) {
        return (effective & (1L << cap)) != 0;
    }

    /**
     * cap_emulate_setxuid: leaving uid 0 in all of ruid, euid and suid drops the permitted and
     * effective sets; a non-zero euid drops the effective set; returning to euid 0 restores it.
     */
    public void afterUidChange(int oldUid, int oldEuid, int oldSuid) {
        if ((oldUid == 0 || oldEuid == 0 || oldSuid == 0) && uid != 0 && euid != 0 && suid != 0) {
            permitted = 0;
            effective = 0;
        }
        if (oldEuid == 0 && euid != 0) {
            effective = 0;
        }
        if (oldEuid != 0 && euid == 0) {
            effective = permitted;
        }
    }
}

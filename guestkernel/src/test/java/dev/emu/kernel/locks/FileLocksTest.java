package dev.emu.kernel.locks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.FdTable;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import dev.emu.kernel.testing.Tasks;
import org.junit.jupiter.api.Test;

/** The lock rules of fs/locks.c as {@link FileLocks} keeps them, without a CPU. */
class FileLocksTest {
    private final FileLocks locks = new FileLocks(new Scheduler());
    private final Task t1 = Tasks.task(1);
    private final Task t2 = Tasks.task(2);
    private final FdTable owner1 = new FdTable();
    private final FdTable owner2 = new FdTable();

    /** An open file description of inode 7 on device 1, read-write. */
    private static File open() {
        return new File(2) {
            @Override
            public FileStat stat() {
                return new FileStat(1, 7, FileStat.S_IFREG | 0644, 1, 0, 0, 0, 100, 4096, 8);
            }

            @Override
            public String describe() {
                return "/f";
            }
        };
    }

    private static FileLock lock(Object owner, int type, long start, long end) {
        return new FileLock(owner, 1, type, start, end);
    }

    @Test
    void posixLocksOfOneOwnerSplitAndMergeAndOthersConflict() {
        File f = open();
        assertThat(locks.setRecord(t1, f, lock(owner1, FileLock.F_WRLCK, 0, 99), false)).isZero();
        assertThat(locks.setRecord(t1, f, lock(owner1, FileLock.F_UNLCK, 40, 59), false)).isZero();
        assertThat(locks.count(f)).isEqualTo(2);
        assertThat(locks.test(f, lock(owner2, FileLock.F_RDLCK, 45, 50))).isNull();
        assertThat(locks.test(f, lock(owner2, FileLock.F_RDLCK, 50, 70))).isEqualTo(lock(owner1, FileLock.F_WRLCK, 60, 99));
        assertThat(locks.setRecord(t2, f, lock(owner2, FileLock.F_WRLCK, 10, 10), false)).isEqualTo(Errno.EAGAIN.ret());
        assertThat(locks.setRecord(t1, f, lock(owner1, FileLock.F_WRLCK, 40, 59), false)).isZero();
        assertThat(locks.count(f)).as("adjacent locks of one type merge").isEqualTo(1);
        assertThat(locks.test(f, lock(owner2, FileLock.F_RDLCK, 0, FileLock.TO_EOF))).isEqualTo(lock(owner1, FileLock.F_WRLCK, 0, 99));
    }

    @Test
    void anyCloseByTheOwnerDropsItsPosixLocksOnTheFile() {
        File f = open();
        File other = open();
        locks.setRecord(t1, f, lock(owner1, FileLock.F_WRLCK, 0, 9), false);
        locks.setRecord(t2, f, lock(owner2, FileLock.F_RDLCK, 20, 29), false);
        locks.closing(owner1, other);
        assertThat(locks.test(f, lock(owner2, FileLock.F_WRLCK, 0, 9))).isNull();
        assertThat(locks.count(f)).isEqualTo(1);
    }

    @Test
    void flockFollowsTheOpenFileDescription() {
        File a = open();
        File b = open();
        assertThat(locks.flock(t1, a, FileLock.F_WRLCK, false)).isZero();
        assertThat(locks.flock(t2, b, FileLock.F_RDLCK, false)).isEqualTo(Errno.EAGAIN.ret());
        assertThat(locks.flock(t1, a, FileLock.F_RDLCK, false)).as("conversion").isZero();
        assertThat(locks.flock(t2, b, FileLock.F_RDLCK, false)).isZero();
        assertThat(locks.flock(t2, b, FileLock.F_UNLCK, false)).isZero();
        a.retain();
        a.release();
        assertThat(locks.count(a)).as("a reference is left").isEqualTo(1);
        a.release();
        assertThat(locks.flock(t2, b, FileLock.F_WRLCK, false)).as("the last close dropped it").isZero();
    }

    @Test
    void aWaitingSetlkParksUntilTheLockGoesAndACycleIsEdeadlk() {
        File f = open();
        locks.setRecord(t1, f, lock(owner1, FileLock.F_WRLCK, 0, 0), false);
        locks.setRecord(t2, f, lock(owner2, FileLock.F_WRLCK, 1, 1), false);
        assertThat(locks.setRecord(t2, f, lock(owner2, FileLock.F_WRLCK, 0, 0), true)).isEqualTo(SyscallResults.RESTART);
        assertThat(t2.state()).isEqualTo(TaskState.BLOCKED);
        assertThat(locks.setRecord(t1, f, lock(owner1, FileLock.F_WRLCK, 1, 1), true)).isEqualTo(Errno.EDEADLK.ret());
        assertThat(locks.setRecord(t1, f, lock(owner1, FileLock.F_UNLCK, 0, 0), false)).isZero();
        assertThat(t2.state()).as("woken to retry").isEqualTo(TaskState.RUNNABLE);
        assertThat(locks.setRecord(t2, f, lock(owner2, FileLock.F_WRLCK, 0, 0), true)).isZero();
    }

    @Test
    void ofdLocksConflictWithPosixLocksOfTheSameProcess() {
        File a = open();
        File b = open();
        assertThat(locks.setRecord(t1, a, new FileLock(a, -1, FileLock.F_WRLCK, 0, 9), false)).isZero();
        assertThat(locks.setRecord(t1, b, lock(owner1, FileLock.F_RDLCK, 5, 5), false)).isEqualTo(Errno.EAGAIN.ret());
        assertThat(locks.test(b, new FileLock(b, -1, FileLock.F_RDLCK, 0, 0)).pid()).isEqualTo(-1);
        a.release();
        assertThat(locks.setRecord(t1, b, lock(owner1, FileLock.F_RDLCK, 5, 5), false)).isZero();
    }
}

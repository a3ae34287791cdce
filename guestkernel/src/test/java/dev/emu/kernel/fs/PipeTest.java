package dev.emu.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.Errno;
import dev.emu.kernel.sched.Scheduler;
import dev.emu.kernel.syscall.SyscallResults;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.task.TaskState;
import dev.emu.kernel.testing.Tasks;
import org.junit.jupiter.api.Test;

class PipeTest {
    private final Scheduler s = new Scheduler();
    private final Pipe pipe = new Pipe(s, 1, 0);
    private final Task reader = Tasks.task(1);
    private final Task writer = Tasks.task(2);

    @Test
    void bytesFlowInOrder() {
        assertThat(pipe.writeEnd().write(writer, "hello".getBytes(), 0, 5)).isEqualTo(5);
        byte[] b = new byte[16];
        assertThat(pipe.readEnd().read(reader, b, 0, 3)).isEqualTo(3);
        assertThat(pipe.readEnd().read(reader, b, 3, 13)).isEqualTo(2);
        assertThat(new String(b, 0, 5)).isEqualTo("hello");
    }

    @Test
    void anEmptyPipeBlocksTheReaderUntilAWrite() {
        byte[] b = new byte[4];
        assertThat(pipe.readEnd().read(reader, b, 0, 4)).isEqualTo(SyscallResults.RESTART);
        assertThat(reader.state()).isEqualTo(TaskState.BLOCKED);
        s.put(reader);
        pipe.writeEnd().write(writer, new byte[] {1}, 0, 1);
        assertThat(reader.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(s.next()).isSameAs(reader);
        assertThat(pipe.readEnd().read(reader, b, 0, 4)).isEqualTo(1);
    }

    @Test
    void closingTheLastWriterGivesEofAndWakesTheReader() {
        byte[] b = new byte[4];
        pipe.readEnd().read(reader, b, 0, 4);
        s.put(reader);
        pipe.writeEnd().release();
        assertThat(reader.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(pipe.readEnd().read(reader, b, 0, 4)).isZero();
    }

    @Test
    void nonBlockingEndsReturnEagain() {
        Pipe nb = new Pipe(s, 2, Pipe.O_NONBLOCK);
        assertThat(nb.readEnd().read(reader, new byte[1], 0, 1)).isEqualTo(Errno.EAGAIN.ret());
        byte[] big = new byte[Pipe.CAPACITY];
        assertThat(nb.writeEnd().write(writer, big, 0, big.length)).isEqualTo(Pipe.CAPACITY);
        assertThat(nb.writeEnd().write(writer, big, 0, 1)).isEqualTo(Errno.EAGAIN.ret());
    }

    @Test
    void smallWritesAreAtomicAndBlockUntilTheyFit() {
        byte[] big = new byte[Pipe.CAPACITY - 10];
        assertThat(pipe.writeEnd().write(writer, big, 0, big.length)).isEqualTo(big.length);
        assertThat(pipe.writeEnd().write(writer, new byte[100], 0, 100)).isEqualTo(SyscallResults.RESTART);
        s.put(writer);
        pipe.readEnd().read(reader, new byte[200], 0, 200);
        assertThat(writer.state()).isEqualTo(TaskState.RUNNABLE);
        assertThat(pipe.writeEnd().write(writer, new byte[100], 0, 100)).isEqualTo(100);
    }

    @Test
    void writingWithNoReaderFailsWithEpipe() {
        pipe.readEnd().release();
        assertThat(pipe.writeEnd().write(writer, new byte[1], 0, 1)).isEqualTo(Errno.EPIPE.ret());
    }
}

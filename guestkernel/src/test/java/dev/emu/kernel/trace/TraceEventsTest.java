package dev.emu.kernel.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.abi.SyscallNumbers;
import dev.emu.kernel.syscall.SyscallDef;
import dev.emu.kernel.syscall.SyscallTable;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.testing.FakeCpu;
import dev.emu.kernel.testing.Tasks;
import dev.emu.kernel.platform.Reg;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceEventsTest {
    private final TraceEvents events = new TraceEvents(SyscallTable.byNumber());

    @Test
    void everySyscallInTheTableHasAnEnterAndAnExitEvent() {
        for (SyscallDef d : SyscallTable.implemented()) {
            String name = TraceEvents.defineName(d.name());
            assertThat(events.byName("syscalls", "sys_enter_" + name)).as(d.name()).isNotNull();
            assertThat(events.byName("syscalls", "sys_exit_" + name)).as(d.name()).isNotNull();
            assertThat(SyscallTraceArgs.of(name)).as("Linux's arguments of %s", name).isNotNull();
        }
        assertThat(events.byName("syscalls", "sys_enter_newstat").format()).contains("field:const char * filename;");
        assertThat(events.kprobe("__x64_sys_newuname", false)).isNotNull();
    }

    @Test
    void idsAreUniqueAndFindTheirEvent() {
        for (TraceEvent e : events.all()) {
            assertThat(events.byId(e.id())).isSameAs(e);
        }
        assertThat(events.byId(0)).isNull();
        assertThat(events.byId(Integer.MAX_VALUE)).isNull();
    }

    /** The text a Linux 6.18 host's tracefs shows, except the ID line. */
    @Test
    void sysEnterOpenatFormatIsLinuxs() {
        TraceEvent e = events.byName("syscalls", "sys_enter_openat");
        assertThat(e.format()).isEqualTo("""
                name: sys_enter_openat
                ID: %d
                format:
                \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
                \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
                \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
                \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

                \tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;
                \tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;
                \tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;
                \tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;
                \tfield:umode_t mode;\toffset:40;\tsize:8;\tsigned:0;

                print fmt: "dfd: 0x%%08lx, filename: 0x%%08lx, flags: 0x%%08lx, mode: 0x%%08lx", ((unsigned long)(REC->dfd)), ((unsigned long)(REC->filename)), ((unsigned long)(REC->flags)), ((unsigned long)(REC->mode))
                """.formatted(e.id()));
        assertThat(e.recordSize()).isEqualTo(48);
    }

    @Test
    void schedSwitchAndSignalFormatsHaveLinuxsOffsets() {
        assertThat(events.byName("sched", "sched_switch").format())
                .contains("\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n")
                .contains("\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n")
                .contains("\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;\n");
        assertThat(events.byName("signal", "signal_deliver").format())
                .contains("\tfield:unsigned long sa_flags;\toffset:32;\tsize:8;\tsigned:0;\n");
        assertThat(events.byName("raw_syscalls", "sys_exit").format()).endsWith("print fmt: \"NR %ld = %ld\", REC->id, REC->ret\n");
    }

    @Test
    void nothingAttachedKeepsTheSyscallFlagDownAndAnAttachRaisesIt() {
        SyscallEvents sc = events.syscalls();
        assertThat(sc.active).isFalse();
        TraceProbe p = hit -> { };
        TraceEvent getpid = events.byName("syscalls", "sys_enter_getpid");
        getpid.attach(p);
        assertThat(sc.active).isTrue();
        getpid.detach(p);
        assertThat(sc.active).isFalse();
    }

    @Test
    void anOpenatRecordCarriesTheRegistersAsPassed() {
        List<TraceHit> hits = new ArrayList<>();
        events.byName("syscalls", "sys_enter_openat").attach(hits::add);
        events.byName("syscalls", "sys_exit_openat").attach(hits::add);
        events.byName("raw_syscalls", "sys_enter").attach(hits::add);
        Task t = Tasks.task(7);
        FakeCpu cpu = (FakeCpu) t.cpu();
        cpu.set(Reg.RDI, 0xffffff9cL); // AT_FDCWD as glibc passes it: the upper half is not narrowed
        cpu.set(Reg.RSI, 0x1234);
        cpu.set(Reg.RDX, 0x80000);
        events.syscalls().enter(t, cpu, SyscallNumbers.OPENAT);
        events.syscalls().exit(t, cpu, SyscallNumbers.OPENAT, 3);
        assertThat(hits).extracting(h -> h.event().fullName())
                .containsExactly("raw_syscalls:sys_enter", "syscalls:sys_enter_openat", "syscalls:sys_exit_openat");
        ByteBuffer enter = ByteBuffer.wrap(hits.get(1).record()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(enter.getShort(0)).isEqualTo((short) hits.get(1).event().id());
        assertThat(enter.getInt(4)).isEqualTo(7);
        assertThat(enter.getInt(8)).isEqualTo(257);
        assertThat(enter.getLong(16)).isEqualTo(0xffffff9cL);
        assertThat(enter.getLong(24)).isEqualTo(0x1234);
        assertThat(enter.getLong(32)).isEqualTo(0x80000);
        ByteBuffer exit = ByteBuffer.wrap(hits.get(2).record()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(exit.getLong(16)).isEqualTo(3);
        // raw_syscalls:sys_enter's first raw argument points at the pt_regs, readable as a kernel object
        TraceHit raw = hits.get(0);
        byte[] regs = new byte[PtRegs.SIZE];
        assertThat(raw.objects().read(raw.rawArgs()[0], regs, PtRegs.SIZE)).isTrue();
        assertThat(ByteBuffer.wrap(regs).order(ByteOrder.LITTLE_ENDIAN).getLong(PtRegs.ORIG_RAX)).isEqualTo(257);
        assertThat(raw.rawArgs()[1]).isEqualTo(257);
        assertThat(raw.objects().read(raw.rawArgs()[0] + 8, regs, PtRegs.SIZE)).isFalse();
    }

    @Test
    void anEnabledEventWritesLinuxsTextLineToTheTracePipe() {
        TracePipe pipe = new TracePipe();
        dev.emu.kernel.sched.Scheduler s = new dev.emu.kernel.sched.Scheduler();
        TraceEvent enter = events.byName("syscalls", "sys_enter_openat");
        TraceEvent exit = events.byName("syscalls", "sys_exit_openat");
        enter.setTextEnabled(true, pipe, () -> 1_500_000_000L, s);
        exit.setTextEnabled(true, pipe, () -> 1_500_000_000L, s);
        assertThat(enter.textEnabled()).isTrue();
        assertThat(events.syscalls().active).isTrue();
        Task t = Tasks.task(7);
        FakeCpu cpu = (FakeCpu) t.cpu();
        cpu.set(Reg.RDI, 0xffffff9cL);
        cpu.set(Reg.RSI, 0x5ef458);
        cpu.set(Reg.RDX, 0x241);
        cpu.set(Reg.R10, 0x1b6);
        events.syscalls().enter(t, cpu, SyscallNumbers.OPENAT);
        events.syscalls().exit(t, cpu, SyscallNumbers.OPENAT, 3);
        byte[] buf = new byte[4096];
        String text = new String(buf, 0, pipe.read(buf, 0, buf.length));
        assertThat(text).isEqualTo(
                "              t7-7       [000] .....     1.500000: sys_openat(dfd: 0xffffff9c, filename: 0x5ef458, flags: 0x241, mode: 0x1b6)\n"
                + "              t7-7       [000] .....     1.500000: sys_openat -> 0x3\n");
        enter.setTextEnabled(false, pipe, () -> 0, s);
        exit.setTextEnabled(false, pipe, () -> 0, s);
        assertThat(events.syscalls().active).isFalse();
    }

    /** The record and format a Linux 6.18 host's tracefs shows for sched_wakeup (sched_wakeup_template). */
    @Test
    void schedWakeupRecordsAreLinuxs() {
        TraceEvent wakeup = events.byName("sched", "sched_wakeup");
        TraceEvent wakeupNew = events.byName("sched", "sched_wakeup_new");
        assertThat(wakeup.format()).contains("""
                \tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;
                \tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;
                \tfield:int prio;\toffset:28;\tsize:4;\tsigned:1;
                \tfield:int target_cpu;\toffset:32;\tsize:4;\tsigned:1;

                print fmt: "comm=%s pid=%d prio=%d target_cpu=%03d", REC->comm, REC->pid, REC->prio, REC->target_cpu
                """);
        assertThat(wakeupNew.recordSize()).isEqualTo(36);
        assertThat(events.rawTracepoint("sched_wakeup").rawArgs()).isEqualTo(1);
        List<TraceHit> hits = new ArrayList<>();
        wakeup.attach(hits::add);
        wakeupNew.attach(hits::add);
        Task waker = Tasks.task(3);
        Task woken = Tasks.task(9);
        events.sched().wakeup(woken, waker);
        events.sched().wakeupNew(woken, null);
        assertThat(hits).extracting(h -> h.event().name()).containsExactly("sched_wakeup", "sched_wakeup_new");
        ByteBuffer r = ByteBuffer.wrap(hits.get(0).record()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(r.getInt(4)).as("common_pid: the waker").isEqualTo(3);
        assertThat(TraceEvent.cString(hits.get(0).record(), 8, 16)).isEqualTo("t9");
        assertThat(r.getInt(24)).isEqualTo(9);
        assertThat(r.getInt(28)).isEqualTo(120);
        assertThat(ByteBuffer.wrap(hits.get(1).record()).order(ByteOrder.LITTLE_ENDIAN).getInt(4)).isZero();
    }
}

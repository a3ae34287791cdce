package dev.emu.kernel.signal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.kernel.platform.Reg;
import dev.emu.kernel.task.SigInfo;
import dev.emu.kernel.task.SignalAction;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.testing.Tasks;
import org.junit.jupiter.api.Test;

/** The rt_sigframe as Linux x86_64 lays it out, and rt_sigreturn undoing it. */
class SignalFrameTest {

    @Test
    void frameMatchesLinuxLayoutAndSigreturnRestores() {
        Task t = Tasks.task(1);
        t.memory().map(0x7000_0000L, 0x10000, 3);
        long sp = 0x7000_f000L - 24;
        Reg[] regs = Signals.SC_REGS;
        for (int i = 0; i < regs.length; i++) {
            t.cpu().set(regs[i], 0x1000 + i);
        }
        t.cpu().set(Reg.RSP, sp);
        t.cpu().set(Reg.RIP, 0x401000);
        t.cpu().set(Reg.RFLAGS, 0x246);
        t.setSignalMask(Signals.bit(Signals.SIGUSR2));
        SignalAction a = new SignalAction(0x402000, Signals.SA_SIGINFO | Signals.SA_RESTORER, 0x403000,
                Signals.bit(Signals.SIGUSR1));

        Signals.setupFrame(null, t, Signals.SIGSEGV, new SigInfo(Signals.SIGSEGV, SigInfo.SEGV_MAPERR, 0, 0x10, 0), a);

        long frame = t.cpu().get(Reg.RSP);
        assertThat((frame + 8) % 16).as("ABI: rsp+8 is 16-aligned at handler entry").isZero();
        assertThat(frame).isLessThan(sp - 128);
        assertThat(t.cpu().get(Reg.RIP)).isEqualTo(0x402000);
        assertThat(t.cpu().get(Reg.RDI)).isEqualTo(Signals.SIGSEGV);
        assertThat(t.cpu().get(Reg.RSI)).isEqualTo(frame + 312);
        assertThat(t.cpu().get(Reg.RDX)).isEqualTo(frame + 8);
        assertThat(t.memory().readLong(frame)).as("pretcode = restorer").isEqualTo(0x403000);
        assertThat(t.memory().readLong(frame + 48 + 8 * 16)).as("sc.rip").isEqualTo(0x401000);
        assertThat(t.memory().readLong(frame + 48 + 8 * 15)).as("sc.rsp").isEqualTo(sp);
        long fpstate = t.memory().readLong(frame + 48 + 184);
        assertThat(fpstate % 64).isZero();
        assertThat(fpstate).isGreaterThan(frame);
        assertThat(t.memory().readInt(frame + 312)).as("si_signo").isEqualTo(Signals.SIGSEGV);
        assertThat(t.memory().readInt(frame + 320)).as("si_code").isEqualTo(SigInfo.SEGV_MAPERR);
        assertThat(t.memory().readLong(frame + 328)).as("si_addr").isEqualTo(0x10);
        assertThat(t.memory().readLong(frame + 304)).as("uc_sigmask").isEqualTo(Signals.bit(Signals.SIGUSR2));
        assertThat(t.signalMask()).isEqualTo(Signals.bit(Signals.SIGUSR2) | Signals.bit(Signals.SIGUSR1)
                | Signals.bit(Signals.SIGSEGV));

        // The handler returns: `ret` pops pretcode, then the restorer calls rt_sigreturn.
        t.cpu().set(Reg.RSP, frame + 8);
        long rax = Signals.sigreturn(t);
        assertThat(rax).isEqualTo(0x1000 + 13);
        assertThat(t.cpu().get(Reg.RIP)).isEqualTo(0x401000);
        assertThat(t.cpu().get(Reg.RSP)).isEqualTo(sp);
        assertThat(t.cpu().get(Reg.R15)).isEqualTo(0x1000 + 7);
        assertThat(t.signalMask()).isEqualTo(Signals.bit(Signals.SIGUSR2));
    }

    @Test
    void saOnstackFramesGoOnTheAlternateStackAndAutodisarmIsUndoneBySigreturn() {
        Task t = Tasks.task(1);
        t.memory().map(0x7000_0000L, 0x10000, 3);
        t.memory().map(0x6000_0000L, 0x4000, 3);
        long sp = 0x7000_f000L;
        t.cpu().set(Reg.RSP, sp);
        t.cpu().set(Reg.RIP, 0x401000);
        assertThat(Signals.setAltStack(t, 0x6000_0000L, Signals.SS_AUTODISARM, 0x4000, sp)).isZero();
        SignalAction a = new SignalAction(0x402000, Signals.SA_ONSTACK | Signals.SA_RESTORER, 0x403000, 0);

        Signals.setupFrame(null, t, Signals.SIGUSR1, new SigInfo(Signals.SIGUSR1, SigInfo.SI_USER, 1, 0, 0), a);

        long frame = t.cpu().get(Reg.RSP);
        assertThat(frame).isBetween(0x6000_0000L, 0x6000_4000L);
        assertThat(t.memory().readLong(frame + 8 + 16)).as("uc_stack.ss_sp").isEqualTo(0x6000_0000L);
        assertThat(t.memory().readInt(frame + 8 + 24)).as("uc_stack.ss_flags").isEqualTo(Signals.SS_AUTODISARM);
        assertThat(t.altStackSize()).as("disarmed while the handler runs").isZero();

        t.cpu().set(Reg.RSP, frame + 8);
        Signals.sigreturn(t);
        assertThat(t.altStackSize()).as("re-armed by rt_sigreturn").isEqualTo(0x4000);
        assertThat(t.cpu().get(Reg.RSP)).isEqualTo(sp);
    }

    @Test
    void sigaltstackRefusesWhatLinuxRefuses() {
        Task t = Tasks.task(1);
        assertThat(Signals.setAltStack(t, 0x6000_0000L, 0, 1024, 0x7000_0000L)).isEqualTo(-12); // ENOMEM
        assertThat(Signals.setAltStack(t, 0x6000_0000L, 7, 0x4000, 0x7000_0000L)).isEqualTo(-22); // EINVAL
        assertThat(Signals.setAltStack(t, 0x6000_0000L, 0, 0x4000, 0x7000_0000L)).isZero();
        assertThat(Signals.altStackFlags(t, 0x6000_1000L)).isEqualTo(Signals.SS_ONSTACK);
        assertThat(Signals.setAltStack(t, 0x6000_0000L, Signals.SS_DISABLE, 0, 0x6000_1000L)).isEqualTo(-1); // EPERM
        assertThat(Signals.setAltStack(t, 0, Signals.SS_DISABLE, 0, 0x7000_0000L)).isZero();
        assertThat(Signals.altStackFlags(t, 0x6000_1000L)).isEqualTo(Signals.SS_DISABLE);
    }
}

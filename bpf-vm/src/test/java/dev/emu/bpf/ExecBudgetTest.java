package dev.emu.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.bpf.tool.BpfTool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/**
 * {@code emu bpf exec} runs unverified programs: nothing proves their loops bounded, so each run
 * has an instruction budget, and both engines stop at the same instruction with the same message.
 */
class ExecBudgetTest {
    /** ja -1. */
    static final String JA_SELF = "05 00 ff ff 00 00 00 00";
    /** mov r1, 1; jne r1, 0, -1; exit: a conditional jump to itself. */
    static final String COND_LOOP = "b7 01 00 00 01 00 00 00 55 01 ff ff 00 00 00 00 95 00 00 00 00 00 00 00";
    /** w0 = 0; w0 += 1; if w0 != 0 goto -2; exit: 2^32 iterations. */
    static final String COUNTER_2_32 = "b4 00 00 00 00 00 00 00 04 00 00 00 01 00 00 00 "
            + "56 00 fe ff 00 00 00 00 95 00 00 00 00 00 00 00";

    record Run(int rc, String out, String err) {}

    static Run exec(String prog, boolean interpret, long budget) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = budget < 0 ? BpfTool.exec(prog, null, interpret, new PrintStream(out), new PrintStream(err))
                : BpfTool.exec(prog, null, interpret, budget, new PrintStream(out), new PrintStream(err));
        return new Run(rc, out.toString(), err.toString());
    }

    static void stopsOnBothEngines(String prog, long budget, String expected) {
        Run interp = exec(prog, true, budget);
        Run jit = exec(prog, false, budget);
        assertThat(interp.rc()).isEqualTo(1);
        assertThat(interp.out()).isEmpty();
        assertThat(interp.err()).contains(expected);
        assertThat(jit).isEqualTo(interp);
    }

    @Test
    void jumpToSelfStopsAtTheDefaultBudget() {
        stopsOnBothEngines(JA_SELF, -1, "program fault: instruction 0: instruction budget of "
                + BpfTool.DEFAULT_EXEC_BUDGET + " exhausted");
    }

    @Test
    void conditionalLoopStops() {
        stopsOnBothEngines(COND_LOOP, 1000, "instruction 1: instruction budget of 1000 exhausted");
        stopsOnBothEngines(COND_LOOP, -1, "instruction budget of 1000000 exhausted");
    }

    @Test
    void counterTo2Pow32Stops() {
        stopsOnBothEngines(COUNTER_2_32, -1, "instruction 1: instruction budget of 1000000 exhausted");
    }

    @Test
    void aProgramWithinTheBudgetRunsToItsExit() {
        // w0 = 0; w0 += 1; if w0 != 10 goto -2; exit: 1 + 10*2 + 1 = 22 instructions.
        String ten = "b4 00 00 00 00 00 00 00 04 00 00 00 01 00 00 00 56 00 fe ff 0a 00 00 00 95 00 00 00 00 00 00 00";
        for (boolean interpret : new boolean[] {true, false}) {
            assertThat(exec(ten, interpret, 22)).isEqualTo(new Run(0, "a" + System.lineSeparator(), ""));
            assertThat(exec(ten, interpret, 21).err()).contains("instruction budget of 21 exhausted");
        }
    }
}

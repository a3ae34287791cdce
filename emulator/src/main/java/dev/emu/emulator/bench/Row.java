package dev.emu.emulator.bench;

/**
 * One line of the table. Values are null where an engine does not apply (BPF rows have no qemu or
 * native column) or is absent (no qemu-x86_64 installed). {@code met} is null without a target.
 *
 * @param how   the measured emu command, for docs/performance.md
 * @param note  the counts used, or why the row failed
 */
record Row(String id, String name, String unit, Double emu, Double qemu, Double nativeValue,
           String target, Boolean met, String how, String note) {

    static Row of(String id, String name, String unit, Double emu, Double qemu, Double nativeValue,
                  Target target, String how, String note) {
        return new Row(id, name, unit, emu, qemu, nativeValue, target.text(),
                target.met(emu, qemu), how, note);
    }

    static Row failed(String id, String name, String why) {
        return new Row(id, name, "", null, null, null, "", null, "", "FAILED: " + why);
    }

    Double emuOverQemu() {
        return emu != null && qemu != null && qemu > 0 ? emu / qemu : null;
    }

    Double emuOverNative() {
        return emu != null && nativeValue != null && nativeValue > 0 ? emu / nativeValue : null;
    }
}

/** A row's target from issue 8: its text and how it is checked. */
record Target(String text, Check check) {
    interface Check {
        Boolean met(double emu, Double qemu);
    }

    static final Target NONE = new Target("", (e, q) -> null);

    Boolean met(Double emu, Double qemu) {
        return emu == null ? null : check.met(emu, qemu);
    }

    /** emu at most {@code factor} times qemu-user (unknown without qemu). */
    static Target atMostQemu(double factor) {
        String text = factor == 1.0 ? "<= qemu" : "<= " + factor + " x qemu";
        return new Target(text, (e, q) -> q == null ? null : e <= factor * q);
    }

    static Target atMost(double limit, String text) {
        return new Target(text, (e, q) -> e <= limit);
    }

    static Target atLeast(double limit, String text) {
        return new Target(text, (e, q) -> e >= limit);
    }
}

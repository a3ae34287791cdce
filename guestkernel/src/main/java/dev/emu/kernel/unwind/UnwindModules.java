package dev.emu.kernel.unwind;

/** Which .eh_frame_hdr describes a code address: the loaded object's PT_GNU_EH_FRAME, or null. */
@FunctionalInterface
public interface UnwindModules {
    EhFrameHdr ehFrameHdr(long pc);
}

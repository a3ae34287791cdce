package dev.emu.kernel.trace;

/**
 * One field of a tracepoint record as its tracefs {@code format} file lists it
 * ({@code field:TYPE NAME; offset:O; size:S; signed:0|1;}, kernel/trace/trace_events.c
 * f_show).
 */
public record TraceField(String type, String name, int offset, int size, boolean signed) {

    /** The format-file line, without the leading tab. */
    String formatLine() {
        return "field:" + type + " " + name + ";\toffset:" + offset + ";\tsize:" + size + ";\tsigned:" + (signed ? 1 : 0) + ";";
    }
}

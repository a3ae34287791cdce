package dev.emu.kernel.trace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tracepoint (Linux's struct trace_event_call): a {@code system:name} with a tracefs id, the
 * record layout its {@code format} file describes, the number of raw arguments (TP_PROTO) a
 * raw_tp program sees, and the probes attached to it.
 *
 * <p>The check at each site is {@link #enabled()}: one array-length read, so a tracepoint with
 * nothing attached costs no more than that (Linux uses a static key for the same reason).
 */
public final class TraceEvent {
    /** The common fields every record starts with (trace_define_common_fields). */
    public static final List<TraceField> COMMON_FIELDS = List.of(
            new TraceField("unsigned short", "common_type", 0, 2, false),
            new TraceField("unsigned char", "common_flags", 2, 1, false),
            new TraceField("unsigned char", "common_preempt_count", 3, 1, false),
            new TraceField("int", "common_pid", 4, 4, true));
    public static final int COMMON_SIZE = 8;
    private static final TraceProbe[] NO_PROBES = new TraceProbe[0];

    private final int id;
    private final String system;
    private final String name;
    private final List<TraceField> fields;
    private final int recordSize;
    private final String printFormat;
    private final int rawArgs;
    private TraceProbe[] probes = NO_PROBES;
    /** The event's line in the text trace (its print fmt applied), or null to use the generic one. */
    private java.util.function.Function<TraceHit, String> text;
    /** The probe writing the text trace while {@code enable} is 1, else null. */
    private TraceProbe textProbe;
    /** Told when probes come or go (the owner's cheap "anything attached?" flag). */
    private Runnable changed = () -> { };

    TraceEvent(int id, String system, String name, List<TraceField> fields, int recordSize, String printFormat,
               int rawArgs) {
        this.id = id;
        this.system = system;
        this.name = name;
        this.fields = List.copyOf(fields);
        this.recordSize = recordSize;
        this.printFormat = printFormat;
        this.rawArgs = rawArgs;
    }

    public int id() {
        return id;
    }

    public String system() {
        return system;
    }

    public String name() {
        return name;
    }

    /** {@code system:name}, as available_events lists it. */
    public String fullName() {
        return system + ":" + name;
    }

    /** The event's own fields, after the common ones. */
    public List<TraceField> fields() {
        return fields;
    }

    /** The record size in bytes (what a tracepoint program may read of its context). */
    public int recordSize() {
        return recordSize;
    }

    /** How many u64 arguments a raw tracepoint program gets (TP_PROTO's count). */
    public int rawArgs() {
        return rawArgs;
    }

    /** True while anything is attached: the sites test this before building a record. */
    public boolean enabled() {
        return probes.length != 0;
    }

    /** Attaches {@code p} (copy-on-write, so a probe may detach itself or another from inside a hit). */
    public void attach(TraceProbe p) {
        TraceProbe[] n = Arrays.copyOf(probes, probes.length + 1);
        n[probes.length] = p;
        probes = n;
        changed.run();
    }

    void onChange(Runnable r) {
        changed = r;
    }

    /** Detaches {@code p}; false if it was not attached. */
    public boolean detach(TraceProbe p) {
        for (int i = 0; i < probes.length; i++) {
            if (probes[i] == p) {
                TraceProbe[] n = new TraceProbe[probes.length - 1];
                System.arraycopy(probes, 0, n, 0, i);
                System.arraycopy(probes, i + 1, n, i, probes.length - i - 1);
                probes = n.length == 0 ? NO_PROBES : n;
                changed.run();
                return true;
            }
        }
        return false;
    }

    void setText(java.util.function.Function<TraceHit, String> text) {
        this.text = text;
    }

    /** True while the event writes the text trace (its tracefs {@code enable} reads 1). */
    public boolean textEnabled() {
        return textProbe != null;
    }

    /**
     * Turns the text trace of this event on or off (writing 1 or 0 to its {@code enable}): each
     * hit appends its line to the trace pipe, as trace_event_buffer_commit and
     * print_trace_line do.
     */
    public void setTextEnabled(boolean on, TracePipe pipe, java.util.function.LongSupplier clock,
                               dev.emu.kernel.sched.Scheduler scheduler) {
        if (on && textProbe == null) {
            textProbe = hit -> pipe.append(hit.task(), clock.getAsLong(), line(hit), scheduler);
            attach(textProbe);
        } else if (!on && textProbe != null) {
            detach(textProbe);
            textProbe = null;
        }
    }

    /** The text of a hit: "name: " and the formatted fields, or the event's own line (syscalls). */
    String line(TraceHit hit) {
        return text != null ? text.apply(hit) : name + ": " + fieldsText(hit.record());
    }

    /** Generic "field=value" text for events without a print fmt of their own. */
    private String fieldsText(byte[] record) {
        ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder sb = new StringBuilder();
        for (TraceField f : fields) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(f.name()).append('=');
            if (f.type().startsWith("char") && f.name().endsWith("]")) {
                sb.append(cString(record, f.offset(), f.size()));
            } else if (f.type().startsWith("__data_loc")) {
                int loc = b.getInt(f.offset());
                sb.append(cString(record, loc & 0xffff, loc >>> 16));
            } else {
                sb.append(switch (f.size()) {
                    case 1 -> f.signed() ? b.get(f.offset()) : b.get(f.offset()) & 0xff;
                    case 2 -> f.signed() ? b.getShort(f.offset()) : b.getShort(f.offset()) & 0xffff;
                    case 4 -> f.signed() ? b.getInt(f.offset()) : b.getInt(f.offset()) & 0xffffffffL;
                    default -> b.getLong(f.offset());
                });
            }
        }
        return sb.toString();
    }

    static String cString(byte[] record, int off, int max) {
        int end = off;
        while (end < Math.min(record.length, off + max) && record[end] != 0) {
            end++;
        }
        return new String(record, off, end - off, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A zeroed record with the common fields set (tracing_generic_entry_update): type and pid. */
    public ByteBuffer newRecord(int pid) {
        ByteBuffer b = ByteBuffer.allocate(recordSize).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) id);
        b.putInt(4, pid);
        return b;
    }

    /** Runs every attached probe on {@code hit}. */
    public void fire(TraceHit hit) {
        for (TraceProbe p : probes) {
            p.hit(hit);
        }
    }

    /** The tracefs {@code format} file (kernel/trace/trace_events.c f_show). */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append("name: ").append(name).append('\n');
        sb.append("ID: ").append(id).append('\n');
        sb.append("format:\n");
        for (TraceField f : COMMON_FIELDS) {
            sb.append('\t').append(f.formatLine()).append('\n');
        }
        sb.append('\n');
        for (TraceField f : fields) {
            sb.append('\t').append(f.formatLine()).append('\n');
        }
        sb.append('\n');
        sb.append("print fmt: ").append(printFormat).append('\n');
        return sb.toString();
    }

    /** Fields laid out one after another from offset 8, each aligned to its natural size. */
    static List<TraceField> layout(String... typeNameSize) {
        List<TraceField> out = new ArrayList<>();
        int off = COMMON_SIZE;
        for (int i = 0; i < typeNameSize.length; i += 4) {
            int size = Integer.parseInt(typeNameSize[i + 2]);
            int align = Math.min(size, 8);
            if (typeNameSize[i].startsWith("char") || typeNameSize[i].startsWith("__data_loc")) {
                align = typeNameSize[i].startsWith("char") ? 1 : 4;
            }
            off = (off + align - 1) / align * align;
            out.add(new TraceField(typeNameSize[i], typeNameSize[i + 1], off, size, typeNameSize[i + 3].equals("1")));
            off += size;
        }
        return out;
    }

    @Override
    public String toString() {
        return fullName() + " (id " + id + ")";
    }
}

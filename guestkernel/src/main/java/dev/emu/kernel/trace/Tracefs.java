package dev.emu.kernel.trace;

import dev.emu.kernel.fs.File;
import dev.emu.kernel.fs.FileStat;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.Result;
import dev.emu.kernel.vfs.kernfs.KernDir;
import dev.emu.kernel.vfs.kernfs.KernFile;
import dev.emu.kernel.vfs.kernfs.KernFilesystem;
import dev.emu.kernel.vfs.kernfs.KernNode;

/**
 * tracefs (kernel/trace/trace.c, trace_events.c), mounted at /sys/kernel/tracing and
 * /sys/kernel/debug/tracing: {@code events/SYSTEM/EVENT/{id,format,enable}},
 * {@code available_events}, and {@code trace_pipe}: bpf_trace_printk output and the text trace
 * of the events whose {@code enable} is 1.
 */
public final class Tracefs extends KernFilesystem {
    /** TRACEFS_MAGIC. */
    private static final long MAGIC = 0x74726163L;

    /**
     * @param events the kernel's tracepoints, asked for when the tree is first looked at: a run
     *     that never opens tracefs does not build them (start-up, docs/performance.md)
     */
    public Tracefs(java.util.function.Supplier<TraceEvents> events, long dev, long bootNanos,
                   java.util.function.LongSupplier clock, dev.emu.kernel.sched.Scheduler scheduler) {
        super("tracefs", dev, MAGIC, bootNanos);
        setRoot(new LazyRoot(this, () -> populate((KernDir) root(), events.get(), clock, scheduler)));
    }

    /** The tree under the root: one directory per event, as trace_events.c makes them. */
    private void populate(KernDir root, TraceEvents events, java.util.function.LongSupplier clock,
                          dev.emu.kernel.sched.Scheduler scheduler) {
        KernDir eventsDir = root.dir("events");
        StringBuilder available = new StringBuilder();
        for (TraceEvent e : events.all()) {
            KernDir d = eventsDir.dir(e.system()).dir(e.name());
            d.add("id", KernFile.of(this, e.id() + "\n"));
            d.add("format", new KernFile(this, 0444, t -> e.format())); // made when opened
            d.add("enable", new EnableNode(this, e, events.pipe(), clock, scheduler));
            available.append(e.system()).append(':').append(e.name()).append('\n');
        }
        root.add("available_events", KernFile.of(this, available.toString()));
        root.add("trace_pipe", new TracePipeNode(this, events.pipe()));
    }

    /** The root directory, whose children are made when it is first looked up, listed or stat'ed. */
    private static final class LazyRoot extends KernDir {
        private Runnable populate;

        LazyRoot(KernFilesystem fs, Runnable populate) {
            super(fs, 0700);
            this.populate = populate;
        }

        private void populated() {
            Runnable p = populate;
            if (p != null) {
                populate = null;
                p.run();
            }
        }

        @Override
        public int type() {
            return FileStat.S_IFDIR; // without populating: path walks and mounts ask
        }

        @Override
        protected int nlink() {
            populated();
            return super.nlink();
        }

        @Override
        public Result<dev.emu.kernel.vfs.Inode> lookup(String name) {
            populated();
            return super.lookup(name);
        }

        @Override
        public Result<java.util.List<dev.emu.kernel.vfs.DirEntry>> list() {
            populated();
            return super.list();
        }
    }

    /** An event's enable file: 0644, read and written through {@link EventEnableFile}. */
    private static final class EnableNode extends KernNode {
        private final TraceEvent event;
        private final TracePipe pipe;
        private final java.util.function.LongSupplier clock;
        private final dev.emu.kernel.sched.Scheduler scheduler;

        EnableNode(KernFilesystem fs, TraceEvent event, TracePipe pipe, java.util.function.LongSupplier clock,
                   dev.emu.kernel.sched.Scheduler scheduler) {
            super(fs, FileStat.S_IFREG | 0644);
            this.event = event;
            this.pipe = pipe;
            this.clock = clock;
            this.scheduler = scheduler;
        }

        /** O_TRUNC of a tracefs file is accepted and changes nothing (tracing_open_generic has no truncate). */
        @Override
        public long truncate(long size) {
            return 0;
        }

        @Override
        public Result<File> open(Task task, Dentry dentry, int flags) {
            return Result.ok(new EventEnableFile(dentry, flags, event,
                    () -> event.setTextEnabled(true, pipe, clock, scheduler),
                    () -> event.setTextEnabled(false, pipe, clock, scheduler)));
        }
    }

    /** The trace_pipe inode: each open reads the one shared buffer. */
    private static final class TracePipeNode extends KernNode {
        private final TracePipe pipe;

        TracePipeNode(KernFilesystem fs, TracePipe pipe) {
            super(fs, FileStat.S_IFREG | 0444);
            this.pipe = pipe;
        }

        @Override
        public Result<File> open(Task task, Dentry dentry, int flags) {
            return Result.ok(new TracePipeFile(dentry, flags, pipe));
        }
    }
}

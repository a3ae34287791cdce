package dev.emu.kernel;

import dev.emu.abi.Errno;
import dev.emu.kernel.fs.File;
import dev.emu.kernel.loader.ElfSource;
import dev.emu.kernel.task.Task;
import dev.emu.kernel.vfs.Dentry;
import dev.emu.kernel.vfs.FsContext;
import dev.emu.kernel.vfs.Result;
import dev.emu.kernel.vfs.Vfs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What execve runs for a path (fs/exec.c do_open_execat and fs/binfmt_script.c): the file is
 * found in the guest's tree, must be a regular file with an execute bit, and a "#!" line makes
 * its interpreter the program, with the optional argument and the script's path in front of the
 * original arguments. At most {@link #MAX_INTERPRETER_DEPTH} interpreters deep (ELOOP beyond).
 */
public final class ExecLookup {
    private ExecLookup() {}

    /** BINPRM_BUF_SIZE: how much of a script's first line Linux reads. */
    public static final int BINPRM_BUF_SIZE = 256;
    /** BINPRM_MAX_RECURSION. */
    public static final int MAX_INTERPRETER_DEPTH = 4;
    /**
     * The program to load; its bytes are read by the loader, only where the ELF headers point
     * ({@link #source}).
     *
     * @param path the ELF file's guest path
     * @param dentry the ELF file's name in the tree (/proc/PID/exe)
     * @param argv the arguments, with interpreters' in front for scripts
     */
    public record Program(String path, Dentry dentry, List<String> argv) {}

    public static Result<Program> find(Vfs vfs, Task task, FsContext ctx, String path, List<String> argv) {
        List<String> args = new ArrayList<>(argv);
        String current = path;
        for (int depth = 0; depth <= MAX_INTERPRETER_DEPTH; depth++) {
            Result<Dentry> d = vfs.lookup(task, ctx, ctx.cwd(), current, true);
            if (d.failed()) {
                return d.cast();
            }
            Dentry file = d.value();
            if (!file.inode().isRegular()) {
                return Result.err(Errno.EACCES);
            }
            long x = file.inode().access(Vfs.X_OK);
            if (x < 0) {
                return Result.err(Errno.of((int) -x));
            }
            Result<byte[]> bytes = readHead(task, file);
            if (bytes.failed()) {
                return bytes.cast();
            }
            byte[] b = bytes.value();
            if (b.length < 2 || b[0] != '#' || b[1] != '!') {
                return Result.ok(new Program(file.path(), file, args));
            }
            Result<List<String>> line = interpreterLine(b);
            if (line.failed()) {
                return line.cast();
            }
            List<String> next = new ArrayList<>(line.value());
            next.add(current);
            if (!args.isEmpty()) {
                next.addAll(args.subList(1, args.size()));
            }
            args = next;
            current = line.value().getFirst();
        }
        return Result.err(Errno.ELOOP);
    }

    /** The interpreter and its optional single argument from a "#!" line (load_script). */
    static Result<List<String>> interpreterLine(byte[] b) {
        int end = Math.min(b.length, BINPRM_BUF_SIZE);
        int nl = -1;
        for (int i = 2; i < end; i++) {
            if (b[i] == '\n') {
                nl = i;
                break;
            }
        }
        String line = new String(b, 2, (nl < 0 ? end : nl) - 2, StandardCharsets.UTF_8);
        String trimmed = line.replaceFirst("^[ \t]+", "");
        int sp = 0;
        while (sp < trimmed.length() && trimmed.charAt(sp) != ' ' && trimmed.charAt(sp) != '\t' && trimmed.charAt(sp) != 0) {
            sp++;
        }
        String interp = trimmed.substring(0, sp);
        if (interp.isEmpty() || nl < 0 && sp == trimmed.length() && b.length > BINPRM_BUF_SIZE) {
            return Result.err(Errno.ENOEXEC); // no interpreter, or its name cut off by the buffer
        }
        String arg = trimmed.substring(sp).strip();
        int nul = arg.indexOf('\0');
        if (nul >= 0) {
            arg = arg.substring(0, nul).strip();
        }
        return Result.ok(arg.isEmpty() ? List.of(interp) : List.of(interp, arg));
    }

    /** The first {@link #BINPRM_BUF_SIZE} bytes of a file (prepare_binprm's bprm->buf). */
    static Result<byte[]> readHead(Task task, Dentry file) {
        Result<File> open = file.inode().open(task, file, 0);
        if (open.failed()) {
            return open.cast();
        }
        File f = open.value();
        try {
            byte[] buf = new byte[BINPRM_BUF_SIZE];
            int got = 0;
            while (got < buf.length) {
                long n = f.pread(task, buf, got, buf.length - got, got);
                if (n < 0) {
                    return Result.err(Errno.of((int) -n));
                }
                if (n == 0) {
                    break;
                }
                got += (int) n;
            }
            return Result.ok(java.util.Arrays.copyOf(buf, got));
        } finally {
            f.release();
        }
    }

    /**
     * Opens {@code file} for the loader: an {@link ElfSource} reading the open file at the
     * offsets the ELF headers name (kernel_read), so only the headers, PT_INTERP and the
     * segments' file bytes are read, never the rest. The caller releases the returned file.
     */
    public static Result<File> open(Task task, Dentry file) {
        return file.inode().open(task, file, 0);
    }

    /** The loader's view of an open guest file: positioned reads, EOFException past its end. */
    public static ElfSource source(Task task, File f) {
        return new ElfSource() {
            @Override
            public long size() {
                return f.stat().size();
            }

            @Override
            public void read(long offset, byte[] dst, int off, int len) throws java.io.IOException {
                int done = 0;
                while (done < len) {
                    long n = f.pread(task, dst, off + done, len - done, offset + done);
                    if (n < 0) {
                        throw new java.io.IOException("read error " + Errno.nameOfReturn(n));
                    }
                    if (n == 0) {
                        throw new java.io.EOFException("read of " + len + " bytes at " + offset + " past the end");
                    }
                    done += (int) n;
                }
            }
        };
    }
}

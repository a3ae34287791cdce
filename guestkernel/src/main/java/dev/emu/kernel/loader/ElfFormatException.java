package dev.emu.kernel.loader;

/**
 * An executable the loader refuses: the message names the file and says exactly what is wrong.
 *
 * <p>execve(2) reports this as ENOEXEC; the message goes to the kernel log and, for the first
 * process, to the user.
 */
public final class ElfFormatException extends RuntimeException {
    public ElfFormatException(String path, String problem) {
        super(path + ": " + problem);
    }
}

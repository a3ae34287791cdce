package dev.emu.kernel.vfs.hostfs;

import dev.emu.abi.Errno;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Map;

/**
 * The errno behind a host I/O failure. The JDK turns errno into an exception class or, for the
 * rest, into strerror's text in {@link FileSystemException#getReason()}, which is matched here.
 */
final class HostErrors {
    private HostErrors() {}

    private static final Map<String, Errno> BY_REASON = Map.ofEntries(
            Map.entry("Operation not permitted", Errno.EPERM),
            Map.entry("No such file or directory", Errno.ENOENT),
            Map.entry("Permission denied", Errno.EACCES),
            Map.entry("File exists", Errno.EEXIST),
            Map.entry("Not a directory", Errno.ENOTDIR),
            Map.entry("Is a directory", Errno.EISDIR),
            Map.entry("Invalid argument", Errno.EINVAL),
            Map.entry("No space left on device", Errno.ENOSPC),
            Map.entry("Read-only file system", Errno.EROFS),
            Map.entry("Too many links", Errno.EMLINK),
            Map.entry("File name too long", Errno.ENAMETOOLONG),
            Map.entry("Directory not empty", Errno.ENOTEMPTY),
            Map.entry("Too many levels of symbolic links", Errno.ELOOP),
            Map.entry("Invalid cross-device link", Errno.EXDEV),
            Map.entry("Device or resource busy", Errno.EBUSY),
            Map.entry("File too large", Errno.EFBIG),
            Map.entry("Text file busy", Errno.ETXTBSY),
            Map.entry("Operation not supported", Errno.EOPNOTSUPP),
            Map.entry("No such device or address", Errno.ENXIO),
            Map.entry("Input/output error", Errno.EIO));

    static Errno of(IOException e) {
        if (e instanceof NoSuchFileException) {
            return Errno.ENOENT;
        }
        if (e instanceof FileAlreadyExistsException) {
            return Errno.EEXIST;
        }
        if (e instanceof DirectoryNotEmptyException) {
            return Errno.ENOTEMPTY;
        }
        if (e instanceof AccessDeniedException) {
            return Errno.EACCES;
        }
        if (e instanceof NotDirectoryException) {
            return Errno.ENOTDIR;
        }
        if (e instanceof FileSystemLoopException) {
            return Errno.ELOOP;
        }
        if (e instanceof NotLinkException) {
            return Errno.EINVAL;
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            Errno byReason = BY_REASON.get(f.getReason());
            if (byReason != null) {
                return byReason;
            }
        }
        return Errno.EIO;
    }

    static long ret(IOException e) {
        return of(e).ret();
    }
}

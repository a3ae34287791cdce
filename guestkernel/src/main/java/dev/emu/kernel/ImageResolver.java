package dev.emu.kernel;

import java.nio.file.Path;

/** Finds an executable image by the name a user or execve gives. */
@FunctionalInterface
public interface ImageResolver {
    /** The host file for {@code name}, or null if there is none. */
    Path resolve(String name);
}

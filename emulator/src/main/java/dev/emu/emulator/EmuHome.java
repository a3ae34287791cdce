package dev.emu.emulator;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The emu checkout this JVM runs from: -Demu.home (set by scripts/emu), else found from the code location. */
public final class EmuHome {
    private EmuHome() {}

    public static Path find() {
        String prop = System.getProperty("emu.home");
        if (prop != null) {
            return Path.of(prop);
        }
        try {
            Path p = Path.of(EmuHome.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path d = p; d != null; d = d.getParent()) {
                if (Files.isDirectory(d.resolve("userspace-images")) && Files.exists(d.resolve("pom.xml"))) {
                    return d;
                }
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
        return null;
    }
}

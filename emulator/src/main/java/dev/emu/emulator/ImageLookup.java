package dev.emu.emulator;

import dev.emu.kernel.ImageResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds images by bare name: a path that exists is used as it is; otherwise each directory of
 * $EMU_IMAGE_PATH (colon-separated), then the project's userspace-images/build/.
 */
public final class ImageLookup implements ImageResolver {
    private final List<Path> searchPath;

    public ImageLookup(List<Path> searchPath) {
        this.searchPath = List.copyOf(searchPath);
    }

    /** The default search path: $EMU_IMAGE_PATH, then &lt;emu home&gt;/userspace-images/build. */
    public static ImageLookup defaults() {
        List<Path> dirs = new ArrayList<>();
        String env = System.getenv("EMU_IMAGE_PATH");
        if (env != null) {
            for (String d : env.split(":")) {
                if (!d.isEmpty()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        Path home = EmuHome.find();
        if (home != null) {
            dirs.add(home.resolve("userspace-images/build"));
        }
        return new ImageLookup(dirs);
    }

    public List<Path> searchPath() {
        return searchPath;
    }

    @Override
    public Path resolve(String name) {
        Path direct = Path.of(name);
        if (name.contains("/") || Files.exists(direct)) {
            return Files.exists(direct) ? direct : null;
        }
        for (Path dir : searchPath) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}

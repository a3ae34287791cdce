package dev.emu.emulator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.emu.emulator.profile.FoldedStacks;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * `emu run --profile` (issue 16) on userspace-images/profile/hot.c, where main -> work -> hot
 * burns most cycles: the widest stack of the folded output ends in hot with its callers, with
 * frame pointers, without them (static musl: .eh_frame indexed from the file; dynamic glibc:
 * .eh_frame_hdr of the executable, libc and ld.so), the same on every run, and the SVG renders
 * in headless Chromium with the frames' names.
 */
@Tag("integration")
class ProfileTest {
    private static final String ROUNDS = "40";

    static Path image(String name) {
        Path p = DifferentialTest.imagesDir().resolve("profile").resolve(name);
        assertThat(p).as("image %s missing: run `make -C userspace-images`", p).isRegularFile();
        return p;
    }

    /** The folded stacks of one profiled run, after checking the guest ran as it does unprofiled. */
    static Map<String, Long> profile(Path tmp, String name, String... options) throws Exception {
        Path out = tmp.resolve(name + ".folded");
        String[] args = new String[options.length + 5];
        args[0] = "run";
        System.arraycopy(options, 0, args, 1, options.length);
        args[options.length + 1] = "--profile-out";
        args[options.length + 2] = out.toString();
        args[options.length + 3] = image(name).toString();
        args[options.length + 4] = ROUNDS;
        EmuCli.Result r = EmuCli.run(tmp, args);
        assertThat(r.status()).as("status; stderr: %s", r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("hot: 40 rounds, checksum " + checksum() + "\n");
        assertThat(r.stderr()).contains("emu: profile: ").contains(out.toString());
        assertThat(tmp.resolve(name + ".folded.svg")).isRegularFile();
        return FoldedStacks.parse(Files.readString(out));
    }

    private static String checksum() {
        long s = 1;
        for (int r = 0; r < 40; r++) {
            long x = s;
            for (int i = 0; i < 200000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
                x ^= x >>> 13;
            }
            s = x;
            for (int i = 0; i < 20000; i++) {
                s += (s << 7) ^ i;
            }
        }
        return Long.toUnsignedString(Long.remainderUnsigned(s, 1000003));
    }

    static Map.Entry<String, Long> widest(Map<String, Long> stacks) {
        return stacks.entrySet().stream().max(Comparator.comparingLong(Map.Entry::getValue)).orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hot_fp", "hot_nofp", "hot_glibc"})
    void theHotFunctionIsOnTopOfTheWidestStack(String name, @TempDir Path tmp) throws Exception {
        Map<String, Long> stacks = profile(tmp, name);
        long total = stacks.values().stream().mapToLong(Long::longValue).sum();
        Map.Entry<String, Long> widest = widest(stacks);
        assertThat(widest.getKey()).as("the widest stack").startsWith(name + ";").endsWith(";main;work;hot");
        assertThat(widest.getValue()).as("hot's share of %d samples", total).isGreaterThan(total * 7 / 10);
        assertThat(stacks).as("warm, called by work").containsKey(widest.getKey().replace(";hot", ";warm"));
        assertThat(total).as("samples at 999 Hz of virtual time").isGreaterThan(50);
    }

    @Test
    void framePointersOnlyMissTheCallerOfALeafAsLinuxDoes(@TempDir Path tmp) throws Exception {
        // gcc omits the frame of a leaf function even with -fno-omit-frame-pointer (Debian's
        // -momit-leaf-frame-pointer): a frame-pointer walk from hot finds main, not work.
        Map<String, Long> stacks = profile(tmp, "hot_fp", "--profile-unwind=fp");
        assertThat(widest(stacks).getKey()).endsWith(";main;hot");
    }

    @Test
    void theProfileIsTheSameOnEveryRun(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectory(tmp.resolve("a")), b = Files.createDirectory(tmp.resolve("b"));
        Map<String, Long> first = profile(a, "hot_glibc", "--profile=1999");
        Map<String, Long> second = profile(b, "hot_glibc", "--profile=1999");
        assertThat(second).isEqualTo(first);
        assertThat(Files.readString(b.resolve("hot_glibc.folded"))).isEqualTo(Files.readString(a.resolve("hot_glibc.folded")));
        assertThat(Files.readString(b.resolve("hot_glibc.folded.svg")).replace(b.toString(), ""))
                .isEqualTo(Files.readString(a.resolve("hot_glibc.folded.svg")).replace(a.toString(), ""));
    }

    @Test
    void badProfileOptionsAreUsageErrors(@TempDir Path tmp) throws Exception {
        EmuCli.Result r = EmuCli.run(tmp, "run", "--profile=0", image("hot_fp").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.stderr()).contains("--profile=HZ");
        r = EmuCli.run(tmp, "run", "--profile", "--profile-unwind=dwarf", image("hot_fp").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.stderr()).contains("--profile-unwind");
        r = EmuCli.run(tmp, "run", "--profile-out", tmp.resolve("missing/p.folded").toString(), image("hot_fp").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.stderr()).contains("--profile-out: cannot write in " + tmp.resolve("missing"));
    }

    /** Headless Chromium (a Debian package, scripts/lib/deps.sh) renders the SVG: the DOM has the frames, the picture has them in colour. */
    @Test
    void theFlameGraphRendersInHeadlessChromium(@TempDir Path tmp) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isExecutable(chromium), "chromium is not installed (apt-get install chromium)");
        profile(tmp, "hot_nofp");
        Path svg = tmp.resolve("hot_nofp.folded.svg");

        String dom = chromium(tmp, chromium.toString(), "--dump-dom", svg.toUri().toString());
        assertThat(dom).contains("<svg").contains("<title>hot (").contains("<title>work (").contains("<title>main (")
                .contains(">hot</text>").contains(">work</text>");

        Path png = tmp.resolve("shot.png");
        chromium(tmp, chromium.toString(), "--screenshot=" + png, "--window-size=1200,400", svg.toUri().toString());
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("screenshot").isNotNull();
        // The top frame row (hot) sits above work, main and the others; its colour is warm, not the grey background.
        String text = Files.readString(svg);
        int at = text.indexOf("<title>hot (");
        String rect = text.substring(text.indexOf("<rect", at), text.indexOf("/>", text.indexOf("<rect", at)));
        double y = Double.parseDouble(rect.replaceAll(".* y=\"([0-9.]+)\".*", "$1"));
        int rgb = img.getRGB(40, (int) y + 6);
        int red = rgb >> 16 & 0xff, green = rgb >> 8 & 0xff, blue = rgb & 0xff;
        assertThat(red).as("red of the hot frame's pixel rgb(%d,%d,%d)", red, green, blue).isGreaterThanOrEqualTo(200);
        assertThat(blue).as("blue of the hot frame's pixel").isLessThan(100);
    }

    private static String chromium(Path tmp, String... cmd) throws IOException, InterruptedException {
        java.util.List<String> full = new java.util.ArrayList<>(java.util.List.of(cmd[0], "--headless", "--disable-gpu",
                "--no-sandbox", "--user-data-dir=" + tmp.resolve("chromium-profile")));
        full.addAll(java.util.List.of(cmd).subList(1, cmd.length));
        Process p = new ProcessBuilder(full).redirectError(tmp.resolve("chromium.err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        return out;
    }
}

package dev.emu.emulator.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The folded-stack and SVG writers. */
class FlameGraphTest {
    private static final Map<String, Long> STACKS = new TreeMap<>(Map.of(
            "prog;main;work;hot", 90L,
            "prog;main;work;warm", 9L,
            "prog;main;<init> & \"setup\"", 1L));

    @Test
    void foldedTextRoundTrips() {
        String text = FoldedStacks.format(STACKS);
        assertThat(text).isEqualTo("prog;main;<init> & \"setup\" 1\nprog;main;work;hot 90\nprog;main;work;warm 9\n");
        assertThat(FoldedStacks.parse(text)).isEqualTo(STACKS);
        assertThat(FoldedStacks.parse("a;b 1\na;b 2\n")).containsExactly(Map.entry("a;b", 3L));
        assertThatThrownBy(() -> FoldedStacks.parse("a;b x\n")).hasMessageContaining("line 1");
    }

    @Test
    void theSvgIsWellFormedAndEachFrameIsAsWideAsItsSamples() throws Exception {
        String svg = FlameGraph.svg(STACKS, "title <x>");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(svg).doesNotContain("href=").doesNotContain("http://www.w3.org/1999/xlink").contains("<script");
        Map<String, double[]> frames = new LinkedHashMap<>(); // title → x, y, width
        NodeList groups = doc.getElementsByTagName("g");
        for (int i = 0; i < groups.getLength(); i++) {
            Element g = (Element) groups.item(i);
            if (!"frame".equals(g.getAttribute("class"))) {
                continue;
            }
            Element rect = (Element) g.getElementsByTagName("rect").item(0);
            String title = g.getElementsByTagName("title").item(0).getTextContent();
            frames.put(title, new double[] {Double.parseDouble(rect.getAttribute("x")),
                Double.parseDouble(rect.getAttribute("y")), Double.parseDouble(rect.getAttribute("width"))});
        }
        assertThat(frames.keySet()).containsExactly("all (100 samples, 100.00%)", "prog (100 samples, 100.00%)",
                "main (100 samples, 100.00%)", "<init> & \"setup\" (1 sample, 1.00%)", "work (99 samples, 99.00%)",
                "hot (90 samples, 90.00%)", "warm (9 samples, 9.00%)");
        double[] all = frames.get("all (100 samples, 100.00%)"), hot = frames.get("hot (90 samples, 90.00%)"),
                work = frames.get("work (99 samples, 99.00%)"), warm = frames.get("warm (9 samples, 9.00%)");
        assertThat(hot[2] / all[2]).isCloseTo(0.90, org.assertj.core.data.Offset.offset(0.002));
        assertThat(hot[1]).as("callees above their callers").isLessThan(work[1]);
        assertThat(warm[0]).as("siblings side by side").isCloseTo(hot[0] + hot[2], org.assertj.core.data.Offset.offset(0.2));
        assertThat(svg).contains(">title &lt;x&gt;</text>");
    }

    @Test
    void labelsAreCutToTheirFrameAndColoursFollowTheName() {
        assertThat(FlameGraph.label("hot", 100)).isEqualTo("hot");
        assertThat(FlameGraph.label("a_very_long_function_name", 60)).endsWith("..").hasSizeLessThan(9);
        assertThat(FlameGraph.label("x", 10)).isEmpty();
        assertThat(FlameGraph.colour("hot")).isEqualTo(FlameGraph.colour("hot")).isNotEqualTo(FlameGraph.colour("warm"));
        assertThat(FlameGraph.colour("main")).matches("rgb\\(2[0-5][0-9],[0-9]+,[0-9]+\\)");
    }

    @Test
    void framesNarrowerThanATenthOfAPixelAreLeftOut() {
        Map<String, Long> stacks = new TreeMap<>(Map.of("p;big", 1_000_000L, "p;tiny", 1L));
        String svg = FlameGraph.svg(stacks, "t");
        assertThat(svg).contains("<title>big (").doesNotContain("<title>tiny (");
        List<String> frames = new ArrayList<>(FlameGraph.frames(stacks));
        assertThat(frames).containsExactly("0 all 1000001", "1 p 1000001", "2 big 1000000", "2 tiny 1");
    }
}

package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Pipeline#preview} and {@link Pipeline#runTests()}, through the public API. */
class PreviewAndTestsTest {

    @TempDir
    Path dir;

    private static final String STEPS = "steps:\n"
            + "  - name: split\n    javascript: |\n      function transform(row) {\n"
            + "        if (row.name === 'boom') throw new Error('boom');\n"
            + "        if (row.name === 'gone') return null;\n"
            + "        if (row.name === 'twins') return [{name: 'a', status: row.status}, {name: 'b', status: row.status}];\n"
            + "        row.name = row.name.toUpperCase();\n        return row;\n      }\n"
            + "  - name: keep\n    filter: \"row.status !== 'cancelled'\"\n";

    private Pipeline load(String yaml) throws Exception {
        Path p = dir.resolve("p.yaml");
        Files.writeString(p, yaml);
        return Pipeline.of(Pipeline.loadSpec(p, Map.of(), Map.of()));
    }

    private static ByteArrayInputStream csv(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void previewShowsEachStepsRowsDropsAndErrors() throws Exception {
        Pipeline p = load(STEPS);
        Preview preview = p.preview(csv("name,status\nann,paid\nboom,paid\ngone,paid\nbob,cancelled\n\"open,paid\nx,y,z\ntwins,paid\nlast,paid\n"),
                "in.csv", 7);
        // 7 records read: the unclosed quote sets aside one line, and x,y,z has a field too many
        assertThat(preview.input()).extracting(r -> r.get("name")).containsExactly("ann", "boom", "gone", "bob", "twins");
        assertThat(preview.unreadable()).hasSize(2).allSatisfy(d -> assertThat(d.step()).isEqualTo("source"));
        assertThat(preview.unreadable().get(0).raw()).isEqualTo("\"open,paid");
        assertThat(preview.stages()).hasSize(2);

        Preview.Stage split = preview.stages().get(0);
        assertThat(split.kind()).isEqualTo("javascript");
        assertThat(split.rows()).extracting(r -> r.get("name")).containsExactly("ANN", "BOB", "a", "b");
        assertThat(split.dropped()).extracting(r -> r.get("name")).containsExactly("gone");
        assertThat(split.errors()).singleElement().satisfies(d -> {
            assertThat(d.rowNumber()).isEqualTo(2);
            assertThat(d.line()).isEqualTo(3);
            assertThat(d.error()).contains("Error: boom");
        });

        Preview.Stage keep = preview.stages().get(1);
        assertThat(keep.kind()).isEqualTo("filter");
        assertThat(keep.rows()).extracting(r -> r.get("name")).containsExactly("ANN", "a", "b");
        assertThat(keep.dropped()).as("as the filter got it").extracting(r -> r.get("name")).containsExactly("BOB");
        assertThat(keep.errors()).isEmpty();
        assertThat(preview.output()).isEqualTo(keep.rows());
    }

    @Test
    void previewReadsOnlyTheRecordsAsked() throws Exception {
        StringBuilder big = new StringBuilder("name,status\n");
        for (int i = 0; i < 100_000; i++) {
            big.append("n").append(i).append(",paid\n");
        }
        Preview preview = load(STEPS).preview(csv(big.toString()), "big.csv", 3);
        assertThat(preview.input()).hasSize(3);
        assertThat(preview.output()).extracting(r -> r.get("name")).containsExactly("N0", "N1", "N2");
    }

    @Test
    void previewOfAPipelineWithoutStepsShowsTheInput() throws Exception {
        Preview preview = load("steps: []\nsink:\n  columns: [status]\n").preview(csv("name,status\nann,paid\n"), "in.csv", 10);
        assertThat(preview.stages()).isEmpty();
        assertThat(preview.output()).hasSize(1);
    }

    @Test
    void testsPassFailAndExplain() throws Exception {
        Pipeline p = load(STEPS + "errors:\n  onError: dead-letter\nsink:\n  http:\n    url: http://127.0.0.1:9/never-called\n"
                + "tests:\n"
                + "  - name: passes\n    input: |\n      name,status\n      ann,paid\n      bob,cancelled\n"
                + "    expect: \"name,status\\r\\nANN,paid\\r\\n\\n\"\n"
                + "  - name: fails\n    input: |\n      name,status\n      ann,paid\n      boom,paid\n"
                + "    expect: |\n      name,status\n      ann,paid\n");
        List<TestResult> results = p.runTests();
        assertThat(results).extracting(TestResult::name).containsExactly("passes", "fails");
        assertThat(results.get(0).passed()).as("line endings and final newlines aside").isTrue();
        assertThat(results.get(0).diff()).isEmpty();
        TestResult failed = results.get(1);
        assertThat(failed.passed()).isFalse();
        assertThat(failed.actual()).isEqualTo("name,status\nANN,paid\n");
        assertThat(failed.diff()).containsExactly("  name,status", "- ann,paid", "+ ANN,paid");
        assertThat(failed.summary().rowsFailed()).isEqualTo(1);
        assertThat(failed.deadLetters()).contains("boom,paid,2,3,split,");
    }

    @Test
    void aTestWhoseRunFailsSaysWhy() throws Exception {
        Pipeline p = load(STEPS + "tests:\n  - name: strict\n    input: |\n      name,status\n      boom,paid\n"
                + "    expect: |\n      name,status\n");
        TestResult r = p.runTests().get(0);
        assertThat(r.passed()).isFalse();
        assertThat(r.summary().error()).get().extracting(Throwable::getMessage).asString().contains("Error: boom");
    }

    @Test
    void diffIsALineDiff() {
        assertThat(TestResult.diff(List.of("a", "b", "c"), List.of("a", "x", "c", "d")))
                .containsExactly("  a", "- b", "+ x", "  c", "+ d");
    }
}

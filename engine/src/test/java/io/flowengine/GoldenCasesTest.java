package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every case under {@code src/test/resources/cases}. A case is a folder with
 * {@code pipeline.yaml}, {@code input.csv} and the expected results: {@code expected.csv} (byte
 * for byte), {@code expected-dead-letters.csv}, {@code expected-summary.properties} (counts),
 * or {@code expected-error.txt} (a run that must fail with this text in its message and leave no
 * output). Optional: {@code env.properties} (environment), {@code set.properties} (--set),
 * {@code existing-output.csv} (an output file already there before the run).
 */
class GoldenCasesTest {

    static final Path CASES = Path.of("src/test/resources/cases");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(CASES)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void goldenCase(String name, @TempDir Path tmp) throws IOException {
        run(name, tmp, false);
    }

    /** Every case again with every step on GraalJS: compiled steps must give the same results. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void goldenCaseOnGraalJs(String name, @TempDir Path tmp) throws IOException {
        run(name, tmp, true);
    }

    private void run(String name, Path tmp, boolean graaljs) throws IOException {
        Path dir = CASES.resolve(name);
        Map<String, String> env = properties(dir.resolve("env.properties"));
        Map<String, String> sets = properties(dir.resolve("set.properties"));
        Path out = tmp.resolve("out.csv");
        Path dl = tmp.resolve("dead-letters.csv");
        Path existing = dir.resolve("existing-output.csv");
        if (Files.exists(existing)) {
            Files.copy(existing, out);
        }
        PipelineSpec spec = Pipeline.loadSpec(dir.resolve("pipeline.yaml"), sets, env);
        if (graaljs) {
            spec = spec.withExecution(spec.execution().withJavaScript(PipelineSpec.JavaScriptMode.GRAALJS));
        }
        Pipeline pipeline = Pipeline.of(spec);
        Path runtimes = dir.resolve("expected-runtimes.txt");
        if (!graaljs && Files.exists(runtimes)) {
            // how each step runs: "name: compiled" or "name: graaljs", one a line
            assertThat(pipeline.stepRuntimes().stream().map(r -> r.step() + ": " + r.runtime()).toList())
                    .as("step runtimes").isEqualTo(Files.readAllLines(runtimes).stream().filter(l -> !l.isBlank()).toList());
        }
        RunRequest request = RunRequest.create().output(out).deadLetter(dl);
        if (Files.exists(dir.resolve("input.csv"))) {
            request = request.input(dir.resolve("input.csv"));
        }
        RunSummary summary = pipeline.run(request).block();

        assertThat(summary).isNotNull();
        assertThat(summary.rowsIn()).as("accounting").isEqualTo(summary.rowsOut() + summary.rowsFiltered() + summary.rowsFailed());
        Path expectedError = dir.resolve("expected-error.txt");
        if (Files.exists(expectedError)) {
            assertThat(summary.succeeded()).as("run should fail").isFalse();
            assertThat(summary.error().orElseThrow().getMessage()).contains(Files.readString(expectedError).strip());
            if (Files.exists(existing)) {
                assertThat(out).as("output untouched").hasSameBinaryContentAs(existing);
            } else {
                assertThat(out).as("no output on failure").doesNotExist();
            }
        } else {
            assertThat(summary.error()).as("run error").isEmpty();
            assertThat(summary.succeeded()).isTrue();
            assertThat(Files.readString(out, StandardCharsets.ISO_8859_1))
                    .isEqualTo(Files.readString(dir.resolve("expected.csv"), StandardCharsets.ISO_8859_1));
        }
        Path expectedDl = dir.resolve("expected-dead-letters.csv");
        if (Files.exists(expectedDl)) {
            assertThat(Files.readString(dl)).isEqualTo(Files.readString(expectedDl));
        }
        Map<String, String> counts = properties(dir.resolve("expected-summary.properties"));
        counts.forEach((k, v) -> assertThat(String.valueOf(switch (k) {
            case "rowsIn" -> summary.rowsIn();
            case "rowsOut" -> summary.rowsOut();
            case "rowsFiltered" -> summary.rowsFiltered();
            case "rowsFailed" -> summary.rowsFailed();
            case "rowsWritten" -> summary.rowsWritten();
            default -> throw new IllegalArgumentException("unknown count " + k);
        })).as(k).isEqualTo(v));
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no temporary files left").noneMatch(f -> f.endsWith(".tmp"));
        }
    }

    private static Map<String, String> properties(Path file) throws IOException {
        Map<String, String> map = new HashMap<>();
        if (Files.exists(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            p.forEach((k, v) -> map.put((String) k, (String) v));
        }
        return map;
    }
}

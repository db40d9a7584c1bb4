package io.flowengine.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.Pipeline;
import io.flowengine.PipelineSpec;
import io.flowengine.RunRequest;
import io.flowengine.RunSummary;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine's golden cases ({@code engine/src/test/resources/cases}) on a MiniCluster at
 * parallelism 2, against {@code flowengine run} on the same files: the same multiset of rows
 * (each part file with the header), the same dead letters, the same counts; a case that fails on
 * the CLI fails on Flink with the same error.
 */
class GoldenCasesOnFlinkTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = FlinkTesting.cluster();

    static final Path CASES = Path.of("../engine/src/test/resources/cases");

    /** Cases that do not apply on Flink, and why. */
    static final Map<String, String> NOT_ON_FLINK = Map.of(
            "mode-create-new-file", "sink.mode: a Flink output is a new or empty folder of part files",
            "mode-create-refuses-existing", "sink.mode: a Flink output is a new or empty folder of part files",
            "mode-replace", "sink.mode: a Flink output is a new or empty folder of part files",
            "ndjson-output", "sink.format ndjson: not on Flink yet (validate says so)",
            "json-output", "sink.format json: not on Flink yet (validate says so)",
            "json-output-no-rows", "sink.format json: not on Flink yet (validate says so)",
            "ndjson-input-pad", "sink.format ndjson: not on Flink yet (validate says so)",
            "max-errors-exceeded", "errors.maxErrors counts per subtask on Flink (validate says so): 2 failures over 2"
                    + " subtasks need not exceed 1 in either");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(CASES)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !NOT_ON_FLINK.containsKey(n)).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameRowsDeadLettersAndCountsAsTheCli(String name, @TempDir Path tmp) throws Exception {
        Path dir = CASES.resolve(name);
        Map<String, String> env = properties(dir.resolve("env.properties"));
        Map<String, String> sets = properties(dir.resolve("set.properties"));
        Path input = dir.resolve("input.csv");

        Path cliOut = tmp.resolve("cli.csv");
        Path cliDl = tmp.resolve("cli-dead-letters.csv");
        PipelineSpec spec = Pipeline.loadSpec(dir.resolve("pipeline.yaml"), sets, env);
        RunSummary cli = Pipeline.of(spec).run(RunRequest.create().input(input).output(cliOut).deadLetter(cliDl)).block();

        Path out = tmp.resolve("out");
        Path dl = tmp.resolve("dead-letters");
        FlinkJob.Job job;
        try {
            job = FlinkJob.prepare(new FlinkJob.Request(dir.resolve("pipeline.yaml"), List.of(input.toString()),
                    Optional.of(out.toString()), Optional.of(dl.toString()), sets, Optional.of(2)), env);
        } catch (io.flowengine.FlowEngineException e) {
            // refused before the job starts (a header the client reads): the CLI must fail the same way
            assertThat(cli.succeeded()).as("the CLI run succeeded, the Flink job was refused: " + e.getMessage()).isFalse();
            assertThat(e.getMessage()).isEqualTo(cli.error().orElseThrow().getMessage());
            return;
        }
        RunSummary flink = FlinkJob.run(StreamExecutionEnvironment.getExecutionEnvironment(), job);

        assertThat(flink.status()).as("status; Flink error: " + flink.error().map(Throwable::getMessage).orElse("none"))
                .isEqualTo(cli.status());
        if (!cli.succeeded()) {
            assertThat(flink.error().orElseThrow().getMessage()).contains(cli.error().orElseThrow().getMessage()
                    .replaceFirst("\\. The output was not written.*", ""));
            return;
        }
        assertThat(List.of(flink.rowsIn(), flink.rowsOut(), flink.rowsFiltered(), flink.rowsFailed(), flink.rowsWritten()))
                .as("in, out, filtered, failed, written")
                .isEqualTo(List.of(cli.rowsIn(), cli.rowsOut(), cli.rowsFiltered(), cli.rowsFailed(), cli.rowsWritten()));
        Charset charset = spec.sink().csv().encoding();
        char delimiter = spec.sink().csv().delimiter();
        List<List<String>> expected = FlinkTesting.records(cliOut, charset, delimiter);
        if (expected.isEmpty()) {
            assertThat(FlinkTesting.parts(out)).as("no rows, no part files").isEmpty();
        } else {
            assertThat(FlinkTesting.rowsOfParts(out, expected.get(0), charset, delimiter))
                    .isEqualTo(FlinkTesting.multiset(expected.subList(1, expected.size())));
        }
        if (Files.exists(cliDl) && FlinkTesting.records(cliDl, StandardCharsets.UTF_8, ',').size() > 1) {
            List<List<String>> dead = FlinkTesting.records(cliDl, StandardCharsets.UTF_8, ',');
            assertThat(FlinkTesting.rowsOfParts(dl, dead.get(0), StandardCharsets.UTF_8, ','))
                    .isEqualTo(FlinkTesting.multiset(dead.subList(1, dead.size())));
        } else {
            assertThat(FlinkTesting.parts(dl)).as("no dead letters").isEmpty();
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

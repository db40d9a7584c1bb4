package io.flowengine.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged launcher, {@code flink/target/flowengine-flink}, with its embedded local Flink. */
class LauncherIT {

    static final Path TARGET = Path.of(System.getProperty("flowengine.flink.target", "target")).toAbsolutePath();

    record Result(int code, String err) {
    }

    static Result launch(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(TARGET.resolve("flowengine-flink").toString()));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("launcher-" + System.nanoTime() + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the launcher did not end within 180 s: " + Files.readString(log));
        }
        return new Result(p.exitValue(), Files.readString(log));
    }

    @Test
    void runsAPipelineInALocalFlinkWithTheClisRowsSummaryLineAndSummaryFile(@TempDir Path tmp) throws Exception {
        OrdersData data = OrdersData.make(tmp, 10_000);
        Path out = tmp.resolve("out");
        Path summary = tmp.resolve("summary.json");
        Result r = launch(tmp, "run", OrdersData.PIPELINE.toString(), "-i", data.input.toString(), "-o", out.toString(),
                "-p", "2", "--summary", summary.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("flowengine-flink: note: execution.ordered cannot hold across 2 parallel subtasks",
                "flowengine-flink: succeeded in");
        assertThat(FlinkTesting.rowsOfParts(out, data.header(), StandardCharsets.UTF_8, ',')).isEqualTo(data.rows());
        // the dead letters' default folder: beside the output
        assertThat(FlinkTesting.rowsOfParts(tmp.resolve("out.dead-letters"), data.deadLetterHeader(), StandardCharsets.UTF_8, ','))
                .isEqualTo(data.deadLetters());
        assertThat(Files.readString(summary)).contains("\"rowsIn\":" + data.cli.rowsIn(), "\"rowsOut\":" + data.cli.rowsOut());
        // Flink's own INFO lines stay out of the user's way
        assertThat(r.err()).doesNotContain("INFO");
    }

    /** The command docs/flink.md shows, run as it is written (from the repository's root), with OUT in a temporary folder. */
    @Test
    void theDocsExampleRuns(@TempDir Path tmp) throws Exception {
        Path root = Path.of(System.getProperty("flowengine.examples", "../docs/examples")).toAbsolutePath().getParent().getParent();
        List<String> doc = Files.readAllLines(root.resolve("docs/flink.md"));
        int marker = doc.indexOf("<!-- run by LauncherIT.theDocsExampleRuns, with OUT in a temporary folder -->");
        assertThat(marker).as("the marked example in docs/flink.md").isPositive();
        String command = doc.get(marker + 2);
        assertThat(command).startsWith("flink/target/flowengine-flink run ");
        List<String> args = new ArrayList<>();
        for (String word : command.substring("flink/target/flowengine-flink ".length()).split(" ")) {
            args.add(word.equals("OUT") ? tmp.resolve("out").toString()
                    : word.startsWith("docs/") ? root.resolve(word).toString() : word);
        }
        Result r = launch(tmp, args.toArray(String[]::new));

        assertThat(r.code()).as(r.err()).isZero();
        // the output the docs show under the command
        assertThat(r.err()).contains(doc.get(marker + 6).replaceFirst(": \\.\\.\\.$", ""))
                .containsPattern(doc.get(marker + 7).replaceFirst("in [0-9.]+ s", "in [0-9.]+ s"));
        assertThat(FlinkTesting.rowsOfParts(tmp.resolve("out"), List.of("id", "name", "total", "currency"), StandardCharsets.UTF_8, ','))
                .hasSize(3);
    }

    @Test
    void aFolderAndAGlobReadEveryMatchingFileAsOneInput(@TempDir Path tmp) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(in.resolve("a.csv"), "id,name,amount,quantity,status\n1,ann,1,1,paid\n");
        Files.writeString(in.resolve("b.csv"), "id,name,amount,quantity,status\n2,bo,2,2,paid\n3,cy,x,1,paid\n");
        Files.writeString(in.resolve("notes.txt"), "not CSV\n");
        Result r = launch(tmp, "run", OrdersData.PIPELINE.toString(), "-i", in + "/*.csv", "-o", tmp.resolve("out").toString(),
                "-p", "2", "-q");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(FlinkTesting.rowsOfParts(tmp.resolve("out"), List.of("id", "name", "total", "currency"), StandardCharsets.UTF_8, ','))
                .isEqualTo(FlinkTesting.multiset(List.of(List.of("1", "ANN", "1.00", "EUR"), List.of("2", "BO", "4.00", "EUR"))));
        assertThat(FlinkTesting.rowsOfParts(tmp.resolve("out.dead-letters"),
                List.of("id", "name", "amount", "quantity", "status", "_row", "_line", "_step", "_error", "_raw", "_file"),
                StandardCharsets.UTF_8, ','))
                // _file: the file as the glob found it, without Flink's file: scheme (as the CLI names it)
                .containsOnlyKeys(List.of("3", "cy", "x", "1", "paid", "2", "3", "enrich",
                        "orders.yaml:13:17: Error: amount is not a number: 'x'", "", in.resolve("b.csv").toString()));
    }

    @Test
    void aFileWithAnotherHeaderIsAClearErrorNamingBothFiles(@TempDir Path tmp) throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(in.resolve("a.csv"), "id,name,amount,quantity,status\n1,ann,1,1,paid\n");
        Files.writeString(in.resolve("b.csv"), "id,name,price,quantity,status\n2,bo,2,2,paid\n");
        Result r = launch(tmp, "run", OrdersData.PIPELINE.toString(), "-i", in.toString(), "-o", tmp.resolve("out").toString(), "-q");

        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("b.csv: the header [id, name, price, quantity, status] differs from the first input file's"
                + " [id, name, amount, quantity, status]");
    }

    @Test
    void validateSaysWhatFlinkDoesNotDoAndWhatMeansSomethingElseThere(@TempDir Path tmp) throws Exception {
        Path http = tmp.resolve("http.yaml");
        Files.writeString(http, "sink:\n  http:\n    url: http://localhost:1/rows\n");
        Result bad = launch(tmp, "validate", http.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("sink.http is not supported on Flink");

        Result ok = launch(tmp, "validate", OrdersData.PIPELINE.toString(), "-p", "4");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.err()).contains("valid for Flink (2 steps)", "note: execution.ordered cannot hold across 4 parallel subtasks");

        Result used = launch(tmp, "run", OrdersData.PIPELINE.toString(), "-i", tmp.resolve("missing.csv").toString(),
                "-o", tmp.resolve("o").toString());
        assertThat(used.code()).isEqualTo(2);
        assertThat(used.err()).contains("the input " + tmp.resolve("missing.csv") + " does not exist");
    }

    @Test
    void aNonEmptyOutputFolderIsRefusedBeforeTheJobStarts(@TempDir Path tmp) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("part-old.csv"), "x\n");
        Result r = launch(tmp, "run", OrdersData.PIPELINE.toString(), "-i", OrdersData.PIPELINE.resolveSibling("orders.csv").toString(),
                "-o", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("the output folder " + out + " is not empty");
        assertThat(Files.readString(out.resolve("part-old.csv"))).isEqualTo("x\n");
    }
}

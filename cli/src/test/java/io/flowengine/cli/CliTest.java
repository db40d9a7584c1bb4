package io.flowengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI through its entry point: in-process with captured streams, and as a real process. */
class CliTest {

    @TempDir
    Path dir;
    Path pipeline;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void writePipeline() throws IOException {
        pipeline = dir.resolve("p.yaml");
        Files.writeString(pipeline, "steps:\n  - name: upper\n    javascript: |\n      function transform(row) {\n"
                + "        if (row.name === 'boom') throw new Error('boom');\n        row.name = row.name.toUpperCase();\n        return row;\n      }\n"
                + "  - name: keep\n    filter: \"row.status !== 'cancelled'\"\n");
    }

    private int cli(String stdin, String... args) {
        Main.Terminal t = new Main.Terminal(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true), new PrintStream(err, true), Map.of(), false);
        return Main.execute(t, args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runsStdinToStdoutWithOnlyCsvOnStdout() {
        int code = cli("name,status\nann,paid\nbob,cancelled\n", "run", pipeline.toString());
        assertThat(code).isZero();
        assertThat(stdout()).isEqualTo("name,status\nANN,paid\n");
        assertThat(stderr()).startsWith("flowengine: succeeded in ").contains("2 rows in, 1 out, 1 filtered, 0 failed");
    }

    @Test
    void metricsArePrintedAtTheEnd() {
        assertThat(cli("name,status\nann,paid\nbob,cancelled\nboom,paid\n", "run", pipeline.toString(), "--metrics", "-q"))
                .isEqualTo(1);
        assertThat(stderr()).contains("flowengine_rows_failed_total{pipeline=\"p\",step=\"upper\"} 1")
                .contains("flowengine_runs_total{pipeline=\"p\",status=\"failed\"} 1")
                .contains("flowengine_rows_in_total{pipeline=\"p\"} 3");
    }

    @Test
    void quietPrintsNothingOnSuccess() {
        assertThat(cli("name,status\nann,paid\n", "run", pipeline.toString(), "--quiet")).isZero();
        assertThat(stderr()).isEmpty();
    }

    @Test
    void filesAndSummaryJson() throws IOException {
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "name,status\nann,paid\nboom,paid\n");
        Path summary = dir.resolve("summary.json");
        Files.writeString(pipeline, Files.readString(pipeline) + "errors:\n  onError: dead-letter\n");
        int code = cli("", "run", pipeline.toString(), "-i", in.toString(), "-o", dir.resolve("out.csv").toString(),
                "--summary", summary.toString());
        assertThat(code).isZero();
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo("name,status\nANN,paid\n");
        assertThat(Files.readString(dir.resolve("out.dead-letters.csv")))
                .isEqualTo("name,status,_row,_line,_step,_error,_raw\nboom,paid,2,3,upper,p.yaml:5:40: Error: boom,\n");
        assertThat(Files.readString(summary)).matches("\\{\"status\":\"succeeded\",\"rowsIn\":2,\"rowsOut\":1,\"rowsFiltered\":0,"
                + "\"rowsFailed\":1,\"rowsWritten\":1,\"durationMs\":\\d+,"
                + "\"steps\":\\[\\{\"name\":\"upper\",\"runtime\":\"compiled\"},\\{\"name\":\"keep\",\"runtime\":\"compiled\"}]}\n");
    }

    @Test
    void failedRunExitsOneAndLeavesNoOutput() throws IOException {
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "name,status\nboom,paid\n");
        Path summary = dir.resolve("s.json");
        int code = cli("", "run", pipeline.toString(), "-i", in.toString(), "-o", dir.resolve("out.csv").toString(),
                "--summary", summary.toString());
        assertThat(code).isEqualTo(1);
        assertThat(stderr()).contains("flowengine: run failed: p.yaml:5:40: Error: boom (record 1, line 2, step 'upper').");
        assertThat(dir.resolve("out.csv")).doesNotExist();
        assertThat(Files.readString(summary)).startsWith("{\"status\":\"failed\"");
    }

    @Test
    void malformedInputAndARunawayScriptDoNotStopARun() throws IOException {
        Files.writeString(pipeline, "execution:\n  scriptTimeout: 300ms\nerrors:\n  onError: dead-letter\nsteps:\n  - name: t\n"
                + "    javascript: \"function transform(row) { if (row.name === 'loop') { while (true) {} } return row; }\"\n");
        Path in = dir.resolve("in.csv");
        Files.write(in, "name,status\nann,paid\n\"open,paid\nloop,paid\nbob,pa\u00ffid\nx\"y,paid\ncat,paid\n".getBytes(StandardCharsets.ISO_8859_1));
        int code = cli("", "run", pipeline.toString(), "-i", in.toString(), "-o", dir.resolve("out.csv").toString());
        assertThat(code).isZero();
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo("name,status\nann,paid\ncat,paid\n");
        List<String> dead = Files.readAllLines(dir.resolve("out.dead-letters.csv"));
        assertThat(dead).hasSize(5);
        assertThat(dead.get(1)).startsWith(",,2,3,source,\"malformed CSV: unclosed quote");
        assertThat(dead.get(2)).startsWith("loop,paid,3,4,t,the script ran longer than 300 ms");
        assertThat(dead.get(3)).contains("not valid in the input's encoding");
        assertThat(dead.get(4)).contains("is not quoted but holds a quote");
        assertThat(stderr()).contains("6 rows in, 2 out, 0 filtered, 4 failed");
    }

    @Test
    void missingInputFileExitsOne() {
        assertThat(cli("", "run", pipeline.toString(), "-i", dir.resolve("nope.csv").toString(), "-o", "-")).isEqualTo(1);
        assertThat(stderr()).contains("the input file " + dir.resolve("nope.csv") + " does not exist");
    }

    @Test
    void validateReportsSyntaxErrorAndUnknownKeyWithPositions() throws IOException {
        Files.writeString(pipeline, "steps:\n  - name: a\n    javascript: |\n      function transform(row) {\n        return row.;\n      }\n"
                + "sink:\n  colums: [a]\n");
        int code = cli("", "validate", pipeline.toString());
        assertThat(code).isEqualTo(2);
        assertThat(stderr()).contains(pipeline + ":5:20: step 'a': SyntaxError:")
                .contains(pipeline + ":8:3: unknown key 'sink.colums'. Did you mean 'columns'?")
                .contains("2 problems in " + pipeline);
    }

    @Test
    void validateAcceptsAGoodPipeline() throws IOException {
        assertThat(cli("", "validate", pipeline.toString())).isZero();
        assertThat(stderr()).isEqualTo(pipeline + ": valid (2 steps)\n"
                + "  step 'upper': compiled\n"
                + "  step 'keep': compiled\n");
        err.reset();
        Path regex = Files.writeString(dir.resolve("regex.yaml"), "steps:\n  - name: digits\n    filter: \"/^[0-9]+$/.test(row.id)\"\n"
                + "  - name: upper\n    javascript: 'function transform(row) { row.id = row.id.trim(); return row; }'\n");
        assertThat(cli("", "validate", regex.toString())).isZero();
        assertThat(stderr()).isEqualTo(regex + ": valid (2 steps)\n"
                + "  step 'digits': GraalJS (regex.yaml:3:14: a regular expression is not compiled)\n"
                + "  step 'upper': compiled\n");
    }

    @Test
    void runWithInvalidPipelineExitsTwo() throws IOException {
        Files.writeString(pipeline, "steps:\n  - name: a\n    filtr: x\n");
        assertThat(cli("", "run", pipeline.toString())).isEqualTo(2);
        assertThat(stderr()).contains("p.yaml:3:5: step 'a': unknown key 'filtr'. Did you mean 'filter'?");
    }

    @Test
    void parallelismOptionIsCheckedAndApplied() {
        assertThat(cli("name,status\na,paid\n", "run", pipeline.toString(), "--parallelism", "0")).isEqualTo(2);
        assertThat(stderr()).contains("--parallelism must be at least 1 and at most 256, not 0");
        StringBuilder in = new StringBuilder("name,status\n");
        for (int i = 0; i < 3000; i++) {
            in.append('r').append(i).append(",paid\n");
        }
        assertThat(cli(in.toString(), "run", pipeline.toString(), "--parallelism", "3", "-q")).isZero();
        assertThat(stdout().lines().skip(1)).hasSize(3000).startsWith("R0,paid").endsWith("R2999,paid");
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(cli("", "run")).isEqualTo(2);
        assertThat(cli("", "frobnicate")).isEqualTo(2);
    }

    @Test
    void setOverridesVars() throws IOException {
        Files.writeString(pipeline, "vars:\n  tag: a\nsteps:\n  - name: t\n    javascript: \"function transform(row, ctx) { row.tag = ctx.vars.tag; return row; }\"\n");
        assertThat(cli("x\n1\n", "run", pipeline.toString(), "--set", "tag=b", "-q")).isZero();
        assertThat(stdout()).isEqualTo("x,tag\n1,b\n");
    }

    @Test
    void previewPrintsTablesOnStdout() throws IOException {
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "name,status\nann,paid\nboom,paid\nbob,cancelled\n" + "x".repeat(40) + ",paid\n");
        assertThat(cli("", "preview", pipeline.toString(), "-i", in.toString(), "--rows", "3")).isZero();
        assertThat(stdout()).contains("input: 3 records from " + in + " (the first 3)")
                .contains("── step 1 of 2: upper (javascript, compiled) → 2 rows, 1 error")
                .contains("  #2 (line 3): p.yaml:5:")
                .contains("── step 2 of 2: keep (filter, compiled) → 1 row, 1 dropped")
                .contains("  #3 (line 4) name=BOB, status=cancelled")
                .doesNotContain("xxxx");
        assertThat(stderr()).isEmpty();
        out.reset();
        assertThat(cli("", "preview", pipeline.toString(), "-i", in.toString())).isZero();
        assertThat(stdout()).as("long values are cut").contains("x".repeat(23) + "…");
    }

    @Test
    void previewFromStdinAndItsUsageErrors() {
        assertThat(cli("name,status\nann,paid\n", "preview", pipeline.toString(), "-i", "-")).isZero();
        assertThat(stdout()).contains("input: 1 record from stdin (all of it)");
        assertThat(cli("", "preview", pipeline.toString())).isEqualTo(2);
        assertThat(stderr()).contains("preview needs an input: pass -i FILE");
        assertThat(cli("", "preview", pipeline.toString(), "-i", "-", "--rows", "0")).isEqualTo(2);
        assertThat(cli("", "preview", pipeline.toString(), "-i", dir.resolve("missing.csv").toString())).isEqualTo(1);
        assertThat(stderr()).contains("cannot read " + dir.resolve("missing.csv"));
    }

    @Test
    void testCommandExitCodes() throws IOException {
        assertThat(cli("", "test", pipeline.toString())).isEqualTo(2);
        assertThat(stderr()).contains("no tests. Add a tests: list");
        Files.writeString(pipeline, Files.readString(pipeline) + "tests:\n  - name: upper\n    input: |\n      name,status\n      ann,paid\n"
                + "    expect: |\n      name,status\n      ANN,paid\n");
        assertThat(cli("", "test", pipeline.toString())).isZero();
        assertThat(stdout()).contains("PASS  upper").contains(": 1 passed, 0 failed");
        Files.writeString(pipeline, Files.readString(pipeline).replace("      ANN,paid\n", "      ann,paid\n"));
        out.reset();
        assertThat(cli("", "test", pipeline.toString())).isEqualTo(1);
        assertThat(stdout()).contains("FAIL  upper", "      - ann,paid", "      + ANN,paid", ": 0 passed, 1 failed");
    }

    @Test
    void everyExamplePipelineInTheDocsPassesItsTests() throws IOException {
        // the docs cannot rot: each example pipeline has tests, and they pass
        Path examples = Path.of("..", "docs", "examples");
        List<Path> files;
        try (var walk = Files.walk(examples)) {
            files = walk.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            out.reset();
            err.reset();
            assertThat(cli("", "test", f.toString())).as(f + ":\n" + stdout() + stderr()).isZero();
            assertThat(stdout()).contains(" passed, 0 failed");
        }
    }

    @Test
    void scriptConsoleLinesAreLoggedWithTheRunIdOnStderr() throws IOException {
        Path p = dir.resolve("log.yaml");
        Files.writeString(p, "steps:\n  - name: say\n    javascript: |\n      function transform(row) { console.log('saw ' + row.name); return row; }\n");
        assertThat(cli("name\nann\nbob\n", "run", p.toString(), "-q")).isZero();
        assertThat(stdout()).isEqualTo("name\nann\nbob\n");
        List<String> lines = stderr().lines().toList();
        assertThat(lines).hasSize(2).allMatch(l -> l.matches("\\S+ INFO flowengine\\.script saw (ann|bob) run=[0-9a-f]{32}"));
        assertThat(lines.get(0).substring(lines.get(0).indexOf("run="))).isEqualTo(lines.get(1).substring(lines.get(1).indexOf("run=")));
    }

    @Test
    void jsonLogsCarryTheRunIdOnEveryLine() throws IOException {
        Path p = dir.resolve("log.yaml");
        Files.writeString(p, "steps:\n  - name: say\n    javascript: |\n      function transform(row) { console.log('saw \"' + row.name + '\"'); return row; }\n");
        assertThat(cli("name\nann\n", "run", p.toString(), "-q", "--log-format", "json", "--log-level", "debug")).isZero();
        List<String> lines = stderr().lines().toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3)
                .allMatch(l -> l.startsWith("{\"time\":\"") && l.endsWith("}"))
                .anyMatch(l -> l.contains("\"logger\":\"flowengine.script\",\"message\":\"saw \\\"ann\\\"\""))
                .anyMatch(l -> l.contains("\"level\":\"DEBUG\",\"logger\":\"flowengine.run\",\"message\":\"run started: stdin -> the output stream\""))
                .anyMatch(l -> l.contains("\"message\":\"run succeeded in "));
        assertThat(lines.stream().filter(l -> l.contains("flowengine.")).map(l -> l.replaceAll(".*\"run\":\"([0-9a-f]{32})\".*", "$1")).distinct())
                .as("one run id on every line of the run").hasSize(1).allMatch(id -> id.matches("[0-9a-f]{32}"));
        assertThat(cli("name\n", "run", p.toString(), "--log-format", "xml")).isEqualTo(2);
    }

    @Test
    void progressLineOnATerminalWhileARunLastsMoreThanASecond() throws Exception {
        java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
        java.io.PipedInputStream stdin = new java.io.PipedInputStream(feed);
        Thread writer = new Thread(() -> {
            try {
                feed.write("name,status\n".getBytes(StandardCharsets.UTF_8));
                for (int i = 0; i < 16; i++) {
                    feed.write(("n" + i + ",paid\n").getBytes(StandardCharsets.UTF_8));
                    feed.flush();
                    Thread.sleep(100);
                }
                feed.close();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        Main.Terminal t = new Main.Terminal(stdin, new PrintStream(out, true), new PrintStream(err, true), Map.of(), true);
        assertThat(Main.execute(t, "run", pipeline.toString())).isZero();
        writer.join();
        assertThat(stderr()).matches("(?s)\r[\\d,]+ rows, [\\d,]+ rows/s\u001b\\[K.*\r\u001b\\[Kflowengine: succeeded in .*");
        assertThat(stdout()).startsWith("name,status\nN0,paid\n").doesNotContain("rows/s");
    }

    @Test
    void noProgressLineWhenStderrIsNotATerminalOrWithQuiet() throws Exception {
        assertThat(cli("name,status\nann,paid\n", "run", pipeline.toString())).isZero();
        assertThat(stderr()).doesNotContain("\r").doesNotContain("rows/s");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "SIG{0}")
    @org.junit.jupiter.params.provider.CsvSource({"INT,130", "TERM,143"})
    void signalLeavesTheOutputUntouchedAndKeepsTheDeadLetters(String signal, int expectedExit) throws Exception {
        Path in = dir.resolve("in.csv");
        StringBuilder sb = new StringBuilder("name,status\n");
        for (int i = 0; i < 300_000; i++) {
            sb.append(i % 10 == 0 ? "boom" : "n" + i).append(",paid\n");
        }
        Files.writeString(in, sb);
        Files.writeString(pipeline, Files.readString(pipeline).replace("row.name.toUpperCase();",
                "row.name.toUpperCase(); let x = 0; for (let i = 0; i < 2000; i++) x += i;")
                + "errors:\n  onError: dead-letter\nexecution:\n  chunkSize: 64\n");
        Path out = dir.resolve("out.csv");
        Files.writeString(out, "previous output\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.flowengine.cli.Main", "run", pipeline.toString(),
                "-i", in.toString(), "-o", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((temporaryFiles().size() < 2 || temporaryFiles().stream().anyMatch(f -> f.toFile().length() == 0))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(temporaryFiles()).as("a run in progress").hasSize(2);
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(expectedExit);
        assertThat(Files.readString(out)).isEqualTo("previous output\n");
        assertThat(temporaryFiles()).isEmpty();
        assertThat(Files.readAllLines(dir.resolve("out.dead-letters.csv")))
                .first().isEqualTo("name,status,_row,_line,_step,_error,_raw");
        assertThat(Files.readAllLines(dir.resolve("out.dead-letters.csv")).subList(1, 3))
                .allSatisfy(line -> assertThat(line).startsWith("boom,paid,").contains(",upper,p.yaml:5:40: Error: boom,"));
        assertThat(Files.readString(dir.resolve("log.txt"))).contains("flowengine: interrupted; the output was not written");
    }

    private List<Path> temporaryFiles() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    @Test
    void everyCommandPrintsItsHelpWithHelp() {
        for (String command : List.of("run", "validate", "preview", "test", "serve", "version", "completion")) {
            err.reset();
            assertThat(cli("", command, "--help")).as(command).isZero();
            assertThat(stderr()).as(command).contains("Usage: flowengine " + command);
        }
        assertThat(stdout()).as("help is not output").isEmpty();
    }

    @Test
    void versionAndCompletion() {
        assertThat(cli("", "version")).isZero();
        assertThat(stderr()).startsWith("flowengine ").contains("Java ");
        err.reset();
        assertThat(cli("", "completion", "bash")).isZero();
        assertThat(stdout()).contains("complete -F", "flowengine", "serve", "--max-body-size");
        assertThat(cli("", "completion", "fish")).isEqualTo(2);
        assertThat(stderr()).contains("completion is for bash or zsh, not fish");
    }

    @Test
    void validateTakesSeveralFilesAndFolders() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("pipes"));
        Files.writeString(folder.resolve("a.yaml"), "steps:\n  - filter: \"row.x === '1'\"\n");
        Files.writeString(folder.resolve("b.yml"), "steps:\n  - filter: \"row.x ===\"\n");
        Files.writeString(folder.resolve("notes.txt"), "not a pipeline");
        assertThat(cli("", "validate", pipeline.toString(), folder.toString())).isEqualTo(2);
        assertThat(stderr()).contains(pipeline + ": valid (2 steps)", folder.resolve("a.yaml") + ": valid (1 step)",
                "1 problem in " + folder.resolve("b.yml"), "3 files: 2 valid, 1 with problems").doesNotContain("notes.txt");
        err.reset();
        assertThat(cli("", "validate", pipeline.toString(), folder.resolve("a.yaml").toString())).isZero();
        assertThat(stderr()).contains("2 files: 2 valid, 0 with problems");
    }

    @Test
    void theManPageIsTheCommandsOwnHelp() {
        String page = ManPage.page();
        assertThat(page).startsWith(".TH FLOWENGINE 1").contains(".SH SYNOPSIS", ".SH COMMANDS", ".SS run", ".SS serve",
                "\\-\\-max\\-body\\-size", ".SH EXIT STATUS");
    }

    @Test
    void oneLinersRunWithoutAPipelineFileInTheOrderGiven() throws IOException {
        Path in = dir.resolve("orders.tsv");
        Files.writeString(in, "id\tamount\tquantity\tstatus\n1\t2\t3\tpaid\n2\t1.5\t2\tcancelled\n3\tx\t1\tpaid\n");
        assertThat(cli("", "run", "-e", "row.total = row.amount * row.quantity", "-f", "row.status !== 'cancelled'",
                "-e", "delete row.status", "--from", "tsv", "--to", "ndjson", "-i", in.toString(), "-q")).isZero();
        assertThat(stdout()).isEqualTo("{\"id\":\"1\",\"amount\":\"2\",\"quantity\":\"3\",\"total\":\"6\"}\n"
                + "{\"id\":\"3\",\"amount\":\"x\",\"quantity\":\"1\",\"total\":\"NaN\"}\n");
    }

    @Test
    void ndjsonInAndCsvOut() {
        assertThat(cli("{\"a\":1,\"b\":\"x\"}\n{\"b\":\"y\",\"a\":2.50}\n", "run", "-e", "row.b = row.b.toUpperCase()",
                "--from", "ndjson", "-q")).isZero();
        assertThat(stdout()).isEqualTo("a,b\n1,X\n2.50,Y\n");
    }

    @Test
    void aOneLinerWithADeadLetterFileDeadLettersAndAnErrorPointsIntoTheBody() throws IOException {
        Path in = dir.resolve("in.csv");
        Files.writeString(in, "name\nann\nboom\n");
        Path dl = dir.resolve("dl.csv");
        assertThat(cli("", "run", "-e", "if (row.name === 'boom') throw new Error('no'); row.name = row.name.toUpperCase()",
                "-i", in.toString(), "-o", dir.resolve("out.csv").toString(), "--dead-letter", dl.toString(), "-q")).isZero();
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo("name\nANN\n");
        assertThat(Files.readString(dl)).contains("boom,2,3,eval-1,");
        err.reset();
        assertThat(cli("", "run", "-e", "row.x = (", "-i", in.toString())).isEqualTo(2);
        assertThat(stderr()).contains("-e eval-1:", "SyntaxError");
        err.reset();
        assertThat(cli("", "run", "-i", in.toString())).isEqualTo(2);
        assertThat(stderr()).contains("run needs a pipeline file, or steps as -e 'BODY' and -f 'EXPR'");
        assertThat(cli("", "run", "-e", "row.a = 1", "--to", "xml", "-i", in.toString())).isEqualTo(2);
        assertThat(stderr()).contains("--to takes csv, tsv, psv, ndjson or json, not 'xml'");
    }

    @Test
    void initWritesAPipelineForASampleWhoseTestsPass() throws IOException {
        Path sample = dir.resolve("people.csv");
        Files.writeString(sample, "id,name,amount\n1,ann,2.5\n2,\"bo, jr\",3\n3,cy,4\n");
        assertThat(cli("", "init", sample.toString())).isZero();
        Path p = dir.resolve("pipeline.yaml");
        assertThat(stderr()).contains("wrote " + p + " (delimiter ',', UTF-8, a header of 3 columns)");
        assertThat(Files.readString(p)).contains("format: csv", "header: true", "# the columns: id, name, amount");
        err.reset();
        assertThat(cli("", "test", p.toString())).isZero();
        assertThat(cli("", "init", sample.toString())).as("an existing file is not replaced").isEqualTo(2);
        assertThat(stderr()).contains("exists. Pass --force");
    }

    @Test
    void initSniffsATabSeparatedLatin1FileWithoutAHeader() throws IOException {
        Path sample = dir.resolve("raw.tsv");
        Files.write(sample, "1\tZo\u00eb\t2.5\n2\tbo\t3\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Path p = dir.resolve("raw.yaml");
        assertThat(cli("", "init", sample.toString(), "-o", p.toString())).isZero();
        assertThat(stderr()).contains("(delimiter tab, windows-1252, no header, 3 columns)");
        assertThat(Files.readString(p)).contains("format: tsv", "header: false", "encoding: windows-1252", "# the columns: c1, c2, c3");
        err.reset();
        assertThat(cli("", "test", p.toString())).as(stderr()).isZero();
        assertThat(cli("", "run", p.toString(), "-o", dir.resolve("o.csv").toString(), "-q")).isZero();
        assertThat(Files.readString(dir.resolve("o.csv"))).isEqualTo("c1,c2,c3\n1,Zo\u00eb,2.5\n2,bo,3\n");
    }

    /** Every unit form docs/cli.md names, on the options that take sizes, rates and durations. */
    @Test
    void serveOptionsTakeSizesRatesAndDurationsInEveryDocumentedForm() {
        Main.Terminal t = new Main.Terminal(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
                new PrintStream(err, true), Map.of(), false);
        String[][] sizes = {{"1048576", "1048576"}, {"10MB", "10000000"}, {"10mb", "10000000"}, {"10MiB", "10485760"},
            {"64k", "65536"}, {"64KiB", "65536"}, {"1g", "1073741824"}, {"1GB", "1000000000"}, {"1.5GiB", "1610612736"},
            {"2t", "2199023255552"}, {"10B", "10"}};
        for (String[] s : sizes) {
            ServeCommand c = new ServeCommand(t);
            new picocli.CommandLine(c).parseArgs("--pipelines", "x", "--max-body-size", s[0], "--min-upload-rate", s[0] + "/s");
            assertThat(c.maxBodySize).as(s[0]).isEqualTo(Long.parseLong(s[1]));
            assertThat(c.minUploadRate).as(s[0] + "/s").isEqualTo(Long.parseLong(s[1]));
        }
        String[][] durations = {{"250ms", "250"}, {"30s", "30000"}, {"5m", "300000"}, {"1h", "3600000"}, {"1d", "86400000"},
            {"1m30s", "90000"}, {"25", "25000"}, {"PT30S", "30000"}};
        for (String[] d : durations) {
            ServeCommand c = new ServeCommand(t);
            new picocli.CommandLine(c).parseArgs("--pipelines", "x", "--shutdown-grace", d[0], "--header-timeout", d[0],
                    "--idle-timeout", d[0], "--upload-idle-timeout", d[0]);
            for (java.time.Duration v : List.of(c.shutdownGrace, c.headerTimeout, c.idleTimeout, c.uploadIdleTimeout)) {
                assertThat(v).as(d[0]).isEqualTo(java.time.Duration.ofMillis(Long.parseLong(d[1])));
            }
        }
    }

    @Test
    void aSizeOrDurationThatDoesNotParseNamesTheFormsThatDo() throws IOException {
        Path pipelines = Files.createDirectories(dir.resolve("pipes"));
        assertThat(cli("", "serve", "--pipelines", pipelines.toString(), "--max-body-size", "ten megs")).isEqualTo(2);
        assertThat(stderr()).contains("'ten megs' is not a size: write a number of bytes, or with a unit: 64k, 10KB, 10MB, 10MiB, 1g");
        assertThat(cli("", "serve", "--pipelines", pipelines.toString(), "--idle-timeout", "soon")).isEqualTo(2);
        assertThat(stderr()).contains("'soon' is not a duration: write a number of seconds, or with a unit: 250ms, 30s, 5m, 1h, 1m30s");
    }

    @Test
    void serveRefusesAReachableAddressWithoutKeysUnlessToldNoAuth() throws IOException {
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        assertThat(cli("", "serve", "--pipelines", pipelines.toString(), "--host", "0.0.0.0", "--port", "0")).isEqualTo(2);
        assertThat(stderr()).contains("--host 0.0.0.0 can be reached from other machines, and without --api-keys")
                .contains("Pass --api-keys FILE (one key per line), or --no-auth to serve without keys on purpose");
        Path keys = Files.writeString(dir.resolve("keys"), "k1\n");
        assertThat(cli("", "serve", "--pipelines", pipelines.toString(), "--no-auth", "--api-keys", keys.toString())).isEqualTo(2);
        assertThat(stderr()).contains("--no-auth and --api-keys contradict each other");
        assertThat(cli("", "serve", "--pipelines", pipelines.toString(), "--allow-edit", "--port", "0")).isEqualTo(2);
        assertThat(stderr()).contains("--allow-edit needs --api-keys FILE");
        assertThat(ServeCommand.loopback("localhost")).isTrue();
        assertThat(ServeCommand.loopback("::1")).isTrue();
        assertThat(ServeCommand.loopback("0.0.0.0")).isFalse();
    }

    @Test
    void serveAnswersOverHttpAndStopsCleanlyOnSigterm() throws Exception {
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        Files.copy(pipeline, pipelines.resolve("upper.yaml"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.flowengine.cli.Main", "serve", "--pipelines", pipelines.toString(),
                "--port", "0", "--data-dir", dir.resolve("data").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        java.io.BufferedReader log = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = log.readLine();
        assertThat(first).startsWith("flowengine: serving [upper] on http://127.0.0.1:");
        int port = Integer.parseInt(first.replaceAll(".*127\\.0\\.0\\.1:(\\d+).*", "$1"));
        List<String> rest = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> log.lines().forEach(rest::add));
        reader.start();
        var http = java.net.http.HttpClient.newHttpClient();
        var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/v1/pipelines/upper/transform"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("name,status\nann,paid\nbob,cancelled\n")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("name,status\nANN,paid\n");
        assertThat(response.headers().firstValue("Flow-Run-Id")).isPresent();
        // the Studio's page, from the jar, with its policy
        var page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>FlowEngine Studio</title>");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("script-src 'self'"));

        // an upload still arriving when SIGTERM comes is finished before the process exits
        // (a raw socket: the upload is sent chunk by chunk, exactly when the test says)
        try (java.net.Socket upload = new java.net.Socket("127.0.0.1", port)) {
            upload.setSoTimeout(30_000);
            var out = upload.getOutputStream();
            java.util.function.Consumer<String> chunk = text -> {
                try {
                    byte[] b = text.getBytes(StandardCharsets.UTF_8);
                    out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(b);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            out.write(("POST /v1/pipelines/upper/transform HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            chunk.accept("name,status\n");
            Thread.sleep(500);
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            for (int i = 0; i < 20; i++) {
                chunk.accept("n" + i + ",paid\n");
                Thread.sleep(50);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(upload.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("N0,paid").contains("N19,paid").endsWith("0\r\n\r\n");
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        reader.join(5000);
        assertThat(rest).contains("flowengine: stopped", "flowengine: Studio at http://127.0.0.1:" + port + "/")
                .anyMatch(l -> l.contains("AccessLog") && l.contains("POST /v1/pipelines/upper/transform 200")
                        && l.matches(".*run=[0-9a-f]{32}$"))
                .anyMatch(l -> l.contains("draining"))
                .anyMatch(l -> l.contains(" INFO flowengine.run run succeeded in ")
                        && l.endsWith(" run=" + response.headers().firstValue("Flow-Run-Id").orElseThrow()));
    }

    @Test
    void realProcessStreamsStdinToStdout() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.flowengine.cli.Main", "run", pipeline.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile()).start();
        p.getOutputStream().write("name,status\nann,paid\ncat,cancelled\ndan,paid\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(stdout).isEqualTo("name,status\nANN,paid\nDAN,paid\n");
        assertThat(Files.readString(dir.resolve("stderr.txt"))).contains("3 rows in, 2 out, 1 filtered, 0 failed");
    }
}

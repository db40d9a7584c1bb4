package io.flowengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile scripts through the real CLI: signals win, terminals are not driven by scripts. */
class SandboxCliTest {

    @TempDir
    Path dir;

    private static final String RECURSION = "steps:\n  - name: rec\n    javascript: |\n"
            + "      function f(n) { try { return f(n + 1) + 1; } catch (e) { return f(n + 1); } }\n"
            + "      function transform(row) { if (row.id === '2') f(0); return row; }\n"
            + "errors:\n  onError: dead-letter\nexecution:\n  scriptTimeout: %s\n";

    @Test
    void sigtermWinsOverAScriptThatCannotBeStopped() throws Exception {
        Path p = Files.writeString(dir.resolve("p.yaml"), RECURSION.formatted("60s"));
        Path in = Files.writeString(dir.resolve("in.csv"), "id\n1\n2\n3\n");
        Path out = Files.writeString(dir.resolve("out.csv"), "previous\n");
        Process proc = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.flowengine.cli.Main", "run", p.toString(),
                "-i", in.toString(), "-o", out.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        // wait until the script is deep in its recursion (its temporary files exist)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (temporaryFiles().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(1000);
        new ProcessBuilder("kill", "-TERM", Long.toString(proc.pid())).start().waitFor();
        assertThat(proc.waitFor(RunCommand.SIGNAL_GRACE_MILLIS + 5000, TimeUnit.MILLISECONDS)).as("exited").isTrue();
        assertThat(proc.exitValue()).isEqualTo(143);
        assertThat(Files.readString(out)).isEqualTo("previous\n");
        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void aScriptThatCannotBeStoppedFailsTheRunPastItsBudget() throws IOException {
        Path p = Files.writeString(dir.resolve("p.yaml"), RECURSION.formatted("200ms"));
        Path in = Files.writeString(dir.resolve("in.csv"), "id\n1\n2\n3\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main.Terminal t = new Main.Terminal(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true), Map.of(), false);
        assertThat(Main.execute(t, "run", p.toString(), "-i", in.toString(), "-o", dir.resolve("out.csv").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("step 'rec' ran past execution.scriptTimeout (200 ms) on record 2"
                + " (line 3) and could not be stopped");
        assertThat(dir.resolve("out.csv")).doesNotExist();
    }

    @Test
    void previewAndTestEndOnAScriptThatCannotBeStopped() throws Exception {
        Path p = Files.writeString(dir.resolve("p.yaml"), RECURSION.formatted("200ms")
                + "tests:\n  - name: t\n    input: |\n      id\n      2\n    expect: |\n      id\n");
        Path in = Files.writeString(dir.resolve("in.csv"), "id\n1\n2\n3\n");
        for (List<String> args : List.of(List.of("preview", p.toString(), "-i", in.toString()), List.of("test", p.toString()))) {
            List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "io.flowengine.cli.Main"));
            cmd.addAll(args);
            Path log = dir.resolve(args.get(0) + ".log");
            Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean ended = proc.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                proc.destroyForcibly().waitFor();
            }
            String printed = Files.readString(log);
            assertThat(ended).as(args.get(0) + " ended").isTrue();
            assertThat(proc.exitValue()).isEqualTo(1);
            assertThat(printed).as(args.get(0)).contains("ran past execution.scriptTimeout (200 ms) on record")
                    .contains("and could not be stopped");
        }
    }

    @Test
    void consoleLogCannotDriveTheTerminal() throws IOException {
        Path p = Files.writeString(dir.resolve("p.yaml"), "steps:\n  - name: log\n    javascript: |\n"
                + "      function transform(row) { console.log('a\\rb\\u001b[2Jc\\u0007'); return row; }\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main.Terminal t = new Main.Terminal(new ByteArrayInputStream("id\n1\n".getBytes(StandardCharsets.UTF_8)),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true), Map.of(), false);
        assertThat(Main.execute(t, "run", p.toString(), "-q")).isZero();
        String printed = err.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("flowengine.script a\\rb\\u001b[2Jc\\u0007").doesNotContain("\u001b").doesNotContain("\r");
    }

    private List<Path> temporaryFiles() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}

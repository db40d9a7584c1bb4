package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.PipelineSpec.ExecutionSpec;
import io.flowengine.PipelineSpec.StepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

/** File runs through the public API: what is left on disk when a run is cancelled. */
class FileRunTest {

    @TempDir
    Path dir;

    @Test
    void cancellingARunClosesTheInputAndLeavesNoOutputOrTemporaryFile() throws Exception {
        Path in = dir.resolve("big.csv");
        StringBuilder sb = new StringBuilder("n,text\n");
        for (int i = 0; i < 200_000; i++) {
            sb.append(i).append(",some text for row ").append(i).append('\n');
        }
        Files.writeString(in, sb);
        Path out = dir.resolve("out.csv");
        Pipeline p = Pipeline.of(PipelineSpec.of("slow", List.of(StepSpec.javascript("work",
                        "function transform(row) { let x = 0; for (let i = 0; i < 200; i++) x += i; row.x = x; return row; }")))
                .withExecution(new ExecutionSpec(2, true, 64, 2)));
        RunProgress progress = new RunProgress();
        Disposable run = p.run(RunRequest.create().input(in).output(out).progress(progress)).subscribe();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (progress.rowsRead() < 1000 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(progress.rowsRead()).as("the run started").isGreaterThanOrEqualTo(1000);
        run.dispose();
        deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((openHandles(in) > 0 || temporaryFiles() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(openHandles(in)).as("input file handles").isZero();
        assertThat(temporaryFiles()).as("temporary files").isZero();
        assertThat(out).doesNotExist();
        assertThat(progress.rowsRead()).as("stopped reading").isLessThan(200_000);
    }

    @Test
    void anEmbeddedRunWithNoInputOrOutputNeverTouchesTheProcesssStandardStreams() throws Exception {
        Pipeline p = Pipeline.of(PipelineSpec.of("t", List.of()));
        java.io.InputStream stdin = System.in;
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try {
            System.setIn(new java.io.ByteArrayInputStream("a\n1\n".getBytes()));
            System.setOut(new java.io.PrintStream(captured));
            RunSummary noInput = p.run(RunRequest.create().output(dir.resolve("out.csv"))).block();
            assertThat(noInput.error().orElseThrow()).isInstanceOf(InvalidRequestException.class)
                    .hasMessageStartingWith("the run has no input: the pipeline sets no source.path");
            Path in = dir.resolve("in.csv");
            Files.writeString(in, "a\n1\n");
            RunSummary noOutput = p.run(RunRequest.create().input(in)).block();
            assertThat(noOutput.error().orElseThrow()).isInstanceOf(InvalidRequestException.class)
                    .hasMessageStartingWith("the run has no output: the pipeline sets no sink.path");
            assertThat(System.in.available()).as("stdin unread").isEqualTo(4);
        } finally {
            System.setIn(stdin);
            System.setOut(stdout);
        }
        assertThat(captured.toString()).as("written to stdout").isEmpty();
        assertThat(dir.resolve("out.csv")).doesNotExist();
    }

    private long temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count();
        }
    }

    /** Open descriptors of this process pointing at {@code file} (Linux /proc). */
    private static long openHandles(Path file) throws IOException {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return 0;
        }
        Path target = file.toRealPath();
        try (Stream<Path> links = Files.list(fds)) {
            return links.filter(l -> {
                try {
                    return Files.readSymbolicLink(l).equals(target);
                } catch (IOException | UnsupportedOperationException e) {
                    return false;
                }
            }).count();
        }
    }
}

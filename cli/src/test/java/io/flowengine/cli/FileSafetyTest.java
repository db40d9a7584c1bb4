package io.flowengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input, output and dead-letter paths that alias each other, devices, FIFOs, links, folders, killed runs. */
class FileSafetyTest {

    @TempDir
    Path dir;
    Path pipeline;
    Path input;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final AtomicLong stdinRead = new AtomicLong();

    @BeforeEach
    void files() throws IOException {
        pipeline = dir.resolve("p.yaml");
        Files.writeString(pipeline, "steps:\n  - name: t\n    javascript: |\n      function transform(row) {\n"
                + "        if (row.id === '2') throw new Error('two');\n        return row;\n      }\n"
                + "errors:\n  onError: dead-letter\n");
        input = dir.resolve("in.csv");
        Files.writeString(input, "id,name\n1,ann\n2,bob\n");
    }

    private int cli(String... args) {
        InputStream stdin = new ByteArrayInputStream("id,name\n1,x\n".getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                int n = super.read(b, off, len);
                stdinRead.addAndGet(Math.max(n, 0));
                return n;
            }
        };
        Main.Terminal t = new Main.Terminal(stdin, new PrintStream(out, true), new PrintStream(err, true), Map.of(), false);
        return Main.execute(t, args);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private void assertInputIntact() throws IOException {
        assertThat(Files.readString(input)).isEqualTo("id,name\n1,ann\n2,bob\n");
    }

    @Test
    void outputSpelledDifferentlyFromTheInputIsRefusedBeforeReading() throws IOException {
        String dotted = dir.resolve(".").resolve("in.csv").toString();
        assertThat(cli("run", pipeline.toString(), "-i", input.toString(), "-o", dotted)).isEqualTo(2);
        assertThat(stderr()).contains("is the input").contains("(the same file). Write to another file");
        assertInputIntact();
        String viaParent = dir.resolve("sub").resolve("..").resolve("in.csv").toString();
        Files.createDirectory(dir.resolve("sub"));
        assertThat(cli("run", pipeline.toString(), "-i", input.toString(), "-o", viaParent)).isEqualTo(2);
        assertInputIntact();
    }

    @Test
    void outputThatIsALinkToTheInputIsRefused() throws IOException {
        Path sym = Files.createSymbolicLink(dir.resolve("sym.csv"), input);
        Path hard = Files.createLink(dir.resolve("hard.csv"), input);
        assertThat(cli("run", pipeline.toString(), "-i", input.toString(), "-o", sym.toString())).isEqualTo(2);
        assertThat(cli("run", pipeline.toString(), "-i", input.toString(), "-o", hard.toString())).isEqualTo(2);
        assertThat(cli("run", pipeline.toString(), "-i", sym.toString(), "-o", input.toString())).isEqualTo(2);
        assertInputIntact();
        assertThat(Files.isSymbolicLink(sym)).isTrue();
    }

    @Test
    void deadLettersThatAliasTheOutputOrTheInputAreRefused() throws IOException {
        Path output = dir.resolve("o.csv");
        Files.writeString(output, "previous\n");
        assertThat(cli("run", pipeline.toString(), "-i", input.toString(), "-o", output.toString(),
                "--dead-letter", dir.resolve(".").resolve("o.csv").toString())).isEqualTo(2);
        assertThat(stderr()).contains("the dead-letter file").contains("is the output").contains("(the same file)");
        assertThat(cli("run", pipeline.toString(), "-i", input.toString(), "-o", output.toString(),
                "--dead-letter", dir.resolve("sub/../in.csv").toString())).isEqualTo(2);
        assertThat(stderr()).contains("is the input");
        assertInputIntact();
        assertThat(Files.readString(output)).isEqualTo("previous\n");
    }

    @Test
    void outputThroughASymlinkWritesItsTargetAndKeepsTheLink() throws IOException {
        Path target = dir.resolve("real.csv");
        Files.writeString(target, "old\n");
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), target);
        assertThat(cli("run", pipeline.toString(), "-i", input.toString(), "-o", link.toString(),
                "--dead-letter", dir.resolve("dl.csv").toString(), "-q")).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("id,name\n1,ann\n");
    }

    @Test
    void aFifoOutputIsWrittenInPlaceNotReplaced() throws Exception {
        Path fifo = dir.resolve("pipe.csv");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(fifo);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(cli("run", pipeline.toString(), "-i", input.toString(), "-o", fifo.toString(),
                "--dead-letter", dir.resolve("dl.csv").toString(), "-q")).isZero();
        assertThat(reader.get(30, TimeUnit.SECONDS)).isEqualTo("id,name\n1,ann\n");
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).as("still a FIFO").isFalse();
        assertThat(Files.exists(fifo)).isTrue();
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    /**
     * Character devices of the test's own (made with mknod, so a regression that replaced them
     * would destroy only these, never /dev/null): written in place, never replaced.
     */
    @Test
    void aCharacterDeviceOutputIsWrittenInPlace() throws Exception {
        Path nul = dir.resolve("null");
        Path full = dir.resolve("full");
        boolean made = new ProcessBuilder("mknod", nul.toString(), "c", "1", "3").start().waitFor() == 0
                && new ProcessBuilder("mknod", full.toString(), "c", "1", "7").start().waitFor() == 0;
        org.junit.jupiter.api.Assumptions.assumeTrue(made, "mknod needs root");
        assertThat(cli("run", pipeline.toString(), "-i", input.toString(), "-o", nul.toString(),
                "--dead-letter", dir.resolve("dl.csv").toString(), "-q")).isZero();
        assertThat(cli("run", pipeline.toString(), "-i", input.toString(), "-o", full.toString(),
                "--dead-letter", dir.resolve("dl2.csv").toString())).isEqualTo(1);
        assertThat(stderr()).contains("No space left on device").doesNotContain("internal error");
        for (Path device : List.of(nul, full)) {
            assertThat(Files.isRegularFile(device, LinkOption.NOFOLLOW_LINKS)).as(device + " is still a device").isFalse();
            assertThat(Files.readAttributes(device, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .isOther()).isTrue();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void aFifoOutputNeedsAnExplicitDeadLetterFile() throws Exception {
        Path fifo = dir.resolve("pipe.csv");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertThat(cli("run", pipeline.toString(), "-i", input.toString(), "-o", fifo.toString())).isEqualTo(2);
        assertThat(stderr()).contains("the output is the device or pipe").contains("Pass --dead-letter FILE");
        assertThat(Files.list(dir).map(f -> f.getFileName().toString())).doesNotContain("pipe.csv.dead-letters.csv");
    }

    @Test
    void aFolderAsOutputIsAClearErrorBeforeReading() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("outdir"));
        assertThat(cli("run", pipeline.toString(), "-o", folder.toString(), "--dead-letter", dir.resolve("dl.csv").toString()))
                .isEqualTo(2);
        assertThat(stderr()).contains("the output " + folder + " is a folder. Name a file inside it")
                .doesNotContain("internal error");
        assertThat(stdinRead.get()).as("bytes read from stdin").isZero();
        assertThat(cli("run", pipeline.toString(), "-i", input.toString(), "-o", dir.resolve("o.csv").toString(),
                "--dead-letter", folder.toString())).isEqualTo(2);
        assertThat(stderr()).contains("the dead-letter file " + folder + " is a folder");
    }

    @Test
    void staleTemporaryFilesOfAKilledRunAreRemovedByTheNextRun() throws Exception {
        Path output = dir.resolve("out.csv");
        Files.writeString(output, "previous output\n");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.flowengine.cli.Main", "run", pipeline.toString(),
                "-o", output.toString());
        // stdin stays open: the run waits for more input with its temporary files created
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        p.getOutputStream().write("id,name\n1,a\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (temporaryFiles().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(temporaryFiles()).as("a run in progress").hasSize(2)
                .allSatisfy(f -> assertThat(f.getFileName().toString()).contains(".flowengine-" + p.pid() + "-"));
        Path unrelated = Files.writeString(dir.resolve(".notes.txt.tmp"), "keep");
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(temporaryFiles()).as("left behind by kill -9").hasSize(3);
        assertThat(Files.readString(output)).isEqualTo("previous output\n");

        assertThat(cli("run", pipeline.toString(), "-i", input.toString(), "-o", output.toString(), "-q")).isZero();
        assertThat(temporaryFiles()).containsExactly(unrelated);
        assertThat(Files.readString(output)).isEqualTo("id,name\n1,ann\n");
    }

    private List<Path> temporaryFiles() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}

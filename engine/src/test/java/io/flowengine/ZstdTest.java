package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.airlift.compress.zstd.ZstdInputStream;
import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zstd in and out, as gzip ({@link CompressionTest}): by name ({@code .zst}), by the input's first
 * bytes, or as the pipeline says. Where the machine has the {@code zstd} tool (CI installs it),
 * files are also made and checked by it, the format's reference.
 */
class ZstdTest {

    @TempDir
    Path dir;

    Path pipeline;

    @BeforeEach
    void writePipeline() throws IOException {
        pipeline = dir.resolve("p.yaml");
        Files.writeString(pipeline, CompressionTest.PIPELINE);
    }

    static byte[] zstd(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream out = new ZstdOutputStream(b)) {
            out.write(data);
        }
        return b.toByteArray();
    }

    static String unzstd(byte[] data) throws IOException {
        try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(data))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static boolean tool() {
        try {
            return new ProcessBuilder("zstd", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs the zstd tool with {@code args} on {@code file}. */
    static void zstdTool(Path file, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("zstd", "-q", "-f"));
        command.addAll(List.of(args));
        command.add(file.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(said).isZero();
    }

    private RunSummary run(Path in, Path out, Path dl) {
        return Pipeline.load(pipeline).run(RunRequest.create().input(in).output(out).deadLetter(dl)).block();
    }

    @Test
    void aZstInputIsReadAndAZstOutputAndDeadLetterFileAreWrittenCompressed() throws IOException {
        Path in = dir.resolve("in.csv.zst");
        Files.write(in, zstd(CompressionTest.CSV.getBytes(StandardCharsets.UTF_8)));
        RunSummary s = run(in, dir.resolve("out.csv.zst"), dir.resolve("dead.csv.zst"));
        assertThat(s.succeeded()).as(s.error().map(Throwable::getMessage).orElse("")).isTrue();
        assertThat(unzstd(Files.readAllBytes(dir.resolve("out.csv.zst")))).isEqualTo(CompressionTest.OUT);
        assertThat(unzstd(Files.readAllBytes(dir.resolve("dead.csv.zst"))))
                .startsWith("id,name,_row,_line,_step,_error,_raw\n3,boom,3,4,upper,");
        assertThat(List.of(s.rowsIn(), s.rowsOut(), s.rowsFailed())).containsExactly(3L, 2L, 1L);
    }

    @Test
    void filesTheZstdToolMakesAreReadAndWhatTheRunWritesTheToolReads() throws Exception {
        assumeTrue(tool(), "the zstd tool is not installed");
        StringBuilder sb = new StringBuilder("id,name\n");
        StringBuilder expected = new StringBuilder("id,name\n");
        for (int i = 0; i < 50_000; i++) {
            sb.append(i).append(",name é ").append(i).append('\n');
            expected.append(i).append(",NAME É ").append(i).append('\n');
        }
        Path plain = dir.resolve("big.csv");
        Files.writeString(plain, sb);
        zstdTool(plain, "-19");
        Path in = dir.resolve("big.csv.zst");
        RunSummary s = run(in, dir.resolve("out.csv.zst"), dir.resolve("dead.csv"));
        assertThat(s.succeeded()).as(s.error().map(Throwable::getMessage).orElse("")).isTrue();
        zstdTool(dir.resolve("out.csv.zst"), "-d", "-o", dir.resolve("out.csv").toString());
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo(expected.toString());
        // zstd --test checks the frame's checksum and that it is whole
        zstdTool(dir.resolve("out.csv.zst"), "--test");
    }

    @Test
    void concatenatedZstdFramesAreReadWhole() throws IOException {
        byte[] a = zstd("id,name\n1,ann\n".getBytes(StandardCharsets.UTF_8));
        byte[] b = zstd("2,bo\n".getBytes(StandardCharsets.UTF_8));
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        Path in = dir.resolve("in.csv.zst");
        Files.write(in, both);
        assertThat(run(in, dir.resolve("out.csv"), dir.resolve("dead.csv")).rowsOut()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo("id,name\n1,ANN\n2,BO\n");
    }

    @Test
    void aZstdInputWhoseNameLostItsExtensionIsKnownByItsFirstBytes() throws IOException {
        Path in = dir.resolve("in.csv");
        Files.write(in, zstd(CompressionTest.CSV.getBytes(StandardCharsets.UTF_8)));
        RunSummary s = run(in, dir.resolve("out.csv"), dir.resolve("dead.csv"));
        assertThat(s.succeeded()).isTrue();
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo(CompressionTest.OUT);
    }

    @Test
    void aZstNameOnAPlainFileIsAClearErrorAndAGzipFileNamedZstIsReadAsGzip() throws IOException {
        Path in = dir.resolve("in.csv.zst");
        Files.writeString(in, CompressionTest.CSV);
        RunSummary s = run(in, dir.resolve("out.csv"), dir.resolve("dead.csv"));
        assertThat(s.error().orElseThrow().getMessage()).contains("the input " + in + " ends in .zst but is not zstd-compressed",
                "source.compression: none");
        assertThat(dir.resolve("out.csv")).doesNotExist();
        Files.write(in, CompressionTest.gzip(CompressionTest.CSV.getBytes(StandardCharsets.UTF_8)));
        RunSummary gz = run(in, dir.resolve("out.csv"), dir.resolve("dead.csv"));
        assertThat(gz.succeeded()).isTrue();
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo(CompressionTest.OUT);
    }

    @Test
    void cutShortOrDamagedZstdDataFailsTheRunWithWhatWentWrongAndWritesNothing() throws IOException {
        byte[] whole = zstd(CompressionTest.CSV.repeat(2000).getBytes(StandardCharsets.UTF_8));
        Path in = dir.resolve("in.csv.zst");
        Files.write(in, Arrays.copyOf(whole, whole.length / 2));
        RunSummary cut = run(in, dir.resolve("out.csv"), dir.resolve("dead.csv"));
        assertThat(cut.error().orElseThrow().getMessage()).contains("cannot read " + in, "its zstd data is damaged or cut short");
        assertThat(dir.resolve("out.csv")).doesNotExist();
        byte[] damaged = whole.clone();
        for (int i = whole.length / 3; i < whole.length / 3 + 8; i++) {
            damaged[i] ^= 0x5a;
        }
        Files.write(in, damaged);
        RunSummary bad = run(in, dir.resolve("out.csv"), dir.resolve("dead.csv"));
        assertThat(bad.error().orElseThrow().getMessage()).contains("its zstd data is damaged or cut short");
        assertThat(dir.resolve("out.csv")).doesNotExist();
    }

    @Test
    void compressionZstdReadsAndWritesStreamsAndNdjsonZstIsNdjson() throws IOException {
        Files.writeString(pipeline, Files.readString(pipeline).replace("onError: dead-letter", "onError: skip")
                + "source:\n  compression: zstd\nsink:\n  compression: zstd\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunSummary s = Pipeline.load(pipeline).run(RunRequest.create()
                .input(new ByteArrayInputStream(zstd(CompressionTest.CSV.getBytes(StandardCharsets.UTF_8))), "stdin").output(out)).block();
        assertThat(s.succeeded()).as(s.error().map(Throwable::getMessage).orElse("")).isTrue();
        assertThat(unzstd(out.toByteArray())).isEqualTo(CompressionTest.OUT);
        // a gzip stream under compression: zstd is refused, naming what it is
        RunSummary gz = Pipeline.load(pipeline).run(RunRequest.create()
                .input(new ByteArrayInputStream(CompressionTest.gzip(CompressionTest.CSV.getBytes(StandardCharsets.UTF_8))), "stdin")
                .output(new ByteArrayOutputStream())).block();
        assertThat(gz.error().orElseThrow().getMessage())
                .contains("the input stdin is not zstd-compressed (it is gzip), and source.compression is zstd");
        // by name: .ndjson.zst is NDJSON, compressed
        Files.writeString(pipeline, Files.readString(pipeline).replace("source:\n  compression: zstd\nsink:\n  compression: zstd\n", ""));
        Path in = dir.resolve("in.csv");
        Files.writeString(in, CompressionTest.CSV);
        assertThat(run(in, dir.resolve("out.ndjson.zst"), dir.resolve("dead.csv")).succeeded()).isTrue();
        assertThat(unzstd(Files.readAllBytes(dir.resolve("out.ndjson.zst"))))
                .isEqualTo("{\"id\":\"1\",\"name\":\"ANN\"}\n{\"id\":\"2\",\"name\":\"BO, THE \\\"SECOND\\\"\"}\n");
    }

    @Test
    void theLoaderTakesZstd() throws IOException {
        Path p = dir.resolve("c.yaml");
        Files.writeString(p, "source:\n  compression: zstd\nsink:\n  compression: zstd\n");
        assertThat(Pipeline.validate(p, Map.of(), Map.of())).isEmpty();
        Files.writeString(p, "source:\n  compression: zip\n");
        assertThat(Pipeline.validate(p, Map.of(), Map.of())).singleElement()
                .satisfies(problem -> assertThat(problem.message()).contains("auto", "none", "gzip", "zstd"));
    }
}

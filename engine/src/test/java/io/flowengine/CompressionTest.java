package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gzip in and out: by name, by the input's first bytes, or as the pipeline says. */
class CompressionTest {

    @TempDir
    Path dir;

    static final String CSV = "id,name\n1,ann\n2,\"bo, the \"\"second\"\"\"\n3,boom\n";
    static final String OUT = "id,name\n1,ANN\n2,\"BO, THE \"\"SECOND\"\"\"\n";
    Path pipeline;

    /** Upper-cases the names; a row named boom fails. */
    static final String PIPELINE = """
            errors:
              onError: dead-letter
            steps:
              - name: upper
                javascript: |
                  function transform(row) {
                    if (row.name === 'boom') throw new Error('boom');
                    row.name = row.name.toUpperCase();
                    return row;
                  }
            """;

    @BeforeEach
    void writePipeline() throws IOException {
        pipeline = dir.resolve("p.yaml");
        Files.writeString(pipeline, PIPELINE);
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(b)) {
            out.write(data);
        }
        return b.toByteArray();
    }

    static String gunzip(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private RunSummary run(String extraYaml, Path in, Path out, Path dl) throws IOException {
        if (!extraYaml.isEmpty()) {
            Files.writeString(pipeline, Files.readString(pipeline) + extraYaml);
        }
        return Pipeline.load(pipeline).run(RunRequest.create().input(in).output(out).deadLetter(dl)).block();
    }

    @Test
    void aGzInputIsReadAndAGzOutputAndDeadLetterFileAreWrittenCompressed() throws IOException {
        Path in = dir.resolve("in.csv.gz");
        Files.write(in, gzip(CSV.getBytes(StandardCharsets.UTF_8)));
        RunSummary s = run("", in, dir.resolve("out.csv.gz"), dir.resolve("dead.csv.gz"));
        assertThat(s.succeeded()).as(s.error().map(Throwable::getMessage).orElse("")).isTrue();
        assertThat(gunzip(dir.resolve("out.csv.gz"))).isEqualTo(OUT);
        assertThat(gunzip(dir.resolve("dead.csv.gz"))).startsWith("id,name,_row,_line,_step,_error,_raw\n3,boom,3,4,upper,");
        assertThat(List.of(s.rowsIn(), s.rowsOut(), s.rowsFailed())).containsExactly(3L, 2L, 1L);
    }

    @Test
    void aGzipInputWhoseNameLostItsExtensionIsKnownByItsFirstBytes() throws IOException {
        Path in = dir.resolve("in.csv");
        Files.write(in, gzip(CSV.getBytes(StandardCharsets.UTF_8)));
        RunSummary s = run("", in, dir.resolve("out.csv"), dir.resolve("dead.csv"));
        assertThat(s.succeeded()).isTrue();
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo(OUT);
    }

    @Test
    void concatenatedGzipMembersAreReadWhole() throws IOException {
        byte[] a = gzip("id,name\n1,ann\n".getBytes(StandardCharsets.UTF_8));
        byte[] b = gzip("2,bo\n".getBytes(StandardCharsets.UTF_8));
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        Path in = dir.resolve("in.csv.gz");
        Files.write(in, both);
        assertThat(run("", in, dir.resolve("out.csv"), dir.resolve("dead.csv")).rowsOut()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo("id,name\n1,ANN\n2,BO\n");
    }

    @Test
    void aGzNameOnAPlainFileIsAClearError() throws IOException {
        Path in = dir.resolve("in.csv.gz");
        Files.writeString(in, CSV);
        RunSummary s = run("", in, dir.resolve("out.csv"), dir.resolve("dead.csv"));
        assertThat(s.succeeded()).isFalse();
        assertThat(s.error().orElseThrow().getMessage()).contains("the input " + in + " ends in .gz but is not gzip-compressed",
                "source.compression: none");
        assertThat(dir.resolve("out.csv")).doesNotExist();
        // and with compression: none it is read as it is
        RunSummary plain = run("source:\n  compression: none\n", in, dir.resolve("out.csv"), dir.resolve("dead.csv"));
        assertThat(plain.succeeded()).isTrue();
        assertThat(Files.readString(dir.resolve("out.csv"))).isEqualTo(OUT);
    }

    @Test
    void damagedGzipDataFailsTheRunWithWhatWentWrongAndWritesNothing() throws IOException {
        byte[] whole = gzip(CSV.repeat(200).getBytes(StandardCharsets.UTF_8));
        Path in = dir.resolve("in.csv.gz");
        Files.write(in, Arrays.copyOf(whole, whole.length / 2));
        RunSummary s = run("", in, dir.resolve("out.csv"), dir.resolve("dead.csv"));
        assertThat(s.succeeded()).isFalse();
        assertThat(s.error().orElseThrow().getMessage()).contains("cannot read " + in, "its gzip data is damaged or cut short");
        assertThat(dir.resolve("out.csv")).doesNotExist();
    }

    @Test
    void sinkCompressionGzipCompressesAStreamAndSourceCompressionGzipReadsOne() throws IOException {
        Files.writeString(pipeline, Files.readString(pipeline).replace("onError: dead-letter", "onError: skip")
                + "source:\n  compression: gzip\nsink:\n  compression: gzip\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunSummary s = Pipeline.load(pipeline).run(RunRequest.create()
                .input(new ByteArrayInputStream(gzip(CSV.getBytes(StandardCharsets.UTF_8))), "stdin").output(out)).block();
        assertThat(s.succeeded()).as(s.error().map(Throwable::getMessage).orElse("")).isTrue();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(OUT);
        }
        // a plain stream under compression: gzip is refused with the way out
        RunSummary plain = Pipeline.load(pipeline).run(RunRequest.create()
                .input(new ByteArrayInputStream(CSV.getBytes(StandardCharsets.UTF_8)), "stdin").output(new ByteArrayOutputStream())).block();
        assertThat(plain.error().orElseThrow().getMessage()).contains("the input stdin is not gzip-compressed, and source.compression is gzip");
    }

    @Test
    void theLoaderTakesTheCompressionKeysAndRefusesOthers() throws IOException {
        Path p = dir.resolve("c.yaml");
        Files.writeString(p, "source:\n  compression: zip\n");
        assertThat(Pipeline.validate(p, Map.of(), Map.of())).singleElement()
                .satisfies(problem -> assertThat(problem.message()).contains("compression", "auto", "none", "gzip"));
    }
}

package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The output's format from its name, from sink.format, or as a run asks. */
class OutputFormatsTest {

    @TempDir
    Path dir;

    static final String ND = "{\"id\":\"1\",\"name\":\"ann\"}\n";

    private RunSummary run(String yaml, String outName) throws IOException {
        Path p = dir.resolve("p.yaml");
        Files.writeString(p, yaml);
        Files.writeString(dir.resolve("in.csv"), "id,name\n1,ann\n");
        return Pipeline.load(p).run(RunRequest.create().input(dir.resolve("in.csv")).output(dir.resolve(outName))).block();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"out.ndjson, ndjson", "out.jsonl, ndjson", "out.json, json", "out.csv, csv", "out.txt, csv"})
    void theOutputsNameDecides(String name, String format) throws IOException {
        assertThat(run("{}", name).succeeded()).isTrue();
        String expected = switch (format) {
            case "ndjson" -> ND;
            case "json" -> "[\n{\"id\":\"1\",\"name\":\"ann\"}\n]\n";
            default -> "id,name\n1,ann\n";
        };
        assertThat(Files.readString(dir.resolve(name))).isEqualTo(expected);
    }

    @Test
    void anNdjsonInputIsKnownByItsNameGzipOrNot() throws IOException {
        Path p = dir.resolve("p.yaml");
        Files.writeString(p, "{}");
        byte[] lines = "{\"id\":1,\"name\":\"ann\"}\n{\"name\":\"bo\",\"id\":2}\n".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("in.jsonl"), lines);
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(gz)) {
            g.write(lines);
        }
        Files.write(dir.resolve("in.ndjson.gz"), gz.toByteArray());
        for (String in : new String[] {"in.jsonl", "in.ndjson.gz"}) {
            RunSummary s = Pipeline.load(p).run(RunRequest.create().input(dir.resolve(in)).output(dir.resolve("o.csv"))).block();
            assertThat(s.succeeded()).as(in + ": " + s.error().map(Throwable::getMessage).orElse("")).isTrue();
            assertThat(Files.readString(dir.resolve("o.csv"))).as(in).isEqualTo("id,name\n1,ann\n2,bo\n");
        }
    }

    @Test
    void aGzipNdjsonOutputIsBoth() throws IOException {
        assertThat(run("{}", "out.ndjson.gz").succeeded()).isTrue();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("out.ndjson.gz")))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(ND);
        }
    }

    @Test
    void sinkFormatWinsOverTheNameAndTheRunRequestOverBoth() throws IOException {
        assertThat(run("sink:\n  format: csv\n", "out.json").succeeded()).isTrue();
        assertThat(Files.readString(dir.resolve("out.json"))).isEqualTo("id,name\n1,ann\n");
        Path p = dir.resolve("p.yaml");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Pipeline.load(p).run(RunRequest.create().input(dir.resolve("in.csv")).output(out)
                .outputFormat(PipelineSpec.OutputFormat.NDJSON)).block();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(ND);
    }
}

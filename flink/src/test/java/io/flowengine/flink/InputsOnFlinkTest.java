package io.flowengine.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.Pipeline;
import io.flowengine.RunRequest;
import io.flowengine.RunSummary;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Inputs on Flink: a malformed file loses nothing; a gzip or zstd file is read by its extension. */
class InputsOnFlinkTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = FlinkTesting.cluster();

    static final String PIPELINE = """
            errors:
              onError: dead-letter
            steps:
              - name: upper
                javascript: |
                  function transform(row) { row.name = row.name.toUpperCase(); return row; }
            """;

    /** Every kind of malformed record the reader knows, spread over a file of {@code records} records. */
    static byte[] malformed(int records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("id,name,note\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 1; i <= records; i++) {
            String line = switch (i % 53) {
                case 7 -> i + ",\"open quote,never closed\n";
                case 13 -> i + ",stray\"quote,x\n";
                case 19 -> i + ",nul\0here,x\n";
                case 23 -> i + ",too,many,fields\n";
                case 29 -> i + ",\"closed\"after,x\n";
                case 31 -> i + ",\"multi\nline\",ok\n";
                case 37 -> null;
                default -> i + ",name" + i + ",\"a, b\"\n";
            };
            if (line == null) {
                out.writeBytes((i + ",bad").getBytes(StandardCharsets.UTF_8));
                out.write(0xC3);
                out.write(0x28);
                out.writeBytes(",x\n".getBytes(StandardCharsets.UTF_8));
            } else {
                out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    @Test
    void aMalformedFileLosesNothingAndGivesTheClisDeadLetters(@TempDir Path tmp) throws Exception {
        Path input = tmp.resolve("in.csv");
        Files.write(input, malformed(20_000));
        assertSameAsCli(tmp, input, input);
    }

    @Test
    void aGzipFileIsReadByItsExtension(@TempDir Path tmp) throws Exception {
        Path plain = tmp.resolve("in.csv");
        Files.write(plain, malformed(3_000));
        Path gz = tmp.resolve("in.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(plain));
        }
        assertSameAsCli(tmp, plain, gz);
    }

    /** Several files: ctx.file and the dead letters' _file as on the CLI, malformed records too. */
    @Test
    void severalFilesGiveScriptsAndDeadLettersTheirFileAsOnTheCli(@TempDir Path tmp) throws Exception {
        List<Path> inputs = new java.util.ArrayList<>();
        for (int f = 1; f <= 3; f++) {
            Path in = tmp.resolve("part-" + f + ".csv");
            Files.write(in, malformed(1_500 * f));
            inputs.add(in);
        }
        assertSameAsCli(tmp, """
                errors:
                  onError: dead-letter
                execution:
                  chunkSize: 64
                steps:
                  - name: file
                    javascript: |
                      function transform(row, ctx) {
                        if (ctx.rowNumber % 101 === 0) throw new Error('failed in ' + ctx.file);
                        row.src = ctx.file.slice(ctx.file.lastIndexOf('/') + 1);
                        return row;
                      }
                """, inputs, inputs);
        List<String> dead = Files.readAllLines(tmp.resolve("cli-dl.csv"));
        assertThat(dead.get(0)).endsWith(",_file");
    }

    @Test
    void aZstdFileIsReadByItsExtension(@TempDir Path tmp) throws Exception {
        Path plain = tmp.resolve("in.csv");
        Files.write(plain, malformed(3_000));
        Path zst = tmp.resolve("in.csv.zst");
        try (OutputStream out = new io.airlift.compress.zstd.ZstdOutputStream(Files.newOutputStream(zst))) {
            out.write(Files.readAllBytes(plain));
        }
        assertSameAsCli(tmp, plain, zst);
    }

    private static void assertSameAsCli(Path tmp, Path cliInput, Path flinkInput) throws Exception {
        assertSameAsCli(tmp, PIPELINE, List.of(cliInput), List.of(flinkInput));
    }

    private static void assertSameAsCli(Path tmp, String pipelineText, List<Path> cliInputs, List<Path> flinkInputs) throws Exception {
        Path pipeline = tmp.resolve("p.yaml");
        Files.writeString(pipeline, pipelineText);
        Path cliOut = tmp.resolve("cli.csv");
        Path cliDl = tmp.resolve("cli-dl.csv");
        RunSummary cli = Pipeline.of(Pipeline.loadSpec(pipeline, Map.of(), Map.of()))
                .run(RunRequest.create().inputs(cliInputs).output(cliOut).deadLetter(cliDl)).block();
        assertThat(cli.succeeded()).isTrue();
        assertThat(cli.rowsFailed()).isPositive();

        FlinkJob.Job job = FlinkJob.prepare(new FlinkJob.Request(pipeline, flinkInputs.stream().map(Path::toString).toList(),
                Optional.of(tmp.resolve("out").toString()), Optional.of(tmp.resolve("dl").toString()), Map.of(), Optional.of(2)),
                Map.of());
        RunSummary flink = FlinkJob.run(StreamExecutionEnvironment.getExecutionEnvironment(), job);

        assertThat(flink.succeeded()).as(flink.error().map(Throwable::getMessage).orElse("")).isTrue();
        assertThat(List.of(flink.rowsIn(), flink.rowsOut(), flink.rowsFailed()))
                .isEqualTo(List.of(cli.rowsIn(), cli.rowsOut(), cli.rowsFailed()));
        assertThat(flink.rowsIn()).isEqualTo(flink.rowsOut() + flink.rowsFiltered() + flink.rowsFailed());
        List<List<String>> out = FlinkTesting.records(cliOut, StandardCharsets.UTF_8, ',');
        List<List<String>> dead = FlinkTesting.records(cliDl, StandardCharsets.UTF_8, ',');
        assertThat(FlinkTesting.rowsOfParts(tmp.resolve("out"), out.get(0), StandardCharsets.UTF_8, ','))
                .isEqualTo(FlinkTesting.multiset(out.subList(1, out.size())));
        assertThat(FlinkTesting.rowsOfParts(tmp.resolve("dl"), dead.get(0), StandardCharsets.UTF_8, ','))
                .isEqualTo(FlinkTesting.multiset(dead.subList(1, dead.size())));
    }
}

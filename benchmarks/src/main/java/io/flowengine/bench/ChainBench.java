package io.flowengine.bench;

import io.flowengine.Pipeline;
import io.flowengine.Row;
import io.flowengine.RunRequest;
import io.flowengine.RunSummary;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;

/**
 * The whole chain in memory, warm: bytes in, CSV bytes out through the Reactor chain with the
 * rails on every core; and an application's Flux of rows through {@code PipelineRun.transform}.
 * Ops/s = rows/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class ChainBench {

    static final int ROWS = 50_000;

    private Pipeline pipeline;
    private byte[] input;
    private List<Row> rows;

    @Setup
    public void setUp() throws IOException {
        Path dir = Files.createTempDirectory("chainbench");
        Path file = Files.writeString(dir.resolve("bench.yaml"), Orders.PIPELINE);
        pipeline = Pipeline.of(Pipeline.loadSpec(file, Map.of(), Map.of())).withConsole(OutputStream.nullOutputStream());
        String csv = Orders.csv(ROWS);
        input = csv.getBytes(StandardCharsets.UTF_8);
        rows = new ArrayList<>(ROWS);
        io.flowengine.internal.csv.CsvReader r = new io.flowengine.internal.csv.CsvReader(new java.io.StringReader(csv), ',', '"',
                1 << 20, 1 << 22, () -> 0);
        io.flowengine.Columns columns = io.flowengine.Columns.of(r.next().fields());
        for (io.flowengine.internal.csv.CsvRecord rec; (rec = r.next()) != null; ) {
            rows.add(Row.of(columns, rec.fields(), rows.size() + 1, 0));
        }
        if (rows.size() != ROWS) {
            throw new IllegalStateException("expected " + ROWS + " rows, read " + rows.size());
        }
    }

    /** CSV bytes in, CSV bytes out: reader, rails, reorder, writer. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public RunSummary bytesToBytes() {
        RunSummary s = pipeline.run(RunRequest.create()
                .input(new ByteArrayInputStream(input), "memory")
                .output(OutputStream.nullOutputStream())).block();
        if (!s.succeeded()) {
            throw new IllegalStateException(s.toJson());
        }
        return s;
    }

    /** An application's Flux of rows through the steps (no CSV either side). */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public Long fluxOfRows() {
        return pipeline.newRun().transform(Flux.fromIterable(rows)).count().block();
    }
}

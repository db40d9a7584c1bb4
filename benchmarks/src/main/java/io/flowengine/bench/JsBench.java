package io.flowengine.bench;

import io.flowengine.Columns;
import io.flowengine.Pipeline;
import io.flowengine.PipelineSpec;
import io.flowengine.Row;
import io.flowengine.internal.csv.CsvReader;
import io.flowengine.internal.csv.CsvRecord;
import io.flowengine.internal.js.JsRail;
import io.flowengine.internal.js.ScriptResults;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.Chunk;
import io.flowengine.internal.run.ChunkProcessor;
import io.flowengine.internal.run.Outcome;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JavaScript steps on one rail (one thread): one guest call per chunk of 256 rows against one
 * per row, and the whole chunk processing (steps plus collecting outcomes). Ops/s = rows/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JsBench {

    static final int CHUNK = 256;

    private JsRail rail;
    private Row[] rows;

    private static final ScriptResults DISCARD = new ScriptResults() {
        @Override
        public void produced(int index, Row row) {
        }

        @Override
        public void filtered(int index) {
        }

        @Override
        public void failed(int index, String step, String message) {
        }
    };

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path dir = Files.createTempDirectory("jsbench");
        Path file = Files.writeString(dir.resolve("bench.yaml"), Orders.PIPELINE);
        PipelineSpec spec = Pipeline.loadSpec(file, Map.of(), Map.of());
        rail = ScriptSet.compile(spec).newRail(OutputStream.nullOutputStream());
        CsvReader r = new CsvReader(new StringReader(Orders.csv(CHUNK)), ',', '"', 1 << 20, 1 << 22, () -> 0);
        Columns columns = Columns.of(r.next().fields());
        List<Row> list = new ArrayList<>();
        long n = 0;
        for (CsvRecord rec; (rec = r.next()) != null; ) {
            list.add(Row.of(columns, rec.fields(), ++n, n + 1));
        }
        rows = list.toArray(new Row[0]);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rail.close();
    }

    /** One guest call for the whole chunk (what a run does). */
    @Benchmark
    @OperationsPerInvocation(CHUNK)
    public void perChunk() {
        rail.process(rows, 0, rows.length, DISCARD);
    }

    /** One guest call per row. */
    @Benchmark
    @OperationsPerInvocation(CHUNK)
    public void perRow() {
        for (int i = 0; i < rows.length; i++) {
            rail.process(rows, i, i + 1, DISCARD);
        }
    }

    /** A chunk through the steps with its outcome collected (the rails' whole job). */
    @Benchmark
    @OperationsPerInvocation(CHUNK)
    public Outcome chunkProcessing() {
        return ChunkProcessor.process(new Chunk(0, rows, rows.length, List.of(), rows.length), rail);
    }
}

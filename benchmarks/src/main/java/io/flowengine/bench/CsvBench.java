package io.flowengine.bench;

import io.flowengine.internal.csv.CsvReader;
import io.flowengine.internal.csv.CsvRecord;
import io.flowengine.internal.csv.CsvWriter;
import io.flowengine.internal.csv.DecodingReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

/** The CSV reader and writer on the benchmark data, per row (ops/s = rows/s on one core). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CsvBench {

    static final int ROWS = 10_000;

    private String text;
    private byte[] bytes;
    private List<String[]> records;
    private final CsvWriter writer = new CsvWriter(',', '"');

    @Setup
    public void setUp() throws IOException {
        text = Orders.csv(ROWS);
        bytes = text.getBytes(StandardCharsets.UTF_8);
        records = new ArrayList<>();
        CsvReader r = new CsvReader(new StringReader(text), ',', '"', 1 << 20, 1 << 22, () -> 0);
        for (CsvRecord rec; (rec = r.next()) != null; ) {
            records.add(rec.fields());
        }
    }

    /** Parsing characters: the reader alone. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long parseChars() throws IOException {
        return fields(new CsvReader(new StringReader(text), ',', '"', 1 << 20, 1 << 22, () -> 0));
    }

    /** Decoding UTF-8 bytes and parsing, as a run reads a file. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long parseBytes() throws IOException {
        DecodingReader decoder = new DecodingReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8);
        return fields(new CsvReader(decoder, ',', '"', 1 << 20, 1 << 22, decoder::errors));
    }

    private static long fields(CsvReader r) throws IOException {
        long fields = 0;
        for (CsvRecord rec; (rec = r.next()) != null; ) {
            fields += rec.fields().length;
        }
        return fields;
    }

    /** Formatting rows as CSV text (quoting where needed). */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public int write() {
        StringBuilder out = new StringBuilder(text.length() + 1024);
        for (String[] rec : records) {
            writer.append(out, rec, rec.length);
        }
        return out.length();
    }
}

package io.flowengine.bench;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.flowengine.internal.csv.CsvReader;
import io.flowengine.internal.csv.CsvRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
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

/**
 * Jackson's CSV parser and generator (jackson-dataformat-csv, the design card's CSV library) on
 * the same data as {@link CsvBench}, the same work per row: every record as a String[] of its
 * fields, and every record formatted as CSV text. Compare with CsvBench's parseChars, parseBytes
 * and write (ops/s = rows/s on one core).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JacksonCsvBench {

    private String text;
    private byte[] bytes;
    private List<String[]> records;
    private final CsvMapper mapper = new CsvMapper();
    private final com.fasterxml.jackson.databind.ObjectReader reader = mapper.readerFor(String[].class)
            .with(CsvParser.Feature.WRAP_AS_ARRAY);
    private final com.fasterxml.jackson.databind.ObjectWriter writer = mapper.writerFor(String[].class)
            .with(CsvSchema.emptySchema().withLineSeparator("\n"));

    @Setup
    public void setUp() throws IOException {
        text = Orders.csv(CsvBench.ROWS);
        bytes = text.getBytes(StandardCharsets.UTF_8);
        records = new ArrayList<>();
        CsvReader r = new CsvReader(new StringReader(text), ',', '"', 1 << 20, 1 << 22, () -> 0);
        for (CsvRecord rec; (rec = r.next()) != null; ) {
            records.add(rec.fields());
        }
    }

    /** Parsing characters: Jackson's CsvParser over a Reader. */
    @Benchmark
    @OperationsPerInvocation(CsvBench.ROWS)
    public long parseChars() throws IOException {
        try (MappingIterator<String[]> it = reader.readValues(new StringReader(text))) {
            return fields(it);
        }
    }

    /** Decoding UTF-8 bytes and parsing. */
    @Benchmark
    @OperationsPerInvocation(CsvBench.ROWS)
    public long parseBytes() throws IOException {
        try (MappingIterator<String[]> it = reader.readValues(new ByteArrayInputStream(bytes))) {
            return fields(it);
        }
    }

    private static long fields(MappingIterator<String[]> it) throws IOException {
        long fields = 0;
        while (it.hasNextValue()) {
            fields += it.nextValue().length;
        }
        return fields;
    }

    /** Formatting rows as CSV text: Jackson's CsvGenerator. */
    @Benchmark
    @OperationsPerInvocation(CsvBench.ROWS)
    public int write() throws IOException {
        StringWriter out = new StringWriter(text.length() + 1024);
        try (SequenceWriter w = writer.writeValues(out)) {
            for (String[] rec : records) {
                w.write(rec);
            }
        }
        return out.getBuffer().length();
    }
}

package io.flowengine.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.flowengine.internal.csv.CsvReader;
import io.flowengine.internal.csv.CsvRecord;
import io.flowengine.internal.js.JsEngine;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
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
 * An experiment, not what the engine does: how much of the JavaScript time is the crossing
 * between Java and JavaScript? The same job on the same chunk of 256 rows, with the rows handed
 * over as one JSON text per chunk (JSON.parse and JSON.stringify are built-ins, so the script
 * works on native JavaScript objects) instead of as host proxies (JsBench.perChunk). Ops/s = rows/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CrossingBench {

    static final int CHUNK = 256;
    private static final JsonFactory JSON = new JsonFactory();

    private Context context;
    private Value run;
    private String[] names;
    private List<String[]> rows;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        context = JsEngine.newContext(OutputStream.nullOutputStream());
        run = context.eval("js", """
                (function () {
                  function transform(row, ctx) {
                    row.total = String(Number(row.amount) * Number(row.quantity));
                    row.name = row.name.toUpperCase();
                    return row;
                  }
                  return function (text) {
                    const rows = JSON.parse(text);
                    const out = [];
                    for (let i = 0; i < rows.length; i++) {
                      const r = transform(rows[i], null);
                      if (r !== null && r.status !== 'cancelled') out.push(r);
                    }
                    return JSON.stringify(out);
                  };
                })()
                """);
        CsvReader r = new CsvReader(new StringReader(Orders.csv(CHUNK)), ',', '"', 1 << 20, 1 << 22, () -> 0);
        names = r.next().fields();
        rows = new ArrayList<>();
        for (CsvRecord rec; (rec = r.next()) != null; ) {
            rows.add(rec.fields());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        context.close();
    }

    /** Rows to JSON on the host, the steps on native objects, JSON back, parsed on the host. */
    @Benchmark
    @OperationsPerInvocation(CHUNK)
    public int jsonPerChunk() throws IOException {
        StringWriter w = new StringWriter(CHUNK * 200);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartArray();
            for (String[] row : rows) {
                g.writeStartObject();
                for (int c = 0; c < names.length; c++) {
                    g.writeStringField(names[c], row[c]);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        String out = run.execute(w.toString()).asString();
        int values = 0;
        try (JsonParser p = JSON.createParser(out)) {
            for (JsonToken t; (t = p.nextToken()) != null; ) {
                if (t == JsonToken.VALUE_STRING) {
                    p.getText();
                    values++;
                }
            }
        }
        return values;
    }
}

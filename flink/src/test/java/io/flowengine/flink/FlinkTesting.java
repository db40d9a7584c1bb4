package io.flowengine.flink;

import io.flowengine.internal.csv.CsvReader;
import io.flowengine.internal.csv.CsvRecord;
import io.flowengine.internal.csv.DecodingReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** A MiniCluster with two slots, and reading back a folder of part files. */
final class FlinkTesting {

    private FlinkTesting() {
    }

    static MiniClusterExtension cluster() {
        Configuration conf = new Configuration();
        // a type Flink would hand to Kryo fails loudly instead
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    /** The part files under {@code dir} (visible ones: in-progress files are hidden), sorted. */
    static List<Path> parts(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
    }

    /** The records of a CSV file, each a list of its fields. */
    static List<List<String>> records(Path file, Charset charset, char delimiter) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            DecodingReader d = new DecodingReader(in, charset);
            CsvReader r = new CsvReader(d, delimiter, '"', Integer.MAX_VALUE, Integer.MAX_VALUE, d::errors);
            List<List<String>> out = new ArrayList<>();
            CsvRecord rec;
            while ((rec = r.next()) != null) {
                // a record the reader sets aside (a NUL in a dead letter's _raw) is compared as its text
                out.add(rec.malformed() ? List.of("unreadable: " + rec.raw()) : List.of(rec.fields()));
            }
            return out;
        }
    }

    /** The data records of every part file of {@code dir}, checking that each starts with {@code header}. */
    static Map<List<String>, Integer> rowsOfParts(Path dir, List<String> header, Charset charset, char delimiter)
            throws IOException {
        Map<List<String>, Integer> rows = new HashMap<>();
        for (Path part : parts(dir)) {
            List<List<String>> recs = records(part, charset, delimiter);
            if (recs.isEmpty() || !recs.get(0).equals(header)) {
                throw new AssertionError(part + " does not start with the header " + header + ": " + recs);
            }
            for (List<String> r : recs.subList(1, recs.size())) {
                rows.merge(r, 1, Integer::sum);
            }
        }
        return rows;
    }

    static Map<List<String>, Integer> multiset(List<List<String>> records) {
        Map<List<String>, Integer> m = new HashMap<>();
        for (List<String> r : records) {
            m.merge(r, 1, Integer::sum);
        }
        return m;
    }
}

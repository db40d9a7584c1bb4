package io.flowengine.internal.csv;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the CSV reader with arbitrary bytes. In the normal test run this replays the committed
 * corpus ({@code CsvFuzzTestInputs/}); with {@code JAZZER_FUZZ=1} it explores. Oracles: the
 * reader never throws; every record is either fields or a malformed record with its raw text;
 * nothing is read twice or skipped (the raw texts and fields account for every non-blank line);
 * and for well-formed records, writing and reading again gives the same fields.
 */
class CsvFuzzTest {

    private static final int MAX_RECORD = 64;
    private static final int MAX_FIELD = 32;

    @FuzzTest(maxDuration = "5m")
    void readerAccountsForEveryRecordAndRoundTrips(byte[] input) throws IOException {
        List<CsvRecord> records = read(new DecodingReader(new ByteArrayInputStream(input), StandardCharsets.UTF_8));
        long lastLine = 0;
        List<String[]> good = new ArrayList<>();
        for (CsvRecord r : records) {
            assertThat(r.line()).as("records come in line order").isGreaterThan(lastLine);
            lastLine = r.line();
            if (r.malformed()) {
                assertThat(r.raw()).as("a malformed record keeps its text").isNotNull();
                assertThat(r.error()).isNotBlank();
            } else {
                assertThat(r.fields()).isNotEmpty().doesNotContainNull();
                good.add(r.fields());
            }
        }
        accountsForEveryLine(input, records);
        // parse(write(parse(x))) == parse(x) for the records that parsed
        CsvWriter writer = new CsvWriter(',', '"');
        StringBuilder written = new StringBuilder();
        for (String[] f : good) {
            writer.append(written, f, f.length);
        }
        List<CsvRecord> again = read(new StringReader(written.toString()));
        assertThat(again).hasSameSizeAs(good);
        for (int i = 0; i < good.size(); i++) {
            if (again.get(i).malformed()) {
                // a field that could not be written back exactly would be a bug; only limits may differ
                assertThat(again.get(i).error()).containsAnyOf("maxFieldSize", "maxRecordSize", "NUL", "not valid");
            } else {
                assertThat(again.get(i).fields()).containsExactly(good.get(i));
            }
        }
    }

    /**
     * Nothing read twice or skipped. Where the decoded text has no quote and no carriage return,
     * each non-empty line is exactly one record, starting on that line, whose fields joined by
     * commas are the line (or that is malformed, for a limit, keeping the line as its text).
     * Elsewhere, no more records than non-empty lines.
     */
    private static void accountsForEveryLine(byte[] input, List<CsvRecord> records) throws IOException {
        StringBuilder decoded = new StringBuilder();
        try (DecodingReader d = new DecodingReader(new ByteArrayInputStream(input), StandardCharsets.UTF_8)) {
            char[] buf = new char[4096];
            int n;
            while ((n = d.read(buf, 0, buf.length)) > 0) {
                decoded.append(buf, 0, n);
            }
        }
        String text = decoded.toString();
        String[] lines = text.split("\n", -1);
        List<Integer> nonEmpty = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].isEmpty()) {
                nonEmpty.add(i + 1);
            }
        }
        if (text.indexOf('"') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\0') >= 0) {
            assertThat(records.size()).as("records, at most one per non-empty line").isLessThanOrEqualTo(nonEmpty.size());
            return;
        }
        assertThat(records).extracting(r -> (int) r.line()).as("the line each record starts on").containsExactlyElementsOf(nonEmpty);
        for (CsvRecord r : records) {
            String line = lines[(int) r.line() - 1];
            if (r.malformed()) {
                assertThat(r.raw()).as("the text of malformed line " + r.line()).isEqualTo(line);
            } else {
                assertThat(String.join(",", r.fields())).as("line " + r.line()).isEqualTo(line);
            }
        }
    }

    private static List<CsvRecord> read(java.io.Reader in) throws IOException {
        DecodingReader decoding = in instanceof DecodingReader d ? d : null;
        CsvReader reader = new CsvReader(in, ',', '"', MAX_FIELD, MAX_RECORD, () -> decoding == null ? 0 : decoding.errors());
        List<CsvRecord> out = new ArrayList<>();
        CsvRecord r;
        int guard = 0;
        while ((r = reader.next()) != null) {
            out.add(r);
            assertThat(++guard).as("the reader makes progress").isLessThan(1_000_000);
        }
        return out;
    }
}

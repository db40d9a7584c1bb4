package io.flowengine.internal.run;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.flowengine.PipelineSpec.HttpBody;
import io.flowengine.Row;
import io.flowengine.internal.csv.CsvWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Request bodies for a batch of rows: a JSON array of objects, or a CSV document with a header. */
public final class HttpBodies {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private HttpBodies() {
    }

    public static String contentType(HttpBody body) {
        return body == HttpBody.JSON ? "application/json" : "text/csv; charset=utf-8";
    }

    public static byte[] format(List<Row> rows, HttpBody body) {
        return body == HttpBody.JSON ? json(rows) : csv(rows);
    }

    private static byte[] json(List<Row> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rows.size() * 128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (Row r : rows) {
                g.writeStartObject();
                for (int c = 0; c < r.size(); c++) {
                    g.writeStringField(r.columns().name(c), r.get(c));
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The header is every column of the batch in the order first seen; a row lacking one has "" there. */
    private static byte[] csv(List<Row> rows) {
        Set<String> names = new LinkedHashSet<>();
        for (Row r : rows) {
            names.addAll(r.columns().names());
        }
        List<String> header = new ArrayList<>(names);
        CsvWriter writer = new CsvWriter(',', '"');
        StringBuilder sb = new StringBuilder(rows.size() * 128);
        writer.append(sb, header);
        String[] fields = new String[header.size()];
        for (Row r : rows) {
            for (int c = 0; c < fields.length; c++) {
                String v = r.get(header.get(c));
                fields[c] = v == null ? "" : v;
            }
            writer.append(sb, fields, fields.length);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}

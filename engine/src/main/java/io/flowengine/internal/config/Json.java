package io.flowengine.internal.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/** JSON text written by Jackson's generator: the engine's one JSON writer. */
public final class Json {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    /** What goes into the text. */
    @FunctionalInterface
    public interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private Json() {
    }

    /** The JSON text that {@code body} writes. */
    public static String write(Body body) {
        StringWriter text = new StringWriter(128);
        try (JsonGenerator g = FACTORY.createGenerator(text)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** A JSON object of string values, in the map's order. */
    public static String object(Map<String, String> fields) {
        return write(g -> {
            g.writeStartObject();
            for (Map.Entry<String, String> e : fields.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        });
    }
}

package io.flowengine.internal.config;

import io.flowengine.PipelineSpec.CsvOptions;
import io.flowengine.PipelineSpec.Format;
import io.flowengine.internal.config.Node.MapNode;
import io.flowengine.internal.config.Node.ScalarNode;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The CSV dialect keys that {@code source} and {@code sink} share: format, delimiter, quote, encoding. */
final class CsvOptionsSection {

    private final FieldReader f;

    CsvOptionsSection(FieldReader f) {
        this.f = f;
    }

    CsvOptions read(MapNode m, String where) {
        return read(m, where, false);
    }

    /** @param jsonFormat the sink's format is ndjson or json, which is not a CSV dialect */
    CsvOptions read(MapNode m, String where, boolean jsonFormat) {
        Format format = jsonFormat ? Format.CSV : f.enumValue(m, "format", Format.values(), Format::key).orElse(Format.CSV);
        char delimiter = f.character(m, "delimiter").orElse(format.delimiter());
        char quote = f.character(m, "quote").orElse('"');
        if (delimiter == quote) {
            f.entry(m, "quote").ifPresent(e -> f.problem(e.value(), where + "quote and delimiter are both '" + quote
                    + "'. Pick two different characters."));
        }
        Charset encoding = StandardCharsets.UTF_8;
        Optional<ScalarNode> enc = f.scalar(m, "encoding");
        if (enc.isPresent()) {
            String n = f.interpolate(enc.get());
            try {
                encoding = Charset.forName(n);
            } catch (IllegalArgumentException e) {
                String hint = Texts.suggest(n, Charset.availableCharsets().keySet());
                f.problem(enc.get(), "unknown encoding '" + Texts.cut(n) + "'."
                        + (hint != null ? " Did you mean '" + hint + "'?" : " Use a Java charset name such as UTF-8, ISO-8859-1 or windows-1252."));
            }
        }
        return new CsvOptions(delimiter, quote, encoding);
    }
}

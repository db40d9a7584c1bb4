package io.flowengine.internal.config;

import io.flowengine.PipelineSpec;

import io.flowengine.PipelineSpec.SourceSpec;
import io.flowengine.internal.config.Node.MapNode;
import java.util.List;
import java.util.Optional;

/** The {@code source} section. */
final class SourceSection {

    static final List<String> KEYS = List.of("path", "format", "header", "delimiter", "quote", "encoding", "maxFieldSize", "maxRecordSize", "compression",
            "ragged", "trimHeaders", "columns", "skipLines", "comment", "unionColumns");

    private final FieldReader f;

    SourceSection(FieldReader f) {
        this.f = f;
    }

    SourceSpec read(MapNode root) {
        Optional<MapNode> node = f.mapping(root, "source");
        if (node.isEmpty()) {
            return SourceSpec.DEFAULT;
        }
        MapNode m = node.get();
        f.checkKeys(m, "source.", KEYS);
        boolean header = f.bool(m, "header").orElse(true);
        int maxField = f.size(m, "maxFieldSize").orElse(SourceSpec.DEFAULT_MAX_FIELD_SIZE);
        int maxRecord = f.size(m, "maxRecordSize").orElse(SourceSpec.DEFAULT_MAX_RECORD_SIZE);
        if (maxField > maxRecord) {
            f.scalar(m, "maxFieldSize").ifPresent(n -> f.problem(n, "source.maxFieldSize (" + maxField
                    + ") is larger than source.maxRecordSize (" + maxRecord + "). Raise maxRecordSize, or lower maxFieldSize."));
        }
        PipelineSpec.Compression compression = f.enumValue(m, "compression", PipelineSpec.Compression.values(),
                PipelineSpec.Compression::key).orElse(PipelineSpec.Compression.AUTO);
        PipelineSpec.Ragged ragged = f.enumValue(m, "ragged", PipelineSpec.Ragged.values(), PipelineSpec.Ragged::key)
                .orElse(PipelineSpec.Ragged.ERROR);
        boolean trim = f.bool(m, "trimHeaders").orElse(false);
        int skip = f.integer(m, "skipLines", 0, 1_000_000).map(Long::intValue).orElse(0);
        Character comment = f.character(m, "comment").orElse(null);
        List<String> columns = f.columnNames(m, "columns", "source.columns", "[id, name, amount]").orElse(null);
        boolean ndjson = f.scalar(m, "format").map(f::interpolate).orElse("").equals("ndjson");
        PipelineSpec.CsvOptions csv = new CsvOptionsSection(f).read(m, "source.", ndjson);
        if (comment != null && (comment == csv.delimiter() || comment == csv.quote())) {
            f.scalar(m, "comment").ifPresent(n -> f.problem(n, "source.comment cannot be the delimiter or the quote."
                    + " Use another character, such as '#'."));
        }
        return new SourceSpec(f.path(m, "path"), header, csv, maxField, maxRecord, compression,
                new PipelineSpec.Layout(ragged, trim, columns, skip, comment, ndjson, f.bool(m, "unionColumns").orElse(false)));
    }
}

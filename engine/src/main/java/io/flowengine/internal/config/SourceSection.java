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
        List<String> columns = columns(m);
        boolean ndjson = f.scalar(m, "format").map(f::interpolate).orElse("").equals("ndjson");
        PipelineSpec.CsvOptions csv = new CsvOptionsSection(f).read(m, "source.", ndjson);
        if (comment != null && (comment == csv.delimiter() || comment == csv.quote())) {
            f.scalar(m, "comment").ifPresent(n -> f.problem(n, "source.comment cannot be the delimiter or the quote."
                    + " Use another character, such as '#'."));
        }
        return new SourceSpec(f.path(m, "path"), header, csv, maxField, maxRecord, compression,
                new PipelineSpec.Layout(ragged, trim, columns, skip, comment, ndjson, f.bool(m, "unionColumns").orElse(false)));
    }

    /** {@code source.columns}: a non-empty list of distinct names, or null. */
    private List<String> columns(MapNode m) {
        Optional<Node.Entry> cols = f.entry(m, "columns");
        if (cols.isEmpty()) {
            return null;
        }
        if (!(cols.get().value() instanceof Node.ListNode list) || list.items().isEmpty()) {
            f.problem(cols.get().value(), "source.columns must be a non-empty list of column names, such as [id, name, amount].");
            return null;
        }
        List<String> names = new java.util.ArrayList<>();
        for (Node item : list.items()) {
            if (item instanceof Node.ScalarNode s && s.type() != Node.ScalarType.NULL) {
                String col = f.interpolate(s);
                if (names.contains(col)) {
                    f.problem(s, "source.columns lists '" + col + "' twice. Name each column once.");
                }
                names.add(col);
            } else {
                f.problem(item, "source.columns items must be column names, not " + item.describe() + ".");
            }
        }
        return names;
    }
}

package io.flowengine.internal.config;

import io.flowengine.PipelineSpec;

import io.flowengine.PipelineSpec.SourceSpec;
import io.flowengine.internal.config.Node.MapNode;
import java.util.List;
import java.util.Optional;

/** The {@code source} section. */
final class SourceSection {

    static final List<String> KEYS = List.of("path", "format", "header", "delimiter", "quote", "encoding", "maxFieldSize", "maxRecordSize", "compression");

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
        return new SourceSpec(f.path(m, "path"), header, new CsvOptionsSection(f).read(m, "source."), maxField, maxRecord,
                compression);
    }
}

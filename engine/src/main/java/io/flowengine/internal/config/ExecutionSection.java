package io.flowengine.internal.config;

import io.flowengine.PipelineSpec.ExecutionSpec;
import io.flowengine.PipelineSpec;
import io.flowengine.internal.config.Node.MapNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The {@code execution} section. */
final class ExecutionSection {

    static final List<String> KEYS = List.of("parallelism", "ordered", "chunkSize", "prefetch", "scriptTimeout", "javascript");

    private final FieldReader f;

    ExecutionSection(FieldReader f) {
        this.f = f;
    }

    ExecutionSpec read(MapNode root) {
        ExecutionSpec defaults = ExecutionSpec.defaults();
        Optional<MapNode> node = f.mapping(root, "execution");
        if (node.isEmpty()) {
            return defaults;
        }
        MapNode m = node.get();
        f.checkKeys(m, "execution.", KEYS);
        int parallelism = f.integer(m, "parallelism", 1, ExecutionSpec.MAX_PARALLELISM).map(Long::intValue).orElse(defaults.parallelism());
        boolean ordered = f.bool(m, "ordered").orElse(true);
        int chunkSize = f.integer(m, "chunkSize", 1, ExecutionSpec.MAX_CHUNK_SIZE).map(Long::intValue).orElse(defaults.chunkSize());
        int prefetch = f.integer(m, "prefetch", 1, ExecutionSpec.MAX_PREFETCH).map(Long::intValue).orElse(defaults.prefetch());
        Duration timeout = f.duration(m, "scriptTimeout").orElse(ExecutionSpec.DEFAULT_SCRIPT_TIMEOUT);
        PipelineSpec.JavaScriptMode javascript = f.enumValue(m, "javascript", PipelineSpec.JavaScriptMode.values(),
                PipelineSpec.JavaScriptMode::key).orElse(PipelineSpec.JavaScriptMode.AUTO);
        return new ExecutionSpec(parallelism, ordered, chunkSize, prefetch, timeout, javascript);
    }
}

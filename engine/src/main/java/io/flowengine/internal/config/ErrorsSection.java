package io.flowengine.internal.config;

import io.flowengine.ErrorPolicy;
import io.flowengine.PipelineSpec.ErrorsSpec;
import io.flowengine.PipelineSpec;
import io.flowengine.internal.config.Node.MapNode;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The {@code errors} section, with {@code errors.retry}. */
final class ErrorsSection {

    static final List<String> KEYS = List.of("onError", "deadLetter", "maxErrors", "retry");
    static final List<String> RETRY_KEYS = List.of("maxAttempts", "backoff", "maxBackoff");

    private final FieldReader f;

    ErrorsSection(FieldReader f) {
        this.f = f;
    }

    ErrorsSpec read(MapNode root) {
        Optional<MapNode> node = f.mapping(root, "errors");
        if (node.isEmpty()) {
            return ErrorsSpec.DEFAULT;
        }
        MapNode m = node.get();
        f.checkKeys(m, "errors.", KEYS);
        PipelineSpec.RetrySpec retry = f.mapping(m, "retry").map(r -> {
            f.checkKeys(r, "errors.retry.", RETRY_KEYS);
            PipelineSpec.RetrySpec d = PipelineSpec.RetrySpec.DEFAULT;
            return new PipelineSpec.RetrySpec(f.integer(r, "maxAttempts", 1).map(Long::intValue).orElse(d.maxAttempts()),
                    f.duration(r, "backoff").orElse(d.backoff()), f.duration(r, "maxBackoff").orElse(d.maxBackoff()));
        }).orElse(PipelineSpec.RetrySpec.DEFAULT);
        ErrorPolicy policy = f.enumValue(m, "onError", ErrorPolicy.values(), ErrorPolicy::key).orElse(ErrorPolicy.FAIL);
        OptionalLong maxErrors = OptionalLong.empty();
        Optional<Long> max = f.integer(m, "maxErrors", 0);
        if (max.isPresent()) {
            maxErrors = OptionalLong.of(max.get());
        }
        return new ErrorsSpec(policy, f.path(m, "deadLetter"), maxErrors, retry);
    }
}

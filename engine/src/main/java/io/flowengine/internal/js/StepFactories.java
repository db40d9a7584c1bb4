package io.flowengine.internal.js;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The registry of step kinds. */
final class StepFactories {

    private static final Map<String, StepFactory> BY_KIND = List.of(new JavaScriptStepFactory(), new FilterStepFactory())
            .stream().collect(Collectors.toUnmodifiableMap(StepFactory::kind, Function.identity()));

    private StepFactories() {
    }

    static StepFactory forKind(String kind) {
        StepFactory f = BY_KIND.get(kind);
        if (f == null) {
            throw new IllegalArgumentException("unknown step kind '" + kind + "'; known: " + BY_KIND.keySet());
        }
        return f;
    }
}

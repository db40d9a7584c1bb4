package io.flowengine.internal.js;

import io.flowengine.PipelineSpec.StepSpec;

/**
 * A {@code javascript} step: a script that defines {@code function transform(row, ctx)}. The
 * script runs once per context, in its own function scope, so steps cannot see each other's
 * globals; its top-level code may set up helpers.
 */
final class JavaScriptStepFactory implements StepFactory {

    @Override
    public String kind() {
        return "javascript";
    }

    @Override
    public Wrapped wrap(StepSpec step) {
        return new Wrapped("(function(){",
                "\n;return typeof transform === 'function' ? transform : undefined;})()");
    }
}

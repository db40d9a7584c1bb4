package io.flowengine.internal.js;

import io.flowengine.PipelineSpec.StepSpec;

/** A {@code filter} step: a JavaScript expression over {@code row} and {@code ctx}; truthy keeps the row. */
final class FilterStepFactory implements StepFactory {

    @Override
    public String kind() {
        return "filter";
    }

    @Override
    public Wrapped wrap(StepSpec step) {
        return new Wrapped("(function(row, ctx){return (", "\n) ? row : null;})");
    }
}

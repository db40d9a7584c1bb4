package io.flowengine.internal.js;

import io.flowengine.PipelineSpec.StepSpec;

/**
 * Turns one kind of step ({@code javascript}, {@code filter}, ...) into JavaScript: an expression
 * whose value is a {@code function(row, ctx)} with transform semantics (return the row, a new
 * object, null to drop it, or an array). Adding a step kind means one new factory registered in
 * {@link StepFactories}.
 */
interface StepFactory {

    /** The {@code kind} this factory compiles. */
    String kind();

    /** The wrapped code; the user's code starts on the wrapper's first line, after its prefix. */
    Wrapped wrap(StepSpec step);

    /**
     * @param prefix text before the user's code on the first line (its length shifts columns)
     * @param suffix text after the user's code, starting on a new line
     */
    record Wrapped(String prefix, String suffix) {
    }
}

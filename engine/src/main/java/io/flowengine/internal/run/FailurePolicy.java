package io.flowengine.internal.run;

import io.flowengine.DeadLetter;
import io.flowengine.ErrorPolicy;
import io.flowengine.FlowEngineException;
import io.flowengine.RowException;
import io.flowengine.internal.config.Texts;
import java.util.OptionalLong;
import java.util.function.Consumer;

/** Applies {@code errors.onError} and {@code errors.maxErrors} to failed records, in input order. */
public final class FailurePolicy {

    private final ErrorPolicy policy;
    private final OptionalLong maxErrors;
    private final RunCounters counters;
    private final Consumer<DeadLetter> deadLetters;

    public FailurePolicy(ErrorPolicy policy, OptionalLong maxErrors, RunCounters counters, Consumer<DeadLetter> deadLetters) {
        this.policy = policy;
        this.maxErrors = maxErrors;
        this.counters = counters;
        this.deadLetters = deadLetters;
    }

    /** Handles one failed record: throws under {@code fail}, else counts it (and dead-letters it). */
    public void accept(DeadLetter failure) {
        if (policy == ErrorPolicy.FAIL) {
            counters.addFailed(failure.step());
            throw new RowException(failure.step(), failure.rowNumber(), failure.line(), failure.error(),
                    "Fix the data or the script, or set errors.onError: dead-letter to keep going.");
        }
        long failed = counters.addFailed(failure.step());
        if (policy == ErrorPolicy.DEAD_LETTER) {
            deadLetters.accept(failure);
        }
        if (maxErrors.isPresent() && failed > maxErrors.getAsLong()) {
            throw new FlowEngineException("more than " + maxErrors.getAsLong() + " records failed (errors.maxErrors); the last,"
                    + " record " + failure.rowNumber() + " on line " + failure.line() + ", in step '" + failure.step() + "': "
                    + Texts.cut(failure.error()) + ". Fix the input or the script, or raise errors.maxErrors");
        }
    }
}

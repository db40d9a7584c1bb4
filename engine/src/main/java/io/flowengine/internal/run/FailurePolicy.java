package io.flowengine.internal.run;

import io.flowengine.DeadLetter;
import io.flowengine.ErrorPolicy;
import io.flowengine.FlowEngineException;
import io.flowengine.RowException;
import io.flowengine.internal.config.Texts;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/** Applies {@code errors.onError} and {@code errors.maxErrors} to failed records, in input order. */
final class FailurePolicy {

    private final ErrorPolicy policy;
    private final OptionalLong maxErrors;
    private final RunCounters counters;
    private final Consumer<DeadLetter> deadLetters;
    /** How many records failed with each (step, error); bounded, for the all-failed message. */
    private final Map<String, long[]> reasons = new HashMap<>();
    private static final int MAX_REASONS = 64;

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
        String reason = "step '" + failure.step() + "': " + Texts.cut(failure.error());
        long[] count = reasons.get(reason);
        if (count != null) {
            count[0]++;
        } else if (reasons.size() < MAX_REASONS) {
            reasons.put(reason, new long[] {1});
        }
        if (policy == ErrorPolicy.DEAD_LETTER) {
            deadLetters.accept(failure);
        }
        if (maxErrors.isPresent() && failed > maxErrors.getAsLong()) {
            throw new FlowEngineException("more than " + maxErrors.getAsLong() + " records failed (errors.maxErrors); the last,"
                    + " record " + failure.rowNumber() + " on line " + failure.line() + ", in step '" + failure.step() + "': "
                    + Texts.cut(failure.error()) + ". Fix the input or the script, or raise errors.maxErrors");
        }
    }

    /**
     * Fails a run in which every record failed, unless {@code errors.maxErrors} was set: a typo in
     * {@code sink.columns} that dead-letters every row must not look like success.
     */
    public void checkNotAllFailed() {
        long in = counters.in.get();
        if (maxErrors.isPresent() || in == 0 || counters.failed.get() != in) {
            return;
        }
        Map.Entry<String, long[]> top = null;
        for (Map.Entry<String, long[]> e : reasons.entrySet()) {
            if (top == null || e.getValue()[0] > top.getValue()[0]) {
                top = e;
            }
        }
        throw new FlowEngineException("every record failed (" + in + " of " + in + ")"
                + (top == null ? "" : "; the most common error, in " + top.getValue()[0] + " of them: " + top.getKey())
                + ". The output was not written" + (policy == ErrorPolicy.DEAD_LETTER ? "; the dead letters were kept" : "")
                + ". Fix the cause, or set errors.maxErrors to accept such a run");
    }
}

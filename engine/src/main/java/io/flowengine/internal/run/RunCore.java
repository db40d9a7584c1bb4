package io.flowengine.internal.run;

import io.flowengine.Columns;
import io.flowengine.DeadLetter;
import io.flowengine.ErrorPolicy;
import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec;
import io.flowengine.Row;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The accounting of one run, shared by every runner: it takes the chunks' results in input order
 * and gives every record exactly one fate — written (all of its rows fit the output), filtered,
 * or failed under {@code errors.onError} — counting each as it is decided. Free of any streaming
 * library; not thread-safe: a runner calls it from one thread at a time, in input order.
 *
 * <p>The path from a row error to a dead letter is here: {@link #accept} → {@link OutputStage}
 * (rows that do not fit the header fail) → {@link FailurePolicy} (fail, skip or dead-letter).
 */
public final class RunCore {

    private final ErrorPolicy onError;
    private final OutputStage stage;
    private final FailurePolicy policy;
    private final RunCounters counters;

    /**
     * @param stage formats or hands on the rows
     * @param deadLetters where failed records go under {@code errors.onError: dead-letter}
     */
    public RunCore(PipelineSpec spec, RunCounters counters, OutputStage stage, Consumer<DeadLetter> deadLetters) {
        this.onError = spec.errors().onError();
        this.stage = stage;
        this.counters = counters;
        this.policy = new FailurePolicy(onError, spec.errors().maxErrors(), counters, deadLetters);
    }

    /** The output header once known (see {@link OutputStage#header()}). */
    public Columns outputHeader() {
        return stage.header();
    }

    public RunCounters counters() {
        return counters;
    }

    /** Appends the rows of {@code p} that fit to {@code csv}, with the output header before the first. */
    public void accept(Processed p, StringBuilder csv) {
        stage.accept(outcome(p), csv, policy, counters);
    }

    /** Hands each row of {@code p} with the input row it came from to {@code rows}. */
    public void accept(Processed p, BiConsumer<Row, Row> rows) {
        stage.acceptWithInputs(outcome(p), policy, counters, rows);
    }

    /** A record that was counted as written failed later (its HTTP batch was not delivered). */
    public void failDelivered(Row from, int rows, String why) {
        counters.undeliver(rows);
        policy.accept(new DeadLetter(from, from.rowNumber(), from.line(), "sink", why, ""));
    }

    /**
     * The input has ended and every chunk has been accepted: writes the header of an output that
     * had no rows, and fails a run whose every record failed (see {@link FailurePolicy#checkNotAllFailed}).
     */
    public void finish(StringBuilder csv) {
        policy.checkNotAllFailed();
        if (csv != null) {
            stage.finish(csv);
        }
    }

    /**
     * The outcome of {@code p}; for a chunk that failed as a whole, every record failed in step
     * {@code engine} — or, under {@code fail}, the run fails with the chunk's error. An error that
     * is not the engine's (a bug) always fails the run.
     */
    private Outcome outcome(Processed p) {
        if (p.error() == null) {
            return p.outcome();
        }
        if (onError == ErrorPolicy.FAIL || !(p.error() instanceof FlowEngineException)) {
            throw p.error();
        }
        return ChunkProcessor.failedWhole(p.chunk(), "engine", p.error().getMessage());
    }
}

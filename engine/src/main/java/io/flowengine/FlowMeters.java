package io.flowengine;

import java.util.List;


/**
 * Every meter FlowEngine records, with its tag keys, in one place. Tags are low-cardinality:
 * pipeline names, step names and statuses, never row data, paths or messages. Names are
 * Micrometer's dotted form; a Prometheus registry shows them as docs/metrics.md lists them
 * ({@code flowengine.rows.in} → {@code flowengine_rows_in_total}).
 */
public enum FlowMeters {
    ROWS_IN("flowengine.rows.in", "Data records read (the header not counted)", "pipeline"),
    ROWS_OUT("flowengine.rows.out", "Records that produced output", "pipeline"),
    ROWS_FILTERED("flowengine.rows.filtered", "Records dropped on purpose (a filter, or a script returning null or [])", "pipeline"),
    ROWS_FAILED("flowengine.rows.failed", "Records skipped or dead-lettered, by the step where they failed", "pipeline", "step"),
    RETRIES("flowengine.retries", "Transient failures retried (the HTTP sink's)", "pipeline"),
    RUNS("flowengine.runs", "Runs ended, by status", "pipeline", "status"),
    RUNS_ACTIVE("flowengine.runs.active", "Runs under way", "pipeline"),
    /** Time per row in a step, sampled (one chunk in eight is timed); {@code _count} counts timed rows. */
    STEP_DURATION("flowengine.step.duration", "Time per row in the step, sampled on one chunk in eight", "pipeline", "step");

    private final String meterName;
    private final String description;
    private final String[] tagKeys;

    FlowMeters(String meterName, String description, String... tagKeys) {
        this.meterName = meterName;
        this.description = description;
        this.tagKeys = tagKeys;
    }

    /** What the meter counts, as its HELP text says. */
    public String description() {
        return description;
    }

    public String meterName() {
        return meterName;
    }

    public List<String> tagKeys() {
        return List.of(tagKeys);
    }
}

package io.flowengine;

/**
 * Every meter FlowEngine records, with its tag keys, in one place. Tags are low-cardinality:
 * pipeline names, step names and statuses, never row data, paths or messages. Names are
 * Micrometer's dotted form; a Prometheus registry shows them as in PRODUCT.md
 * ({@code flowengine.rows.in} → {@code flowengine_rows_in_total}).
 */
public enum FlowMeters {
    ROWS_IN("flowengine.rows.in", "pipeline"),
    ROWS_OUT("flowengine.rows.out", "pipeline"),
    ROWS_FILTERED("flowengine.rows.filtered", "pipeline"),
    ROWS_FAILED("flowengine.rows.failed", "pipeline", "step"),
    RETRIES("flowengine.retries", "pipeline"),
    RUNS("flowengine.runs", "pipeline", "status"),
    RUNS_ACTIVE("flowengine.runs.active", "pipeline"),
    /** Time per row in a step, sampled (one chunk in eight is timed); {@code _count} counts timed rows. */
    STEP_DURATION("flowengine.step.duration", "pipeline", "step");

    private final String meterName;
    private final String[] tagKeys;

    FlowMeters(String meterName, String... tagKeys) {
        this.meterName = meterName;
        this.tagKeys = tagKeys;
    }

    public String meterName() {
        return meterName;
    }

    public java.util.List<String> tagKeys() {
        return java.util.List.of(tagKeys);
    }
}

package io.flowengine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a run did. Every data record read is accounted for exactly once:
 * {@code rowsIn == rowsOut + rowsFiltered + rowsFailed}.
 *
 * <p>The counts are per input record: a record whose script returns an array of three rows
 * counts once in {@code rowsOut}; {@code rowsWritten} counts the rows that reached the sink.
 *
 * @param status succeeded or failed
 * @param rowsIn data records read (parsable or not; the header is not counted)
 * @param rowsOut records that produced output
 * @param rowsFiltered records dropped on purpose (a filter, or a script returning null/[])
 * @param rowsFailed records that failed and were skipped or dead-lettered
 * @param rowsWritten rows written to the sink
 * @param duration wall time of the run
 * @param error why the run failed, when it did
 * @param steps how each step ran (compiled or on GraalJS)
 */
public record RunSummary(RunStatus status, long rowsIn, long rowsOut, long rowsFiltered,
        long rowsFailed, long rowsWritten, Duration duration, Optional<FlowEngineException> error, List<StepRuntime> steps) {

    public RunSummary {
        steps = List.copyOf(steps);
    }

    /** A summary that does not say how the steps ran. */
    public RunSummary(RunStatus status, long rowsIn, long rowsOut, long rowsFiltered, long rowsFailed, long rowsWritten,
            Duration duration, Optional<FlowEngineException> error) {
        this(status, rowsIn, rowsOut, rowsFiltered, rowsFailed, rowsWritten, duration, error, List.of());
    }

    public boolean succeeded() {
        return status == RunStatus.SUCCEEDED;
    }

    /** The summary as the JSON object of PRODUCT.md ({@code --summary FILE}). */
    public String toJson() {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"status\":\"").append(status.key()).append('"')
                .append(",\"rowsIn\":").append(rowsIn)
                .append(",\"rowsOut\":").append(rowsOut)
                .append(",\"rowsFiltered\":").append(rowsFiltered)
                .append(",\"rowsFailed\":").append(rowsFailed)
                .append(",\"rowsWritten\":").append(rowsWritten)
                .append(",\"durationMs\":").append(duration.toMillis());
        sb.append(",\"steps\":[");
        for (int i = 0; i < steps.size(); i++) {
            sb.append(i == 0 ? "" : ",").append("{\"name\":\"").append(io.flowengine.internal.config.Texts.jsonEscape(steps.get(i).step()))
                    .append("\",\"runtime\":\"").append(steps.get(i).runtime()).append("\"}");
        }
        sb.append(']');
        error.ifPresent(e -> sb.append(",\"error\":\"").append(io.flowengine.internal.config.Texts.jsonEscape(e.getMessage())).append('"'));
        return sb.append('}').toString();
    }
}

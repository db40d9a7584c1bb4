package io.flowengine;

import io.flowengine.internal.config.Json;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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

    /**
     * The summary line the command-line tools print after a run, after their name:
     * {@code succeeded in 1.2 s: 1,000 rows in, 990 out, 5 filtered, 5 failed}.
     */
    public String line() {
        String line = String.format(Locale.ROOT, "%s in %.1f s: %,d %s in, %,d out, %,d filtered, %,d failed%s",
                status.key(), duration.toMillis() / 1000.0, rowsIn, rowsIn == 1 ? "row" : "rows",
                rowsOut, rowsFiltered, rowsFailed,
                rowsWritten != rowsOut ? String.format(Locale.ROOT, " (%,d %s written)", rowsWritten,
                        rowsWritten == 1 ? "row" : "rows") : "");
        if (rowsFailed * 2 > rowsIn && rowsIn > 0) {
            line += String.format(Locale.ROOT, "; more than half of the records failed (%d%%)",
                    Math.round(100.0 * rowsFailed / rowsIn));
        }
        return line;
    }

    /** The summary as the JSON object that {@code --summary FILE} writes (docs/cli.md), written by Jackson. */
    public String toJson() {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringField("status", status.key());
            g.writeNumberField("rowsIn", rowsIn);
            g.writeNumberField("rowsOut", rowsOut);
            g.writeNumberField("rowsFiltered", rowsFiltered);
            g.writeNumberField("rowsFailed", rowsFailed);
            g.writeNumberField("rowsWritten", rowsWritten);
            g.writeNumberField("durationMs", duration.toMillis());
            g.writeArrayFieldStart("steps");
            for (StepRuntime step : steps) {
                g.writeStartObject();
                g.writeStringField("name", step.step());
                g.writeStringField("runtime", step.runtime());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (error.isPresent()) {
                g.writeStringField("error", error.get().getMessage());
            }
            g.writeEndObject();
        });
    }
}

package io.flowengine.internal.run;

import io.flowengine.RunSummary;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * The log of one run: every line carries the run id and the pipeline name (MDC keys {@code run}
 * and {@code pipeline}), whichever thread logs it. Loggers: {@code flowengine.run} for the run's
 * own events, {@code flowengine.script} for what scripts print with {@code console.log}.
 */
public final class RunLog {

    private static final Logger RUNS = LoggerFactory.getLogger("flowengine.run");
    private static final Logger SCRIPTS = LoggerFactory.getLogger("flowengine.script");

    private final String runId;
    private final String pipeline;

    public RunLog(String runId, String pipeline) {
        this.runId = runId;
        this.pipeline = pipeline;
    }

    public String runId() {
        return runId;
    }

    /** A new run id: 32 hex digits. */
    public static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * One line at the end of a run, at INFO whether it succeeded or failed: how a run ended is
     * its caller's to report (the CLI prints it; the server answers with it and keeps it).
     */
    public void ended(RunSummary s) {
        String counts = s.rowsIn() + (s.rowsIn() == 1 ? " row in, " : " rows in, ") + s.rowsOut() + " out, " + s.rowsFiltered() + " filtered, " + s.rowsFailed() + " failed";
        if (s.succeeded()) {
            info("run succeeded in {} ms: {}", s.duration().toMillis(), counts);
        } else {
            info("run failed after {} ms: {} ({})", s.duration().toMillis(), s.error().map(Throwable::getMessage).orElse("unknown error"), counts);
        }
    }

    public void debug(String format, Object... args) {
        log(RUNS, Level.DEBUG, format, args);
    }

    public void info(String format, Object... args) {
        log(RUNS, Level.INFO, format, args);
    }

    public void warn(String format, Object... args) {
        log(RUNS, Level.WARN, format, args);
    }

    /**
     * Logs with this run's id and pipeline in the MDC, on whichever thread calls. Only SLF4J 1.7's
     * API: a host may bring its own SLF4J 1.7 (Apache Flink loads it parent-first).
     */
    private void log(Logger logger, Level level, String format, Object... args) {
        boolean enabled = switch (level) {
            case DEBUG -> logger.isDebugEnabled();
            case WARN -> logger.isWarnEnabled();
            default -> logger.isInfoEnabled();
        };
        if (enabled) {
            MDC.put("run", runId);
            MDC.put("pipeline", pipeline);
            try {
                switch (level) {
                    case DEBUG -> logger.debug(format, args);
                    case WARN -> logger.warn(format, args);
                    default -> logger.info(format, args);
                }
            } finally {
                MDC.remove("run");
                MDC.remove("pipeline");
            }
        }
    }

    /** A stream for scripts' console: each line it receives is logged at INFO on {@code flowengine.script}. */
    public OutputStream console() {
        return new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                if (b == '\n') {
                    flushLine();
                } else if (line.size() < 64 * 1024) {
                    line.write(b);
                }
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    write(b[i]);
                }
            }

            @Override
            public synchronized void close() {
                if (line.size() > 0) {
                    flushLine();
                }
            }

            private void flushLine() {
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                if (text.endsWith("\r")) {
                    text = text.substring(0, text.length() - 1);
                }
                log(SCRIPTS, Level.INFO, "{}", text);
            }
        };
    }
}

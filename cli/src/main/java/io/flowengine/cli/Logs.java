package io.flowengine.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.MDC;
import picocli.CommandLine.Option;

/**
 * Logging for the CLI: SLF4J (the engine's logs) and Reactor's logs go through java.util.logging
 * to one handler on stderr — never stdout, which may carry the CSV — one line a record, as text
 * or JSON. Every line of a run carries its run id (MDC key {@code run}).
 */
final class Logs {

    enum Format { text, json }

    enum LogLevel {
        error(Level.SEVERE), warn(Level.WARNING), info(Level.INFO), debug(Level.FINE);

        final Level jul;

        LogLevel(Level jul) {
            this.jul = jul;
        }
    }

    /** The options, as a picocli mixin. */
    static final class Options {
        @Option(names = "--log-format", paramLabel = "FORMAT", description = "Log lines as text (default) or json, on stderr.")
        Format format = Format.text;

        @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info or debug (default: warn for runs, info for serve).")
        LogLevel level;
    }

    /** Held strongly: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final Logger SCRIPT_LOGGER = Logger.getLogger("flowengine.script");

    private Logs() {
    }

    /**
     * Sends every log record at {@code level} or above (and scripts' console output, always) to
     * {@code err}, formatted as {@code format}.
     */
    static void configure(PrintStream err, Options options, LogLevel defaultLevel) {
        Level level = (options.level != null ? options.level : defaultLevel).jul;
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    String line = getFormatter().format(record);
                    synchronized (err) {
                        err.print(line);
                        err.flush();
                    }
                }
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {
                flush();
            }
        };
        handler.setFormatter(options.format == Format.json ? new Json() : new Text());
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(level);
        // what scripts print with console.log is the user's own output: shown at any level
        SCRIPT_LOGGER.setLevel(Level.INFO.intValue() < level.intValue() ? Level.INFO : level);
    }

    static String levelName(Level l) {
        int v = l.intValue();
        return v >= Level.SEVERE.intValue() ? "ERROR" : v >= Level.WARNING.intValue() ? "WARN"
                : v >= Level.INFO.intValue() ? "INFO" : v >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    /** {@code 2026-11-22T05:01:12.345 INFO flowengine.run run succeeded ... run=ID} */
    static final class Text extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(128);
            sb.append(TIME.format(r.getInstant())).append(' ').append(levelName(r.getLevel())).append(' ')
                    .append(r.getLoggerName()).append(' ');
            escapeControls(sb, formatMessage(r));
            String run = MDC.get("run");
            if (run != null) {
                sb.append(" run=").append(run);
            }
            if (r.getThrown() != null) {
                sb.append(System.lineSeparator()).append(stackTrace(r.getThrown()).stripTrailing());
            }
            return sb.append(System.lineSeparator()).toString();
        }
    }

    /**
     * Appends {@code text} with control characters shown, not obeyed: a script's console.log of
     * a carriage return or an escape sequence cannot rewrite or recolour the terminal.
     */
    static void escapeControls(StringBuilder sb, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c < 0x20 && c != '\t' || c == 0x7f || c >= 0x80 && c < 0xa0) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
    }

    /** One JSON object a line: time, level, logger, message, the MDC keys (run, pipeline), error; written by Jackson. */
    static final class Json extends Formatter {
        private static final JsonFactory JSON = JsonFactory.builder().build();

        @Override
        public String format(LogRecord r) {
            StringWriter line = new StringWriter(192);
            try (JsonGenerator g = JSON.createGenerator(line)) {
                g.writeStartObject();
                g.writeStringField("time", Instant.ofEpochMilli(r.getMillis()).toString());
                g.writeStringField("level", levelName(r.getLevel()));
                g.writeStringField("logger", r.getLoggerName());
                g.writeStringField("message", formatMessage(r));
                Map<String, String> mdc = MDC.getCopyOfContextMap();
                if (mdc != null) {
                    for (Map.Entry<String, String> e : new TreeMap<>(mdc).entrySet()) {
                        g.writeStringField(e.getKey(), e.getValue());
                    }
                }
                g.writeStringField("thread", Thread.currentThread().getName());
                if (r.getThrown() != null) {
                    g.writeStringField("error", stackTrace(r.getThrown()));
                }
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return line.append(System.lineSeparator()).toString();
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }
}

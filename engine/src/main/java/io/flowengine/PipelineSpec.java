package io.flowengine;

import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A resolved, validated pipeline: what the pipeline file says, typed. Immutable; the
 * {@code with*} methods return changed copies.
 *
 * @param name the pipeline's name
 * @param file the pipeline file, or a made-up name for pipelines built in code
 * @param baseDir the folder relative paths are resolved against
 */
public record PipelineSpec(String name, String file, Path baseDir, Map<String, String> vars,
        SourceSpec source, List<StepSpec> steps, SinkSpec sink, ErrorsSpec errors,
        ExecutionSpec execution, List<TestSpec> tests) {

    public PipelineSpec {
        Objects.requireNonNull(name, "name");
        vars = Map.copyOf(vars);
        steps = List.copyOf(steps);
        tests = List.copyOf(tests);
    }

    /** A pipeline with the given steps and every default: CSV in and out, fail on error. */
    public static PipelineSpec of(String name, List<StepSpec> steps) {
        return new PipelineSpec(name, name, Path.of("").toAbsolutePath(), Map.of(),
                SourceSpec.DEFAULT, steps, SinkSpec.DEFAULT, ErrorsSpec.DEFAULT,
                ExecutionSpec.defaults(), List.of());
    }

    public PipelineSpec withVars(Map<String, String> vars) {
        return new PipelineSpec(name, file, baseDir, vars, source, steps, sink, errors, execution, tests);
    }

    public PipelineSpec withSource(SourceSpec source) {
        return new PipelineSpec(name, file, baseDir, vars, source, steps, sink, errors, execution, tests);
    }

    public PipelineSpec withSink(SinkSpec sink) {
        return new PipelineSpec(name, file, baseDir, vars, source, steps, sink, errors, execution, tests);
    }

    public PipelineSpec withErrors(ErrorsSpec errors) {
        return new PipelineSpec(name, file, baseDir, vars, source, steps, sink, errors, execution, tests);
    }

    public PipelineSpec withTests(List<TestSpec> tests) {
        return new PipelineSpec(name, file, baseDir, vars, source, steps, sink, errors, execution, List.copyOf(tests));
    }

    public PipelineSpec withExecution(ExecutionSpec execution) {
        return new PipelineSpec(name, file, baseDir, vars, source, steps, sink, errors, execution, tests);
    }

    /** A CSV dialect preset. */
    public enum Format {
        CSV("csv", ','), TSV("tsv", '\t'), PSV("psv", '|');

        private final String key;
        private final char delimiter;

        Format(String key, char delimiter) {
            this.key = key;
            this.delimiter = delimiter;
        }

        public String key() {
            return key;
        }

        public char delimiter() {
            return delimiter;
        }
    }

    /** What the sink does when the output file exists. */
    public enum WriteMode {
        /** Fail if the output file exists. */
        CREATE("create"),
        /** Atomically replace the output file. */
        REPLACE("replace");

        private final String key;

        WriteMode(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** The CSV dialect and charset of a source or sink. */
    public record CsvOptions(char delimiter, char quote, Charset encoding) {
        public static final CsvOptions DEFAULT = new CsvOptions(',', '"', StandardCharsets.UTF_8);
    }

    /**
     * @param maxFieldSize the longest field, in characters, before its record is set aside
     * @param maxRecordSize the longest record, in characters: bounds memory whatever the input
     */
    public record SourceSpec(Optional<Path> path, boolean header, CsvOptions csv, int maxFieldSize, int maxRecordSize,
            Compression compression, Layout layout) {
        public static final int DEFAULT_MAX_FIELD_SIZE = 1 << 20;
        public static final int DEFAULT_MAX_RECORD_SIZE = 4 << 20;
        public static final SourceSpec DEFAULT = new SourceSpec(Optional.empty(), true, CsvOptions.DEFAULT,
                DEFAULT_MAX_FIELD_SIZE, DEFAULT_MAX_RECORD_SIZE);

        /** With {@code compression: auto} and the default layout. */
        public SourceSpec(Optional<Path> path, boolean header, CsvOptions csv, int maxFieldSize, int maxRecordSize) {
            this(path, header, csv, maxFieldSize, maxRecordSize, Compression.AUTO, Layout.DEFAULT);
        }

        public SourceSpec withLimits(int maxFieldSize, int maxRecordSize) {
            return new SourceSpec(path, header, csv, maxFieldSize, maxRecordSize, compression, layout);
        }

        public SourceSpec withLayout(Layout layout) {
            return new SourceSpec(path, header, csv, maxFieldSize, maxRecordSize, compression, layout);
        }
    }

    /** What a record whose field count differs from the header's becomes ({@code source.ragged}). */
    public enum Ragged {
        /** It fails (a dead letter under {@code errors.onError: dead-letter}). */
        ERROR("error"),
        /** A short one is padded with ""; a long one whose extra fields are all empty (a trailing delimiter) loses them; any other long one fails. */
        PAD("pad"),
        /** As {@code pad}, and a long one keeps its extra fields, as CSV text, in an {@code _extra} column that every row has. */
        KEEP("keep");

        private final String key;

        Ragged(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /**
     * How an input is laid out beyond its dialect. Serializable (its values are plain), so a
     * runner can ship it (Flink).
     *
     * @param ragged what a record with the wrong number of fields becomes
     * @param trimHeaders whether header names lose surrounding whitespace
     * @param columns the column names to use ({@code source.columns}); null: the header's, or c1..cN
     * @param skipLines physical lines skipped before the header (a preamble)
     * @param comment lines starting with it are skipped; null: none
     * @param ndjson the input is NDJSON ({@code source.format: ndjson}): one JSON object a line,
     *     the first object's keys are the columns
     * @param unionColumns with several inputs: the columns are the union of their headers (a file's
     *     missing columns are ""), instead of every header having to be the first's
     */
    public record Layout(Ragged ragged, boolean trimHeaders, List<String> columns, int skipLines, Character comment,
            boolean ndjson, boolean unionColumns) implements java.io.Serializable {
        public static final Layout DEFAULT = new Layout(Ragged.ERROR, false, null, 0, null, false, false);

        public Layout {
            columns = columns == null ? null : List.copyOf(columns);
        }

        /** Without {@code unionColumns}. */
        public Layout(Ragged ragged, boolean trimHeaders, List<String> columns, int skipLines, Character comment, boolean ndjson) {
            this(ragged, trimHeaders, columns, skipLines, comment, ndjson, false);
        }

        /** A CSV layout. */
        public Layout(Ragged ragged, boolean trimHeaders, List<String> columns, int skipLines, Character comment) {
            this(ragged, trimHeaders, columns, skipLines, comment, false);
        }
    }

    /** Whether a file is compressed ({@code source.compression}, {@code sink.compression}). */
    public enum Compression {
        /**
         * Input: gzip or zstd when its bytes say so; output: gzip when its name ends in {@code .gz},
         * zstd when in {@code .zst}.
         */
        AUTO("auto"),
        /** Read and written as they are. */
        NONE("none"),
        /** gzip, whatever the name. */
        GZIP("gzip"),
        /** zstd, whatever the name. */
        ZSTD("zstd");

        private final String key;

        Compression(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /**
     * @param columns the output columns, in order; empty: those of the first output row
     */
    public record SinkSpec(Optional<Path> path, CsvOptions csv, Optional<List<String>> columns, WriteMode mode,
            Optional<HttpSinkSpec> http, Compression compression, OutputFormat format) {
        public static final SinkSpec DEFAULT = new SinkSpec(Optional.empty(), CsvOptions.DEFAULT,
                Optional.empty(), WriteMode.REPLACE, Optional.empty());

        public SinkSpec {
            columns = columns.map(List::copyOf);
        }

        /** With {@code compression: auto} and the format of the output's name. */
        public SinkSpec(Optional<Path> path, CsvOptions csv, Optional<List<String>> columns, WriteMode mode,
                Optional<HttpSinkSpec> http) {
            this(path, csv, columns, mode, http, Compression.AUTO, OutputFormat.AUTO);
        }

        public SinkSpec withHttp(HttpSinkSpec http) {
            return new SinkSpec(path, csv, columns, mode, Optional.of(http), compression, format);
        }

        public SinkSpec withFormat(OutputFormat format) {
            return new SinkSpec(path, csv, columns, mode, http, compression, format);
        }
    }

    /** What the output is written as ({@code sink.format}). */
    public enum OutputFormat {
        /** By the output's name: {@code .ndjson} or {@code .jsonl} NDJSON, {@code .json} JSON, else CSV. */
        AUTO("auto"),
        /** CSV (TSV, PSV: the delimiter says which), with the header. */
        CSV("csv"),
        /** One JSON object per line, keys in the output columns' order, values as strings. */
        NDJSON("ndjson"),
        /** One JSON array of such objects. */
        JSON("json");

        private final String key;

        OutputFormat(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        /** This format for an output named {@code name} ({@code null}: a stream). */
        public OutputFormat forName(String name) {
            if (this != AUTO) {
                return this;
            }
            String n = name == null ? "" : name.toLowerCase(java.util.Locale.ROOT)
                    .replaceFirst("\\.(gz|gzip|zst|zstd)$", "");
            return n.endsWith(".ndjson") || n.endsWith(".jsonl") ? NDJSON : n.endsWith(".json") ? JSON : CSV;
        }

        /** The HTTP media type. */
        public String mediaType() {
            return switch (this) {
                case NDJSON -> "application/x-ndjson";
                case JSON -> "application/json";
                default -> "text/csv";
            };
        }
    }

    /** How an HTTP sink sends rows. */
    public enum HttpBody {
        /** A JSON array of objects, column name to value. */
        JSON("json"),
        /** A CSV document with a header. */
        CSV("csv");

        private final String key;

        HttpBody(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /**
     * A sink that POSTs batches of rows to {@code url}.
     *
     * @param batchRows rows per request
     * @param maxInFlight requests under way at once
     * @param timeout how long one request may take before it counts as a (transient) failure
     * @param headers request headers (values interpolated from the environment at load time)
     */
    public record HttpSinkSpec(URI url, int batchRows, HttpBody body, Map<String, String> headers,
            int maxInFlight, Duration timeout) {
        public HttpSinkSpec {
            headers = Map.copyOf(headers);
        }

        public static HttpSinkSpec of(URI url) {
            return new HttpSinkSpec(url, 500, HttpBody.JSON, Map.of(), 2, Duration.ofSeconds(30));
        }
    }

    /**
     * Retries of transient failures: exponential backoff from {@code backoff}, with jitter, never
     * longer than {@code maxBackoff} (a server's Retry-After is honoured up to that too).
     *
     * @param maxAttempts attempts in all, the first one included
     */
    public record RetrySpec(int maxAttempts, Duration backoff, Duration maxBackoff) {
        public static final RetrySpec DEFAULT = new RetrySpec(3, Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    public record ErrorsSpec(ErrorPolicy onError, Optional<Path> deadLetter, OptionalLong maxErrors, RetrySpec retry) {
        public static final ErrorsSpec DEFAULT = new ErrorsSpec(ErrorPolicy.FAIL, Optional.empty(), OptionalLong.empty(),
                RetrySpec.DEFAULT);

        public static ErrorsSpec of(ErrorPolicy onError) {
            return new ErrorsSpec(onError, Optional.empty(), OptionalLong.empty(), RetrySpec.DEFAULT);
        }

        public ErrorsSpec withRetry(RetrySpec retry) {
            return new ErrorsSpec(onError, deadLetter, maxErrors, retry);
        }

        /** More failed records than {@code maxErrors} fail the run; setting it also accepts a run whose every record failed. */
        public ErrorsSpec withMaxErrors(long maxErrors) {
            return new ErrorsSpec(onError, deadLetter, OptionalLong.of(maxErrors), retry);
        }
    }

    /**
     * @param parallelism JavaScript rails
     * @param ordered whether output keeps input order
     * @param chunkSize records handed to a rail at a time
     * @param prefetch chunks buffered between stages (bounds memory together with chunkSize)
     * @param scriptTimeout how long the steps may run on one row before it fails
     * @param javascript whether steps inside the compiled subset run as compiled Java
     */
    public record ExecutionSpec(int parallelism, boolean ordered, int chunkSize, int prefetch, Duration scriptTimeout,
            JavaScriptMode javascript) {
        /** The default per-row script budget. */
        public static final Duration DEFAULT_SCRIPT_TIMEOUT = Duration.ofSeconds(1);
        /** The most JavaScript rails a run may have. */
        public static final int MAX_PARALLELISM = 256;
        /** The largest chunk. */
        public static final int MAX_CHUNK_SIZE = 65_536;
        /** The most chunks buffered between stages. */
        public static final int MAX_PREFETCH = 1024;

        public ExecutionSpec {
            if (parallelism < 1 || chunkSize < 1 || prefetch < 1) {
                throw new IllegalArgumentException("parallelism, chunkSize and prefetch must be at least 1");
            }
            if (parallelism > MAX_PARALLELISM || chunkSize > MAX_CHUNK_SIZE || prefetch > MAX_PREFETCH) {
                throw new IllegalArgumentException("parallelism, chunkSize and prefetch must be at most " + MAX_PARALLELISM
                        + ", " + MAX_CHUNK_SIZE + " and " + MAX_PREFETCH);
            }
            if (scriptTimeout.isNegative() || scriptTimeout.isZero()) {
                throw new IllegalArgumentException("scriptTimeout must be positive");
            }
        }

        /** Steps compiled where they can be ({@link JavaScriptMode#AUTO}). */
        public ExecutionSpec(int parallelism, boolean ordered, int chunkSize, int prefetch, Duration scriptTimeout) {
            this(parallelism, ordered, chunkSize, prefetch, scriptTimeout, JavaScriptMode.AUTO);
        }

        public ExecutionSpec withJavaScript(JavaScriptMode javascript) {
            return new ExecutionSpec(parallelism, ordered, chunkSize, prefetch, scriptTimeout, javascript);
        }

        /** With the default script timeout. */
        public ExecutionSpec(int parallelism, boolean ordered, int chunkSize, int prefetch) {
            this(parallelism, ordered, chunkSize, prefetch, DEFAULT_SCRIPT_TIMEOUT);
        }

        public static ExecutionSpec defaults() {
            return new ExecutionSpec(Runtime.getRuntime().availableProcessors(), true, 256, 4);
        }

        public ExecutionSpec withParallelism(int parallelism) {
            return new ExecutionSpec(parallelism, ordered, chunkSize, prefetch, scriptTimeout, javascript);
        }

        public ExecutionSpec withChunkSize(int chunkSize) {
            return new ExecutionSpec(parallelism, ordered, chunkSize, prefetch, scriptTimeout, javascript);
        }

        public ExecutionSpec withScriptTimeout(Duration scriptTimeout) {
            return new ExecutionSpec(parallelism, ordered, chunkSize, prefetch, scriptTimeout, javascript);
        }
    }

    /**
     * Where a script's text sits in the file it came from, so positions reported by the
     * JavaScript engine can be mapped back: code position (l, c) is file position
     * (line + l - 1, l == 1 ? column + c - 1 : indent + c).
     */
    public record CodeOrigin(String file, int line, int column, int indent) {
        public static CodeOrigin of(String file) {
            return new CodeOrigin(file, 1, 1, 0);
        }

        public int fileLine(int codeLine) {
            return line + codeLine - 1;
        }

        public int fileColumn(int codeLine, int codeColumn) {
            return codeLine == 1 ? column + codeColumn - 1 : indent + codeColumn;
        }
    }

    /**
     * One step. {@code kind} names its factory ({@code javascript}, {@code filter}); {@code code}
     * is its script or expression.
     */
    public record StepSpec(String name, String kind, String code, CodeOrigin origin) {
        public static StepSpec javascript(String name, String code) {
            return new StepSpec(name, "javascript", code, CodeOrigin.of(name + ".js"));
        }

        public static StepSpec filter(String name, String expression) {
            return new StepSpec(name, "filter", expression, CodeOrigin.of(name));
        }
    }

    /** How JavaScript steps run ({@code execution.javascript}). */
    public enum JavaScriptMode {
        /** Steps inside the compiled subset run as compiled Java, with GraalJS's results; the rest on GraalJS. */
        AUTO("auto"),
        /** Every step on GraalJS. */
        GRAALJS("graaljs");

        private final String key;

        JavaScriptMode(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** A pipeline test: the CSV {@code input} must produce the CSV {@code expect}. */
    public record TestSpec(String name, String input, String expect) {
    }
}

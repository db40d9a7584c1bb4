package io.flowengine.internal.config;

import io.flowengine.ErrorPolicy;
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineSpec.CodeOrigin;
import io.flowengine.PipelineSpec.CsvOptions;
import io.flowengine.PipelineSpec.ErrorsSpec;
import io.flowengine.PipelineSpec.ExecutionSpec;
import io.flowengine.PipelineSpec.Format;
import io.flowengine.PipelineSpec.SinkSpec;
import io.flowengine.PipelineSpec.SourceSpec;
import io.flowengine.PipelineSpec.StepSpec;
import io.flowengine.PipelineSpec.TestSpec;
import io.flowengine.PipelineSpec.WriteMode;
import io.flowengine.PipelineValidationException;
import io.flowengine.Problem;
import io.flowengine.internal.config.Node.ListNode;
import io.flowengine.internal.config.Node.MapNode;
import io.flowengine.internal.config.Node.ScalarNode;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Turns a pipeline file into a {@link PipelineSpec}, reporting every problem at once with its
 * position and a fix. Scripts are only located here; their syntax is checked when they compile.
 */
public final class PipelineLoader extends FieldReader {

    private static final List<String> ROOT_KEYS =
            List.of("version", "name", "vars", "source", "steps", "sink", "errors", "execution", "tests");
    private static final List<String> SOURCE_KEYS = List.of("path", "format", "header", "delimiter", "quote", "encoding", "maxFieldSize", "maxRecordSize");
    private static final List<String> STEP_KEYS = List.of("name", "javascript", "file", "filter");
    private static final List<String> SINK_KEYS =
            List.of("path", "format", "columns", "mode", "encoding", "delimiter", "quote", "http");
    private static final List<String> ERRORS_KEYS = List.of("onError", "deadLetter", "maxErrors", "retry");
    private static final List<String> EXECUTION_KEYS = List.of("parallelism", "ordered", "chunkSize", "prefetch", "scriptTimeout",
            "javascript");
    private static final List<String> TEST_KEYS = List.of("name", "input", "expect");
    private static final List<String> RETRY_KEYS = List.of("maxAttempts", "backoff", "maxBackoff");

    private final String[] lines;
    private final Map<String, String> sets;
    /**
     * Every key the loader accepts, by section ("" is the top level; "steps[]" and "tests[]" are
     * their items). The JSON Schema in docs/ is kept in sync with this by a test.
     */
    public static java.util.Map<String, List<String>> keys() {
        java.util.Map<String, List<String>> keys = new java.util.LinkedHashMap<>();
        keys.put("", ROOT_KEYS);
        keys.put("source", SOURCE_KEYS);
        keys.put("steps[]", STEP_KEYS);
        keys.put("sink", SINK_KEYS);
        keys.put("sink.http", HTTP_KEYS);
        keys.put("errors", ERRORS_KEYS);
        keys.put("errors.retry", RETRY_KEYS);
        keys.put("execution", EXECUTION_KEYS);
        keys.put("tests[]", TEST_KEYS);
        return keys;
    }

    private List<StepSpec> stepsRead = List.of();

    private PipelineLoader(String file, Path baseDir, String text, Map<String, String> sets, Map<String, String> env) {
        super(file, baseDir, new Interpolator(env));
        this.lines = text.split("\r?\n", -1);
        this.sets = sets;
    }

    /**
     * Loads the pipeline file at {@code path}.
     *
     * @param sets {@code --set} values, overriding {@code vars}
     * @param env the environment for {@code ${NAME}} interpolation
     */
    public static PipelineSpec load(Path path, Map<String, String> sets, Map<String, String> env,
            Function<List<StepSpec>, List<Problem>> scriptCheck) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PipelineValidationException(List.of(new Problem(path.toString(), 0, 0,
                    "no such pipeline file. Check the path (relative paths start at " + Path.of("").toAbsolutePath() + ").")));
        } catch (IOException e) {
            throw new PipelineValidationException(List.of(new Problem(path.toString(), 0, 0,
                    "cannot read the pipeline file: " + e.getMessage())));
        }
        Path abs = path.toAbsolutePath();
        return parse(text, path.getFileName().toString(), abs.getParent(), sets, env, scriptCheck);
    }

    /**
     * Loads a pipeline from its text; relative paths resolve against {@code baseDir}. When the
     * file has problems, {@code scriptCheck} still checks the steps that could be read, so that
     * every problem is reported at once.
     */
    public static PipelineSpec parse(String text, String fileName, Path baseDir, Map<String, String> sets,
            Map<String, String> env, Function<List<StepSpec>, List<Problem>> scriptCheck) {
        PipelineLoader loader = new PipelineLoader(fileName, baseDir, text, sets, env);
        PipelineSpec spec = loader.read(text);
        if (!loader.problems.isEmpty()) {
            List<Problem> all = new ArrayList<>(loader.problems);
            all.addAll(scriptCheck.apply(loader.stepsRead));
            all.sort(Comparator.comparing(Problem::file).thenComparingInt(Problem::line).thenComparingInt(Problem::column));
            throw new PipelineValidationException(all);
        }
        return spec;
    }

    private PipelineSpec read(String text) {
        Node root = new TreeReader(file, problems).read(text);
        if (root == null) {
            return null;
        }
        if (!(root instanceof MapNode map)) {
            problem(root, "a pipeline file must be a mapping with keys such as 'source', 'steps' and 'sink', not "
                    + root.describe() + ".");
            return null;
        }
        checkKeys(map, "", ROOT_KEYS);
        scalar(map, "version").ifPresent(v -> {
            if (!v.text().equals("1")) {
                problem(v, "unsupported version " + v.text() + ". This FlowEngine reads 'version: 1'.");
            }
        });
        String defaultName = file.replaceFirst("\\.(ya?ml|json)$", "");
        String name = string(map, "name").orElse(defaultName);
        Map<String, String> vars = vars(map);
        SourceSpec source = source(map);
        List<StepSpec> steps = steps(map);
        stepsRead = steps;
        SinkSpec sink = sink(map);
        ErrorsSpec errors = errors(map);
        ExecutionSpec execution = execution(map);
        List<TestSpec> tests = tests(map);
        if (!problems.isEmpty()) {
            return null;
        }
        return new PipelineSpec(name, file, baseDir, vars, source, steps, sink, errors, execution, tests);
    }

    private Map<String, String> vars(MapNode root) {
        Map<String, String> vars = new LinkedHashMap<>();
        mapping(root, "vars").ifPresent(m -> m.entries().forEach((k, e) -> {
            if (e.value() instanceof ScalarNode s && s.type() != Node.ScalarType.NULL) {
                vars.put(k, interpolate(s));
            } else {
                problem(e.value(), "vars." + k + " must be a text or number value, not " + e.value().describe() + ".");
            }
        }));
        for (String name : sets.keySet()) {
            if (!vars.containsKey(name)) {
                String hint = Texts.suggest(name, vars.keySet());
                problems.add(new Problem(file, 0, 0, "--set " + name + "=...: the pipeline has no var '" + name + "'"
                        + (hint != null ? ". Did you mean '" + hint + "'?"
                                : vars.isEmpty() ? ". It declares no vars; add it under 'vars:' with a default"
                                : ". Its vars are " + String.join(", ", vars.keySet()) + "; add it under 'vars:' with a default")));
            }
        }
        vars.putAll(sets);
        return vars;
    }

    private SourceSpec source(MapNode root) {
        Optional<MapNode> node = mapping(root, "source");
        if (node.isEmpty()) {
            return SourceSpec.DEFAULT;
        }
        MapNode m = node.get();
        checkKeys(m, "source.", SOURCE_KEYS);
        boolean header = bool(m, "header").orElse(true);
        int maxField = size(m, "maxFieldSize").orElse(SourceSpec.DEFAULT_MAX_FIELD_SIZE);
        int maxRecord = size(m, "maxRecordSize").orElse(SourceSpec.DEFAULT_MAX_RECORD_SIZE);
        if (maxField > maxRecord) {
            scalar(m, "maxFieldSize").ifPresent(n -> problem(n, "source.maxFieldSize (" + maxField
                    + ") is larger than source.maxRecordSize (" + maxRecord + "). Raise maxRecordSize, or lower maxFieldSize."));
        }
        return new SourceSpec(path(m, "path"), header, csvOptions(m, "source."), maxField, maxRecord);
    }

    private CsvOptions csvOptions(MapNode m, String where) {
        Format format = enumValue(m, "format", Format.values(), Format::key).orElse(Format.CSV);
        char delimiter = character(m, "delimiter").orElse(format.delimiter());
        char quote = character(m, "quote").orElse('"');
        if (delimiter == quote) {
            entry(m, "quote").ifPresent(e -> problem(e.value(), where + "quote and delimiter are both '" + quote
                    + "'. Pick two different characters."));
        }
        Charset encoding = StandardCharsets.UTF_8;
        Optional<ScalarNode> enc = scalar(m, "encoding");
        if (enc.isPresent()) {
            String n = interpolate(enc.get());
            try {
                encoding = Charset.forName(n);
            } catch (IllegalArgumentException e) {
                String hint = Texts.suggest(n, Charset.availableCharsets().keySet());
                problem(enc.get(), "unknown encoding '" + Texts.cut(n) + "'."
                        + (hint != null ? " Did you mean '" + hint + "'?" : " Use a Java charset name such as UTF-8, ISO-8859-1 or windows-1252."));
            }
        }
        return new CsvOptions(delimiter, quote, encoding);
    }

    private List<StepSpec> steps(MapNode root) {
        Optional<Node.Entry> entry = entry(root, "steps");
        if (entry.isEmpty()) {
            // a pipeline that only converts (CSV to TSV, a file to sink.http) needs no steps
            return List.of();
        }
        Node value = entry.get().value();
        if (value instanceof ScalarNode s && s.type() == Node.ScalarType.NULL) {
            return List.of();
        }
        if (!(value instanceof ListNode list)) {
            problem(value, "'steps' must be a list (items start with '- '), not " + value.describe() + ".");
            return List.of();
        }
        List<StepSpec> steps = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            Node item = list.items().get(i);
            if (!(item instanceof MapNode m)) {
                problem(item, "step " + (i + 1) + " must be a mapping with 'name' and one of 'javascript', 'file' or 'filter', not "
                        + item.describe() + ".");
                continue;
            }
            String name = string(m, "name").orElse("step-" + (i + 1));
            if (names.contains(name)) {
                scalar(m, "name").ifPresent(n -> problem(n, "two steps are named '" + name + "'. Step names must be unique."));
            }
            names.add(name);
            checkKeys(m, "step '" + name + "': ", STEP_KEYS);
            StepSpec step = step(m, name);
            if (step != null) {
                steps.add(step);
            }
        }
        return steps;
    }

    private StepSpec step(MapNode m, String name) {
        List<String> kinds = new ArrayList<>();
        for (String k : List.of("javascript", "file", "filter")) {
            if (m.entries().containsKey(k)) {
                kinds.add(k);
            }
        }
        if (kinds.size() != 1) {
            problem(m, "step '" + name + "': " + (kinds.isEmpty() ? "says nothing to do" : "has " + String.join(" and ", kinds))
                    + ". Give exactly one of 'javascript' (inline code), 'file' (a .js file) or 'filter' (an expression).");
            return null;
        }
        String kind = kinds.get(0);
        ScalarNode code = rawString(m, kind).orElse(null);
        if (code == null) {
            return null;
        }
        switch (kind) {
            case "file": {
                Path script = baseDir.resolve(interpolate(code));
                try {
                    String text = Files.readString(script, StandardCharsets.UTF_8);
                    return new StepSpec(name, "javascript", text, CodeOrigin.of(script.getFileName().toString()));
                } catch (IOException e) {
                    problem(code, "step '" + name + "': cannot read script file " + script
                            + (e instanceof NoSuchFileException ? ": no such file" : ": " + e.getMessage())
                            + ". Paths are relative to the pipeline file's folder.");
                    return null;
                }
            }
            case "filter":
                if (code.text().isBlank()) {
                    problem(code, "step '" + name + "': the filter is empty. Write a JavaScript expression such as \"row.status !== 'cancelled'\".");
                    return null;
                }
                return new StepSpec(name, "filter", code.text(), origin(code));
            default:
                return new StepSpec(name, "javascript", code.text(), origin(code));
        }
    }

    /** Where the text of a scalar starts, from the scalar's style in the raw file. */
    private CodeOrigin origin(ScalarNode code) {
        String line = code.line() - 1 < lines.length ? lines[code.line() - 1] : "";
        int col = code.column();
        char style = col - 1 < line.length() ? line.charAt(col - 1) : ' ';
        if (style == '|' || style == '>') {
            for (int l = code.line(); l < lines.length; l++) {
                String text = lines[l];
                if (!text.isBlank()) {
                    int indent = text.length() - text.stripLeading().length();
                    return new CodeOrigin(file, code.line() + 1, indent + 1, indent);
                }
            }
            return new CodeOrigin(file, code.line() + 1, 1, 0);
        }
        if (style == '"' || style == '\'') {
            return new CodeOrigin(file, code.line(), col + 1, 0);
        }
        return new CodeOrigin(file, code.line(), col, 0);
    }

    private SinkSpec sink(MapNode root) {
        Optional<MapNode> node = mapping(root, "sink");
        if (node.isEmpty()) {
            return SinkSpec.DEFAULT;
        }
        MapNode m = node.get();
        checkKeys(m, "sink.", SINK_KEYS);
        Optional<PipelineSpec.HttpSinkSpec> http = mapping(m, "http").map(this::http);
        if (http.isPresent() && m.entries().containsKey("path")) {
            entry(m, "http").ifPresent(e -> problem(e.key(), "sink has both 'path' and 'http'. Keep one of them."));
        }
        Optional<List<String>> columns = Optional.empty();
        Optional<Node.Entry> cols = entry(m, "columns");
        if (cols.isPresent()) {
            if (cols.get().value() instanceof ListNode list && !list.items().isEmpty()) {
                List<String> names = new ArrayList<>();
                for (Node item : list.items()) {
                    if (item instanceof ScalarNode s && s.type() != Node.ScalarType.NULL) {
                        String col = interpolate(s);
                        if (names.contains(col)) {
                            problem(s, "sink.columns lists '" + col + "' twice. List each column once.");
                        }
                        names.add(col);
                    } else {
                        problem(item, "sink.columns items must be column names, not " + item.describe() + ".");
                    }
                }
                columns = Optional.of(names);
            } else {
                problem(cols.get().value(), "sink.columns must be a non-empty list of column names, such as [id, name, total].");
            }
        }
        WriteMode mode = enumValue(m, "mode", WriteMode.values(), WriteMode::key).orElse(WriteMode.REPLACE);
        return new SinkSpec(path(m, "path"), csvOptions(m, "sink."), columns, mode, http);
    }

    private static final List<String> HTTP_KEYS = List.of("url", "batchRows", "body", "headers", "maxInFlight", "timeout");

    private PipelineSpec.HttpSinkSpec http(MapNode m) {
        checkKeys(m, "sink.http.", HTTP_KEYS);
        java.net.URI url = null;
        Optional<ScalarNode> at = scalar(m, "url");
        if (at.isEmpty()) {
            problem(m, "sink.http: missing key 'url'. Give the endpoint, such as url: https://example.com/ingest");
        } else {
            String text = interpolate(at.get());
            try {
                url = new java.net.URI(text);
                if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
                    throw new java.net.URISyntaxException(text, "not an http(s) URL with a host");
                }
            } catch (java.net.URISyntaxException e) {
                problem(at.get(), "sink.http.url must be an http:// or https:// URL with a host, not '" + Texts.cut(text) + "'.");
                url = null;
            }
        }
        int batchRows = integer(m, "batchRows", 1, 100_000).map(Long::intValue).orElse(500);
        int maxInFlight = integer(m, "maxInFlight", 1, 64).map(Long::intValue).orElse(2);
        PipelineSpec.HttpBody body = enumValue(m, "body", PipelineSpec.HttpBody.values(), PipelineSpec.HttpBody::key)
                .orElse(PipelineSpec.HttpBody.JSON);
        java.time.Duration timeout = duration(m, "timeout").orElse(java.time.Duration.ofSeconds(30));
        Map<String, String> headers = new LinkedHashMap<>();
        mapping(m, "headers").ifPresent(h -> h.entries().forEach((k, e) -> {
            if (e.value() instanceof ScalarNode sv && sv.type() != Node.ScalarType.NULL) {
                headers.put(k, interpolate(sv));
            } else {
                problem(e.value(), "sink.http.headers." + k + " must be a text value, not " + e.value().describe() + ".");
            }
        }));
        return url == null ? null
                : new PipelineSpec.HttpSinkSpec(url, batchRows, body, headers, maxInFlight, timeout);
    }

    private ErrorsSpec errors(MapNode root) {
        Optional<MapNode> node = mapping(root, "errors");
        if (node.isEmpty()) {
            return ErrorsSpec.DEFAULT;
        }
        MapNode m = node.get();
        checkKeys(m, "errors.", ERRORS_KEYS);
        PipelineSpec.RetrySpec retry = mapping(m, "retry").map(r -> {
            checkKeys(r, "errors.retry.", RETRY_KEYS);
            PipelineSpec.RetrySpec d = PipelineSpec.RetrySpec.DEFAULT;
            return new PipelineSpec.RetrySpec(integer(r, "maxAttempts", 1).map(Long::intValue).orElse(d.maxAttempts()),
                    duration(r, "backoff").orElse(d.backoff()), duration(r, "maxBackoff").orElse(d.maxBackoff()));
        }).orElse(PipelineSpec.RetrySpec.DEFAULT);
        ErrorPolicy policy = enumValue(m, "onError", ErrorPolicy.values(), ErrorPolicy::key).orElse(ErrorPolicy.FAIL);
        OptionalLong maxErrors = OptionalLong.empty();
        Optional<Long> max = integer(m, "maxErrors", 0);
        if (max.isPresent()) {
            maxErrors = OptionalLong.of(max.get());
        }
        return new ErrorsSpec(policy, path(m, "deadLetter"), maxErrors, retry);
    }

    private ExecutionSpec execution(MapNode root) {
        ExecutionSpec defaults = ExecutionSpec.defaults();
        Optional<MapNode> node = mapping(root, "execution");
        if (node.isEmpty()) {
            return defaults;
        }
        MapNode m = node.get();
        checkKeys(m, "execution.", EXECUTION_KEYS);
        int parallelism = integer(m, "parallelism", 1, ExecutionSpec.MAX_PARALLELISM).map(Long::intValue).orElse(defaults.parallelism());
        boolean ordered = bool(m, "ordered").orElse(true);
        int chunkSize = integer(m, "chunkSize", 1, ExecutionSpec.MAX_CHUNK_SIZE).map(Long::intValue).orElse(defaults.chunkSize());
        int prefetch = integer(m, "prefetch", 1, ExecutionSpec.MAX_PREFETCH).map(Long::intValue).orElse(defaults.prefetch());
        java.time.Duration timeout = duration(m, "scriptTimeout").orElse(ExecutionSpec.DEFAULT_SCRIPT_TIMEOUT);
        PipelineSpec.JavaScriptMode javascript = enumValue(m, "javascript", PipelineSpec.JavaScriptMode.values(),
                PipelineSpec.JavaScriptMode::key).orElse(PipelineSpec.JavaScriptMode.AUTO);
        return new ExecutionSpec(parallelism, ordered, chunkSize, prefetch, timeout, javascript);
    }

    private List<TestSpec> tests(MapNode root) {
        Optional<Node.Entry> entry = entry(root, "tests");
        if (entry.isEmpty() || entry.get().value() instanceof ScalarNode s && s.type() == Node.ScalarType.NULL) {
            return List.of();
        }
        if (!(entry.get().value() instanceof ListNode list)) {
            problem(entry.get().value(), "'tests' must be a list of tests with 'name', 'input' and 'expect'.");
            return List.of();
        }
        List<TestSpec> tests = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            Node item = list.items().get(i);
            if (!(item instanceof MapNode m)) {
                problem(item, "test " + (i + 1) + " must be a mapping with 'name', 'input' and 'expect'.");
                continue;
            }
            checkKeys(m, "test " + (i + 1) + ": ", TEST_KEYS);
            String name = string(m, "name").orElse("test " + (i + 1));
            Optional<String> input = required(m, "input", "test '" + name + "'");
            Optional<String> expect = required(m, "expect", "test '" + name + "'");
            if (input.isPresent() && expect.isPresent()) {
                tests.add(new TestSpec(name, input.get(), expect.get()));
            }
        }
        return tests;
    }

}

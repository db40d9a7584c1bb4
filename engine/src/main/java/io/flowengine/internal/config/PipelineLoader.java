package io.flowengine.internal.config;

import io.flowengine.ErrorPolicy;
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
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineValidationException;
import io.flowengine.Problem;
import io.flowengine.internal.config.Node.ListNode;
import io.flowengine.internal.config.Node.MapNode;
import io.flowengine.internal.config.Node.ScalarNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
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
public final class PipelineLoader {

    private static final List<String> ROOT_KEYS =
            List.of("version", "name", "vars", "source", "steps", "sink", "errors", "execution", "tests");

    private final String[] lines;
    private final Map<String, String> sets;
    /**
     * Every key the loader accepts, by section ("" is the top level; "steps[]" and "tests[]" are
     * their items). The JSON Schema in docs/ is kept in sync with this by a test.
     */
    public static Map<String, List<String>> keys() {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        keys.put("", ROOT_KEYS);
        keys.put("source", SourceSection.KEYS);
        keys.put("steps[]", StepsSection.KEYS);
        keys.put("sink", SinkSection.KEYS);
        keys.put("sink.http", SinkSection.HTTP_KEYS);
        keys.put("errors", ErrorsSection.KEYS);
        keys.put("errors.retry", ErrorsSection.RETRY_KEYS);
        keys.put("execution", ExecutionSection.KEYS);
        keys.put("tests[]", TestsSection.KEYS);
        return keys;
    }

    private List<StepSpec> stepsRead = List.of();

    private final FieldReader f;

    private PipelineLoader(String file, Path baseDir, String text, Map<String, String> sets, Map<String, String> env) {
        this.f = new FieldReader(file, baseDir, new Interpolator(env));
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
        return parse(text, fileName, baseDir, sets, env, scriptCheck, false);
    }

    /** As above; {@code confined}: {@code file:} scripts only from inside {@code baseDir}. */
    public static PipelineSpec parse(String text, String fileName, Path baseDir, Map<String, String> sets,
            Map<String, String> env, Function<List<StepSpec>, List<Problem>> scriptCheck, boolean confined) {
        PipelineLoader loader = new PipelineLoader(fileName, baseDir, text, sets, env);
        loader.f.confined = confined;
        PipelineSpec spec = loader.read(text);
        if (!loader.f.problems.isEmpty()) {
            List<Problem> all = new ArrayList<>(loader.f.problems);
            all.addAll(scriptCheck.apply(loader.stepsRead));
            all.sort(Comparator.comparing(Problem::file).thenComparingInt(Problem::line).thenComparingInt(Problem::column));
            throw new PipelineValidationException(all);
        }
        return spec;
    }

    private PipelineSpec read(String text) {
        Node root = new TreeReader(f.file, f.problems).read(text);
        if (root == null) {
            return null;
        }
        if (!(root instanceof MapNode map)) {
            f.problem(root, "a pipeline file must be a mapping with keys such as 'source', 'steps' and 'sink', not "
                    + root.describe() + ".");
            return null;
        }
        f.checkKeys(map, "", ROOT_KEYS);
        f.scalar(map, "version").ifPresent(v -> {
            if (!v.text().equals("1")) {
                f.problem(v, "unsupported version " + v.text() + ". This FlowEngine reads 'version: 1'.");
            }
        });
        String defaultName = f.file.replaceFirst("\\.(ya?ml|json)$", "");
        String name = f.string(map, "name").orElse(defaultName);
        Map<String, String> vars = vars(map);
        SourceSpec source = new SourceSection(f).read(map);
        List<StepSpec> steps = new StepsSection(f, lines).read(map);
        stepsRead = steps;
        SinkSpec sink = new SinkSection(f).read(map);
        ErrorsSpec errors = new ErrorsSection(f).read(map);
        ExecutionSpec execution = new ExecutionSection(f).read(map);
        List<TestSpec> tests = new TestsSection(f).read(map);
        if (!f.problems.isEmpty()) {
            return null;
        }
        return new PipelineSpec(name, f.file, f.baseDir, vars, source, steps, sink, errors, execution, tests);
    }

    private Map<String, String> vars(MapNode root) {
        Map<String, String> vars = new LinkedHashMap<>();
        f.mapping(root, "vars").ifPresent(m -> m.entries().forEach((k, e) -> {
            if (e.value() instanceof ScalarNode s && s.type() != Node.ScalarType.NULL) {
                vars.put(k, f.interpolate(s));
            } else {
                f.problem(e.value(), "vars." + k + " must be a text or number value, not " + e.value().describe() + ".");
            }
        }));
        for (String name : sets.keySet()) {
            if (!vars.containsKey(name)) {
                String hint = Texts.suggest(name, vars.keySet());
                f.problems.add(new Problem(f.file, 0, 0, "--set " + name + "=...: the pipeline has no var '" + name + "'"
                        + (hint != null ? ". Did you mean '" + hint + "'?"
                                : vars.isEmpty() ? ". It declares no vars; add it under 'vars:' with a default"
                                : ". Its vars are " + String.join(", ", vars.keySet()) + "; add it under 'vars:' with a default")));
            }
        }
        vars.putAll(sets);
        return vars;
    }











}

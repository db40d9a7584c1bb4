package io.flowengine.internal.js;

import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineSpec.CodeOrigin;
import io.flowengine.PipelineSpec.StepSpec;
import io.flowengine.PipelineValidationException;
import io.flowengine.Problem;
import io.flowengine.StepRuntime;
import io.flowengine.internal.compiled.CompiledSteps;
import io.flowengine.internal.config.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;

/**
 * The compiled scripts of one pipeline: a {@link Source} per step (held strongly, so the shared
 * engine keeps their parsed code), checked once, from which each rail builds its context.
 */
public final class ScriptSet {

    private static final Source DRIVER = driverSource();
    private static final Pattern SYNTAX = Pattern.compile("^SyntaxError: \\S*:\\d+:\\d+ (.*)$");

    private final List<Step> steps;
    private final String varsJson;
    private final Duration timeout;
    private final StepTimings timings;
    /** How each step runs, and the compiled steps when at least one compiles; null: all on GraalJS. */
    private final CompiledSteps.Compilation compilation;

    /**
     * One compiled step and how to map positions in its wrapped source back to the file;
     * {@code codeEnd}: the index in the source just after the step's own code, without trailing blanks.
     */
    record Step(String name, Source source, int prefixLength, int codeEnd, CodeOrigin origin) {
    }

    private ScriptSet(List<Step> steps, String varsJson, Duration timeout, StepTimings timings,
            CompiledSteps.Compilation compilation) {
        this.compilation = compilation;
        this.steps = steps;
        this.varsJson = varsJson;
        this.timeout = timeout;
        this.timings = timings;
    }

    /** These scripts, with rails that time their steps (sampled) into {@code timings}. */
    public ScriptSet withTimings(StepTimings timings) {
        return new ScriptSet(steps, varsJson, timeout, timings, compilation);
    }

    /** The first {@code count} steps only (sharing their compiled sources). */
    public ScriptSet prefix(int count) {
        return new ScriptSet(steps.subList(0, count), varsJson, timeout, null, null);
    }

    /** The step names, in order. */
    public List<String> stepNames() {
        return steps.stream().map(Step::name).toList();
    }

    public StepTimings timings() {
        return timings;
    }

    /**
     * Compiles every step of {@code spec}, reporting all syntax errors — and scripts that define
     * no {@code transform} — at once, with their file positions. Top-level script code runs here
     * once, sandboxed. Call off non-blocking threads.
     */
    public static ScriptSet compile(PipelineSpec spec) {
        ScriptSet set = build(spec.steps(), Json.object(spec.vars()), spec.execution().scriptTimeout());
        boolean graaljs = spec.execution().javascript() == PipelineSpec.JavaScriptMode.GRAALJS || spec.steps().isEmpty();
        CompiledSteps.Compilation compilation = graaljs ? null
                : CompiledSteps.compile(spec.steps(), spec.vars());
        // the compiled subset's parser accepts only valid JavaScript that defines transform, and
        // its top-level code is constants: when every step compiles, GraalJS has nothing to
        // report, and the run starts no context at all
        boolean allCompiled = compilation != null && compilation.runtimes().stream().allMatch(
                CompiledSteps.Runtime::compiled);
        if (!allCompiled) {
            List<Problem> problems = set.check();
            if (!problems.isEmpty()) {
                throw new PipelineValidationException(problems);
            }
        }
        return graaljs ? set : new ScriptSet(set.steps, set.varsJson, set.timeout, null, compilation);
    }

    /** Every problem of the given steps' scripts (syntax errors, no transform function). */
    public static List<Problem> problems(List<StepSpec> steps) {
        return build(steps, "{}", PipelineSpec.ExecutionSpec.DEFAULT_SCRIPT_TIMEOUT).check();
    }

    private static ScriptSet build(List<StepSpec> specs, String varsJson, Duration timeout) {
        List<Step> steps = new ArrayList<>();
        for (StepSpec s : specs) {
            StepFactory.Wrapped w = StepFactories.forKind(s.kind()).wrap(s);
            Source source = Source.newBuilder("js", w.prefix() + s.code() + w.suffix(), s.origin().file())
                    .cached(true).buildLiteral();
            steps.add(new Step(s.name(), source, w.prefix().length(), w.prefix().length() + s.code().stripTrailing().length(),
                    s.origin()));
        }
        return new ScriptSet(List.copyOf(steps), varsJson, timeout, null, null);
    }

    /** The steps, those that compile compiled to Java, when at least one does (and execution.javascript is auto). */
    public Optional<CompiledSteps> compiled() {
        return compilation == null ? Optional.empty() : compilation.steps();
    }

    /** How each step runs, as the public API and the summary show it. */
    public List<StepRuntime> stepRuntimes() {
        return runtimes().stream().map(r -> new StepRuntime(r.step(), r.key(), r.reason())).toList();
    }

    /** How each step runs: compiled, or on GraalJS and why. */
    public List<CompiledSteps.Runtime> runtimes() {
        if (compilation != null) {
            return compilation.runtimes();
        }
        List<CompiledSteps.Runtime> all = new ArrayList<>();
        for (Step step : steps) {
            all.add(new CompiledSteps.Runtime(step.name(), false, "execution.javascript is graaljs"));
        }
        return all;
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /** A new rail: its own sandboxed context with every step loaded. */
    public JsRail newRail(OutputStream console) {
        return new JsRail(this, console);
    }

    /** A new rail that tells {@code onAbandoned} when a script on it could not be stopped. */
    public JsRail newRail(OutputStream console, Consumer<FlowEngineException> onAbandoned) {
        return new JsRail(this, console, onAbandoned);
    }

    List<Step> steps() {
        return steps;
    }

    Source driver() {
        return DRIVER;
    }

    String varsJson() {
        return varsJson;
    }

    Duration timeout() {
        return timeout;
    }

    private List<Problem> check() {
        List<Problem> problems = new ArrayList<>();
        if (steps.isEmpty()) {
            return problems;
        }
        try (Context context = JsEngine.newContext(OutputStream.nullOutputStream());
                Watchdog.Watch watch = Watchdog.watch(context, timeout)) {
            context.initialize("js");
            for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                CodeOrigin o = step.origin();
                try {
                    watch.begin(-1);
                    Value fn = context.eval(step.source());
                    watch.end();
                    if (!fn.canExecute()) {
                        problems.add(new Problem(o.file(), o.line(), o.column(), "step '" + step.name()
                                + "': the script defines no function transform(row, ctx). Add one, for example:"
                                + " function transform(row, ctx) { return row; }"));
                    }
                } catch (PolyglotException e) {
                    watch.end();
                    problems.add(e.isInterrupted()
                            ? new Problem(o.file(), o.line(), o.column(), "step '" + step.name() + "': the script's top-level code"
                                    + " ran longer than " + Math.max(timeout.toMillis(), Watchdog.SETUP_BUDGET.toMillis()) + " ms. Move the work into"
                                    + " transform(row, ctx), or make it finish")
                            : problem(step, e));
                }
            }
        }
        return problems;
    }

    private Problem problem(Step step, PolyglotException e) {
        SourceSection at = e.getSourceLocation();
        int line = step.origin().line();
        int column = step.origin().column();
        if (at != null && at.getSource().equals(step.source())) {
            if (at.getCharIndex() >= step.codeEnd() && step.codeEnd() > step.prefixLength()) {
                // in the wrapper's closing part (an expression cut short): just after the code's last character
                int last = step.codeEnd() - 1;
                int codeLine = step.source().getLineNumber(last);
                line = mapLine(step, codeLine);
                column = mapColumn(step, codeLine, step.source().getColumnNumber(last) + 1);
            } else {
                line = mapLine(step, at.getStartLine());
                column = mapColumn(step, at.getStartLine(), at.getStartColumn());
            }
        }
        String message = e.getMessage() == null ? "error" : e.getMessage().lines().findFirst().orElse("");
        if (e.isSyntaxError()) {
            Matcher m = SYNTAX.matcher(message);
            String detail = m.matches() ? m.group(1) : message;
            return new Problem(step.origin().file(), line, column, "step '" + step.name() + "': SyntaxError: " + detail
                    + ". Fix the script; nothing has been read yet.");
        }
        return new Problem(step.origin().file(), line, column, "step '" + step.name()
                + "': the script failed while loading: " + message + ". Top-level code runs once per context;"
                + " move row work into transform(row, ctx).");
    }

    /** "file:line:col" of a guest source position inside one of the steps, or null. */
    String locate(SourceSection at) {
        if (at == null) {
            return null;
        }
        for (Step step : steps) {
            if (at.getSource().equals(step.source())) {
                return step.origin().file() + ":" + mapLine(step, at.getStartLine()) + ":"
                        + mapColumn(step, at.getStartLine(), at.getStartColumn());
            }
        }
        return null;
    }

    private static int mapLine(Step step, int codeLine) {
        return step.origin().fileLine(codeLine);
    }

    private static int mapColumn(Step step, int codeLine, int codeColumn) {
        int c = codeLine == 1 ? Math.max(1, codeColumn - step.prefixLength()) : codeColumn;
        return step.origin().fileColumn(codeLine, c);
    }

    private static Source driverSource() {
        try (InputStream in = ScriptSet.class.getResourceAsStream("driver.js")) {
            if (in == null) {
                throw new IllegalStateException("driver.js is missing from the FlowEngine jar");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Source.newBuilder("js", text, "flowengine-driver.js").cached(true).buildLiteral();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

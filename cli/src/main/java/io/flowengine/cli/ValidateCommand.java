package io.flowengine.cli;

import io.flowengine.Pipeline;
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineValidationException;
import io.flowengine.Problem;
import io.flowengine.StepRuntime;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code flowengine validate PIPELINE}: every problem, file:line:col, exit 2 if any. */
@Command(name = "validate", description = "Checks a pipeline file and its scripts; prints every problem with its position.")
final class ValidateCommand implements Callable<Integer> {

    private final Main.Terminal terminal;

    @Mixin
    PipelineOptions options;

    ValidateCommand(Main.Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        try {
            PipelineSpec spec = Pipeline.loadSpec(options.pipeline, options.sets, terminal.env());
            Pipeline pipeline = Pipeline.of(spec);
            terminal.err().println(options.pipeline + ": valid (" + spec.steps().size() + " step"
                    + (spec.steps().size() == 1 ? "" : "s") + ")");
            // how each step will run: compiled, or on GraalJS and why
            for (StepRuntime r : pipeline.stepRuntimes()) {
                terminal.err().println("  step '" + r.step() + "': " + (r.compiled() ? "compiled" : "GraalJS (" + r.reason() + ")"));
            }
            return Main.OK;
        } catch (PipelineValidationException e) {
            for (Problem p : e.problems()) {
                terminal.err().println(p.toString().replace(p.file(), problemFile(p)));
            }
            terminal.err().println(e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s") + " in " + options.pipeline);
            return Main.USAGE;
        }
    }

    /** Problems in the pipeline file itself are shown with the path as given. */
    private String problemFile(Problem p) {
        return p.file().equals(options.pipeline.getFileName().toString()) ? options.pipeline.toString() : p.file();
    }
}

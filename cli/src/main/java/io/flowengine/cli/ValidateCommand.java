package io.flowengine.cli;

import io.flowengine.Pipeline;
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineValidationException;
import io.flowengine.Problem;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flowengine validate PIPELINE}: every problem, file:line:col, exit 2 if any. */
@Command(name = "validate", description = "Checks a pipeline file and its scripts; prints every problem with its position.")
final class ValidateCommand implements Callable<Integer> {

    private final Main.Terminal terminal;

    @Parameters(index = "0", paramLabel = "PIPELINE", description = "The pipeline file (YAML or JSON).")
    Path pipeline;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a pipeline var (repeatable).")
    Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = "--verbose", description = "Show stack traces of internal errors.")
    boolean verbose;

    ValidateCommand(Main.Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        try {
            PipelineSpec spec = Pipeline.loadSpec(pipeline, sets, terminal.env());
            Pipeline.of(spec);
            terminal.err().println(pipeline + ": valid (" + spec.steps().size() + " step"
                    + (spec.steps().size() == 1 ? "" : "s") + ")");
            return Main.OK;
        } catch (PipelineValidationException e) {
            for (Problem p : e.problems()) {
                terminal.err().println(p.toString().replace(p.file(), problemFile(p)));
            }
            terminal.err().println(e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s") + " in " + pipeline);
            return Main.USAGE;
        }
    }

    /** Problems in the pipeline file itself are shown with the path as given. */
    private String problemFile(Problem p) {
        return p.file().equals(pipeline.getFileName().toString()) ? pipeline.toString() : p.file();
    }
}

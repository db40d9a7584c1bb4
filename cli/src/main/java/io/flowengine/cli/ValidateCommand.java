package io.flowengine.cli;

import io.flowengine.Pipeline;
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineValidationException;
import io.flowengine.Problem;
import io.flowengine.StepRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flowengine validate PIPELINE...}: every problem of every file, file:line:col; a folder
 * stands for the pipeline files in it. Exit 2 if any file has a problem.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Checks pipeline files and their scripts; prints every problem with its position."
                + " A folder stands for the *.yaml, *.yml and *.json files in it.")
final class ValidateCommand implements Callable<Integer> {

    private final Main.Terminal terminal;

    @Parameters(arity = "1..*", paramLabel = "PIPELINE", description = "Pipeline files (YAML or JSON), or folders of them.")
    List<Path> pipelines = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a pipeline var (repeatable; applies to every file).")
    Map<String, String> sets = new LinkedHashMap<>();

    ValidateCommand(Main.Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : pipelines) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    List<Path> found = s.filter(f -> f.getFileName().toString().matches(".*\\.(yaml|yml|json)"))
                            .filter(Files::isRegularFile).sorted().toList();
                    if (found.isEmpty()) {
                        throw new UsageException("the folder " + p + " holds no pipeline file (*.yaml, *.yml or *.json)");
                    }
                    files.addAll(found);
                }
            } else {
                files.add(p);
            }
        }
        int invalid = 0;
        for (Path file : files) {
            if (!validate(file)) {
                invalid++;
            }
        }
        if (files.size() > 1) {
            terminal.err().println(files.size() + " files: " + (files.size() - invalid) + " valid, " + invalid + " with problems");
        }
        return invalid == 0 ? Main.OK : Main.USAGE;
    }

    private boolean validate(Path file) {
        try {
            PipelineSpec spec = Pipeline.loadSpec(file, sets, terminal.env());
            Pipeline pipeline = Pipeline.of(spec);
            terminal.err().println(file + ": valid (" + spec.steps().size() + " step" + (spec.steps().size() == 1 ? "" : "s") + ")");
            // how each step will run: compiled, or on GraalJS and why
            for (StepRuntime r : pipeline.stepRuntimes()) {
                terminal.err().println("  step '" + r.step() + "': " + (r.compiled() ? "compiled" : "GraalJS (" + r.reason() + ")"));
            }
            return true;
        } catch (PipelineValidationException e) {
            for (Problem p : e.problems()) {
                terminal.err().println(p.toString().replace(p.file(), problemFile(file, p)));
            }
            terminal.err().println(e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s") + " in " + file);
            return false;
        }
    }

    /** Problems in the pipeline file itself are shown with the path as given. */
    private static String problemFile(Path file, Problem p) {
        return p.file().equals(file.getFileName().toString()) ? file.toString() : p.file();
    }
}

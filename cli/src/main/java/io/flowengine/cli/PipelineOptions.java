package io.flowengine.cli;

import io.flowengine.Pipeline;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The pipeline file and its {@code --set} overrides, shared by the commands that load one. */
final class PipelineOptions {

    @Parameters(index = "0", paramLabel = "PIPELINE", description = "The pipeline file (YAML or JSON).")
    Path pipeline;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a pipeline var (repeatable).")
    Map<String, String> sets = new LinkedHashMap<>();

    /**
     * The pipeline, compiled, with scripts' console on stderr.
     *
     * @throws io.flowengine.PipelineValidationException with every problem (the command exits 2)
     */
    Pipeline compile(Main.Terminal terminal) {
        return Pipeline.of(Pipeline.loadSpec(pipeline, sets, terminal.env())).withConsole(terminal.err());
    }
}

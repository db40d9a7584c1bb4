package io.flowengine.cli;

import io.flowengine.DeadLetter;
import io.flowengine.FlowEngineException;
import io.flowengine.Pipeline;
import io.flowengine.PipelineSpec;
import io.flowengine.Preview;
import io.flowengine.Row;
import io.flowengine.StepRuntime;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code flowengine preview PIPELINE -i FILE [--rows N]}: the first N records after each step, the
 * rows each step dropped and every row error, as tables on stdout. Nothing is written.
 */
@Command(name = "preview", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Shows the first rows after each step, the rows each step dropped, and every row error.")
final class PreviewCommand implements Callable<Integer> {

    private final Main.Terminal terminal;

    @Mixin
    PipelineOptions options;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "Input CSV; - for stdin. Default: source.path.")
    String input;

    @Option(names = "--rows", paramLabel = "N", description = "Records to read (default 10).")
    int rows = 10;

    @Mixin
    Logs.Options logs = new Logs.Options();

    PreviewCommand(Main.Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        Logs.configure(terminal.err(), logs, Logs.LogLevel.error);
        if (rows < 1) {
            throw new UsageException("--rows must be at least 1, not " + rows);
        }
        Pipeline pipeline = options.compile(terminal);
        Preview preview;
        String name;
        if ("-".equals(input)) {
            name = "stdin";
            preview = pipeline.preview(terminal.in(), name, rows);
        } else {
            Path file = input != null ? Path.of(input) : pipeline.spec().source().path()
                    .orElseThrow(() -> new UsageException("preview needs an input: pass -i FILE (or - for stdin), or set source.path"));
            name = file.toString();
            preview = pipeline.preview(file, rows);
        }
        print(terminal.out(), pipeline, preview, name);
        terminal.out().flush();
        return Main.OK;
    }

    private void print(PrintStream out, Pipeline pipeline, Preview preview, String name) {
        PipelineSpec spec = pipeline.spec();
        List<StepRuntime> runtimes = pipeline.stepRuntimes();
        int read = preview.input().size() + preview.unreadable().size();
        out.println("input: " + count(read, "record") + " from " + name
                + (read < rows ? " (all of it)" : " (the first " + rows + ")"));
        out.println();
        out.println("── input: " + count(preview.input().size(), "row"));
        Table.print(out, preview.input(), null, "  ");
        if (!preview.unreadable().isEmpty()) {
            out.println("  unreadable, set aside:");
            for (DeadLetter d : preview.unreadable()) {
                out.println("  #" + d.rowNumber() + " (line " + d.line() + "): " + d.error());
                out.println("      " + Table.cut(Table.visible(d.raw()), 100));
            }
        }
        List<Preview.Stage> stages = preview.stages();
        for (int i = 0; i < stages.size(); i++) {
            printStage(out, spec, stages.get(i), i + 1, stages.size(), runtimes.get(i).compiled() ? "compiled" : "GraalJS");
        }
        if (spec.sink().columns().isPresent()) {
            out.println();
            out.println("── output: " + count(preview.output().size(), "row") + ", the sink's columns");
            Table.print(out, preview.output(), spec.sink().columns().get(), "  ");
        }
    }

    /** A step's table, headed by how the step runs in a real run ({@code compiled} or {@code GraalJS}). */
    private static void printStage(PrintStream out, PipelineSpec spec, Preview.Stage s, int number, int of, String runtime) {
        StringBuilder head = new StringBuilder("── step " + number + " of " + of + ": " + s.step()
                + " (" + s.kind() + ", " + runtime + ") → " + count(s.rows().size(), "row"));
        if (!s.dropped().isEmpty()) {
            head.append(", ").append(s.dropped().size()).append(" dropped");
        }
        if (!s.errors().isEmpty()) {
            head.append(", ").append(count(s.errors().size(), "error"));
        }
        out.println();
        out.println(head);
        Table.print(out, s.rows(), null, "  ");
        if (!s.dropped().isEmpty()) {
            out.println("  dropped" + ("filter".equals(s.kind()) ? " by the filter:" : " (the step returned null):"));
            for (Row r : s.dropped()) {
                out.println("  #" + r.rowNumber() + " (line " + r.line() + ") " + Table.inline(r));
            }
        }
        if (!s.errors().isEmpty()) {
            out.println("  errors (" + policy(spec) + "):");
            for (DeadLetter d : s.errors()) {
                out.println("  #" + d.rowNumber() + " (line " + d.line() + "): " + d.error());
            }
        }
    }

    private static String policy(PipelineSpec spec) {
        return switch (spec.errors().onError()) {
            case FAIL -> "errors.onError is fail: a run stops at the first";
            case SKIP -> "errors.onError is skip: a run drops these rows";
            case DEAD_LETTER -> "errors.onError is dead-letter: a run writes these rows to the dead-letter file";
        };
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}

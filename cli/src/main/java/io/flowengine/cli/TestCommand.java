package io.flowengine.cli;

import io.flowengine.Pipeline;
import io.flowengine.TestResult;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code flowengine test PIPELINE}: runs the pipeline's {@code tests:}, prints pass or fail for
 * each with a diff on failure; exit 1 if any fails, 2 if the pipeline is invalid or has no tests.
 */
@Command(name = "test", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Runs the pipeline's tests: pass or fail for each, a diff on failure; exit 1 if any fails.")
final class TestCommand implements Callable<Integer> {

    private final Main.Terminal terminal;

    @Mixin
    PipelineOptions options;

    @Mixin
    Logs.Options logs = new Logs.Options();

    TestCommand(Main.Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        Logs.configure(terminal.err(), logs, Logs.LogLevel.error);
        Pipeline pipeline = options.compile(terminal);
        if (pipeline.spec().tests().isEmpty()) {
            throw new UsageException(options.pipeline + ": no tests. Add a tests: list, each with name, input and expect"
                    + " (see docs/pipeline-file.md#tests)");
        }
        List<TestResult> results = pipeline.runTests();
        PrintStream out = terminal.out();
        int failed = 0;
        for (TestResult r : results) {
            long failedRows = r.summary().rowsFailed();
            out.println((r.passed() ? "PASS  " : "FAIL  ") + r.name()
                    + (r.passed() && failedRows > 0 ? "  (" + failedRows + " row" + (failedRows == 1 ? "" : "s") + " failed, as the policy allows)" : ""));
            if (!r.passed()) {
                failed++;
                explain(out, r);
            }
        }
        out.println();
        out.println(options.pipeline + ": " + (results.size() - failed) + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 ? Main.OK : Main.FAILED;
    }

    private static void explain(PrintStream out, TestResult r) {
        if (!r.runtimesDiffer().isEmpty()) {
            out.println("      the compiled steps and GraalJS gave different results; please report it with the pipeline and"
                    + " this test (set execution.javascript: graaljs meanwhile):");
            r.runtimesDiffer().forEach(l -> out.println("        " + l));
            if (r.diff().isEmpty()) {
                return;
            }
        }
        if (r.summary().error().isPresent()) {
            out.println("      the run failed: " + r.summary().error().get().getMessage());
            return;
        }
        out.println("      expected (-) and actual (+) output:");
        for (String line : r.diff()) {
            out.println("      " + line);
        }
        if (r.summary().rowsFailed() > 0) {
            out.println("      " + r.summary().rowsFailed() + " row" + (r.summary().rowsFailed() == 1 ? "" : "s") + " failed:");
            r.deadLetters().lines().skip(1).forEach(l -> out.println("        " + l));
        }
    }
}

package io.flowengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged launcher ({@code cli/target/flowengine}) in a pseudo-terminal, as a person runs
 * it: {@code script} (util-linux) gives the process a terminal for stdin, stdout and stderr.
 */
class TerminalIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("flowengine.launcher", "target/flowengine"));
    private static final Path EXAMPLES = Path.of(System.getProperty("flowengine.examples", "../docs/examples"));

    @TempDir
    Path dir;

    record Result(int exit, String screen) {
    }

    /** Runs the launcher with {@code args} in a pseudo-terminal; what the terminal showed. */
    private Result inTerminal(String... args) throws IOException, InterruptedException {
        StringBuilder cmd = new StringBuilder(quote(LAUNCHER.toAbsolutePath().toString()));
        for (String a : args) {
            cmd.append(' ').append(quote(a));
        }
        Path screen = dir.resolve("screen.txt");
        Process p = new ProcessBuilder("script", "-qefc", cmd.toString(), "/dev/null")
                .directory(dir.toFile())
                .redirectOutput(screen.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
        return new Result(p.exitValue(), Files.readString(screen, StandardCharsets.UTF_8));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Test
    void progressLineWhileARunLastsMoreThanASecondThenOneSummaryLine() throws Exception {
        Path in = dir.resolve("big.csv");
        StringBuilder sb = new StringBuilder("id,name,amount,quantity,status\n");
        for (int i = 0; i < 400_000; i++) {
            sb.append(i).append(",n").append(i).append(",2,3,").append(i % 10 == 0 ? "cancelled" : "paid").append('\n');
        }
        Files.writeString(in, sb);
        // on GraalJS: compiled, the run can end before the first second, when the progress line starts
        Path slow = Files.writeString(dir.resolve("orders.yaml"), Files.readString(EXAMPLES.resolve("orders.yaml"))
                .replace("errors:\n", "execution:\n  javascript: graaljs\nerrors:\n"));
        Result r = inTerminal("run", slow.toString(), "-i", in.toString(), "-o", dir.resolve("out.csv").toString());
        assertThat(r.exit()).isZero();
        // the updating line: carriage returns, rows/s, % of the input and an ETA
        assertThat(r.screen()).contains("\r").containsPattern("[\\d,]+ rows, [\\d,]+ rows/s, \\d+%, ETA \\d+:\\d\\d");
        assertThat(r.screen()).containsPattern("flowengine: succeeded in [\\d.]+ s: 400,000 rows in, 360,000 out, 40,000 filtered, 0 failed");
        assertThat(Files.readAllLines(dir.resolve("out.csv"))).hasSize(360_001);
    }

    @Test
    void quietShowsNothing() throws Exception {
        Result r = inTerminal("run", EXAMPLES.resolve("orders.yaml").toString(), "-o", dir.resolve("out.csv").toString(), "--quiet");
        assertThat(r.exit()).isZero();
        assertThat(r.screen()).isEmpty();
    }

    @Test
    void previewShowsEachStepAsATable() throws Exception {
        Result r = inTerminal("preview", EXAMPLES.resolve("orders.yaml").toString(), "--rows", "5");
        assertThat(r.exit()).isZero();
        List<String> lines = r.screen().lines().map(String::stripTrailing).toList();
        assertThat(lines).contains(
                "── step 1 of 2: enrich (javascript, compiled) → 4 rows, 1 error",
                "  #5 (line 6): orders.yaml:13:17: Error: amount is not a number: 'x'",
                "── step 2 of 2: drop-cancelled (filter, compiled) → 3 rows, 1 dropped",
                "  #  id  name             total  currency",
                "  3  3   CAROL \"CC\" CHAN  10.00  EUR");
    }

    @Test
    void testShowsPassAndFailWithADiff() throws Exception {
        Path p = dir.resolve("p.yaml");
        Files.writeString(p, Files.readString(EXAMPLES.resolve("orders.yaml")).replace("source:\n  path: orders.csv\n", "")
                .replace("      2,BOB,3.00,EUR\n", "      2,BOB,3.50,EUR\n"));
        Result r = inTerminal("test", p.toString());
        assertThat(r.exit()).isEqualTo(1);
        List<String> lines = r.screen().lines().map(String::stripTrailing).toList();
        assertThat(lines).containsSubsequence(
                "FAIL  totals, uppercase names and the currency",
                "      expected (-) and actual (+) output:",
                "        id,name,total,currency",
                "        1,ALICE,6.00,EUR",
                "      - 2,BOB,3.50,EUR",
                "      + 2,BOB,3.00,EUR",
                "PASS  cancelled orders are dropped");
        assertThat(lines).anyMatch(l -> l.endsWith(": 2 passed, 1 failed"));
    }
}

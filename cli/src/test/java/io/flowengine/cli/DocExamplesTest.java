package io.flowengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples in docs/ are inputs: they run, compile and print what the docs say. */
class DocExamplesTest {

    @TempDir
    Path dir;

    private static final Path DOCS = Path.of("..", "docs").toAbsolutePath().normalize();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int cli(String... args) {
        out.reset();
        err.reset();
        Main.Terminal t = new Main.Terminal(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
                new PrintStream(err, true), Map.of(), false);
        return Main.execute(t, args);
    }

    /** The fenced blocks of {@code doc} whose info string is {@code lang}, in order. */
    private static List<String> blocks(String doc, String lang) throws IOException {
        String text = Files.readString(DOCS.resolve(doc));
        Matcher m = Pattern.compile("(?ms)^```" + lang + "\\n(.*?)^```").matcher(text);
        List<String> found = new java.util.ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Test
    void theReferencePipelineValidatesPassesItsTestsAndRuns() throws IOException {
        Path p = Files.writeString(dir.resolve("reference.yaml"), blocks("pipeline-file.md", "yaml").get(0));
        assertThat(cli("validate", p.toString())).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(cli("test", p.toString())).as(out.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("PASS  totals paid orders");
        Path in = Files.writeString(dir.resolve("in.csv"), "id,name,amount,quantity,status\n1,alice,2,3,paid\n2,bob,1,1,unpaid\n");
        assertThat(cli("run", p.toString(), "-i", in.toString(), "-o", dir.resolve("o.csv").toString(), "-q"))
                .as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(Files.readString(dir.resolve("o.csv"))).isEqualTo("id,name,total\n1,ALICE,6.00 EUR\n");
    }

    @Test
    void cliMdShowsWhatPreviewPrints() throws IOException {
        String sample = blocks("cli.md", "").stream().filter(b -> b.startsWith("$ flowengine preview")).findFirst().orElseThrow();
        String[] lines = sample.split("\n", 2);
        String[] args = lines[0].substring("$ flowengine ".length()).split(" ");
        args[1] = DOCS.resolveSibling(args[1]).toString();
        assertThat(cli(args)).isZero();
        String printed = out.toString(StandardCharsets.UTF_8).replace(DOCS.getParent() + "/", "");
        assertThat(printed).isEqualTo(lines[1]);
    }

    @Test
    void theSyntaxErrorInGettingStartedIsWhatValidatePrints() throws IOException {
        String doc = Files.readString(DOCS.resolve("getting-started.md")).replace("\n", " ");
        Matcher m = Pattern.compile("a JavaScript syntax error gives `([^`]*)\\.\\.\\.`").matcher(doc);
        assertThat(m.find()).isTrue();
        String quoted = m.group(1);
        Files.writeString(dir.resolve("clean.js"), "function transform(row) {\n  // the name\n  let name = ;\n  return row;\n}\n");
        Path p = Files.writeString(dir.resolve("contacts.yaml"), "steps:\n  - name: clean\n    file: clean.js\n");
        assertThat(cli("validate", p.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(quoted);
    }

    @Test
    void theEmbeddingProgramCompilesAndRuns() throws Exception {
        String source = blocks("embedding.md", "java").get(0);
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("OrdersJob.java"), source);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int compiled = javac.run(null, diagnostics, diagnostics, "-Xlint:all", "-Werror", "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), src.resolve("OrdersJob.java").toString());
        assertThat(compiled).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.copy(DOCS.resolve("examples/orders.yaml"), work.resolve("orders.yaml"));
        Files.copy(DOCS.resolve("examples/orders.csv"), work.resolve("orders.csv"));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classes + java.io.File.pathSeparator + System.getProperty("java.class.path"), "OrdersJob")
                .directory(work.toFile()).redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(printed).isZero();
        assertThat(printed).contains("{\"status\":\"succeeded\",\"rowsIn\":5,\"rowsOut\":3,\"rowsFiltered\":1,\"rowsFailed\":1")
                .contains("ANN {\"status\":\"succeeded\",\"rowsIn\":2,\"rowsOut\":1,\"rowsFiltered\":1")
                .contains("id,name,total,currency\n1,ANN,10.00,EUR\n{\"status\":\"succeeded\",\"rowsIn\":1,\"rowsOut\":1");
        assertThat(work.resolve("out/orders.csv")).exists();
    }
}

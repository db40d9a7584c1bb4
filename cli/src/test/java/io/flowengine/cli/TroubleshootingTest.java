package io.flowengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * docs/troubleshooting.md is built from the real messages: each case makes FlowEngine print one,
 * and the guide must quote it word for word.
 */
class TroubleshootingTest {

    @TempDir
    Path dir;

    private static final String GUIDE = read(Path.of("..", "docs", "troubleshooting.md"));

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final Map<String, String> PIPELINES = Map.ofEntries(
            Map.entry("typo", "source:\n  delimeter: ';'\nsteps: []\n"),
            Map.entry("env", "steps: []\nsink:\n  path: ${OUT_DIR}/x.csv\n"),
            Map.entry("syntax", "steps:\n  - name: s\n    javascript: |\n      function transform(row) { return row.x +; }\n"),
            Map.entry("notransform", "steps:\n  - name: s\n    javascript: 'function transfrm(r) { return r; }'\n"),
            Map.entry("plain", "steps: []\n"),
            Map.entry("create", "steps: []\nsink:\n  mode: create\n"),
            Map.entry("dead", "steps: []\nerrors:\n  onError: dead-letter\n"),
            Map.entry("throws", "steps:\n  - name: t\n    javascript: 'function transform(r) { return r.nope.x; }'\n"),
            Map.entry("number", "steps:\n  - name: t\n    javascript: 'function transform(r) { return 5; }'\n"),
            Map.entry("loop", "steps:\n  - name: t\n    javascript: 'function transform(r) { while (true) {} }'\n"
                    + "errors:\n  onError: skip\n  maxErrors: 1\nexecution:\n  scriptTimeout: 100ms\n"),
            Map.entry("loopdead", "steps:\n  - name: t\n    javascript: 'function transform(r) { while (true) {} }'\n"
                    + "errors:\n  onError: dead-letter\nexecution:\n  scriptTimeout: 100ms\n"),
            Map.entry("alias", "vars:\n  a: &anchor x\n  b: *anchor\n"),
            Map.entry("range", "execution:\n  parallelism: 100000\n"),
            Map.entry("vars", "vars:\n  minAmount: '1'\n"),
            Map.entry("allfail", "sink:\n  columns: [id, nmae]\nerrors:\n  onError: dead-letter\n"),
            Map.entry("stuck", "steps:\n  - name: t\n    javascript: |\n"
                    + "      function f(n) { try { return f(n + 1) + 1; } catch (e) { return f(n + 1); } }\n"
                    + "      function transform(r) { return f(0); }\nexecution:\n  scriptTimeout: 100ms\n"),
            Map.entry("shapes", "steps:\n  - name: t\n    javascript: 'function transform(r) { return r.id === \"1\" ? {id: r.id} : r; }'\n"));

    private static final Map<String, String> INPUTS = Map.of(
            "ok", "id,name\n1,ann\n2,bob\n",
            "dup", "id,id\n1,2\n",
            "fields", "id,name\n1,ann,x\n",
            "quote", "id,name\n1,\"ann\n2,bob\n",
            "stray", "id,name\n1,a\"b\n",
            "encoding", "id,name\n1,caf\u00e9\n");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown key 'source.delimeter'. Did you mean 'delimiter'?                        | validate typo
            is not set. Set it, or give a default                                            | validate env
            Fix the script; nothing has been read yet.                                       | validate syntax
            SyntaxError:                                                                     | validate syntax
            the script defines no function transform(row, ctx)                               | validate notransform
            no such pipeline file                                                            | validate missing
            does not exist. Check --input or source.path                                     | run plain -i nope.csv -o out.csv
            exists and sink.mode is create                                                   | run create -i ok.csv -o ok.csv.copy -- exists
            (the same file). Write to another file                                           | run plain -i ok.csv -o ok.csv
            there is no place for dead letters by default                                    | run dead -i ok.csv
            the header names column 'id' twice                                               | run plain -i dup.csv -o out.csv
            the record has 3 fields but the header has 2                                     | run dead -i fields.csv -o out.csv
            malformed CSV: unclosed quote                                                    | run dead -i quote.csv -o out.csv
            is not quoted but holds a quote                                                  | run dead -i stray.csv -o out.csv
            bytes that are not valid in the input's encoding                                 | run dead -i encoding.bin -o out.csv
            Fix the data or the script, or set errors.onError: dead-letter to keep going.    | run throws -i ok.csv -o out.csv
            Cannot read property                                                             | run throws -i ok.csv -o out.csv
            return the row, a new object, an array of objects, or null to drop the row       | run number -i ok.csv -o out.csv
            make it faster or raise execution.scriptTimeout                                  | run loopdead -i ok.csv -o out.csv
            records failed (errors.maxErrors)                                                | run loop -i ok.csv -o out.csv
            the output header [id] (the columns of the first output row) lacks               | run shapes -i ok.csv -o out.csv
            --parallelism must be at least 1                                                 | run plain -i ok.csv --parallelism 0
            is not supported. Write the value out in full here                               | validate alias
            must be a whole number from 1 to 256                                             | validate range
            the pipeline has no var                                                          | run vars -i ok.csv -o out.csv --set minAmont=2
            is a folder. Name a file inside it                                               | run plain -i ok.csv -o .
            every record failed                                                              | run allfail -i ok.csv -o out.csv
            and could not be stopped                                                         | run stuck -i ok.csv -o out.csv
            """)
    void theGuideQuotesWhatFlowEnginePrints(String message, String command) throws IOException {
        for (Map.Entry<String, String> p : PIPELINES.entrySet()) {
            Files.writeString(dir.resolve(p.getKey() + ".yaml"), p.getValue());
        }
        for (Map.Entry<String, String> in : INPUTS.entrySet()) {
            Files.writeString(dir.resolve(in.getKey() + ".csv"), in.getValue());
        }
        Files.write(dir.resolve("encoding.bin"), "id,name\n1,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        String[] words = command.strip().split("\\s+");
        java.util.List<String> args = new java.util.ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (w.equals("--")) {
                // what must exist beforehand
                Files.writeString(dir.resolve("ok.csv.copy"), "old\n");
                break;
            }
            args.add(i == 1 ? dir.resolve(w + ".yaml").toString()
                    : w.endsWith(".csv") || w.endsWith(".bin") || w.endsWith(".copy") ? dir.resolve(w).toString() : w);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main.Terminal t = new Main.Terminal(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
                new PrintStream(err, true), Map.of(), false);
        int exit = Main.execute(t, args.toArray(new String[0]));
        String printed = err.toString(StandardCharsets.UTF_8);
        Path dead = dir.resolve("out.dead-letters.csv");
        if (Files.exists(dead)) {
            printed += Files.readString(dead);
        }
        assertThat(printed).as("what '" + command.strip() + "' printed (exit " + exit + ")").contains(message.strip());
        assertThat(GUIDE).as("docs/troubleshooting.md quotes it").contains(message.strip());
    }
}

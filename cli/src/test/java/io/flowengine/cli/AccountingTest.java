package io.flowengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One outcome per input record, whatever the steps do; values as JavaScript prints them; runs where all failed. */
class AccountingTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int cli(String... args) {
        Main.Terminal t = new Main.Terminal(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream(), true),
                new PrintStream(err, true), Map.of(), false);
        return Main.execute(t, args);
    }

    /** What each kind of record becomes: rows written, or filtered, or failed. */
    private static final List<String> KINDS = List.of("keep", "fan3", "fanSomeDropped", "fanAllDropped", "empty", "null",
            "throw", "filtered", "misfit", "fanMisfit");

    private static final String PIPELINE = """
            steps:
              - name: shape
                javascript: |
                  function transform(row) {
                    switch (row.k) {
                      case 'fan3': return [1, 2, 3].map(i => ({id: row.id, k: row.k, part: 'p' + i}));
                      case 'fanSomeDropped': return [{id: row.id, k: row.k, part: 'drop'}, {id: row.id, k: row.k, part: 'x'}];
                      case 'fanAllDropped': return [{id: row.id, k: row.k, part: 'drop'}, {id: row.id, k: row.k, part: 'drop'}];
                      case 'empty': return [];
                      case 'null': return null;
                      case 'throw': throw new Error('thrown for ' + row.id);
                      case 'misfit': return {id: row.id, k: row.k};
                      case 'fanMisfit': return [{id: row.id, k: row.k, part: 'a'}, {id: row.id, k: row.k}];
                      default: row.part = row.k === 'filtered' ? 'drop' : 'x'; return row;
                    }
                  }
              - name: drop
                filter: "row.part !== 'drop'"
            sink:
              columns: [id, k, part]
            errors:
              onError: %s
            execution:
              chunkSize: %d
              parallelism: 2
            """;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void everyRecordHasExactlyOneOutcome(int seed) throws IOException {
        Random random = new Random(seed);
        int n = 50 + random.nextInt(400);
        StringBuilder csv = new StringBuilder("id,k\n");
        long out = 0;
        long filtered = 0;
        long failed = 0;
        long written = 0;
        for (int i = 1; i <= n; i++) {
            String k = KINDS.get(random.nextInt(KINDS.size()));
            csv.append(i).append(',').append(k).append('\n');
            switch (k) {
                case "keep" -> { out++; written++; }
                case "fan3" -> { out++; written += 3; }
                case "fanSomeDropped" -> { out++; written++; }
                case "fanAllDropped", "empty", "null", "filtered" -> filtered++;
                default -> failed++;
            }
        }
        if (seed % 2 == 0) {
            // a malformed record too
            csv.append("\"unclosed,x\n");
            n++;
            failed++;
        }
        String policy = seed % 3 == 0 ? "skip" : "dead-letter";
        Path pipeline = Files.writeString(dir.resolve("p.yaml"), PIPELINE.formatted(policy, 1 + random.nextInt(40)));
        Path in = Files.writeString(dir.resolve("in.csv"), csv);
        Path summary = dir.resolve("s.json");
        int code = cli("run", pipeline.toString(), "-i", in.toString(), "-o", dir.resolve("out.csv").toString(),
                "--summary", summary.toString(), "-q");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        JsonNode s = new ObjectMapper().readTree(summary.toFile());
        assertThat(s.get("rowsIn").asLong()).isEqualTo(n);
        assertThat(s.get("rowsOut").asLong()).isEqualTo(out);
        assertThat(s.get("rowsFiltered").asLong()).isEqualTo(filtered);
        assertThat(s.get("rowsFailed").asLong()).isEqualTo(failed);
        assertThat(s.get("rowsWritten").asLong()).isEqualTo(written);
        assertThat(Files.readAllLines(dir.resolve("out.csv"))).hasSize((int) written + 1);
        if (policy.equals("dead-letter")) {
            String dead = Files.readString(dir.resolve("out.dead-letters.csv"));
            long malformed = seed % 2 == 0 ? 1 : 0;
            assertThat(dead.lines().skip(1).filter(l -> !l.isEmpty() && Character.isDigit(l.charAt(0))).count())
                    .as("dead letters of parsed records").isEqualTo(failed - malformed);
            if (malformed == 1) {
                assertThat(dead).contains("unclosed");
            }
        }
    }

    @Test
    void aFailureAtTheSinkCountsTheRecordsBeforeIt() throws IOException {
        Path pipeline = Files.writeString(dir.resolve("p.yaml"), PIPELINE.formatted("fail", 100));
        Path in = Files.writeString(dir.resolve("in.csv"), "id,k\n1,keep\n2,misfit\n3,keep\n");
        Path summary = dir.resolve("s.json");
        assertThat(cli("run", pipeline.toString(), "-i", in.toString(), "-o", dir.resolve("out.csv").toString(),
                "--summary", summary.toString())).isEqualTo(1);
        JsonNode s = new ObjectMapper().readTree(summary.toFile());
        assertThat(s.get("rowsIn").asLong()).isEqualTo(2);
        assertThat(s.get("rowsOut").asLong()).isEqualTo(1);
        assertThat(s.get("rowsFailed").asLong()).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("2 rows in, 1 out, 0 filtered, 1 failed");
    }

    @Test
    void aFanOutThatALaterFilterDropsEntirelyIsFiltered() throws IOException {
        Path pipeline = Files.writeString(dir.resolve("p.yaml"), PIPELINE.formatted("dead-letter", 100));
        Path in = Files.writeString(dir.resolve("in.csv"), "id,k\n1,fanAllDropped\n2,fanAllDropped\n3,fanAllDropped\n");
        assertThat(cli("run", pipeline.toString(), "-i", in.toString(), "-o", dir.resolve("out.csv").toString())).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("3 rows in, 0 out, 3 filtered, 0 failed");
    }

    @Test
    void oneRowIsOneRow() throws IOException {
        Path pipeline = Files.writeString(dir.resolve("p.yaml"), "steps: []\n");
        Path in = Files.writeString(dir.resolve("in.csv"), "id\n1\n");
        assertThat(cli("run", pipeline.toString(), "-i", in.toString(), "-o", dir.resolve("out.csv").toString())).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(": 1 row in, 1 out, 0 filtered, 0 failed");
    }

    @Test
    void numbersAreStoredAsJavaScriptPrintsThem() throws IOException {
        // each value next to what GraalJS's own String(v) gives, and the spec's expected text
        Map<String, String> table = new java.util.LinkedHashMap<>();
        table.put("-0", "0");
        table.put("1e-7", "1e-7");
        table.put("2e-7", "2e-7");
        table.put("1.2345678901234568e+20", "123456789012345680000");
        table.put("1.2345678901234568e+21", "1.2345678901234568e+21");
        table.put("5e-324", "5e-324");
        table.put("9.999999999999998e-15", "9.999999999999998e-15");
        table.put("0.1 + 0.2", "0.30000000000000004");
        table.put("1 / 3", "0.3333333333333333");
        table.put("2 ** 31", "2147483648");
        table.put("2 ** 53 + 2", "9007199254740994");
        table.put("1e21", "1e+21");
        table.put("-1.5e300", "-1.5e+300");
        table.put("123e-20", "1.23e-18");
        table.put("0.000001", "0.000001");
        table.put("1 / 0", "Infinity");
        table.put("-1 / 0", "-Infinity");
        table.put("0 / 0", "NaN");
        table.put("Number.MAX_VALUE", "1.7976931348623157e+308");
        table.put("true", "true");
        table.put("10n ** 20n", "100000000000000000000");
        StringBuilder js = new StringBuilder("function transform(row) {\n  const out = [];\n");
        int i = 0;
        for (String expr : table.keySet()) {
            js.append("  out.push({i: '").append(i++).append("', v: ").append(expr).append(", js: String(").append(expr).append(")});\n");
        }
        js.append("  return out;\n}\n");
        Files.writeString(dir.resolve("values.js"), js);
        Path pipeline = Files.writeString(dir.resolve("p.yaml"), "steps:\n  - name: v\n    file: values.js\n");
        Path in = Files.writeString(dir.resolve("in.csv"), "x\n1\n");
        Path outFile = dir.resolve("out.csv");
        assertThat(cli("run", pipeline.toString(), "-i", in.toString(), "-o", outFile.toString(), "-q"))
                .as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<String> lines = Files.readAllLines(outFile);
        assertThat(lines.get(0)).isEqualTo("i,v,js");
        List<String> expected = List.copyOf(table.values());
        for (int r = 0; r < expected.size(); r++) {
            String[] f = lines.get(r + 1).split(",");
            assertThat(f[1]).as("stored value of " + List.copyOf(table.keySet()).get(r)).isEqualTo(f[2]).isEqualTo(expected.get(r));
        }
    }

    @Test
    void aRunWhereEveryRecordFailedFailsAndKeepsItsDeadLetters() throws IOException {
        Path pipeline = Files.writeString(dir.resolve("p.yaml"), "steps: []\nsink:\n  columns: [id, nmae]\nerrors:\n  onError: dead-letter\n");
        Path in = Files.writeString(dir.resolve("in.csv"), "id,name\n1,a\n2,b\n3,c\n");
        Path out = dir.resolve("out.csv");
        assertThat(cli("run", pipeline.toString(), "-i", in.toString(), "-o", out.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("every record failed (3 of 3); the most common error, in 3 of them: step 'sink': the output row has no column 'nmae'")
                .contains("The output was not written; the dead letters were kept");
        assertThat(out).doesNotExist();
        assertThat(Files.readAllLines(dir.resolve("out.dead-letters.csv"))).hasSize(4);
    }

    @Test
    void anExplicitMaxErrorsAcceptsARunWhereEveryRecordFailed() throws IOException {
        Path pipeline = Files.writeString(dir.resolve("p.yaml"),
                "steps: []\nsink:\n  columns: [id, nmae]\nerrors:\n  onError: skip\n  maxErrors: 10\n");
        Path in = Files.writeString(dir.resolve("in.csv"), "id,name\n1,a\n2,b\n3,c\n");
        assertThat(cli("run", pipeline.toString(), "-i", in.toString(), "-o", dir.resolve("out.csv").toString())).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("more than half of the records failed (100%)");
    }

    @Test
    void theSummarySaysWhenMoreThanHalfFailed() throws IOException {
        Path pipeline = Files.writeString(dir.resolve("p.yaml"), "steps:\n  - name: t\n    javascript: |\n"
                + "      function transform(row) { if (row.id !== '1') throw new Error('no'); return row; }\n"
                + "errors:\n  onError: skip\n");
        Path in = Files.writeString(dir.resolve("in.csv"), "id\n1\n2\n3\n");
        assertThat(cli("run", pipeline.toString(), "-i", in.toString(), "-o", dir.resolve("out.csv").toString())).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("3 rows in, 1 out, 0 filtered, 2 failed; more than half of the records failed (67%)");
    }
}

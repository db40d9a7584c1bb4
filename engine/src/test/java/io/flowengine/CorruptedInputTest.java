package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.PipelineSpec.ErrorsSpec;
import io.flowengine.PipelineSpec.StepSpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of damaged files — truncated, with quotes, NULs, CRs and invalid bytes thrown in, with
 * bytes cut out — made from one good file with a fixed seed. Every run must succeed, account
 * exactly for every record, and lose nothing: each record id still present in the damaged input
 * comes out either in the output or in the dead letters.
 */
class CorruptedInputTest {

    private static final int RECORDS = 300;

    static Stream<Integer> variants() {
        return IntStream.range(0, 60).boxed();
    }

    static byte[] original() {
        StringBuilder sb = new StringBuilder("id,name,note,amount\n");
        for (int i = 1; i <= RECORDS; i++) {
            String note = i % 7 == 0 ? "\"left at door, rang twice\"" : i % 11 == 0 ? "\"line one\nline two\""
                    : i % 13 == 0 ? "\"say \"\"hi\"\"\"" : "plain note";
            sb.append(String.format("id%04dx,name %d,%s,%d.%02d\n", i, i, note, i, i % 100));
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] damage(byte[] in, int variant) {
        Random rnd = new Random(variant * 7919L + 17);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[][] inserts = {{'"'}, {0}, {'\r'}, {(byte) 0xff, (byte) 0xfe}, {'"', '"'}, {','}, {'\n'}, {(byte) 0xc3}};
        int edits = 1 + rnd.nextInt(6);
        int[] at = rnd.ints(edits, 0, in.length).sorted().toArray();
        int from = 0;
        for (int e = 0; e < edits; e++) {
            if (at[e] > from) {
                out.write(in, from, at[e] - from);
                from = at[e];
            }
            switch (rnd.nextInt(3)) {
                case 0 -> out.writeBytes(inserts[rnd.nextInt(inserts.length)]);
                case 1 -> from = Math.min(in.length, from + 1 + rnd.nextInt(20));
                default -> out.writeBytes(inserts[rnd.nextInt(inserts.length)]);
            }
        }
        out.write(in, from, in.length - from);
        byte[] damaged = out.toByteArray();
        if (variant % 5 == 0) {
            damaged = java.util.Arrays.copyOf(damaged, rnd.nextInt(damaged.length));
        }
        return damaged;
    }

    @ParameterizedTest(name = "variant {0}")
    @MethodSource("variants")
    void damagedInputLosesNothing(int variant, @TempDir Path dir) throws Exception {
        byte[] damaged = damage(original(), variant);
        Path in = dir.resolve("in.csv");
        Files.write(in, damaged);
        Path out = dir.resolve("out.csv");
        Path dead = dir.resolve("dead.csv");
        Pipeline p = Pipeline.of(PipelineSpec.of("corpus", List.of(StepSpec.javascript("id",
                        "function transform(row) { return row; }")))
                .withErrors(ErrorsSpec.of(ErrorPolicy.DEAD_LETTER)));
        RunSummary s = p.run(RunRequest.create().input(in).output(out).deadLetter(dead)).block();

        assertThat(s.error()).isEmpty();
        assertThat(s.rowsIn()).isEqualTo(s.rowsOut() + s.rowsFiltered() + s.rowsFailed());
        String input = new String(damaged, StandardCharsets.UTF_8);
        String output = Files.exists(out) ? Files.readString(out) : "";
        String deadLetters = Files.exists(dead) ? Files.readString(dead) : "";
        for (int i = 1; i <= RECORDS; i++) {
            String id = String.format("id%04dx", i);
            if (input.contains(id)) {
                assertThat(output.contains(id) || deadLetters.contains(id)).as(id + " is accounted for").isTrue();
            }
        }
    }
}

package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.PipelineSpec.ErrorsSpec;
import io.flowengine.PipelineSpec.StepSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The byte-level entry point: Flux<ByteBuffer> in, Flux<ByteBuffer> out, as a WebFlux application has them. */
class ByteRunTest {

    @TempDir
    Path dir;

    private static final StepSpec UPPER = StepSpec.javascript("upper",
            "function transform(row) { if (row.name === 'boom') throw new Error('boom'); row.name = row.name.toUpperCase(); return row; }");

    private static Pipeline pipeline(ErrorPolicy policy) {
        return Pipeline.of(PipelineSpec.of("bytes", List.of(UPPER, StepSpec.filter("paid", "row.status !== 'cancelled'")))
                .withErrors(ErrorsSpec.of(policy)));
    }

    /** {@code text}'s UTF-8 bytes in buffers of {@code size} bytes, split wherever that falls (inside characters too). */
    private static Flux<ByteBuffer> split(String text, int size) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<ByteBuffer> parts = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += size) {
            parts.add(ByteBuffer.wrap(bytes, i, Math.min(size, bytes.length - i)).slice());
        }
        return Flux.fromIterable(parts);
    }

    private static String text(List<ByteBuffer> buffers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer b : buffers) {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.writeBytes(a);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String orders(int rows) {
        StringBuilder sb = new StringBuilder("name,status\n");
        for (int i = 0; i < rows; i++) {
            sb.append(i % 100 == 7 ? "boom" : "zoë" + i).append(i % 10 == 3 ? ",cancelled\n" : ",paid\n");
        }
        return sb.toString();
    }

    @Test
    void givesTheSameBytesAsAFileRunWithTheInputSplitAnywhere() throws IOException {
        String input = orders(3000);
        Path in = dir.resolve("in.csv");
        Files.writeString(in, input);
        Pipeline p = pipeline(ErrorPolicy.DEAD_LETTER);
        RunSummary file = p.run(RunRequest.create().input(in).output(dir.resolve("out.csv")).deadLetter(dir.resolve("file.dl.csv"))).block();
        ByteRun run = p.newByteRun(RunRequest.create().deadLetter(dir.resolve("bytes.dl.csv")));
        List<ByteBuffer> out = run.transform(split(input, 7)).collectList().block(Duration.ofSeconds(30));
        assertThat(text(out)).isEqualTo(Files.readString(dir.resolve("out.csv")));
        RunSummary bytes = run.summary().block(Duration.ofSeconds(5));
        assertThat(bytes.succeeded()).isTrue();
        assertThat(List.of(bytes.rowsIn(), bytes.rowsOut(), bytes.rowsFiltered(), bytes.rowsFailed()))
                .isEqualTo(List.of(file.rowsIn(), file.rowsOut(), file.rowsFiltered(), file.rowsFailed()));
        assertThat(Files.readString(dir.resolve("bytes.dl.csv"))).isEqualTo(Files.readString(dir.resolve("file.dl.csv")));
    }

    @Test
    void aSlowSubscriberHoldsTheInputBack() {
        AtomicLong buffersTaken = new AtomicLong();
        // endless input: only demand decides how much of it is read
        Flux<ByteBuffer> endless = Flux.concat(Flux.just(ByteBuffer.wrap("name,status\n".getBytes(StandardCharsets.UTF_8))),
                Flux.<ByteBuffer, Long>generate(() -> 0L, (i, sink) -> {
                    sink.next(ByteBuffer.wrap(("n" + i + ",paid\n").repeat(100).getBytes(StandardCharsets.UTF_8)));
                    return i + 1;
                })).doOnNext(b -> buffersTaken.incrementAndGet());
        ByteRun run = pipeline(ErrorPolicy.FAIL).newByteRun(RunRequest.create());
        StepVerifier.create(run.transform(endless), 1)
                .expectNextCount(1)
                .thenAwait(Duration.ofMillis(500))
                .then(() -> assertThat(buffersTaken.get()).as("input buffers read while the subscriber takes nothing")
                        .isLessThan(2_000))
                .thenCancel()
                .verify(Duration.ofSeconds(20));
        long afterCancel = buffersTaken.get();
        RunSummary s = run.summary().block(Duration.ofSeconds(10));
        assertThat(s.succeeded()).isFalse();
        assertThat(s.error().orElseThrow()).hasMessage("the run was cancelled");
        assertThat(buffersTaken.get()).as("nothing read after the cancel").isLessThanOrEqualTo(afterCancel + 8);
    }

    @Test
    void aFailedRunEndsTheOutputWithItsErrorAndCancelsTheInput() {
        AtomicBoolean inputCancelled = new AtomicBoolean();
        // more than a chunk (256 records) so that the failing row is processed while the input is still open
        Flux<ByteBuffer> input = split(orders(600), 64).concatWith(Flux.never()).doOnCancel(() -> inputCancelled.set(true));
        ByteRun run = pipeline(ErrorPolicy.FAIL).newByteRun(RunRequest.create());
        StepVerifier.create(run.transform(input))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RowException.class).hasMessageContaining("boom"))
                .verify(Duration.ofSeconds(20));
        assertThat(run.summary().block(Duration.ofSeconds(5)).rowsFailed()).isEqualTo(1);
        assertThat(inputCancelled).isTrue();
    }

    @Test
    void anInputThatFailsFailsTheRunWithWhatWentWrong() {
        Flux<ByteBuffer> broken = split("name,status\nann,paid\n", 5).concatWith(Flux.error(new IOException("connection reset")));
        ByteRun run = pipeline(ErrorPolicy.FAIL).newByteRun(RunRequest.create());
        StepVerifier.create(run.transform(broken))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(FlowEngineException.class)
                        .hasMessageContaining("cannot read the input stream").hasMessageContaining("connection reset"))
                .verify(Duration.ofSeconds(20));
        assertThat(run.summary().block(Duration.ofSeconds(5)).succeeded()).isFalse();
    }

    @Test
    void anEmptyInputGivesAnEmptyOutput() {
        ByteRun run = pipeline(ErrorPolicy.FAIL).newByteRun(RunRequest.create());
        assertThat(run.transform(Flux.empty()).collectList().block(Duration.ofSeconds(20))).isEmpty();
        assertThat(run.summary().block(Duration.ofSeconds(5)).rowsIn()).isZero();
    }
}

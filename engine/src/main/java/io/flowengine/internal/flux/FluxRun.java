package io.flowengine.internal.flux;

import io.flowengine.DeadLetter;
import io.flowengine.PipelineSpec;
import io.flowengine.Row;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.Chunk;
import io.flowengine.internal.run.OutputStage;
import io.flowengine.internal.run.RailPool;
import io.flowengine.internal.run.RunCore;
import io.flowengine.internal.run.RunCounters;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;

/**
 * A run over an application's {@code Flux<Row>}, composed in Reactor over the run core: rows are
 * numbered and gathered into chunks, the chunks go through the steps on rails, and the core gives
 * every record its fate in input order, handing on the rows that are written.
 */
public final class FluxRun {

    private FluxRun() {
    }

    /**
     * The rows of {@code input} through the steps. The application's own operators upstream are
     * fenced off with {@code onErrorStop()}: an error there ends the run, whatever the policy.
     *
     * @param deadLetters where failed records go under {@code errors.onError: dead-letter}
     */
    public static Flux<Row> transform(Flux<Row> input, PipelineSpec spec, ScriptSet scripts, OutputStream console,
            RunCounters counters, Consumer<DeadLetter> deadLetters) {
        RunCore core = new RunCore(spec, counters, OutputStage.unformatted(), deadLetters);
        AtomicLong rowNumber = new AtomicLong();
        AtomicLong seq = new AtomicLong();
        int chunkSize = spec.execution().chunkSize();
        Flux<Chunk> chunks = input
                .onErrorStop()
                .map(r -> {
                    long n = rowNumber.incrementAndGet();
                    return r.withPosition(n, r.line() > 0 ? r.line() : n);
                })
                // a chunk goes on when full or after 50 ms, so a slow source is not held back
                .bufferTimeout(chunkSize, Duration.ofMillis(50), true)
                .map(rows -> new Chunk(seq.getAndIncrement(), rows.toArray(new Row[0]), rows.size(), List.of(), rows.size()));
        return Steps.apply(chunks, spec.execution(), () -> new RailPool(scripts, console))
                .concatMapIterable(p -> {
                    List<Row> rows = new ArrayList<>(p.chunk().size());
                    core.accept(p, (row, from) -> rows.add(row));
                    return rows;
                })
                .concatWith(Flux.defer(() -> {
                    core.finish(null);
                    return Flux.empty();
                }));
    }
}

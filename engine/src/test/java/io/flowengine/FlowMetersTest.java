package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowengine.PipelineSpec.ErrorsSpec;
import io.flowengine.PipelineSpec.StepSpec;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** The meters a run records are exactly those FlowMeters lists, each with the tag keys it lists. */
class FlowMetersTest {

    @Test
    void everyMeterARunRecordsIsListedWithItsTagKeys() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Pipeline p = Pipeline.of(PipelineSpec.of("orders", List.of(
                        StepSpec.javascript("check", "function transform(row) { if (row.n === '2') throw new Error('bad'); return row; }"),
                        StepSpec.filter("odd", "row.n !== '3'")))
                .withErrors(ErrorsSpec.of(ErrorPolicy.SKIP)))
                .withMeterRegistry(registry, "orders");
        PipelineRun run = p.newRun();
        List<Row> out = run.transform(Flux.range(1, 4).map(i -> Row.of(Map.of("n", Integer.toString(i))))).collectList().block();
        assertThat(out).hasSize(2);

        Map<String, FlowMeters> listed = Arrays.stream(FlowMeters.values())
                .collect(Collectors.toMap(FlowMeters::meterName, m -> m));
        List<Meter> meters = registry.getMeters();
        assertThat(meters.stream().map(m -> m.getId().getName()).distinct())
                .as("meters recorded").containsExactlyInAnyOrderElementsOf(listed.keySet());
        for (Meter m : meters) {
            FlowMeters listing = listed.get(m.getId().getName());
            assertThat(m.getId().getTags().stream().map(Tag::getKey))
                    .as("tags of " + m.getId().getName()).containsExactlyInAnyOrderElementsOf(listing.tagKeys());
            assertThat(m.getId().getDescription()).isEqualTo(listing.description());
        }
    }
}

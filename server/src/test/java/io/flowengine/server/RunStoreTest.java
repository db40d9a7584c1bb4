package io.flowengine.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {

    /** A pipeline's name comes from a file name, which may hold quotes, backslashes and line breaks. */
    @Test
    void aRunningRecordIsValidJsonWhateverThePipelineIsCalled(@TempDir Path dir) throws Exception {
        RunStore store = new RunStore(dir, 10, Duration.ofDays(1));
        String name = "quo\"te\\back\nslash\u0001";
        String id = store.create(name);
        JsonNode record = new ObjectMapper().readTree(store.summary(id).orElseThrow());
        assertThat(record.get("status").asText()).isEqualTo("running");
        assertThat(record.get("pipeline").asText()).isEqualTo(name);
    }
}

package io.flowengine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.flowengine.internal.config.PipelineLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/pipeline.schema.json stays in sync with the loader, and accepts what the loader accepts. */
class PipelineSchemaTest {

    private static final Path SCHEMA = Path.of("..", "docs", "pipeline.schema.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode schemaTree() throws IOException {
        return JSON.readTree(SCHEMA.toFile());
    }

    private static JsonSchema schema() throws IOException {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaTree());
    }

    /** The properties of a section of the schema, following $ref and array items. */
    private static Set<String> properties(JsonNode root, String section) {
        JsonNode node = root;
        if (!section.isEmpty()) {
            for (String part : section.split("\\.")) {
                boolean items = part.endsWith("[]");
                node = resolve(root, node.get("properties").get(items ? part.substring(0, part.length() - 2) : part));
                if (items) {
                    node = resolve(root, node.get("items"));
                }
            }
        }
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.get("properties").fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static JsonNode resolve(JsonNode root, JsonNode node) {
        while (node.has("$ref")) {
            node = root.at(node.get("$ref").asText().substring(1));
        }
        return node;
    }

    @Test
    void everySectionHasExactlyTheKeysTheLoaderAccepts() throws IOException {
        JsonNode root = schemaTree();
        for (Map.Entry<String, List<String>> section : PipelineLoader.keys().entrySet()) {
            assertThat(properties(root, section.getKey())).as("schema section '" + section.getKey() + "'")
                    .isEqualTo(new TreeSet<>(section.getValue()));
        }
    }

    static Stream<Path> pipelineFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(Path.of("..", "docs"), Path.of("src", "test", "resources", "cases"))) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(files::add);
            }
        }
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("pipelineFiles")
    void everyPipelineTheLoaderAcceptsIsValidAgainstTheSchema(Path file) throws IOException {
        try {
            Pipeline.loadSpec(file, Map.of(), Map.of("INGEST_TOKEN", "t"));
        } catch (PipelineValidationException e) {
            org.junit.jupiter.api.Assumptions.abort("the loader rejects it (a case about bad files): " + e.getMessage());
        }
        Set<ValidationMessage> errors = schema().validate(YAML.readTree(file.toFile()));
        assertThat(errors).as(file.toString()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "steps: []\nsource:\n  delimeter: ';'\n",
        "steps:\n  - name: a\n    filter: 'true'\n    javascript: 'function transform(r) { return r; }'\n",
        "steps:\n  - name: a\n",
        "steps: []\nerrors:\n  onError: ignore\n",
        "steps: []\nexecution:\n  scriptTimeout: 5 seconds\n",
        "steps: []\nsink:\n  path: out.csv\n  http:\n    url: http://x\n",
        "steps: []\nversion: 2\n",
        "steps: []\nexecution:\n  parallelism: 100000\n",
        "steps: []\ntests:\n  - name: t\n    input: 'a'\n",
    })
    void whatTheLoaderRejectsTheSchemaRejectsToo(String yaml) throws IOException {
        assertThat(schema().validate(YAML.readTree(yaml))).isNotEmpty();
        Path file = Files.createTempFile("bad", ".yaml");
        try {
            Files.writeString(file, yaml);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Pipeline.loadSpec(file, Map.of(), Map.of()))
                    .isInstanceOf(PipelineValidationException.class);
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void variablesAreAcceptedWhereNumbersGo() throws IOException {
        assertThat(schema().validate(YAML.readTree("steps: []\nexecution:\n  parallelism: ${CPUS:-2}\n  scriptTimeout: 2s\n"))).isEmpty();
        assertThat(schema().validate(YAML.readTree("source:\n  format: tsv\n"))).as("steps are optional").isEmpty();
    }
}

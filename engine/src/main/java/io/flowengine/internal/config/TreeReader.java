package io.flowengine.internal.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.flowengine.PipelineValidationException;
import io.flowengine.Problem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML or JSON into a {@link Node} tree that remembers where every key and value was, so
 * that later checks can point at them. Plain Jackson trees lose positions.
 */
final class TreeReader {

    private static final YAMLFactory YAML = YAMLFactory.builder().build();
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final String file;
    private final List<Problem> problems;

    TreeReader(String file, List<Problem> problems) {
        this.file = file;
        this.problems = problems;
    }

    /** The document's root, or null when it cannot be parsed (the problem is recorded). */
    Node read(String text) {
        boolean json = text.stripLeading().startsWith("{");
        try (JsonParser p = (json ? JSON : YAML).createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                problems.add(new Problem(file, 1, 1, "the file is empty. Start with 'version: 1' and a 'steps:' list."));
                return null;
            }
            return node(p, t);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String message = e.getOriginalMessage().lines().findFirst().orElse("").strip();
            problems.add(new Problem(file, at == null ? 0 : Math.max(1, at.getLineNr()),
                    at == null ? 0 : Math.max(1, at.getColumnNr()),
                    (json ? "not valid JSON: " : "not valid YAML: ") + message
                            + ". Check indentation and quoting near this position."));
            return null;
        } catch (IOException e) {
            throw new PipelineValidationException(List.of(new Problem(file, 0, 0, "cannot read: " + e.getMessage())));
        }
    }

    private Node node(JsonParser p, JsonToken t) throws IOException {
        JsonLocation at = p.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        if (p instanceof YAMLParser y && y.isCurrentAlias()) {
            // Jackson would hand the alias on as the text of its name; nothing here resolves it
            problems.add(new Problem(file, line, column, "the YAML alias '*" + p.getText() + "' is not supported."
                    + " Write the value out in full here (anchors, aliases and '<<' merge keys are not read)."));
            return new Node.ScalarNode("", Node.ScalarType.NULL, line, column);
        }
        switch (t) {
            case START_OBJECT: {
                Map<String, Node.Entry> entries = new LinkedHashMap<>();
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    JsonLocation k = p.currentTokenLocation();
                    Node.Key key = new Node.Key(p.currentName(), k.getLineNr(), k.getColumnNr());
                    Node value = node(p, p.nextToken());
                    if (entries.containsKey(key.name())) {
                        problems.add(new Problem(file, key.line(), key.column(),
                                "duplicate key '" + key.name() + "'. Keep only one of them."));
                    } else {
                        entries.put(key.name(), new Node.Entry(key, value));
                    }
                }
                return new Node.MapNode(entries, line, column);
            }
            case START_ARRAY: {
                List<Node> items = new ArrayList<>();
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(node(p, t));
                }
                return new Node.ListNode(items, line, column);
            }
            case VALUE_STRING:
                return new Node.ScalarNode(p.getText(), Node.ScalarType.STRING, line, column);
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new Node.ScalarNode(p.getText(), Node.ScalarType.NUMBER, line, column);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Node.ScalarNode(p.getText(), Node.ScalarType.BOOLEAN, line, column);
            case VALUE_NULL:
                return new Node.ScalarNode("", Node.ScalarType.NULL, line, column);
            default:
                throw new IOException("unexpected " + t);
        }
    }
}

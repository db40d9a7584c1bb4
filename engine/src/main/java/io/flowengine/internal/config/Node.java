package io.flowengine.internal.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A pipeline-file value with the 1-based position it was read from. */
sealed interface Node permits Node.MapNode, Node.ListNode, Node.ScalarNode {

    int line();

    int column();

    /** What a user calls this kind of value in an error message. */
    String describe();

    /** A key of a mapping, with its own position. */
    record Key(String name, int line, int column) {
    }

    record MapNode(Map<String, Entry> entries, int line, int column) implements Node {
        public MapNode {
            entries = new LinkedHashMap<>(entries);
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record Entry(Key key, Node value) {
    }

    record ListNode(List<Node> items, int line, int column) implements Node {
        public ListNode {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /**
     * A scalar. {@code type} is what the file literally holds: a string, a number, a boolean or
     * null; {@code text} is its text ("" for null).
     */
    record ScalarNode(String text, ScalarType type, int line, int column) implements Node {
        @Override
        public String describe() {
            return switch (type) {
                case STRING -> "the text '" + Texts.cut(text) + "'";
                case NUMBER -> "the number " + text;
                case BOOLEAN -> "the boolean " + text;
                case NULL -> "nothing (null)";
            };
        }
    }

    enum ScalarType { STRING, NUMBER, BOOLEAN, NULL }
}

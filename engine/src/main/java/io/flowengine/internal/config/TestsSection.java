package io.flowengine.internal.config;

import io.flowengine.PipelineSpec.TestSpec;
import io.flowengine.internal.config.Node.ListNode;
import io.flowengine.internal.config.Node.MapNode;
import io.flowengine.internal.config.Node.ScalarNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code tests} list. */
final class TestsSection {

    static final List<String> KEYS = List.of("name", "input", "expect");

    private final FieldReader f;

    TestsSection(FieldReader f) {
        this.f = f;
    }

    List<TestSpec> read(MapNode root) {
        Optional<Node.Entry> entry = f.entry(root, "tests");
        if (entry.isEmpty() || entry.get().value() instanceof ScalarNode s && s.type() == Node.ScalarType.NULL) {
            return List.of();
        }
        if (!(entry.get().value() instanceof ListNode list)) {
            f.problem(entry.get().value(), "'tests' must be a list of tests with 'name', 'input' and 'expect'.");
            return List.of();
        }
        List<TestSpec> tests = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            Node item = list.items().get(i);
            if (!(item instanceof MapNode m)) {
                f.problem(item, "test " + (i + 1) + " must be a mapping with 'name', 'input' and 'expect'.");
                continue;
            }
            f.checkKeys(m, "test " + (i + 1) + ": ", KEYS);
            String name = f.string(m, "name").orElse("test " + (i + 1));
            Optional<String> input = f.required(m, "input", "test '" + name + "'");
            Optional<String> expect = f.required(m, "expect", "test '" + name + "'");
            if (input.isPresent() && expect.isPresent()) {
                tests.add(new TestSpec(name, input.get(), expect.get()));
            }
        }
        return tests;
    }
}

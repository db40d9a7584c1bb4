package io.flowengine.internal.config;

import io.flowengine.PipelineSpec.CodeOrigin;
import io.flowengine.PipelineSpec.StepSpec;
import io.flowengine.internal.config.Node.ListNode;
import io.flowengine.internal.config.Node.MapNode;
import io.flowengine.internal.config.Node.ScalarNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/** The {@code steps} list: each step's name, kind and code, and where the code starts in the file. */
final class StepsSection {

    /**
     * The kinds of step, each the key that holds its code: adding a kind is one constant here
     * (and, for a new runtime behaviour, a {@code StepFactory} in the JavaScript package).
     */
    enum StepKind {
        JAVASCRIPT("javascript", "inline code") {
            @Override
            StepSpec read(StepsSection s, String name, ScalarNode code) {
                return new StepSpec(name, key, code.text(), s.origin(code));
            }
        },
        FILE("file", "a .js file") {
            @Override
            StepSpec read(StepsSection s, String name, ScalarNode code) {
                return s.fromFile(name, code);
            }
        },
        FILTER("filter", "an expression") {
            @Override
            StepSpec read(StepsSection s, String name, ScalarNode code) {
                return s.filter(name, code);
            }
        };

        final String key;
        private final String what;

        StepKind(String key, String what) {
            this.key = key;
            this.what = what;
        }

        abstract StepSpec read(StepsSection s, String name, ScalarNode code);

        /** "'javascript', 'file' or 'filter'" */
        static String keys() {
            return list(k -> "'" + k.key + "'");
        }

        /** "'javascript' (inline code), 'file' (a .js file) or 'filter' (an expression)" */
        static String described() {
            return list(k -> "'" + k.key + "' (" + k.what + ")");
        }

        private static String list(Function<StepKind, String> each) {
            List<String> all = Arrays.stream(values()).map(each).toList();
            return String.join(", ", all.subList(0, all.size() - 1)) + " or " + all.get(all.size() - 1);
        }
    }

    static final List<String> KEYS = Stream.concat(Stream.of("name"), Arrays.stream(StepKind.values()).map(k -> k.key)).toList();

    private final FieldReader f;
    private final String[] lines;

    /** @param lines the file's lines, to tell where a block or quoted scalar's text starts */
    StepsSection(FieldReader f, String[] lines) {
        this.f = f;
        this.lines = lines;
    }

    List<StepSpec> read(MapNode root) {
        Optional<Node.Entry> entry = f.entry(root, "steps");
        if (entry.isEmpty()) {
            // a pipeline that only converts (CSV to TSV, a file to sink.http) needs no steps
            return List.of();
        }
        Node value = entry.get().value();
        if (value instanceof ScalarNode s && s.type() == Node.ScalarType.NULL) {
            return List.of();
        }
        if (!(value instanceof ListNode list)) {
            f.problem(value, "'steps' must be a list (items start with '- '), not " + value.describe() + ".");
            return List.of();
        }
        List<StepSpec> steps = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            Node item = list.items().get(i);
            if (!(item instanceof MapNode m)) {
                f.problem(item, "step " + (i + 1) + " must be a mapping with 'name' and one of " + StepKind.keys() + ", not "
                        + item.describe() + ".");
                continue;
            }
            String name = f.string(m, "name").orElse("step-" + (i + 1));
            if (names.contains(name)) {
                f.scalar(m, "name").ifPresent(n -> f.problem(n, "two steps are named '" + name + "'. Step names must be unique."));
            }
            names.add(name);
            f.checkKeys(m, "step '" + name + "': ", KEYS);
            StepSpec step = step(m, name);
            if (step != null) {
                steps.add(step);
            }
        }
        return steps;
    }
    /** Reads one step: exactly one of the kinds' keys says what it does. */
    private StepSpec step(MapNode m, String name) {
        List<StepKind> kinds = new ArrayList<>();
        for (StepKind k : StepKind.values()) {
            if (m.entries().containsKey(k.key)) {
                kinds.add(k);
            }
        }
        if (kinds.size() != 1) {
            f.problem(m, "step '" + name + "': " + (kinds.isEmpty() ? "says nothing to do"
                    : "has " + String.join(" and ", kinds.stream().map(k -> k.key).toList()))
                    + ". Give exactly one of " + StepKind.described() + ".");
            return null;
        }
        StepKind kind = kinds.get(0);
        ScalarNode code = f.rawString(m, kind.key).orElse(null);
        return code == null ? null : kind.read(this, name, code);
    }

    /** A step from a script file ({@code file:}), relative to the pipeline file's folder. */
    private StepSpec fromFile(String name, ScalarNode code) {
        Path script = f.baseDir.resolve(f.interpolate(code));
        if (f.confined && !inside(script, f.baseDir)) {
            f.problem(code, "step '" + name + "': the script file " + f.interpolate(code) + " is not in this server's pipelines"
                    + " folder. A pipeline sent to the server may read scripts only from that folder; put the code under"
                    + " 'javascript:' instead");
            return null;
        }
        try {
            String text = Files.readString(script, StandardCharsets.UTF_8);
            return new StepSpec(name, StepKind.JAVASCRIPT.key, text, CodeOrigin.of(script.getFileName().toString()));
        } catch (IOException e) {
            f.problem(code, "step '" + name + "': cannot read script file " + script
                    + (e instanceof NoSuchFileException ? ": no such file" : ": " + e.getMessage())
                    + ". Paths are relative to the pipeline file's folder.");
            return null;
        }
    }

    /** Whether {@code file} is a regular file inside {@code dir}, symbolic links followed. */
    private static boolean inside(Path file, Path dir) {
        try {
            return Files.isRegularFile(file) && file.toRealPath().startsWith(dir.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /** A filter step: a JavaScript expression, kept when true. */
    private StepSpec filter(String name, ScalarNode code) {
        if (code.text().isBlank()) {
            f.problem(code, "step '" + name + "': the filter is empty. Write a JavaScript expression such as \"row.status !== 'cancelled'\".");
            return null;
        }
        return new StepSpec(name, StepKind.FILTER.key, code.text(), origin(code));
    }

    /** Where the text of a scalar starts, from the scalar's style in the raw file. */
    private CodeOrigin origin(ScalarNode code) {
        String line = code.line() - 1 < lines.length ? lines[code.line() - 1] : "";
        int col = code.column();
        char style = col - 1 < line.length() ? line.charAt(col - 1) : ' ';
        if (style == '|' || style == '>') {
            for (int l = code.line(); l < lines.length; l++) {
                String text = lines[l];
                if (!text.isBlank()) {
                    int indent = text.length() - text.stripLeading().length();
                    return new CodeOrigin(f.file, code.line() + 1, indent + 1, indent);
                }
            }
            return new CodeOrigin(f.file, code.line() + 1, 1, 0);
        }
        if (style == '"' || style == '\'') {
            return new CodeOrigin(f.file, code.line(), col + 1, 0);
        }
        return new CodeOrigin(f.file, code.line(), col, 0);
    }
}

package io.flowengine.internal.config;

import io.flowengine.Problem;
import io.flowengine.internal.config.Node.MapNode;
import io.flowengine.internal.config.Node.ScalarNode;
import io.flowengine.Units;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed access to the values of a pipeline file: each reader returns the value, or records a
 * problem at the value's position (with what was expected and what was found) and returns empty,
 * so that loading goes on and every problem is reported at once. Each section of the file has
 * its own reader ({@link SourceSection}, {@link StepsSection}, ...) that uses one of these.
 */
final class FieldReader {

    final String file;
    final Path baseDir;
    final Interpolator interpolator;
    final List<Problem> problems = new ArrayList<>();
    /** Text sent by someone who may not read the machine's files: {@code file:} scripts only inside {@link #baseDir}. */
    boolean confined;

    FieldReader(String file, Path baseDir, Interpolator interpolator) {
        this.file = file;
        this.baseDir = baseDir;
        this.interpolator = interpolator;
    }


    final void checkKeys(MapNode m, String where, List<String> allowed) {
        for (Node.Entry e : m.entries().values()) {
            if (!allowed.contains(e.key().name())) {
                String hint = Texts.suggest(e.key().name(), allowed);
                // "source." names a section: unknown key 'source.delimeter'; "step 'a': " a context
                String name = Texts.cut(e.key().name());
                problem(e.key(), (where.endsWith(".") ? "unknown key '" + where + name + "'." : where + "unknown key '" + name + "'.")
                        + (hint != null ? " Did you mean '" + hint + "'?" : " Known keys: " + String.join(", ", allowed) + "."));
            }
        }
    }

    final Optional<Node.Entry> entry(MapNode m, String key) {
        return Optional.ofNullable(m.entries().get(key));
    }

    final Optional<MapNode> mapping(MapNode parent, String key) {
        Optional<Node.Entry> e = entry(parent, key);
        if (e.isEmpty() || e.get().value() instanceof ScalarNode s
                && (s.type() == Node.ScalarType.NULL || s.type() == Node.ScalarType.STRING && s.text().isEmpty())) {
            return Optional.empty();
        }
        if (e.get().value() instanceof MapNode m) {
            return Optional.of(m);
        }
        problem(e.get().value(), "'" + key + "' must be a mapping of keys to values, not " + e.get().value().describe() + ".");
        return Optional.empty();
    }

    final Optional<ScalarNode> scalar(MapNode m, String key) {
        Optional<Node.Entry> e = entry(m, key);
        if (e.isEmpty()) {
            return Optional.empty();
        }
        if (e.get().value() instanceof ScalarNode s) {
            return s.type() == Node.ScalarType.NULL ? Optional.empty() : Optional.of(s);
        }
        problem(e.get().value(), "'" + key + "' must be a single value, not " + e.get().value().describe() + ".");
        return Optional.empty();
    }

    final Optional<ScalarNode> rawString(MapNode m, String key) {
        Optional<ScalarNode> s = scalar(m, key);
        if (s.isEmpty() && m.entries().containsKey(key)) {
            Node v = m.entries().get(key).value();
            if (v instanceof ScalarNode) {
                problem(v, "'" + key + "' is empty. Write the code after it.");
            }
        }
        return s;
    }

    final Optional<String> required(MapNode m, String key, String where) {
        if (!m.entries().containsKey(key)) {
            problem(m, where + ": missing key '" + key + "'.");
            return Optional.empty();
        }
        return scalar(m, key).map(s -> s.text());
    }

    final Optional<String> string(MapNode m, String key) {
        return scalar(m, key).map(this::interpolate);
    }

    final Optional<Path> path(MapNode m, String key) {
        return string(m, key).map(p -> baseDir.resolve(p).normalize());
    }

    final Optional<Boolean> bool(MapNode m, String key) {
        return scalar(m, key).flatMap(s -> {
            String v = interpolate(s);
            if (v.equals("true") || v.equals("false")) {
                return Optional.of(Boolean.parseBoolean(v));
            }
            problem(s, "'" + key + "' must be true or false, not " + s.describe() + ".");
            return Optional.empty();
        });
    }

    final Optional<Long> integer(MapNode m, String key, long min) {
        return scalar(m, key).flatMap(s -> {
            String v = interpolate(s);
            try {
                long n = Long.parseLong(v);
                if (n >= min) {
                    return Optional.of(n);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problem(s, "'" + key + "' must be a whole number of at least " + min + ", not " + s.describe() + ".");
            return Optional.empty();
        });
    }

    /** A whole number from {@code min} to {@code max}; outside that range it is a problem, never clamped. */
    final Optional<Long> integer(MapNode m, String key, long min, long max) {
        return integer(m, key, min).flatMap(n -> {
            if (n <= max) {
                return Optional.of(n);
            }
            problem(scalar(m, key).orElseThrow(), "'" + key + "' must be a whole number from " + min + " to " + max
                    + ", not " + n + ".");
            return Optional.empty();
        });
    }

    /** A size in characters: a whole number, or with a unit ({@link Units#size}). */
    final Optional<Integer> size(MapNode m, String key) {
        return scalar(m, key).flatMap(s -> {
            try {
                long n = Units.size(interpolate(s));
                if (n >= 1 && n <= 512L * 1024 * 1024) {
                    return Optional.of((int) n);
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            problem(s, "'" + key + "' must be a size in characters between 1 and 512MiB, such as 65536, 64k, 64KiB or 4MiB"
                    + " (KB and MB are powers of 1000, KiB, MiB, k and m powers of 1024), not " + s.describe() + ".");
            return Optional.empty();
        });
    }

    /**
     * A non-empty list of distinct column names under {@code key} ({@code where} names it in
     * messages, {@code example} shows one); empty when absent or invalid (the problem is reported).
     */
    final Optional<List<String>> columnNames(MapNode m, String key, String where, String example) {
        Optional<Node.Entry> cols = entry(m, key);
        if (cols.isEmpty()) {
            return Optional.empty();
        }
        if (!(cols.get().value() instanceof Node.ListNode list) || list.items().isEmpty()) {
            problem(cols.get().value(), where + " must be a non-empty list of column names, such as " + example + ".");
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        for (Node item : list.items()) {
            if (item instanceof ScalarNode s && s.type() != Node.ScalarType.NULL) {
                String col = interpolate(s);
                if (names.contains(col)) {
                    problem(s, where + " lists '" + col + "' twice. List each column once.");
                }
                names.add(col);
            } else {
                problem(item, where + " items must be column names, not " + item.describe() + ".");
            }
        }
        return Optional.of(names);
    }

    /** A positive duration ({@link Units#duration}). */
    final Optional<Duration> duration(MapNode m, String key) {
        return scalar(m, key).flatMap(s -> {
            try {
                Duration d = Units.duration(interpolate(s));
                if (!d.isNegative() && !d.isZero()) {
                    return Optional.of(d);
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            problem(s, "'" + key + "' must be a positive duration such as 500ms, 2s, 1m or 1m30s (a bare number is seconds),"
                    + " not " + s.describe() + ".");
            return Optional.empty();
        });
    }

    final Optional<Character> character(MapNode m, String key) {
        return scalar(m, key).flatMap(s -> {
            String v = interpolate(s);
            if (v.equals("\\t") || v.equalsIgnoreCase("tab")) {
                return Optional.of('\t');
            }
            if (v.length() == 1 && v.charAt(0) != '\n' && v.charAt(0) != '\r') {
                return Optional.of(v.charAt(0));
            }
            problem(s, "'" + key + "' must be one character (for a tab write \"\\t\"), not " + s.describe() + ".");
            return Optional.empty();
        });
    }

    final <E> Optional<E> enumValue(MapNode m, String key, E[] values, Function<E, String> spelling) {
        return scalar(m, key).flatMap(s -> {
            String v = interpolate(s);
            List<String> known = new ArrayList<>();
            for (E e : values) {
                if (spelling.apply(e).equals(v)) {
                    return Optional.of(e);
                }
                known.add(spelling.apply(e));
            }
            String hint = Texts.suggest(v, known);
            problem(s, "'" + key + "' must be one of " + String.join(" | ", known) + ", not " + s.describe() + "."
                    + (hint != null ? " Did you mean '" + hint + "'?" : ""));
            return Optional.empty();
        });
    }

    final String interpolate(ScalarNode s) {
        return interpolator.apply(s.text(), missing -> problem(s, "environment variable " + missing
                + " is not set. Set it, or give a default: ${" + missing + ":-value}."));
    }

    final void problem(Node at, String message) {
        problems.add(new Problem(file, at.line(), at.column(), message));
    }

    final void problem(Node.Key at, String message) {
        problems.add(new Problem(file, at.line(), at.column(), message));
    }
}

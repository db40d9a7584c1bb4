package io.flowengine;

import java.util.ArrayList;
import java.util.List;

/**
 * How one of a pipeline's {@code tests:} went. Made by {@link Pipeline#runTests()}.
 *
 * @param name the test's name
 * @param passed whether the output equals {@code expect} (line endings and a final newline aside)
 * @param expected the expected output, as written in the test
 * @param actual the output the pipeline produced (empty when the run failed)
 * @param summary the run's summary: its error when it failed, and its counts
 * @param deadLetters the dead-letter CSV the run wrote (empty when none, or when the policy is not dead-letter)
 * @param runtimesDiffer when compiled steps and GraalJS gave different results for the test: how
 *     (compiled (-) against GraalJS (+)); empty otherwise. The test then fails.
 */
public record TestResult(String name, boolean passed, String expected, String actual, RunSummary summary, String deadLetters,
        List<String> runtimesDiffer) {

    public TestResult {
        runtimesDiffer = List.copyOf(runtimesDiffer);
    }

    public TestResult(String name, boolean passed, String expected, String actual, RunSummary summary, String deadLetters) {
        this(name, passed, expected, actual, summary, deadLetters, List.of());
    }

    /**
     * The differences between expected and actual output, line by line: unchanged lines start
     * with two spaces, expected lines that are missing with {@code "- "}, unexpected lines with
     * {@code "+ "}. Empty when the test passed.
     */
    public List<String> diff() {
        return passed || !runtimesDiffer.isEmpty() && same(expected, actual) ? List.of() : diff(lines(expected), lines(actual));
    }

    /** This result, failed because the other runtime's result {@code other} differs from it. */
    TestResult against(TestResult other) {
        List<String> how = new ArrayList<>();
        if (!lines(actual).equals(lines(other.actual)) || summary.succeeded() != other.summary.succeeded()) {
            how.add("output, compiled (-) and GraalJS (+):");
            how.addAll(diff(lines(summary.succeeded() ? actual : "(the run failed)"),
                    lines(other.summary.succeeded() ? other.actual : "(the run failed)")));
        }
        if (!lines(deadLetters).equals(lines(other.deadLetters))) {
            how.add("dead letters, compiled (-) and GraalJS (+):");
            how.addAll(diff(lines(deadLetters), lines(other.deadLetters)));
        }
        if (how.isEmpty()) {
            return this;
        }
        return new TestResult(name, false, expected, actual, summary, deadLetters, how);
    }

    static List<String> lines(String text) {
        String t = text.replace("\r\n", "\n").replace('\r', '\n');
        while (t.endsWith("\n")) {
            t = t.substring(0, t.length() - 1);
        }
        return t.isEmpty() ? List.of() : List.of(t.split("\n", -1));
    }

    static boolean same(String expected, String actual) {
        return lines(expected).equals(lines(actual));
    }

    /** A longest-common-subsequence line diff; tests are small, so quadratic is fine up to a bound. */
    static List<String> diff(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>();
        if ((long) a.size() * b.size() > 4_000_000L) {
            int i = 0;
            while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
                i++;
            }
            out.add("  (the outputs are too long to compare in full; they first differ at line " + (i + 1) + ")");
            if (i < a.size()) {
                out.add("- " + a.get(i));
            }
            if (i < b.size()) {
                out.add("+ " + b.get(i));
            }
            return out;
        }
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                out.add("  " + a.get(i++));
                j++;
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                out.add("- " + a.get(i++));
            } else {
                out.add("+ " + b.get(j++));
            }
        }
        return out;
    }
}

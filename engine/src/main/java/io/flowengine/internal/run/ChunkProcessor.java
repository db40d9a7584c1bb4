package io.flowengine.internal.run;

import io.flowengine.DeadLetter;
import io.flowengine.Row;
import io.flowengine.internal.js.Rail;
import io.flowengine.internal.js.ScriptResults;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Runs the steps over one chunk: the row logic, free of any streaming library so that another
 * runner can reuse it. A failing record never stops the chunk: it becomes a failure with where
 * and why, and the policy is applied later, in input order.
 */
public final class ChunkProcessor {

    private ChunkProcessor() {
    }

    /** Applies the steps of {@code rail} (null: no steps) to {@code chunk}. */
    public static Outcome process(Chunk chunk, Rail rail) {
        Collector c = new Collector(chunk);
        if (rail == null) {
            for (int i = 0; i < chunk.size(); i++) {
                c.produced(i, chunk.rows()[i]);
            }
        } else {
            rail.file(chunk.file());
            int from = 0;
            while (from < chunk.size()) {
                int to = from + 1;
                while (to < chunk.size() && chunk.rows()[to].columns() == chunk.rows()[from].columns()) {
                    to++;
                }
                c.offset = from;
                rail.process(chunk.rows(), from, to, c);
                from = to;
            }
        }
        return c.outcome();
    }

    /** Every record of {@code chunk} failed in {@code step} with {@code error}. */
    public static Outcome failedWhole(Chunk chunk, String step, String error) {
        List<DeadLetter> failures = new ArrayList<>(chunk.malformed());
        for (int i = 0; i < chunk.size(); i++) {
            Row r = chunk.rows()[i];
            failures.add(new DeadLetter(r, r.rowNumber(), r.line(), step, error, ""));
        }
        failures.sort(Comparator.comparingLong(DeadLetter::rowNumber));
        return new Outcome(chunk.seq(), new Row[0], new Row[0], 0, failures, chunk.records(), 0, Outcome.NONE);
    }

    private static final class Collector implements ScriptResults {
        private final Chunk chunk;
        private Row[] produced;
        private Row[] from;
        private int size;
        private int filtered;
        private long[] filteredRows = Outcome.NONE;
        private List<DeadLetter> failures;
        int offset;

        Collector(Chunk chunk) {
            this.chunk = chunk;
            this.produced = new Row[Math.max(chunk.size(), 1)];
            this.from = new Row[produced.length];
            this.failures = chunk.malformed().isEmpty() ? null : new ArrayList<>(chunk.malformed());
        }

        @Override
        public void produced(int index, Row row) {
            if (size == produced.length) {
                produced = Arrays.copyOf(produced, size * 2);
                from = Arrays.copyOf(from, size * 2);
            }
            produced[size] = row;
            from[size++] = chunk.rows()[offset + index];
        }

        @Override
        public void filtered(int index) {
            if (filtered == filteredRows.length) {
                filteredRows = Arrays.copyOf(filteredRows, Math.max(8, filtered * 2));
            }
            filteredRows[filtered++] = chunk.rows()[offset + index].rowNumber();
        }

        @Override
        public void failed(int index, String step, String message) {
            Row input = chunk.rows()[offset + index];
            if (failures == null) {
                failures = new ArrayList<>();
            }
            failures.add(new DeadLetter(input, input.rowNumber(), input.line(), step, message, ""));
        }

        Outcome outcome() {
            List<DeadLetter> f = failures == null ? List.of() : failures;
            if (!chunk.malformed().isEmpty() && f.size() > chunk.malformed().size()) {
                f.sort(Comparator.comparingLong(DeadLetter::rowNumber));
            }
            return new Outcome(chunk.seq(), produced, from, size, f, chunk.records(), filtered, filteredRows);
        }
    }
}

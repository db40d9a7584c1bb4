package io.flowengine;

import java.util.List;

/**
 * What a pipeline does to the first records of an input, step by step: the rows after each step,
 * the rows each step dropped, and every row error with its step, record and line. Made by
 * {@link Pipeline#preview}; nothing is written anywhere.
 *
 * @param input the records read, as parsed (records that could not be parsed are in {@code unreadable})
 * @param unreadable records that could not be parsed, with why
 * @param stages one per step, in order
 */
public record Preview(List<Row> input, List<DeadLetter> unreadable, List<Stage> stages) {

    public Preview {
        input = List.copyOf(input);
        unreadable = List.copyOf(unreadable);
        stages = List.copyOf(stages);
    }

    /**
     * One step's effect.
     *
     * @param step the step's name
     * @param kind {@code javascript} or {@code filter}
     * @param rows the rows after this step
     * @param dropped the rows this step dropped on purpose (a filter, or a transform that returned null), as the step got them
     * @param errors the rows that failed in this step
     */
    public record Stage(String step, String kind, List<Row> rows, List<Row> dropped, List<DeadLetter> errors) {
        public Stage {
            rows = List.copyOf(rows);
            dropped = List.copyOf(dropped);
            errors = List.copyOf(errors);
        }
    }

    /** The rows that come out of the last step (the input when there are no steps). */
    public List<Row> output() {
        return stages.isEmpty() ? input : stages.get(stages.size() - 1).rows();
    }
}

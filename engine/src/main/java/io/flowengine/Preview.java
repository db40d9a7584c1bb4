package io.flowengine;

import io.flowengine.internal.js.JsRail;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.Chunk;
import io.flowengine.internal.run.ChunkProcessor;
import io.flowengine.internal.run.Outcome;
import io.flowengine.internal.run.RecordSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

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

    static Preview of(PipelineSpec spec, ScriptSet scripts, InputStream in, String name, int records, OutputStream console) {
        OutputStream scriptConsole = console != null ? console
                : new io.flowengine.internal.run.RunLog("preview-" + io.flowengine.internal.run.RunLog.newId(), spec.name()).console();
        Chunk chunk;
        try (RecordSource source = new RecordSource(in, spec.source(), name)) {
            chunk = source.next(0, records);
        } catch (IOException e) {
            throw new FlowEngineException("cannot read " + name + ": " + e.getMessage(), e);
        }
        if (chunk == null) {
            chunk = new Chunk(0, new Row[0], 0, List.of(), 0);
        }
        List<Row> input = List.of(java.util.Arrays.copyOf(chunk.rows(), chunk.size()));
        return new Preview(input, chunk.malformed(), stages(spec, scripts, chunk, input, scriptConsole));
    }

    /** Each step's rows, drops and errors: stage k runs steps 1..k afresh on the chunk. */
    private static List<Stage> stages(PipelineSpec spec, ScriptSet scripts, Chunk chunk, List<Row> input, OutputStream console) {
        List<Stage> stages = new ArrayList<>();
        // the rows after the previous step, with the input record each came from
        List<Row> before = input;
        List<Row> beforeFrom = input;
        for (int k = 1; k <= spec.steps().size(); k++) {
            PipelineSpec.StepSpec step = spec.steps().get(k - 1);
            // each stage runs steps 1..k afresh; only the last prints what scripts log
            Outcome o;
            try (JsRail rail = scripts.prefix(k).newRail(k == spec.steps().size() ? console : OutputStream.nullOutputStream())) {
                o = ChunkProcessor.process(new Chunk(0, chunk.rows(), chunk.size(), List.of(), chunk.size()), rail);
            }
            List<Row> rows = java.util.Arrays.asList(o.produced()).subList(0, o.size());
            List<Row> from = java.util.Arrays.asList(o.from()).subList(0, o.size());
            Set<Row> goesOn = Collections.newSetFromMap(new IdentityHashMap<>());
            goesOn.addAll(from);
            List<DeadLetter> errors = new ArrayList<>();
            for (DeadLetter d : o.failures()) {
                goesOn.add(d.input());
                if (d.step().equals(step.name())) {
                    errors.add(d);
                }
            }
            // dropped: what reached this step and neither came out nor failed, as the step got it
            List<Row> dropped = new ArrayList<>();
            for (int i = 0; i < before.size(); i++) {
                if (!goesOn.contains(beforeFrom.get(i))) {
                    dropped.add(before.get(i));
                }
            }
            stages.add(new Stage(step.name(), step.kind(), rows, dropped, errors));
            before = rows;
            beforeFrom = from;
        }
        return stages;
    }
}

package io.flowengine.internal.run;

import io.flowengine.DeadLetter;
import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec;
import io.flowengine.Preview;
import io.flowengine.Row;
import io.flowengine.internal.js.JsRail;
import io.flowengine.internal.js.ScriptSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** Makes a {@link Preview}: the first records of an input through each step afresh; nothing written. */
public final class PreviewRun {

    private PreviewRun() {
    }

    /**
     * The first {@code records} records of {@code in} through each step; see {@link Preview}.
     *
     * @param file the input file, for {@code ctx.file} (null: a stream)
     */
    public static Preview of(PipelineSpec spec, ScriptSet scripts, InputStream in, String name, String file, int records,
            OutputStream console) {
        OutputStream scriptConsole = console != null ? console
                : new RunLog("preview-" + RunLog.newId(), spec.name()).console();
        Chunk chunk;
        try (RecordSource source = new RecordSource(in, spec.source(), name)) {
            chunk = source.next(0, records);
            chunk = chunk == null ? null : chunk.from(file);
        } catch (IOException e) {
            throw new FlowEngineException("cannot read " + name + ": " + e.getMessage(), e);
        }
        if (chunk == null) {
            chunk = new Chunk(0, new Row[0], 0, List.of(), 0);
        }
        List<Row> input = List.of(Arrays.copyOf(chunk.rows(), chunk.size()));
        return new Preview(input, chunk.malformed(), stages(spec, scripts, chunk, input, scriptConsole));
    }

    /** Each step's rows, drops and errors: stage k runs steps 1..k afresh on the chunk. */
    private static List<Preview.Stage> stages(PipelineSpec spec, ScriptSet scripts, Chunk chunk, List<Row> input, OutputStream console) {
        List<Preview.Stage> stages = new ArrayList<>();
        // the rows after the previous step, with the input record each came from
        List<Row> before = input;
        List<Row> beforeFrom = input;
        for (int k = 1; k <= spec.steps().size(); k++) {
            PipelineSpec.StepSpec step = spec.steps().get(k - 1);
            // each stage runs steps 1..k afresh; only the last prints what scripts log
            Outcome o;
            try (JsRail rail = scripts.prefix(k).newRail(k == spec.steps().size() ? console : OutputStream.nullOutputStream())) {
                o = ChunkProcessor.process(new Chunk(0, chunk.rows(), chunk.size(), List.of(), chunk.size(), chunk.file()), rail);
            }
            List<Row> rows = Arrays.asList(o.produced()).subList(0, o.size());
            List<Row> from = Arrays.asList(o.from()).subList(0, o.size());
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
            stages.add(new Preview.Stage(step.name(), step.kind(), rows, dropped, errors));
            before = rows;
            beforeFrom = from;
        }
        return stages;
    }
}

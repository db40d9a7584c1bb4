package io.flowengine.flink;

import io.flowengine.ErrorPolicy;
import io.flowengine.PipelineSpec;
import io.flowengine.PipelineSpec.CodeOrigin;
import io.flowengine.PipelineSpec.CsvOptions;
import io.flowengine.PipelineSpec.ErrorsSpec;
import io.flowengine.PipelineSpec.ExecutionSpec;
import io.flowengine.PipelineSpec.JavaScriptMode;
import io.flowengine.PipelineSpec.RetrySpec;
import io.flowengine.PipelineSpec.SinkSpec;
import io.flowengine.PipelineSpec.SourceSpec;
import io.flowengine.PipelineSpec.StepSpec;
import io.flowengine.PipelineSpec.WriteMode;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the job's operators need of a pipeline, as the client resolved and validated it: plain
 * serializable values, shipped with the job graph and turned back into a {@link PipelineSpec} on
 * each TaskManager. The pipeline file is read once, on the client: a TaskManager needs neither the
 * file nor the client's environment variables.
 *
 * @param inputColumns the first input file's header (null without one, or for an empty input)
 * @param outputHeader without {@code sink.columns}: the columns of the first output row, as a
 *     preview of the first input file found them (null when none came out of it)
 * @param inputs the input files, as the source's splits name them: {@code ctx.file} and {@code _file}
 */
record JobPlan(String name, String file, Map<String, String> vars, List<Step> steps,
        boolean header, char inDelimiter, char inQuote, String inEncoding, int maxFieldSize, int maxRecordSize,
        PipelineSpec.Layout layout,
        char outDelimiter, char outQuote, String outEncoding, List<String> sinkColumns,
        ErrorPolicy onError, long maxErrors, int chunkSize, Duration scriptTimeout, JavaScriptMode javascript,
        List<String> inputColumns, List<String> outputHeader, List<String> inputs) implements Serializable {

    /** One step, as in {@link StepSpec}. */
    record Step(String name, String kind, String code, String originFile, int line, int column, int indent)
            implements Serializable {
    }

    static JobPlan of(PipelineSpec spec, List<String> inputColumns, List<String> outputHeader, List<String> inputs) {
        List<Step> steps = new ArrayList<>();
        for (StepSpec s : spec.steps()) {
            CodeOrigin o = s.origin();
            steps.add(new Step(s.name(), s.kind(), s.code(), o.file(), o.line(), o.column(), o.indent()));
        }
        SourceSpec in = spec.source();
        SinkSpec out = spec.sink();
        return new JobPlan(spec.name(), spec.file(), Map.copyOf(spec.vars()), List.copyOf(steps),
                in.header(), in.csv().delimiter(), in.csv().quote(), in.csv().encoding().name(), in.maxFieldSize(),
                in.maxRecordSize(), in.layout(), out.csv().delimiter(), out.csv().quote(), out.csv().encoding().name(),
                out.columns().orElse(null), spec.errors().onError(), spec.errors().maxErrors().orElse(-1),
                spec.execution().chunkSize(), spec.execution().scriptTimeout(), spec.execution().javascript(),
                inputColumns == null ? null : List.copyOf(inputColumns), outputHeader == null ? null : List.copyOf(outputHeader),
                List.copyOf(inputs));
    }

    /** The pipeline again, for the engine's classes; paths, tests and the HTTP sink play no part on a TaskManager. */
    PipelineSpec spec() {
        List<StepSpec> s = new ArrayList<>();
        for (Step step : steps) {
            s.add(new StepSpec(step.name(), step.kind(), step.code(),
                    new CodeOrigin(step.originFile(), step.line(), step.column(), step.indent())));
        }
        return new PipelineSpec(name, file, Path.of(""), vars,
                new SourceSpec(Optional.empty(), header, new CsvOptions(inDelimiter, inQuote, Charset.forName(inEncoding)),
                        // decompression is the file source's (by extension), before the reader
                        maxFieldSize, maxRecordSize, PipelineSpec.Compression.NONE, layout),
                s,
                new SinkSpec(Optional.empty(), new CsvOptions(outDelimiter, outQuote, Charset.forName(outEncoding)),
                        Optional.ofNullable(sinkColumns), WriteMode.REPLACE, Optional.empty()),
                new ErrorsSpec(onError, Optional.empty(), maxErrors < 0 ? OptionalLong.empty() : OptionalLong.of(maxErrors),
                        RetrySpec.DEFAULT),
                new ExecutionSpec(1, true, chunkSize, 1, scriptTimeout, javascript), List.of());
    }

    Charset outputCharset() {
        return Charset.forName(outEncoding);
    }
}

package io.flowengine.cli;

import io.flowengine.PipelineSpec;
import io.flowengine.PipelineSpec.CodeOrigin;
import io.flowengine.PipelineSpec.CsvOptions;
import io.flowengine.PipelineSpec.Format;
import io.flowengine.PipelineSpec.OutputFormat;
import io.flowengine.PipelineSpec.StepSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Steps and formats from the command line ({@code run -e BODY -f EXPR --from tsv --to ndjson}):
 * a transform body becomes {@code function transform(row, ctx) { BODY; return row; }}, a filter
 * its condition, in the order given, after the pipeline file's steps (if there is a file).
 */
final class OneLiner {

    /** What a body is wrapped in, on its own first line so that positions in it stay the body's. */
    static final String PREFIX = "function transform(row, ctx) { ";

    private OneLiner() {
    }

    /**
     * The command line's steps, in the order they were given ({@code args}: the command line as
     * typed), named {@code eval-N} and {@code filter-N} after the {@code existing} steps.
     */
    static List<StepSpec> steps(int existing, List<String> args, List<String> evals, List<String> filters) {
        List<StepSpec> steps = new ArrayList<>();
        int e = 0;
        int f = 0;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            boolean isEval = a.equals("-e") || a.equals("--eval") || a.startsWith("--eval=") || a.startsWith("-e") && a.length() > 2;
            boolean isFilter = a.equals("-f") || a.equals("--filter") || a.startsWith("--filter=") || a.startsWith("-f") && a.length() > 2;
            if (isEval && e < evals.size()) {
                steps.add(eval(existing + steps.size() + 1, evals.get(e++)));
                if (a.equals("-e") || a.equals("--eval")) {
                    i++;
                }
            } else if (isFilter && f < filters.size()) {
                steps.add(filter(existing + steps.size() + 1, filters.get(f++)));
                if (a.equals("-f") || a.equals("--filter")) {
                    i++;
                }
            }
        }
        while (e < evals.size()) {
            steps.add(eval(existing + steps.size() + 1, evals.get(e++)));
        }
        while (f < filters.size()) {
            steps.add(filter(existing + steps.size() + 1, filters.get(f++)));
        }
        return steps;
    }

    private static StepSpec eval(int n, String body) {
        String name = "eval-" + n;
        // the origin maps the wrapped code's positions back to the body as typed ("-e 2:1:14")
        return new StepSpec(name, "javascript", PREFIX + body + "\nreturn row;\n}",
                new CodeOrigin("-e " + name, 1, 1 - PREFIX.length(), 0));
    }

    private static StepSpec filter(int n, String expr) {
        String name = "filter-" + n;
        return new StepSpec(name, "filter", expr, CodeOrigin.of("-f " + name));
    }

    static PipelineSpec withSteps(PipelineSpec spec, List<StepSpec> more) {
        if (more.isEmpty()) {
            return spec;
        }
        List<StepSpec> all = new ArrayList<>(spec.steps());
        all.addAll(more);
        return new PipelineSpec(spec.name(), spec.file(), spec.baseDir(), spec.vars(), spec.source(), all, spec.sink(),
                spec.errors(), spec.execution(), spec.tests());
    }

    /** {@code --from} (a CSV dialect) and {@code --to} (a dialect, ndjson or json) over the pipeline's. */
    static PipelineSpec withFormats(PipelineSpec spec, String from, String to) {
        PipelineSpec s = spec;
        if ("ndjson".equals(from)) {
            PipelineSpec.Layout l = s.source().layout();
            s = s.withSource(s.source().withLayout(new PipelineSpec.Layout(l.ragged(), l.trimHeaders(), l.columns(), l.skipLines(),
                    l.comment(), true)));
        } else if (from != null) {
            Format f = dialect(from, "--from", "csv, tsv, psv or ndjson");
            CsvOptions c = s.source().csv();
            PipelineSpec.SourceSpec src = s.source();
            s = s.withSource(new PipelineSpec.SourceSpec(src.path(), src.header(), new CsvOptions(f.delimiter(), c.quote(), c.encoding()),
                    src.maxFieldSize(), src.maxRecordSize(), src.compression(), src.layout()));
        }
        if (to != null) {
            PipelineSpec.SinkSpec sink = s.sink();
            if (to.equals("ndjson") || to.equals("json")) {
                s = s.withSink(sink.withFormat(to.equals("ndjson") ? OutputFormat.NDJSON : OutputFormat.JSON));
            } else {
                Format f = dialect(to, "--to", "csv, tsv, psv, ndjson or json");
                CsvOptions c = sink.csv();
                s = s.withSink(new PipelineSpec.SinkSpec(sink.path(), new CsvOptions(f.delimiter(), c.quote(), c.encoding()),
                        sink.columns(), sink.mode(), sink.http(), sink.compression(), OutputFormat.CSV));
            }
        }
        return s;
    }

    private static Format dialect(String name, String option, String forms) {
        for (Format f : Format.values()) {
            if (f.key().equals(name)) {
                return f;
            }
        }
        throw new UsageException(option + " takes " + forms + ", not '" + name + "'");
    }
}

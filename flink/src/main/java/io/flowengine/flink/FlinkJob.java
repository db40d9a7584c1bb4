package io.flowengine.flink;

import io.flowengine.Columns;
import io.flowengine.ErrorPolicy;
import io.flowengine.FlowEngineException;
import io.flowengine.InvalidRequestException;
import io.flowengine.Pipeline;
import io.flowengine.PipelineSpec;
import io.flowengine.RunStatus;
import io.flowengine.RunSummary;
import io.flowengine.StepRuntime;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * A pipeline file as a Flink job: the graph
 * {@code CSV files -> rebalance -> steps (one JavaScript rail per subtask) -> CSV part files},
 * with dead letters as a side output into a folder of their own. The file is read and checked on
 * the client with the same loader and validation as {@code flowengine run}.
 */
public final class FlinkJob {

    /** What a user asked for: the pipeline file and the options of {@code flowengine-flink run}. */
    public record Request(java.nio.file.Path pipeline, List<String> inputs, Optional<String> output,
            Optional<String> deadLetter, Map<String, String> sets, Optional<Integer> parallelism) {
    }

    /** A job checked and ready to build. */
    public record Job(String name, JobPlan plan, List<Path> inputs, Path output, Optional<Path> deadLetters,
            int parallelism, List<StepRuntime> steps, List<String> notes) {
    }

    private FlinkJob() {
    }

    /**
     * Reads and checks the pipeline and the paths of {@code r}.
     *
     * @throws io.flowengine.PipelineValidationException for a pipeline file with problems
     * @throws InvalidRequestException for what Flink cannot do, or paths that do not work
     */
    public static Job prepare(Request r, Map<String, String> env) {
        PipelineSpec loaded = Pipeline.loadSpec(r.pipeline(), r.sets(), env);
        PipelineSpec spec = loaded;
        Pipeline pipeline = Pipeline.of(spec);
        List<String> unsupported = unsupported(spec);
        if (!unsupported.isEmpty()) {
            throw new InvalidRequestException(String.join("; ", unsupported));
        }
        List<String> given = r.inputs().isEmpty()
                ? spec.source().path().map(p -> List.of(p.toString())).orElse(List.of()) : r.inputs();
        if (given.isEmpty()) {
            throw new InvalidRequestException("the job has no input: the pipeline sets no source.path and none was given."
                    + " Pass --input (a file, a folder or a glob; repeat it for several)");
        }
        List<Path> inputs = new ArrayList<>();
        for (String in : given) {
            inputs.addAll(expand(in));
        }
        Path output = new Path(r.output().orElseGet(() -> loaded.sink().path().map(java.nio.file.Path::toString)
                .orElseThrow(() -> new InvalidRequestException("the job has no output: the pipeline sets no sink.path and"
                        + " none was given. Pass --output FOLDER (part files are written there)"))));
        Optional<Path> deadLetters = Optional.empty();
        if (spec.errors().onError() == ErrorPolicy.DEAD_LETTER) {
            deadLetters = Optional.of(new Path(r.deadLetter().or(() -> loaded.errors().deadLetter().map(java.nio.file.Path::toString))
                    .orElse(output.toString().replaceFirst("/+$", "") + ".dead-letters")));
        }
        checkEmptyFolder(output, "output", "--output");
        if (deadLetters.isPresent()) {
            checkEmptyFolder(deadLetters.get(), "dead-letter folder", "--dead-letter");
            if (same(deadLetters.get(), output)) {
                throw new InvalidRequestException("the dead-letter folder and the output are the same folder, " + output
                        + ". Name another with --dead-letter");
            }
        }
        for (Path in : inputs) {
            if (inside(in, output) || deadLetters.map(d -> inside(in, d)).orElse(false)) {
                throw new InvalidRequestException("the input " + in + " is inside the output or dead-letter folder. Write elsewhere");
            }
        }
        // the first file's columns: its header, or source.columns (null: c1..cN, from each record)
        Columns header = null;
        if (spec.source().header() || spec.source().layout().columns() != null || spec.source().layout().ndjson()
                || !inputs.isEmpty() && io.flowengine.internal.run.RecordSource.ndjsonName(inputs.get(0).getPath())) {
            for (Path in : inputs) {
                header = CsvFileFormat.header(in, spec.source());
                if (header != null) {
                    break;
                }
            }
        }
        PipelineSpec.Layout layout = spec.source().layout();
        boolean ndjson = layout.ndjson() || !inputs.isEmpty() && io.flowengine.internal.run.RecordSource.ndjsonName(inputs.get(0).getPath());
        if (ndjson && layout.columns() == null && header != null) {
            // every file's objects are read by the first object's keys, whatever order their keys come in
            List<String> keys = new ArrayList<>(header.names());
            if (layout.ragged() == PipelineSpec.Ragged.KEEP) {
                keys.remove(keys.size() - 1);
            }
            spec = spec.withSource(spec.source().withLayout(new PipelineSpec.Layout(layout.ragged(), layout.trimHeaders(), keys,
                    layout.skipLines(), layout.comment(), true)));
        }
        List<String> outputHeader = spec.sink().columns().isEmpty() ? firstOutputColumns(pipeline, inputs) : null;
        int parallelism = r.parallelism().orElse(spec.execution().parallelism());
        if (parallelism < 1) {
            throw new InvalidRequestException("--parallelism must be at least 1");
        }
        return new Job(spec.name(), JobPlan.of(spec, header == null ? null : header.names(), outputHeader,
                inputs.stream().map(FlinkJob::shown).toList()), inputs, output, deadLetters,
                parallelism, pipeline.stepRuntimes(), notes(spec, parallelism));
    }

    /** How many records of the first input file the client previews to find the output header. */
    static final int PREVIEW_RECORDS = 1000;

    /**
     * The columns of the first output row, as {@code flowengine run} takes them for the output
     * header: the steps are previewed over the first records of the first input file, so that
     * every subtask fits its rows to the same header. Null when no row comes out of them.
     */
    /** How scripts ({@code ctx.file}) and dead letters ({@code _file}) name an input: a local file by its path, as the CLI does. */
    static String shown(Path p) {
        return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
    }

    private static List<String> firstOutputColumns(Pipeline pipeline, List<Path> inputs) {
        for (Path in : inputs) {
            try (java.io.InputStream stream = CsvFileFormat.open(in)) {
                io.flowengine.Preview preview = pipeline.preview(stream, in.toString(), PREVIEW_RECORDS);
                if (!preview.input().isEmpty() || !preview.unreadable().isEmpty()) {
                    return preview.output().isEmpty() ? null : preview.output().get(0).columns().names();
                }
            } catch (IOException | FlowEngineException e) {
                return null;
            }
        }
        return null;
    }

    /** What the pipeline asks for that the Flink runner does not do; empty when it can run there. */
    static List<String> unsupported(PipelineSpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec.sink().http().isPresent()) {
            problems.add("sink.http is not supported on Flink: the job writes part files. Remove sink.http, or run the"
                    + " pipeline with flowengine run");
        }
        if (spec.source().layout().unionColumns()) {
            problems.add("source.unionColumns is not supported on Flink yet: every input file must have the first one's header");
        }
        if (spec.sink().format() == PipelineSpec.OutputFormat.NDJSON || spec.sink().format() == PipelineSpec.OutputFormat.JSON) {
            problems.add("sink.format " + spec.sink().format().key() + " is not supported on Flink yet: the job writes CSV part"
                    + " files. Drop sink.format (or set csv, tsv or psv)");
        }
        return problems;
    }

    /** What means something else on Flink than on one machine (validate prints these as notes). */
    static List<String> notes(PipelineSpec spec, int parallelism) {
        List<String> notes = new ArrayList<>();
        if (spec.execution().ordered() && parallelism > 1) {
            notes.add("execution.ordered cannot hold across " + parallelism + " parallel subtasks: each part file keeps the"
                    + " order in which its subtask got the rows, but the output as a whole is in no particular order"
                    + " (use --parallelism 1 for input order)");
        }
        if (spec.errors().maxErrors().isPresent() && parallelism > 1) {
            notes.add("errors.maxErrors counts the failed records of each subtask: the job fails when one subtask has"
                    + " more than " + spec.errors().maxErrors().getAsLong());
        }
        if (spec.sink().columns().isEmpty() && parallelism > 1) {
            notes.add("sink.columns is not set: the output header is the columns of the first output row of a preview of"
                    + " the first input file (its first " + PREVIEW_RECORDS + " records; if none comes out, each subtask takes"
                    + " its own first output row's). Steps that give rows different columns should list them in sink.columns");
        }
        return notes;
    }

    /** The files that {@code given} names: itself, the files under a folder, or a glob's matches; sorted. */
    static List<Path> expand(String given) {
        try {
            int glob = io.flowengine.internal.run.InputPaths.firstGlobChar(given);
            if (glob < 0) {
                Path p = new Path(given);
                FileSystem fs = p.getFileSystem();
                if (!fs.exists(p)) {
                    throw new InvalidRequestException("the input " + given + " does not exist. Check --input or source.path");
                }
                FileStatus status = fs.getFileStatus(p);
                if (!status.isDir()) {
                    return List.of(p);
                }
                List<Path> files = new ArrayList<>();
                walk(fs, p, "", null, files);
                if (files.isEmpty()) {
                    throw new InvalidRequestException("the input folder " + given + " holds no files");
                }
                return files;
            }
            int slash = given.lastIndexOf('/', glob);
            Path base = new Path(slash < 0 ? "." : slash == 0 ? "/" : given.substring(0, slash));
            String pattern = given.substring(slash + 1);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            FileSystem fs = base.getFileSystem();
            List<Path> files = new ArrayList<>();
            if (fs.exists(base)) {
                walk(fs, base, "", matcher, files);
            }
            if (files.isEmpty()) {
                throw new InvalidRequestException("no file matches the input " + given);
            }
            return files;
        } catch (IOException e) {
            throw new InvalidRequestException("cannot list the input " + given + ": " + e.getMessage());
        }
    }

    /** Files under {@code dir} (hidden ones, starting with '.' or '_', left out as Flink does), matched by {@code matcher} when given. */
    private static void walk(FileSystem fs, Path dir, String relative, PathMatcher matcher, List<Path> files) throws IOException {
        FileStatus[] entries = fs.listStatus(dir);
        if (entries == null) {
            return;
        }
        List<FileStatus> sorted = new ArrayList<>(List.of(entries));
        sorted.sort(Comparator.comparing(s -> s.getPath().getName()));
        for (FileStatus s : sorted) {
            String name = s.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                continue;
            }
            String rel = relative.isEmpty() ? name : relative + "/" + name;
            if (s.isDir()) {
                walk(fs, s.getPath(), rel, matcher, files);
            } else if (matcher == null || matcher.matches(java.nio.file.Path.of(rel))) {
                files.add(s.getPath());
            }
        }
    }

    /** Part files must not mix with an earlier run's: the folder must be new or empty. */
    private static void checkEmptyFolder(Path p, String what, String option) {
        try {
            FileSystem fs = p.getFileSystem();
            if (!fs.exists(p)) {
                return;
            }
            if (!fs.getFileStatus(p).isDir()) {
                throw new InvalidRequestException("the " + what + " " + p + " is a file; on Flink it is a folder of part files."
                        + " Name a new folder with " + option);
            }
            FileStatus[] entries = fs.listStatus(p);
            if (entries != null && entries.length > 0) {
                throw new InvalidRequestException("the " + what + " folder " + p + " is not empty, and part files of two runs"
                        + " would mix. Name a new folder with " + option + ", or empty it");
            }
        } catch (IOException e) {
            throw new InvalidRequestException("cannot check the " + what + " " + p + ": " + e.getMessage());
        }
    }

    private static URI qualified(Path p) {
        try {
            return p.makeQualified(p.getFileSystem()).toUri().normalize();
        } catch (IOException e) {
            return p.toUri().normalize();
        }
    }

    private static boolean same(Path a, Path b) {
        return qualified(a).toString().replaceFirst("/+$", "").equals(qualified(b).toString().replaceFirst("/+$", ""));
    }

    private static boolean inside(Path file, Path dir) {
        String d = qualified(dir).toString().replaceFirst("/+$", "") + "/";
        return qualified(file).toString().startsWith(d);
    }

    /** Adds the job's graph to {@code env}. */
    public static void build(StreamExecutionEnvironment env, Job job) {
        build(env, job, UnaryOperator.identity());
    }

    /** As above, with {@code beforeSteps} applied to the records after the rebalance (tests inject failures there). */
    static void build(StreamExecutionEnvironment env, Job job, UnaryOperator<DataStream<SourceRecord>> beforeSteps) {
        // every type on the wire is a POJO or a primitive array: a fallback to Kryo would be a bug, so fail loudly
        Configuration types = new Configuration();
        types.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(types);
        FileSource<SourceRecord> source = FileSource.forBulkFileFormat(new CsvFileFormat(job.plan()), job.inputs().toArray(Path[]::new))
                .build();
        DataStream<SourceRecord> records = env.fromSource(source, WatermarkStrategy.noWatermarks(), "read CSV")
                .setParallelism(Math.min(job.parallelism(), job.inputs().size()))
                .rebalance();
        SingleOutputStreamOperator<CsvBlock> rows = beforeSteps.apply(records)
                .transform("steps", TypeInformation.of(CsvBlock.class), new StepsOperator(job.plan()))
                .setParallelism(job.parallelism());
        OutputFileConfig names = OutputFileConfig.builder().withPartPrefix("part").withPartSuffix(".csv").build();
        rows.sinkTo(FileSink.forBulkFormat(job.output(), new CsvPartWriter(job.plan().outputCharset(), "output"))
                        .withBucketAssigner(new BasePathBucketAssigner<>())
                        .withRollingPolicy(OnCheckpointRollingPolicy.build())
                        .withOutputFileConfig(names)
                        .build())
                .name("write CSV").setParallelism(job.parallelism());
        job.deadLetters().ifPresent(dl -> rows.getSideOutput(StepsOperator.DEAD_LETTERS)
                .sinkTo(FileSink.forBulkFormat(dl, new CsvPartWriter(java.nio.charset.StandardCharsets.UTF_8, "dead letters"))
                        .withBucketAssigner(new BasePathBucketAssigner<>())
                        .withRollingPolicy(OnCheckpointRollingPolicy.build())
                        .withOutputFileConfig(names)
                        .build())
                .name("write dead letters").setParallelism(job.parallelism()));
    }

    /** Runs {@code job} on {@code env}, waits for it to end and sums it up as {@code flowengine run} does. */
    public static RunSummary run(StreamExecutionEnvironment env, Job job) throws Exception {
        build(env, job);
        long started = System.nanoTime();
        JobClient client = env.executeAsync("flowengine: " + job.name());
        return await(client, job, started);
    }

    /** Waits for the job of {@code client} and sums it up. */
    static RunSummary await(JobClient client, Job job, long started) {
        Map<String, Object> counts;
        FlowEngineException error = null;
        try {
            JobExecutionResult result = client.getJobExecutionResult().get();
            counts = result.getAllAccumulatorResults();
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            error = new FlowEngineException("the Flink job failed: " + Failures.message(cause), cause);
            counts = accumulatorsOf(client);
        }
        long in = count(counts, 0);
        long out = count(counts, 1);
        long filtered = count(counts, 2);
        long failed = count(counts, 3);
        long written = count(counts, 4);
        if (error == null && in > 0 && failed == in && job.plan().maxErrors() < 0) {
            error = new FlowEngineException("every record failed (" + in + " of " + in + "); no row was written"
                    + (job.deadLetters().isPresent() ? ", and the dead letters are in " + job.deadLetters().get() : "")
                    + ". Fix the cause, or set errors.maxErrors to accept such a run");
        }
        if (error != null) {
            in = out + filtered + failed;
        }
        return new RunSummary(error == null ? RunStatus.SUCCEEDED : RunStatus.FAILED, in, out, filtered, failed, written,
                Duration.ofNanos(System.nanoTime() - started), Optional.ofNullable(error), job.steps());
    }

    private static Map<String, Object> accumulatorsOf(JobClient client) {
        try {
            return client.getAccumulators().get();
        } catch (Exception e) {
            return Map.of();
        }
    }

    private static long count(Map<String, Object> counts, int i) {
        Object v = counts.get(StepsOperator.COUNTS.get(i));
        return v instanceof Number n ? n.longValue() : 0;
    }
}

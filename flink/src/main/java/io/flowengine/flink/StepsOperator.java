package io.flowengine.flink;

import io.flowengine.Columns;
import io.flowengine.DeadLetter;
import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec;
import io.flowengine.Row;
import io.flowengine.internal.csv.CsvWriter;
import io.flowengine.internal.js.JsEngine;
import io.flowengine.internal.js.ScriptSet;
import io.flowengine.internal.run.Chunk;
import io.flowengine.internal.run.DeadLetterFormat;
import io.flowengine.internal.run.OutputStage;
import io.flowengine.internal.run.Processed;
import io.flowengine.internal.run.RailPool;
import io.flowengine.internal.run.RunCore;
import io.flowengine.internal.run.RunCounters;
import io.flowengine.internal.run.RunLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The pipeline's steps on one subtask: records are grouped into chunks and run through the
 * engine's own run core — the same rails (compiled steps, else one GraalJS context), the same
 * accounting and error policy as {@code flowengine run} — and come out as formatted CSV, rows on
 * the main output and dead letters on {@link #DEAD_LETTERS}.
 *
 * <p>A partial chunk is processed before every checkpoint barrier, so a checkpoint never holds
 * records in flight. The counts live in operator state, restored after a failover and reported
 * (restored + new) through accumulators, so the job's summary counts every record exactly once.
 */
final class StepsOperator extends AbstractStreamOperator<CsvBlock>
        implements OneInputStreamOperator<SourceRecord, CsvBlock>, BoundedOneInput {

    private static final long serialVersionUID = 1L;

    /** The dead letters, formatted with their header. */
    static final OutputTag<CsvBlock> DEAD_LETTERS = new OutputTag<>("dead-letters", TypeInformation.of(CsvBlock.class));

    /** Accumulator names, in {@link RunCounters#snapshot()} order. */
    static final List<String> COUNTS = List.of("flowengine.rowsIn", "flowengine.rowsOut", "flowengine.rowsFiltered",
            "flowengine.rowsFailed", "flowengine.rowsWritten");

    private final JobPlan plan;

    private transient PipelineSpec spec;
    private transient RailPool pool;
    private transient RunCore core;
    private transient RunCounters counters;
    private transient Columns inputColumns;
    private transient DeadLetterFormat deadLetterFormat;
    private transient String deadLetterHeader;
    private transient CsvWriter writer;
    private transient Row[] rows;
    private transient List<DeadLetter> malformed;
    private transient int records;
    /** The input file of the records gathered: a chunk holds one file's records. */
    private transient int file;
    /** The input file of the chunk being written, for its dead letters' {@code _file}. */
    private transient String writingFile;
    private transient long seq;
    private transient ListState<long[]> countState;
    private transient long[] restored;
    private transient long[] reported;
    private transient LongCounter[] accumulators;
    private transient StringBuilder deadLetterText;

    StepsOperator(JobPlan plan) {
        this.plan = plan;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        countState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("flowengine-counts", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        restored = new long[COUNTS.size()];
        if (context.isRestored()) {
            for (long[] c : countState.get()) {
                for (int i = 0; i < restored.length; i++) {
                    restored[i] += c[i];
                }
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        spec = plan.spec();
        ScriptSet scripts;
        try {
            scripts = ScriptSet.compile(spec);
        } catch (InternalError e) {
            throw graalCannotStart(e);
        }
        if (JsEngine.class.getClassLoader() == getRuntimeContext().getUserCodeClassLoader()) {
            // the engine came with the job jar: its shared GraalJS engine (and the JVM shutdown hook
            // it registers) must go when the job's class loader does, or each job leaks metaspace
            getRuntimeContext().registerUserCodeClassLoaderReleaseHookIfAbsent("flowengine-graaljs", JsEngine::closeShared);
        }
        RunLog log = new RunLog(RunLog.newId(), spec.name());
        pool = new RailPool(scripts, log.console());
        counters = new RunCounters(null, scripts.stepRuntimes());
        counters.restore(restored[0], restored[1], restored[2], restored[3], restored[4]);
        writer = new CsvWriter(spec.sink().csv().delimiter(), spec.sink().csv().quote());
        OutputStage stage = plan.sinkColumns() != null ? new OutputStage(spec.sink().columns(), writer, false)
                : new OutputStage(Optional.ofNullable(plan.outputHeader()), false, writer, false);
        deadLetterText = new StringBuilder();
        core = new RunCore(spec, counters, stage, this::deadLetter);
        inputColumns = plan.inputColumns() == null ? null : Columns.of(plan.inputColumns());
        rows = new Row[spec.execution().chunkSize()];
        malformed = new ArrayList<>();
        accumulators = new LongCounter[COUNTS.size()];
        reported = new long[COUNTS.size()];
        for (int i = 0; i < accumulators.length; i++) {
            accumulators[i] = getRuntimeContext().getLongCounter(COUNTS.get(i));
        }
        report();
    }

    @Override
    public void processElement(StreamRecord<SourceRecord> element) {
        SourceRecord r = element.getValue();
        if (records > 0 && r.file != file) {
            flush();
        }
        file = r.file;
        if (r.error != null) {
            malformed.add(new DeadLetter(null, r.row, r.line, "source", r.error, r.raw));
        } else {
            if (inputColumns == null || inputColumns.size() != r.values.length) {
                // no header: the columns are c1..cN, N from the file's first record
                inputColumns = Columns.numbered(r.values.length);
            }
            rows[records - malformed.size()] = Row.of(inputColumns, r.values, r.row, r.line);
        }
        if (++records == rows.length) {
            flush();
        }
    }

    /** Runs the steps over the records gathered so far and emits what they made. */
    private void flush() {
        if (records == 0) {
            return;
        }
        int n = records - malformed.size();
        String name = file >= 0 && file < plan.inputs().size() ? plan.inputs().get(file) : null;
        Chunk chunk = new Chunk(seq++, rows, n, malformed, records, name);
        writingFile = name == null ? "" : name;
        Processed p;
        try {
            p = pool.process(chunk);
        } catch (InternalError e) {
            throw graalCannotStart(e);
        }
        rows = new Row[rows.length];
        malformed = new ArrayList<>();
        records = 0;
        StringBuilder csv = new StringBuilder();
        try {
            core.accept(p, csv);
        } catch (FlowEngineException e) {
            emit();
            throw Failures.fatal(e);
        } finally {
            report();
        }
        if (csv.length() > 0) {
            output.collect(new StreamRecord<>(new CsvBlock(header(), csv.toString())));
        }
        emit();
        if (pool.abandoned().isCompletedExceptionally()) {
            pool.abandoned().join();
        }
    }

    /**
     * Truffle without its multi-release classes (a fat jar without {@code Multi-Release: true})
     * throws InternalError when a context starts; a Flink task that lets a VirtualMachineError
     * escape halts the whole TaskManager, with every other job on it. This fails only the job.
     */
    private static RuntimeException graalCannotStart(InternalError e) {
        return Failures.fatal(new FlowEngineException("GraalJS cannot start in this TaskManager (" + e + "). If the job jar"
                + " bundles GraalJS, its manifest needs Multi-Release: true (docs/flink.md)", e));
    }

    private String header() {
        StringBuilder h = new StringBuilder();
        writer.append(h, core.outputHeader().names());
        return h.toString();
    }

    private void deadLetter(DeadLetter d) {
        if (deadLetterFormat == null) {
            Columns columns = inputColumns != null ? inputColumns : Columns.of();
            // with several inputs, as on the CLI: the file each record came from
            deadLetterFormat = new DeadLetterFormat(columns, new CsvWriter(',', '"'), plan.inputs().size() > 1);
            StringBuilder h = new StringBuilder();
            deadLetterFormat.header(h);
            deadLetterHeader = h.toString();
        }
        deadLetterFormat.append(deadLetterText, d, writingFile);
    }

    private void emit() {
        if (deadLetterText.length() > 0) {
            output.collect(DEAD_LETTERS, new StreamRecord<>(new CsvBlock(deadLetterHeader, deadLetterText.toString())));
            deadLetterText.setLength(0);
        }
    }

    /** Adds to the accumulators what was counted since the last report. */
    private void report() {
        long[] now = counters.snapshot();
        for (int i = 0; i < now.length; i++) {
            accumulators[i].add(now[i] - reported[i]);
        }
        reported = now;
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        countState.update(List.of(counters.snapshot()));
    }

    @Override
    public void endInput() {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (pool != null) {
                pool.close();
            }
        } finally {
            super.close();
        }
    }
}

package io.flowengine.flink;

import io.flowengine.Columns;
import io.flowengine.DeadLetter;
import io.flowengine.FlowEngineException;
import io.flowengine.PipelineSpec.SourceSpec;
import io.flowengine.Row;
import io.flowengine.internal.run.Codec;
import io.flowengine.internal.run.RecordSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.io.compression.InflaterInputStreamFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.compression.StandardDeCompressors;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.IteratorResultIterator;
import org.apache.flink.core.fs.Path;

/**
 * Reads a CSV file with the engine's own reader ({@link RecordSource}): the same dialects,
 * encodings, limits and error messages as {@code flowengine run}; a malformed record becomes a
 * record that fails in step {@code source} with its raw text. A file is one split (CSV cannot be
 * split safely: a quoted field may hold line breaks).
 *
 * <p>The checkpointed position is the number of records read from the file, with no byte offset.
 * A byte offset could not say which record number and line the next record has, and dead letters
 * report both: after a restart the file is read again from its start and those records are
 * skipped (parsed, not processed), so every record keeps its number.
 */
final class CsvFileFormat implements BulkFormat<SourceRecord, FileSourceSplit> {

    private static final long serialVersionUID = 1L;
    /** Records handed to Flink at a time. */
    private static final int BATCH = 1024;

    private final JobPlan plan;

    CsvFileFormat(JobPlan plan) {
        this.plan = plan;
    }

    @Override
    public BulkFormat.Reader<SourceRecord> createReader(Configuration config, FileSourceSplit split) throws IOException {
        return new Reader(split.path(), plan, 0);
    }

    @Override
    public BulkFormat.Reader<SourceRecord> restoreReader(Configuration config, FileSourceSplit split) throws IOException {
        long skip = split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
        return new Reader(split.path(), plan, skip);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<SourceRecord> getProducedType() {
        return TypeInformation.of(SourceRecord.class);
    }

    /**
     * Opens {@code path}, decompressing it when its extension says so (as Flink's own formats do;
     * {@code .zst}, which Flink does not read, with the engine's zstd reader).
     */
    static InputStream open(Path path) throws IOException {
        InputStream in = path.getFileSystem().open(path);
        if (Codec.ofName(path.getPath()) == Codec.ZSTD) {
            return Codec.ZSTD.decompress(in);
        }
        InflaterInputStreamFactory<?> inflater = StandardDeCompressors.getDecompressorForFileName(path.getPath());
        return inflater == null ? in : inflater.create(in);
    }

    /** The header of {@code path} (null when the file is empty), read on the client to check every file against it. */
    static Columns header(Path path, SourceSpec spec) {
        try (RecordSource source = new RecordSource(open(path), spec, path.toString())) {
            if (!source.start()) {
                return null;
            }
            if (source.columns() == null && (spec.layout().ndjson() || RecordSource.ndjsonName(path.getPath()))) {
                // NDJSON: the first object's keys
                source.nextRecord();
            }
            return source.columns();
        } catch (IOException e) {
            throw new FlowEngineException("cannot read the input " + path + ": " + e.getMessage(), e);
        }
    }

    /** Which of the job's inputs {@code path} is (a split may name it with its scheme): -1 if none. */
    static int indexOf(List<String> inputs, Path path) {
        int i = inputs.indexOf(path.toString());
        if (i >= 0) {
            return i;
        }
        for (int k = 0; k < inputs.size(); k++) {
            if (new Path(inputs.get(k)).toUri().getPath().equals(path.toUri().getPath())) {
                return k;
            }
        }
        return -1;
    }

    private static final class Reader implements BulkFormat.Reader<SourceRecord> {
        private final RecordSource source;
        private final int file;
        private long read;

        Reader(Path path, JobPlan plan, long skip) throws IOException {
            SourceSpec spec = plan.spec().source();
            this.source = new RecordSource(open(path), spec, path.toString());
            this.file = indexOf(plan.inputs(), path);
            try {
                if (source.start() && plan.header() && plan.inputColumns() != null && source.columns() != null
                        && !source.columns().names().equals(plan.inputColumns())) {
                    throw Failures.fatal(new FlowEngineException(path + ": the header " + source.columns()
                            + " differs from the first input file's " + Columns.of(plan.inputColumns())
                            + ". Every input file must have the same columns, in the same order"));
                }
                while (read < skip && next() != null) {
                    // records a checkpoint already covers: read again only to keep their numbers
                }
            } catch (RuntimeException e) {
                source.close();
                throw e;
            }
        }

        private SourceRecord next() {
            RecordSource.Record r;
            try {
                r = source.nextRecord();
            } catch (FlowEngineException e) {
                throw e.getCause() instanceof IOException io ? new UncheckedIOException(e.getMessage(), io) : Failures.fatal(e);
            }
            if (r == null) {
                return null;
            }
            read++;
            if (r.row() != null) {
                Row row = r.row();
                return SourceRecord.ok(row.values().toArray(String[]::new), row.rowNumber(), row.line(), file);
            }
            DeadLetter d = r.failure();
            return SourceRecord.failed(d.rowNumber(), d.line(), d.error(), d.raw(), file);
        }

        @Override
        public RecordIterator<SourceRecord> readBatch() throws IOException {
            long before = read;
            List<SourceRecord> batch = new ArrayList<>(BATCH);
            SourceRecord r;
            while (batch.size() < BATCH && (r = next()) != null) {
                batch.add(r);
            }
            if (batch.isEmpty()) {
                return null;
            }
            return new IteratorResultIterator<>(batch.iterator(), CheckpointedPosition.NO_OFFSET, before);
        }

        @Override
        public void close() throws IOException {
            source.close();
        }
    }

}

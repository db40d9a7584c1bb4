package io.flowengine.flink;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One input record on its way from the source to the steps: its values, or, for a record that
 * could not be read as one, the error and its raw text. Serialized by {@link SourceRecordType}.
 */
@TypeInfo(SourceRecordType.class)
public final class SourceRecord {

    /** The fields; null for a record that failed in the source. */
    public String[] values;
    /** The record's number in its file (1 = the first record after the header). */
    public long row;
    /** The physical line of the file where it starts. */
    public long line;
    /** Why the source could not read it as a row; null when it could. */
    public String error;
    /** The record's raw text, when it failed. */
    public String raw;
    /** Its input file: an index into the job's inputs ({@link JobPlan#inputs}). */
    public int file;

    public SourceRecord() {
    }

    static SourceRecord ok(String[] values, long row, long line, int file) {
        SourceRecord r = new SourceRecord();
        r.file = file;
        r.values = values;
        r.row = row;
        r.line = line;
        return r;
    }

    static SourceRecord failed(long row, long line, String error, String raw, int file) {
        SourceRecord r = new SourceRecord();
        r.file = file;
        r.row = row;
        r.line = line;
        r.error = error;
        r.raw = raw;
        return r;
    }
}

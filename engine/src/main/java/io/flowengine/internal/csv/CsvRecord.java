package io.flowengine.internal.csv;

/**
 * One record as read: its fields, the physical line where it starts, and — when it is malformed —
 * why, with its raw text so that nothing of it is lost.
 */
public record CsvRecord(String[] fields, long line, String error, String raw) {

    public boolean malformed() {
        return error != null;
    }
}

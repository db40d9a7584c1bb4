package io.flowengine.internal.csv;

import io.flowengine.FlowEngineException;

/** Input that cannot be read as CSV at all (as opposed to one malformed record). */
public final class CsvFormatException extends FlowEngineException {

    private final long line;

    public CsvFormatException(long line, String message) {
        super(message);
        this.line = line;
    }

    public long line() {
        return line;
    }
}

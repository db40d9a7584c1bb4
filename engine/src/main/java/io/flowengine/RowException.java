package io.flowengine;

/**
 * A failure of one record. Carries where it happened; cheap to create (no stack trace), since a
 * bad file can produce millions of them.
 */
public final class RowException extends FlowEngineException {
    private static final long serialVersionUID = 1L;

    private final long rowNumber;
    private final long line;
    private final String step;
    private final String reason;

    /**
     * @param hint how to fix it, or null
     */
    public RowException(String step, long rowNumber, long line, String reason, String hint) {
        super(reason + " (record " + rowNumber + ", line " + line + ", step '" + step + "')."
                + (hint == null ? "" : "\n  " + hint), null);
        this.rowNumber = rowNumber;
        this.line = line;
        this.step = step;
        this.reason = reason;
    }

    public long rowNumber() {
        return rowNumber;
    }

    public long line() {
        return line;
    }

    public String step() {
        return step;
    }

    /** What went wrong, without the position. */
    public String reason() {
        return reason;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}

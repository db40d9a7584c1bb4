package io.flowengine.internal.compiled;

import io.flowengine.Row;
import io.flowengine.internal.run.RowEdits;
import java.util.Map;

/** What compiled code sees while it runs on one row: the row, its position, the vars, the locals. */
final class Frame {

    private final RowEdits row;
    private final long rowNumber;
    private final long line;
    private final Map<String, String> vars;
    private final Object[] locals;
    private Row result;

    Frame(RowEdits row, long rowNumber, long line, Map<String, String> vars, int locals) {
        this.row = row;
        this.rowNumber = rowNumber;
        this.line = line;
        this.vars = vars;
        this.locals = new Object[locals];
    }

    RowEdits row() {
        return row;
    }

    long rowNumber() {
        return rowNumber;
    }

    long line() {
        return line;
    }

    Map<String, String> vars() {
        return vars;
    }

    Object[] locals() {
        return locals;
    }

    /** The new row a step returned (an object literal). */
    Row result() {
        return result;
    }

    void result(Row row) {
        this.result = row;
    }
}
